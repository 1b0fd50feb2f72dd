"""The Kinesis source connector (io.confluent.connect.kinesis.KinesisSourceConnector) end to end.

Every test runs a cluster of two connectd distributed workers on the real broker; the connector
reads kinesis-mock (npm kinesis-local) through the fault-injecting, call-recording proxy of
tests/harness/kinesis_proxy.py (kinesis.base.url = the proxy). Data is written with the harness's
own Kinesis client (tests/harness/kinesis.py) and read back from Kafka with confluent-kafka.

What the connector must do (connectors/kinesis/kinesis_source.h): key = the partition key
(StringConverter), value = the data bytes (ByteArrayConverter), timestamp = the record's
ApproximateArrivalTimestamp in ms, source partition {"kinesis.stream.name", "kinesis.shard.id"},
offset {"kinesis.sequence.number": "<seq>"}; tasks own whole resharding families and drain
parents before children; at most 5 GetRecords calls per second per shard.

Every record written carries a unique JSON payload {"run", "k", "i", "n"} (k = partition key,
i = per-key index, n = global index) so it can be traced from the PutRecords answer (shard,
sequence number) to its Kafka record. Waits are conditions with deadlines.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections import Counter, defaultdict
from typing import Iterable, Optional

import pytest

from dist_util import connector_status, rest, wait_running
from harness.kinesis import KinesisClient, KinesisError, sample_payments
from harness.peers import http_get, http_json, wait_until

pytestmark = [pytest.mark.peer_kafka, pytest.mark.peer_kinesis]

CONNECTOR_CLASS = "io.confluent.connect.kinesis.KinesisSourceConnector"
STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter"
BYTES_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter"
MAX_CALLS_PER_SECOND = 5
# The proxy timestamps calls when they arrive, not when the task decided to send them: allow one
# call of jitter inside a one-second window (a task pacing at exactly 200 ms can land 6 in 1.0 s).
RATE_JITTER = 1
PACING_S = 1.0 / MAX_CALLS_PER_SECOND

FAST_WORKER = {
    "scheduled.rebalance.max.delay.ms": 2000,
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 1000,
    "offset.flush.interval.ms": 500,
}


# --------------------------------------------------------------------------- helpers


def _cluster(connect_worker, group: str, count: int = 2):
    return [connect_worker(kind="connectd", group_id=group, topic_prefix=group,
                           extra_properties=FAST_WORKER) for _ in range(count)]


def _create_topic(bootstrap: str, topic: str) -> None:
    """One partition: the topic's order is the order the tasks produced in."""
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(30)


def _config(stream: str, topic: str, endpoint: str, **extra) -> dict:
    config = {
        "connector.class": CONNECTOR_CLASS,
        "tasks.max": "1",
        "kafka.topic": topic,
        "kinesis.stream": stream,
        "kinesis.region": "us-east-1",
        "kinesis.position": "TRIM_HORIZON",
        "kinesis.base.url": endpoint,
        "aws.access.key.id": "AKIAIOSFODNN7EXAMPLE",
        "aws.secret.key.id": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "kinesis.empty.records.backoff.ms": "200",
        "kinesis.shard.monitor.interval.ms": "2000",
        "key.converter": STRING_CONVERTER,
        "value.converter": BYTES_CONVERTER,
    }
    config.update({k: str(v) for k, v in extra.items()})
    return config


def _create(worker, name: str, config: dict) -> None:
    """POST /connectors, retried only through rebalances (409/5xx); a 400 fails at once."""
    status, body = rest("POST", f"{worker.url}/connectors", {"name": name, "config": config},
                        ok=(201, 400))
    assert status == 201, f"POST /connectors {name}: {status} {body}"



class Writer:
    """Writes traceable records and remembers where Kinesis put each one."""

    def __init__(self, client: KinesisClient, stream: str, keys: Iterable[str]):
        self.client = client
        self.stream = stream
        self.keys = list(keys)
        self.run = uuid.uuid4().hex[:8]
        self.next_index: Counter = Counter()
        self.written: list[dict] = []  # in write order: payload, key, shard, seq
        self.by_payload: dict[bytes, dict] = {}
        self._n = 0

    def payload(self, key: str) -> bytes:
        doc = {"run": self.run, "k": key, "i": self.next_index[key], "n": self._n}
        self.next_index[key] += 1
        self._n += 1
        return json.dumps(doc, separators=(",", ":")).encode()

    def write(self, count: int) -> list[dict]:
        records = [(k, self.payload(k)) for k in
                   (self.keys[(self._n + j) % len(self.keys)] for j in range(count))]
        results = self.client.put_records(self.stream, records)
        batch = []
        for (key, data), res in zip(records, results):
            entry = {"data": data, "key": key, "shard": res["ShardId"],
                     "seq": int(res["SequenceNumber"])}
            self.written.append(entry)
            self.by_payload[data] = entry
            batch.append(entry)
        return batch

    def last_seq_per_shard(self, entries: Optional[list] = None) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in entries if entries is not None else self.written:
            out[e["shard"]] = max(out.get(e["shard"], 0), e["seq"])
        return out


