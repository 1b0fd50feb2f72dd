"""connectd's schema registry client (converters/schema_registry_client.c) against a real
Apicurio Registry (Confluent-compatible ccompat API), driven through build/sr_tool.

Every sr_tool run is a fresh process, so nothing is answered from the client's caches:
each assertion is about what the registry said. Registry answers are also fetched
independently with urllib to compare texts.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.peer_apicurio

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


def record_schema(name: str, field_type: str = "string") -> str:
    return json.dumps({"type": "record", "name": name, "namespace": "io.connectd.test",
                       "fields": [{"name": "f1", "type": field_type}]}, separators=(",", ":"))


@pytest.fixture(scope="module")
def sr_tool(build_dir: Path) -> Path:
    tool = build_dir / "sr_tool"
    assert tool.exists(), f"{tool} missing: build the tree first (cmake --build {build_dir})"
    return tool


def run(tool: Path, url: str, *args: str, config: dict[str, str] | None = None,
        timeout: float = 60.0) -> tuple[int, dict]:
    argv = [str(tool), url, *args]
    for key, value in (config or {}).items():
        argv += ["-X", f"{key}={value}"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    assert proc.stdout.strip(), f"no output from {argv}: {proc.stderr}"
    return proc.returncode, json.loads(proc.stdout)


def subject_name() -> str:
    return f"sr-client-{uuid.uuid4().hex[:10]} value"  # a space: must be URL-encoded


def registry_post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": CONTENT_TYPE})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def registry_get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_register_lookup_by_id_latest(apicurio, sr_tool):
    url = apicurio.ccompat_url
    subject = subject_name()
    schema = record_schema("Rec1")

    rc, out = run(sr_tool, url, "register", subject, schema)
    assert rc == 0 and out["result"] == "OK", out
    schema_id = out["id"]
    assert isinstance(schema_id, int) and schema_id > 0

    # The registry itself lists the subject (URL-encoded path) with that id.
    quoted = urllib.parse.quote(subject, safe="")
    status, latest = registry_get(f"{url}/subjects/{quoted}/versions/latest")
    assert status == 200 and latest["id"] == schema_id, latest

    rc, again = run(sr_tool, url, "register", subject, schema)
    assert rc == 0 and again["id"] == schema_id, again

    rc, found = run(sr_tool, url, "lookup", subject, schema)
    assert rc == 0, found
    assert found["id"] == schema_id and found["version"] == 1, found

    rc, by_id = run(sr_tool, url, "by-id", str(schema_id))
    assert rc == 0, by_id
    assert json.loads(by_id["schema"]) == json.loads(schema)

    # A second, compatible version (a field with a default added) becomes latest.
    v2 = json.dumps({"type": "record", "name": "Rec1", "namespace": "io.connectd.test",
                     "fields": [{"name": "f1", "type": "string"},
                                {"name": "f2", "type": "int", "default": 0}]})
    rc, out2 = run(sr_tool, url, "register", subject, v2)
    assert rc == 0 and out2["id"] != schema_id, out2
    rc, lat = run(sr_tool, url, "latest", subject)
    assert rc == 0, lat
    assert lat["id"] == out2["id"] and lat["version"] == 2, lat
    assert json.loads(lat["schema"]) == json.loads(v2)


def test_incompatible_schema_refused_with_registry_text(apicurio, sr_tool):
    url = apicurio.ccompat_url
    subject = subject_name()
    rc, out = run(sr_tool, url, "register", subject, record_schema("Rec2", "string"))
    assert rc == 0, out
    incompatible = record_schema("Rec2", "int")  # string -> int: not BACKWARD compatible

    quoted = urllib.parse.quote(subject, safe="")
    status, answer = registry_post(f"{url}/subjects/{quoted}/versions", {"schema": incompatible})
    print("Apicurio answered", status, answer)
    assert status == 409, answer

    rc, refused = run(sr_tool, url, "register", subject, incompatible)
    print("sr_tool:", refused)
    assert rc == 1 and refused["result"] == "CD_SR_ERR_REGISTRY", refused
    assert refused["http_status"] == 409
    assert refused["error_code"] == answer["error_code"]
    assert refused["error"] == f"{answer['message']}; error code: {answer['error_code']}"


def test_not_found_texts(apicurio, sr_tool):
    url = apicurio.ccompat_url
    status, answer = registry_get(f"{url}/schemas/ids/987654")
    print("Apicurio answered", status, answer)
    assert status == 404
    rc, out = run(sr_tool, url, "by-id", "987654")
    assert rc == 1 and out["result"] == "CD_SR_ERR_NOT_FOUND", out
    assert out["error_code"] == answer["error_code"] == 40403
    assert out["error"] == f"{answer['message']}; error code: 40403"

    subject = subject_name()
    rc, out = run(sr_tool, url, "latest", subject)
    assert rc == 1 and out["result"] == "CD_SR_ERR_NOT_FOUND", out
    assert out["error_code"] == 40401, out

    rc, out = run(sr_tool, url, "lookup", subject, record_schema("Nope"))
    assert rc == 1 and out["result"] == "CD_SR_ERR_NOT_FOUND", out


def test_dead_url_first_fails_over_to_live(apicurio, sr_tool):
    dead = f"http://127.0.0.1:{closed_port()}"
    urls = f"{dead},{apicurio.ccompat_url}"
    subject = subject_name()
    rc, out = run(sr_tool, urls, "register", subject, record_schema("Rec3"),
                  config={"max.retries": "1", "retries.wait.ms": "50"})
    assert rc == 0 and out["result"] == "OK", out
    rc, back = run(sr_tool, apicurio.ccompat_url, "by-id", str(out["id"]))
    assert rc == 0 and json.loads(back["schema"]) == json.loads(record_schema("Rec3"))


def test_closed_port_is_a_transport_error_after_bounded_retries(sr_tool):
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    rc, out = run(sr_tool, url, "latest", "anything",
                  config={"max.retries": "3", "retries.wait.ms": "100",
                          "retries.max.wait.ms": "250", "http.connect.timeout.ms": "2000"},
                  timeout=30)
    elapsed = time.monotonic() - started
    print("transport error after", round(elapsed, 3), "s:", out)
    assert rc == 1 and out["result"] == "CD_SR_ERR_TRANSPORT", out
    assert "Connection refused" in out["error"]
    # backoff 100 + 200 + 250 ms between the 4 attempts: at least 0.55 s, well under 10 s
    assert 0.5 <= elapsed < 10, elapsed
