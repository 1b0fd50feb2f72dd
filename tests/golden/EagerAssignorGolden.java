/*
 * EagerAssignorGolden: runs Apache Kafka Connect's EagerAssignor and the full
 * IncrementalCooperativeAssignor.performAssignment path (config-offset checks,
 * CONFIG_MISMATCH, protocol version) on a WorkerCoordinator that never touches
 * the network, for the cases that tests/unit/test_assignor.c rebuilds; prints
 * "case member hex" lines (tests/golden/assignor/eager.txt). Compiled into the
 * assignor's package like AssignorGolden (see regen-assignor.sh).
 */
package org.apache.kafka.connect.runtime.distributed;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.kafka.clients.GroupRebalanceConfig;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.runtime.TargetState;
import org.apache.kafka.connect.storage.AppliedConnectorConfig;
import org.apache.kafka.connect.storage.ClusterConfigState;
import org.apache.kafka.connect.storage.MemoryConfigBackingStore;
import org.apache.kafka.connect.util.ConnectorTaskId;

public class EagerAssignorGolden {
    static final Time TIME = new Time() {
        public long milliseconds() { return 0; }
        public long nanoseconds() { return 0; }
        public void sleep(long ms) { }
        public void waitObject(Object o, Supplier<Boolean> c, long d) { }
    };

    static String hex(ByteBuffer b) {
        StringBuilder sb = new StringBuilder();
        ByteBuffer d = b.duplicate();
        while (d.hasRemaining())
            sb.append(String.format("%02x", d.get() & 0xff));
        return sb.toString();
    }

    static ClusterConfigState snapshot(long offset, String... connTasks) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Map<String, String>> configs = new HashMap<>();
        for (String ct : connTasks) {
            String[] p = ct.split(":");
            counts.put(p[0], Integer.parseInt(p[1]));
            configs.put(p[0], Collections.emptyMap());
        }
        return new ClusterConfigState(offset, null, counts, configs, new HashMap<String, TargetState>(),
                new HashMap<ConnectorTaskId, Map<String, String>>(), new HashMap<>(), new HashMap<>(),
                new HashMap<String, AppliedConnectorConfig>(), Collections.emptySet(), Collections.emptySet());
    }

    /* members: "id:offset" (metadata v0 for eager, v1/v2 with a null allocation otherwise) */
    static void run(String name, ConnectProtocolCompatibility protocol, ClusterConfigState snap, String leader,
                    String... members) {
        GroupRebalanceConfig grc = new GroupRebalanceConfig(10000, 60000, 3000, "g", Optional.empty(), null, 100L, 1000L);
        WorkerRebalanceListener listener = new WorkerRebalanceListener() {
            public void onAssigned(ExtendedAssignment a, int g) { }
            public void onRevoked(String l, java.util.Collection<String> c, java.util.Collection<ConnectorTaskId> t) { }
            public void onPollTimeoutExpiry() { }
        };
        WorkerCoordinator coordinator = new WorkerCoordinator(grc, new LogContext(), null, new Metrics(), "connect",
                TIME, "http://x/", new MemoryConfigBackingStore(), listener, protocol, 300000);
        coordinator.configSnapshot(snap);
        List<JoinGroupResponseMember> metas = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String m : members) {
            String[] p = m.split(":");
            ids.add(p[0]);
            ExtendedWorkerState st = new ExtendedWorkerState("http://" + p[0] + ":8083/", Long.parseLong(p[1]), null);
            ByteBuffer md = protocol == ConnectProtocolCompatibility.EAGER
                    ? ConnectProtocol.serializeMetadata(st)
                    : IncrementalCooperativeConnectProtocol.serializeMetadata(st, protocol == ConnectProtocolCompatibility.SESSIONED);
            byte[] b = new byte[md.remaining()];
            md.get(b);
            metas.add(new JoinGroupResponseMember().setMemberId(p[0]).setMetadata(b));
        }
        ConnectAssignor assignor = protocol == ConnectProtocolCompatibility.EAGER
                ? new EagerAssignor(new LogContext())
                : new IncrementalCooperativeAssignor(new LogContext(), TIME, 300000);
        Map<String, ByteBuffer> out = assignor.performAssignment(leader, protocol, metas, coordinator);
        for (String id : ids)
            System.out.println(name + " " + id + " " + hex(out.get(id)));
    }

    public static void main(String[] args) {
        run("eager-basic", ConnectProtocolCompatibility.EAGER, snapshot(7, "zeta:2", "alpha:3", "mid:0"),
                "w-b", "w-b:7", "w-a:2");
        run("eager-many", ConnectProtocolCompatibility.EAGER,
                snapshot(12, "c5:4", "c1:1", "c3:0", "c2:7", "c4:2", "connector-with-a-long-name:3"),
                "m2", "m2:12", "m1:12", "m3:3");
        run("eager-mismatch", ConnectProtocolCompatibility.EAGER, snapshot(4, "a:1"), "leader", "leader:4", "other:9");
        run("compatible-mismatch", ConnectProtocolCompatibility.COMPATIBLE, snapshot(4, "a:1"), "leader", "leader:4", "other:9");
        run("sessioned-mismatch", ConnectProtocolCompatibility.SESSIONED, snapshot(4, "a:1"), "leader", "leader:4", "other:9");
        run("sessioned-first", ConnectProtocolCompatibility.SESSIONED, snapshot(9, "a:3", "b:2"), "w2", "w2:9", "w1:9", "w3:-1");
        run("compatible-first", ConnectProtocolCompatibility.COMPATIBLE, snapshot(9, "a:3", "b:2"), "w2", "w2:9", "w1:9");
    }
}
