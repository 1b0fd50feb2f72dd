"""A fault-injecting HTTP proxy between connectd and kinesis-mock, for the Kinesis source tests.

The connector is pointed at the proxy (`kinesis.base.url = proxy.url`); the proxy forwards every
request verbatim (same method, path, body and headers, including `Authorization` and
`X-Amz-Target`) to the real emulator and relays the answer, recording each call:

    Call(time, wall, op, request, status, response, shard, error_type, injected)

Fault rules, settable from the test thread at any time (all state is behind one lock):

* `throttle_get_records(n, shard=None)`: the next n GetRecords (optionally only for one shard)
  answer HTTP 400 `ProvisionedThroughputExceededException` without reaching the emulator;
* `expire_get_records(n, shard=None)`: the next n GetRecords answer HTTP 400
  `ExpiredIteratorException`;
* `fail_internal(n, op="GetRecords")`: the next n calls of `op` (None = any) answer HTTP 500
  `InternalFailure`;
* `reject_access_key(key_id)`: every request whose `Authorization` header carries
  `Credential=<key_id>/...` answers HTTP 400 `UnrecognizedClientException`. kinesis-mock (and
  kinesalite) never verify SigV4 signatures or access keys (reference kinesis.md §3.3), so this
  rule is the only way the tests can exercise bad credentials against the emulator.

Injected answers have AWS's shape: JSON 1.1 `{"__type": ..., "message": ...}` bodies and an
`x-amzn-ErrorType` header. Which shard a GetRecords call is for is known from the iterators the
proxy has seen: GetShardIterator maps its answer's `ShardIterator` to the request's `ShardId`, and
every GetRecords maps its answer's `NextShardIterator` to the shard of the iterator it was given.

Helpers for assertions: `calls_for(op)`, `get_records_times()` (shard -> arrival times),
`max_calls_in_window(shard, seconds)`, `wait_for_call(...)`. Use as a context manager, or via the
`kinesis_proxy` fixture in tests/integration/conftest.py.
"""
from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional

LOOPBACK = "127.0.0.1"
MAX_BODY = 64 * 1024 * 1024
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")
# Hop-by-hop headers are the proxy's own business; everything else is passed on as received.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
               "trailer", "upgrade", "proxy-authorization", "proxy-authenticate"}


@dataclass
class Call:
    time: float                 # time.monotonic() when the request arrived
    wall: float                 # time.time() when the request arrived
    op: str                     # X-Amz-Target operation, e.g. "GetRecords"
    request: Any                # parsed request JSON (None when it did not parse)
    access_key: Optional[str]   # from the Authorization header
    status: int = 0
    response: Any = None        # parsed response JSON (None when it did not parse / empty)
    shard: Optional[str] = None  # the shard a GetShardIterator/GetRecords call is for
    error_type: Optional[str] = None
    injected: bool = False      # answered by a fault rule, not by the emulator
    done: float = 0.0           # time.monotonic() when the answer was sent
    headers: dict = field(default_factory=dict)  # request headers, names lower-cased
    body: bytes = b""           # the raw request body (to check signatures)


@dataclass
class _Rule:
    kind: str                   # "throttle" | "expire" | "internal"
    remaining: int
    op: Optional[str] = "GetRecords"
    shard: Optional[str] = None
    fired: list = field(default_factory=list)


_FAULTS = {
    "throttle": (400, "ProvisionedThroughputExceededException",
                 "Rate exceeded for shard {shard} in stream {stream} under account 000000000000."),
    "expire": (400, "ExpiredIteratorException",
               "Iterator expired. The iterator was created at time {created} while right now "
               "it is {now} which is further in the future than the tolerated delay of 300000 "
               "milliseconds."),
    "internal": (500, "InternalFailure", "Internal service failure."),
}