class TopicReader:
    """Keeps one confluent-kafka consumer on the topic and accumulates its records."""

    def __init__(self, bootstrap: str, topic: str):
        from confluent_kafka import Consumer

        self.consumer = Consumer({
            "bootstrap.servers": bootstrap,
            "group.id": f"kinesis-check-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        })
        self.consumer.subscribe([topic])
        self.topic = topic
        self.records: list = []  # confluent_kafka.Message, in topic order

    def poll_until(self, condition, *, what: str, timeout: float = 30.0) -> list:
        deadline = time.monotonic() + timeout
        while not condition(self.records):
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.topic}: {what} not reached within {timeout}s; "
                                     f"{len(self.records)} records read")
            msg = self.consumer.poll(0.2)
            if msg is not None and not msg.error():
                self.records.append(msg)
        return self.records

    def drain(self, seconds: float = 1.0) -> list:
        """Reads whatever else arrives within `seconds` (used after the condition held, to see
        extra records such as duplicates or records that must not be there)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            msg = self.consumer.poll(0.1)
            if msg is not None and not msg.error():
                self.records.append(msg)
        return self.records

    def values(self) -> list[bytes]:
        return [m.value() for m in self.records]

    def close(self) -> None:
        self.consumer.close()


def _has_all(entries: list[dict]):
    wanted = {e["data"] for e in entries}
    return lambda records: wanted <= {m.value() for m in records}


def _check_shard_order(writer: Writer, records: list) -> dict[str, int]:
    """Per shard, the Kafka order (first occurrences) follows the sequence numbers; returns
    the number of duplicates per shard."""
    seen: set = set()
    last: dict[str, int] = {}
    dups: Counter = Counter()
    for m in records:
        e = writer.by_payload.get(m.value())
        if e is None:
            continue
        if m.value() in seen:
            dups[e["shard"]] += 1
            continue
        seen.add(m.value())
        assert e["seq"] > last.get(e["shard"], -1), (
            f"shard {e['shard']}: sequence {e['seq']} delivered after {last[e['shard']]}")
        last[e["shard"]] = e["seq"]
    return dict(dups)


def _check_key_order(writer: Writer, records: list) -> int:
    """Per key, the first occurrences in Kafka are in write order (i = 0, 1, 2, ...); returns
    the number of duplicates."""
    seen: set = set()
    per_key: dict[str, list[int]] = defaultdict(list)
    dups = 0
    for m in records:
        if m.value() not in writer.by_payload or not m.value().startswith(b'{"run"'):
            continue  # not a traceable JSON payload (e.g. the binary records of test a)
        if m.value() in seen:
            dups += 1
            continue
        seen.add(m.value())
        doc = json.loads(m.value())
        assert m.key() is not None and m.key().decode() == doc["k"], (m.key(), doc)
        per_key[doc["k"]].append(doc["i"])
    for key, indexes in per_key.items():
        assert indexes == sorted(indexes), f"key {key}: Kafka order {indexes[:50]} is not write order"
    return dups


def _offsets(worker, name: str) -> dict:
    status, body = http_json("GET", f"{worker.url}/connectors/{name}/offsets", timeout=10)
    assert status == 200, (status, body)
    return {(o["partition"].get("kinesis.stream.name"), o["partition"]["kinesis.shard.id"]): o["offset"]
            for o in body["offsets"]}


def _committed_seq(worker, name: str, stream: str) -> dict[str, int]:
    return {shard: int(off["kinesis.sequence.number"])
            for (s, shard), off in _offsets(worker, name).items() if s == stream}


def _wait_committed(worker, name: str, stream: str, expected: dict[str, int], timeout=30.0):
    wait_until(lambda: all(_committed_seq(worker, name, stream).get(sh, -1) >= seq
                           for sh, seq in expected.items()),
               what=f"{name}: offsets committed up to {expected}", timeout=timeout)
    return _committed_seq(worker, name, stream)


def _failure(worker, name: str, timeout: float = 30.0) -> tuple[str, str]:
    """Waits for the connector or one of its tasks to be FAILED; returns (who, trace)."""
    found: list = []

    def failed() -> bool:
        s = connector_status(worker, name)
        if s is None:
            return False
        if s["connector"]["state"] == "FAILED":
            found[:] = ["connector", s["connector"].get("trace", "")]
            return True
        for t in s["tasks"]:
            if t["state"] == "FAILED":
                found[:] = [f"task {t['id']}", t.get("trace", "")]
                return True
        return False

    wait_until(failed, what=f"{name} (connector or a task) FAILED", timeout=timeout)
    return found[0], found[1]


def _healthy(workers) -> None:
    for w in workers:
        assert w.process.alive(), f"{w.name} died"
        assert http_get(w.url + "/")[0] == 200
        assert rest("GET", f"{w.url}/connectors", ok=(200,))[0] == 200


@pytest.fixture
def kinesis(kinesis_mock) -> KinesisClient:
    """The test's own client, straight to kinesis-mock (not through the proxy)."""
    return KinesisClient(kinesis_mock.endpoint, region="us-east-1")


