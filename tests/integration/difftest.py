"""Differential REST runner: the same scenario against the Java standalone worker and connectd.

A *scenario* is data: an id and a list of steps. A step is either a REST call

    {"call": "POST /connectors", "body": {...}, "expect": 201}

or a wait

    {"wait": "GET /connectors/{name}/status", "until": "tasks RUNNING"}

Call keys:
  call          "METHOD /path" (the path may hold a query string; it is sent as written)
  body          JSON body (sent with Content-Type: application/json)
  raw           bytes sent as the body instead of `body` (bad-input cases); may hold placeholders
  content_type  Content-Type for `raw` (None: no Content-Type header at all)
  headers       extra request headers (e.g. the KIP-507 signature headers of the internal
                endpoints); values may hold placeholders
  expect        the status the Java worker must answer (proves the scenario itself is right)
  compare       "full" (default): status, Location header and normalised JSON body;
                "status": status and, for JSON error bodies, `error_code` only (for answers
                whose text is a Java implementation detail, e.g. a NullPointerException message,
                and for request bodies that are not valid JSON / UTF-8: Jackson's parser texts
                such as "Unexpected character ('b' (code 98))..." cannot be reproduced by
                jansson, so only the 500 and its error_code are compared)
  divergence    {"connectd": STATUS, "why": "..."}: a documented Java bug connectd does not
                copy; Java must still answer `expect`, connectd must answer STATUS, and then
                both answers compare equal (a different connectd status is reported as a diff)
  only_run      for list/dict answers keyed by connector names: keep only the entries of this
                scenario run (other scenarios share the worker)
  loggers       for GET /admin/loggers: keep only `root` and the loggers of this scenario run
  drop_types    for GET /connector-plugins: leave out the rows whose "type" is in this list
                (plugin kinds connectd does not have yet), on both sides

or a topic creation (through Kafka's admin API, waiting until the broker lists it)

    {"create_topic": "{topic}", "partitions": 1}

Cluster runs (run_scenario with a list of worker URLs and the leader's index): every call
and wait may name the worker it goes to with `worker`:
  worker        an index into the list, "leader", "follower" / "follower2" (the first / second
                worker that is not the leader), "all" (the call goes to every worker in list
                order and the answer compared is the leader's answer and the sorted list of the
                followers' answers, so which worker is the leader does not matter; with
                `any_order` the leader is not set apart either: for answers that depend on
                which worker runs the work, e.g. a restart with ?forward=false), or {"not_owner_of": "connector" |
                TASK_ID, "of": NAME} (a worker that neither runs that connector / task, per the
                status on worker 0, nor is the leader when another choice exists: the request
                is forwarded to the leader and then to the owner); default 0. Waits default to
                "all" (the condition must hold on every worker: status comes from the status
                topic, each worker reads it on its own).

Wait keys: `until` is a named condition (see CONDITIONS) or a callable on the parsed JSON body,
or `until_status` a status code the answer must have (e.g. 404 once a deletion has reached the
status topic as read by every worker);
`timeout` (s, default 30). Waits poll with a deadline and are not compared.

Placeholders, substituted in paths, bodies and raw bodies (different values on each side, so
both workers can share one broker):
  {token}  a run token unique to (scenario, side), e.g. "dtj3fa2c1"
  {name}, {name2}   connector names  "{token}-conn", "{token}-conn2"
  {topic}, {topic2} topic names      "{token}-topic", "{token}-topic2"
  {dir}    a fresh directory for the run; {in} = {dir}/in.txt (pre-filled with INPUT_LINES),
           {out} = {dir}/out.txt

Normalisations applied to every answer before comparing (each one is why two correct
workers may still differ byte-wise):
  * run values: {dir} -> "<dir>", {token} -> "<run>" (placeholder values differ per side);
  * the worker's own address "127.0.0.1:<port>" / "localhost:<port>" -> "<worker>"
    (worker_id in status answers, Location headers);
  * GET /: "version" and "commit" -> "<version>" / "<commit>" (connectd reports its own);
    "kafka_cluster_id" is kept: both workers use the same broker;
  * "last_modified" timestamps (logger answers) -> "<ts>" when not null;
  * "trace" (failed connector/task status): first line only (the stack frames are Java's);
  * error messages from the JSON parser: Jackson appends "\\n at [Source: ...; line: L,
    column: C]" and "(through reference chain: ...)"; only the first line is compared;
  * "Failed to find any class that implements Connector and which name matches X": Java
    appends ", available connectors are: PluginDesc{...}, ..." (its plugin scan's toString);
    connectd stops at the name, so the tail is cut;
  * non-JSON answers (e.g. Jetty's HTML error page for "..%2F" in a path): status only;
  * lists of connector names with `only_run`: sorted (Java's order is a HashMap's), and only
    this run's names kept;
  * GET /admin/loggers with `loggers`: Java lists every log4j2 logger the JVM created (Jetty,
    Kafka clients...), connectd has different internals: only "root" and this run's loggers.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

#: connectd built-ins that are not Apache Kafka plugins, left out of /connector-plugins answers
#: before comparing (the Java worker under test has only the Apache Kafka jars).
CONNECTD_ONLY_PLUGINS = ("io.confluent.connect.kinesis.KinesisSourceConnector",
                         "io.confluent.connect.avro.AvroConverter")

def _drop_connectd_only_recommendations(node):
    if isinstance(node, dict):
        return {k: ([r for r in v if r not in CONNECTD_ONLY_PLUGINS]
                    if k == "recommended_values" and isinstance(v, list)
                    else _drop_connectd_only_recommendations(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_drop_connectd_only_recommendations(v) for v in node]
    return node


INPUT_LINES = ["alpha", "beta", "gamma"]
DEFAULT_WAIT = 30.0

NOBODY = object()


# --------------------------------------------------------------------------- conditions


def _status_is(connector: Optional[str], tasks: Optional[str], min_tasks: int = 1):
    def check(body: Any) -> bool:
        if not isinstance(body, dict):
            return False
        if connector and body.get("connector", {}).get("state") != connector:
            return False
        if tasks:
            states = [t.get("state") for t in body.get("tasks", [])]
            return len(states) >= min_tasks and all(s == tasks for s in states)
        return True

    return check


CONDITIONS: dict[str, Callable[[Any], bool]] = {
    "connector RUNNING": _status_is("RUNNING", None),
    "tasks RUNNING": _status_is("RUNNING", "RUNNING"),
    "tasks PAUSED": _status_is("PAUSED", "PAUSED"),
    "connector STOPPED": lambda b: isinstance(b, dict) and b.get("connector", {}).get("state")
    == "STOPPED" and not b.get("tasks"),
    "tasks FAILED": _status_is(None, "FAILED"),
    "offsets read all input": lambda b: isinstance(b, dict) and any(
        o.get("offset", {}).get("position") == len("".join(f"{x}\n" for x in INPUT_LINES))
        for o in b.get("offsets", [])),
    "offsets empty": lambda b: isinstance(b, dict) and b.get("offsets") == [],
}


# --------------------------------------------------------------------------- HTTP


@dataclass
class Answer:
    status: int
    body: Any  # parsed JSON, or the raw text when not JSON, or None when empty
    is_json: bool
    location: Optional[str]


def http_call(url: str, method: str, *, body: Any = NOBODY, raw: Optional[bytes] = None,
              content_type: Optional[str] = "application/json", timeout: float = 100.0,
              extra_headers: Optional[dict] = None) -> Answer:
    """One request with http.client: the path is sent exactly as written (no normalising of
    "..", "%2F"), and with content_type=None no Content-Type header is sent at all."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    data: Optional[bytes] = None
    if raw is not None:
        data = raw
    elif body is not NOBODY:
        data = json.dumps(body).encode()
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Length"] = str(len(data))
        if content_type is not None:
            headers["Content-Type"] = content_type
    headers.update(extra_headers or {})
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, target, body=data, headers=headers)
        response = connection.getresponse()
        status, payload = response.status, response.read()
        location = response.getheader("Location")
    finally:
        connection.close()
    text = payload.decode("utf-8", "replace")
    try:
        parsed, is_json = (json.loads(text), True) if text.strip() else (None, True)
    except ValueError:
        parsed, is_json = text, False
    return Answer(status, parsed, is_json, location)


