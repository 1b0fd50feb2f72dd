"""The internal-topic stores (storage/kafka_log.c, kafka_offset_store.c, kafka_status_store.c)
against the real broker, driven by tests/tools/store_tool and checked with confluent_kafka:
topic creation (compact, partitions), Java's refusal of a non-compact topic, exact key/value
bytes on the partition Java's murmur2 partitioner picks, and records written by others
(Java's bytes) read back by connectd."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

pytestmark = pytest.mark.peer_kafka


def murmur2(data: bytes) -> int:
    """org.apache.kafka.common.utils.Utils.murmur2 (as a signed int32)."""
    m, r = 0x5BD1E995, 24
    length = len(data)
    h = (0x9747B28C ^ length) & 0xFFFFFFFF
    for i in range(length // 4):
        k = int.from_bytes(data[i * 4:i * 4 + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> r
        k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF
        h ^= k
    extra, idx = length % 4, length & ~3
    if extra >= 3:
        h ^= data[idx + 2] << 16
    if extra >= 2:
        h ^= data[idx + 1] << 8
    if extra >= 1:
        h ^= data[idx]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def java_partition(key: bytes, partitions: int) -> int:
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def test_murmur2_matches_java_vectors():
    # Values from Kafka's UtilsTest.testMurmur2
    assert murmur2(b"21") == -973932308
    assert murmur2(b"foobar") == -790332482
    assert murmur2(b"a-little-bit-long-string") == -985981536


@pytest.fixture(scope="module")
def store_tool(build_dir: Path) -> Path:
    for candidate in (build_dir / "store_tool", build_dir / "tests" / "tools" / "store_tool"):
        if candidate.exists():
            return candidate
    pytest.fail(f"store_tool not built in {build_dir}")


@pytest.fixture
def worker_props(tmp_path, kafka, unique_name):
    def make(**extra) -> Path:
        props = {
            "bootstrap.servers": kafka.bootstrap,
            "group.id": f"g-{unique_name}",
            "config.storage.topic": f"cfg-{unique_name}",
            "offset.storage.topic": f"off-{unique_name}",
            "status.storage.topic": f"st-{unique_name}",
            "config.storage.replication.factor": "1",
            "offset.storage.replication.factor": "1",
            "status.storage.replication.factor": "1",
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "default.api.timeout.ms": "20000",
        }
        props.update(extra)
        path = tmp_path / "worker.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        return path
    return make


def run(tool: Path, props: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(tool), str(props), *args], capture_output=True, timeout=120)
    if check and proc.returncode != 0:
        pytest.fail(f"store_tool {' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()}")
    return proc


def read_topic(bootstrap: str, topic: str, partitions: int, expect: int, timeout=30.0):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused", "enable.auto.commit": False})
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    out = []
    deadline = time.time() + timeout
    while len(out) < expect and time.time() < deadline:
        m = c.poll(0.5)
        if m is None or m.error():
            continue
        out.append((m.partition(), m.key(), m.value()))
    c.close()
    return out


def describe(admin: AdminClient, topic: str):
    md = admin.list_topics(topic, timeout=10)
    parts = len(md.topics[topic].partitions)
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    cfg = admin.describe_configs([res])[res].result(timeout=10)
    return parts, {k: v.value for k, v in cfg.items()}


def test_topics_created_compact(kafka, store_tool, worker_props, unique_name):
    props = worker_props(**{"offset.storage.partitions": "7",
                            "offset.storage.min.compaction.lag.ms": "1234",
                            "offset.storage.cleanup.policy": "delete"})
    run(store_tool, props, "offsets", "list")
    run(store_tool, props, "status", "open")
    admin = AdminClient({"bootstrap.servers": kafka.bootstrap})
    parts, cfg = describe(admin, f"off-{unique_name}")
    assert parts == 7
    assert cfg["cleanup.policy"] == "compact"
    assert cfg["min.compaction.lag.ms"] == "1234"
    parts, cfg = describe(admin, f"st-{unique_name}")
    assert parts == 5  # status.storage.partitions default
    assert cfg["cleanup.policy"] == "compact"


def test_existing_delete_topic_fails_with_java_message(kafka, store_tool, worker_props, unique_name):
    admin = AdminClient({"bootstrap.servers": kafka.bootstrap})
    topic = f"st-{unique_name}"
    admin.create_topics([NewTopic(topic, 1, 1, config={"cleanup.policy": "delete"})])[topic].result(30)
    proc = run(store_tool, worker_props(), "status", "open", check=False)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip().splitlines()[-1] == (
        f"error: Topic '{topic}' supplied via the 'status.storage.topic' property is required to have "
        "'cleanup.policy=compact' to guarantee consistency and durability of connector and task "
        "statuses, but found the topic currently has 'cleanup.policy=delete'. Continuing would likely "
        "result in eventually losing connector and task statuses and problems restarting this Connect "
        "cluster in the future. Change the 'status.storage.topic' property in the Connect worker "
        "configurations to use a topic with 'cleanup.policy=compact'.")


def test_offsets_bytes_partition_and_foreign_records(kafka, store_tool, worker_props, unique_name):
    props = worker_props()
    topic = f"off-{unique_name}"
    key = '["src",{"filename":"/data/\u00e9.txt"}]'
    value = '{"position":74}'
    assert run(store_tool, props, "offsets", "set", key, value).stdout == b"ok\n"
    recs = read_topic(kafka.bootstrap, topic, 25, 1)
    assert recs == [(java_partition(key.encode(), 25), key.encode(), value.encode())]
    # A record written by someone else (Java's bytes, Java's partition) is read back.
    key2 = b'["other",{"p":1}]'
    p = Producer({"bootstrap.servers": kafka.bootstrap})
    p.produce(topic, key=key2, value=b'{"offset":5}', partition=java_partition(key2, 25))
    p.flush(10)
    assert run(store_tool, props, "offsets", "get", key2.decode()).stdout == b'{"offset":5}\n'
    assert run(store_tool, props, "offsets", "get", key).stdout == value.encode() + b"\n"
    # A tombstone deletes.
    run(store_tool, props, "offsets", "set", key, "-null-")
    assert run(store_tool, props, "offsets", "get", key).stdout == b"null\n"
    listed = run(store_tool, props, "offsets", "list").stdout.decode().splitlines()
    assert listed == [key2.decode() + '\t{"offset":5}']


def test_status_bytes_partition_and_foreign_records(kafka, store_tool, worker_props, unique_name):
    props = worker_props()
    topic = f"st-{unique_name}"
    run(store_tool, props, "status", "put", "conn", "0", "FAILED", "10.0.0.5:8083", "3",
        'boom\n\tat "x"')
    run(store_tool, props, "status", "put", "conn", "-1", "RUNNING", "10.0.0.5:8083", "3")
    run(store_tool, props, "status", "topic", "conn", "orders")
    recs = read_topic(kafka.bootstrap, topic, 5, 3)
    by_key = {k: (part, v) for part, k, v in recs}
    k = b"status-task-conn-0"
    assert by_key[k] == (java_partition(k, 5),
                         b'{"state":"FAILED","trace":"boom\\n\\tat \\"x\\"","worker_id":"10.0.0.5:8083",'
                         b'"generation":3,"version":null}')
    k = b"status-connector-conn"
    assert by_key[k] == (java_partition(k, 5),
                         b'{"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083",'
                         b'"generation":3,"version":null}')
    k = b"status-topic-orders:connector-conn"
    part, v = by_key[k]
    assert part == java_partition(k, 5)
    doc = json.loads(v)
    assert list(doc["topic"].keys()) == ["name", "connector", "task", "discoverTimestamp"]
    assert doc["topic"]["name"] == "orders" and doc["topic"]["connector"] == "conn"
    assert abs(doc["topic"]["discoverTimestamp"] - time.time() * 1000) < 120000
    # Records another worker (Java 3.x bytes: no version field) wrote are read back.
    p = Producer({"bootstrap.servers": kafka.bootstrap})
    for key, val in [
        (b"status-task-other-conn-2", b'{"state":"RUNNING","trace":null,"worker_id":"w:1","generation":9}'),
        # reader rule: an older-or-equal UNASSIGNED does not replace RUNNING
        (b"status-task-other-conn-2", b'{"state":"UNASSIGNED","trace":null,"worker_id":"w:2","generation":9}'),
        (b"status-topic-t1:connector-other-conn", b'{"topic":{"name":"t1","connector":"other-conn","task":2,"discoverTimestamp":1}}'),
        (b"status-connector-conn", None),  # tombstone: connector and its tasks go
        # the task's record sits in another partition, which a reader may read after the
        # connector's tombstone (no order across partitions): its own tombstone keeps the
        # outcome independent of that order
        (b"status-task-conn-0", None),
    ]:
        p.produce(topic, key=key, value=val, partition=java_partition(key, 5))
    p.flush(10)
    assert run(store_tool, props, "status", "get", "other-conn", "2").stdout == (
        b'{"state":"RUNNING","trace":null,"worker_id":"w:1","generation":9,"version":null}\n')
    assert run(store_tool, props, "status", "topics", "other-conn").stdout == b"t1\n"
    assert run(store_tool, props, "status", "get", "conn", "0").stdout == b"none\n"
    assert run(store_tool, props, "status", "list").stdout == b"other-conn\n"
    # Deletion writes tombstones for the tasks and the connector.
    run(store_tool, props, "status", "delete", "other-conn")
    assert run(store_tool, props, "status", "list").stdout == b""
