/*
 * Test-only reference for util/properties.c: loads a .properties file exactly
 * as Kafka Connect's Utils.loadProps() does (Properties.load(InputStream),
 * i.e. ISO-8859-1) and prints every entry in a canonical escaped form:
 *
 *   one line per entry, "key<TAB>value", lines sorted (String order);
 *   in keys and values, printable ASCII 0x20..0x7E is written as is except
 *   the backslash, written "\\"; every other UTF-16 code unit is "\\uXXXX"
 *   (upper-case hex). A load error prints one line "error<TAB>message".
 *
 * Run: java PropertiesGolden.java in.properties   (JDK 11+ single-file launch)
 */
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

public class PropertiesGolden {
    static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c >= 0x20 && c <= 0x7E) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.toString();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java PropertiesGolden.java in.properties");
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII.name());
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Paths.get(args[0]))) {
            props.load(in);
        } catch (IllegalArgumentException e) {
            out.print("error\t" + escape(e.getMessage()) + "\n");
            return;
        }
        List<String> lines = new ArrayList<>();
        for (String key : props.stringPropertyNames()) {
            lines.add(escape(key) + "\t" + escape(props.getProperty(key)));
        }
        Collections.sort(lines);
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        out.print(text);
    }
}