# --------------------------------------------------------------------------- runs


@dataclass
class Run:
    """Placeholder values of one scenario on one side."""

    side: str
    token: str
    dir: Path
    values: dict = field(default_factory=dict)

    @classmethod
    def create(cls, side: str, base_dir: Path, scenario_id: str) -> "Run":
        token = f"dt{side[0]}{uuid.uuid4().hex[:6]}"
        run_dir = base_dir / f"{scenario_id}-{token}"
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "in.txt").write_text("".join(f"{line}\n" for line in INPUT_LINES))
        values = {
            "token": token,
            "name": f"{token}-conn",
            "name2": f"{token}-conn2",
            "topic": f"{token}-topic",
            "topic2": f"{token}-topic2",
            "dir": str(run_dir),
            "in": str(run_dir / "in.txt"),
            "out": str(run_dir / "out.txt"),
        }
        return cls(side, token, run_dir, values)

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return re.sub(r"\{(\w+)\}", lambda m: self.values.get(m.group(1), m.group(0)), value)
        if isinstance(value, bytes):
            return self.fill(value.decode("latin-1")).encode("latin-1")
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, dict):
            return {self.fill(k): self.fill(v) for k, v in value.items()}
        return value


# --------------------------------------------------------------------------- normalisation

JACKSON_TAIL = re.compile(r"(\n at \[Source: .*|\s*\(through reference chain: .*)$", re.S)
PLUGIN_LIST_TAIL = re.compile(r", available connectors are: .*$", re.S)


