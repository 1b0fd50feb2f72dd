"""Data round trip through a standalone worker: file source -> topic -> file sink.

For the Java 4.3.1 ConnectStandalone and for `connectd standalone` (same worker.properties and
connector files): lines are appended to the source file in chunks while the worker runs; in the
middle of a chunk the worker gets SIGTERM and is started again with the same files and offsets
file. An independent client (confluent-kafka's consumer, its own librdkafka) must then read every
line from the topic exactly once and in order, and the sink's output file must hold every line
exactly once and in order.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, TopicPartition

from harness.peers import wait_until

pytestmark = [pytest.mark.peer_kafka, pytest.mark.peer_standalone]

CHUNKS = 5
LINES_PER_CHUNK = 2000
RESTART_AFTER_CHUNK = 2  # SIGTERM right after this chunk (0-based) starts being written
DEADLINE = 90.0


def line_text(number: int) -> str:
    return f"line-{number:07d} " + "x" * 40


def append_lines(path: Path, first: int, count: int) -> None:
    with open(path, "a") as out:
        for number in range(first, first + count):
            out.write(line_text(number) + "\n")
            if number % 250 == 0:
                out.flush()  # the source sees the chunk arrive in pieces


def topic_end_offset(bootstrap: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "roundtrip-probe",
                         "enable.auto.commit": False})
    try:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=5)
        return high
    finally:
        consumer.close()


def read_topic(bootstrap: str, topic: str, timeout: float) -> list[str]:
    """Every record of partition 0 up to its current end offset, read from offset 0."""
    end = topic_end_offset(bootstrap, topic)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"roundtrip-{topic}",
                         "enable.auto.commit": False})
    values: list[str] = []
    try:
        consumer.assign([TopicPartition(topic, 0, 0)])
        deadline = time.monotonic() + timeout
        last = -1
        while last < end - 1:
            assert time.monotonic() < deadline, f"read {len(values)} of {end} records of {topic}"
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            last = message.offset()
            values.append(message.value().decode())
    finally:
        consumer.close()
    return values


def output_lines(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except FileNotFoundError:
        return []


def test_file_roundtrip_with_restart(worker_kind: str, standalone, kafka, tmp_path: Path,
                                     unique_name: str) -> None:
    topic = f"rt-{worker_kind}-{unique_name}"[:200]
    source_file, sink_file = tmp_path / "in.txt", tmp_path / "out.txt"
    source_file.touch()
    connectors = [
        {"name": f"{topic}-source", "connector.class": "FileStreamSource",
         "file": source_file, "topic": topic, "tasks.max": 1},
        {"name": f"{topic}-sink", "connector.class": "FileStreamSink",
         "file": sink_file, "topics": topic, "tasks.max": 1},
    ]
    worker = standalone(kind=worker_kind, connectors=connectors)
    total = CHUNKS * LINES_PER_CHUNK
    written = 0
    restart_code = None
    for chunk in range(CHUNKS):
        append_lines(source_file, written, LINES_PER_CHUNK)
        written += LINES_PER_CHUNK
        if chunk == RESTART_AFTER_CHUNK:
            # mid-stream: the source is still reading this chunk when SIGTERM arrives
            restart_code = worker.restart()
        else:
            wait_until(lambda: topic_end_offset(kafka.bootstrap, topic) >= written,
                       what=f"{written} records in {topic}", timeout=DEADLINE,
                       process=worker.process)

    wait_until(lambda: len(output_lines(sink_file)) >= total, what=f"{total} lines in {sink_file}",
               timeout=DEADLINE, process=worker.process)
    expected = [line_text(n) for n in range(total)]

    records = read_topic(kafka.bootstrap, topic, timeout=DEADLINE)
    assert restart_code in (0, 143, -15), f"{worker_kind} exited with {restart_code} on SIGTERM"
    assert len(records) == total, (f"topic has {len(records)} records for {total} lines "
                                   f"({len(records) - len(set(records))} duplicates)")
    assert records == expected, "topic records out of order or altered"
    lines = output_lines(sink_file)
    assert len(lines) == total, f"sink file has {len(lines)} lines for {total}"
    assert lines == expected, "sink file lines out of order or altered"
