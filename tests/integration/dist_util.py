"""Helpers for the distributed-mode tests: REST calls that tolerate rebalances, status
checks across a cluster, and reading a topic with an independent client (confluent-kafka)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable, Optional

from harness.peers import PeerStartError, http_json, wait_until

STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter"


def file_source_config(path: Path, topic: str, **extra: str) -> dict:
    config = {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "1",
        "file": str(path),
        "topic": topic,
        "value.converter": STRING_CONVERTER,
        "key.converter": STRING_CONVERTER,
    }
    config.update(extra)
    return config


def rest(method: str, url: str, body: object = None, *, ok: Iterable[int] = (200, 201, 202, 204),
         timeout: float = 60.0, process=None) -> tuple[int, object]:
    """A REST call retried while the cluster answers 409/500/503 (a rebalance in progress,
    no leader known yet) until it answers one of `ok` or the deadline passes."""
    ok = tuple(ok)
    last: list = [None]

    def attempt() -> bool:
        try:
            status, payload = http_json(method, url, body, timeout=30.0)
        except OSError as error:
            last[0] = ("error", str(error))
            return False
        last[0] = (status, payload)
        return status in ok

    try:
        wait_until(attempt, what=f"{method} {url} -> {ok}", timeout=timeout, process=process,
                   interval=0.2)
    except PeerStartError as error:
        raise AssertionError(f"{error}; last answer {last[0]}") from None
    return last[0]


def connector_status(worker, name: str) -> Optional[dict]:
    try:
        status, body = http_json("GET", f"{worker.url}/connectors/{name}/status")
    except OSError:
        return None
    return body if status == 200 else None


def all_running(worker, name: str, tasks: int) -> bool:
    s = connector_status(worker, name)
    return (s is not None and s["connector"]["state"] == "RUNNING" and len(s["tasks"]) == tasks
            and all(t["state"] == "RUNNING" for t in s["tasks"]))


def wait_running(workers, name: str, tasks: int = 1, timeout: float = 90.0) -> dict:
    """Every worker reports the connector and its tasks RUNNING; returns the status."""
    workers = list(workers)
    wait_until(lambda: all(all_running(w, name, tasks) for w in workers),
               what=f"{name} RUNNING with {tasks} task(s) on {[w.name for w in workers]}",
               timeout=timeout, interval=0.2)
    return connector_status(workers[0], name)


def task_worker_ids(worker, name: str) -> list[str]:
    s = connector_status(worker, name) or {"tasks": []}
    return [t["worker_id"] for t in s["tasks"]]


def consume_values(bootstrap: str, topic: str, *, until: Callable[[list[str]], bool],
                   timeout: float = 60.0) -> list[str]:
    """Reads `topic` from the beginning with confluent-kafka until `until(values)` holds."""
    from confluent_kafka import Consumer

    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"check-{uuid.uuid4().hex[:8]}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([topic])
    values: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if until(values):
                return values
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            values.append(msg.value().decode() if msg.value() is not None else None)
        raise AssertionError(f"{topic}: condition not met within {timeout}s; "
                             f"{len(values)} records, last {values[-3:]}")
    finally:
        consumer.close()


def append_lines(path: Path, lines: Iterable[str]) -> None:
    with open(path, "a", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")


def topic_records(bootstrap: str, topic: str, timeout: float = 30.0) -> list:
    """Every record of `topic` (key, value, partition) up to its end offsets now."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"dump-{uuid.uuid4().hex[:8]}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        partitions = sorted(metadata.topics[topic].partitions)
        ends = {}
        for p in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            ends[p] = high
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        records = []
        done = {p for p in partitions if ends[p] == 0}
        deadline = time.monotonic() + timeout
        while len(done) < len(partitions) and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            records.append((msg.key(), msg.value(), msg.partition()))
            if msg.offset() + 1 >= ends[msg.partition()]:
                done.add(msg.partition())
        return records
    finally:
        consumer.close()


def dumps(obj) -> str:
    return json.dumps(obj, sort_keys=True)
