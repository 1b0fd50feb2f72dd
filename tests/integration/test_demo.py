"""README command 1: `scripts/demo.sh` end to end, then `scripts/demo.sh stop`.

Runs the demo as a user would (SKIP_INSTALL=1: the dependencies and peers are already there,
CONNECTD_DEMO_DIR in a temp dir): Kafka, kinesis-mock and two connectd workers in distributed
mode, the `payments` stream with its writer, the Kinesis source connector. Checks the demo's own
output, then reads the Kafka topic independently (confluent_kafka), then stops the demo and
checks that every recorded process is gone. KAFKA_BOOTSTRAP in the environment (CI's shared
broker) must not matter: the demo starts its own broker on free ports.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from harness.kinesis import sample_payments
from harness.peers import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import demo  # noqa: E402  (scripts/demo.py)

DEMO = REPO_ROOT / "scripts" / "demo.sh"


def proc_alive(pid: int, start: str) -> bool:
    return demo.alive(pid, start)


def recorded(state: Path) -> list[tuple[int, str, str]]:
    out = []
    for line in (state / "pids").read_text().splitlines():
        pid, start, name = line.split(maxsplit=2)
        out.append((int(pid), start, name))
    return out


def consume_all(bootstrap: str, topic: str, at_least: int, timeout: float = 60) -> list:
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "test-demo-check",
                  "enable.auto.commit": False})
    try:
        parts = c.list_topics(topic, timeout=10).topics[topic].partitions
        c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < at_least and time.monotonic() < deadline:
            msg = c.poll(0.5)
            if msg is not None and not msg.error():
                out.append(msg)
        return out
    finally:
        c.close()


def run_stop(state: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(DEMO), "stop"], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.peer_kinesis
def test_demo_moves_kinesis_payments_into_kafka(tmp_path: Path, build_dir: Path) -> None:
    state = tmp_path / "demo"
    env = dict(os.environ, SKIP_INSTALL="1", CONNECTD_DEMO_DIR=str(state),
               CONNECTD_BUILD_DIR=str(build_dir), JOBS="2", DEMO_WRITER_SECONDS="300")
    outside_broker = os.environ.get("KAFKA_BOOTSTRAP")
    try:
        run = subprocess.run(["bash", str(DEMO)], cwd=REPO_ROOT, env=env, capture_output=True,
                             text=True, timeout=600)
        output = run.stdout + run.stderr
        assert run.returncode == 0, output[-6000:]

        # The demo's own story: records arriving, the status, records/s, how to stop.
        assert "records are arriving in Kafka topic 'payments-kinesis'" in output, output[-4000:]
        shown = re.findall(r"payments-kinesis\[\d+\]@\d+\s+key=(\d+)\s+value=(\{.*\})", output)
        assert len(shown) >= 3, output[-4000:]
        for key, value in shown:
            doc = json.loads(value)
            assert str(doc["custid"]) == key
        status_json = output[output.index("/connectors/payments-kinesis/status"):]
        assert '"state": "RUNNING"' in status_json
        rate = re.search(r"= ([0-9.]+) records/s", output)
        assert rate and float(rate.group(1)) > 0, output[-3000:]
        assert "./scripts/demo.sh stop" in output

        info = json.loads((state / "demo.json").read_text())
        bootstrap = info["kafka_bootstrap"]
        if outside_broker:
            assert bootstrap != outside_broker
        assert len(info["workers"]) == 2

        # The cluster: both workers know the connector; it runs with 2 tasks.
        for w in info["workers"]:
            code, body = demo.http("GET", w["url"] + "/connectors/payments-kinesis/status")
            assert code == 200, body
            assert body["connector"]["state"] == "RUNNING"
            assert [t["state"] for t in body["tasks"]] == ["RUNNING", "RUNNING"]

        # Independently: the topic holds the payments the demo wrote, as the JSON text.
        records = consume_all(bootstrap, "payments-kinesis", demo.FIRST_RECORDS)
        assert len(records) >= demo.FIRST_RECORDS
        values = {m.value() for m in records}
        expected = {data for _, data in sample_payments(demo.FIRST_RECORDS)}
        assert expected <= values, f"{len(expected - values)} of the first payments are missing"
        for m in records:
            doc = json.loads(m.value())
            assert set(doc) == {"custid", "amount", "gateway"}
            assert 1 <= doc["custid"] <= 10 and 1 <= doc["amount"] <= 100
            assert doc["gateway"] in ("visa", "paypal", "master", "stripe", "wallet")
            assert m.key().decode() == str(doc["custid"])

        procs = recorded(state)
        names = [name for _, _, name in procs]
        assert names == ["kafka", "kinesis-mock", "connectd-1", "connectd-2", "writer"], names
        assert all(proc_alive(pid, start) for pid, start, _ in procs), procs
    finally:
        procs = recorded(state) if (state / "pids").exists() else []
        stopped = run_stop(state, env)

    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not (state / "pids").exists()
    deadline = time.monotonic() + 10
    while any(proc_alive(p, s) for p, s, _ in procs) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [n for p, s, n in procs if proc_alive(p, s)]
    assert "nothing to stop" in run_stop(state, env).stdout


def test_readme_shows_the_demo_connector_json() -> None:
    """README "Kinesis source" documents exactly the connector the demo deploys."""
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme[readme.index("## Kinesis source"):]
    block = re.search(r"```json\n(.*?)```", section, re.S)
    assert block, "no JSON example in the Kinesis source section"
    doc = json.loads(block.group(1))
    assert doc == demo.connector_config(doc["config"]["kinesis.base.url"])
