"""connectd's Kinesis client (connectors/kinesis/kinesis_client.c, aws_auth.c) against the real
emulator kinesis-mock, driven by tests/tools/kinesis_tool: ListShards paging over a 150-shard
stream (kinesis-mock pages 100 shards), a full TRIM_HORIZON read that returns every record
written (keys, bytes, sequence numbers), and the error text of a missing stream."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from harness.kinesis import KinesisClient

pytestmark = pytest.mark.peer_kinesis

REGION = "us-east-1"


@pytest.fixture(scope="module")
def kinesis_tool(build_dir: Path) -> Path:
    for candidate in (build_dir / "kinesis_tool", build_dir / "tests" / "tools" / "kinesis_tool"):
        if candidate.exists():
            return candidate
    pytest.fail(f"kinesis_tool not built in {build_dir}")


@pytest.fixture(scope="module")
def client(kinesis_mock) -> KinesisClient:
    return KinesisClient(kinesis_mock.endpoint, region=REGION)


def run_tool(tool: Path, endpoint: str, *args: str, timeout: float = 120.0,
             ) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"})
    env.pop("AWS_SESSION_TOKEN", None)
    return subprocess.run([str(tool), args[0], "--endpoint", endpoint, "--region", REGION,
                           *args[1:]], capture_output=True, timeout=timeout, env=env)


def stream_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_list_pages_through_150_shards(kinesis_tool, kinesis_mock, client):
    name = stream_name("kc-list")
    client.create_stream(name, 150)
    proc = run_tool(kinesis_tool, kinesis_mock.endpoint, "list", "--stream", name)
    assert proc.returncode == 0, proc.stderr.decode()
    shards = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    expected = client.list_shards(name)
    assert len(expected) == 150
    assert [s["ShardId"] for s in shards] == [s["ShardId"] for s in expected]
    assert len({s["ShardId"] for s in shards}) == 150
    for mine, theirs in zip(shards, expected):
        assert mine["StartingHashKey"] == theirs["HashKeyRange"]["StartingHashKey"]
        assert mine["EndingHashKey"] == theirs["HashKeyRange"]["EndingHashKey"]
        assert mine["StartingSequenceNumber"] == \
            theirs["SequenceNumberRange"]["StartingSequenceNumber"]
        assert mine["EndingSequenceNumber"] is None  # open shards
        assert mine["ParentShardId"] is None  # explicit null from kinesis-mock = absent
    client.delete_stream(name)


def test_read_returns_every_record(kinesis_tool, kinesis_mock, client):
    name = stream_name("kc-read")
    client.create_stream(name, 4)
    # Sizes that exercise Base64 padding (0, 1, 2 '=') and binary bytes, plus a bigger one.
    written = []
    for i in range(600):
        data = bytes((i * 7 + j) % 256 for j in range(i % 5)) + f"payment-{i}".encode()
        if i % 97 == 0:
            data = os.urandom(50_000)
        written.append((f"key-{i % 37}", data))
    results = client.put_records(name, written)
    proc = run_tool(kinesis_tool, kinesis_mock.endpoint, "read", "--stream", name, "--print",
                    "--limit", "250", "--seconds", "60")
    assert proc.returncode == 0, proc.stderr.decode()
    lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    summary, records = lines[-1], lines[:-1]
    got = {(r["shard"], r["sequence"]): (r["key"], base64.b64decode(r["data"])) for r in records}
    want = {(res["ShardId"], res["SequenceNumber"]): kd for res, kd in zip(results, written)}
    assert len(records) == len(written)
    assert got == want
    assert all(r["arrival_ms"] > 1_600_000_000_000 for r in records)
    assert summary["records"] == len(written)
    assert summary["bytes"] == sum(len(d) for _, d in written)
    assert summary["get_records_calls"] >= 4
    # --max-records stops early (at a GetRecords boundary).
    proc = run_tool(kinesis_tool, kinesis_mock.endpoint, "read", "--stream", name,
                    "--limit", "50", "--max-records", "100")
    assert proc.returncode == 0, proc.stderr.decode()
    summary = json.loads(proc.stdout.decode().splitlines()[-1])
    assert 100 <= summary["records"] < 150
    client.delete_stream(name)


def test_missing_stream(kinesis_tool, kinesis_mock):
    for command in ("list", "read"):
        proc = run_tool(kinesis_tool, kinesis_mock.endpoint, command, "--stream",
                        stream_name("kc-missing"))
        assert proc.returncode != 0
        err = proc.stderr.decode()
        assert "ResourceNotFoundException: " in err
        assert "(Service: Kinesis, Status Code: 400, Operation: ListShards)" in err
        assert "[not_found]" in err


def _expected_signature(call, secret: str) -> str:
    """SigV4 recomputed from what arrived (kinesis-mock never checks signatures)."""
    import hashlib
    import hmac
    auth = call.headers["authorization"]
    fields = dict(part.strip().split("=", 1) for part in auth.split(" ", 1)[1].split(","))
    scope = fields["Credential"].split("/", 1)[1]
    date, region, service, _ = scope.split("/")
    signed = fields["SignedHeaders"].split(";")
    canonical = "\n".join(["POST", "/", "",
                           "".join(f"{k}:{' '.join(call.headers[k].split())}\n" for k in signed),
                           fields["SignedHeaders"], hashlib.sha256(call.body).hexdigest()])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", call.headers["x-amz-date"], scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def test_session_token_from_a_profile_is_signed_for_the_region(kinesis_tool, kinesis_proxy,
                                                               client, tmp_path):
    """Credentials from ~/.aws/credentials (a profile chosen by AWS_PROFILE) with a session
    token, an endpoint override with a port: the token header and the target are signed, the
    scope names the configured region and 'kinesis', and the signature is right."""
    name = stream_name("kc-token")
    client.create_stream(name, 1)
    creds = tmp_path / "credentials"
    creds.write_text("[default]\naws_access_key_id = WRONG\naws_secret_access_key = wrong\n\n"
                     "[team]\naws_access_key_id = AKIDPROFILE\n"
                     "aws_secret_access_key = profile-secret\naws_session_token = tok/en+==\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_SHARED_CREDENTIALS_FILE": str(creds), "AWS_PROFILE": "team",
                "AWS_CONFIG_FILE": str(tmp_path / "absent"), "HOME": str(tmp_path)})
    proc = subprocess.run([str(kinesis_tool), "list", "--endpoint", kinesis_proxy.url,
                           "--region", REGION, "--stream", name],
                          capture_output=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    calls = kinesis_proxy.calls_for("ListShards")
    assert calls, "the tool's ListShards did not reach the proxy"
    call = calls[-1]
    assert call.access_key == "AKIDPROFILE"
    assert call.headers.get("x-amz-security-token") == "tok/en+=="
    auth = call.headers["authorization"]
    assert f"/{REGION}/kinesis/aws4_request" in auth
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    assert {"host", "x-amz-date", "x-amz-security-token", "x-amz-target"} <= set(signed), signed
    assert ":" in call.headers["host"], "the port is part of the signed Host"
    assert auth.split("Signature=")[1].strip() == _expected_signature(call, "profile-secret")
