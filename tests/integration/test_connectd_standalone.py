"""connectd standalone: start-up errors, failing plugins, HTTPS and admin listeners.

The differential suite (test_rest_differential.py) compares REST answers with the Java
worker; these tests cover what needs connectd's own process: exit codes for a missing or
invalid worker config, a connector that throws in start or a task that throws in poll
(loaded from plugin.path: tests/plugins/faulty_plugin.c) while the worker keeps serving and
another connector keeps moving data, an HTTPS listener with a PEM key pair made by openssl,
`admin.listeners` on a port of its own, and a clean exit on SIGTERM.
"""
from __future__ import annotations

import json
import signal
import ssl
import subprocess
import urllib.request
from pathlib import Path

import pytest

from harness.peers import (LOOPBACK, connectd_binary, free_port, http_json, read_log_tail,
                           wait_until, write_properties)

pytestmark = pytest.mark.peer_kafka

CONVERTERS = {
    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
    "value.converter": "org.apache.kafka.connect.storage.StringConverter",
}


class Connectd:
    """One connectd standalone process with its own worker.properties."""

    def __init__(self, build_dir: Path, work: Path, props: dict, connector_files=()):
        self.work = work
        self.log_path = work / "connectd.log"
        self.worker_properties = write_properties(work / "worker.properties", props)
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [str(connectd_binary(build_dir)), "standalone", str(self.worker_properties),
             *map(str, connector_files)], stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, url: str, context=None) -> None:
        def ready() -> bool:
            with urllib.request.urlopen(url + "/", timeout=1, context=context) as response:
                return response.status == 200
        wait_until(ready, what=f"connectd REST at {url}", timeout=30)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode

    def log_text(self) -> str:
        return read_log_tail(self.log_path, 200)


@pytest.fixture
def connectd(build_dir: Path, tmp_path: Path, request):
    started: list[Connectd] = []

    def start(props: dict, connector_files=()) -> Connectd:
        work = tmp_path / f"connectd-{len(started)}"
        work.mkdir()
        worker = Connectd(build_dir, work, props, connector_files)
        started.append(worker)
        return worker

    yield start
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for worker in started:
        worker.stop()
        if failed:
            print(f"===== {worker.log_path} =====\n{worker.log_text()}")


def base_props(kafka, tmp_path: Path, port: int) -> dict:
    return {"bootstrap.servers": kafka.bootstrap, **CONVERTERS,
            "offset.storage.file.filename": str(tmp_path / "offsets"),
            "offset.flush.interval.ms": "500",
            "listeners": f"http://{LOOPBACK}:{port}"}