@pytest.fixture
def reader_factory(kafka):
    readers: list[TopicReader] = []

    def make(topic: str) -> TopicReader:
        _create_topic(kafka.bootstrap, topic)
        r = TopicReader(kafka.bootstrap, topic)
        readers.append(r)
        return r

    yield make
    for r in readers:
        r.close()


# --------------------------------------------------------------------------- a. Confluent config


def test_confluent_config_deploys_unchanged(kinesis_proxy, connect_worker, kafka, kinesis,
                                            reader_factory, unique_name):
    workers = _cluster(connect_worker, unique_name)
    stream, topic = f"{unique_name}-s", f"{unique_name}-t"
    kinesis.create_stream(stream, 2)
    writer = Writer(kinesis, stream, [f"key-{i}" for i in range(8)])
    batch = writer.write(120)
    # Raw bytes too: value = the exact data, not text.
    binary = [("bin", bytes(range(256))), ("bin", b"\x00\xff\x00"), ("empty-ish", b"\x01")]
    for (key, data), res in zip(binary, kinesis.put_records(stream, binary)):
        entry = {"data": data, "key": key, "shard": res["ShardId"], "seq": int(res["SequenceNumber"])}
        writer.written.append(entry)
        writer.by_payload[data] = entry
        batch.append(entry)
    reader = reader_factory(topic)

    # A connector JSON as it is deployed on Confluent Platform, byte for byte (licence
    # plumbing, credentials provider class, the enum spelling of the region).
    confluent = {
        "connector.class": CONNECTOR_CLASS,
        "tasks.max": "1",
        "kafka.topic": topic,
        "kinesis.stream": stream,
        "kinesis.region": "US_EAST_1",
        "kinesis.position": "TRIM_HORIZON",
        "kinesis.record.limit": "500",
        "kinesis.empty.records.backoff.ms": "200",
        "kinesis.throughput.exceeded.backoff.ms": "10000",
        "kinesis.base.url": kinesis_proxy.url,
        "kinesis.credentials.provider.class": "com.amazonaws.auth.DefaultAWSCredentialsProviderChain",
        "aws.access.key.id": "AKIAIOSFODNN7EXAMPLE",
        "aws.secret.key.id": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "confluent.license": "",
        "confluent.topic.bootstrap.servers": kafka.bootstrap,
        "confluent.topic.replication.factor": "1",
        "key.converter": STRING_CONVERTER,
        "value.converter": BYTES_CONVERTER,
        "errors.tolerance": "none",
    }
    _create(workers[1], "kinesis", confluent)
    wait_running(workers, "kinesis", tasks=1, timeout=40)
    reader.poll_until(_has_all(batch), what="all records", timeout=30)
    reader.drain(1.0)

    # Arrival timestamps as Kinesis reports them (GetRecords' ApproximateArrivalTimestamp).
    arrival: dict[bytes, float] = {}
    for shard in kinesis.list_shards(stream):
        for r in kinesis.read_all(stream, shard["ShardId"]):
            arrival[base64.b64decode(r["Data"])] = float(r["ApproximateArrivalTimestamp"])
    from confluent_kafka import TIMESTAMP_CREATE_TIME

    assert len(reader.records) == len(batch), (
        f"{len(reader.records)} records in Kafka for {len(batch)} written (duplicates?)")
    for m in reader.records:
        e = writer.by_payload[m.value()]
        assert m.key() == e["key"].encode(), (m.key(), e["key"])
        ts_type, ts = m.timestamp()
        assert ts_type == TIMESTAMP_CREATE_TIME
        expected = arrival[m.value()] * 1000.0
        assert abs(ts - expected) <= 1.0, f"timestamp {ts} != arrival {expected:.3f} ms"
    _check_shard_order(writer, reader.records)
    assert _check_key_order(writer, reader.records) == 0
    # Both workers agree, and the single task reads both shards.
    _status, tasks = rest("GET", f"{workers[0].url}/connectors/kinesis/tasks", ok=(200,))
    assert sorted(tasks[0]["config"]["shard.ids"].split(",")) == sorted(
        s["ShardId"] for s in kinesis.list_shards(stream))


# --------------------------------------------------------------------------- b. positions


