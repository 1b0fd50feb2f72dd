/*
 * NumberConvertersGolden: runs the number converter golden cases through Apache Kafka's own
 * org.apache.kafka.connect.converters.{Boolean,Short,Integer,Long,Float,Double}Converter and
 * writes what Java produces, one case per line:
 *
 *   <converter> TAB <op> TAB <schema> TAB <input> TAB <result>
 *
 * op: fromConnect, fromHeader (bytes from a Connect value), toConnect, toHeader (Connect
 * value from bytes). schema: "-" (none) or a Schema.Type name. input: "null", or
 * <kind>:<text> with kind int8/int16/int32/int64 (decimal), float32/float64 (IEEE bits in
 * hex), boolean (true/false), string, bytes (hex). result: "bytes:<hex>", "null",
 * "schema:<TYPE>:<optional>:<value as input syntax>", or "error:<getMessage()>" (the cause's
 * message is not part of it).
 *
 * Test-only tool (Java 17 single-file source launch):
 *   java -cp '<kafka lib dir>/*' tests/golden/NumberConvertersGolden.java <out-file>
 */

import org.apache.kafka.connect.converters.BooleanConverter;
import org.apache.kafka.connect.converters.DoubleConverter;
import org.apache.kafka.connect.converters.FloatConverter;
import org.apache.kafka.connect.converters.IntegerConverter;
import org.apache.kafka.connect.converters.LongConverter;
import org.apache.kafka.connect.converters.ShortConverter;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;

public class NumberConvertersGolden {
    private static final String[] CONVERTERS = {"BooleanConverter", "ShortConverter",
        "IntegerConverter", "LongConverter", "FloatConverter", "DoubleConverter"};

    private static final String[] VALUES = {"null", "int8:7", "int16:0", "int16:-2", "int16:32767",
        "int16:-32768", "int32:0", "int32:1", "int32:-1", "int32:2147483647", "int32:-2147483648",
        "int32:305419896", "int64:0", "int64:-1", "int64:9223372036854775807",
        "int64:-9223372036854775808", "int64:81985529216486895", "float32:00000000",
        "float32:80000000", "float32:3fc00000", "float32:7fc00000", "float32:7f800000",
        "float32:ff800000", "float32:00000001", "float64:0000000000000000",
        "float64:8000000000000000", "float64:3ff8000000000000", "float64:7ff8000000000000",
        "float64:fff0000000000000", "float64:0000000000000001", "boolean:true", "boolean:false",
        "string:abc", "bytes:0102"};

    private static final String[] SCHEMAS = {"-", "BOOLEAN", "INT16", "INT32", "STRING"};

    private static final String[] BYTES = {"null", "", "00", "01", "02", "ff", "0001", "8000",
        "7fff", "000000", "00000001", "ffffffff", "80000000", "3fc00000", "7fc00000", "0000000000",
        "0000000000000001", "ffffffffffffffff", "3ff8000000000000", "fff0000000000000",
        "000000000000000000"};

    private static Object value(String spec) {
        if (spec.equals("null"))
            return null;
        int colon = spec.indexOf(':');
        String kind = spec.substring(0, colon), text = spec.substring(colon + 1);
        switch (kind) {
            case "int8": return Byte.parseByte(text);
            case "int16": return Short.parseShort(text);
            case "int32": return Integer.parseInt(text);
            case "int64": return Long.parseLong(text);
            case "float32": return Float.intBitsToFloat(Integer.parseUnsignedInt(text, 16));
            case "float64": return Double.longBitsToDouble(Long.parseUnsignedLong(text, 16));
            case "boolean": return Boolean.parseBoolean(text);
            case "string": return text;
            case "bytes": return HexFormat.of().parseHex(text);
            default: throw new IllegalArgumentException(spec);
        }
    }

    private static String show(Object v) {
        if (v == null)
            return "null";
        if (v instanceof Byte) return "int8:" + v;
        if (v instanceof Short) return "int16:" + v;
        if (v instanceof Integer) return "int32:" + v;
        if (v instanceof Long) return "int64:" + v;
        if (v instanceof Float) return String.format("float32:%08x", Float.floatToRawIntBits((Float) v));
        if (v instanceof Double) return String.format("float64:%016x", Double.doubleToRawLongBits((Double) v));
        if (v instanceof Boolean) return "boolean:" + v;
        throw new IllegalArgumentException(v.getClass().toString());
    }

    private static Object make(String name) throws Exception {
        Object c = Class.forName("org.apache.kafka.connect.converters." + name)
            .getDeclaredConstructor().newInstance();
        ((Converter) c).configure(new HashMap<>(), false);
        return c;
    }

    private static String bytesResult(byte[] b) {
        return b == null ? "null" : "bytes:" + HexFormat.of().formatHex(b);
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace("\t", " ").replace("\n", " ");
    }

    public static void main(String[] args) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String name : CONVERTERS) {
            Object conv = make(name);
            for (String op : new String[] {"fromConnect", "fromHeader"}) {
                for (String schemaName : SCHEMAS) {
                    Schema schema = schemaName.equals("-") ? null
                        : SchemaBuilder.type(Schema.Type.valueOf(schemaName)).optional().build();
                    for (String spec : VALUES) {
                        String result;
                        try {
                            byte[] out = op.equals("fromConnect")
                                ? ((Converter) conv).fromConnectData("golden", schema, value(spec))
                                : ((HeaderConverter) conv).fromConnectHeader("golden", "h", schema, value(spec));
                            result = bytesResult(out);
                        } catch (RuntimeException e) {
                            result = "error:" + clean(e.getMessage());
                        }
                        lines.add(name + "\t" + op + "\t" + schemaName + "\t" + spec + "\t" + result);
                    }
                }
            }
            for (String op : new String[] {"toConnect", "toHeader"}) {
                for (String hex : BYTES) {
                    byte[] in = hex.equals("null") ? null : HexFormat.of().parseHex(hex);
                    String result;
                    try {
                        SchemaAndValue sv = op.equals("toConnect")
                            ? ((Converter) conv).toConnectData("golden", in)
                            : ((HeaderConverter) conv).toConnectHeader("golden", "h", in);
                        result = "schema:" + sv.schema().type() + ":" + sv.schema().isOptional() + ":" + show(sv.value());
                    } catch (RuntimeException e) {
                        result = "error:" + clean(e.getMessage());
                    }
                    lines.add(name + "\t" + op + "\t-\t" + (hex.equals("null") ? "null" : "bytes:" + hex) + "\t" + result);
                }
            }
            ((Converter) conv).close();
        }
        Files.write(Path.of(args[0]), lines, StandardCharsets.UTF_8);
    }
}
