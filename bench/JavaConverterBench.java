/*
 * Java reference for bench/bench_converters.c: records/s of Apache Kafka's
 * JsonConverter (schemas.enable=true/false) and StringConverter, fromConnectData
 * and toConnectData, on the same deterministically generated records.
 *
 *   java -cp '<kafka>/lib/*' bench/JavaConverterBench.java [records] [passes] [warmup-passes]
 *
 * The JVM is warmed up with warmup passes (default 10) over all records before
 * the measured passes; the median pass is reported, in the C program's format.
 */
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.StringConverter;

public class JavaConverterBench {
    static long state = 42;

    /** The LCG shared with bench_converters.c. */
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

    static volatile Object sink;

    static void bench(String label, Converter conv, Schema schema, Object[] values, int passes, int warmup) {
        int n = values.length;
        byte[][] enc = new byte[n][];
        long totalBytes = 0;
        double[] rates = new double[passes];
        for (int pass = -warmup; pass < passes; pass++) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                enc[i] = conv.fromConnectData("bench", schema, values[i]);
            }
            if (pass >= 0) {
                rates[pass] = n / ((System.nanoTime() - start) / 1e9);
            }
        }
        for (byte[] b : enc) {
            totalBytes += b.length;
        }
        Arrays.sort(rates);
        System.out.printf("converter=%s op=from records=%d records_per_sec=%.0f bytes_per_record=%.1f%n",
            label, n, rates[passes / 2], (double) totalBytes / n);
        for (int pass = -warmup; pass < passes; pass++) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink = conv.toConnectData("bench", enc[i]);
            }
            if (pass >= 0) {
                rates[pass] = n / ((System.nanoTime() - start) / 1e9);
            }
        }
        Arrays.sort(rates);
        System.out.printf("converter=%s op=to records=%d records_per_sec=%.0f bytes_per_record=%.1f%n",
            label, n, rates[passes / 2], (double) totalBytes / n);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200000;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Schema schema = SchemaBuilder.struct().name("bench.Record")
            .field("id", Schema.INT64_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("email", Schema.STRING_SCHEMA)
            .field("age", Schema.INT32_SCHEMA)
            .field("score", Schema.FLOAT64_SCHEMA)
            .field("active", Schema.BOOLEAN_SCHEMA)
            .field("city", Schema.STRING_SCHEMA)
            .field("ts", Schema.INT64_SCHEMA)
            .build();
        Object[] records = new Object[n];
        for (int i = 0; i < n; i++) {
            String name = word(8 + next() % 8);
            String user = word(6 + next() % 6);
            String domain = word(5 + next() % 5);
            int age = (int) (18 + next() % 60);
            double score = (next() % 100000) / 100.0;
            boolean active = next() % 2 == 0;
            String city = word(5 + next() % 10);
            long ts = 1700000000000L + next() % 100000000;
            records[i] = new Struct(schema).put("id", (long) i).put("name", name)
                .put("email", user + "@" + domain + ".com").put("age", age).put("score", score)
                .put("active", active).put("city", city).put("ts", ts);
        }
        Object[] strings = new Object[n];
        for (int i = 0; i < n; i++) {
            strings[i] = word(100);
        }
        for (String enable : new String[] {"true", "false"}) {
            JsonConverter json = new JsonConverter();
            Map<String, Object> conf = new HashMap<>();
            conf.put("schemas.enable", enable);
            json.configure(conf, false);
            bench("JsonConverter(schemas.enable=" + enable + ")", json, schema, records, passes, warmup);
        }
        StringConverter sc = new StringConverter();
        sc.configure(new HashMap<>(), false);
        bench("StringConverter", sc, Schema.STRING_SCHEMA, strings, passes, warmup);
    }
}