def test_positions(kinesis_proxy, connect_worker, kafka, kinesis, reader_factory, unique_name):
    workers = _cluster(connect_worker, unique_name)
    streams = {p: f"{unique_name}-{p.lower()}" for p in ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")}
    writers, first, readers = {}, {}, {}
    for position, stream in streams.items():
        kinesis.create_stream(stream, 2)
        writers[position] = Writer(kinesis, stream, [f"k{i}" for i in range(6)])
        first[position] = writers[position].write(30)
        readers[position] = reader_factory(f"{stream}-t")

    # AT_TIMESTAMP: a moment strictly between the two batches (arrival times, ms).
    arrivals = [float(r["ApproximateArrivalTimestamp"])
                for sh in kinesis.list_shards(streams["AT_TIMESTAMP"])
                for r in kinesis.read_all(streams["AT_TIMESTAMP"], sh["ShardId"])]
    last_first_ms = int(max(arrivals) * 1000)
    between_ms = last_first_ms + 500
    wait_until(lambda: time.time() * 1000 > last_first_ms + 1000,
               what="the clock passes the AT_TIMESTAMP point", timeout=5, interval=0.05)
    second_at = writers["AT_TIMESTAMP"].write(30)

    for position, stream in streams.items():
        extra = {"kinesis.position": position}
        if position == "AT_TIMESTAMP":
            extra["kinesis.shard.timestamp"] = str(between_ms)
        _create(workers[0], f"src-{position.lower()}",
                _config(stream, f"{stream}-t", kinesis_proxy.url, **extra))
    # The same moment as ISO-8601 with a non-UTC offset, on the same stream, into its own topic.
    from datetime import datetime, timedelta, timezone

    zone = timezone(timedelta(hours=5, minutes=30))
    iso = datetime.fromtimestamp(between_ms / 1000, zone).isoformat(timespec="milliseconds")
    iso_reader = reader_factory(f"{streams['AT_TIMESTAMP']}-iso")
    _create(workers[1], "src-at-iso", _config(
        streams["AT_TIMESTAMP"], f"{streams['AT_TIMESTAMP']}-iso", kinesis_proxy.url,
        **{"kinesis.position": "AT_TIMESTAMP", "kinesis.shard.timestamp": iso}))
    for name in [f"src-{p.lower()}" for p in streams] + ["src-at-iso"]:
        wait_running(workers, name, tasks=1, timeout=40)

    # LATEST: write only once the task has its LATEST iterators for both shards.
    latest_stream = streams["LATEST"]
    shard_ids = {s["ShardId"] for s in kinesis.list_shards(latest_stream)}

    def latest_iterators() -> bool:
        got = {c.request.get("ShardId") for c in kinesis_proxy.calls_for("GetShardIterator",
                                                                          latest_stream)
               if c.status == 200 and c.request.get("ShardIteratorType") == "LATEST"}
        return got >= shard_ids

    wait_until(latest_iterators, what="LATEST iterators fetched for every shard", timeout=20)
    second_latest = writers["LATEST"].write(30)
    second_trim = writers["TRIM_HORIZON"].write(10)

    trim = readers["TRIM_HORIZON"].poll_until(_has_all(first["TRIM_HORIZON"] + second_trim),
                                              what="TRIM_HORIZON: old and new records")
    assert len(trim) == 40
    latest = readers["LATEST"].poll_until(_has_all(second_latest), what="LATEST: new records")
    readers["LATEST"].drain(1.0)
    assert {m.value() for m in latest} == {e["data"] for e in second_latest}, (
        "LATEST delivered records written before the connector started")
    at = readers["AT_TIMESTAMP"].poll_until(_has_all(second_at), what="AT_TIMESTAMP: second batch")
    readers["AT_TIMESTAMP"].drain(1.0)
    assert {m.value() for m in at} == {e["data"] for e in second_at}, (
        f"AT_TIMESTAMP {between_ms}: {len(at)} records, expected only the 30 of the second batch")
    at_iso = iso_reader.poll_until(_has_all(second_at), what=f"AT_TIMESTAMP {iso}: second batch")
    iso_reader.drain(0.5)
    assert {m.value() for m in at_iso} == {e["data"] for e in second_at}, (
        f"AT_TIMESTAMP {iso}: {len(at_iso)} records, expected only the 30 of the second batch")
    stamps = {c.request.get("Timestamp") for c in
              kinesis_proxy.calls_for("GetShardIterator", streams["AT_TIMESTAMP"])
              if c.request.get("ShardIteratorType") == "AT_TIMESTAMP"}
    # Both connectors ask for the same instant (epoch seconds, a JSON number).
    assert stamps and all(abs(float(t) - between_ms / 1000) < 0.0015 for t in stamps), (
        stamps, between_ms)


# --------------------------------------------------------------------------- c. restarts


def _check_resume(writer: Writer, records: list, committed: dict[str, int], start: int) -> None:
    """From Kafka record `start` on (what was produced after the restart), each shard resumes
    after its committed sequence number: a redelivered record is never older than that."""
    for m in records[start:]:
        e = writer.by_payload.get(m.value())
        if e is not None and e["shard"] in committed:
            assert e["seq"] > committed[e["shard"]], (
                f"shard {e['shard']}: resumed at {e['seq']}, at or before the committed "
                f"offset {committed[e['shard']]}")


def test_task_restart_and_worker_kill_resume(kinesis_proxy, connect_worker, kafka, kinesis,
                                             reader_factory, unique_name):
    workers = _cluster(connect_worker, unique_name)
    stream, topic = f"{unique_name}-s", f"{unique_name}-t"
    kinesis.create_stream(stream, 2)
    writer = Writer(kinesis, stream, [f"k{i}" for i in range(10)])
    a = writer.write(200)
    reader = reader_factory(topic)
    _create(workers[0], "kin", _config(stream, topic, kinesis_proxy.url))
    wait_running(workers, "kin", tasks=1, timeout=40)
    reader.poll_until(_has_all(a), what="batch A")

    # 1. Task restart through the REST API: resumes after the committed offsets.
    committed = _wait_committed(workers[0], "kin", stream, writer.last_seq_per_shard(a))
    mark = len(reader.drain(0.5))
    rest("POST", f"{workers[1].url}/connectors/kin/tasks/0/restart", ok=(204,))
    b = writer.write(100)
    wait_running(workers, "kin", tasks=1, timeout=30)
    reader.poll_until(_has_all(a + b), what="batch B after the task restart")
    _check_resume(writer, reader.records, committed, mark)

    # 2. kill -9 the worker running the task: the survivor takes it over.
    committed = _wait_committed(workers[0], "kin", stream, writer.last_seq_per_shard(a + b))
    mark = len(reader.drain(0.5))
    owner_id = connector_status(workers[0], "kin")["tasks"][0]["worker_id"]
    owner = next(w for w in workers if w.worker_id == owner_id)
    survivor = next(w for w in workers if w is not owner)
    c1 = writer.write(100)
    owner.kill()
    c2 = writer.write(100)
    def moved() -> bool:
        s = connector_status(survivor, "kin")
        return (s is not None and len(s["tasks"]) == 1 and s["tasks"][0]["state"] == "RUNNING"
                and s["tasks"][0]["worker_id"] == survivor.worker_id)

    wait_until(moved, what="task RUNNING on the surviving worker", timeout=40)
    reader.poll_until(_has_all(a + b + c1 + c2), what="every record after the kill", timeout=30)
    reader.drain(1.0)
    _check_resume(writer, reader.records, committed, mark)
    dups = _check_shard_order(writer, reader.records)
    total = len(writer.written)
    print(f"\nrestart/kill: {total} written, {len(reader.records)} in Kafka, duplicates per shard {dups}")
    assert len({m.value() for m in reader.records}) == total


# --------------------------------------------------------------------------- d. resharding


def test_resharding_keeps_every_record_and_key_order(kinesis_proxy, connect_worker, kafka,
                                                     kinesis, reader_factory, unique_name):
    workers = _cluster(connect_worker, unique_name)
    stream, topic = f"{unique_name}-s", f"{unique_name}-t"
    kinesis.create_stream(stream, 2)
    writer = Writer(kinesis, stream, [f"key-{i}" for i in range(16)])
    writer.write(50)
    reader = reader_factory(topic)
    _create(workers[0], "kin", _config(stream, topic, kinesis_proxy.url, **{"tasks.max": 2}))
    wait_running(workers, "kin", tasks=2, timeout=40)

    stop = threading.Event()
    errors: list = []

    def write_continuously() -> None:
        try:
            while not stop.is_set():
                writer.write(10)
                time.sleep(0.05)  # pacing only; correctness is checked on the data
        except Exception as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)

    thread = threading.Thread(target=write_continuously, daemon=True)
    thread.start()
    try:
        wait_until(lambda: len(writer.written) >= 150, what="writing", timeout=10)
        kinesis.update_shard_count(stream, 4)          # split: 2 open -> 4 open
        wait_until(lambda: len(writer.written) >= 350, what="writing after the split", timeout=15)
        kinesis.update_shard_count(stream, 2)          # merge: 4 open -> 2 open
        wait_until(lambda: len(writer.written) >= 550, what="writing after the merge", timeout=15)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not errors, errors
    shards = kinesis.list_shards(stream)
    assert len(shards) > 4, [s["ShardId"] for s in shards]

    reader.poll_until(_has_all(writer.written), what="every record across the reshards", timeout=30)
    reader.drain(1.0)
    dups = _check_key_order(writer, reader.records)
    _check_shard_order(writer, reader.records)
    print(f"\nresharding: {len(writer.written)} written over {len(shards)} shards, "
          f"{len(reader.records)} in Kafka, {dups} duplicates")
    # Every shard with data has a committed offset.
    used = {e["shard"] for e in writer.written}
    committed = _wait_committed(workers[1], "kin", stream, writer.last_seq_per_shard())
    assert used <= set(committed), (used, committed)

    # Parents are read to the end before their children (seen at the proxy): a child's first
    # GetRecords comes after the parent's last one, which returned no NextShardIterator.
    calls = [c for c in kinesis_proxy.calls_for("GetRecords", stream) if c.status == 200]
    first, closed_at = {}, {}
    for c in calls:
        first.setdefault(c.shard, c.time)
        if isinstance(c.response, dict) and not c.response.get("NextShardIterator"):
            closed_at.setdefault(c.shard, c.time)  # first time it was found drained
    for shard in shards:
        parents = [p for p in (shard.get("ParentShardId"), shard.get("AdjacentParentShardId")) if p]
        if not parents or shard["ShardId"] not in first:
            continue
        for parent in parents:
            assert parent in closed_at, f"{shard['ShardId']} read, its parent {parent} never finished"
            assert first[shard["ShardId"]] > closed_at[parent], (
                f"{shard['ShardId']} read {closed_at[parent] - first[shard['ShardId']]:.3f}s "
                f"before its parent {parent} was drained")
    # Families stay in one task: each task's shard.ids holds a shard's parents too.
    _s, tasks = rest("GET", f"{workers[0].url}/connectors/kin/tasks", ok=(200,))
    owner = {sh: t["id"]["task"] for t in tasks for sh in t["config"]["shard.ids"].split(",") if sh}
    for shard in shards:
        for parent in (shard.get("ParentShardId"), shard.get("AdjacentParentShardId")):
            if parent and parent in owner and shard["ShardId"] in owner:
                assert owner[parent] == owner[shard["ShardId"]], (
                    f"{shard['ShardId']} and its parent {parent} in different tasks: {owner}")