def test_missing_worker_properties_file_exits_1(build_dir: Path, tmp_path: Path):
    result = subprocess.run([str(connectd_binary(build_dir)), "standalone",
                             str(tmp_path / "absent.properties")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "absent.properties" in result.stderr


def test_invalid_worker_value_names_the_key(build_dir: Path, tmp_path: Path, kafka):
    props = base_props(kafka, tmp_path, free_port())
    props["offset.flush.interval.ms"] = "soon"
    path = write_properties(tmp_path / "worker.properties", props)
    result = subprocess.run([str(connectd_binary(build_dir)), "standalone", str(path)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "offset.flush.interval.ms" in result.stderr, result.stderr


def test_connector_file_without_name_exits_3(build_dir: Path, tmp_path: Path, kafka):
    props = base_props(kafka, tmp_path, free_port())
    path = write_properties(tmp_path / "worker.properties", props)
    connector = write_properties(tmp_path / "nameless.properties",
                                 {"connector.class": "FileStreamSource", "topic": "t"})
    result = subprocess.run([str(connectd_binary(build_dir)), "standalone", str(path),
                             str(connector)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 3
    assert "missing the mandatory 'name' field" in result.stderr


def test_failing_connector_and_task_leave_the_worker_serving(connectd, build_dir: Path,
                                                              tmp_path: Path, kafka, unique_name):
    port = free_port()
    props = base_props(kafka, tmp_path, port)
    props["plugin.path"] = str(build_dir / "test-plugins" / "faulty")
    worker = connectd(props)
    url = f"http://{LOOPBACK}:{port}"
    worker.wait_ready(url)

    status, plugins = http_json("GET", url + "/connector-plugins")
    assert status == 200
    assert "com.example.test.FaultySourceConnector" in [p["class"] for p in plugins]

    # Connector.start throws: created (as Java), status FAILED with the message as trace.
    bad = f"{unique_name}-start"
    status, _ = http_json("POST", url + "/connectors", {
        "name": bad, "config": {"connector.class": "com.example.test.FaultySourceConnector",
                                "fail.on": "start"}})
    assert status == 201

    def connector_failed() -> bool:
        code, body = http_json("GET", f"{url}/connectors/{bad}/status")
        return code == 200 and body["connector"]["state"] == "FAILED"
    wait_until(connector_failed, what="connector FAILED", timeout=30)
    _, body = http_json("GET", f"{url}/connectors/{bad}/status")
    assert "faulty connector refused to start" in body["connector"]["trace"]
    assert body["tasks"] == []

    # A task whose poll throws: task FAILED with a trace, connector RUNNING.
    flaky = f"{unique_name}-poll"
    status, _ = http_json("POST", url + "/connectors", {
        "name": flaky, "config": {"connector.class": "FaultySource", "fail.on": "poll"}})
    assert status == 201

    def task_failed() -> bool:
        code, body = http_json("GET", f"{url}/connectors/{flaky}/tasks/0/status")
        return code == 200 and body["state"] == "FAILED"
    wait_until(task_failed, what="task FAILED", timeout=30)
    _, body = http_json("GET", f"{url}/connectors/{flaky}/status")
    assert body["connector"]["state"] == "RUNNING"
    assert "faulty task failed in poll" in body["tasks"][0]["trace"]

    # Meanwhile a FileStream round trip still works on the same worker.
    source_file = tmp_path / "in.txt"
    sink_file = tmp_path / "out.txt"
    lines = [f"line-{i}" for i in range(200)]
    source_file.write_text("".join(line + "\n" for line in lines))
    topic = f"{unique_name}-topic"
    assert http_json("POST", url + "/connectors", {"name": f"{unique_name}-src", "config": {
        "connector.class": "FileStreamSource", "file": str(source_file), "topic": topic}})[0] == 201
    assert http_json("POST", url + "/connectors", {"name": f"{unique_name}-sink", "config": {
        "connector.class": "FileStreamSink", "file": str(sink_file), "topics": topic}})[0] == 201
    wait_until(lambda: sink_file.exists() and sink_file.read_text().splitlines() == lines,
               what="all lines in the sink file", timeout=60)

    # Restarting the failed task runs it again (and it fails again, the same way).
    assert http_json("POST", f"{url}/connectors/{flaky}/tasks/0/restart")[0] == 204
    wait_until(task_failed, what="task FAILED after restart", timeout=30)
    assert worker.stop() == 0


def make_pem_pair(directory: Path) -> tuple[Path, Path]:
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return key, cert


def test_https_listener_and_separate_admin_listener(connectd, tmp_path: Path, kafka):
    key, cert = make_pem_pair(tmp_path)
    bundle = tmp_path / "keystore.pem"
    bundle.write_text(key.read_text() + cert.read_text())
    port, admin_port = free_port(), free_port()
    props = base_props(kafka, tmp_path, port)
    props.update({
        "listeners": f"https://{LOOPBACK}:{port}",
        "listeners.https.ssl.keystore.type": "PEM",
        "listeners.https.ssl.keystore.location": str(bundle),
        "admin.listeners": f"http://{LOOPBACK}:{admin_port}",
    })
    worker = connectd(props)
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    url = f"https://{LOOPBACK}:{port}"
    worker.wait_ready(url, context)

    with urllib.request.urlopen(url + "/connectors", timeout=5, context=context) as response:
        assert response.status == 200
        assert json.loads(response.read()) == []
    # /admin lives only on admin.listeners
    try:
        urllib.request.urlopen(url + "/admin/loggers", timeout=5, context=context)
        raise AssertionError("/admin answered on the main listener")
    except urllib.error.HTTPError as err:
        assert err.code == 404
    status, loggers = http_json("GET", f"http://{LOOPBACK}:{admin_port}/admin/loggers")
    assert status == 200 and "root" in loggers
    # plain HTTP on the HTTPS port is refused
    with pytest.raises(Exception):
        urllib.request.urlopen(f"http://{LOOPBACK}:{port}/", timeout=5)
    assert worker.stop() == 0
