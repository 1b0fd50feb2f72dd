"""The real test peers work, and Debian's librdkafka (2.0.2) works against the real broker.

* The broker is a real Kafka of the configured version (jar version, the broker's own
  "Kafka version" log line, its ApiVersions ranges, metadata listing our node).
* Every rdkafka_probe subcommand (tests/tools/rdkafka_probe.c, linked against the system
  librdkafka) succeeds, and its effect is checked independently with confluent_kafka
  (PyPI wheel, its own librdkafka build) or with Java's own code.
* The Java Connect worker, kinesis-mock and Apicurio start and answer.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import struct
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from harness.peers import (
    PeerMissing,
    http_get,
    http_json,
    java_logging_options,
    kafka_lib_dir,
    kafka_version,
    wait_until,
)

PROBE_TIMEOUT_MS = 30000
MESSAGES = 20

pytestmark = pytest.mark.peer_kafka


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="session")
def rdkafka_probe(build_dir: Path) -> Path:
    for candidate in (build_dir / "rdkafka_probe", build_dir / "tests" / "tools" / "rdkafka_probe"):
        if candidate.is_file():
            return candidate
    pytest.fail(f"rdkafka_probe not built in {build_dir}: run "
                f"`cmake -S . -B {build_dir} && cmake --build {build_dir} --target rdkafka_probe` "
                f"(or set CONNECTD_BUILD_DIR)", pytrace=False)


def run_probe(probe: Path, subcommand: str, bootstrap: str, *args: str) -> str:
    """Runs one probe subcommand; fails the test with its output unless it exits 0."""
    argv = [str(probe), subcommand, "-b", bootstrap, "-T", str(PROBE_TIMEOUT_MS), *args]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=PROBE_TIMEOUT_MS / 1000 + 60)
    output = f"$ {' '.join(argv)}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
    print(output)
    assert result.returncode == 0, f"rdkafka_probe {subcommand} failed ({result.returncode}):\n{output}"
    assert f"{subcommand}: OK" in result.stdout, output
    return result.stdout


def admin_for(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap})


def create_topic(bootstrap: str, topic: str, partitions: int, **config: str) -> None:
    admin = admin_for(bootstrap)  # keep a reference: a destroyed client fails its futures
    futures = admin.create_topics(
        [NewTopic(topic, num_partitions=partitions, replication_factor=1, config=config)],
        operation_timeout=30)
    futures[topic].result(timeout=60)


def consume_all(bootstrap: str, topic: str, *, expected: int, isolation: str = "read_uncommitted",
                timeout: float = 30.0) -> list:
    """Reads `topic` from the beginning until `expected` messages arrived (or the deadline), then
    keeps polling briefly so extra messages would be noticed."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"verify-{topic}-{isolation}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "isolation.level": isolation})
    messages = []
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + timeout
        settle_until = None
        while time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is not None and not message.error():
                messages.append(message)
            if len(messages) >= expected and settle_until is None:
                settle_until = time.monotonic() + 1.0
            if settle_until is not None and time.monotonic() >= settle_until:
                break
    finally:
        consumer.close()
    return messages


def values_of(messages: list) -> list[str]:
    return [m.value().decode() for m in messages]


def broker_api_versions(bootstrap: str) -> dict[int, tuple[int, int]]:
    """Sends ApiVersions v0 to the broker; returns {api_key: (min_version, max_version)}."""
    host, port = bootstrap.rsplit(":", 1)
    client_id = b"connectd-test"
    body = struct.pack(">hhih", 18, 0, 1, len(client_id)) + client_id
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(struct.pack(">i", len(body)) + body)

        def read_exactly(n: int) -> bytes:
            data = b""
            while len(data) < n:
                chunk = sock.recv(n - len(data))
                if not chunk:
                    raise ConnectionError("broker closed the connection")
                data += chunk
            return data

        (size,) = struct.unpack(">i", read_exactly(4))
        response = read_exactly(size)
    correlation_id, error_code, count = struct.unpack_from(">ihi", response, 0)
    assert correlation_id == 1 and error_code == 0, (correlation_id, error_code)
    versions = {}
    for i in range(count):
        key, low, high = struct.unpack_from(">hhh", response, 10 + 6 * i)
        versions[key] = (low, high)
    return versions


# --------------------------------------------------------------------------- the broker


