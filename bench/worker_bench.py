#!/usr/bin/env python3
"""Worker benchmark: connectd standalone vs the Java 4.3.1 ConnectStandalone vs raw librdkafka.

One run, one broker (started here, or KAFKA_BOOTSTRAP), each worker measured in turn:

  startup      seconds from exec to the first 200 answer of `GET /` (fresh worker, no connectors)
  idle RSS     VmRSS of the worker process 3 s after startup, no connectors
  source       FileStreamSource reads a file of N lines of 100 bytes (99 + '\\n') into a fresh
               1-partition topic: records/s = (N - 1) / (last - first record timestamp) from the
               topic itself (LogAppendTime: stamped by the broker on append), plus wall-clock
               records/s from the POST until the topic's end offset reaches N
  sink         FileStreamSink writes that topic to a file: records/s = N / (seconds from the POST
               until the file holds all N lines); includes the consumer group join
  RSS 10 tasks VmRSS with 10 FileStreamSource connectors (1 task each) RUNNING, 3 s settled,
               in a freshly restarted worker (not the one that ran the N-record tests)
  raw          bench_raw_produce (librdkafka, acks=all, max.in.flight=1, idempotence off) sends
               N records of 99 bytes: the produce ceiling, timestamp-measured like `source`

Prints a markdown table (values and connectd/Java, connectd/raw ratios) on stdout; progress on
stderr. Usage: worker_bench.py --build-dir DIR [--records N] [--workers java,connectd]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from confluent_kafka import Consumer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402

from harness.peers import (  # noqa: E402
    ConnectdWorker,
    JavaStandaloneWorker,
    KafkaBroker,
    connectd_standalone_unsupported,
    http_json,
    make_work_dir,
    wait_until,
)

LINE_BYTES = 100
# connect-standalone.sh's defaults (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS)
JAVA_BENCH_JVM = ["-Xms256M", "-Xmx2G", "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                  "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent"]


def log(message: str) -> None:
    print(f"worker_bench: {message}", file=sys.stderr, flush=True)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def make_input(path: Path, lines: int) -> None:
    body = ("x" * (LINE_BYTES - 12))
    with open(path, "w") as out:
        for number in range(lines):
            out.write(f"{number:010d} {body}\n")  # 10 + 1 + 88 + 1 = 100 bytes


def create_topic(admin: AdminClient, topic: str) -> None:
    # LogAppendTime: the broker stamps each batch as it appends it, so record timestamps
    # measure what reached the log (CreateTime would measure the producer's enqueue rate)
    new_topic = NewTopic(topic, 1, 1, config={"message.timestamp.type": "LogAppendTime"})
    for future in admin.create_topics([new_topic]).values():
        future.result(timeout=30)
    wait_until(lambda: topic in admin.list_topics(timeout=5).topics, what=f"topic {topic}",
               timeout=30)


def end_offset(bootstrap: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "worker-bench-probe"})
    try:
        return consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)[1]
    finally:
        consumer.close()


def record_timestamp(bootstrap: str, topic: str, offset: int) -> float:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "worker-bench-probe",
                         "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition(topic, 0, offset)])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is not None and not message.error():
                return message.timestamp()[1] / 1000.0
        raise RuntimeError(f"no record at {topic}:0@{offset}")
    finally:
        consumer.close()


def timestamp_rate(bootstrap: str, topic: str, records: int) -> float:
    first = record_timestamp(bootstrap, topic, 0)
    last = record_timestamp(bootstrap, topic, records - 1)
    return (records - 1) / max(last - first, 1e-3)


def post_connector(url: str, name: str, config: dict) -> None:
    status, body = http_json("POST", url + "/connectors", {"name": name, "config": config},
                             timeout=60)
    if status != 201:
        raise RuntimeError(f"create {name}: {status} {body}")


def all_running(url: str, names: list[str]) -> bool:
    for name in names:
        status, body = http_json("GET", f"{url}/connectors/{name}/status")
        if status != 200 or body["connector"]["state"] != "RUNNING" or \
                [t["state"] for t in body["tasks"]] != ["RUNNING"]:
            return False
    return True


def start_worker(kind: str, work_dir: Path, bootstrap: str, build_dir: Path):
    if kind == "java":
        return JavaStandaloneWorker.start(work_dir, bootstrap, name=f"bench-java-{os.getpid()}",
                                          jvm_options=JAVA_BENCH_JVM)
    return ConnectdWorker.start(work_dir, bootstrap, build_dir=build_dir,
                                name=f"bench-connectd-{os.getpid()}")


def bench_worker(kind: str, work_dir: Path, bootstrap: str, build_dir: Path, records: int,
                 input_file: Path, admin: AdminClient, timeout: float) -> dict:
    result: dict = {}
    tag = f"{kind}{os.getpid()}"
    worker = start_worker(kind, work_dir, bootstrap, build_dir)
    try:
        result["startup_s"] = worker.startup_seconds
        time.sleep(3)
        result["idle_rss_mib"] = rss_kib(worker.pid) / 1024
        log(f"{kind}: up in {worker.startup_seconds:.2f} s, idle RSS "
            f"{result['idle_rss_mib']:.1f} MiB")

        topic = f"bench-{tag}-source"
        create_topic(admin, topic)
        started = time.monotonic()
        post_connector(worker.url, f"bench-{tag}-source", {
            "connector.class": "FileStreamSource", "file": str(input_file), "topic": topic,
            "tasks.max": "1"})
        wait_until(lambda: end_offset(bootstrap, topic) >= records,
                   what=f"{records} records in {topic}", timeout=timeout, process=worker.process,
                   interval=0.5)
        result["source_wall_rps"] = records / (time.monotonic() - started)
        result["source_rps"] = timestamp_rate(bootstrap, topic, records)
        log(f"{kind}: source {result['source_rps']:.0f} records/s (timestamps), "
            f"{result['source_wall_rps']:.0f} wall")
        http_json("DELETE", f"{worker.url}/connectors/bench-{tag}-source", timeout=60)

        out_file = work_dir / f"sink-{tag}.txt"
        started = time.monotonic()
        post_connector(worker.url, f"bench-{tag}-sink", {
            "connector.class": "FileStreamSink", "file": str(out_file), "topics": topic,
            "tasks.max": "1"})
        wanted = records * LINE_BYTES
        wait_until(lambda: out_file.exists() and out_file.stat().st_size >= wanted,
                   what=f"{records} lines in {out_file}", timeout=timeout, process=worker.process,
                   interval=0.2)
        result["sink_rps"] = records / (time.monotonic() - started)
        log(f"{kind}: sink {result['sink_rps']:.0f} records/s")
        http_json("DELETE", f"{worker.url}/connectors/bench-{tag}-sink", timeout=60)
        out_file.unlink(missing_ok=True)

        # a fresh process for the 10-task RSS: the JVM heap grown by the N-record runs would
        # otherwise be counted (same files, same offsets file; connectors were created by REST)
        worker.restart()
        time.sleep(3)
        names = []
        for index in range(10):
            small = work_dir / f"small-{tag}-{index}.txt"
            small.write_text("".join(f"line {n}\n" for n in range(100)))
            name = f"bench-{tag}-task{index}"
            post_connector(worker.url, name, {"connector.class": "FileStreamSource",
                                              "file": str(small), "topic": f"bench-{tag}-t{index}",
                                              "tasks.max": "1"})
            names.append(name)
        wait_until(lambda: all_running(worker.url, names), what="10 connectors RUNNING",
                   timeout=120, process=worker.process, interval=0.5)
        time.sleep(3)
        result["rss_10_tasks_mib"] = rss_kib(worker.pid) / 1024
        log(f"{kind}: RSS with 10 tasks {result['rss_10_tasks_mib']:.1f} MiB")
    finally:
        worker.stop()
    return result


def bench_raw(build_dir: Path, bootstrap: str, records: int, admin: AdminClient) -> dict:
    tool = build_dir / "bench_raw_produce"
    topic = f"bench-raw{os.getpid()}"
    create_topic(admin, topic)
    output = subprocess.run([str(tool), bootstrap, topic, str(records), str(LINE_BYTES - 1)],
                            check=True, capture_output=True, text=True, timeout=600).stdout
    log(output.strip())
    fields = dict(part.split("=", 1) for part in output.split()[1:])
    return {"source_rps": timestamp_rate(bootstrap, topic, records),
            "source_wall_rps": float(fields["records_per_sec"])}


def table(results: dict, records: int) -> str:
    rows = [("Startup: exec → `GET /` (s)", "startup_s", "{:.3f}", False),
            ("Idle RSS (MiB)", "idle_rss_mib", "{:.1f}", False),
            ("RSS, 10 source tasks (MiB)", "rss_10_tasks_mib", "{:.1f}", False),
            ("FileStream source → Kafka (records/s, record timestamps)", "source_rps", "{:,.0f}",
             True),
            ("FileStream source → Kafka (records/s, wall clock)", "source_wall_rps", "{:,.0f}",
             True),
            ("Kafka → FileStream sink (records/s, wall clock)", "sink_rps", "{:,.0f}", True)]
    cols = [k for k in ("connectd", "java", "raw") if k in results]
    head = {"connectd": "connectd", "java": "Java 4.3.1", "raw": "raw librdkafka"}
    lines = ["| Metric | " + " | ".join(head[c] for c in cols) + " | connectd / Java | "
             "connectd / raw |", "|---|" + "---:|" * (len(cols) + 2)]
    for label, key, fmt, _ in rows:
        cells = []
        for col in cols:
            value = results[col].get(key)
            cells.append(fmt.format(value) if isinstance(value, (int, float)) else "-")

        def ratio(other: str) -> str:
            a = results.get("connectd", {}).get(key)
            b = results.get(other, {}).get(key)
            return f"{a / b:.2f}x" if isinstance(a, (int, float)) and b else "-"

        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio('java')} | {ratio('raw')} |")
    lines.append("")
    lines.append(f"{records:,} lines of {LINE_BYTES} bytes, one broker (Kafka 4.3.1 KRaft, 1 "
                 f"partition), {os.cpu_count()} CPUs; Java with connect-standalone.sh's JVM flags.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", type=Path, default=REPO / "build-bench")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--workers", default="connectd,java")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()

    work_dir = make_work_dir("connectd-worker-bench-")
    broker = KafkaBroker.from_environment()
    own_broker = broker is None
    if own_broker:
        log("starting a Kafka broker")
        broker = KafkaBroker.start(work_dir)
    bootstrap = broker.bootstrap
    admin = AdminClient({"bootstrap.servers": bootstrap})
    results: dict = {}
    try:
        input_file = work_dir / "input.txt"
        log(f"writing {args.records} lines to {input_file}")
        make_input(input_file, args.records)
        for kind in [k for k in args.workers.split(",") if k]:
            if kind == "connectd":
                reason = connectd_standalone_unsupported(args.build_dir)
                if reason:
                    log(f"connectd column skipped: {reason}")
                    continue
            log(f"benchmarking {kind}")
            results[kind] = bench_worker(kind, work_dir, bootstrap, args.build_dir, args.records,
                                         input_file, admin, args.timeout)
        log("benchmarking raw librdkafka")
        results["raw"] = bench_raw(args.build_dir, bootstrap, args.records, admin)
    finally:
        if own_broker:
            broker.stop()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(table(results, args.records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
