// Oracle for util/config_def.c: runs org.apache.kafka.common.config.ConfigDef (kafka-clients 4.3)
// on tests/golden/config_def/cases.txt and prints what parse and validate produce.
// Each case line is "parse<TAB>key<TAB>value" (value "\N" = key absent; "\n", "\t", "\\"
// escapes) or "validate<TAB>k=v<TAB>k=v..." for the dependents definition below.
// Run: java -cp '<kafka>/lib/*' ConfigDefGolden.java cases.txt > cases.expected
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

public class ConfigDefGolden {
    static final Object NO = ConfigDef.NO_DEFAULT_VALUE;

    // Mirrors golden_keys[] in tests/unit/test_config_def.c.
    static ConfigDef single(String key) {
        ConfigDef d = new ConfigDef();
        switch (key) {
            case "b": return d.define("b", Type.BOOLEAN, NO, Importance.HIGH, "doc");
            case "i": return d.define("i", Type.INT, NO, Importance.HIGH, "doc");
            case "s": return d.define("s", Type.SHORT, NO, Importance.HIGH, "doc");
            case "l": return d.define("l", Type.LONG, NO, Importance.HIGH, "doc");
            case "d": return d.define("d", Type.DOUBLE, NO, Importance.HIGH, "doc");
            case "str": return d.define("str", Type.STRING, NO, Importance.HIGH, "doc");
            case "strdef": return d.define("strdef", Type.STRING, "dflt", Importance.HIGH, "doc");
            case "lst": return d.define("lst", Type.LIST, NO, Importance.HIGH, "doc");
            case "pw": return d.define("pw", Type.PASSWORD, NO, Importance.HIGH, "doc");
            case "cls": return d.define("cls", Type.CLASS, NO, Importance.HIGH, "doc");
            case "ir": return d.define("ir", Type.INT, 5, ConfigDef.Range.between(1, 10), Importance.HIGH, "doc");
            case "lr": return d.define("lr", Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.HIGH, "doc");
            case "dr": return d.define("dr", Type.DOUBLE, 1.0, ConfigDef.Range.atLeast(0.5), Importance.HIGH, "doc");
            case "vs": return d.define("vs", Type.STRING, "a", ConfigDef.ValidString.in("a", "b"), Importance.HIGH, "doc");
            case "ci": return d.define("ci", Type.STRING, "x", ConfigDef.CaseInsensitiveValidString.in("x", "Yz"), Importance.HIGH, "doc");
            case "ne": return d.define("ne", Type.STRING, null, new ConfigDef.NonEmptyString(), Importance.HIGH, "doc");
            case "nn": return d.define("nn", Type.STRING, NO, new ConfigDef.NonNullValidator(), Importance.HIGH, "doc");
            case "vl": return d.define("vl", Type.LIST, "a", ConfigDef.ValidList.in("a", "b"), Importance.HIGH, "doc");
            case "vla": return d.define("vla", Type.LIST, "", ConfigDef.ValidList.anyNonDuplicateValues(true, false), Importance.HIGH, "doc");
            case "vlne": return d.define("vlne", Type.LIST, "x", ConfigDef.ValidList.anyNonDuplicateValues(false, false), Importance.HIGH, "doc");
            default: throw new IllegalArgumentException(key);
        }
    }

    // Mirrors dependents_keys[] in tests/unit/test_config_def.c.
    static ConfigDef dependents() {
        return new ConfigDef()
            .define("parent", Type.BOOLEAN, false, null, Importance.HIGH, "doc", "G1", 1, Width.SHORT, "Parent", List.of("child", "ghost"))
            .define("child", Type.INT, NO, ConfigDef.Range.atLeast(1), Importance.MEDIUM, "doc", "G1", 2, Width.SHORT, "Child")
            .define("other", Type.LIST, "a,b", ConfigDef.ValidList.in("a", "b", "c"), Importance.LOW, "doc", "G2", 1, Width.LONG, "Other")
            .define("secret", Type.PASSWORD, null, Importance.LOW, "doc");
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
            } else b.append(c);
        }
        return b.toString();
    }

    static String escape(String s) {
        if (s == null) return "(null)";
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
    }

    static String show(Object v, Type t) {
        if (v == null) return "(null)";
        if (t == Type.PASSWORD) return "[hidden]";
        if (t == Type.CLASS) return ((Class<?>) v).getName();
        return escape(ConfigDef.convertToString(v, t));
    }

    public static void main(String[] args) throws Exception {
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            if (f[0].equals("parse")) {
                ConfigDef d = single(f[1]);
                Map<String, Object> props = new HashMap<>();
                if (!f[2].equals("\\N")) props.put(f[1], unescape(f[2]));
                try {
                    Map<String, Object> parsed = d.parse(props);
                    System.out.println("OK " + show(parsed.get(f[1]), d.configKeys().get(f[1]).type));
                } catch (ConfigException e) {
                    System.out.println("ERR " + escape(e.getMessage()));
                }
            } else {
                Map<String, String> props = new HashMap<>();
                for (int i = 1; i < f.length; i++) {
                    int eq = f[i].indexOf('=');
                    props.put(f[i].substring(0, eq), unescape(f[i].substring(eq + 1)));
                }
                ConfigDef d = dependents();
                List<ConfigValue> values = d.validate(props);
                values.sort(Comparator.comparing(ConfigValue::name));
                StringBuilder b = new StringBuilder("VALIDATE");
                for (ConfigValue v : values) {
                    ConfigDef.ConfigKey k = d.configKeys().get(v.name());
                    b.append(" | ").append(v.name()).append('=')
                     .append(k == null ? escape(String.valueOf(v.value())) : show(v.value(), k.type))
                     .append(" visible=").append(v.visible())
                     .append(" errors=").append(escape(String.valueOf(v.errorMessages())));
                }
                System.out.println(b);
            }
        }
    }
}
