"""Differential REST tests in distributed mode: each scenario runs on a three-worker Java 4.3.1
cluster (ConnectDistributed) and on a three-worker connectd cluster (`connectd distributed`),
each with its own group and internal topics on the session broker, and the normalised answers
must be equal.

Steps name the worker they go to (`worker`: an index, "leader", "follower", "follower2", "all",
or a worker that does not own a connector / task - see difftest.py), so that writes hit
followers and are forwarded to the leader (HerderRequestHandler's hop rule), restarts are
forwarded to the owner of the work, `?forward=false` on a follower answers 409 and the
internal endpoints check the KIP-507 signature of the sessioned protocol. Both clusters start
once per module; the leader of each is read from the workers' own logs ("Joined group at
generation ... leaderUrl") and asserted to be the same on the three workers.

Normalisations are difftest's, with every worker address of the cluster -> "<worker>" (which
worker runs a connector depends on the member ids the broker hands out).
"""

from __future__ import annotations

import concurrent.futures
import re
from pathlib import Path
from typing import Iterator

import pytest

from difftest import diff_results, run_scenario
from harness.peers import (
    ConnectdDistributedWorker,
    JavaConnectWorker,
    PeerMissing,
    PeerStartError,
    http_json,
    wait_until,
)

pytestmark = [pytest.mark.peer_kafka, pytest.mark.peer_java_connect]

CLUSTER_PROPERTIES = {
    "scheduled.rebalance.max.delay.ms": 1000,
    "heartbeat.interval.ms": 1000,
    "session.timeout.ms": 10000,
    "offset.flush.interval.ms": 500,
}

SOURCE = {"connector.class": "FileStreamSource", "file": "{in}", "topic": "{topic}",
          "tasks.max": "1"}
SOURCE_FQCN = {**SOURCE, "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector"}

FORGED = {"X-Connect-Request-Signature-Algorithm": "HmacSHA256",
          "X-Connect-Authorization": "T6PGMuu9eehrq7XdpAUor7sEprg1XKIOKwt1498Ocnc="}
NOT_OWNER_OF_TASK = {"not_owner_of": 0}
NOT_OWNER_OF_CONNECTOR = {"not_owner_of": "connector"}


def create(config=None, name="{name}", expect=201, worker=0, **extra):
    return {"call": "POST /connectors", "body": {"name": name, "config": {**(config or SOURCE)},
                                                  **extra}, "expect": expect, "worker": worker}


def wait(until, name="{name}", timeout=45):
    return {"wait": f"GET /connectors/{name}/status", "until": until, "timeout": timeout}


def call(what, expect, worker=0, **extra):
    return {"call": what, "expect": expect, "worker": worker, **extra}


def get(path, expect=200, worker=0, **extra):
    return call(f"GET {path}", expect, worker, **extra)


def all_get(path, expect=200, **extra):
    return call(f"GET {path}", [expect] * 3, "all", **extra)


def tasks_have(key, value):
    return {"wait": "GET /connectors/{name}/tasks", "timeout": 45,
            "until": lambda body: isinstance(body, list) and len(body) == 1
            and body[0].get("config", {}).get(key) == value}


