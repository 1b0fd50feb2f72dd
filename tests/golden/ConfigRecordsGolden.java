// Test-only oracle for connectd's config-topic records (storage/config_records.c), run on
// Apache Kafka's jars (tests/golden/regen-config-records.sh). For each case it builds the
// record exactly as KafkaConfigBackingStore does (its public schema constants and key
// helpers, the worker's internal JsonConverter with schemas.enable=false) and writes one
// line to records.txt:
//   <case> <kind> <hex key> <hex value|null> <inputs...>
// kinds and inputs (all strings hex-encoded UTF-8, "-" = empty):
//   connector <k>=<v> ...   putConnectorConfig: the map as given (REST: a LinkedHashMap)
//   task <k>=<v> ...        putTaskConfigs after AbstractHerder.reverseTransform, which
//                           copies the connector's map into a new HashMap (inputs are the
//                           connector's map in iteration order)
//   commit <n> | target <STATE> | restart <include> <only> | taskcount <n>
//   session <hexkey> <algorithm> <ts> | logger <level> | tombstone
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.*;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.TargetState;
import org.apache.kafka.connect.storage.KafkaConfigBackingStore;
import org.apache.kafka.connect.util.ConnectorTaskId;

public class ConfigRecordsGolden {
    static final JsonConverter CONV = new JsonConverter();
    static PrintWriter out;

    static String hex(byte[] b) {
        if (b == null) return "null";
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.length() == 0 ? "-" : sb.toString();
    }

    static String hex(String s) { return hex(s.getBytes(StandardCharsets.UTF_8)); }

    static byte[] ser(Schema schema, Struct s) { return CONV.fromConnectData("connect-configs", schema, s); }

    static void line(String name, String kind, String key, byte[] value, String inputs) {
        out.println(name + " " + kind + " " + hex(key) + " " + hex(value) + (inputs.isEmpty() ? "" : " " + inputs));
    }

