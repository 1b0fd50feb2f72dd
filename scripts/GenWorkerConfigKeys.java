/*
 * GenWorkerConfigKeys: generates worker/worker_config_keys.inc (the C key
 * tables of the worker configuration) and the worker keys table of
 * docs/configuration.md from the Apache Kafka Connect jars themselves, so the
 * names, types, defaults, validators and documentation are Java's.
 *
 *   java -cp '/work/main/.peers/kafka-4.3.1/lib/*' scripts/GenWorkerConfigKeys.java \
 *        worker/worker_config_keys.inc docs/configuration.md
 *
 * Validators Java implements as lambdas or private classes are mapped to
 * named C functions (worker/worker_config.c); an unknown one stops the run.
 */
import org.apache.kafka.common.config.ConfigDef;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class GenWorkerConfigKeys {
    static ConfigDef base() throws Exception {
        Method m = Class.forName("org.apache.kafka.connect.runtime.WorkerConfig").getDeclaredMethod("baseConfigDef");
        m.setAccessible(true);
        return (ConfigDef) m.invoke(null);
    }

    static ConfigDef standalone() throws Exception {
        Field f = Class.forName("org.apache.kafka.connect.runtime.standalone.StandaloneConfig").getDeclaredField("CONFIG");
        f.setAccessible(true);
        return (ConfigDef) f.get(null);
    }

    static ConfigDef distributed() throws Exception {
        Class<?> crypto = Class.forName("org.apache.kafka.connect.runtime.distributed.Crypto");
        Method m = Class.forName("org.apache.kafka.connect.runtime.distributed.DistributedConfig").getDeclaredMethod("config", crypto);
        m.setAccessible(true);
        return (ConfigDef) m.invoke(null, crypto.getField("SYSTEM").get(null));
    }

    static Object field(Object o, String name) throws Exception {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    static String c(String s) {
        if (s == null) return "NULL";
        StringBuilder b = new StringBuilder("\"");
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int u = x & 0xff;
            if (u == '"' || u == '\\') b.append('\\').append((char) u);
            else if (u == '\n') b.append("\\n");
            else if (u < 0x20 || u >= 0x7f) b.append(String.format("\\%03o", u));
            else b.append((char) u);
        }
        return b.append('"').toString();
    }

    static final Map<String, String> CUSTOM = Map.of(
        "listeners", "wc_validate_listeners",
        "response.http.headers.config", "wc_validate_response_headers",
        "offset.storage.partitions", "wc_validate_partitions",
        "status.storage.partitions", "wc_validate_partitions",
        "offset.storage.replication.factor", "wc_validate_replication_factor",
        "config.storage.replication.factor", "wc_validate_replication_factor",
        "status.storage.replication.factor", "wc_validate_replication_factor",
        "connect.protocol", "wc_validate_connect_protocol",
        "inter.worker.key.generation.algorithm", "wc_validate_key_algorithm",
        "inter.worker.signature.algorithm", "wc_validate_mac_algorithm");
    static final String VERIFY = "inter.worker.verification.algorithms";

    static int stringsCount = 0;
    static StringBuilder pre = new StringBuilder();

    static String strings(Collection<?> values) {
        String name = "wc_strings_" + (stringsCount++);
        pre.append("static const char *const ").append(name).append("[] = {");
        for (Object v : values) pre.append(c(String.valueOf(v))).append(", ");
        pre.append("NULL};\n");
        return name;
    }

    static String num(Number n) {
        if (n instanceof Double || n instanceof Float) return String.valueOf(n.doubleValue());
        return String.valueOf(n.longValue()) + ".0";
    }

    static String validator(ConfigDef.ConfigKey k) throws Exception {
        ConfigDef.Validator v = k.validator;
        if (v == null) return "{.kind = CD_VALIDATOR_NONE}";
        String desc = c(v.toString());
        String cls = v.getClass().getSimpleName();
        switch (cls) {
            case "Range": {
                Number min = (Number) field(v, "min"), max = (Number) field(v, "max");
                StringBuilder b = new StringBuilder("{.kind = CD_VALIDATOR_RANGE");
                if (min != null) b.append(", .has_min = true, .min = ").append(num(min));
                if (max != null) b.append(", .has_max = true, .max = ").append(num(max));
                return b.append(", .description = ").append(desc).append("}").toString();
            }
            case "ValidString":
                return "{.kind = CD_VALIDATOR_VALID_STRING, .strings = " + strings((List<?>) field(v, "validStrings"))
                    + ", .description = " + desc + "}";
            case "CaseInsensitiveValidString":
                return "{.kind = CD_VALIDATOR_CASE_INSENSITIVE_STRING, .strings = "
                    + strings((Collection<?>) field(v, "validStrings")) + ", .description = " + desc + "}";
            case "ValidList": {
                Object vs = field(v, "validString");
                boolean empty = (Boolean) field(v, "isEmptyAllowed");
                boolean nul = (Boolean) field(v, "isNullAllowed");
                String s = vs == null || ((List<?>) field(vs, "validStrings")).isEmpty() ? "NULL"
                    : strings((List<?>) field(vs, "validStrings"));
                return "{.kind = CD_VALIDATOR_VALID_LIST, .strings = " + s + ", .list_allow_empty = " + empty
                    + ", .list_allow_null = " + nul + ", .description = " + desc + "}";
            }
            default:
                String fn = CUSTOM.get(k.name);
                if (k.name.equals(VERIFY)) fn = "wc_validate_verification_algorithms";
                if (fn == null) throw new IllegalStateException("no C validator for " + k.name + " (" + cls + ")");
                return "{.kind = CD_VALIDATOR_CUSTOM, .custom = " + fn + ", .description = " + desc + "}";
        }
    }

    static String row(ConfigDef.ConfigKey k) throws Exception {
        String def = k.defaultValue == ConfigDef.NO_DEFAULT_VALUE ? "CD_NO_DEFAULT"
            : c(ConfigDef.convertToString(k.defaultValue, k.type));
        String deps = "NULL";
        if (k.dependents != null && !k.dependents.isEmpty()) deps = strings(k.dependents);
        if (k.recommender != null) throw new IllegalStateException("recommender on " + k.name);
        return "    {.name = " + c(k.name) + ",\n     .type = CD_CONFIG_" + k.type + ",\n     .default_value = " + def
            + ",\n     .validator = " + validator(k) + ",\n     .importance = CD_IMPORTANCE_" + k.importance
            + ",\n     .documentation = " + c(k.documentation) + ",\n     .group = " + c(k.group)
            + ",\n     .order_in_group = " + k.orderInGroup + ",\n     .width = CD_WIDTH_" + k.width
            + ",\n     .display_name = " + (k.displayName == null || k.displayName.equals(k.name) ? "NULL" : c(k.displayName))
            + ",\n     .dependents = " + deps + ",\n     .internal = " + k.internalConfig + "},\n";
    }

    static String table(String name, List<ConfigDef.ConfigKey> keys) throws Exception {
        StringBuilder b = new StringBuilder("static const cd_config_key_t " + name + "[] = {\n");
        for (ConfigDef.ConfigKey k : keys) b.append(row(k));
        return b.append("    {.name = NULL},\n};\n\n").toString();
    }

    static String md(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static String firstSentence(String doc) {
        if (doc == null) return "";
        String d = doc.replaceAll("<[^>]+>", "").replaceAll("\\s+", " ").trim();
        int dot = d.indexOf(". ");
        if (dot > 0) d = d.substring(0, dot + 1);
        if (d.length() > 240) d = d.substring(0, 237) + "...";
        return d;
    }

    public static void main(String[] args) throws Exception {
        Map<String, ConfigDef.ConfigKey> b = base().configKeys();
        Map<String, ConfigDef.ConfigKey> s = standalone().configKeys();
        Map<String, ConfigDef.ConfigKey> d = distributed().configKeys();
        List<ConfigDef.ConfigKey> baseRows = new ArrayList<>(b.values());
        List<ConfigDef.ConfigKey> saRows = new ArrayList<>(), distRows = new ArrayList<>();
        // Both definitions are baseConfigDef() followed by their own keys.
        List<String> sNames = new ArrayList<>(s.keySet()), dNames = new ArrayList<>(d.keySet()), bNames = new ArrayList<>(b.keySet());
        if (!sNames.subList(0, bNames.size()).equals(bNames) || !dNames.subList(0, bNames.size()).equals(bNames))
            throw new IllegalStateException("definitions do not start with baseConfigDef()");
        for (String n : sNames.subList(bNames.size(), sNames.size())) saRows.add(s.get(n));
        for (String n : dNames.subList(bNames.size(), dNames.size())) distRows.add(d.get(n));

        String tables = table("wc_base_keys", baseRows) + table("wc_standalone_keys", saRows)
            + table("wc_distributed_keys", distRows);
        String out = "/*\n * worker_config_keys.inc: GENERATED by scripts/GenWorkerConfigKeys.java from the Kafka "
            + org.apache.kafka.common.utils.AppInfoParser.getVersion()
            + " jars\n * (WorkerConfig.baseConfigDef, StandaloneConfig, DistributedConfig). Do not edit.\n */\n\n"
            + pre + "\n" + tables;
        Files.writeString(Path.of(args[0]), out);

        // Docs: the worker keys table between markers in docs/configuration.md.
        StringBuilder t = new StringBuilder();
        t.append("<!-- worker-keys:begin (generated by scripts/GenWorkerConfigKeys.java) -->\n");
        t.append("| Key | Mode | Type | Default | Valid values | Importance | Description |\n|---|---|---|---|---|---|---|\n");
        Map<String, String> mode = new LinkedHashMap<>();
        for (ConfigDef.ConfigKey k : baseRows) mode.put(k.name, "both");
        for (ConfigDef.ConfigKey k : saRows) mode.put(k.name, "standalone");
        for (ConfigDef.ConfigKey k : distRows) mode.put(k.name, "distributed");
        List<ConfigDef.ConfigKey> all = new ArrayList<>(baseRows);
        all.addAll(saRows);
        all.addAll(distRows);
        for (ConfigDef.ConfigKey k : all) {
            String def = k.defaultValue == ConfigDef.NO_DEFAULT_VALUE ? "**required**"
                : k.defaultValue == null ? "null" : "`" + ConfigDef.convertToString(k.defaultValue, k.type) + "`";
            if (def.equals("``")) def = "\"\"";
            String valid = k.validator == null ? "" : md(k.validator.toString());
            t.append("| `").append(k.name).append("` | ").append(mode.get(k.name)).append(" | ")
                .append(k.type.toString().toLowerCase()).append(" | ").append(md(def)).append(" | ")
                .append(valid).append(" | ").append(k.importance.toString().toLowerCase()).append(" | ")
                .append(md(firstSentence(k.documentation))).append(" |\n");
        }
        t.append("<!-- worker-keys:end -->");
        Path docs = Path.of(args[1]);
        String text = Files.readString(docs);
        int i = text.indexOf("<!-- worker-keys:begin"), j = text.indexOf("<!-- worker-keys:end -->");
        if (i < 0 || j < 0) throw new IllegalStateException("markers missing in " + docs);
        text = text.substring(0, i) + t + text.substring(j + "<!-- worker-keys:end -->".length());
        Files.writeString(docs, text);
    }
}