def test_lib_dir_holds_the_configured_kafka_version():
    version = kafka_version()
    try:
        lib = kafka_lib_dir(version)
    except PeerMissing as missing:
        lib, reason = None, str(missing)
    if lib is None:
        pytest.fail(reason, pytrace=False)
    clients_jar = lib / f"kafka-clients-{version}.jar"
    with zipfile.ZipFile(clients_jar) as jar:
        props = jar.read("kafka/kafka-version.properties").decode()
    assert re.search(rf"^version={re.escape(version)}$", props, re.M), props
    bindings = sorted(p.name for p in lib.glob("*.jar")
                      if re.match(r"(log4j-slf4j2?-impl|slf4j-reload4j|slf4j-log4j12|logback-classic)",
                                  p.name))
    assert len(bindings) == 1, f"want exactly one SLF4J binding in {lib}, got {bindings}"


def test_broker_metadata_lists_our_node(kafka):
    admin = admin_for(kafka.bootstrap)
    metadata = admin.list_topics(timeout=10)
    host, port = kafka.bootstrap.rsplit(":", 1)
    if not kafka.external:
        assert list(metadata.brokers) == [kafka.node_id]
        broker = metadata.brokers[kafka.node_id]
        assert (broker.host, broker.port) == (host, int(port))
    cluster = admin.describe_cluster(request_timeout=10).result(timeout=20)
    assert cluster.cluster_id
    if not kafka.external:
        assert [node.id for node in cluster.nodes] == [kafka.node_id]
        assert cluster.controller is not None and cluster.controller.id == kafka.node_id


def test_broker_reports_configured_version(kafka):
    if kafka.external:
        pytest.skip("external broker (KAFKA_BOOTSTRAP): no log, version unknown")
    log = kafka.log_path.read_text(errors="replace")
    assert re.search(rf"Kafka version: {re.escape(kafka.version)}\b", log), \
        "the broker's AppInfoParser line 'Kafka version: ...' is missing from its log"
    versions = broker_api_versions(kafka.bootstrap)
    fetch_min, _ = versions[1]
    if kafka.version.startswith("4."):
        # KIP-896: Kafka 4.0 removed Fetch v0-v3 (and other old versions). Produce still
        # advertises v0 (KAFKA-18659, kept for old librdkafka) although v0-v2 are rejected.
        assert fetch_min == 4, versions[1]
    else:
        assert fetch_min == 0, versions[1]


# --------------------------------------------------------------------------- librdkafka (Debian)


def test_probe_links_the_system_librdkafka(rdkafka_probe):
    result = subprocess.run([str(rdkafka_probe), "--help"], capture_output=True, text=True, timeout=10)
    assert result.returncode == 0, result
    linked = re.search(r"librdkafka (\S+)", result.stdout).group(1)
    if shutil.which("pkg-config"):
        expected = subprocess.run(["pkg-config", "--modversion", "rdkafka"], capture_output=True,
                                  text=True).stdout.strip()
        if expected:
            assert linked == expected


def test_rdkafka_idempotent_producer(kafka, rdkafka_probe, unique_name):
    run_probe(rdkafka_probe, "idempotent", kafka.bootstrap, "-t", unique_name, "-n", str(MESSAGES))
    values = values_of(consume_all(kafka.bootstrap, unique_name, expected=MESSAGES))
    assert sorted(values) == sorted(f"idempotent-{i}" for i in range(MESSAGES))


def test_rdkafka_transactions_commit_and_abort(kafka, rdkafka_probe, unique_name):
    run_probe(rdkafka_probe, "transactional", kafka.bootstrap, "-t", unique_name, "-n", str(MESSAGES))
    committed = values_of(consume_all(kafka.bootstrap, unique_name, expected=MESSAGES,
                                      isolation="read_committed"))
    assert sorted(committed) == sorted(f"committed-{i}" for i in range(MESSAGES))
    # The aborted batch really reached the log: read_uncommitted sees it too.
    everything = values_of(consume_all(kafka.bootstrap, unique_name, expected=2 * MESSAGES))
    assert sorted(everything) == sorted([f"committed-{i}" for i in range(MESSAGES)]
                                        + [f"aborted-{i}" for i in range(MESSAGES)])


