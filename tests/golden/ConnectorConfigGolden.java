// Oracle for worker/connector_config.c: prints, with Kafka Connect 4.3's own classes,
//  1. "keys <source|sink>": the framework ConfigKeyInfo list of
//     GET /connector-plugins/{p}/config for FileStreamSource/SinkConnector (one JSON
//     document per line), and the validator/dependents facts of each framework key;
//  2. "validate <case>": the ConfigInfos of PUT .../config/validate for the cases in
//     connector_config/cases.txt (name<TAB>k=v<TAB>k=v...), run by a real StandaloneHerder
//     (no broker is contacted: validation is local).
// Run: java -cp '<kafka>/lib/*' ConnectorConfigGolden.java cases.txt
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.runtime.*;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.util.FutureCallback;
import org.apache.kafka.common.utils.Time;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.TimeUnit;

public class ConnectorConfigGolden {
    public static void main(String[] args) throws Exception {
        ObjectMapper om = new ObjectMapper();
        Map<String, String> wp = new HashMap<>();
        wp.put("bootstrap.servers", "localhost:1");
        wp.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        wp.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        wp.put("offset.storage.file.filename", "/tmp/connectd-golden.offsets");
        wp.put("plugin.discovery", "only_scan");
        Plugins plugins = new Plugins(wp);
        StandaloneConfig config = new StandaloneConfig(wp) {
            @Override
            public String kafkaClusterId() {
                return "cluster";
            }
        };
        FileOffsetBackingStore offsets = new FileOffsetBackingStore(null);
        AllConnectorClientConfigOverridePolicy policy = new AllConnectorClientConfigOverridePolicy();
        Worker worker = new Worker("golden", Time.SYSTEM, plugins, config, offsets, policy);
        StandaloneHerder herder = new StandaloneHerder(worker, "cluster", policy);

        for (String[] c : new String[][]{{"source", "org.apache.kafka.connect.file.FileStreamSourceConnector"},
                                         {"sink", "org.apache.kafka.connect.file.FileStreamSinkConnector"}}) {
            System.out.println("keys " + c[0] + " " + om.writeValueAsString(herder.connectorPluginConfig(c[1])));
            ConfigDef def = c[0].equals("source") ? SourceConnectorConfig.configDef() : SinkConnectorConfig.configDef();
            for (ConfigDef.ConfigKey k : def.configKeys().values()) {
                System.out.println("facts " + c[0] + " " + k.name + " validator=" + (k.validator == null ? "none" : k.validator.getClass().getSimpleName() + ":" + k.validator)
                    + " dependents=" + k.dependents + " recommender=" + (k.recommender == null ? "none" : k.recommender.getClass().getSimpleName())
                    + " internal=" + k.internalConfig);
            }
        }
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            Map<String, String> props = new LinkedHashMap<>();
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                props.put(f[i].substring(0, eq), f[i].substring(eq + 1));
            }
            FutureCallback<ConfigInfos> cb = new FutureCallback<>();
            herder.validateConnectorConfig(props, cb, false);
            String out;
            try {
                out = om.writeValueAsString(cb.get(60, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                out = "ERROR " + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
            }
            System.out.println("validate " + f[0] + " " + out);
        }
        System.exit(0);
    }
}
