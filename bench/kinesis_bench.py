#!/usr/bin/env python3
"""Kinesis source benchmark: the connectd Kinesis source connector against kinesis-mock, next to
the emulator's own GetRecords rate measured with the bare C client.

One broker (started here, or KAFKA_BOOTSTRAP) and one kinesis-mock; for each shard count
(default 1, 4, 16) a fresh stream is created and preloaded with N records (default 20000 of
~200 bytes, partition keys "key-<i>" spread over all shards, written with the harness's
KinesisClient.put_records in batches of 500), then:

  bare client     `kinesis_tool read` (tests/tools/kinesis_tool.c, the same kinesis_client
                  the connector uses) reads the whole stream from TRIM_HORIZON and prints
                  records/s and MB/s: the ceiling the emulator allows
  connectd        a fresh connectd distributed worker; POST the KinesisSourceConnector
                  (TRIM_HORIZON, kinesis.record.limit=10000, empty-records backoff 200 ms,
                  tasks.max = shards, StringConverter keys, ByteArrayConverter values) into a
                  fresh 1-partition topic with LogAppendTime; end offsets polled every 50 ms
     POST -> all N     seconds from the POST until the topic holds N records (includes the
                       connector and task start, ListShards and GetShardIterator)
     POST -> first     seconds until the first record is in the topic (start-up cost;
                       records/s and MB/s are N / (POST -> all), start-up included, as the
                       bare client's seconds include its ListShards and GetShardIterator)
     append span       broker append time of the last record minus the first's (JSON only:
                       a GetRecords page of up to 10000 records lands as one or a few
                       producer batches, so this is too coarse for a rate)
     RSS               peak VmRSS of the worker sampled while it ran, and at the end
  ratio           connectd records/s divided by the bare client's

Prints a markdown table on stdout; progress on stderr.
Usage: kinesis_bench.py --build-dir DIR [--shards 1,4,16] [--records N] [--json FILE]
"""

from __future__ import annotations

import argparse
import base64
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

from harness.kinesis import KinesisClient  # noqa: E402
from harness.peers import (  # noqa: E402
    ConnectdDistributedWorker,
    KafkaBroker,
    KinesisMock,
    http_json,
    kafka_version,
    make_work_dir,
    wait_until,
)

REGION = "us-east-1"
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "secret"
POLL_S = 0.05


def log(message: str) -> None:
    print(f"kinesis_bench: {message}", file=sys.stderr, flush=True)


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def payloads(count: int, size: int) -> list[tuple[str, bytes]]:
    """count records of exactly `size` bytes; keys spread over the hash space."""
    out = []
    for i in range(count):
        head = f'{{"id":{i},"pad":"'.encode()
        tail = b'"}'
        out.append((f"key-{i}", head + b"x" * max(0, size - len(head) - len(tail)) + tail))
    return out


def preload(client: KinesisClient, stream: str, data: list[tuple[str, bytes]]) -> int:
    """PutRecords in batches of 500; entries the emulator refuses (its per-shard write limits)
    are retried in later batches after a short pause. Order does not matter here.
    Returns how many entries were refused along the way."""
    pending = list(data)
    refused = 0
    deadline = time.monotonic() + 300
    while pending:
        if time.monotonic() > deadline:
            raise RuntimeError(f"preload: {len(pending)} records still refused")
        chunk, pending = pending[:500], pending[500:]
        reply = client.call("PutRecords", {"StreamName": stream, "Records": [
            {"PartitionKey": k, "Data": base64.b64encode(d).decode()} for k, d in chunk]})
        failed = [rec for rec, entry in zip(chunk, reply["Records"]) if entry.get("ErrorCode")]
        if failed:
            refused += len(failed)
            pending.extend(failed)
            time.sleep(0.2)
    return refused


def find_tool(build_dir: Path) -> Path | None:
    for candidate in (build_dir / "tests" / "tools" / "kinesis_tool", build_dir / "kinesis_tool",
                      REPO / "build" / "tests" / "tools" / "kinesis_tool",
                      REPO / "build" / "kinesis_tool"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def bare_client(tool: Path, endpoint: str, stream: str, records: int, timeout: float) -> dict:
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
    argv = [str(tool), "read", "--endpoint", endpoint, "--region", REGION, "--stream", stream,
            "--limit", "10000", "--max-records", str(records), "--seconds", str(int(timeout))]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout + 30)
    if done.returncode != 0:
        raise RuntimeError(f"kinesis_tool exited {done.returncode}: {done.stderr[-500:]}")
    lines = [line for line in done.stdout.splitlines() if line.strip().startswith("{")]
    if not lines:
        raise RuntimeError(f"kinesis_tool printed no JSON: {done.stdout[-500:]}")
    return json.loads(lines[-1])