SCENARIOS: list[dict] = [
    {"id": "cluster-root", "steps": [
        all_get("/"),
        all_get("/health"),
        get("/connector-plugins?connectorsOnly=false", worker="follower",
            drop_types=["transformation", "predicate"]),
    ]},
    # create / get / list / update / patch / delete, each through a different worker
    {"id": "cluster-crud", "steps": [
        create(worker="follower"),
        wait("tasks RUNNING"),
        call("GET /connectors", [200] * 3, "all", only_run=True),
        call("GET /connectors?expand=status&expand=info", [200] * 3, "all", only_run=True),
        get("/connectors/{name}", worker="follower2"),
        get("/connectors/{name}/config", worker="leader"),
        all_get("/connectors/{name}/status"),
        all_get("/connectors/{name}/tasks"),
        get("/connectors/{name}/tasks/0/status", worker="follower"),
        create(worker="follower2", expect=409),
        create(worker="leader", expect=409),
        call("PUT /connectors/{name}/config", 200, "follower",
             body={**SOURCE_FQCN, "batch.size": "100"}),
        tasks_have("batch.size", "100"),
        call("PATCH /connectors/{name}/config", 200, "follower2",
             body={"batch.size": "7", "tasks.max": "1"}),
        tasks_have("batch.size", "7"),
        all_get("/connectors/{name}/config"),
        all_get("/connectors/{name}/tasks"),
        call("PUT /connectors/{name}/config", 400, "follower", body={**SOURCE, "name": "{name2}"}),
        call("PATCH /connectors/{name2}/config", 404, "follower", body={"tasks.max": "1"}),
        call("PUT /connectors/{name}/config", 400, "follower2", body={**SOURCE, "tasks.max": "-1"}),
        call("PUT /connectors/{name2}/config", 201, "follower2", body=SOURCE),
        wait("tasks RUNNING", name="{name2}"),
        call("GET /connectors", [200] * 3, "all", only_run=True),
        {"wait": "GET /connectors/{name}/topics", "timeout": 45,
         "until": lambda body: any(v.get("topics") for v in body.values())},
        get("/connectors/{name}/topics", worker="follower"),
        call("PUT /connectors/{name}/topics/reset", 202, "follower2"),
        get("/connectors/{name}/tasks-config", expect=404, worker="follower"),
        call("DELETE /connectors/{name}", 204, "follower"),
        {"wait": "GET /connectors/{name}", "until_status": 404, "timeout": 45},
        {"wait": "GET /connectors/{name}/status", "until_status": 404, "timeout": 45},
        all_get("/connectors/{name}", expect=404),
        all_get("/connectors/{name}/status", expect=404),
        call("DELETE /connectors/{name}", 404, "follower2"),
        call("DELETE /connectors/{name2}", 204, "leader"),
    ]},
    {"id": "cluster-create-errors", "steps": [
        create({"topic": "{topic}"}, name="{name2}", expect=400, worker="follower"),
        create({**SOURCE, "name": "{token}-other"}, name="{name2}", expect=400,
               worker="follower2"),
        create({"connector.class": "FileStreamSource", "tasks.max": "0"}, name="{name2}",
               expect=400, worker="follower"),
        create({**SOURCE, "connector.class": "com.example.NoSuchConnector"}, expect=400,
               worker="follower"),
        call("POST /connectors", 400, "follower", body={"config": SOURCE}),
        call("POST /connectors", 400, "follower2", body={"name": "  ", "config": SOURCE}),
        call("POST /connectors", 500, "follower", body={"name": "{name2}"}, compare="status"),
        call("PUT /connectors/{name}/config", 500, "follower", raw=b"[1,2]"),
        call("POST /connectors", 415, "follower", raw=b'{"name":"{name}","config":{}}',
             content_type="text/plain"),
    ]},
    {"id": "cluster-unknown-connector", "steps": [
        all_get("/connectors/{name}", expect=404),
        all_get("/connectors/{name}/config", expect=404),
        all_get("/connectors/{name}/status", expect=404),
        all_get("/connectors/{name}/tasks", expect=404),
        all_get("/connectors/{name}/tasks/0/status", expect=404),
        all_get("/connectors/{name}/topics"),
        all_get("/connectors/{name}/offsets", expect=404),
        call("PUT /connectors/{name}/pause", [404] * 3, "all"),
        call("PUT /connectors/{name}/resume", [404] * 3, "all"),
        call("PUT /connectors/{name}/stop", [404] * 3, "all"),
        call("POST /connectors/{name}/restart", [404] * 3, "all"),
        call("POST /connectors/{name}/restart?includeTasks=true", [404] * 3, "all"),
        call("POST /connectors/{name}/tasks/0/restart", [404] * 3, "all"),
        call("DELETE /connectors/{name}", [404] * 3, "all"),
        call("DELETE /connectors/{name}/offsets", [404] * 3, "all"),
    ]},
    # target states through followers, status everywhere after each
    {"id": "cluster-pause-resume-stop", "steps": [
        create(worker="leader"),
        wait("tasks RUNNING"),
        call("PUT /connectors/{name}/pause", 202, "follower"),
        wait("tasks PAUSED"),
        all_get("/connectors/{name}/status"),
        call("PUT /connectors/{name}/resume", 202, "follower2"),
        wait("tasks RUNNING"),
        all_get("/connectors/{name}/status"),
        call("PUT /connectors/{name}/stop", 204, "follower"),
        wait("connector STOPPED"),
        all_get("/connectors/{name}/status"),
        all_get("/connectors/{name}/tasks"),
        call("PUT /connectors/{name}/resume", 202, "leader"),
        wait("tasks RUNNING"),
        all_get("/connectors/{name}/status"),
        create(name="{name2}", worker="follower2", initial_state="PAUSED"),
        wait(lambda b: b.get("connector", {}).get("state") == "PAUSED", name="{name2}"),
        all_get("/connectors/{name2}/status"),
    ]},
    # restarts: the plan (202), and forwarding to the owner of the work
    {"id": "cluster-restart", "steps": [
        create(worker="follower"),
        wait("tasks RUNNING"),
        call("POST /connectors/{name}/restart", 204, NOT_OWNER_OF_CONNECTOR),
        wait("tasks RUNNING"),
        call("POST /connectors/{name}/restart?includeTasks=true&onlyFailed=false", 202,
             "follower"),
        wait("tasks RUNNING"),
        call("POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true", 202,
             "follower2"),
        wait("tasks RUNNING"),
        call("POST /connectors/{name}/restart?includeTasks=false&onlyFailed=true", 202,
             "leader"),
        wait("tasks RUNNING"),
        call("POST /connectors/{name}/tasks/0/restart", 204, NOT_OWNER_OF_TASK),
        wait("tasks RUNNING"),
        call("POST /connectors/{name}/tasks/0/restart", [204] * 3, "all"),
        wait("tasks RUNNING"),
        all_get("/connectors/{name}/tasks/7/status", expect=404),
        call("POST /connectors/{name}/tasks/7/restart", [404] * 3, "all"),
        all_get("/connectors/{name}/status"),
    ]},
    {"id": "cluster-offsets", "steps": [
        create(worker="follower"),
        {"wait": "GET /connectors/{name}/offsets", "until": "offsets read all input",
         "timeout": 45},
        all_get("/connectors/{name}/offsets"),
        call("PATCH /connectors/{name}/offsets", 400, "follower", body={"offsets": [
            {"partition": {"filename": "{in}"}, "offset": {"position": 6}}]}),
        call("DELETE /connectors/{name}/offsets", 400, "follower2"),
        call("PUT /connectors/{name}/stop", 204, "follower2"),
        wait("connector STOPPED"),
        all_get("/connectors/{name}/offsets"),
        call("PATCH /connectors/{name}/offsets", 200, "follower", body={"offsets": [
            {"partition": {"filename": "{in}"}, "offset": {"position": 6}}]}),
        {"wait": "GET /connectors/{name}/offsets", "timeout": 45,
         "until": lambda b: any(o.get("offset", {}).get("position") == 6
                                for o in b.get("offsets", []))},
        all_get("/connectors/{name}/offsets"),
        call("PATCH /connectors/{name}/offsets", 400, "follower2", body={"offsets": []}),
        call("DELETE /connectors/{name}/offsets", 200, "follower2"),
        {"wait": "GET /connectors/{name}/offsets", "until": "offsets empty", "timeout": 45},
        all_get("/connectors/{name}/offsets"),
        call("PUT /connectors/{name}/resume", 202, "follower"),
        wait("tasks RUNNING"),
    ]},
    # internal endpoints of a sessioned cluster, and the hidden forward flag
    {"id": "cluster-internal", "steps": [
        create(worker="leader"),
        wait("tasks RUNNING"),
        call("POST /connectors/{name}/tasks", [400] * 3, "all", body=[]),
        call("POST /connectors/{name}/tasks?forward=false", [400] * 3, "all", body=[]),
        call("POST /connectors/{name2}/tasks", [400] * 3, "all", body=[{"a": "b"}]),
        call("POST /connectors/{name}/tasks", [403] * 3, "all", body=[], headers=FORGED),
        call("POST /connectors/{name}/tasks", [400] * 3, "all", body=[],
             headers={**FORGED, "X-Connect-Request-Signature-Algorithm": "HmacFoo"}),
        call("POST /connectors/{name}/tasks", [400] * 3, "all", body=[],
             headers={**FORGED, "X-Connect-Authorization": "a-b"}),
        call("PUT /connectors/{name}/fence", [400] * 3, "all"),
        call("PUT /connectors/{name}/fence", [403] * 3, "all", headers=FORGED),
        # ?forward=false: only the leader may write connector configs / target states
        call("POST /connectors?forward=false", [201, 409, 409], "all",
             body={"name": "{name2}", "config": SOURCE}),
        wait("tasks RUNNING", name="{name2}"),
        call("PUT /connectors/{name2}/config?forward=false", 409, "follower", body=SOURCE),
        # target states are written by any worker (not leader-only): no 409
        call("PUT /connectors/{name2}/pause?forward=false", 202, "follower2"),
        call("PUT /connectors/{name2}/resume?forward=false", 202, "follower"),
        call("PUT /connectors/{name2}/stop?forward=false", 409, "follower"),
        call("PATCH /connectors/{name2}/config?forward=false", 409, "follower2",
             body={"tasks.max": "1"}),
        # restarts go to the owner of the work: with forward=false only the owner does it
        # (NotAssigned on the leader, NotLeader on the other follower: 409)
        call("POST /connectors/{name2}/restart?forward=false", [204, 409, 409], "all",
             any_order=True),
        wait("tasks RUNNING", name="{name2}"),
        call("POST /connectors/{name2}/tasks/0/restart?forward=false", [204, 409, 409], "all",
             any_order=True),
        wait("tasks RUNNING", name="{name2}"),
        call("POST /connectors/{name2}/restart?includeTasks=true&forward=false", 409,
             "follower"),
        call("DELETE /connectors/{name2}?forward=false", [204, 409, 409], "all"),
        # forward=true on a follower: one hop, to the leader, with forward=false
        call("POST /connectors?forward=true", 201, "follower",
             body={"name": "{token}-conn3", "config": SOURCE}),
        call("DELETE /connectors/{token}-conn3?forward=true", 204, "follower2"),
    ]},
]

