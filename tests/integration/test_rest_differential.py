"""Differential REST tests: each scenario runs on the Java 4.3.1 standalone worker and on connectd
(`connectd standalone`), both on the session broker, and the normalised answers must be equal.

The scenarios are data (SCENARIOS below; the runner and every normalisation are documented in
difftest.py). The Java side always runs and must answer each step's `expect` status, which
proves the scenario; a connectd that cannot run standalone fails the test
(CONNECTD_DIFF_SIDES=java runs only Java on purpose).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from difftest import diff_results, run_scenario
from harness.peers import (
    ConnectdWorker,
    JavaStandaloneWorker,
    PeerMissing,
    PeerStartError,
    connectd_standalone_unsupported,
)

pytestmark = [pytest.mark.peer_kafka, pytest.mark.peer_standalone]

SOURCE = {"connector.class": "FileStreamSource", "file": "{in}", "topic": "{topic}",
          "tasks.max": "1"}
SOURCE_FQCN = {**SOURCE, "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector"}
SINK = {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "file": "{out}", "topics": "{topic}", "tasks.max": "1"}
VALIDATE_SOURCE = "/connector-plugins/FileStreamSourceConnector/config/validate"


def create(config=None, name="{name}", expect=201, expect_status=None, **extra):
    return {"call": "POST /connectors", "body": {"name": name, "config": {**(config or SOURCE)},
                                                  **extra}, "expect": expect_status or expect}


def wait(until, name="{name}", timeout=30):
    return {"wait": f"GET /connectors/{name}/status", "until": until, "timeout": timeout}


def get(path, expect=200, **extra):
    return {"call": f"GET {path}", "expect": expect, **extra}


SCENARIOS: list[dict] = [
    # ------------------------------------------------------------------ §2.1 root
    {"id": "root", "steps": [get("/"), get("/health")]},
    # ------------------------------------------------------------------ §2.4 plugins
    {"id": "plugins", "steps": [
        get("/connector-plugins"),
        get("/connector-plugins?connectorsOnly=true"),
        get("/connector-plugins/FileStreamSourceConnector/config"),
        get("/connector-plugins/FileStreamSource/config"),
        get("/connector-plugins/org.apache.kafka.connect.file.FileStreamSinkConnector/config"),
    ]},
    {"id": "plugins-all", "steps": [get("/connector-plugins?connectorsOnly=false")]},
    # ------------------------------------------------------------------ transforms (issue 7)
    {"id": "transform-plugin-configs", "steps": [
        get("/connector-plugins/org.apache.kafka.connect.transforms.Cast$Value/config"),
        get("/connector-plugins/org.apache.kafka.connect.transforms.InsertField$Key/config"),
        get("/connector-plugins/org.apache.kafka.connect.transforms.TimestampConverter$Value"
            "/config"),
        get("/connector-plugins/org.apache.kafka.connect.transforms.RegexRouter/config"),
        get("/connector-plugins/org.apache.kafka.connect.transforms.predicates.HasHeaderKey"
            "/config"),
    ]},
    {"id": "validate-transforms", "steps": [
        {"call": f"PUT {VALIDATE_SOURCE}", "expect": 200, "body": {
            **SOURCE, "transforms": "cast,route,drop", "predicates": "isTombstone,onTopic",
            "transforms.cast.type": "org.apache.kafka.connect.transforms.Cast$Value",
            "transforms.cast.spec": "string",
            "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
            "transforms.route.regex": "(.*)", "transforms.route.replacement": "$1-copy",
            "transforms.route.predicate": "onTopic",
            "transforms.drop.type": "org.apache.kafka.connect.transforms.Filter",
            "transforms.drop.predicate": "isTombstone", "transforms.drop.negate": "false",
            "predicates.isTombstone.type":
                "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
            "predicates.onTopic.type":
                "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
            "predicates.onTopic.pattern": ".*"}},
        # unknown class, abstract base, another plugin kind, a missing required key,
        # negate without predicate, an invalid spec
        {"call": f"PUT {VALIDATE_SOURCE}", "expect": 200, "body": {
            **SOURCE, "transforms": "a,b,c,d,e,f",
            "transforms.a.type": "com.example.NoSuchTransform",
            "transforms.b.type": "org.apache.kafka.connect.transforms.Flatten",
            "transforms.c.type": "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
            "transforms.d.type": "org.apache.kafka.connect.transforms.Cast$Value",
            "transforms.e.type": "org.apache.kafka.connect.transforms.InsertHeader",
            "transforms.e.header": "h", "transforms.e.value.literal": "v",
            "transforms.e.negate": "true",
            "transforms.f.type": "org.apache.kafka.connect.transforms.TimestampRouter",
            "transforms.f.topic.format": ""}},
        {"call": f"PUT {VALIDATE_SOURCE}", "expect": 200, "body": {
            **SOURCE, "transforms": "a", "predicates": "p,q",
            "transforms.a.type": "org.apache.kafka.connect.transforms.Filter",
            "transforms.a.predicate": "p",
            "predicates.p.type": "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
            "predicates.q.type": "com.example.NoSuchPredicate"}},
        {"call": f"PUT {VALIDATE_SOURCE}", "expect": 200, "body": {
            **SOURCE, "transforms": "a,a", "transforms.a.type":
                "org.apache.kafka.connect.transforms.Filter"}},
    ]},
    {"id": "create-with-transforms", "steps": [
        create({**SOURCE, "transforms": "hoist,insert",
                "transforms.hoist.type": "org.apache.kafka.connect.transforms.HoistField$Value",
                "transforms.hoist.field": "line",
                "transforms.insert.type": "org.apache.kafka.connect.transforms.InsertField$Value",
                "transforms.insert.static.field": "origin",
                "transforms.insert.static.value": "file"}),
        wait("tasks RUNNING"),
        get("/connectors/{name}/config"),
        get("/connectors/{name}/status"),
        create({**SOURCE, "transforms": "x", "transforms.x.type": "com.example.Nope"},
               name="{name2}", expect=400),
        create({**SOURCE, "transforms": "x",
                "transforms.x.type": "org.apache.kafka.connect.transforms.Cast$Value"},
               name="{name2}", expect=400),
    ]},
    {"id": "validate", "steps": [
        {"call": f"PUT {VALIDATE_SOURCE}", "body": SOURCE, "expect": 200},
        {"call": f"PUT {VALIDATE_SOURCE}", "body": {**SOURCE, "tasks.max": "0", "topic": None},
         "expect": 200,
         "divergence": {"connectd": 200, "why": "a JSON null config value: Java keeps the key "
                        "with a null value (no 'missing topic' error), connectd drops it "
                        "(settings maps hold strings only)"}},
        {"call": f"PUT {VALIDATE_SOURCE}", "body": {"connector.class": "FileStreamSource",
                                                   "tasks.max": "0"}, "expect": 200},
        {"call": "PUT /connector-plugins/FileStreamSinkConnector/config/validate",
         "body": {**SINK, "topics.regex": "x.*"}, "expect": 200},
        {"call": "PUT /connector-plugins/FileStreamSinkConnector/config/validate", "body": SOURCE,
         "expect": 400},
        {"call": f"PUT {VALIDATE_SOURCE}", "body": {"topic": "{topic}"}, "expect": 500},
    ]},
    {"id": "unknown-plugin", "steps": [
        get("/connector-plugins/NoSuchConnector/config", expect=404),
        {"call": "PUT /connector-plugins/NoSuchConnector/config/validate",
         "body": {"connector.class": "NoSuchConnector"}, "expect": 500},
        create({**SOURCE, "connector.class": "com.example.NoSuchConnector"}, expect=400),
    ]},
    # ------------------------------------------------------------------ §2.2 connectors
    {"id": "source-lifecycle", "steps": [
        create(),
        wait("tasks RUNNING"),
        get("/connectors", only_run=True),
        get("/connectors?expand=status", only_run=True),
        get("/connectors?expand=info", only_run=True),
        get("/connectors?expand=status&expand=info", only_run=True),
        get("/connectors/{name}"),
        get("/connectors/{name}/config"),
        get("/connectors/{name}/status"),
        get("/connectors/{name}/tasks"),
        get("/connectors/{name}/tasks/0/status"),
        # Both workers record an active topic once a record is acknowledged: wait for it.
        {"wait": "GET /connectors/{name}/topics",
         "until": lambda body: any(v.get("topics") for v in body.values()), "timeout": 30},
        get("/connectors/{name}/topics"),
        {"call": "PUT /connectors/{name}/topics/reset", "expect": 202},
        get("/connectors/{name}/tasks-config", expect=404),
        {"call": "DELETE /connectors/{name}", "expect": 204},
        get("/connectors/{name}", expect=404),
        get("/connectors/{name}/status", expect=404),
    ]},
    {"id": "sink-lifecycle", "steps": [
        create(SINK),
        wait("tasks RUNNING"),
        get("/connectors/{name}"),
        get("/connectors/{name}/status"),
        get("/connectors/{name}/tasks"),
        {"call": "DELETE /connectors/{name}", "expect": 204},
    ]},
    {"id": "config-put-patch", "steps": [
        {"call": "PUT /connectors/{name}/config", "body": SOURCE_FQCN, "expect": 201},
        wait("tasks RUNNING"),
        {"call": "PUT /connectors/{name}/config", "body": {**SOURCE_FQCN, "batch.size": "100"},
         "expect": 200},
        {"call": "PATCH /connectors/{name}/config", "body": {"batch.size": None,
                                                              "tasks.max": "2"}, "expect": 200},
        get("/connectors/{name}/config"),
        {"call": "PUT /connectors/{name}/config", "body": {**SOURCE, "name": "{name2}"},
         "expect": 400},
        {"call": "PATCH /connectors/{name2}/config", "body": {"tasks.max": "1"}, "expect": 404},
        {"call": "PUT /connectors/{name}/config", "body": {**SOURCE, "tasks.max": "-1"},
         "expect": 400},
        {"call": "PUT /connectors/{name2}/config", "body": {"topic": "{topic}"}, "expect": 400},
    ]},
    {"id": "initial-state", "steps": [
        create(initial_state="PAUSED"),
        wait(lambda b: b.get("connector", {}).get("state") == "PAUSED"),
        get("/connectors/{name}/status"),
        create(name="{name2}", initial_state="stopped"),
        wait("connector STOPPED", name="{name2}"),
        get("/connectors/{name2}/status"),
        get("/connectors/{name2}/tasks"),
        create({**SOURCE, "topic": "{topic2}"}, name="{token}-bad", expect=400,
               initial_state="SLEEPING", expect_status=500),
    ]},
    {"id": "pause-resume", "steps": [
        create(),
        wait("tasks RUNNING"),
        {"call": "PUT /connectors/{name}/pause", "expect": 202},
        wait("tasks PAUSED"),
        get("/connectors/{name}/status"),
        {"call": "PUT /connectors/{name}/resume", "expect": 202},
        wait("tasks RUNNING"),
        get("/connectors/{name}/status"),
    ]},
    {"id": "restart", "steps": [
        create(),
        wait("tasks RUNNING"),
        {"call": "POST /connectors/{name}/restart", "expect": 204},
        wait("tasks RUNNING"),
        {"call": "POST /connectors/{name}/restart?includeTasks=true&onlyFailed=false",
         "expect": 202},
        wait("tasks RUNNING"),
        {"call": "POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true",
         "expect": 202},
        wait("tasks RUNNING"),
        {"call": "POST /connectors/{name}/tasks/0/restart", "expect": 204},
        wait("tasks RUNNING"),
        get("/connectors/{name}/tasks/7/status", expect=404),
    ]},
    # ------------------------------------------------------------------ §2.3 offsets
    {"id": "source-offsets", "steps": [
        create(),
        {"wait": "GET /connectors/{name}/offsets", "until": "offsets read all input"},
        get("/connectors/{name}/offsets"),
        {"call": "PATCH /connectors/{name}/offsets", "expect": 400,
         "body": {"offsets": [{"partition": {"filename": "{in}"}, "offset": {"position": 6}}]}},
        {"call": "DELETE /connectors/{name}/offsets", "expect": 400},
        {"call": "PUT /connectors/{name}/stop", "expect": 204},
        wait("connector STOPPED"),
        get("/connectors/{name}/status"),
        get("/connectors/{name}/offsets"),
        {"call": "PATCH /connectors/{name}/offsets", "expect": 200,
         "body": {"offsets": [{"partition": {"filename": "{in}"}, "offset": {"position": 6}}]}},
        get("/connectors/{name}/offsets"),
        {"call": "PATCH /connectors/{name}/offsets", "expect": 400, "body": {"offsets": []}},
        {"call": "PATCH /connectors/{name}/offsets", "expect": 400, "body": {}},
        {"call": "DELETE /connectors/{name}/offsets", "expect": 200},
        {"wait": "GET /connectors/{name}/offsets", "until": "offsets empty"},
        get("/connectors/{name}/offsets"),
        {"call": "PUT /connectors/{name}/resume", "expect": 202},
        wait("tasks RUNNING"),
    ]},
    {"id": "sink-offsets", "steps": [
        {"create_topic": "{topic}"},
        create(SINK, initial_state="STOPPED"),
        wait("connector STOPPED"),
        get("/connectors/{name}/offsets"),
        {"call": "PATCH /connectors/{name}/offsets", "expect": 200, "body": {"offsets": [
            {"partition": {"kafka_topic": "{topic}", "kafka_partition": 0},
             "offset": {"kafka_offset": 5}}]}},
        get("/connectors/{name}/offsets"),
        {"call": "PATCH /connectors/{name}/offsets", "expect": 400, "body": {"offsets": [
            {"partition": {"kafka_topic": "{topic}"}, "offset": {"kafka_offset": 5}}]}},
        {"call": "PATCH /connectors/{name}/offsets", "expect": 400, "body": {"offsets": [
            {"partition": {"kafka_topic": "{topic}", "kafka_partition": 0},
             "offset": {"kafka_offset": "five"}}]}},
        {"call": "DELETE /connectors/{name}/offsets", "expect": 200},
        get("/connectors/{name}/offsets"),
        get("/connectors/{name2}/offsets", expect=404),
    ]},
    # ------------------------------------------------------------------ §2.5 loggers
    {"id": "loggers", "steps": [
        get("/admin/loggers/root"),
        get("/admin/loggers/{token}.demo", expect=404),
        {"call": "PUT /admin/loggers/{token}.demo", "body": {"level": "DEBUG"}, "expect": 200},
        get("/admin/loggers/{token}.demo"),
        {"call": "PUT /admin/loggers/{token}.demo.child", "body": {"level": "trace"},
         "expect": 200},
        {"call": "PUT /admin/loggers/{token}.demo", "body": {"level": "WARN"}, "expect": 200},
        get("/admin/loggers/{token}.demo.child"),
        get("/admin/loggers", loggers=True),
        {"call": "PUT /admin/loggers/{token}.demo?scope=worker", "body": {"level": "INFO"},
         "expect": 200},
        {"call": "PUT /admin/loggers/{token}.demo?scope=sideways", "body": {"level": "INFO"},
         "expect": 200},
        {"call": "PUT /admin/loggers/{token}.demo", "body": {"level": "LOUD"}, "expect": 404},
        {"call": "PUT /admin/loggers/{token}.demo", "body": {}, "expect": 400},
    ]},
    # ------------------------------------------------------------------ errors
    {"id": "unknown-connector", "steps": [
        get("/connectors/{name}", expect=404),
        get("/connectors/{name}/config", expect=404),
        get("/connectors/{name}/status", expect=404),
        get("/connectors/{name}/tasks", expect=404),
        get("/connectors/{name}/tasks/0/status", expect=404),
        get("/connectors/{name}/topics"),
        get("/connectors/{name}/offsets", expect=404),
        {"call": "PUT /connectors/{name}/pause", "expect": 404},
        {"call": "PUT /connectors/{name}/resume", "expect": 404},
        {"call": "PUT /connectors/{name}/stop", "expect": 500},
        # Java 4.3.1's StandaloneHerder.restartConnector / restartTask complete the callback
        # with NotFoundException but miss the `return`, then fail on the unknown connector
        # (a NullPointerException, "Failed to start task ... not a recognizable type"): 500.
        # connectd answers the intended 404.
        {"call": "POST /connectors/{name}/restart", "expect": 500, "compare": "status",
         "divergence": {"connectd": 404, "why": "StandaloneHerder.restartConnector: no return "
                        "after NotFoundException"}},
        {"call": "POST /connectors/{name}/tasks/0/restart", "expect": 500,
         "divergence": {"connectd": 404, "why": "StandaloneHerder.restartTask: no return "
                        "after NotFoundException"}},
        {"call": "DELETE /connectors/{name}", "expect": 404},
        {"call": "DELETE /connectors/{name}/offsets", "expect": 404},
    ]},
    {"id": "create-errors", "steps": [
        create(),
        create(expect=409),
        create({"topic": "{topic}"}, name="{name2}", expect=400),
        create({**SOURCE, "name": "{token}-other"}, name="{name2}", expect=400),
        {**create({**SOURCE, "tasks.max": "0", "topic": None}, name="{name2}", expect=400),
         "divergence": {"connectd": 400, "why": "a JSON null config value: Java keeps the key "
                        "with a null value (no 'missing topic' error), connectd drops it "
                        "(settings maps hold strings only); both answer 400"}},
        create({"connector.class": "FileStreamSource", "tasks.max": "0"}, name="{name2}",
               expect=400),
        {"call": "POST /connectors", "body": {"config": SOURCE}, "expect": 400},
        {"call": "POST /connectors", "body": {"name": "  ", "config": SOURCE}, "expect": 400},
        # Java: NullPointerException text; only the status is compared
        {"call": "POST /connectors", "body": {"name": "{name2}"}, "expect": 500,
         "compare": "status"},
    ]},
    {"id": "bad-json", "steps": [
        # not JSON: Jackson's parser texts cannot be reproduced by jansson (status only)
        {"call": "POST /connectors", "raw": b'{"name": "{name}", "config": {', "expect": 500,
         "compare": "status"},
        {"call": "POST /connectors", "raw": b"{bad", "expect": 500, "compare": "status"},
        {"call": "PUT /connectors/{name}/config", "raw": b"[1,2]", "expect": 500},
        {"call": "POST /connectors", "raw": b"", "expect": 500, "compare": "status"},
    ]},
    {"id": "content-type", "steps": [
        {"call": "POST /connectors", "raw": b'{"name":"{name}","config":{}}',
         "content_type": "text/plain", "expect": 415},
        {"call": "POST /connectors", "raw": b'{"name":"{name}","config":{}}',
         "content_type": None, "expect": 415},
        {"call": "PUT /connectors/{name}/config", "raw": b"name={name}",
         "content_type": "application/x-www-form-urlencoded", "expect": 415},
    ]},
    {"id": "invalid-utf8", "steps": [
        # bad UTF-8 is a JSON parse error: Jackson's text is not reproducible (status only)
        {"call": "POST /connectors", "expect": 500, "compare": "status",
         "raw": b'{"name":"\xff\xfe{token}","config":{"connector.class":"FileStreamSource"}}'},
        {"call": f"PUT {VALIDATE_SOURCE}", "expect": 500, "compare": "status",
         "raw": b'{"connector.class":"FileStreamSource","topic":"\xc3\x28"}'},
    ]},
    {"id": "path-traversal", "steps": [
        get("/connectors/..%2F..%2Fetc%2Fpasswd", expect=400),
        get("/connectors/{name}%2F..%2F..%2Fconnectors", expect=400),
        get("/connector-plugins/..%2F..%2Fconnectors/config", expect=400),
        get("/connectors/../connectors", expect=404),
        create(name="../{name}"),
        get("/connectors", only_run=True),
    ]},
    {"id": "huge-body", "steps": [
        {"call": f"PUT {VALIDATE_SOURCE}", "body": {**SOURCE, "batch.size": "x" * (4 << 20)},
         "expect": 200},
        create({**SOURCE, "padding": "y" * (2 << 20)}, expect=201),
        get("/connectors/{name}/config"),
    ]},
    # ------------------------------------------------------------------ §2.6 internal endpoints
    # A standalone worker has no cluster: StandaloneHerder throws UnsupportedOperationException
    # (500) after InternalClusterResource has read the body (Jackson: 500 when it is not a
    # List<Map<String,String>>) and the signature headers (400 for an unknown algorithm or
    # bad Base64, as InternalRequestSignature.fromHeaders).
    {"id": "internal-endpoints", "steps": [
        {"call": "POST /connectors/{name}/tasks", "body": [], "expect": 500},
        {"call": "POST /connectors/{name}/tasks", "body": [{"a": "b", "n": 1}, None],
         "expect": 500},
        {"call": "POST /connectors/{name}/tasks?forward=false", "body": [], "expect": 500},
        {"call": "POST /connectors/{name}/tasks", "raw": b"[]", "content_type": "text/plain",
         "expect": 500},
        {"call": "POST /connectors/{name}/tasks", "raw": b"", "expect": 500},
        {"call": "POST /connectors/{name}/tasks", "raw": b"null", "expect": 500},
        # not a list: Jackson's texts name its token types (status only)
        {"call": "POST /connectors/{name}/tasks", "body": {"a": "b"}, "expect": 500,
         "compare": "status"},
        {"call": "POST /connectors/{name}/tasks", "body": [[1]], "expect": 500,
         "compare": "status"},
        {"call": "POST /connectors/{name}/tasks", "body": [],
         "headers": {"X-Connect-Request-Signature-Algorithm": "HmacFoo",
                     "X-Connect-Authorization": "T6PGMuu9eehrq7XdpAUor7sEprg1XKIOKwt1498Ocnc="},
         "expect": 400},
        {"call": "POST /connectors/{name}/tasks", "body": [],
         "headers": {"X-Connect-Request-Signature-Algorithm": "HmacSHA256",
                     "X-Connect-Authorization": "a-b"},
         "expect": 400},
        {"call": "POST /connectors/{name}/tasks", "body": [],
         "headers": {"X-Connect-Request-Signature-Algorithm": "HmacSHA256",
                     "X-Connect-Authorization": "YQ="},
         "expect": 400},
        {"call": "POST /connectors/{name}/tasks", "body": [],
         "headers": {"X-Connect-Request-Signature-Algorithm": "HmacSHA256",
                     "X-Connect-Authorization": "T6PGMuu9eehrq7XdpAUor7sEprg1XKIOKwt1498Ocnc="},
         "expect": 500},
        {"call": "POST /connectors/{name}/tasks", "body": [],
         "headers": {"X-Connect-Authorization": "a-b"}, "expect": 500},
        {"call": "PUT /connectors/{name}/fence", "expect": 500},
        {"call": "PUT /connectors/{name}/fence?forward=true", "raw": b"x",
         "content_type": "text/plain", "expect": 500},
        {"call": "PUT /connectors/{name}/fence",
         "headers": {"X-Connect-Request-Signature-Algorithm": "HmacFoo",
                     "X-Connect-Authorization": "abcd"},
         "expect": 400},
        {"call": "PUT /connectors/{name}/fence",
         "headers": {"X-Connect-Request-Signature-Algorithm": "HmacSHA256",
                     "X-Connect-Authorization": "abcde"},
         "expect": 400},
        {"call": "GET /connectors/{name}/fence", "expect": 405},
        {"call": "POST /connectors/{name}/fence", "expect": 405},
        {"call": "DELETE /connectors/{name}/tasks", "expect": 405},
        # the hidden forward flag on user endpoints: a standalone worker completes them
        {"call": "POST /connectors?forward=false", "body": {"name": "{name}", "config": SOURCE},
         "expect": 201},
        {"call": "POST /connectors/{name}/restart?forward=true", "expect": 204},
        {"call": "PUT /connectors/{name}/stop?forward=false", "expect": 204},
        {"call": "DELETE /connectors/{name}?forward=true", "expect": 204},
    ]},
    {"id": "http-errors", "steps": [
        get("/no/such/path", expect=404),
        {"call": "DELETE /connector-plugins", "expect": 405},
        {"call": "POST /connectors/{name}/pause", "expect": 405},
    ]},
]

SCENARIO_IDS = [s["id"] for s in SCENARIOS]
assert len(set(SCENARIO_IDS)) == len(SCENARIO_IDS), "scenario ids must be unique"


def _sides() -> list[str]:
    return [s for s in os.environ.get("CONNECTD_DIFF_SIDES", "java,connectd").split(",") if s]


@pytest.fixture(scope="module")
def java_worker(kafka, peers_work_dir: Path) -> Iterator[JavaStandaloneWorker]:
    try:
        worker = JavaStandaloneWorker.start(peers_work_dir, kafka.bootstrap, name="diff-java")
    except (PeerMissing, PeerStartError) as error:
        pytest.fail(str(error), pytrace=False)
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def connectd_worker(kafka, peers_work_dir: Path, build_dir: Path):
    """The connectd standalone worker, or the reason it cannot run yet (a string)."""
    if "connectd" not in _sides():
        yield "connectd side disabled (CONNECTD_DIFF_SIDES)"
        return
    try:
        unsupported = connectd_standalone_unsupported(build_dir)
    except PeerMissing as error:
        pytest.fail(str(error), pytrace=False)
    if unsupported:
        yield f"connectd standalone mode does not run: {unsupported}"
        return
    try:
        worker = ConnectdWorker.start(peers_work_dir, kafka.bootstrap, build_dir=build_dir,
                                      name="diff-connectd")
    except (PeerMissing, PeerStartError) as error:
        pytest.fail(str(error), pytrace=False)
    yield worker
    code = worker.stop()
    if code not in (0, 143, -15):
        print(f"connectd exited with {code}\n{worker.describe_log(80)}")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=SCENARIO_IDS)
def test_rest_differential(scenario: dict, kafka, java_worker, connectd_worker,
                           tmp_path: Path) -> None:
    try:
        reference = run_scenario(scenario, java_worker.url, "java", tmp_path / "java",
                                 bootstrap=kafka.bootstrap)
    except AssertionError:
        print(java_worker.describe_log(80))
        raise
    if isinstance(connectd_worker, str):
        pytest.fail(connectd_worker, pytrace=False)
    try:
        candidate = run_scenario(scenario, connectd_worker.url, "connectd", tmp_path / "connectd",
                                 check_expect=False, bootstrap=kafka.bootstrap)
    except AssertionError:
        print(connectd_worker.describe_log(80))
        raise
    problems = diff_results(scenario["id"], reference, candidate)
    if problems:
        print(connectd_worker.describe_log(40))
    assert not problems, "\n".join(problems)