def create_topic(admin: AdminClient, topic: str) -> None:
    new_topic = NewTopic(topic, 1, 1, config={"message.timestamp.type": "LogAppendTime"})
    for future in admin.create_topics([new_topic]).values():
        future.result(timeout=30)
    wait_until(lambda: topic in admin.list_topics(timeout=5).topics, what=f"topic {topic}",
               timeout=30)


def append_time(consumer: Consumer, topic: str, offset: int) -> float:
    """Broker append time (s) of the record at `offset` of partition 0."""
    consumer.assign([TopicPartition(topic, 0, offset)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message = consumer.poll(1.0)
        if message is not None and not message.error():
            return message.timestamp()[1] / 1000.0
    raise RuntimeError(f"no record at {topic}:0@{offset}")


def connector_config(topic: str, stream: str, endpoint: str, shards: int) -> dict:
    return {
        "connector.class": "io.confluent.connect.kinesis.KinesisSourceConnector",
        "kafka.topic": topic,
        "kinesis.stream": stream,
        "kinesis.region": REGION,
        "kinesis.base.url": endpoint,
        "aws.access.key.id": ACCESS_KEY,
        "aws.secret.key.id": SECRET_KEY,
        "kinesis.position": "TRIM_HORIZON",
        "kinesis.empty.records.backoff.ms": "200",
        "kinesis.record.limit": "10000",
        "tasks.max": str(shards),
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
    }


def run_connectd(work_dir: Path, bootstrap: str, build_dir: Path, endpoint: str, stream: str,
                 shards: int, records: int, timeout: float) -> dict:
    result: dict = {}
    tag = f"{shards}-{os.getpid()}"
    topic = f"kinesis-bench-{tag}"
    admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": 0})
    create_topic(admin, topic)
    probe = Consumer({"bootstrap.servers": bootstrap, "group.id": f"kinesis-bench-probe-{tag}",
                      "enable.auto.commit": False, "log_level": 0})
    worker = ConnectdDistributedWorker.start(work_dir, bootstrap, build_dir=build_dir,
                                             group_id=f"kinesis-bench-{tag}",
                                             name=f"connectd-kinesis-{shards}")
    pid = worker.process.pid
    try:
        time.sleep(1)
        result["rss_idle_mib"] = rss_mib(pid)
        posted = time.monotonic()
        status, body = http_json("POST", f"{worker.url}/connectors",
                                 {"name": f"kinesis-{shards}",
                                  "config": connector_config(topic, stream, endpoint, shards)},
                                 timeout=30.0)
        if status != 201:
            raise RuntimeError(f"POST /connectors: {status} {body}")
        peak = 0.0
        end = 0
        deadline = posted + timeout
        while time.monotonic() < deadline:
            end = probe.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)[1]
            peak = max(peak, rss_mib(pid))
            if end > 0 and "post_to_first_s" not in result:
                result["post_to_first_s"] = time.monotonic() - posted
            if end >= records:
                break
            if not worker.process.alive():
                raise RuntimeError(f"connectd exited:\n{worker.log_tail()}")
            time.sleep(POLL_S)
        result["post_to_all_s"] = time.monotonic() - posted
        result["in_topic"] = end
        if end < records:
            status, body = http_json("GET", f"{worker.url}/connectors/kinesis-{shards}/status")
            log(f"{shards} shards: only {end}/{records} records within {timeout:.0f} s; "
                f"status {body}")
            result["post_to_all_s"] = None
        else:
            first = append_time(probe, topic, 0)
            last = append_time(probe, topic, records - 1)
            result["append_span_s"] = last - first
        time.sleep(1)
        # duplicates would show as more records than were written
        result["in_topic"] = probe.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)[1]
        result["rss_peak_mib"] = max(peak, rss_mib(pid))
        result["rss_end_mib"] = rss_mib(pid)
    finally:
        worker.stop()
        probe.close()
        result["log"] = str(worker.log_file)
    return result