def _normalise_text(text: str, run: Run, worker_url) -> str:
    text = text.replace(str(run.dir), "<dir>").replace(run.token, "<run>")
    for url in ([worker_url] if isinstance(worker_url, str) else worker_url):
        host_port = url.split("://", 1)[1]
        port = host_port.rsplit(":", 1)[1]
        text = text.replace(host_port, "<worker>").replace(f"localhost:{port}", "<worker>")
    return text


def _normalise(value: Any, run: Run, worker_url) -> Any:
    if isinstance(value, str):
        return _normalise_text(value, run, worker_url)
    if isinstance(value, (list, tuple)):
        return [_normalise(v, run, worker_url) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            key = _normalise_text(key, run, worker_url)
            if key == "trace" and isinstance(item, str):
                item = item.splitlines()[0] if item else item
            elif key == "last_modified" and item is not None:
                item = "<ts>"
            elif key == "message" and isinstance(item, str):
                item = PLUGIN_LIST_TAIL.sub("", JACKSON_TAIL.sub("", item))
            out[key] = _normalise(item, run, worker_url)
        return out
    return value


def normalise_answer(step: dict, answer: Answer, run: Run, worker_url) -> dict:
    method, path = step["call"].split(" ", 1)
    compare = step.get("compare", "full")
    result: dict = {"status": answer.status}
    if not answer.is_json:
        result["body"] = "<not json>"
        return result
    body = answer.body
    if compare == "status":
        if isinstance(body, dict) and "error_code" in body:
            result["error_code"] = body["error_code"]
        return result
    if path == "/" and method == "GET" and isinstance(body, dict):
        body = dict(body)
        for key in ("version", "commit"):
            if key in body:
                body[key] = f"<{key}>"
    if step.get("only_run"):
        if isinstance(body, list):
            body = sorted(b for b in body if isinstance(b, str) and run.token in b)
        elif isinstance(body, dict):
            body = {k: v for k, v in body.items() if run.token in k}
    if path.startswith("/connector-plugins") and method == "GET" and isinstance(body, list):
        # connectd's built-in connectors that are not Apache Kafka's (Java's worker under test
        # has only the Apache jars): the Kinesis source is Confluent's, so it is left out.
        body = [b for b in body
                if not (isinstance(b, dict) and b.get("class") in CONNECTD_ONLY_PLUGINS)]
    if "/config/validate" in path and isinstance(body, dict):
        # the same built-ins appear among the converters recommended for *.converter keys
        body = _drop_connectd_only_recommendations(body)
    if step.get("drop_types") and isinstance(body, list):
        body = [b for b in body
                if not (isinstance(b, dict) and b.get("type") in step["drop_types"])]
    if step.get("loggers") and isinstance(body, dict):
        body = {k: v for k, v in body.items() if k == "root" or run.token in k}
    result["body"] = _normalise(body, run, worker_url)
    if answer.location is not None:
        result["location"] = _normalise_text(
            urllib.parse.unquote(answer.location), run, worker_url)
    return result


# --------------------------------------------------------------------------- execution


class ScenarioError(AssertionError):
    pass


def _url(worker_url: str, path: str) -> str:
    return worker_url + path


def _pick_workers(step: dict, urls: list[str], leader: int, run: Run, default) -> list[int]:
    """Indices of the workers a cluster step goes to (see `worker` in the module doc)."""
    target = step.get("worker", default)
    followers = [i for i in range(len(urls)) if i != leader]
    if target == "all":
        return list(range(len(urls)))
    if target == "leader":
        return [leader]
    if target == "follower":
        return [followers[0]]
    if target == "follower2":
        return [followers[1]]
    if isinstance(target, dict):
        name = run.fill(target.get("of", "{name}"))
        answer = http_call(f"{urls[0]}/connectors/{urllib.parse.quote(name, safe='')}/status",
                           "GET", timeout=10)
        body = answer.body if isinstance(answer.body, dict) else {}
        which = target["not_owner_of"]
        if which == "connector":
            owner = body.get("connector", {}).get("worker_id")
        else:
            owner = next((t.get("worker_id") for t in body.get("tasks", [])
                          if t.get("id") == which), None)
        if owner is None:
            raise ScenarioError(f"no owner of {which} of {name} in {answer.body!r}")
        candidates = [i for i in followers if not urls[i].endswith("/" + owner)]
        if not candidates:
            candidates = [i for i in range(len(urls)) if not urls[i].endswith("/" + owner)]
        return [candidates[0]]
    return [int(target)]


def run_scenario(scenario: dict, worker_url, side: str, base_dir: Path,
                 check_expect: bool = True, bootstrap: Optional[str] = None,
                 leader: int = 0) -> list[dict]:
    """Runs the steps on one worker (a URL) or a cluster (a list of URLs, `leader` the index
    of its leader); returns the normalised answers of the calls.

    With check_expect, a status differing from a step's `expect` raises ScenarioError (the
    scenario, not the worker under test, is then wrong - used on the Java side). For a step
    sent to "all" workers `expect` is the list of statuses: the leader's, then the followers'
    sorted.
    """
    urls = [worker_url] if isinstance(worker_url, str) else list(worker_url)
    run = Run.create(side, base_dir, scenario["id"])
    results: list[dict] = []
    try:
        for index, step in enumerate(scenario["steps"]):
            if "wait" in step:
                for target in _pick_workers(step, urls, leader, run, "all"):
                    _wait(step, run, urls[target], scenario["id"], index)
                continue
            if "create_topic" in step:
                create_topic(bootstrap, run.fill(step["create_topic"]), step.get("partitions", 1))
                continue
            method, path = step["call"].split(" ", 1)
            raw = step.get("raw")
            targets = _pick_workers(step, urls, leader, run, 0)
            answers = []
            for target in targets:
                answer = http_call(_url(urls[target], run.fill(path)), method,
                                   body=run.fill(step["body"]) if "body" in step else NOBODY,
                                   raw=run.fill(raw) if raw is not None else None,
                                   content_type=step.get("content_type", "application/json"),
                                   extra_headers=run.fill(step.get("headers") or {}))
                answers.append((target, answer, normalise_answer(step, answer, run, urls)))
            if step.get("worker") == "all":
                # leader first, then the followers: the set of answers, not who said what
                # (with any_order, the leader's answer is not set apart either)
                ordered = sorted(answers, key=lambda a: a[0] != leader)
                if step.get("any_order"):
                    ordered = [(0, None, {"any_order": True})] + sorted(
                        answers, key=lambda a: (a[1].status,
                                                json.dumps(a[2], sort_keys=True)))
                statuses = ([ordered[0][1].status] if ordered[0][1] else []) + sorted(
                    a[1].status for a in ordered[1:])
                normalised = {"all": [ordered[0][2]] + sorted(
                    (a[2] for a in ordered[1:]), key=lambda n: json.dumps(n, sort_keys=True))}
                status_for_divergence = statuses
            else:
                normalised = answers[0][2]
                statuses = answers[0][1].status
                status_for_divergence = statuses
            divergence = step.get("divergence")
            if divergence and (side == "java" or status_for_divergence == divergence["connectd"]):
                normalised = {"divergence": divergence["why"]}
            normalised["step"] = f"#{index} {step['call']}"
            results.append(normalised)
            expect = step.get("expect")
            if check_expect and expect is not None and statuses != expect:
                raise ScenarioError(
                    f"{scenario['id']} step #{index} {method} {run.fill(path)} on {side}: "
                    f"expected {expect}, got {statuses}: "
                    f"{[a[1].body for a in answers]!r}"[:4000])
    finally:
        cleanup(urls[0], run)
    return results


def _wait(step: dict, run: Run, worker_url: str, scenario_id: str, index: int) -> None:
    method, path = step["wait"].split(" ", 1)
    until = step.get("until", step.get("until_status"))
    check = CONDITIONS[until] if isinstance(until, str) else until
    deadline = time.monotonic() + step.get("timeout", DEFAULT_WAIT)
    last: Optional[Answer] = None
    while True:
        last = http_call(_url(worker_url, run.fill(path)), method, timeout=10)
        if "until_status" in step:
            if last.status == step["until_status"]:
                return
        elif last.status < 300 and check(last.body):
            return
        if time.monotonic() >= deadline:
            raise ScenarioError(f"{scenario_id} step #{index}: {until!r} not reached on "
                                f"{run.side} {worker_url} within "
                                f"{step.get('timeout', DEFAULT_WAIT)} s; "
                                f"last answer {last.status} {last.body!r}"[:4000])
        time.sleep(0.2)


def create_topic(bootstrap: Optional[str], topic: str, partitions: int = 1) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    if not bootstrap:
        raise ScenarioError("scenario creates a topic: run_scenario needs bootstrap=")
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(topic, partitions, 1)]).values():
        future.result(timeout=30)
    deadline = time.monotonic() + 30
    while topic not in admin.list_topics(timeout=10).topics:
        if time.monotonic() >= deadline:
            raise ScenarioError(f"topic {topic} not listed 30 s after creation")
        time.sleep(0.2)


