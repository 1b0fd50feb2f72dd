"""Config providers on a real broker: `${provider:[path:]key}` secrets in connector configs.

A connectd standalone worker declares a FileConfigProvider (allowed.paths = the secrets
directory) and an EnvVarConfigProvider (allowlist.pattern) and takes one of its own worker
properties from the secrets file. A FileStream source and sink whose `file`, `topic`/`topics`
and an extra `secret.token` come from the providers move lines from one file to another
through the broker; the resolved values never appear in any REST answer (connector info,
config, tasks, statuses, validate) and the token never reaches the worker's log. Then the
secrets file goes away: restarting the task or the connector fails it with Java's
"Could not read properties from file ..." in the status trace while the worker keeps serving,
and validate answers 500 with the ConfigException.
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from harness.peers import http_get, http_json, wait_until

pytestmark = [pytest.mark.peer_kafka, pytest.mark.peer_standalone]

DEADLINE = 60.0
FILE_PROVIDER = "org.apache.kafka.common.config.provider.FileConfigProvider"
ENV_PROVIDER = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"


def get_text(url: str) -> str:
    status, body = http_get(url, timeout=5.0)
    assert status == 200, (url, status, body)
    return body.decode()


@pytest.fixture
def secrets(tmp_path: Path, unique_name: str, monkeypatch):
    """The secrets directory and file, the data files and the env var, all unique to the test."""
    secret_dir = tmp_path / "secrets"
    secret_dir.mkdir()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    token = f"tok-{uuid.uuid4().hex}"
    topic = f"secret-topic-{uuid.uuid4().hex[:10]}"
    source = data_dir / f"in-{uuid.uuid4().hex[:10]}.txt"
    sink = data_dir / f"out-{uuid.uuid4().hex[:10]}.txt"
    source.write_text("")
    secrets_file = secret_dir / "connect-secrets.properties"
    secrets_file.write_text(f"source.file={source}\nsink.file={sink}\ntoken={token}\n"
                            "flush.ms=500\n")
    monkeypatch.setenv("CD_SECRET_TOPIC", topic)
    monkeypatch.setenv("CD_NOT_ALLOWED", "never-resolved")
    return {"dir": secret_dir, "file": secrets_file, "token": token, "topic": topic,
            "source": source, "sink": sink}


def worker_properties(s: dict) -> dict:
    return {
        "config.providers": "file,env",
        "config.providers.file.class": FILE_PROVIDER,
        "config.providers.file.param.allowed.paths": s["dir"],
        "config.providers.env.class": ENV_PROVIDER,
        "config.providers.env.param.allowlist.pattern": "CD_SECRET_.*",
        # a worker property from the provider: the worker only starts if it is resolved
        "offset.flush.interval.ms": f"${{file:{s['file']}:flush.ms}}",
    }


def connector_configs(s: dict, name: str) -> tuple[dict, dict]:
    var = lambda key: f"${{file:{s['file']}:{key}}}"  # noqa: E731
    source = {"connector.class": "FileStreamSource", "tasks.max": "1",
              "file": var("source.file"), "topic": "${env:CD_SECRET_TOPIC}",
              "secret.token": var("token"), "not.allowed": "${env:CD_NOT_ALLOWED}"}
    sink = {"connector.class": "FileStreamSink", "tasks.max": "1",
            "file": var("sink.file"), "topics": "${env:CD_SECRET_TOPIC}",
            "secret.token": var("token")}
    return source, sink


def wait_running(url: str, name: str) -> None:
    def running() -> bool:
        status, body = http_json("GET", f"{url}/connectors/{name}/status")
        return (status == 200 and body["connector"]["state"] == "RUNNING"
                and len(body["tasks"]) == 1 and body["tasks"][0]["state"] == "RUNNING")
    wait_until(running, what=f"{name} RUNNING", timeout=DEADLINE)


def test_secrets_move_data_and_never_show(standalone, secrets: dict, unique_name: str):
    s = secrets
    worker = standalone(kind="connectd", extra_properties=worker_properties(s))
    url = worker.url
    src_name, snk_name = f"{unique_name}-src", f"{unique_name}-snk"
    src_cfg, snk_cfg = connector_configs(s, src_name)

    status, body = http_json("POST", f"{url}/connectors", {"name": src_name, "config": src_cfg})
    assert status == 201, body
    status, body = http_json("POST", f"{url}/connectors", {"name": snk_name, "config": snk_cfg})
    assert status == 201, body
    wait_running(url, src_name)
    wait_running(url, snk_name)

    lines = [f"line-{i:05d}" for i in range(200)]
    with open(s["source"], "a") as out:
        out.write("".join(line + "\n" for line in lines))

    def copied() -> bool:
        return s["sink"].exists() and s["sink"].read_text().splitlines() == lines
    wait_until(copied, what="lines copied source -> topic -> sink", timeout=DEADLINE)

    # every REST view of both connectors shows the variables, never what they resolve to
    secrets_shown = [s["token"], s["topic"], str(s["source"]), str(s["sink"])]
    answers = {}
    for name in (src_name, snk_name):
        # (/topics is left out: it lists the topics records went to, as Java's does)
        for path in ("", "/config", "/tasks", "/status", "/tasks/0/status"):
            answers[f"{name}{path}"] = get_text(f"{url}/connectors/{name}{path}")
    answers["list"] = get_text(f"{url}/connectors?expand=info&expand=status")
    for cfg, cls in ((src_cfg, "FileStreamSource"), (snk_cfg, "FileStreamSink")):
        status, body = http_json("PUT", f"{url}/connector-plugins/{cls}/config/validate",
                                 {"name": "v", **cfg})
        assert status == 200, body
        answers[f"validate {cls}"] = json.dumps(body)
        shown = {c["value"]["name"]: c["value"]["value"] for c in body["configs"]}
        assert shown["file"] == cfg["file"]
    # an error message that quotes the config quotes the raw one
    status, body = http_json("PUT", f"{url}/connectors/{unique_name}-bad/config",
                             {"secret.token": src_cfg["secret.token"]})
    assert status == 400, body
    assert "contains no connector type" in body["message"], body
    assert src_cfg["secret.token"] in body["message"], body
    answers["no connector type"] = json.dumps(body)
    for what, text in answers.items():
        for secret in secrets_shown:
            assert secret not in text, f"{what} shows a resolved secret: {text}"

    config = json.loads(answers[f"{src_name}/config"])
    assert config["file"] == src_cfg["file"] and config["topic"] == "${env:CD_SECRET_TOPIC}"
    tasks = json.loads(answers[f"{snk_name}/tasks"])
    assert tasks[0]["config"]["topics"] == "${env:CD_SECRET_TOPIC}"
    assert tasks[0]["config"]["secret.token"] == snk_cfg["secret.token"]
    assert tasks[0]["config"]["file"] == snk_cfg["file"]
    assert "task.class" in tasks[0]["config"]

    # the token is only ever in configs: no log line may carry it (topic and file names
    # are logged by the connectors and clients themselves, as in Java)
    log = worker.log_path.read_text(errors="replace")
    assert s["token"] not in log
    assert "Creating connector" in log


def test_missing_secret_file_fails_task_and_connector(standalone, secrets: dict,
                                                       unique_name: str):
    s = secrets
    worker = standalone(kind="connectd", extra_properties=worker_properties(s))
    url = worker.url
    name = f"{unique_name}-src"
    src_cfg, _ = connector_configs(s, name)
    status, body = http_json("POST", f"{url}/connectors", {"name": name, "config": src_cfg})
    assert status == 201, body
    wait_running(url, name)

    s["file"].rename(s["dir"] / "moved-away.properties")
    expected = f"Could not read properties from file {s['file']}"

    # Java's standalone herder answers 500 too (it resolves before restarting); connectd
    # restarts the task, which fails with the provider's message in its trace
    status, body = http_json("POST", f"{url}/connectors/{name}/tasks/0/restart")
    assert status == 500, body

    def task_failed() -> bool:
        st, b = http_json("GET", f"{url}/connectors/{name}/tasks/0/status")
        return st == 200 and b["state"] == "FAILED"
    wait_until(task_failed, what="task FAILED", timeout=DEADLINE)
    _, task = http_json("GET", f"{url}/connectors/{name}/tasks/0/status")
    assert task["trace"].startswith(
        f"org.apache.kafka.common.config.ConfigException: {expected}"), task

    # (Java's standalone herder would answer 500 here; connectd accepts the restart and
    # the connector fails with the message in its trace)
    status, body = http_json("POST", f"{url}/connectors/{name}/restart")
    assert status == 204, body

    def connector_failed() -> bool:
        st, b = http_json("GET", f"{url}/connectors/{name}/status")
        return st == 200 and b["connector"]["state"] == "FAILED"
    wait_until(connector_failed, what="connector FAILED", timeout=DEADLINE)
    _, st = http_json("GET", f"{url}/connectors/{name}/status")
    assert expected in st["connector"]["trace"], st

    # validate resolves first, as Java's validateConnectorConfig: the provider's failure
    status, body = http_json("PUT", f"{url}/connector-plugins/FileStreamSource/config/validate",
                             {"name": "v", **src_cfg})
    assert status == 500, body
    assert body["message"] == f"org.apache.kafka.common.config.ConfigException: {expected}"

    # the worker still serves, and the secrets are still not shown
    assert worker.process.alive()
    text = get_text(f"{url}/connectors/{name}/config")
    assert s["token"] not in text and "${file:" in text


def read_config_topic(bootstrap: str, topic: str) -> list[tuple[str, str]]:
    """Every (key, value) of the config topic up to its end offset."""
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"probe-{uuid.uuid4().hex}",
                         "enable.auto.commit": False})
    try:
        _, end = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        consumer.assign([TopicPartition(topic, 0, 0)])
        records: list[tuple[str, str]] = []
        position = 0

        def drained() -> bool:
            nonlocal position
            msg = consumer.poll(0.5)
            if msg is not None and not msg.error():
                records.append(((msg.key() or b"").decode(), (msg.value() or b"").decode()))
                position = msg.offset() + 1
            return position >= end
        wait_until(drained, what=f"{topic} read to offset {end}", timeout=DEADLINE, interval=0)
        return records
    finally:
        consumer.close()


@pytest.mark.parametrize("kind", ["java", "connectd"])
def test_config_topic_keeps_variables(connect_worker, kafka, secrets: dict, unique_name: str,
                                      kind: str):
    """Distributed: the task configs written to the config topic hold the variables (Java's
    reverseTransform), for the Java worker and connectd alike, while the data moves."""
    s = secrets
    prefix = f"cp-{uuid.uuid4().hex[:8]}"
    worker = connect_worker(kind=kind, group_id=f"{prefix}-group", topic_prefix=prefix,
                            extra_properties=worker_properties(s))
    url = worker.url
    name = f"{unique_name}-src"
    src_cfg, _ = connector_configs(s, name)
    def created() -> bool:
        st, _ = http_json("PUT", f"{url}/connectors/{name}/config", src_cfg, timeout=30)
        return st in (200, 201)
    wait_until(created, what=f"{name} created", timeout=DEADLINE)
    wait_running(url, name)
    with open(s["source"], "a") as out:
        out.write("".join(f"row-{i}\n" for i in range(50)))

    def tasks_stored() -> bool:
        records = read_config_topic(kafka.bootstrap, f"{prefix}-configs")
        return any(k == f"task-{name}-0" for k, _ in records)
    wait_until(tasks_stored, what="task config in the config topic", timeout=DEADLINE)
    records = read_config_topic(kafka.bootstrap, f"{prefix}-configs")
    task_values = [v for k, v in records if k == f"task-{name}-0"]
    assert task_values
    for _, value in records:
        assert s["token"] not in value and str(s["source"]) not in value, value
    task = json.loads(task_values[-1])["properties"]
    assert task["secret.token"] == src_cfg["secret.token"]
    assert task["file"] == src_cfg["file"]
    assert task["topic"] == "${env:CD_SECRET_TOPIC}"
    tasks = get_text(f"{url}/connectors/{name}/tasks")
    assert s["token"] not in tasks and str(s["source"]) not in tasks
