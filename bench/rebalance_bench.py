#!/usr/bin/env python3
"""Distributed rebalance benchmark: a third worker joins a 2-worker cluster running 30 tasks,
connectd distributed workers vs Java 4.3.1 ConnectDistributed workers.

One run, one broker (started here, or KAFKA_BOOTSTRAP), each kind measured in turn in a fresh
Connect cluster (own group.id and internal topics), with identical worker.properties (the
harness's distributed_worker_properties: heartbeat.interval.ms=1000, session.timeout.ms=10000,
scheduled.rebalance.max.delay.ms=2000 -- the delay only applies to *lost* work, not to a join):

  cluster up       seconds from starting worker 1 until worker 2 is ready (REST + plugins)
  fresh RSS        VmRSS of each worker (process and its descendants) 3 s after it is ready
  first RUNNING    seconds from the first POST until all 30 connectors and their 30 tasks
                   (30 FileStreamSource connectors, tasks.max=1, each reading its own 100-line
                   file into its own topic) are RUNNING on the 2 workers; the POSTs go to
                   worker 1 back to back (the next once the previous answered 201; 409/5xx
                   answers retried every 50 ms), their median latency is reported too
  RSS before       VmRSS of workers 1 and 2, all 60 units running, files read, settled 3 s
  join -> spread   seconds from exec of worker 3 until every connector and task is RUNNING
                   again and worker 3 runs at least one connector and one task
  join -> balanced seconds from exec of worker 3 until all RUNNING and each worker runs 10
                   connectors and 10 tasks (what both assignors aim for)
                   (both polled every 50 ms on GET /connectors?expand=status of worker 1);
                   also reported from worker 3's readiness (REST up), which excludes the
                   JVM's start-up
  rounds           rebalance rounds for the join: highest "Joined group at generation N" in
                   the three worker logs 5 s after balance, minus the highest before worker 3
                   started (both implementations log that line)
  RSS after        VmRSS of all three workers 5 s after balance

Prints a markdown table (values and connectd/Java ratios) on stdout; progress on stderr.
Usage: rebalance_bench.py --build-dir DIR [--kinds java,connectd] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "integration"))

from harness.peers import (  # noqa: E402
    ConnectdDistributedWorker,
    JavaConnectWorker,
    KafkaBroker,
    http_json,
    kafka_version,
    make_work_dir,
    wait_until,
)
from dist_util import file_source_config  # noqa: E402

CONNECTORS = 30
WORKERS_AFTER = 3
POLL_S = 0.05
GENERATION_RE = re.compile(rb"Joined group at generation (\d+)")


def log(message: str) -> None:
    print(f"rebalance_bench: {message}", file=sys.stderr, flush=True)


def descendants(pid: int) -> list[int]:
    """pid and all its descendant processes (from /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                pass
    return found


def rss_mib(pid: int) -> float:
    """VmRSS of `pid` plus its descendants (the Java worker's argv is the JVM itself)."""
    total = 0
    for proc in descendants(pid):
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def max_generation(workers) -> int:
    best = -1
    for worker in workers:
        try:
            text = Path(worker.log_file).read_bytes()
        except OSError:
            continue
        for match in GENERATION_RE.finditer(text):
            best = max(best, int(match.group(1)))
    return best


def generation_lines(workers) -> list[str]:
    lines = []
    for worker in workers:
        for raw in Path(worker.log_file).read_bytes().splitlines():
            if GENERATION_RE.search(raw):
                lines.append(f"{worker.name}: {raw.decode('utf-8', 'replace')[:300]}")
    return lines


def cluster_status(url: str) -> dict | None:
    try:
        status, body = http_json("GET", f"{url}/connectors?expand=status", timeout=5.0)
    except OSError:
        return None
    return body if status == 200 and isinstance(body, dict) else None


def placement(body: dict, names: list[str]) -> dict | None:
    """{worker_id: [connectors, tasks]} when every connector and task in `names` is RUNNING,
    else None."""
    counts: dict[str, list[int]] = {}
    for name in names:
        entry = body.get(name, {}).get("status")
        if not entry or entry["connector"]["state"] != "RUNNING" or len(entry["tasks"]) != 1:
            return None
        counts.setdefault(entry["connector"]["worker_id"], [0, 0])[0] += 1
        for task in entry["tasks"]:
            if task["state"] != "RUNNING":
                return None
            counts.setdefault(task["worker_id"], [0, 0])[1] += 1
    return counts


def post_connector(url: str, name: str, config: dict, timeout: float = 120.0) -> list:
    """POST /connectors, retried every 50 ms while the cluster refuses (409 rebalancing, 5xx
    no leader yet); returns every status code answered, the 201 last."""
    answers: list = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, body = http_json("POST", f"{url}/connectors", {"name": name, "config": config},
                                     timeout=30.0)
        except OSError as error:
            status, body = "error", str(error)
        answers.append(status)
        if status == 201:
            return answers
        if status not in (409, 500, 503, "error"):
            raise RuntimeError(f"create {name}: {status} {body}")
        time.sleep(POLL_S)
    raise RuntimeError(f"create {name}: no 201 within {timeout:.0f} s; answers {answers}")


def start_worker(kind: str, work_dir: Path, bootstrap: str, build_dir: Path, group: str,
                 index: int):
    name = f"{kind}-w{index}"
    if kind == "java":
        return JavaConnectWorker.start(work_dir, bootstrap, group_id=group, name=name,
                                       timeout=180.0)
    return ConnectdDistributedWorker.start(work_dir, bootstrap, build_dir=build_dir,
                                           group_id=group, name=name, timeout=60.0)


def bench_kind(kind: str, work_dir: Path, bootstrap: str, build_dir: Path,
               timeout: float) -> dict:
    result: dict = {}
    group = f"bench-rebalance-{kind}-{os.getpid()}"
    workers = []
    try:
        started = time.monotonic()
        workers.append(start_worker(kind, work_dir, bootstrap, build_dir, group, 1))
        workers.append(start_worker(kind, work_dir, bootstrap, build_dir, group, 2))
        result["cluster_up_s"] = time.monotonic() - started
        time.sleep(3)
        result["fresh_rss_mib"] = [rss_mib(w.process.pid) for w in workers]
        log(f"{kind}: 2 workers up in {result['cluster_up_s']:.2f} s, RSS "
            f"{[round(r, 1) for r in result['fresh_rss_mib']]} MiB")

        url = workers[0].url
        names = []
        post_seconds: list[float] = []
        retried = 0
        refusals: dict[str, int] = {}
        started = time.monotonic()
        for index in range(CONNECTORS):
            data = work_dir / f"{kind}-input-{index}.txt"
            data.write_text("".join(f"{kind} {index} line {n}\n" for n in range(100)))
            name = f"src-{index:02d}"
            posted = time.monotonic()
            answers = post_connector(url, name, file_source_config(data, f"{group}-t{index:02d}"))
            post_seconds.append(time.monotonic() - posted)
            retried += len(answers) - 1
            for code in answers[:-1]:
                refusals[str(code)] = refusals.get(str(code), 0) + 1
            names.append(name)
        result["post_30_s"] = time.monotonic() - started
        result["post_median_s"] = statistics.median(post_seconds)
        result["post_max_s"] = max(post_seconds)
        result["post_refusals"] = refusals
        wait_until(lambda: (lambda b: b is not None and placement(b, names) is not None)(
                       cluster_status(url)),
                   what=f"{kind}: {CONNECTORS} connectors RUNNING", timeout=timeout,
                   process=workers[0].process, interval=POLL_S)
        result["first_running_s"] = time.monotonic() - started
        before = placement(cluster_status(url), names)
        result["placement_before"] = before
        log(f"{kind}: all RUNNING {result['first_running_s']:.2f} s after the first POST "
            f"(POSTs took {result['post_30_s']:.2f} s, median {result['post_median_s']:.3f} s, "
            f"retried answers {refusals}), placement {before}")
        time.sleep(3)
        result["rss_before_mib"] = [rss_mib(w.process.pid) for w in workers]
        generation_before = max_generation(workers)
        result["generation_before"] = generation_before

        # ---- the join
        joined = time.monotonic()
        workers.append(start_worker(kind, work_dir, bootstrap, build_dir, group, 3))
        result["third_ready_s"] = time.monotonic() - joined
        third = workers[2].worker_id
        spread_at = balanced_at = None
        samples = 0
        deadline = joined + timeout
        last = None
        while time.monotonic() < deadline:
            body = cluster_status(url)
            samples += 1
            counts = placement(body, names) if body is not None else None
            now = time.monotonic()
            if counts is not None:
                last = counts
                if spread_at is None and counts.get(third, [0, 0])[0] > 0 and \
                        counts.get(third, [0, 0])[1] > 0:
                    spread_at = now
                per = CONNECTORS // WORKERS_AFTER
                if len(counts) == WORKERS_AFTER and all(c == [per, per] for c in counts.values()):
                    balanced_at = now
                    break
            if any(not w.process.alive() for w in workers):
                raise RuntimeError(f"{kind}: a worker exited during the join")
            time.sleep(POLL_S)
        result["placement_after"] = last
        result["join_spread_s"] = spread_at - joined if spread_at else None
        result["join_balanced_s"] = balanced_at - joined if balanced_at else None
        result["ready_balanced_s"] = (balanced_at - joined - result["third_ready_s"]
                                      if balanced_at else None)
        if balanced_at is None:
            log(f"{kind}: NOT balanced within {timeout:.0f} s; last placement {last}")
        else:
            log(f"{kind}: third worker ready {result['third_ready_s']:.2f} s; spread "
                f"{result['join_spread_s']:.2f} s, balanced {result['join_balanced_s']:.2f} s "
                f"after exec ({samples} polls); placement {last}")
        time.sleep(5)
        generation_after = max_generation(workers)
        result["generation_after"] = generation_after
        result["rounds"] = generation_after - generation_before
        result["rss_after_mib"] = [rss_mib(w.process.pid) for w in workers]
        result["generation_log"] = generation_lines(workers)
        # still balanced and RUNNING after the settle time (no trailing storm)
        final = cluster_status(url)
        result["placement_settled"] = placement(final, names) if final else None
        log(f"{kind}: generations {generation_before} -> {generation_after} "
            f"({result['rounds']} rounds); RSS before {fmt_list(result['rss_before_mib'])}, "
            f"after {fmt_list(result['rss_after_mib'])} MiB")
    finally:
        for worker in reversed(workers):
            worker.stop()
        result["logs"] = [str(w.log_file) for w in workers]
    return result


def fmt_list(values, fmt: str = "{:.1f}") -> str:
    return " / ".join(fmt.format(v) for v in values)


def table(results: dict) -> str:
    def total(key):
        return lambda r: sum(r[key]) if r.get(key) else None

    rows = [
        ("2 workers up: exec w1 → w2 ready (s)", lambda r: r.get("cluster_up_s"), "{:.2f}"),
        ("30 connectors + 30 tasks RUNNING on 2 workers, from first POST (s)",
         lambda r: r.get("first_running_s"), "{:.2f}"),
        ("POST /connectors, median of 30 (s)", lambda r: r.get("post_median_s"), "{:.3f}"),
        ("Third worker: exec → ready (s)", lambda r: r.get("third_ready_s"), "{:.2f}"),
        ("Join: exec w3 → all RUNNING, w3 has work (s)", lambda r: r.get("join_spread_s"),
         "{:.2f}"),
        ("Join: exec w3 → all RUNNING, 10+10 per worker (s)",
         lambda r: r.get("join_balanced_s"), "{:.2f}"),
        ("Join: w3 ready → balanced (s)", lambda r: r.get("ready_balanced_s"), "{:.2f}"),
        ("Rebalance rounds for the join (generations)", lambda r: r.get("rounds"), "{:d}"),
        ("RSS fresh, per worker (MiB)", lambda r: r.get("fresh_rss_mib"), None),
        ("RSS before join, 15+15 each, per worker (MiB)", lambda r: r.get("rss_before_mib"),
         None),
        ("RSS after join, per worker (MiB)", lambda r: r.get("rss_after_mib"), None),
        ("RSS after join, sum of 3 workers (MiB)", total("rss_after_mib"), "{:.1f}"),
    ]
    cols = [k for k in ("connectd", "java") if k in results]
    head = {"connectd": "connectd", "java": "Java 4.3.1"}
    lines = ["| Metric | " + " | ".join(head[c] for c in cols) + " | connectd / Java |",
             "|---|" + "---:|" * (len(cols) + 1)]
    for label, get, fmt in rows:
        cells = []
        values = {}
        for col in cols:
            value = get(results[col])
            values[col] = value
            if isinstance(value, list):
                cells.append(fmt_list(value))
            elif isinstance(value, (int, float)):
                cells.append(fmt.format(value))
            else:
                cells.append("-")
        a, b = values.get("connectd"), values.get("java")
        if isinstance(a, list) and isinstance(b, list) and b and sum(b):
            ratio = f"{sum(a) / sum(b):.2f}x"
        elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
            ratio = f"{a / b:.2f}x"
        else:
            ratio = "-"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio} |")
    lines.append("")
    lines.append(f"{CONNECTORS} FileStreamSource connectors (1 task each), one broker (Kafka "
                 f"{kafka_version()} KRaft), {os.cpu_count()} CPUs; status polled every "
                 f"{int(POLL_S * 1000)} ms; one run.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", type=Path, default=REPO / "build-bench")
    parser.add_argument("--kinds", default="connectd,java")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()

    work_dir = make_work_dir("connectd-rebalance-bench-")
    log(f"work dir {work_dir}")
    broker = KafkaBroker.from_environment()
    own_broker = broker is None
    if own_broker:
        log("starting a Kafka broker")
        broker = KafkaBroker.start(work_dir)
    results: dict = {}
    try:
        for kind in [k for k in args.kinds.split(",") if k]:
            log(f"benchmarking {kind}")
            results[kind] = bench_kind(kind, work_dir, broker.bootstrap, args.build_dir,
                                       args.timeout)
    finally:
        if own_broker:
            broker.stop()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
