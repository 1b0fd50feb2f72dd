"""Distributed mode on the real broker: connectd clusters, failover, broker restarts,
moving a cluster between Java and connectd on the same internal topics, and mixed
Java + connectd groups.

Every worker is a real process (connectd or Apache Kafka's ConnectDistributed 4.3.1);
topic contents are checked with confluent-kafka. Waits are conditions with deadlines.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from dist_util import (
    append_lines,
    connector_status,
    consume_values,
    file_source_config,
    rest,
    task_worker_ids,
    wait_running,
)
from harness.peers import ConnectdDistributedWorker, KafkaBroker, http_json, wait_until

pytestmark = [pytest.mark.peer_kafka]

FAST = {
    "scheduled.rebalance.max.delay.ms": 2000,
    "session.timeout.ms": 10000,
    "heartbeat.interval.ms": 1000,
    "offset.flush.interval.ms": 500,
}


def _cluster(connect_worker, kinds, group, extra=None):
    props = dict(FAST)
    props.update(extra or {})
    return [connect_worker(kind=kind, group_id=group, topic_prefix=group, extra_properties=props)
            for kind in kinds]


def _lines(prefix: str, start: int, count: int) -> list[str]:
    return [f"{prefix}-{i:05d}" for i in range(start, start + count)]


def test_three_connectd_workers_share_the_work(connect_worker, kafka, tmp_path, unique_name):
    workers = _cluster(connect_worker, ["connectd"] * 3, unique_name)
    names = [f"src-{i}" for i in range(6)]
    for i, name in enumerate(names):
        path = tmp_path / f"in-{i}.txt"
        append_lines(path, _lines(name, 0, 5))
        # Each create goes to a different worker: two of three are followers and forward.
        target = workers[i % 3]
        status, body = rest("POST", f"{target.url}/connectors",
                            {"name": name, "config": file_source_config(path, f"{unique_name}-{i}")},
                            ok=(201,))
        assert body["name"] == name
    for name in names:
        wait_running(workers, name)
    # Every worker answers the same status for every connector (the status topic).
    owners = set()
    for name in names:
        answers = [connector_status(w, name) for w in workers]
        assert all(a == answers[0] for a in answers), answers
        owners.update(task_worker_ids(workers[0], name))
        owners.add(answers[0]["connector"]["worker_id"])
    assert len(owners) == 3, f"work not spread over the three workers: {owners}"
    # Reads agree everywhere.
    lists = [sorted(rest("GET", f"{w.url}/connectors")[1]) for w in workers]
    assert lists[0] == sorted(names) and all(lst == lists[0] for lst in lists)

    # A config change (new topic) reconfigures the task: data goes to the new topic.
    new_topic = f"{unique_name}-moved"
    config = file_source_config(tmp_path / "in-0.txt", new_topic)
    rest("PUT", f"{workers[2].url}/connectors/src-0/config", config, ok=(200,))

    def task_moved() -> bool:
        status, tasks = http_json("GET", f"{workers[1].url}/connectors/src-0/tasks")
        return status == 200 and len(tasks) == 1 and tasks[0]["config"].get("topic") == new_topic

    wait_until(task_moved, what="task config follows the connector config", timeout=60)
    wait_running(workers, "src-0")
    append_lines(tmp_path / "in-0.txt", ["after-move"])
    values = consume_values(kafka.bootstrap, new_topic, until=lambda v: "after-move" in v)
    assert "after-move" in values

    # Delete through a follower: gone everywhere.
    rest("DELETE", f"{workers[1].url}/connectors/src-5", ok=(204,))
    wait_until(lambda: all("src-5" not in rest("GET", f"{w.url}/connectors")[1] for w in workers),
               what="deleted connector gone from every worker", timeout=60)


def test_kill_9_moves_the_task_and_offsets_resume(connect_worker, kafka, tmp_path, unique_name):
    workers = _cluster(connect_worker, ["connectd"] * 3, unique_name)
    topic = f"{unique_name}-out"
    path = tmp_path / "in.txt"
    append_lines(path, _lines("a", 0, 200))
    rest("POST", f"{workers[0].url}/connectors",
         {"name": "src", "config": file_source_config(path, topic)}, ok=(201,))
    status = wait_running(workers, "src")
    consume_values(kafka.bootstrap, topic, until=lambda v: len(v) >= 200)
    owner_id = status["tasks"][0]["worker_id"]
    owner = next(w for w in workers if w.worker_id == owner_id)
    survivors = [w for w in workers if w is not owner]

    # Let the committed offset reach the end of the first batch (offsets topic), then kill.
    wait_until(lambda: (rest("GET", f"{survivors[0].url}/connectors/src/offsets")[1]
                        .get("offsets") or [{}])[0].get("offset", {}).get("position", 0) > 0,
               what="source offset committed", timeout=30)
    owner.kill()
    append_lines(path, _lines("b", 0, 100))

    def moved() -> bool:
        s = connector_status(survivors[0], "src")
        return (s is not None and s["tasks"] and s["tasks"][0]["state"] == "RUNNING"
                and s["tasks"][0]["worker_id"] != owner_id)

    wait_until(moved, what="task running on a surviving worker", timeout=90)
    expected = set(_lines("a", 0, 200) + _lines("b", 0, 100))
    values = consume_values(kafka.bootstrap, topic, until=lambda v: expected <= set(v),
                            timeout=90)
    assert expected <= set(values)
    # Offsets resumed: the first batch is not replayed from the start of the file.
    assert values.count("a-00000") == 1, "the new owner started from the beginning of the file"


def test_graceful_stop_leaves_the_group_at_once(connect_worker, kafka, tmp_path, unique_name):
    # A long session timeout: only LeaveGroup can make the move quick.
    workers = _cluster(connect_worker, ["connectd"] * 2, unique_name,
                       {"session.timeout.ms": 45000, "scheduled.rebalance.max.delay.ms": 0})
    path = tmp_path / "in.txt"
    append_lines(path, ["x"])
    rest("POST", f"{workers[0].url}/connectors",
         {"name": "src", "config": file_source_config(path, f"{unique_name}-out")}, ok=(201,))
    status = wait_running(workers, "src")
    owner = next(w for w in workers if w.worker_id == status["tasks"][0]["worker_id"])
    other = next(w for w in workers if w is not owner)
    owner.stop()
    waited = wait_until(lambda: task_worker_ids(other, "src") == [other.worker_id]
                        and connector_status(other, "src")["tasks"][0]["state"] == "RUNNING",
                        what="task moved after a graceful stop", timeout=40)
    assert waited < 40


def test_broker_restart_under_load(connect_worker, tmp_path, unique_name, peers_work_dir,
                                   build_dir):
    broker = KafkaBroker.start(peers_work_dir / f"restart-{uuid.uuid4().hex[:6]}")
    try:
        workers = [ConnectdDistributedWorker.start(peers_work_dir, broker.bootstrap,
                                                   build_dir=build_dir, group_id=unique_name,
                                                   topic_prefix=unique_name, extra_properties=FAST)
                   for _ in range(2)]
        try:
            topic = f"{unique_name}-out"
            path = tmp_path / "in.txt"
            append_lines(path, _lines("a", 0, 100))
            rest("POST", f"{workers[0].url}/connectors",
                 {"name": "src", "config": file_source_config(path, topic)}, ok=(201,))
            wait_running(workers, "src")
            consume_values(broker.bootstrap, topic, until=lambda v: len(set(v)) >= 100)
            broker.restart()
            append_lines(path, _lines("b", 0, 100))
            expected = set(_lines("a", 0, 100) + _lines("b", 0, 100))
            consume_values(broker.bootstrap, topic, until=lambda v: expected <= set(v),
                           timeout=120)
            wait_running(workers, "src", timeout=120)
            # The cluster still takes writes after the restart.
            path2 = tmp_path / "in2.txt"
            append_lines(path2, ["z"])
            rest("POST", f"{workers[1].url}/connectors",
                 {"name": "src2", "config": file_source_config(path2, topic)}, ok=(201,),
                 timeout=120)
            wait_running(workers, "src2", timeout=120)
        finally:
            for w in workers:
                w.stop()
    finally:
        broker.stop()


@pytest.mark.parametrize("first,second", [("java", "connectd"), ("connectd", "java")])
def test_cluster_moves_between_java_and_connectd(connect_worker, kafka, tmp_path, unique_name,
                                                 first, second):
    topic = f"{unique_name}-out"
    path = tmp_path / "in.txt"
    append_lines(path, _lines("a", 0, 50))
    old = _cluster(connect_worker, [first], unique_name)[0]
    config = file_source_config(path, topic)
    rest("POST", f"{old.url}/connectors", {"name": "src", "config": config}, ok=(201,))
    wait_running([old], "src")
    consume_values(kafka.bootstrap, topic, until=lambda v: len(v) >= 50)
    wait_until(lambda: (rest("GET", f"{old.url}/connectors/src/offsets")[1].get("offsets")
                        or [{}])[0].get("offset", {}).get("position", 0) > 0,
               what="offset committed", timeout=30)
    offsets_before = rest("GET", f"{old.url}/connectors/src/offsets")[1]
    old.stop()

    new = _cluster(connect_worker, [second], unique_name)[0]
    wait_running([new], "src")
    assert rest("GET", f"{new.url}/connectors")[1] == ["src"]
    assert rest("GET", f"{new.url}/connectors/src/config")[1] == {**config, "name": "src"}
    assert rest("GET", f"{new.url}/connectors/src/offsets")[1] == offsets_before
    append_lines(path, _lines("b", 0, 20))
    expected = set(_lines("a", 0, 50) + _lines("b", 0, 20))
    values = consume_values(kafka.bootstrap, topic, until=lambda v: expected <= set(v))
    assert values.count("a-00000") == 1, f"{second} did not resume from {first}'s offsets"
    # Pause written by the new kind is understood: state PAUSED.
    rest("PUT", f"{new.url}/connectors/src/pause", ok=(202,))
    wait_until(lambda: connector_status(new, "src")["connector"]["state"] == "PAUSED",
               what="paused", timeout=30)


@pytest.mark.parametrize("order", [("java", "connectd", "connectd"),
                                   ("connectd", "java", "connectd")])
def test_mixed_java_and_connectd_cluster(connect_worker, kafka, tmp_path, unique_name, order):
    # The first worker to join is the leader.
    workers = [_cluster(connect_worker, [order[0]], unique_name)[0]]
    workers += _cluster(connect_worker, list(order[1:]), unique_name)
    names = [f"src-{i}" for i in range(6)]
    for i, name in enumerate(names):
        path = tmp_path / f"in-{i}.txt"
        append_lines(path, _lines(name, 0, 3))
        rest("POST", f"{workers[i % 3].url}/connectors",
             {"name": name, "config": file_source_config(path, f"{unique_name}-{i}")}, ok=(201,))
    for name in names:
        wait_running(workers, name)
    kinds_running = set()
    for name in names:
        for wid in task_worker_ids(workers[0], name):
            kinds_running.add(next(w.kind for w in workers if w.worker_id == wid))
    assert kinds_running == {"java", "connectd"}, kinds_running
    for i, name in enumerate(names):
        consume_values(kafka.bootstrap, f"{unique_name}-{i}",
                       until=lambda v, n=name: set(_lines(n, 0, 3)) <= set(v))