def test_rdkafka_consumer_group_commits_offsets(kafka, rdkafka_probe, unique_name):
    group = f"{unique_name}-group"
    output = run_probe(rdkafka_probe, "group", kafka.bootstrap, "-t", unique_name, "-g", group,
                       "-n", str(MESSAGES))
    assert f"committed {unique_name}[0] offset {MESSAGES}" in output
    from confluent_kafka import ConsumerGroupTopicPartitions

    request = ConsumerGroupTopicPartitions(group, [TopicPartition(unique_name, 0)])
    admin = admin_for(kafka.bootstrap)
    futures = admin.list_consumer_group_offsets([request])
    offsets = futures[group].result(timeout=30).topic_partitions
    assert [(tp.topic, tp.partition, tp.offset) for tp in offsets] == [(unique_name, 0, MESSAGES)]


def test_rdkafka_admin_creates_compacted_topic(kafka, rdkafka_probe, unique_name):
    run_probe(rdkafka_probe, "compacted", kafka.bootstrap, "-t", unique_name, "-p", "3")
    admin = admin_for(kafka.bootstrap)
    topic = admin.list_topics(unique_name, timeout=10).topics[unique_name]
    assert len(topic.partitions) == 3
    resource = ConfigResource(ConfigResource.Type.TOPIC, unique_name)
    configs = admin.describe_configs([resource])[resource].result(timeout=30)
    assert configs["cleanup.policy"].value == "compact"


JAVA_MURMUR2 = """
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/** Java producer's keyed partitioning: toPositive(murmur2(key)) % numPartitions. */
public class Murmur2Partitions {
    public static void main(String[] args) {
        int partitions = Integer.parseInt(args[0]);
        for (int i = 1; i < args.length; i++) {
            byte[] key = args[i].getBytes(StandardCharsets.UTF_8);
            System.out.println(args[i] + " " + Utils.toPositive(Utils.murmur2(key)) % partitions);
        }
    }
}
"""