def cleanup(worker_url: str, run: Run) -> None:
    """Deletes the connectors of this run (names containing its token) that a URL can reach."""
    answer = http_call(worker_url + "/connectors", "GET", timeout=30)
    if answer.status != 200 or not isinstance(answer.body, list):
        return
    for name in answer.body:
        if run.token in name and "/" not in name:
            http_call(worker_url + "/connectors/" + urllib.parse.quote(name, safe=""), "DELETE",
                      timeout=30)


def _differences(a: object, b: object, path: str, out: list[str], limit: int = 12) -> None:
    """The first `limit` paths where `a` (java) and `b` (connectd) differ."""
    if len(out) >= limit or a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            _differences(a.get(k, "<absent>"), b.get(k, "<absent>"), f"{path}.{k}", out, limit)
        return
    if isinstance(a, list) and isinstance(b, list):
        # config infos: match entries by their name when both sides list named items
        def key(item: object) -> object:
            if isinstance(item, dict):
                v = item.get("value")
                if isinstance(v, dict) and "name" in v:
                    return v["name"]
                return item.get("name", item.get("class"))
            return None
        ka, kb = [key(x) for x in a], [key(x) for x in b]
        if all(k is not None for k in ka + kb) and len(set(ka)) == len(ka):
            if ka != kb:
                out.append(f"{path}: order/members differ: java-only {sorted(set(ka) - set(kb))}"
                           f" connectd-only {sorted(set(kb) - set(ka))}"
                           + ("" if set(ka) != set(kb) else " (same members, other order)"))
            for x in a:
                for y in b:
                    if key(x) == key(y):
                        _differences(x, y, f"{path}[{key(x)}]", out, limit)
            return
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items in java, {len(b)} in connectd")
        for i, (x, y) in enumerate(zip(a, b)):
            _differences(x, y, f"{path}[{i}]", out, limit)
        return
    out.append(f"{path}: java {json.dumps(a)[:400]} | connectd {json.dumps(b)[:400]}")


def diff_results(scenario_id: str, reference: list[dict], candidate: list[dict]) -> list[str]:
    """Human-readable differences (empty when the two sides agree)."""
    problems: list[str] = []
    for ref, got in zip(reference, candidate):
        if ref != got:
            where: list[str] = []
            _differences(ref, got, "", where)
            problems.append(f"{scenario_id} {ref['step']}:\n    " + "\n    ".join(where))
    if len(reference) != len(candidate):
        problems.append(f"{scenario_id}: java answered {len(reference)} calls, connectd "
                        f"{len(candidate)}")
    return problems
