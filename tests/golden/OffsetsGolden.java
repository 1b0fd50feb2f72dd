// Test-only oracle for connectd's source-offset storage, run on Apache Kafka's jars
// (tests/golden/regen-offsets.sh). Writes, with Kafka's own classes:
//   keys.txt             one line per case: <name> <hex key> <hex value|null>, the offsets
//                        key ["connector",{partition}] and value {offset} as the worker's
//                        internal JsonConverter (schemas.enable=false) serialises them
//                        (OffsetStorageWriter), after OffsetUtils.validateFormat
//   <name>.offsets       files written by FileOffsetBackingStore.set()
//   <name>.expected      the entries of that file as FileOffsetBackingStore.get() reads them
// With "read <file>" it prints the entries of any offsets file (sorted hex lines), so a
// file written by connectd can be checked by Java.
import java.io.File;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.*;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetUtils;

public class OffsetsGolden {
    static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "false"), isKey);
        return c;
    }

    static final JsonConverter KEYS = converter(true), VALUES = converter(false);

    static String hex(byte[] b) {
        if (b == null) return "null";
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.length() == 0 ? "-" : sb.toString();
    }

    static byte[] key(String connector, Map<String, Object> partition) {
        OffsetUtils.validateFormat(partition);
        return KEYS.fromConnectData(connector, null, Arrays.asList(connector, partition));
    }

    static byte[] value(String connector, Map<String, Object> offset) {
        OffsetUtils.validateFormat(offset);
        return VALUES.fromConnectData(connector, null, offset);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static FileOffsetBackingStore open(File f) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", "localhost:9092");
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("offset.storage.file.filename", f.getPath());
        FileOffsetBackingStore store = new FileOffsetBackingStore(KEYS);
        store.configure(new StandaloneConfig(props));
        store.start();
        return store;
    }

    @SuppressWarnings("unchecked")
    static List<String> entries(File f) throws Exception {
        FileOffsetBackingStore store = open(f);
        java.lang.reflect.Field data = store.getClass().getSuperclass().getDeclaredField("data");
        data.setAccessible(true);
        Map<ByteBuffer, ByteBuffer> m = (Map<ByteBuffer, ByteBuffer>) data.get(store);
        List<String> lines = new ArrayList<>();
        for (Map.Entry<ByteBuffer, ByteBuffer> e : m.entrySet())
            lines.add(hex(e.getKey().array()) + " " + (e.getValue() == null ? "null" : hex(e.getValue().array())));
        store.stop();
        Collections.sort(lines);
        return lines;
    }

    static void writeStore(File dir, String name, LinkedHashMap<byte[], byte[]> entries) throws Exception {
        File f = new File(dir, name + ".offsets");
        f.delete();
        FileOffsetBackingStore store = open(f);
        Map<ByteBuffer, ByteBuffer> m = new LinkedHashMap<>();
        for (Map.Entry<byte[], byte[]> e : entries.entrySet())
            m.put(ByteBuffer.wrap(e.getKey()), e.getValue() == null ? null : ByteBuffer.wrap(e.getValue()));
        store.set(m, null).get();
        store.stop();
        Files.write(new File(dir, name + ".expected").toPath(), entries(f), StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("read")) {
            for (String l : entries(new File(args[1]))) System.out.println(l);
            return;
        }
        File dir = new File(args[1]);
        // Key/value serialisation cases.
        Object[][] cases = {
            {"file_source", "local-file-source", map("filename", "/tmp/test.txt"), map("position", 42L)},
            {"stdin_null_position", "src", map("filename", null), map("position", null)},
            {"unicode_name", "c\u00e9\u20ac\ud83d\ude00 \"q\"\\\n", map("filename", "f\u00e9\t\u0001"), map("position", 0L)},
            {"multi_key_order", "kinesis", map("stream", "s1", "shard", "shardId-000000000001", "n", 7, "f", 1.5, "b", true),
                map("seq", "49590338271490256608559692538361571095921575989136588898", "ms", -1L, "d", 0.1, "i8", (byte) 3, "bytes", new byte[] {1, 2, 3})},
            {"empty_partition", "x", map(), map()},
            {"large_numbers", "x", map("a", Long.MIN_VALUE, "b", Long.MAX_VALUE, "c", Integer.MIN_VALUE), map("f", 1e300, "g", -0.0, "h", 3.4028235e38f)},
            {"null_offset", "conn", map("p", "1"), null},
        };
        try (PrintWriter w = new PrintWriter(new File(dir, "keys.txt"), "UTF-8")) {
            for (Object[] c : cases) {
                @SuppressWarnings("unchecked") Map<String, Object> p = (Map<String, Object>) c[2];
                @SuppressWarnings("unchecked") Map<String, Object> o = (Map<String, Object>) c[3];
                w.println(c[0] + " " + hex(key((String) c[1], p)) + " " + hex(o == null ? null : value((String) c[1], o)));
            }
        }
        // Offsets files.
        LinkedHashMap<byte[], byte[]> one = new LinkedHashMap<>();
        one.put(key("local-file-source", map("filename", "/tmp/test.txt")), value("x", map("position", 42L)));
        writeStore(dir, "one_entry", one);
        writeStore(dir, "empty", new LinkedHashMap<>());
        LinkedHashMap<byte[], byte[]> nul = new LinkedHashMap<>();
        nul.put(key("gone", map("filename", "/tmp/a")), null);
        writeStore(dir, "null_value", nul);
        LinkedHashMap<byte[], byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++)
            many.put(key("conn-" + (i % 3), map("filename", "/data/file-" + i + ".txt")),
                     value("x", map("position", (long) i * 1000)));
        many.put(new byte[0], new byte[0]);
        writeStore(dir, "many_entries", many);
        LinkedHashMap<byte[], byte[]> big = new LinkedHashMap<>();
        byte[] bigValue = new byte[3000];
        Arrays.fill(bigValue, (byte) 'x');
        big.put(key("big", map("filename", "f")), bigValue);
        writeStore(dir, "big_value", big);
    }
}