def bench_shards(shards: int, args, work_dir: Path, bootstrap: str, mock: KinesisMock,
                 tool: Path | None) -> dict:
    client = KinesisClient(mock.endpoint, region=REGION, access_key=ACCESS_KEY,
                           secret_key=SECRET_KEY, timeout=60.0)
    stream = f"bench-{shards}-{os.getpid()}"
    result: dict = {"shards": shards, "records": args.records, "record_bytes": args.size}
    client.create_stream(stream, shards)
    started = time.monotonic()
    data = payloads(args.records, args.size)
    result["preload_refused"] = preload(client, stream, data)
    result["preload_s"] = time.monotonic() - started
    result["payload_bytes"] = sum(len(d) for _, d in data)
    log(f"{shards} shards: preloaded {args.records} records in {result['preload_s']:.1f} s "
        f"({result['preload_refused']} entries refused and retried)")

    if tool is not None and "bare" in args.kinds:
        bare = bare_client(tool, mock.endpoint, stream, args.records, args.timeout)
        result["bare"] = bare
        log(f"{shards} shards: bare client {bare}")
    if "connectd" in args.kinds:
        result["connectd"] = run_connectd(work_dir, bootstrap, args.build_dir, mock.endpoint,
                                          stream, shards, args.records, args.timeout)
        log(f"{shards} shards: connectd {result['connectd']}")
    try:
        client.delete_stream(stream)
    except Exception as error:  # noqa: BLE001 - cleanup only
        log(f"delete {stream}: {error}")
    return result


def fmt(value, spec: str) -> str:
    return spec.format(value) if isinstance(value, (int, float)) else "-"


def table(results: list[dict], tool: Path | None) -> str:
    lines = ["| Shards | Bare client rec/s | Bare client MB/s | connectd POST → first record (s) "
             "| connectd POST → all (s) | connectd rec/s | connectd MB/s | connectd / bare "
             "| connectd RSS idle / peak / end (MiB) | Records in topic |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        n, size = r["records"], r["payload_bytes"]
        bare = r.get("bare") or {}
        c = r.get("connectd") or {}
        total = c.get("post_to_all_s")
        rate = n / total if total else None
        mb = size / total / 1e6 if total else None
        bare_rate = bare.get("records_per_s")
        ratio = rate / bare_rate if rate and bare_rate else None
        rss = " / ".join(fmt(c.get(k), "{:.1f}") for k in ("rss_idle_mib", "rss_peak_mib",
                                                           "rss_end_mib")) if c else "-"
        lines.append(
            f"| {r['shards']} | {fmt(bare_rate, '{:.0f}')} | {fmt(bare.get('mb_per_s'), '{:.2f}')} "
            f"| {fmt(c.get('post_to_first_s'), '{:.2f}')} | {fmt(total, '{:.2f}')} "
            f"| {fmt(rate, '{:.0f}')} | {fmt(mb, '{:.2f}')} | {fmt(ratio, '{:.2f}x')} | {rss} "
            f"| {c.get('in_topic', '-')} |")
    lines.append("")
    first = results[0] if results else {"records": 0, "record_bytes": 0}
    lines.append(f"{first['records']} records of {first['record_bytes']} bytes per stream, "
                 f"preloaded into kinesis-mock; one connectd distributed worker, tasks.max = "
                 f"shards, kinesis.record.limit=10000; MB = 10^6 bytes of record data; one "
                 f"broker (Kafka {kafka_version()} KRaft), {os.cpu_count()} CPUs; one run."
                 + ("" if tool else " Bare client: kinesis_tool not built, not measured."))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", type=Path, default=REPO / "build-bench")
    parser.add_argument("--shards", default="1,4,16")
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--kinds", default="bare,connectd")
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()

    tool = find_tool(args.build_dir)
    if tool is None:
        log("kinesis_tool not found: the bare-client column stays empty")
    work_dir = make_work_dir("connectd-kinesis-bench-")
    log(f"work dir {work_dir}")
    broker = KafkaBroker.from_environment()
    own_broker = broker is None
    mock = None
    results: list[dict] = []
    try:
        if own_broker:
            log("starting a Kafka broker")
            broker = KafkaBroker.start(work_dir)
        log("starting kinesis-mock")
        mock = KinesisMock.start(work_dir)
        for shards in [int(s) for s in args.shards.split(",") if s]:
            results.append(bench_shards(shards, args, work_dir, broker.bootstrap, mock, tool))
    finally:
        if mock is not None:
            mock.stop()
        if own_broker and broker is not None:
            broker.stop()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(table(results, tool))
    return 0


if __name__ == "__main__":
    sys.exit(main())
