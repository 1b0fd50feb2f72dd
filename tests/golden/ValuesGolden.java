/*
 * Test-only reference for data/values.c and the header/string converters:
 * runs Apache Kafka's own Values, SimpleHeaderConverter and StringConverter on
 * the inputs in tests/golden/values/ and writes the expected outputs next to them.
 *
 *   parse_inputs.txt    -> parse_expected.txt     SimpleHeaderConverter.toConnectHeader
 *                                                 (UTF-8 decode + Values.parseString), then
 *                                                 fromConnectHeader of the result
 *   tostring_inputs.txt -> tostring_expected.txt  Values.convertToString of built values
 *   charset_inputs.txt  -> charset_expected.txt   StringConverter with converter.encoding
 *
 * Input lines: '#' starts a comment line; escapes are \\ , \xHH (one raw byte),
 * \E alone (the empty input) and \N alone (null). Outputs use the same byte
 * escaping: printable ASCII except '\' and '"' as is, everything else \xHH.
 *
 * Run: java -Duser.timezone=UTC -cp '<kafka>/lib/*' ValuesGolden.java <dir>
 * (see regen-values.sh). Values formats and parses dates in the JVM's default
 * time zone; connectd uses UTC, so the reference must run in UTC.
 */
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;

public class ValuesGolden {
    static byte[] unescape(String line) {
        if (line.equals("\\N")) {
            return null;
        }
        if (line.equals("\\E")) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] raw = line.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\' && i + 1 < raw.length && raw[i + 1] == '\\') {
                out.write('\\');
                i++;
            } else if (raw[i] == '\\' && i + 3 < raw.length && raw[i + 1] == 'x') {
                out.write(Integer.parseInt(new String(raw, i + 2, 2, StandardCharsets.US_ASCII), 16));
                i += 3;
            } else {
                out.write(raw[i]);
            }
        }
        return out.toByteArray();
    }

    static String escape(byte[] bytes) {
        if (bytes == null) {
            return "\\N";
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c <= 0x7e && c != '\\' && c != '"') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02X", c));
            }
        }
        return sb.toString();
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02X", b & 0xff));
        }
        return sb.toString();
    }

    static String describeSchema(Schema s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.type().toString());
        if (s.isOptional()) {
            sb.append('?');
        }
        if (s.name() != null) {
            sb.append('(').append(s.name());
            if (s.parameters() != null && s.parameters().containsKey("scale")) {
                sb.append(",scale=").append(s.parameters().get("scale"));
            }
            sb.append(')');
        }
        if (s.type() == Schema.Type.ARRAY) {
            sb.append('<').append(describeSchema(s.valueSchema())).append('>');
        } else if (s.type() == Schema.Type.MAP) {
            sb.append('<').append(describeSchema(s.keySchema())).append(',')
                .append(describeSchema(s.valueSchema())).append('>');
        }
        return sb.toString();
    }

    static String describeValue(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof Byte) {
            return "i8:" + v;
        } else if (v instanceof Short) {
            return "i16:" + v;
        } else if (v instanceof Integer) {
            return "i32:" + v;
        } else if (v instanceof Long) {
            return "i64:" + v;
        } else if (v instanceof Float) {
            return "f32:" + v;
        } else if (v instanceof Double) {
            return "f64:" + v;
        } else if (v instanceof Boolean) {
            return "bool:" + v;
        } else if (v instanceof String) {
            return "str:\"" + escape(((String) v).getBytes(StandardCharsets.UTF_8)) + "\"";
        } else if (v instanceof byte[]) {
            return "bytes:" + hex((byte[]) v);
        } else if (v instanceof ByteBuffer) {
            ByteBuffer bb = ((ByteBuffer) v).duplicate();
            byte[] b = new byte[bb.remaining()];
            bb.get(b);
            return "bytes:" + hex(b);
        } else if (v instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) v;
            return "dec:" + d.unscaledValue() + "/" + d.scale();
        } else if (v instanceof java.util.Date) {
            return "date:" + ((java.util.Date) v).getTime();
        } else if (v instanceof List) {
            StringBuilder sb = new StringBuilder("[");
            boolean first = true;
            for (Object e : (List<?>) v) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(describeValue(e));
            }
            return sb.append(']').toString();
        } else if (v instanceof Map) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(describeValue(e.getKey())).append('=').append(describeValue(e.getValue()));
            }
            return sb.append('}').toString();
        }
        return "?" + v.getClass().getName();
    }

    static List<String> cases(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.add(line);
            }
        }
        return out;
    }

    /** The built values of tostring_inputs.txt: "kind:literal". */
    static Object build(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String lit = colon < 0 ? "" : spec.substring(colon + 1);
        switch (kind) {
            case "i8": return Byte.parseByte(lit);
            case "i16": return Short.parseShort(lit);
            case "i32": return Integer.parseInt(lit);
            case "i64": return Long.parseLong(lit);
            case "f32": return Float.parseFloat(lit);
            case "f64": return Double.parseDouble(lit);
            case "bool": return Boolean.parseBoolean(lit);
            case "str": return new String(unescape(lit), StandardCharsets.UTF_8);
            case "bytes": {
                byte[] b = new byte[lit.length() / 2];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) Integer.parseInt(lit.substring(2 * i, 2 * i + 2), 16);
                }
                return b;
            }
            case "dec": return new BigDecimal(lit);
            case "date": return new java.util.Date(Long.parseLong(lit));
            case "parse": return Values.parseString(new String(unescape(lit), StandardCharsets.UTF_8)).value();
            case "struct": {
                Schema schema = SchemaBuilder.struct().name("S")
                    .field("id", Schema.INT32_SCHEMA)
                    .field("name", SchemaBuilder.string().optional().defaultValue("dflt").build())
                    .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
                    .field("q\"uote", Schema.OPTIONAL_FLOAT64_SCHEMA)
                    .build();
                Struct st = new Struct(schema).put("id", 7).put("tags", List.of("a", "b\\c"));
                return st;
            }
            case "list": {
                List<Object> l = new ArrayList<>();
                l.add(1);
                l.add(null);
                l.add(new byte[] {1, 2, 3});
                l.add(new BigDecimal("1.50"));
                l.add(new java.util.Date(1700000000123L));
                l.add(2.5f);
                return l;
            }
            case "map": {
                Map<Object, Object> m = new java.util.LinkedHashMap<>();
                m.put("k\"1", List.of(1L, 2L));
                m.put(3, null);
                m.put(true, Map.of("in", "ner"));
                return m;
            }
            default: throw new IllegalArgumentException("unknown kind " + kind);
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args.length > 0 ? args[0] : "tests/golden/values");
        SimpleHeaderConverter shc = new SimpleHeaderConverter();
        shc.configure(new HashMap<>());

        StringBuilder out = new StringBuilder();
        for (String line : cases(dir.resolve("parse_inputs.txt"))) {
            byte[] input = unescape(line);
            SchemaAndValue sv = shc.toConnectHeader("topic", "h", input);
            String schema = sv == null ? "null" : describeSchema(sv.schema());
            Object value = sv == null ? null : sv.value();
            byte[] back = shc.fromConnectHeader("topic", "h", sv == null ? null : sv.schema(), value);
            out.append(line).append('\t').append(schema).append('\t').append(describeValue(value))
                .append('\t').append(escape(back)).append('\n');
        }
        Files.write(dir.resolve("parse_expected.txt"), out.toString().getBytes(StandardCharsets.UTF_8));

        out = new StringBuilder();
        for (String line : cases(dir.resolve("tostring_inputs.txt"))) {
            Object value = build(line);
            String s = Values.convertToString(null, value);
            out.append(line).append('\t')
                .append(escape(s == null ? null : s.getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        Files.write(dir.resolve("tostring_expected.txt"), out.toString().getBytes(StandardCharsets.UTF_8));

        // charset_inputs.txt lines: "<encoding> decode <escaped bytes>" or "<encoding> encode <escaped UTF-8>"
        out = new StringBuilder();
        for (String line : cases(dir.resolve("charset_inputs.txt"))) {
            String[] parts = line.split(" ", 3);
            StringConverter sc = new StringConverter();
            Map<String, Object> conf = new HashMap<>();
            conf.put("converter.encoding", parts[0]);
            String result;
            try {
                sc.configure(conf, false);
                byte[] data = unescape(parts[2]);
                if (parts[1].equals("decode")) {
                    Object v = sc.toConnectData("topic", data).value();
                    result = escape(v == null ? null : ((String) v).getBytes(StandardCharsets.UTF_8));
                } else {
                    String s = data == null ? null : new String(data, StandardCharsets.UTF_8);
                    result = escape(sc.fromConnectData("topic", null, s));
                }
            } catch (Exception e) {
                result = "error:" + e.getMessage();
            }
            out.append(line).append('\t').append(result).append('\n');
        }
        Files.write(dir.resolve("charset_expected.txt"), out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
