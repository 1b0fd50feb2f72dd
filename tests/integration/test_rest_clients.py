"""REST clients users already run, against the Java standalone worker and against connectd.

* `kc` - the CLI of PyPI kafka-connect-py (run as a subprocess, its JSON output parsed);
* kafka-connect-api (PyPI, `kafka_connect_api.Cluster` / `Connector` / `Api` objects).

Each client runs one session (create, list, status, config update, pause/resume, restart, stop,
offsets, delete) and yields a transcript; the Java transcript is checked for the expected facts,
then connectd's transcript must equal it after difftest's normalisations. The connectd half is
a connectd that cannot run standalone fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from difftest import CONNECTD_ONLY_PLUGINS, Run, _normalise, diff_results
from harness.peers import ConnectdWorker, JavaStandaloneWorker, PeerMissing, PeerStartError
from harness.peers import connectd_standalone_unsupported

pytestmark = [pytest.mark.peer_kafka, pytest.mark.peer_standalone]

DEADLINE = 30.0


def poll(read: Callable[[], Any], ok: Callable[[Any], bool], what: str) -> Any:
    deadline = time.monotonic() + DEADLINE
    while True:
        value = read()
        if ok(value):
            return value
        assert time.monotonic() < deadline, f"{what}: last value {value!r}"
        time.sleep(0.2)


def state_is(connector: str, tasks: str = None):
    def check(status: Any) -> bool:
        if not isinstance(status, dict) or status.get("connector", {}).get("state") != connector:
            return False
        task_states = [t["state"] for t in status.get("tasks", [])]
        return not tasks or (task_states and all(s == tasks for s in task_states))

    return check


# --------------------------------------------------------------------------- kc (kafka-connect-py)


def kc_session(url: str, run: Run) -> list:
    kc = shutil.which("kc")
    assert kc, "kc not installed: pip install -r tests/requirements.txt"
    env = {**os.environ, "KAFKA_CONNECT_URL": url}

    def kc_json(*args: str) -> Any:
        result = subprocess.run([kc, *args], capture_output=True, text=True, env=env, timeout=60)
        if result.returncode != 0:
            # kafka-connect-py raises requests' HTTPError: keep its first line (status + reason)
            lines = [l for l in result.stderr.splitlines() if "HTTPError" in l]
            return {"exit": result.returncode, "error": lines[-1] if lines else result.stderr[-300:]}
        try:
            return json.loads(result.stdout) if result.stdout.strip() else None
        except ValueError:  # some commands print requests' error text instead of JSON
            # The HTTP reason phrase is the server's choice (Jetty: "Server Error",
            # libmicrohttpd: "Internal Server Error"); status and URL must match.
            text = result.stdout.strip().replace("500 Server Error: Internal Server Error",
                                                 "500 Server Error: Server Error")
            return {"text": text}

    name = run.values["name"]
    config = {"connector.class": "FileStreamSource", "file": run.values["in"],
              "topic": run.values["topic"], "tasks.max": "1"}
    transcript: list = []
    log = lambda op, value: transcript.append({"step": op, "value": value})  # noqa: E731
    log("info keys", sorted(kc_json("info")))
    log("create", kc_json("create", "--config-data", json.dumps({"name": name, "config": config})))
    log("running", poll(lambda: kc_json("status", name), state_is("RUNNING", "RUNNING"),
                        "kc status RUNNING"))
    log("list", sorted(c for c in kc_json("list") if run.token in c))
    log("list expanded", {k: v for k, v in kc_json("list", "--expand", "info").items()
                          if run.token in k})
    log("get", kc_json("get", name))
    log("update", kc_json("update", name, "--config-data", json.dumps({**config,
                                                                       "batch.size": "10"})))
    log("config", kc_json("config", name))
    log("tasks", kc_json("list-tasks", name))
    log("pause", kc_json("pause", name))
    log("paused", poll(lambda: kc_json("status", name), state_is("PAUSED", "PAUSED"), "paused"))
    log("resume", kc_json("resume", name))
    log("resumed", poll(lambda: kc_json("status", name), state_is("RUNNING", "RUNNING"), "resumed"))
    kc_json("restart", name, "--include-tasks")
    log("restarted", poll(lambda: kc_json("status", name), state_is("RUNNING", "RUNNING"),
                          "restarted"))
    log("restart-task", kc_json("restart-task", name, "0"))
    log("task-status", poll(lambda: kc_json("task-status", name, "0"),
                            lambda s: isinstance(s, dict) and s.get("state") == "RUNNING",
                            "task RUNNING"))
    log("topics", kc_json("list-topics", name))
    # connectd's Kinesis source is not an Apache Kafka plugin: compared without it
    log("plugins", [p for p in kc_json("list-plugins")
                    if not (isinstance(p, dict) and p.get("class") in CONNECTD_ONLY_PLUGINS)])
    # kc 1.0.0 sends the config as a JSON *string*: Java answers 500 (cannot deserialize a Map)
    log("validate", kc_json("validate-config", "FileStreamSourceConnector", "--config-data",
                            json.dumps(config)))
    log("delete", kc_json("delete", name))
    log("get deleted", kc_json("get", name))
    return transcript


# --------------------------------------------------------------------------- kafka-connect-api


def kafka_connect_api_session(url: str, run: Run) -> list:
    from kafka_connect_api.kafka_connect_api import Api, Cluster, Connector

    api = Api(url=url)
    cluster = Cluster(api)
    name = run.values["name"]
    config = {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
              "file": run.values["in"], "topic": run.values["topic"], "tasks.max": "1",
              "name": name}
    transcript: list = []
    log = lambda op, value: transcript.append({"step": op, "value": value})  # noqa: E731
    log("cluster id", cluster.kafka_cluster)
    connector = Connector(cluster, name)
    log("exists before", outcome(connector.exists))
    connector.config = config  # PUT /connectors/{name}/config (creates)
    log("exists", connector.exists())
    log("in cluster", name in cluster.connectors)
    log("running", poll(lambda: connector.status, state_is("RUNNING", "RUNNING"), "RUNNING"))
    log("class", connector.connector_class)
    connector.config = {**config, "batch.size": "7"}
    log("config", connector.config)
    log("tasks", [(t.id, t.config) for t in connector.tasks])
    connector.pause()
    log("paused", poll(lambda: connector.status, state_is("PAUSED", "PAUSED"), "PAUSED"))
    connector.resume()
    log("resumed", poll(lambda: connector.status, state_is("RUNNING", "RUNNING"), "RUNNING"))
    connector.restart()
    connector.restart_all_tasks()
    log("task running", poll(lambda: connector.tasks[0].state, lambda s: s == "RUNNING",
                             "task RUNNING"))
    # offsets (KIP-875) through the client's generic calls: stop, read, alter, reset
    log("stop", api.put_raw(f"/connectors/{name}/stop").status_code)
    log("stopped", poll(lambda: connector.status, state_is("STOPPED"), "STOPPED"))
    log("offsets", poll(lambda: api.get(f"/connectors/{name}/offsets"),
                        lambda o: bool(o.get("offsets")), "offsets committed"))
    log("alter", _patch(url, name, run))
    log("altered", api.get(f"/connectors/{name}/offsets"))
    log("reset", api.delete(f"/connectors/{name}/offsets"))
    log("after reset", api.get(f"/connectors/{name}/offsets"))
    log("root logger", cluster.root_logger)
    connector.delete()
    log("exists after delete", poll(lambda: outcome(connector.exists), lambda v: v is not True,
                                    "deleted"))
    return transcript


def outcome(call: Callable[[], Any]) -> Any:
    """The call's value, or the client's exception (kafka-connect-api raises on 404 in exists())."""
    try:
        return call()
    except Exception as error:  # noqa: BLE001 - the exception is the client's answer
        return {"exception": type(error).__name__, "code": getattr(error, "code", None)}


def _patch(url: str, name: str, run: Run) -> Any:
    """kafka-connect-api has no PATCH helper: the same `requests` call it makes for PUT."""
    import requests

    response = requests.patch(f"{url}/connectors/{name}/offsets", json={"offsets": [
        {"partition": {"filename": run.values["in"]}, "offset": {"position": 6}}]})
    return [response.status_code, response.json()]


SESSIONS = {"kc": kc_session, "kafka-connect-api": kafka_connect_api_session}


def _run(session, worker, side: str, tmp_path: Path) -> list:
    run = Run.create(side, tmp_path / side, "client")
    transcript = session(worker.url, run)
    return [{"step": t["step"], "value": _normalise(t["value"], run, worker.url)}
            for t in transcript]


@pytest.mark.parametrize("client", list(SESSIONS))
def test_rest_client(client: str, kafka, peers_work_dir: Path, build_dir: Path,
                     tmp_path: Path) -> None:
    session = SESSIONS[client]
    workers = []
    try:
        try:
            java = JavaStandaloneWorker.start(peers_work_dir, kafka.bootstrap)
        except (PeerMissing, PeerStartError) as error:
            pytest.fail(str(error), pytrace=False)
        workers.append(java)
        reference = _run(session, java, "java", tmp_path)
        steps = {t["step"]: t["value"] for t in reference}
        # the facts the transcript must show on the reference worker
        if client == "kc":
            assert steps["create"]["name"] == "<run>-conn"
            assert steps["list"] == ["<run>-conn"]
            assert steps["config"]["batch.size"] == "10"
            assert steps["validate"]["text"].startswith("500 Server Error")
            assert "404" in json.dumps(steps["get deleted"])
        else:
            assert steps["exists before"] == {"exception": "GenericNotFound", "code": 404}
            assert steps["exists"] is True
            assert steps["config"]["batch.size"] == "7"
            assert steps["stop"] == 204
            assert steps["altered"]["offsets"][0]["offset"] == {"position": 6}
            assert steps["after reset"] == {"offsets": []}
            assert steps["exists after delete"]["code"] == 404

        unsupported = connectd_standalone_unsupported(build_dir)
        if unsupported:
            pytest.fail(f"connectd standalone mode does not run: {unsupported}", pytrace=False)
        try:
            connectd = ConnectdWorker.start(peers_work_dir, kafka.bootstrap, build_dir=build_dir)
        except (PeerMissing, PeerStartError) as error:
            pytest.fail(str(error), pytrace=False)
        workers.append(connectd)
        candidate = _run(session, connectd, "connectd", tmp_path)
        problems = diff_results(client, reference, candidate)
        assert not problems, "\n".join(problems)
    except Exception:
        for worker in workers:
            print(worker.describe_log(40))
        raise
    finally:
        for worker in workers:
            worker.stop()
