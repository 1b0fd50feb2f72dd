/*
 * JsonConverterGolden: runs the JsonConverter golden cases through Apache Kafka's own
 * org.apache.kafka.connect.json.JsonConverter and writes what Java produces.
 *
 * Test-only tool (Java 17 single-file source launch):
 *
 *   java -cp '<kafka lib dir>/*' tests/golden/JsonConverterGolden.java <cases-dir> [<out-file>]
 *
 * Reads <cases-dir>/cases.json and writes <out-file> (default <cases-dir>/expected.json).
 * The case format is described in tests/golden/json/README.md. Each result is written on a
 * line of its own so that a regeneration diffs cleanly.
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

public class JsonConverterGolden {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TOPIC = "golden";

    /** A stage failed: carries the stage name and Java's exception message. */
    private static final class StageFailure extends Exception {
        final String stage;

        StageFailure(String stage, Throwable cause) {
            super(cause.getMessage(), cause);
            this.stage = stage;
        }
    }

    private static Map<String, String> configOf(JsonNode node, Map<String, String> defaults) {
        Map<String, String> config = new HashMap<>(defaults);
        if (node != null && node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                config.put(e.getKey(), e.getValue().asText());
            }
        }
        return config;
    }

    private static JsonConverter converter(Map<String, String> config, String stage) throws StageFailure {
        try {
            JsonConverter converter = new JsonConverter();
            converter.configure(config, false);
            return converter;
        } catch (RuntimeException e) {
            throw new StageFailure(stage, e);
        }
    }

    private static byte[] inputBytes(JsonNode c) {
        if (c.hasNonNull("input_base64"))
            return Base64.getDecoder().decode(c.get("input_base64").asText());
        if (c.has("input") && !c.get("input").isNull())
            return c.get("input").asText().getBytes(StandardCharsets.UTF_8);
        return null;
    }

    private static byte[] runCase(JsonNode c) throws StageFailure {
        String op = c.get("op").asText();
        Map<String, String> config = configOf(c.get("config"), Map.of());
        switch (op) {
            case "config":
                converter(config, "config");
                return null;
            case "write": {
                Map<String, String> decodeConfig = configOf(c.get("decode_config"), Map.of("schemas.enable", "true"));
                JsonConverter decoder = converter(decodeConfig, "decode");
                SchemaAndValue data;
                try {
                    data = decoder.toConnectData(TOPIC, inputBytes(c));
                } catch (RuntimeException e) {
                    throw new StageFailure("decode", e);
                }
                JsonConverter conv = converter(config, "config");
                try {
                    return conv.fromConnectData(TOPIC, data.schema(), data.value());
                } catch (RuntimeException e) {
                    throw new StageFailure("convert", e);
                }
            }
            case "read": {
                JsonConverter conv = converter(config, "config");
                SchemaAndValue data;
                try {
                    data = conv.toConnectData(TOPIC, inputBytes(c));
                } catch (RuntimeException e) {
                    throw new StageFailure("convert", e);
                }
                Map<String, String> encodeConfig = configOf(c.get("encode_config"), Map.of(
                    "schemas.enable", "true", "decimal.format", "NUMERIC", "replace.null.with.default", "false"));
                JsonConverter encoder = converter(encodeConfig, "encode");
                try {
                    return encoder.fromConnectData(TOPIC, data.schema(), data.value());
                } catch (RuntimeException e) {
                    throw new StageFailure("encode", e);
                }
            }
            default:
                throw new IllegalArgumentException("unknown op " + op + " in case " + c.get("name"));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: JsonConverterGolden <cases-dir> [<out-file>]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Path out = args.length > 1 ? Path.of(args[1]) : dir.resolve("expected.json");
        JsonNode cases = MAPPER.readTree(Files.readAllBytes(dir.resolve("cases.json"))).get("cases");
        StringBuilder sb = new StringBuilder();
        sb.append("{\"generator\":\"tests/golden/JsonConverterGolden.java\",\"kafka_version\":")
            .append(MAPPER.writeValueAsString(AppInfoParser.getVersion()))
            .append(",\"results\":[\n");
        boolean first = true;
        for (JsonNode c : cases) {
            ObjectNode result = MAPPER.createObjectNode();
            result.put("name", c.get("name").asText());
            try {
                byte[] bytes = runCase(c);
                if (bytes == null)
                    result.putNull("output");
                else
                    result.put("output", new String(bytes, StandardCharsets.UTF_8));
            } catch (StageFailure e) {
                result.put("stage", e.stage);
                result.put("error", e.getMessage());
            }
            if (!first)
                sb.append(",\n");
            first = false;
            sb.append(MAPPER.writeValueAsString(result));
        }
        sb.append("\n]}\n");
        Files.write(out, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