# --------------------------------------------------------------------------- e. task spread


def test_shards_spread_over_tasks_and_workers(kinesis_proxy, connect_worker, kafka, kinesis,
                                              reader_factory, unique_name):
    workers = _cluster(connect_worker, unique_name)
    stream, topic = f"{unique_name}-s", f"{unique_name}-t"
    kinesis.create_stream(stream, 4)
    writer = Writer(kinesis, stream, [f"k{i}" for i in range(200)])
    batch = writer.write(200)
    assert len({e["shard"] for e in batch}) == 4, "200 partition keys should hit all 4 shards"
    reader = reader_factory(topic)
    _create(workers[0], "kin", _config(stream, topic, kinesis_proxy.url, **{"tasks.max": 2}))
    status = wait_running(workers, "kin", tasks=2, timeout=40)

    _s, tasks = rest("GET", f"{workers[1].url}/connectors/kin/tasks", ok=(200,))
    assert len(tasks) == 2, tasks
    owned = [set(t["config"]["shard.ids"].split(",")) for t in tasks]
    assert [len(o) for o in owned] == [2, 2], owned
    assert owned[0] | owned[1] == {s["ShardId"] for s in kinesis.list_shards(stream)}
    assert not owned[0] & owned[1]
    assert {t["worker_id"] for t in status["tasks"]} == {w.worker_id for w in workers}, (
        f"tasks not spread over both workers: {status}")
    reader.poll_until(_has_all(batch), what="all records")
    _check_shard_order(writer, reader.records)
    # Each shard is read by exactly one task: no record twice.
    assert len(reader.drain(1.0)) == len(batch)


