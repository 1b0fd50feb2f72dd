/*
 * AssignorGolden: runs the scenarios of tests/golden/assignor/scenarios.txt through
 * Apache Kafka Connect's own IncrementalCooperativeAssignor and prints, per round and
 * member, the assignment bytes Java would send (IncrementalCooperativeConnectProtocol.
 * serializeAssignment). It lives in the assignor's package to reach the package-private
 * performTaskAssignment(ClusterConfigState, lastCompletedGen, gen, memberAssignments), so
 * it must be compiled and put on the class path next to the jars (see
 * regen-assignor.sh), not run as a single-file program.
 */
package org.apache.kafka.connect.runtime.distributed;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.runtime.TargetState;
import org.apache.kafka.connect.storage.AppliedConnectorConfig;
import org.apache.kafka.connect.storage.ClusterConfigState;
import org.apache.kafka.connect.util.ConnectorTaskId;

public class AssignorGolden {
    static long now;

    static final Time TIME = new Time() {
        public long milliseconds() { return now; }
        public long nanoseconds() { return now * 1_000_000L; }
        public void sleep(long ms) { now += ms; }
        public void waitObject(Object o, Supplier<Boolean> c, long d) { }
    };

    static String hex(ByteBuffer b) {
        StringBuilder sb = new StringBuilder();
        ByteBuffer d = b.duplicate();
        while (d.hasRemaining())
            sb.append(String.format("%02x", d.get() & 0xff));
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Paths.get(args[0]));
        IncrementalCooperativeAssignor assignor = null;
        String scenario = null;
        short version = 2;
        Map<String, Integer> config = new LinkedHashMap<>();
        Map<String, ExtendedAssignment> state = new LinkedHashMap<>();
        Map<String, ExtendedAssignment> pending = null;
        int generation = 0, lastCompleted = -1, round = 0;
        for (String raw : lines) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#"))
                continue;
            String[] f = line.split("\\s+");
            switch (f[0]) {
                case "scenario":
                    scenario = f[1];
                    assignor = new IncrementalCooperativeAssignor(new LogContext(), TIME, Integer.parseInt(f[2]));
                    version = Short.parseShort(f[3]);
                    config.clear();
                    state.clear();
                    generation = 0;
                    lastCompleted = -1;
                    round = 0;
                    break;
                case "config":
                    config.clear();
                    for (int i = 1; i < f.length; i++) {
                        String[] ct = f[i].split(":");
                        config.put(ct[0], Integer.parseInt(ct[1]));
                    }
                    break;
                case "lose":
                    // the assignments were never delivered: undo the members' updates
                    state.clear();
                    state.putAll(pending);
                    lastCompleted = generation - 1;
                    break;
                case "round": {
                    now = Long.parseLong(f[1]);
                    round++;
                    generation++;
                    List<String> members = new ArrayList<>();
                    for (int i = 2; i < f.length; i++)
                        members.add(f[i]);
                    state.keySet().retainAll(new HashSet<>(members));
                    Map<String, Map<String, String>> connectorConfigs = new HashMap<>();
                    for (String c : config.keySet())
                        connectorConfigs.put(c, Collections.emptyMap());
                    ClusterConfigState snapshot = new ClusterConfigState(1L, null, new HashMap<>(config),
                            connectorConfigs, new HashMap<String, TargetState>(),
                            new HashMap<ConnectorTaskId, Map<String, String>>(), new HashMap<>(),
                            new HashMap<>(), new HashMap<String, AppliedConnectorConfig>(),
                            Collections.emptySet(), Collections.emptySet());
                    // as performAssignment: HashMap by member id, in join order
                    Map<String, ExtendedWorkerState> memberConfigs = new HashMap<>();
                    for (String m : members)
                        memberConfigs.put(m, new ExtendedWorkerState("http://" + m + ":8083/", 1L, state.get(m)));
                    Map<String, WorkerCoordinator.ConnectorsAndTasks> memberAssignments = new HashMap<>();
                    for (Map.Entry<String, ExtendedWorkerState> e : memberConfigs.entrySet())
                        memberAssignments.put(e.getKey(), new WorkerCoordinator.ConnectorsAndTasks.Builder()
                                .with(e.getValue().assignment().connectors(), e.getValue().assignment().tasks())
                                .build());
                    IncrementalCooperativeAssignor.ClusterAssignment ca =
                            assignor.performTaskAssignment(snapshot, lastCompleted, generation, memberAssignments);
                    pending = new LinkedHashMap<>();
                    for (Map.Entry<String, ExtendedAssignment> e : state.entrySet())
                        pending.put(e.getKey(), e.getValue());
                    String leader = members.get(0);
                    for (String m : members) {
                        ExtendedAssignment a = new ExtendedAssignment(version, (short) 0, leader,
                                "http://" + leader + ":8083/", 1L,
                                ca.newlyAssignedConnectors(m), ca.newlyAssignedTasks(m),
                                ca.newlyRevokedConnectors(m), ca.newlyRevokedTasks(m), assignor.delay);
                        ByteBuffer bytes = IncrementalCooperativeConnectProtocol.serializeAssignment(a, version >= 2);
                        System.out.println("# " + scenario + " " + round + " " + m + " " + a);
                        System.out.println(scenario + " " + round + " " + m + " " + hex(bytes));
                        // the member applies it (WorkerCoordinator.onJoinComplete)
                        ExtendedAssignment received = IncrementalCooperativeConnectProtocol.deserializeAssignment(bytes);
                        ExtendedAssignment snap = state.get(m);
                        if (snap != null) {
                            snap = ExtendedAssignment.duplicate(snap);
                            snap.connectors().removeAll(received.revokedConnectors());
                            snap.tasks().removeAll(received.revokedTasks());
                            received.connectors().addAll(snap.connectors());
                            received.tasks().addAll(snap.tasks());
                        }
                        state.put(m, received);
                    }
                    lastCompleted = generation;
                    break;
                }
                default:
                    throw new IllegalArgumentException("bad line: " + line);
            }
        }
    }
}
