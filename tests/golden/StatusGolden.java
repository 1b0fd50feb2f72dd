// Test-only oracle for connectd's status-topic values (tests/golden/regen-status.sh):
// serialises a fixed list of statuses with Apache Kafka's own KafkaStatusBackingStore
// (its private serialize / serializeTopicStatus, through reflection, on the worker's
// internal JsonConverter with schemas.enable=false) and prints one line per case:
//   <case number> <hex of the value bytes>
// tests/unit/test_kafka_status_codec.c holds the same cases and compares its bytes.
import java.lang.reflect.Method;
import java.util.HexFormat;
import java.util.Map;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.AbstractStatus;
import org.apache.kafka.connect.runtime.ConnectorStatus;
import org.apache.kafka.connect.runtime.TaskStatus;
import org.apache.kafka.connect.runtime.TopicStatus;
import org.apache.kafka.connect.storage.KafkaStatusBackingStore;
import org.apache.kafka.connect.util.ConnectorTaskId;

public class StatusGolden {
    public static void main(String[] args) throws Exception {
        JsonConverter conv = new JsonConverter();
        conv.configure(Map.of("schemas.enable", "false"), false);
        KafkaStatusBackingStore store = new KafkaStatusBackingStore(Time.SYSTEM, conv, () -> null, "g-");
        Method ser = KafkaStatusBackingStore.class.getDeclaredMethod("serialize", AbstractStatus.class);
        ser.setAccessible(true);
        Method topic = KafkaStatusBackingStore.class.getDeclaredMethod("serializeTopicStatus", TopicStatus.class);
        topic.setAccessible(true);
        String trace = "org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.y(X.java:1)\n"
                + "\"q\" \\ \u00e9 \u20ac \ud83d\ude00 \u0001 \u001f / \u2028";
        Object[] cases = {
            new ConnectorStatus("c", AbstractStatus.State.RUNNING, null, "10.0.0.5:8083", 7, null),
            new TaskStatus(new ConnectorTaskId("c", 0), AbstractStatus.State.FAILED, "w:1", 2147483647, trace, null),
            new TaskStatus(new ConnectorTaskId("c", 1), AbstractStatus.State.UNASSIGNED, "h:8083", 0, null, null),
            new ConnectorStatus("c", AbstractStatus.State.PAUSED, "", "", -1, "1.2.3"),
            new ConnectorStatus("c", AbstractStatus.State.STOPPED, null, "\u00fcn\u00ef:1", 12, "4.3.1"),
            new TaskStatus(new ConnectorTaskId("c", 2), AbstractStatus.State.RESTARTING, "h:1", 3, null, null),
            new TopicStatus("orders", "src", 0, 1729800000000L),
            new TopicStatus("t.\u00fc-1", "c\"x", 3, 0L),
        };
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < cases.length; i++) {
            byte[] b = cases[i] instanceof TopicStatus
                    ? (byte[]) topic.invoke(store, cases[i])
                    : (byte[]) ser.invoke(store, cases[i]);
            System.out.println(i + " " + hex.formatHex(b));
        }
    }
}