# --------------------------------------------------------------------------- f. throttling, expiry


def _throttle_setup(connect_worker, kinesis, kinesis_proxy, reader_factory, unique_name, **extra):
    workers = _cluster(connect_worker, unique_name)
    stream, topic = f"{unique_name}-s", f"{unique_name}-t"
    kinesis.create_stream(stream, 2)
    shard_ids = sorted(s["ShardId"] for s in kinesis.list_shards(stream))
    writer = Writer(kinesis, stream, [f"k{i}" for i in range(8)])
    a = writer.write(60)
    assert {e["shard"] for e in a} == set(shard_ids)
    reader = reader_factory(topic)
    _create(workers[0], "kin", _config(stream, topic, kinesis_proxy.url, **extra))
    wait_running(workers, "kin", tasks=1, timeout=40)
    reader.poll_until(_has_all(a), what="batch A")
    return stream, shard_ids, writer, reader, a


def _check_rate(kinesis_proxy, stream: str) -> None:
    """Never more than 5 GetRecords per second per shard, throttled or not."""
    calls = kinesis_proxy.calls_for("GetRecords", stream)
    for shard, times in kinesis_proxy.get_records_times(stream).items():
        peak = kinesis_proxy.max_calls_in_window(times, 1.0)
        if peak > MAX_CALLS_PER_SECOND + RATE_JITTER:
            mine = [c for c in calls if c.shard == shard]
            busiest = max(range(len(mine)), key=lambda i: sum(
                1 for c in mine if mine[i].time <= c.time < mine[i].time + 1.0))
            t0 = mine[busiest].time
            window = [f"+{c.time - t0:.3f}s {c.status} {c.error_type or ''}".strip()
                      for c in mine if t0 - 0.5 <= c.time < t0 + 1.5]
            raise AssertionError(f"{shard}: {peak} GetRecords calls within one second; "
                                 f"calls around it: {window}")


def _throttle_gaps(kinesis_proxy, stream: str, shard: str) -> list[float]:
    """Seconds from each throttled GetRecords on `shard` to the next GetRecords on it."""
    mine = [c for c in kinesis_proxy.calls_for("GetRecords", stream) if c.shard == shard]
    return [nxt.time - c.time for c, nxt in zip(mine, mine[1:])
            if c.error_type == "ProvisionedThroughputExceededException"]


def test_throttling_backs_off(kinesis_proxy, connect_worker, kafka, kinesis, reader_factory,
                              unique_name):
    backoff_ms = 1000
    stream, shard_ids, writer, reader, a = _throttle_setup(
        connect_worker, kinesis, kinesis_proxy, reader_factory, unique_name,
        **{"kinesis.throughput.exceeded.backoff.ms": backoff_ms, "kinesis.record.limit": 10})
    # 4 throttled answers in a row on each shard while batch B is being read.
    for shard in shard_ids:
        kinesis_proxy.throttle_get_records(4, shard=shard)
    b = writer.write(60)
    reader.poll_until(_has_all(a + b), what="batch B through the throttling", timeout=40)
    wait_until(lambda: kinesis_proxy.pending_faults() == 0, what="every throttle answered",
               timeout=20)
    reader.drain(1.0)
    assert len(reader.records) == len(writer.written)
    assert _check_shard_order(writer, reader.records) == {}
    _check_key_order(writer, reader.records)
    # The connector's contract (kinesis_source_task.c): throttling backs off with jitter, growing
    # per attempt up to kinesis.throughput.exceeded.backoff.ms.
    for shard in shard_ids:
        gaps = _throttle_gaps(kinesis_proxy, stream, shard)
        print(f"\n{shard}: retry gaps after throttles {[round(g, 3) for g in gaps]}")
        assert len(gaps) == 4, f"{shard}: {len(gaps)} retries after 4 throttles"
        assert gaps[-1] >= 2 * PACING_S, f"{shard}: no growing backoff after 4 throttles: {gaps}"
        assert max(gaps) <= 1.5 * backoff_ms / 1000, (
            f"{shard}: waited {max(gaps):.3f}s, more than kinesis.throughput.exceeded.backoff.ms")
    _check_rate(kinesis_proxy, stream)


