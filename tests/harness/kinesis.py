"""A small Kinesis Data Streams client for the harness, the demo and the benchmarks.

Pure Python (urllib + hashlib/hmac): AWS JSON 1.1 requests signed with SigV4 for an explicit
region, as the real service expects. kinesis-mock does not verify signatures but namespaces
streams by the signing region, so the region here must match the connector's `kinesis.region`.
Used only by tooling and tests; the product's client is connectors/kinesis/kinesis_client.c.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterable, Optional, Sequence


class KinesisError(Exception):
    def __init__(self, status: int, error_type: str, message: str):
        super().__init__(f"{error_type}: {message} (HTTP {status})")
        self.status = status
        self.error_type = error_type
        self.message = message


def _sign(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


class KinesisClient:
    def __init__(self, endpoint: str, region: str = "us-east-1",
                 access_key: str = "AKIDEXAMPLE", secret_key: str = "secret",
                 session_token: Optional[str] = None, timeout: float = 30.0):
        self.endpoint = endpoint.rstrip("/")
        self.region = region
        self.access_key = access_key
        self.secret_key = secret_key
        self.session_token = session_token
        self.timeout = timeout
        # No proxy for loopback peers, whatever the environment says.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # -- transport ---------------------------------------------------------------------------
    def _headers(self, action: str, body: bytes) -> dict:
        url = urllib.parse.urlsplit(self.endpoint + "/")
        now = datetime.datetime.now(datetime.timezone.utc)
        amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        date = now.strftime("%Y%m%d")
        headers = {
            "content-type": "application/x-amz-json-1.1",
            "host": url.netloc,
            "x-amz-date": amz_date,
            "x-amz-target": f"Kinesis_20131202.{action}",
        }
        if self.session_token:
            headers["x-amz-security-token"] = self.session_token
        signed = ";".join(sorted(headers))
        canonical = "\n".join([
            "POST", url.path or "/", "",
            "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)),
            signed, hashlib.sha256(body).hexdigest()])
        scope = f"{date}/{self.region}/kinesis/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        key = _sign(("AWS4" + self.secret_key).encode(), date)
        for part in (self.region, "kinesis", "aws4_request"):
            key = _sign(key, part)
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={self.access_key}/{scope}, "
                                    f"SignedHeaders={signed}, Signature={signature}")
        return headers

    def call(self, action: str, request: Optional[dict] = None) -> dict:
        body = json.dumps(request or {}).encode()
        req = urllib.request.Request(self.endpoint + "/", data=body, method="POST",
                                     headers=self._headers(action, body))
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                doc = json.loads(raw or b"{}")
            except ValueError:
                doc = {}
            error_type = str(doc.get("__type", e.headers.get("x-amzn-errortype", "")))
            error_type = error_type.split("#")[-1].split(":")[0]
            raise KinesisError(e.code, error_type,
                               str(doc.get("message", doc.get("Message", raw[:200])))) from None
        return json.loads(raw) if raw.strip() else {}

    # -- helpers -----------------------------------------------------------------------------
    def create_stream(self, name: str, shards: int, wait: float = 30.0) -> None:
        self.call("CreateStream", {"StreamName": name, "ShardCount": shards})
        self.wait_active(name, wait)

    def delete_stream(self, name: str) -> None:
        self.call("DeleteStream", {"StreamName": name, "EnforceConsumerDeletion": True})

    def stream_status(self, name: str) -> str:
        return self.call("DescribeStreamSummary",
                         {"StreamName": name})["StreamDescriptionSummary"]["StreamStatus"]

    def wait_active(self, name: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.stream_status(name) == "ACTIVE":
                    return
            except KinesisError as e:
                if e.error_type != "ResourceNotFoundException":
                    raise
            if time.monotonic() > deadline:
                raise TimeoutError(f"stream {name} not ACTIVE within {timeout} s")
            time.sleep(0.05)

    def list_shards(self, name: str) -> list[dict]:
        shards: list[dict] = []
        request: dict[str, Any] = {"StreamName": name}
        while True:
            page = self.call("ListShards", request)
            shards.extend(page.get("Shards") or [])
            token = page.get("NextToken")
            if not token:
                return shards
            request = {"NextToken": token}

    def put_record(self, name: str, key: str, data: bytes,
                   explicit_hash_key: Optional[str] = None) -> dict:
        request = {"StreamName": name, "PartitionKey": key,
                   "Data": base64.b64encode(data).decode()}
        if explicit_hash_key is not None:
            request["ExplicitHashKey"] = explicit_hash_key
        return self.call("PutRecord", request)

    def put_records(self, name: str, records: Iterable[tuple[str, bytes]],
                    batch: int = 500) -> list[dict]:
        """Writes (key, data) pairs in order, batch by batch, retrying failed entries.
        Returns the per-record results (SequenceNumber, ShardId) in input order."""
        results: list[dict] = []
        pending: list[tuple[str, bytes]] = list(records)
        for start in range(0, len(pending), batch):
            chunk = pending[start:start + batch]
            reply = self.call("PutRecords", {"StreamName": name, "Records": [
                {"PartitionKey": k, "Data": base64.b64encode(d).decode()} for k, d in chunk]})
            for (k, d), entry in zip(chunk, reply["Records"]):
                if entry.get("ErrorCode"):
                    # Written again alone: its new sequence number (returned) follows the
                    # batch's others, so callers judge order by the returned sequence numbers.
                    entry = self.put_record(name, k, d)
                results.append(entry)
        return results

    def update_shard_count(self, name: str, target: int, wait: float = 60.0) -> None:
        self.call("UpdateShardCount", {"StreamName": name, "TargetShardCount": target,
                                       "ScalingType": "UNIFORM_SCALING"})
        # Done when the stream is ACTIVE again *and* has `target` open shards (right after the
        # call the status may still read ACTIVE).
        deadline = time.monotonic() + wait
        while True:
            if self.stream_status(name) == "ACTIVE" and sum(
                    1 for shard in self.list_shards(name)
                    if not (shard.get("SequenceNumberRange") or {}).get("EndingSequenceNumber")
            ) == target:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"stream {name} not at {target} open shards within {wait} s")
            time.sleep(0.05)

    def read_all(self, name: str, shard_id: str, iterator_type: str = "TRIM_HORIZON",
                 limit: int = 10000) -> list[dict]:
        """Reads a shard from `iterator_type` until caught up (or closed)."""
        it = self.call("GetShardIterator", {"StreamName": name, "ShardId": shard_id,
                                            "ShardIteratorType": iterator_type})["ShardIterator"]
        out: list[dict] = []
        while it:
            page = self.call("GetRecords", {"ShardIterator": it, "Limit": limit})
            out.extend(page.get("Records") or [])
            it = page.get("NextShardIterator")
            if not page.get("Records") and page.get("MillisBehindLatest", 0) == 0:
                break
        return out


def sample_payments(count: int, start: int = 0) -> Sequence[tuple[str, bytes]]:
    """The demo's payments: {"custid":1..10,"amount":1..100,"gateway":...}, keyed by custid."""
    gateways = ("visa", "paypal", "master", "stripe", "wallet")
    out = []
    for i in range(start, start + count):
        custid = i % 10 + 1
        amount = (i * 37) % 100 + 1
        doc = {"custid": custid, "amount": amount, "gateway": gateways[(i * 7) % 5]}
        out.append((str(custid), json.dumps(doc, separators=(",", ":")).encode()))
    return out
