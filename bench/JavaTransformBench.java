/*
 * Java reference for bench/bench_transforms.c: records/s of Apache Kafka's
 * single message transforms, with no transform and with the chain
 * InsertField$Value (static.field=origin, static.value=bench),
 * ReplaceField$Value (renames=a:alpha), Cast$Value (spec=b:string), on the
 * same deterministically generated SinkRecords (a 6-field struct value with a
 * schema, or a schemaless HashMap).
 *
 *   java -cp '<kafka>/lib/*' bench/JavaTransformBench.java [records] [passes] [warmup-passes]
 *
 * The transformations are instantiated by class name and configured with the
 * connector's transforms.<alias>.* settings (prefix removed), and applied in
 * order as TransformationChain does (a null record stops the chain). The JVM
 * is warmed up with warmup passes (default 10) before the measured passes;
 * the median pass is reported, in the C program's format.
 */
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;

public class JavaTransformBench {
    static long state = 42;

    /** The LCG shared with bench_transforms.c. */
    static long next() {
        state = state * 6364136223846793005L + 1442695040888963407L;
        return state >>> 33;
    }

    static String word(long n) {
        char[] c = new char[(int) n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) ('a' + next() % 26);
        }
        return new String(c);
    }

    /** The six field values of one record, drawn in bench_transforms.c's order. */
    static Object[] fields(long id) {
        String a = word(8 + next() % 8);
        int b = (int) (next() % 1000000);
        double c = (next() % 100000) / 100.0;
        boolean d = next() % 2 == 0;
        String e = word(5 + next() % 10);
        return new Object[] {id, a, b, c, d, e};
    }

    static final String[] NAMES = {"id", "a", "b", "c", "d", "e"};

    static volatile Object sink;

    @SuppressWarnings("unchecked")
    static List<Transformation<SinkRecord>> chain(Map<String, String> connector) throws Exception {
        List<Transformation<SinkRecord>> out = new ArrayList<>();
        String aliases = connector.get("transforms");
        if (aliases == null || aliases.isEmpty()) {
            return out;
        }
        for (String alias : aliases.split(",")) {
            String prefix = "transforms." + alias.trim() + ".";
            Map<String, String> conf = new HashMap<>();
            for (Map.Entry<String, String> e : connector.entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    conf.put(e.getKey().substring(prefix.length()), e.getValue());
                }
            }
            Transformation<SinkRecord> t = (Transformation<SinkRecord>) Class.forName(conf.get("type"))
                .getDeclaredConstructor().newInstance();
            t.configure(conf);
            out.add(t);
        }
        return out;
    }

    static SinkRecord apply(List<Transformation<SinkRecord>> chain, SinkRecord r) {
        for (Transformation<SinkRecord> t : chain) {
            r = t.apply(r);
            if (r == null) {
                break;
            }
        }
        return r;
    }

    static String describe(ConnectRecord<?> r) {
        StringBuilder sb = new StringBuilder("{");
        Object v = r.value();
        if (v instanceof Struct) {
            Struct s = (Struct) v;
            for (org.apache.kafka.connect.data.Field f : s.schema().fields()) {
                Object fv = s.get(f);
                sb.append(sb.length() > 1 ? ", " : "").append(f.name()).append(':')
                    .append(fv == null ? "null" : fv.getClass().getName());
            }
        } else if (v instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                sb.append(sb.length() > 1 ? ", " : "").append(e.getKey()).append(':')
                    .append(e.getValue() == null ? "null" : e.getValue().getClass().getName());
            }
        }
        return sb.append('}').toString();
    }

    static void bench(String label, Map<String, String> connector, SinkRecord[] records, int passes,
                      int warmup) throws Exception {
        int n = records.length;
        List<Transformation<SinkRecord>> chain = chain(connector);
        double[] rates = new double[passes];
        for (int pass = -warmup; pass < passes; pass++) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink = apply(chain, records[i]);
            }
            if (pass >= 0) {
                rates[pass] = n / ((System.nanoTime() - start) / 1e9);
            }
        }
        System.err.println("  sample: " + describe(apply(chain, records[0])));
        Arrays.sort(rates);
        System.out.printf("case=%s records=%d records_per_sec=%.0f%n", label, n, rates[passes / 2]);
        System.out.flush();
        for (Transformation<SinkRecord> t : chain) {
            t.close();
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100000;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Schema schema = SchemaBuilder.struct().name("bench.Record")
            .field("id", Schema.INT64_SCHEMA)
            .field("a", Schema.STRING_SCHEMA)
            .field("b", Schema.INT32_SCHEMA)
            .field("c", Schema.FLOAT64_SCHEMA)
            .field("d", Schema.BOOLEAN_SCHEMA)
            .field("e", Schema.STRING_SCHEMA)
            .build();
        SinkRecord[] structs = new SinkRecord[n];
        for (int i = 0; i < n; i++) {
            Object[] f = fields(i);
            Struct st = new Struct(schema);
            for (int k = 0; k < 6; k++) {
                st.put(NAMES[k], f[k]);
            }
            structs[i] = new SinkRecord("bench", 0, null, null, schema, st, i);
        }
        SinkRecord[] maps = new SinkRecord[n];
        for (int i = 0; i < n; i++) {
            Object[] f = fields(i);
            Map<String, Object> m = new HashMap<>();
            for (int k = 0; k < 6; k++) {
                m.put(NAMES[k], f[k]);
            }
            maps[i] = new SinkRecord("bench", 0, null, null, null, m, i);
        }
        Map<String, String> none = new HashMap<>();
        Map<String, String> chain3 = new HashMap<>();
        chain3.put("transforms", "insert,rename,cast");
        chain3.put("transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value");
        chain3.put("transforms.insert.static.field", "origin");
        chain3.put("transforms.insert.static.value", "bench");
        chain3.put("transforms.rename.type", "org.apache.kafka.connect.transforms.ReplaceField$Value");
        chain3.put("transforms.rename.renames", "a:alpha");
        chain3.put("transforms.cast.type", "org.apache.kafka.connect.transforms.Cast$Value");
        chain3.put("transforms.cast.spec", "b:string");
        bench("none/struct", none, structs, passes, warmup);
        bench("chain3/struct", chain3, structs, passes, warmup);
        bench("none/schemaless", none, maps, passes, warmup);
        bench("chain3/schemaless", chain3, maps, passes, warmup);
    }
}
