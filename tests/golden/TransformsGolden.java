/*
 * TransformsGolden: runs the single message transform golden cases through Apache Kafka
 * Connect's own runtime and transformations, and writes what Java produces.
 *
 * Test-only tool (Java 17 single-file source launch):
 *
 *   java -cp '<kafka lib dir>/*' tests/golden/TransformsGolden.java <dir> [<out-dir>]
 *
 * Reads every <dir>/cases/<file>.json and writes <out-dir>/<file>.json (default
 * <dir>/expected). The chain is built as the worker builds a task's chain: a
 * SinkConnectorConfig (or SourceConnectorConfig) over the case's connector-style
 * properties (ConnectorConfig.enrich validates every transforms.<alias>.* /
 * predicates.<alias>.* key), then ConnectorConfig.transformationStages, then each
 * record goes through every TransformationStage in order, stopping when one drops it
 * (TransformationChain). "config_error" is the message of the innermost cause of the
 * exception that building the chain throws; a record's "error" is the message of the
 * exception apply throws. Keys, values and headers go in and out through
 * JsonConverter (schemas.enable=true; output with decimal.format=NUMERIC and
 * replace.null.with.default=false so transforms' nulls stay visible). A case whose
 * records all carry "offset" is run as a sink task (SinkRecords), otherwise as a
 * source task (SourceRecords). Each case is written on a line of its own.
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.ConnectMetrics;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.runtime.TransformationStage;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.util.ConnectorTaskId;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class TransformsGolden {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static JsonConverter reader;
    private static JsonConverter writer;

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t)
            t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
    }

    private static SchemaAndValue read(String topic, JsonNode envelope) throws Exception {
        if (envelope == null || envelope.isNull())
            return SchemaAndValue.NULL;
        return reader.toConnectData(topic, MAPPER.writeValueAsBytes(envelope));
    }

    private static JsonNode write(String topic, SchemaAndValue sv) throws Exception {
        byte[] out = writer.fromConnectData(topic, sv.schema(), sv.value());
        return out == null ? NODES.nullNode() : MAPPER.readTree(out);
    }

    private static ConnectRecord<?> record(JsonNode r) throws Exception {
        String topic = r.get("topic").asText();
        Integer partition = r.hasNonNull("partition") ? r.get("partition").asInt() : null;
        Long timestamp = r.hasNonNull("timestamp") ? r.get("timestamp").asLong() : null;
        SchemaAndValue key = read(topic, r.get("key"));
        SchemaAndValue value = read(topic, r.get("value"));
        ConnectHeaders headers = new ConnectHeaders();
        if (r.has("headers")) {
            for (JsonNode h : r.get("headers")) {
                SchemaAndValue hv = read(topic, h.get("value"));
                headers.add(h.get("key").asText(), hv.value(), hv.schema());
            }
        }
        if (r.has("offset")) {
            return new SinkRecord(topic, partition == null ? 0 : partition, key.schema(), key.value(),
                    value.schema(), value.value(), r.get("offset").asLong(), timestamp,
                    timestamp == null ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME, headers);
        }
        return new SourceRecord(null, null, topic, partition, key.schema(), key.value(), value.schema(),
                value.value(), timestamp, headers);
    }

    private static ObjectNode output(ConnectRecord<?> r) throws Exception {
        ObjectNode o = NODES.objectNode();
        o.put("topic", r.topic());
        if (r.kafkaPartition() == null)
            o.putNull("partition");
        else
            o.put("partition", r.kafkaPartition());
        if (r.timestamp() == null)
            o.putNull("timestamp");
        else
            o.put("timestamp", r.timestamp());
        o.set("key", write(r.topic(), new SchemaAndValue(r.keySchema(), r.key())));
        o.set("value", write(r.topic(), new SchemaAndValue(r.valueSchema(), r.value())));
        ArrayNode headers = o.putArray("headers");
        for (Header h : r.headers()) {
            ObjectNode ho = headers.addObject();
            ho.put("key", h.key());
            ho.set("value", write(r.topic(), new SchemaAndValue(h.schema(), h.value())));
        }
        return o;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ObjectNode runCase(JsonNode c, Plugins plugins, ConnectMetrics metrics) throws Exception {
        ObjectNode result = NODES.objectNode();
        result.put("name", c.get("name").asText());
        Map<String, String> props = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = c.get("config").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual())
                throw new IllegalArgumentException(c.get("name") + ": config values must be strings: " + e.getKey());
            props.put(e.getKey(), e.getValue().asText());
        }
        boolean sink = c.get("records").size() > 0;
        for (JsonNode r : c.get("records"))
            sink &= r.has("offset");
        props.putIfAbsent("name", "golden");
        if (sink) {
            props.putIfAbsent("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector");
            props.putIfAbsent("topics", "t");
        } else {
            props.putIfAbsent("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        }
        List<TransformationStage> stages;
        try {
            ConnectorConfig config = sink ? new SinkConnectorConfig(plugins, props)
                    : new SourceConnectorConfig(plugins, props, false);
            stages = (List) config.transformationStages(plugins, new ConnectorTaskId("golden", 0), metrics);
            result.putNull("config_error");
        } catch (Exception e) {
            result.put("config_error", rootMessage(e));
            result.putArray("results");
            return result;
        }
        ArrayNode results = result.putArray("results");
        for (JsonNode r : c.get("records")) {
            ConnectRecord rec = record(r);
            ObjectNode out = results.addObject();
            try {
                for (TransformationStage stage : stages) {
                    rec = stage.apply(rec);
                    if (rec == null)
                        break;
                }
                if (rec == null)
                    out.put("dropped", true);
                else
                    out.set("record", output(rec));
            } catch (Exception e) {
                out.removeAll();
                out.put("error", message(e));
            }
        }
        for (TransformationStage stage : stages)
            stage.close();
        return result;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path outDir = args.length > 1 ? Path.of(args[1]) : dir.resolve("expected");
        Files.createDirectories(outDir);

        reader = new JsonConverter();
        reader.configure(Map.of("schemas.enable", "true"), false);
        writer = new JsonConverter();
        writer.configure(Map.of("schemas.enable", "true", "decimal.format", "NUMERIC",
                "replace.null.with.default", "false"), false);

        Map<String, String> wp = new HashMap<>();
        wp.put("bootstrap.servers", "localhost:1");
        wp.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        wp.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        wp.put("offset.storage.file.filename", "/tmp/connectd-transforms-golden.offsets");
        wp.put("plugin.discovery", "only_scan");
        Plugins plugins = new Plugins(wp);
        StandaloneConfig workerConfig = new StandaloneConfig(wp);
        ConnectMetrics metrics = new ConnectMetrics("golden", workerConfig, Time.SYSTEM, "cluster");

        File[] files = dir.resolve("cases").toFile().listFiles((d, n) -> n.endsWith(".json"));
        Arrays.sort(files);
        for (File f : files) {
            JsonNode cases = MAPPER.readTree(f);
            StringBuilder sb = new StringBuilder("[\n");
            List<String> lines = new ArrayList<>();
            for (JsonNode c : cases)
                lines.add(MAPPER.writeValueAsString(runCase(c, plugins, metrics)));
            sb.append(String.join(",\n", lines));
            sb.append("\n]\n");
            Files.writeString(outDir.resolve(f.getName()), sb.toString(), StandardCharsets.UTF_8);
            System.out.println("TransformsGolden: " + f.getName() + ": " + lines.size() + " cases");
        }
        metrics.stop();
        System.exit(0);
    }
}
