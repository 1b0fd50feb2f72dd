"""A fault-injecting HTTP reverse proxy in front of the real schema registry (Apicurio's
Confluent-compatible API), for the Avro converter tests (tests/integration/test_avro_converter.py).

The converter is pointed at `proxy.ccompat_url`; every request is forwarded verbatim (method, path,
query, body, headers other than hop-by-hop and Authorization) to Apicurio and the answer relayed.
Each request is recorded as a `Call(time, method, path, status, auth, injected)`.

Modes, settable from the test thread at any time:

* `require_auth(user, password)`: requests without that Basic `Authorization` answer 401 with
  Confluent's body `{"error_code":401,"message":"Unauthorized"}` and `WWW-Authenticate`;
  `require_auth(None)` turns it off;
* `delay(seconds)`: every answer is held back that long before it is forwarded (a slow registry);
* `fail(status)`: every request answers `status` (e.g. 503) with a Confluent-style error body
  without reaching Apicurio; `fail(None)` turns it off;
* `refuse()`: closes the listening socket, so connections are refused (registry down);
  `resume()` listens again on the same port;
* `normal()`: back to plain forwarding (and listening).
"""
from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional

LOOPBACK = "127.0.0.1"
MAX_BODY = 16 * 1024 * 1024
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
               "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "host",
               "authorization"}


@dataclass
class Call:
    time: float
    method: str
    path: str
    auth: Optional[str]  # "user:password" from a Basic Authorization header, else None
    status: int = 0
    injected: bool = False
    body: bytes = b""
    response: bytes = b""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class RegistryProxy:
    def __init__(self, upstream: str, host: str = LOOPBACK):
        parts = urllib.parse.urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be an http:// URL, got {upstream!r}")
        self._up_host, self._up_port = parts.hostname, parts.port or 80
        self.upstream = upstream.rstrip("/")
        self._host = host
        self._port = 0
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._auth: Optional[str] = None
        self._delay = 0.0
        self._fail: Optional[int] = None
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> "RegistryProxy":
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                proxy._handle(self)

            do_POST = do_PUT = do_DELETE = do_GET  # noqa: N815

        self._server = _Server((self._host, self._port), Handler)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="registry-proxy",
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

    def __enter__(self) -> "RegistryProxy":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def ccompat_url(self) -> str:
        return self.url + "/apis/ccompat/v7"

    @property
    def upstream_ccompat_url(self) -> str:
        """Apicurio itself, bypassing the proxy (for the test's own independent reads)."""
        return self.upstream + "/apis/ccompat/v7"

    # -- modes -------------------------------------------------------------------------------
    def require_auth(self, user: Optional[str], password: str = "") -> None:
        with self._lock:
            self._auth = None if user is None else f"{user}:{password}"

    def delay(self, seconds: float) -> None:
        with self._lock:
            self._delay = max(0.0, float(seconds))

    def fail(self, status: Optional[int]) -> None:
        with self._lock:
            self._fail = status

    def refuse(self) -> None:
        """Stops listening: new connections are refused until resume()."""
        self.stop()
        # Nothing must answer on the port now.
        with socket.socket() as s:
            s.settimeout(1)
            assert s.connect_ex((self._host, self._port)) != 0, "proxy port still answers"

    def resume(self) -> None:
        if self._server is None:
            self.start()

    def normal(self) -> None:
        with self._lock:
            self._auth, self._delay, self._fail = None, 0.0, None
        self.resume()

    # -- recorded calls ----------------------------------------------------------------------
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def wait_for_call(self, predicate: Callable[[Call], bool], *, what: str,
                      timeout: float = 30.0, since: float = 0.0) -> Call:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for c in self._calls:
                    if c.time >= since and c.status and predicate(c):
                        return c
                left = deadline - time.monotonic()
                if left <= 0:
                    last = [(c.method, c.path, c.status) for c in self._calls[-10:]]
                    raise AssertionError(f"registry proxy: no call {what} within {timeout}s; "
                                         f"last calls {last}")
                self._changed.wait(min(left, 0.5))

    # -- the request path --------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            h.send_error(413)
            return
        body = h.rfile.read(length) if length else b""
        auth = None
        header = h.headers.get("Authorization") or ""
        if header.startswith("Basic "):
            try:
                auth = base64.b64decode(header[6:].strip()).decode()
            except (ValueError, UnicodeDecodeError):
                auth = "<undecodable>"
        call = Call(time=time.monotonic(), method=h.command, path=h.path, auth=auth, body=body)
        with self._lock:
            self._calls.append(call)
            required, delay, fail = self._auth, self._delay, self._fail
        if delay:
            time.sleep(delay)
        if required is not None and auth != required:
            payload = json.dumps({"error_code": 401, "message": "Unauthorized"}).encode()
            self._finish(call, h, 401, payload, {"Content-Type": "application/json",
                                                 "WWW-Authenticate": 'Basic realm="registry"'},
                         injected=True)
            return
        if fail is not None:
            message = "Service Unavailable" if fail == 503 else f"injected HTTP {fail}"
            payload = json.dumps({"error_code": fail, "message": message}).encode()
            self._finish(call, h, fail, payload, {"Content-Type": "application/json"},
                         injected=True)
            return
        headers = {k: v for k, v in h.headers.items() if k.lower() not in _HOP_BY_HOP}
        try:
            conn = http.client.HTTPConnection(self._up_host, self._up_port, timeout=60)
            conn.request(h.command, h.path, body=body if body or h.command in ("POST", "PUT")
                         else None, headers=headers)
            resp = conn.getresponse()
            raw, status = resp.read(), resp.status
            out = {k: v for k, v in resp.getheaders() if k.lower() not in _HOP_BY_HOP
                   and k.lower() != "content-length"}
            conn.close()
        except OSError as error:
            status = 502
            raw = json.dumps({"error_code": 50200, "message": f"proxy: {error}"}).encode()
            out = {"Content-Type": "application/json"}
        self._finish(call, h, status, raw, out, injected=False)

    def _finish(self, call: Call, h: BaseHTTPRequestHandler, status: int, payload: bytes,
                headers: dict, *, injected: bool) -> None:
        try:
            h.send_response(status)
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            h.wfile.flush()
        except OSError:
            pass  # the client gave up (e.g. its read timeout)
        with self._changed:
            call.status, call.injected, call.response = status, injected, payload
            self._changed.notify_all()