class KinesisProxy:
    def __init__(self, upstream: str, host: str = LOOPBACK):
        parts = urllib.parse.urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be an http:// URL, got {upstream!r}")
        self.upstream = upstream.rstrip("/")
        self._up_host = parts.hostname
        self._up_port = parts.port or 80
        self._host = host
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._rules: list[_Rule] = []
        self._rejected_keys: set[str] = set()
        self._iterator_shard: dict[str, str] = {}
        self._iterator_stream: dict[str, str] = {}
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> "KinesisProxy":
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                proxy._handle(self)

            def do_GET(self):  # noqa: N802 - e.g. /healthcheck
                proxy._handle(self)

        self._server = ThreadingHTTPServer((self._host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="kinesis-proxy",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> "KinesisProxy":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "proxy not started"
        return f"http://{self._host}:{self._server.server_address[1]}"

    # -- fault rules -------------------------------------------------------------------------
    def throttle_get_records(self, n: int, shard: Optional[str] = None) -> None:
        self._add_rule(_Rule("throttle", n, "GetRecords", shard))

    def expire_get_records(self, n: int, shard: Optional[str] = None) -> None:
        self._add_rule(_Rule("expire", n, "GetRecords", shard))

    def fail_internal(self, n: int, op: Optional[str] = "GetRecords",
                      shard: Optional[str] = None) -> None:
        self._add_rule(_Rule("internal", n, op, shard))

    def reject_access_key(self, key_id: str) -> None:
        with self._lock:
            self._rejected_keys.add(key_id)

    def clear_faults(self) -> None:
        with self._lock:
            self._rules.clear()
            self._rejected_keys.clear()

    def pending_faults(self) -> int:
        """How many injected answers are still to come."""
        with self._lock:
            return sum(r.remaining for r in self._rules)

    def _add_rule(self, rule: _Rule) -> None:
        if rule.remaining < 1:
            raise ValueError("n must be >= 1")
        with self._lock:
            self._rules.append(rule)

    # -- recorded calls ----------------------------------------------------------------------
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_for(self, op: str, stream: Optional[str] = None) -> list[Call]:
        """Calls of one operation, optionally only those naming (or iterating) `stream`."""
        with self._lock:
            return [c for c in self._calls if c.op == op
                    and (stream is None or self._stream_of(c) == stream)]

    def _stream_of(self, call: Call) -> Optional[str]:
        req = call.request if isinstance(call.request, dict) else {}
        if req.get("StreamName"):
            return req["StreamName"]
        if req.get("StreamARN"):  # arn:aws:kinesis:<region>:<account>:stream/<name>
            return str(req["StreamARN"]).rsplit("/", 1)[-1]
        it = req.get("ShardIterator")
        return self._iterator_stream.get(it) if it else None

    def get_records_times(self, stream: Optional[str] = None,
                          since: float = 0.0) -> dict[str, list[float]]:
        """shard id -> monotonic arrival times of its GetRecords calls (injected ones included:
        a throttled call still counts against the shard's 5 calls/s)."""
        out: dict[str, list[float]] = {}
        for c in self.calls_for("GetRecords", stream):
            if c.time >= since:
                out.setdefault(c.shard or "?", []).append(c.time)
        return out

    def max_calls_in_window(self, times: list[float], window: float = 1.0) -> int:
        """The most calls inside any half-open interval [t, t + window)."""
        times = sorted(times)
        best, j = 0, 0
        for i, t in enumerate(times):
            while times[j] <= t - window:
                j += 1
            best = max(best, i - j + 1)
        return best

    def wait_for_call(self, predicate: Callable[[Call], bool], *, what: str,
                      timeout: float = 30.0, since: float = 0.0) -> Call:
        """Blocks until a recorded (answered) call with time >= since satisfies predicate."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for c in self._calls:
                    if c.time >= since and c.status and predicate(c):
                        return c
                left = deadline - time.monotonic()
                if left <= 0:
                    ops = [(c.op, c.status, c.error_type) for c in self._calls[-10:]]
                    raise AssertionError(f"proxy: no call {what} within {timeout}s; last calls {ops}")
                self._changed.wait(min(left, 0.5))

    # -- the request path --------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        arrived, wall = time.monotonic(), time.time()
        length = int(h.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            h.send_error(413)
            return
        body = h.rfile.read(length) if length else b""
        target = h.headers.get("X-Amz-Target") or ""
        op = target.rsplit(".", 1)[-1] if target else f"{h.command} {h.path}"
        try:
            request = json.loads(body) if body else None
        except ValueError:
            request = None
        match = _CREDENTIAL.search(h.headers.get("Authorization") or "")
        call = Call(time=arrived, wall=wall, op=op, request=request,
                    access_key=match.group(1) if match else None,
                    headers={k.lower(): v for k, v in h.headers.items()}, body=body)
        req = request if isinstance(request, dict) else {}
        with self._lock:
            self._calls.append(call)
            if op == "GetRecords":
                it = req.get("ShardIterator")
                call.shard = self._iterator_shard.get(it) if it else None
            elif op == "GetShardIterator":
                call.shard = req.get("ShardId")
            fault = self._pick_fault(call)

        if fault is not None:
            status, error_type, message = fault
            payload = json.dumps({"__type": error_type, "message": message}).encode()
            self._answer(h, status, payload, {"Content-Type": "application/x-amz-json-1.1",
                                              "x-amzn-ErrorType": error_type,
                                              "x-amzn-RequestId": "proxy-injected"})
            with self._changed:
                call.status, call.error_type, call.injected = status, error_type, True
                call.response = {"__type": error_type, "message": message}
                call.done = time.monotonic()
                self._changed.notify_all()
            return

        headers = {k: v for k, v in h.headers.items() if k.lower() not in _HOP_BY_HOP}
        try:
            conn = http.client.HTTPConnection(self._up_host, self._up_port, timeout=60)
            conn.request(h.command, h.path, body=body if body or h.command == "POST" else None,
                         headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            status = resp.status
            out_headers = {k: v for k, v in resp.getheaders() if k.lower() not in _HOP_BY_HOP
                           and k.lower() != "content-length"}
            conn.close()
        except OSError as error:
            status, raw = 502, json.dumps({"__type": "ProxyUpstreamError",
                                           "message": str(error)}).encode()
            out_headers = {"Content-Type": "application/json"}
        self._answer(h, status, raw, out_headers)
        try:
            response = json.loads(raw) if raw.strip() else None
        except ValueError:
            response = None
        with self._changed:
            call.status, call.response, call.done = status, response, time.monotonic()
            if isinstance(response, dict):
                if status >= 400:
                    call.error_type = str(response.get("__type", "")).split("#")[-1].split(":")[0]
                elif op == "GetShardIterator" and response.get("ShardIterator"):
                    self._iterator_shard[response["ShardIterator"]] = req.get("ShardId")
                    self._iterator_stream[response["ShardIterator"]] = self._stream_of(call)
                elif op == "GetRecords" and response.get("NextShardIterator"):
                    it = req.get("ShardIterator")
                    self._iterator_shard[response["NextShardIterator"]] = call.shard
                    self._iterator_stream[response["NextShardIterator"]] = \
                        self._iterator_stream.get(it)
            self._changed.notify_all()

    def _pick_fault(self, call: Call) -> Optional[tuple[int, str, str]]:
        """Under the lock: the fault to inject for this call, if any (consumes one)."""
        if call.access_key is not None and call.access_key in self._rejected_keys:
            return (400, "UnrecognizedClientException",
                    "The security token included in the request is invalid.")
        for rule in self._rules:
            if rule.remaining <= 0:
                continue
            if rule.op is not None and rule.op != call.op:
                continue
            if rule.shard is not None and rule.shard != call.shard:
                continue
            rule.remaining -= 1
            rule.fired.append(call)
            status, error_type, template = _FAULTS[rule.kind]
            req = call.request if isinstance(call.request, dict) else {}
            stream = self._iterator_stream.get(req.get("ShardIterator") or "", "?")
            now_ms = int(call.wall * 1000)
            message = template.format(shard=call.shard or "?", stream=stream,
                                      created=now_ms - 300001, now=now_ms)
            return status, error_type, message
        return None

    @staticmethod
    def _answer(h: BaseHTTPRequestHandler, status: int, payload: bytes, headers: dict) -> None:
        try:
            h.send_response(status)
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            h.wfile.flush()
        except OSError:
            pass  # the client went away (e.g. a killed worker)
