"""Error handling on the real broker: errors.tolerance, errors.log.*, the sink dead-letter
queue with its __connect.errors.* headers (read back with Python confluent-kafka, an
independent client), connectd's source dead-letter queue (beyond Java, off by default) and the
automatic restart of FAILED tasks (beyond Java, off by default).

Poison records: bytes that are not JSON (VALUE_CONVERTER stage) and a JSON string where the
HeaderFrom$Value transformation needs a map (TRANSFORMATION stage).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest

from dist_util import connector_status, rest
from harness.peers import wait_until

pytestmark = [pytest.mark.peer_kafka]

FAST_WORKER = {
    "scheduled.rebalance.max.delay.ms": 2000,
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 1000,
    "offset.flush.interval.ms": 500,
}
SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
JSON = "org.apache.kafka.connect.json.JsonConverter"
STRING = "org.apache.kafka.connect.storage.StringConverter"
HEADER_FROM = "org.apache.kafka.connect.transforms.HeaderFrom$Value"
CAST = "org.apache.kafka.connect.transforms.Cast$Value"
ERR = "__connect.errors."


@pytest.fixture
def worker(connect_worker, unique_name):
    return connect_worker(kind="connectd", group_id=unique_name, topic_prefix=unique_name,
                          extra_properties=FAST_WORKER)


def produce(bootstrap: str, topic: str, records: list[tuple]) -> None:
    """(key, value, headers) tuples, in order, to partition 0."""
    from confluent_kafka import Producer

    p = Producer({"bootstrap.servers": bootstrap})
    for key, value, headers in records:
        p.produce(topic, key=key, value=value, headers=headers, partition=0)
    assert p.flush(30) == 0


def create_topic(bootstrap: str, topic: str) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(30)


def consume(bootstrap: str, topic: str, count: int, timeout: float = 45.0) -> list:
    """The first `count` records of `topic` (confluent_kafka Message objects)."""
    from confluent_kafka import Consumer

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"dlq-{uuid.uuid4().hex[:8]}",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    out: list = []
    deadline = time.monotonic() + timeout
    try:
        while len(out) < count and time.monotonic() < deadline:
            msg = c.poll(0.5)
            if msg is None or msg.error():
                continue
            out.append(msg)
    finally:
        c.close()
    assert len(out) >= count, f"{topic}: {len(out)} of {count} records within {timeout}s"
    return out


def topic_size(bootstrap: str, topic: str) -> int:
    from confluent_kafka import Consumer, TopicPartition

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"size-{uuid.uuid4().hex[:8]}"})
    try:
        md = c.list_topics(topic, timeout=10)
        if topic not in md.topics or md.topics[topic].error is not None:
            return -1
        return sum(c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                   for p in md.topics[topic].partitions)
    finally:
        c.close()


def create(worker, name: str, config: dict) -> None:
    status, body = rest("POST", f"{worker.url}/connectors", {"name": name, "config": config},
                        ok=(201, 400, 500))
    assert status == 201, f"POST /connectors {name}: {status} {body}"


def lines(path: Path, count: int, timeout: float = 45.0) -> list[str]:
    wait_until(lambda: path.exists() and len(path.read_text().splitlines()) >= count,
               what=f"{count} lines in {path}", timeout=timeout)
    return path.read_text().splitlines()


def task_state(worker, name: str):
    s = connector_status(worker, name)
    return s["tasks"][0] if s and s.get("tasks") else None


def headers_of(msg) -> dict:
    return {k: (v.decode() if v is not None else None) for k, v in (msg.headers() or [])}


def poison_sink(topic: str, path: Path, **extra) -> dict:
    conf = {"connector.class": SINK, "tasks.max": "1", "topics": topic, "file": str(path),
            "key.converter": STRING, "value.converter": JSON,
            "value.converter.schemas.enable": "false",
            "transforms": "hf", "transforms.hf.type": HEADER_FROM,
            "transforms.hf.fields": "a", "transforms.hf.headers": "ha",
            "transforms.hf.operation": "copy"}
    conf.update({k: str(v) for k, v in extra.items()})
    return conf


# (key, value, headers): good maps, a non-JSON value, a JSON string (HeaderFrom needs a map)
RECORDS = [
    (b"k0", b'{"a": 0}', None),
    (b"k1", b"not json", [("orig", b"h1")]),
    (b"k2", b'{"a": 2}', None),
    (b"k3", b'"just a string"', [("orig", b"h3")]),
    (b"k4", b'{"a": 4}', None),
]


def test_sink_dead_letter_queue_with_context_headers(worker, kafka, unique_name, tmp_path):
    topic, dlq = f"{unique_name}-in", f"{unique_name}-dlq"
    out = tmp_path / "sink.txt"
    create_topic(kafka.bootstrap, topic)
    produce(kafka.bootstrap, topic, RECORDS)
    name = f"{unique_name}-sink"
    create(worker, name, poison_sink(topic, out, **{
        "errors.tolerance": "all", "errors.log.enable": "true",
        "errors.log.include.messages": "true",
        "errors.deadletterqueue.topic.name": dlq,
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true"}))
    # the good records arrive, in order, the poison ones are skipped
    assert lines(out, 3) == ["{a=0}", "{a=2}", "{a=4}"]
    dead = consume(kafka.bootstrap, dlq, 2)
    assert [(m.key(), m.value()) for m in dead] == [(b"k1", b"not json"),
                                                   (b"k3", b'"just a string"')]
    h1, h3 = headers_of(dead[0]), headers_of(dead[1])
    # the original headers are kept, the context headers added
    assert h1["orig"] == "h1" and h3["orig"] == "h3"
    for h, offset in ((h1, "1"), (h3, "3")):
        assert h[ERR + "topic"] == topic
        assert h[ERR + "partition"] == "0"
        assert h[ERR + "offset"] == offset
        assert h[ERR + "connector.name"] == name
        assert h[ERR + "task.id"] == "0"
        assert h[ERR + "exception.class.name"] == "org.apache.kafka.connect.errors.DataException"
        assert h[ERR + "exception.stacktrace"].startswith(
            "org.apache.kafka.connect.errors.DataException: ")
    assert h1[ERR + "stage"] == "VALUE_CONVERTER"
    assert h1[ERR + "class.name"] == JSON
    assert "Converting byte[] to Kafka Connect data failed" in h1[ERR + "exception.message"]
    assert h3[ERR + "stage"] == "TRANSFORMATION"
    assert h3[ERR + "class.name"] == HEADER_FROM
    assert "Only Map objects supported" in h3[ERR + "exception.message"]
    assert dead[0].timestamp()[1] > 0
    # errors.log.enable with include.messages: LogReporter's lines
    log = worker.log_path.read_text(errors="replace")
    expected = (f"Error encountered in task {name}-0. Executing stage 'VALUE_CONVERTER' with "
                f"class '{JSON}', where consumed record is {{topic='{topic}', partition=0, "
                f"offset=1")
    assert expected in log, log[-3000:]
    assert f"Executing stage 'TRANSFORMATION' with class '{HEADER_FROM}'" in log
    assert task_state(worker, name)["state"] == "RUNNING"


def test_tolerance_none_fails_and_leaves_the_dlq_empty(worker, kafka, unique_name, tmp_path):
    topic, dlq = f"{unique_name}-in", f"{unique_name}-dlq"
    out = tmp_path / "sink.txt"
    create_topic(kafka.bootstrap, topic)
    produce(kafka.bootstrap, topic, RECORDS)
    name = f"{unique_name}-sink"
    create(worker, name, poison_sink(topic, out, **{
        "errors.log.enable": "true",
        "errors.deadletterqueue.topic.name": dlq,
        "errors.deadletterqueue.topic.replication.factor": "1"}))
    wait_until(lambda: (task_state(worker, name) or {}).get("state") == "FAILED",
               what=f"{name} task FAILED", timeout=45)
    trace = task_state(worker, name)["trace"]
    assert "Tolerance exceeded in error handler" in trace
    assert "executing stage 'VALUE_CONVERTER'" in trace
    assert f"topic='{topic}', partition=0, offset=1" in trace
    # the DLQ topic exists (created at task start) and stays empty: Java reports nothing
    # for an error beyond the tolerance
    assert topic_size(kafka.bootstrap, dlq) == 0
    assert "Error encountered in task" not in worker.log_path.read_text(errors="replace")


def test_source_dead_letter_queue_beyond_java(worker, kafka, unique_name, tmp_path):
    """A FileStream source whose Cast$Value to int32 fails on non-numbers: with connectd's
    source DLQ the failed SourceRecord goes to the DLQ as a JsonConverter envelope."""
    topic, dlq = f"{unique_name}-out", f"{unique_name}-sdlq"
    src = tmp_path / "in.txt"
    src.write_text("1\n2\nthree\n4\n")
    name = f"{unique_name}-src"
    create(worker, name, {
        "connector.class": SOURCE, "tasks.max": "1", "file": str(src), "topic": topic,
        "key.converter": STRING, "value.converter": STRING,
        "transforms": "c", "transforms.c.type": CAST, "transforms.c.spec": "int32",
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": dlq,
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true"})
    good = consume(kafka.bootstrap, topic, 3)
    assert [m.value() for m in good] == [b"1", b"2", b"4"]
    dead = consume(kafka.bootstrap, dlq, 1)
    assert json.loads(dead[0].value()) == {"schema": {"type": "string", "optional": False},
                                           "payload": "three"}
    h = headers_of(dead[0])
    assert h[ERR + "stage"] == "TRANSFORMATION"
    assert h[ERR + "class.name"] == CAST
    assert h[ERR + "topic"] == topic
    assert h[ERR + "connector.name"] == name


def test_failed_task_restarts_automatically_with_backoff(worker, kafka, unique_name, tmp_path):
    """Beyond Java: connectd.task.auto.restart.* (per connector here) restarts a FAILED task
    after a growing delay, then gives up after max.attempts; visible in status and logs."""
    topic = f"{unique_name}-in"
    out = tmp_path / "sink.txt"
    create_topic(kafka.bootstrap, topic)
    produce(kafka.bootstrap, topic, [(b"k", b"not json", None)])
    name = f"{unique_name}-sink"
    create(worker, name, poison_sink(topic, out, **{
        "connectd.task.auto.restart.enable": "true",
        "connectd.task.auto.restart.initial.backoff.ms": "200",
        "connectd.task.auto.restart.max.backoff.ms": "5000",
        "connectd.task.auto.restart.max.attempts": "2"}))

    def log() -> str:
        return worker.log_path.read_text(errors="replace")

    wait_until(lambda: "failed again after 2 automatic restarts" in log(),
               what="the automatic restarts used up", timeout=60)
    text = log()
    assert f"Task {name}-0 failed; restarting it automatically in 200 ms (attempt 1)" in text
    assert f"Task {name}-0 failed; restarting it automatically in 400 ms (attempt 2)" in text
    assert f"Restarting failed task {name}-0 automatically (attempt 1)" in text
    assert f"Restarting failed task {name}-0 automatically (attempt 2)" in text
    assert task_state(worker, name)["state"] == "FAILED"


def test_no_automatic_restart_by_default(worker, kafka, unique_name, tmp_path):
    topic = f"{unique_name}-in"
    create_topic(kafka.bootstrap, topic)
    produce(kafka.bootstrap, topic, [(b"k", b"not json", None)])
    name = f"{unique_name}-sink"
    create(worker, name, poison_sink(topic, tmp_path / "sink.txt"))
    wait_until(lambda: (task_state(worker, name) or {}).get("state") == "FAILED",
               what=f"{name} task FAILED", timeout=45)
    # a restart would come after 1 s by default: the task must still be FAILED after 3 s
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        assert task_state(worker, name)["state"] == "FAILED"
        time.sleep(0.2)
    assert "automatically" not in worker.log_path.read_text(errors="replace")
