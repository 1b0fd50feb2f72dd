/*
 * ConnectProtocolGolden: prints, as "name hex" lines, the bytes Apache Kafka
 * Connect's own ConnectProtocol / IncrementalCooperativeConnectProtocol write
 * for the cases that tests/unit/test_connect_protocol.c rebuilds in C
 * (tests/golden/connect_protocol/cases.txt; regenerate with
 * tests/golden/regen-connect-protocol.sh).
 */
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import org.apache.kafka.connect.runtime.distributed.ConnectProtocol;
import org.apache.kafka.connect.runtime.distributed.ExtendedAssignment;
import org.apache.kafka.connect.runtime.distributed.ExtendedWorkerState;
import org.apache.kafka.connect.runtime.distributed.IncrementalCooperativeConnectProtocol;
import org.apache.kafka.connect.util.ConnectorTaskId;

public class ConnectProtocolGolden {
    static void out(String name, ByteBuffer b) {
        if (b == null) {
            System.out.println(name + " null");
            return;
        }
        StringBuilder sb = new StringBuilder();
        ByteBuffer d = b.duplicate();
        while (d.hasRemaining())
            sb.append(String.format("%02x", d.get() & 0xff));
        System.out.println(name + " " + sb);
    }

    static List<ConnectorTaskId> tasks(Object... pairs) {
        List<ConnectorTaskId> l = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2)
            l.add(new ConnectorTaskId((String) pairs[i], (Integer) pairs[i + 1]));
        return l;
    }

    static List<String> many(String prefix, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++)
            l.add(prefix + i);
        return l;
    }

    static ExtendedAssignment ext(int version, List<String> c, List<ConnectorTaskId> t, List<String> rc,
                                  List<ConnectorTaskId> rt, int delay) {
        return new ExtendedAssignment((short) version, (short) 0, "w1-abc", "http://w1:8083/", 5L,
                new ArrayList<>(c), new ArrayList<>(t), new ArrayList<>(rc), new ArrayList<>(rt), delay);
    }

    public static void main(String[] args) {
        String url = "http://w1:8083/";
        // metadata
        out("meta_v0", ConnectProtocol.serializeMetadata(new ConnectProtocol.WorkerState(url, 5)));
        out("meta_v0_neg", ConnectProtocol.serializeMetadata(new ConnectProtocol.WorkerState("", -1)));
        out("meta_v1_null", IncrementalCooperativeConnectProtocol.serializeMetadata(
                new ExtendedWorkerState(url, 5, null), false));
        out("meta_v2_null", IncrementalCooperativeConnectProtocol.serializeMetadata(
                new ExtendedWorkerState(url, 5, null), true));
        List<String> c = Arrays.asList("c2", "c1", "a-connector");
        List<ConnectorTaskId> t = tasks("c1", 0, "c2", 1, "c2", 0, "x", 3);
        List<String> rc = Arrays.asList("c3", "zz", "c3");
        List<ConnectorTaskId> rt = tasks("c3", 0, "c1", 5, "new", 2);
        out("meta_v1_alloc", IncrementalCooperativeConnectProtocol.serializeMetadata(
                new ExtendedWorkerState(url, 7, ext(1, c, t, rc, rt, 1234)), false));
        out("meta_v2_alloc", IncrementalCooperativeConnectProtocol.serializeMetadata(
                new ExtendedWorkerState(url, 7, ext(2, c, t, rc, rt, 1234)), true));
        out("meta_v2_alloc_empty", IncrementalCooperativeConnectProtocol.serializeMetadata(
                new ExtendedWorkerState(url, 9, ext(2, Collections.emptyList(), Collections.emptyList(),
                        Collections.emptyList(), Collections.emptyList(), 0)), true));
        // assignments
        out("asg_v0", ConnectProtocol.serializeAssignment(new ConnectProtocol.Assignment((short) 0, "w1-abc", url, 5L,
                new ArrayList<>(c), new ArrayList<>(t))));
        out("asg_v0_mismatch", ConnectProtocol.serializeAssignment(new ConnectProtocol.Assignment((short) 1, "leader",
                "http://l:8083/", 42L, Collections.emptyList(), Collections.emptyList())));
        out("asg_v1", IncrementalCooperativeConnectProtocol.serializeAssignment(ext(1, c, t, rc, rt, 0), false));
        out("asg_v2", IncrementalCooperativeConnectProtocol.serializeAssignment(ext(2, c, t, rc, rt, 300000), true));
        out("asg_v2_wire_example", IncrementalCooperativeConnectProtocol.serializeAssignment(
                ext(2, Arrays.asList("c"), tasks("c", 0), Collections.emptyList(), Collections.emptyList(), 0), true));
        List<String> m = many("connector-", 40);
        List<ConnectorTaskId> mt = new ArrayList<>();
        for (int i = 39; i >= 0; i -= 3)
            mt.add(new ConnectorTaskId("connector-" + i, i % 4));
        out("asg_v2_many", IncrementalCooperativeConnectProtocol.serializeAssignment(
                ext(2, m, mt, many("rev-", 20), tasks("rev-3", 1), 5), true));
        out("asg_v0_many", ConnectProtocol.serializeAssignment(new ConnectProtocol.Assignment((short) 0, "w1-abc", url, 5L,
                many("c", 13), mt)));
        List<String> u = Arrays.asList("\u00fcn\u00efcode", "\u65e5\u672c", "emoji-\ud83d\ude00", "Aa", "BB", "plain");
        out("asg_v1_unicode", IncrementalCooperativeConnectProtocol.serializeAssignment(
                ext(1, u, tasks("\u65e5\u672c", 0, "emoji-\ud83d\ude00", 1), Collections.emptyList(),
                        Collections.emptyList(), 0), false));
    }
}