SCENARIO_IDS = [s["id"] for s in SCENARIOS]
assert len(set(SCENARIO_IDS)) == len(SCENARIO_IDS), "scenario ids must be unique"

LEADER_URL = re.compile(r"leaderUrl[=' ]+(http://[0-9.a-z]+:\d+)")


def _last_leader_url(worker) -> str | None:
    try:
        text = worker.log_file.read_text(errors="replace")
    except OSError:
        return None
    found = LEADER_URL.findall(text)
    return found[-1] if found else None


class Cluster:
    def __init__(self, kind: str, workers: list):
        self.kind = kind
        self.workers = workers
        self.urls = [w.url for w in workers]
        self.leader = -1

    def wait_stable(self, timeout: float = 90.0) -> None:
        """Every worker names the same leader (one of them) and answers GET /connectors."""

        def stable() -> bool:
            leaders = {_last_leader_url(w) for w in self.workers}
            if len(leaders) != 1 or None in leaders:
                return False
            leader = leaders.pop()
            if leader not in self.urls:
                return False
            for w in self.workers:
                status, _ = http_json("GET", w.url + "/connectors", timeout=10)
                if status != 200:
                    return False
            self.leader = self.urls.index(leader)
            return True

        wait_until(stable, what=f"{self.kind} cluster agrees on a leader", timeout=timeout,
                   interval=0.3)

    def logs(self, lines: int = 40) -> str:
        return "\n".join(w.describe_log(lines) for w in self.workers)

    def stop(self) -> None:
        for w in reversed(self.workers):
            w.stop()