def test_throttled_retry_waits_at_least_the_pacing_interval(kinesis_proxy, connect_worker, kafka,
                                                             kinesis, reader_factory, unique_name):
    stream, shard_ids, writer, reader, a = _throttle_setup(
        connect_worker, kinesis, kinesis_proxy, reader_factory, unique_name,
        **{"kinesis.throughput.exceeded.backoff.ms": 1000})
    # Five separate single throttles per shard, each followed by a successful call (so each
    # retry is a first-attempt backoff).
    for _ in range(5):
        for shard in shard_ids:
            since = time.monotonic()
            kinesis_proxy.throttle_get_records(1, shard=shard)
            hit = kinesis_proxy.wait_for_call(lambda c, s=shard: c.injected and c.shard == s,
                                              what=f"throttle on {shard}", since=since, timeout=20)
            kinesis_proxy.wait_for_call(lambda c, s=shard: c.op == "GetRecords" and c.shard == s
                                        and c.status == 200, what=f"retry on {shard}",
                                        since=hit.time + 1e-6, timeout=20)
    for shard in shard_ids:
        gaps = _throttle_gaps(kinesis_proxy, stream, shard)
        print(f"\n{shard}: retry gaps after single throttles {[round(g, 3) for g in gaps]}")
        # Arrival-to-arrival at the proxy can only exceed the task's own wait: no tolerance.
        assert min(gaps) >= PACING_S, (
            f"{shard}: GetRecords retried {min(gaps):.3f}s after ProvisionedThroughputExceeded, "
            f"sooner than the {PACING_S}s pacing of an unthrottled shard; gaps {gaps}")


def test_iterator_expiry_resumes_after_the_last_record(kinesis_proxy, connect_worker, kafka,
                                                       kinesis, reader_factory, unique_name):
    stream, shard_ids, writer, reader, a = _throttle_setup(
        connect_worker, kinesis, kinesis_proxy, reader_factory, unique_name,
        **{"kinesis.record.limit": 10})
    # One shard's next GetRecords says ExpiredIterator -> a new iterator AFTER the last
    # delivered sequence number: nothing skipped, nothing repeated.
    for victim in shard_ids:
        last_seq = writer.last_seq_per_shard()[victim]
        since = time.monotonic()
        kinesis_proxy.expire_get_records(1, shard=victim)
        kinesis_proxy.wait_for_call(lambda c: c.injected and c.error_type == "ExpiredIteratorException",
                                    what="ExpiredIterator injected", since=since, timeout=20)
        renewed = kinesis_proxy.wait_for_call(
            lambda c: c.op == "GetShardIterator" and c.request.get("ShardId") == victim,
            what=f"a new GetShardIterator for {victim}", since=since, timeout=20)
        assert renewed.request.get("ShardIteratorType") == "AFTER_SEQUENCE_NUMBER", renewed.request
        assert int(renewed.request.get("StartingSequenceNumber")) == last_seq, (
            renewed.request, last_seq)
        more = writer.write(40)
        reader.poll_until(_has_all(writer.written), what=f"records after {victim} expired",
                          timeout=30)
        assert any(e["shard"] == victim for e in more)
    # Expiry in the middle of a backlog (Limit 10): 100 records queued, then expire.
    backlog = writer.write(100)
    kinesis_proxy.expire_get_records(2)
    reader.poll_until(_has_all(backlog), what="the backlog through two expiries", timeout=30)
    reader.drain(1.0)
    assert len(reader.records) == len(writer.written), (
        f"{len(reader.records)} records in Kafka for {len(writer.written)} written")
    assert _check_shard_order(writer, reader.records) == {}
    _check_key_order(writer, reader.records)
    _check_rate(kinesis_proxy, stream)


def test_expired_iterator_retry_keeps_pacing(kinesis_proxy, connect_worker, kafka, kinesis,
                                             reader_factory, unique_name):
    stream, shard_ids, writer, reader, a = _throttle_setup(
        connect_worker, kinesis, kinesis_proxy, reader_factory, unique_name)
    for _ in range(3):
        for shard in shard_ids:
            since = time.monotonic()
            kinesis_proxy.expire_get_records(1, shard=shard)
            hit = kinesis_proxy.wait_for_call(lambda c, s=shard: c.injected and c.shard == s,
                                              what=f"expiry on {shard}", since=since, timeout=20)
            nxt = kinesis_proxy.wait_for_call(lambda c, s=shard: c.op == "GetRecords" and
                                              c.shard == s and not c.injected,
                                              what=f"GetRecords after the expiry on {shard}",
                                              since=hit.time + 1e-6, timeout=20)
            # Arrival-to-arrival: can only overstate the task's own wait.
            assert nxt.time - hit.time >= PACING_S, (
                f"{shard}: GetRecords {nxt.time - hit.time:.3f}s after the expired one")
    _check_rate(kinesis_proxy, stream)