def java_partitions_for(keys: list[str], partitions: int, work_dir: Path) -> dict[str, int]:
    source = work_dir / "Murmur2Partitions.java"
    source.write_text(JAVA_MURMUR2)
    classpath = f"{kafka_lib_dir()}/*"  # kafka-clients and its slf4j/log4j
    result = subprocess.run(["java", *java_logging_options(kafka_version()), "-cp", classpath,
                             str(source), str(partitions), *keys],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return {key: int(p) for key, p in (line.split() for line in result.stdout.splitlines())}


def test_rdkafka_murmur2_matches_java_partitioner(kafka, rdkafka_probe, unique_name, tmp_path):
    partitions, count = 6, 50
    create_topic(kafka.bootstrap, unique_name, partitions)
    output = run_probe(rdkafka_probe, "murmur2", kafka.bootstrap, "-t", unique_name,
                       "-n", str(count))
    rdkafka = {key: int(p) for key, p in re.findall(r"^(key-\d+) (\d+)$", output, re.M)}
    assert len(rdkafka) == count
    java = java_partitions_for(sorted(rdkafka), partitions, tmp_path)
    assert rdkafka == java
    # And the broker stored each key in that partition.
    stored = {m.key().decode(): m.partition()
              for m in consume_all(kafka.bootstrap, unique_name, expected=count)}
    assert stored == rdkafka


# --------------------------------------------------------------------------- other peers


@pytest.mark.peer_java_connect
def test_java_connect_worker_runs_file_source(kafka, java_connect, unique_name, tmp_path):
    worker = java_connect(group_id=f"{unique_name}-connect")
    print(f"java connect worker ready in {worker.startup_seconds:.1f} s at {worker.url}")
    status, root = http_json("GET", worker.url + "/")
    assert status == 200 and root["version"] == kafka_version(), root
    status, plugins = http_json("GET", worker.url + "/connector-plugins")
    classes = {p["class"] for p in plugins}
    assert {"org.apache.kafka.connect.file.FileStreamSourceConnector",
            "org.apache.kafka.connect.file.FileStreamSinkConnector"} <= classes

    lines = ["alpha", "beta", "gamma"]
    source_file = tmp_path / "input.txt"
    source_file.write_text("".join(f"{line}\n" for line in lines))
    config = {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
              "tasks.max": "1", "file": str(source_file), "topic": unique_name}
    status, created = http_json("PUT", f"{worker.url}/connectors/file-source/config", config)
    assert status == 201, created

    def running() -> bool:
        code, body = http_json("GET", f"{worker.url}/connectors/file-source/status")
        return (code == 200 and body["connector"]["state"] == "RUNNING"
                and [t["state"] for t in body["tasks"]] == ["RUNNING"])

    wait_until(running, what="file-source RUNNING", timeout=60, process=worker.process)
    records = consume_all(kafka.bootstrap, unique_name, expected=len(lines))
    payloads = [json.loads(m.value())["payload"] for m in records]
    assert payloads == lines


@pytest.mark.peer_kinesis
def test_kinesis_mock_answers(kinesis_mock):
    print(f"kinesis-mock ready in {kinesis_mock.startup_seconds:.1f} s at {kinesis_mock.endpoint}")
    status, _ = http_get(kinesis_mock.endpoint + "/healthcheck")
    assert status == 200
    if shutil.which("curl") is None:
        pytest.fail("curl is needed to send SigV4-signed requests to kinesis-mock")

    def kinesis(action: str, body: dict) -> dict:
        result = subprocess.run(
            ["curl", "-sS", "--fail-with-body", "--noproxy", "*", "-X", "POST",
             kinesis_mock.endpoint + "/", "--aws-sigv4", "aws:amz:us-east-1:kinesis",
             "--user", "AKIDEXAMPLE:secret", "-H", "Content-Type: application/x-amz-json-1.1",
             "-H", f"X-Amz-Target: Kinesis_20131202.{action}", "-d", json.dumps(body)],
            capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, f"{action}: {result.stdout} {result.stderr}"
        return json.loads(result.stdout) if result.stdout.strip() else {}

    kinesis("CreateStream", {"StreamName": "harness-check", "ShardCount": 2})
    wait_until(lambda: kinesis("DescribeStreamSummary", {"StreamName": "harness-check"})
               ["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE",
               what="kinesis stream ACTIVE", timeout=30, process=kinesis_mock.process)
    shards = kinesis("ListShards", {"StreamName": "harness-check"})["Shards"]
    assert len(shards) == 2


@pytest.mark.peer_apicurio
def test_apicurio_answers_confluent_api(apicurio):
    print(f"apicurio ready in {apicurio.startup_seconds:.1f} s at {apicurio.url}")
    base = apicurio.ccompat_url
    status, subjects = http_json("GET", base + "/subjects")
    assert (status, subjects) == (200, [])
    status, config = http_json("GET", base + "/config")
    assert status == 200 and config["compatibilityLevel"] == "BACKWARD", config

    schema = {"type": "record", "name": "Row", "fields": [{"name": "id", "type": "long"}]}
    status, first = http_json("POST", base + "/subjects/harness-value/versions",
                              {"schema": json.dumps(schema)})
    assert status == 200 and isinstance(first["id"], int), first
    # Same schema, different whitespace: canonical hashing gives the same id.
    status, again = http_json("POST", base + "/subjects/harness-value/versions",
                              {"schema": json.dumps(schema, indent=2)})
    assert status == 200 and again["id"] == first["id"], again
    status, by_id = http_json("GET", f"{base}/schemas/ids/{first['id']}")
    assert status == 200 and json.loads(by_id["schema"]) == schema


@pytest.mark.peer_java_connect
def test_two_java_workers_form_one_cluster(java_connect, unique_name, tmp_path):
    group = f"{unique_name}-cluster"
    first = java_connect(group_id=group)
    second = java_connect(group_id=group)
    config = {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
              "tasks.max": "2", "topics": unique_name, "file": str(tmp_path / "sink.txt")}
    status, body = http_json("PUT", f"{second.url}/connectors/file-sink/config", config)
    assert status == 201, body

    worker_ids = {f"127.0.0.1:{w.url.rsplit(':', 1)[1]}" for w in (first, second)}

    def tasks_running_on_both_workers() -> bool:
        # Either worker answers for the whole cluster; the group spreads the two tasks.
        for worker in (first, second):
            code, state = http_json("GET", f"{worker.url}/connectors/file-sink/status")
            if code != 200 or [t["state"] for t in state["tasks"]] != ["RUNNING", "RUNNING"]:
                return False
            if {task["worker_id"] for task in state["tasks"]} != worker_ids:
                return False
        return True

    wait_until(tasks_running_on_both_workers, what="file-sink tasks RUNNING, one per worker",
               timeout=60, process=first.process)