    static String pairs(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(hex(e.getKey())).append('=').append(hex(e.getValue()));
        }
        return sb.toString();
    }

    static Map<String, String> linked(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static void connector(String name, String conn, Map<String, String> props) {
        Struct s = new Struct(KafkaConfigBackingStore.CONNECTOR_CONFIGURATION_V0);
        s.put("properties", props);
        line(name, "connector", KafkaConfigBackingStore.CONNECTOR_KEY(conn),
             ser(KafkaConfigBackingStore.CONNECTOR_CONFIGURATION_V0, s), pairs(props));
    }

    static void task(String name, String conn, int id, Map<String, String> props) {
        Map<String, String> copy = new HashMap<>(props); // AbstractHerder.reverseTransform
        Struct s = new Struct(KafkaConfigBackingStore.TASK_CONFIGURATION_V0);
        s.put("properties", copy);
        line(name, "task", KafkaConfigBackingStore.TASK_KEY(new ConnectorTaskId(conn, id)),
             ser(KafkaConfigBackingStore.TASK_CONFIGURATION_V0, s), pairs(props));
    }

    static void commit(String name, String conn, int n) {
        Struct s = new Struct(KafkaConfigBackingStore.CONNECTOR_TASKS_COMMIT_V0);
        s.put("tasks", n);
        line(name, "commit", KafkaConfigBackingStore.COMMIT_TASKS_KEY(conn),
             ser(KafkaConfigBackingStore.CONNECTOR_TASKS_COMMIT_V0, s), Integer.toString(n));
    }

    static void target(String name, String conn, TargetState state) {
        // KafkaConfigBackingStore.serializeTargetState
        Struct s = new Struct(KafkaConfigBackingStore.TARGET_STATE_V1);
        s.put("state", state == TargetState.STOPPED ? TargetState.PAUSED.name() : state.name());
        s.put("state.v2", state.name());
        line(name, "target", KafkaConfigBackingStore.TARGET_STATE_KEY(conn),
             ser(KafkaConfigBackingStore.TARGET_STATE_V1, s), state.name());
    }

    static void restart(String name, String conn, boolean include, boolean only) {
        Struct s = new Struct(KafkaConfigBackingStore.RESTART_REQUEST_V0);
        s.put(KafkaConfigBackingStore.INCLUDE_TASKS_FIELD_NAME, include);
        s.put(KafkaConfigBackingStore.ONLY_FAILED_FIELD_NAME, only);
        line(name, "restart", KafkaConfigBackingStore.RESTART_KEY(conn),
             ser(KafkaConfigBackingStore.RESTART_REQUEST_V0, s), include + " " + only);
    }

    static void taskCount(String name, String conn, int n) {
        Struct s = new Struct(KafkaConfigBackingStore.TASK_COUNT_RECORD_V0);
        s.put("task-count", n);
        line(name, "taskcount", KafkaConfigBackingStore.TASK_COUNT_RECORD_KEY(conn),
             ser(KafkaConfigBackingStore.TASK_COUNT_RECORD_V0, s), Integer.toString(n));
    }

    static void session(String name, byte[] key, String alg, long ts) {
        Struct s = new Struct(KafkaConfigBackingStore.SESSION_KEY_V0);
        s.put("key", Base64.getEncoder().encodeToString(key));
        s.put("algorithm", alg);
        s.put("creation-timestamp", ts);
        line(name, "session", KafkaConfigBackingStore.SESSION_KEY_KEY,
             ser(KafkaConfigBackingStore.SESSION_KEY_V0, s), hex(key) + " " + alg + " " + ts);
    }

    static void logger(String name, String ns, String level) {
        Struct s = new Struct(KafkaConfigBackingStore.LOGGER_LEVEL_V0);
        s.put("level", level);
        line(name, "logger", KafkaConfigBackingStore.LOGGER_CLUSTER_KEY(ns),
             ser(KafkaConfigBackingStore.LOGGER_LEVEL_V0, s), hex(level));
    }

    public static void main(String[] args) throws Exception {
        CONV.configure(Map.of("schemas.enable", "false"), false);
        out = new PrintWriter(args[0], StandardCharsets.UTF_8);
        String weird = "slash/ quote\" back\\ tab\t nl\n cr\r bs\b ff\f c1\u0001 us\u001f del\u007f "
                + "nbsp\u00a0 e\u00e9 euro\u20ac ls\u2028 ps\u2029 bom\ufeff emoji\ud83d\ude00 <>&'";
        connector("conn_simple", "local-file-source", linked(
            "connector.class", "FileStreamSource", "tasks.max", "1", "file", "/tmp/in.txt",
            "topic", "connect-test", "name", "local-file-source"));
        connector("conn_escapes", "caf\u00e9-\u20ac", linked(
            "name", "caf\u00e9-\u20ac", "weird", weird, "k\u00e9y/\"\\", "v", "empty", "",
            "\u2028", "\ud83d\ude00"));
        connector("conn_empty", "e", linked());
        task("task_simple", "local-file-source", 0, linked(
            "task.class", "org.apache.kafka.connect.file.FileStreamSourceTask",
            "file", "/tmp/in.txt", "topic", "connect-test", "batch.size", "2000"));
        task("task_dash_name", "my-dash-conn", 12, linked("a", "1", "weird", weird));
        // Keys with equal String.hashCode ("Aa"/"BB", "AaAa"/"BBBB"/"AaBB") keep insertion order
        task("task_collisions", "c", 1, linked("BB", "1", "Aa", "2", "AaAa", "3", "BBBB", "4",
            "AaBB", "5", "BBAa", "6", "x", "7"));
        for (int n : new int[] {1, 2, 3, 5, 6, 7, 11, 12, 13, 24, 25, 40, 100}) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) m.put("key." + (i * 7919 % 1000) + "." + (char) ('a' + i % 26), "v" + i);
            task("task_size_" + n, "size", n, m);
        }
        task("task_unicode_keys", "u", 0, linked("\u00e9", "1", "\u20ac", "2", "\ud83d\ude00", "3",
            "\uffff", "4", "z", "5", "\u0100", "6"));
        commit("commit_0", "local-file-source", 0);
        commit("commit_3", "my-dash-conn", 3);
        commit("commit_max", "m", Integer.MAX_VALUE);
        commit("commit_neg", "m", -1);
        target("target_started", "local-file-source", TargetState.STARTED);
        target("target_paused", "local-file-source", TargetState.PAUSED);
        target("target_stopped", "caf\u00e9-\u20ac", TargetState.STOPPED);
        restart("restart_ff", "x", false, false);
        restart("restart_tf", "x-y", true, false);
        restart("restart_tt", "x", true, true);
        restart("restart_ft", "x", false, true);
        taskCount("taskcount_3", "eos-conn", 3);
        taskCount("taskcount_0", "eos", 0);
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) k[i] = (byte) (i * 37 + 5);
        session("session_32", k, "HmacSHA256", 1729800000000L);
        session("session_odd", new byte[] {(byte) 0xff, 0, 1, 2, (byte) 0xfe}, "HmacSHA512", -5L);
        session("session_1", new byte[] {(byte) 0xfb}, "HmacSHA1", Long.MAX_VALUE);
        logger("logger_debug", "org.apache.kafka.connect", "DEBUG");
        logger("logger_root", "root", "ERROR");
        logger("logger_weird", "n\u00e9/s", weird);
        line("tomb_connector", "tombstone", KafkaConfigBackingStore.CONNECTOR_KEY("local-file-source"), null, "");
        line("tomb_target", "tombstone", KafkaConfigBackingStore.TARGET_STATE_KEY("local-file-source"), null, "");
        out.close();
    }
}