def test_internal_failures_are_retried(kinesis_proxy, connect_worker, kafka, kinesis,
                                       reader_factory, unique_name):
    workers = _cluster(connect_worker, unique_name)
    stream, topic = f"{unique_name}-s", f"{unique_name}-t"
    kinesis.create_stream(stream, 1)
    writer = Writer(kinesis, stream, ["a", "b"])
    a = writer.write(30)
    reader = reader_factory(topic)
    kinesis_proxy.fail_internal(3, op="GetRecords")
    kinesis_proxy.fail_internal(1, op="GetShardIterator")
    _create(workers[0], "kin", _config(stream, topic, kinesis_proxy.url))
    reader.poll_until(_has_all(a), what="records despite 4 InternalFailure answers")
    assert kinesis_proxy.pending_faults() == 0
    wait_running(workers, "kin", tasks=1, timeout=20)
    # The shard monitor's ListShards failing transiently does not fail the connector either.
    since = time.monotonic()
    kinesis_proxy.fail_internal(2, op="ListShards")
    kinesis_proxy.wait_for_call(lambda c: c.op == "ListShards" and c.status == 200,
                                what="ListShards answered after two 500s", since=since, timeout=20)
    assert kinesis_proxy.pending_faults() == 0
    wait_running(workers, "kin", tasks=1, timeout=10)
    b = writer.write(10)
    reader.poll_until(_has_all(a + b), what="records after the ListShards failures")
    reader.drain(0.5)
    assert len(reader.records) == len(a + b)


# --------------------------------------------------------------------------- g. failures


def test_bad_credentials_and_missing_stream_fail_readably(kinesis_proxy, connect_worker, kafka,
                                                          kinesis, reader_factory, unique_name):
    workers = _cluster(connect_worker, unique_name)
    stream, topic = f"{unique_name}-s", f"{unique_name}-t"
    kinesis.create_stream(stream, 1)
    bad_key = "AKIABADBADBADBADBAD0"
    kinesis_proxy.reject_access_key(bad_key)
    reader = reader_factory(topic)

    def expect_failure(name: str, config: dict, needles: list[str]) -> None:
        status, body = http_json("POST", f"{workers[0].url}/connectors",
                                 {"name": name, "config": config}, timeout=30)
        if status == 400:  # rejected by validation: the message must say why
            text = json.dumps(body)
        else:
            assert status == 201, (status, body)
            who, text = _failure(workers[0], name)
            print(f"\n{name}: {who} FAILED: {text.splitlines()[0] if text else ''}")
        for needle in needles:
            assert needle in text, f"{name}: {needle!r} not in {text[:2000]}"

    expect_failure("bad-creds", _config(stream, topic, kinesis_proxy.url,
                                        **{"aws.access.key.id": bad_key}),
                   ["UnrecognizedClientException"])
    assert any(c.access_key == bad_key for c in kinesis_proxy.calls())
    missing = f"{unique_name}-missing"
    expect_failure("no-stream", _config(missing, topic, kinesis_proxy.url),
                   ["ResourceNotFoundException", missing])
    _healthy(workers)

    # The workers still run a good connector.
    writer = Writer(kinesis, stream, ["x"])
    batch = writer.write(10)
    _create(workers[1], "good", _config(stream, topic, kinesis_proxy.url))
    reader.poll_until(_has_all(batch), what="a good connector next to the failed ones")
    _healthy(workers)


# --------------------------------------------------------------------------- h. offsets API


def test_offsets_through_rest(kinesis_proxy, connect_worker, kafka, kinesis, reader_factory,
                              unique_name):
    workers = _cluster(connect_worker, unique_name)
    stream, topic = f"{unique_name}-s", f"{unique_name}-t"
    kinesis.create_stream(stream, 3)
    writer = Writer(kinesis, stream, [f"k{i}" for i in range(9)])
    batch = writer.write(90)
    reader = reader_factory(topic)
    _create(workers[0], "kin", _config(stream, topic, kinesis_proxy.url))
    wait_running(workers, "kin", tasks=1, timeout=40)
    reader.poll_until(_has_all(batch), what="all records")
    expected = writer.last_seq_per_shard(batch)
    _wait_committed(workers[1], "kin", stream, expected)

    for w in workers:
        _s, body = rest("GET", f"{w.url}/connectors/kin/offsets", ok=(200,))
        got = {json.dumps(o["partition"], sort_keys=True): o["offset"] for o in body["offsets"]}
        want = {json.dumps({"kinesis.shard.id": shard, "kinesis.stream.name": stream},
                           sort_keys=True): {"kinesis.sequence.number": str(seq)}
                for shard, seq in expected.items()}
        assert got == want, body