def _start_cluster(kind: str, kafka, work_dir: Path, build_dir: Path) -> Cluster:
    group = f"diff-cluster-{kind}-{work_dir.name[-6:]}"

    def start(index: int):
        kwargs = dict(group_id=group, topic_prefix=group, extra_properties=CLUSTER_PROPERTIES,
                      name=f"{group}-w{index}")
        if kind == "java":
            return JavaConnectWorker.start(work_dir, kafka.bootstrap, **kwargs)
        return ConnectdDistributedWorker.start(work_dir, kafka.bootstrap, build_dir=build_dir,
                                               **kwargs)

    workers = []
    try:
        # the first worker alone (it creates the internal topics and normally leads), then
        # the other two together
        workers.append(start(0))
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(start, i) for i in (1, 2)]
            for future in futures:
                workers.append(future.result())
        cluster = Cluster(kind, workers)
        cluster.wait_stable()
        return cluster
    except BaseException:
        for w in workers:
            w.stop()
        raise


@pytest.fixture(scope="module")
def clusters(kafka, peers_work_dir: Path, build_dir: Path) -> Iterator[dict]:
    started: dict = {}
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            futures = {kind: pool.submit(_start_cluster, kind, kafka, peers_work_dir, build_dir)
                       for kind in ("java", "connectd")}
            errors = []
            for kind, future in futures.items():
                try:
                    started[kind] = future.result()
                except (PeerMissing, PeerStartError) as error:
                    errors.append(f"{kind}: {error}")
        if errors:
            pytest.fail("; ".join(errors), pytrace=False)
        yield started
    finally:
        for cluster in started.values():
            cluster.stop()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=SCENARIO_IDS)
def test_rest_differential_cluster(scenario: dict, kafka, clusters, tmp_path: Path) -> None:
    java, connectd = clusters["java"], clusters["connectd"]
    try:
        reference = run_scenario(scenario, java.urls, "java", tmp_path / "java",
                                 bootstrap=kafka.bootstrap, leader=java.leader)
    except AssertionError:
        print(java.logs())
        raise
    try:
        candidate = run_scenario(scenario, connectd.urls, "connectd", tmp_path / "connectd",
                                 check_expect=False, bootstrap=kafka.bootstrap,
                                 leader=connectd.leader)
    except AssertionError:
        print(connectd.logs())
        raise
    problems = diff_results(scenario["id"], reference, candidate)
    if problems:
        print(connectd.logs(30))
    assert not problems, "\n".join(problems)
