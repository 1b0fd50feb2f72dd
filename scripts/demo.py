"""The demo's moving parts (called by scripts/demo.sh; docker-compose's `setup` service uses
`setup` and `write`). Python standard library plus confluent_kafka (only for `start`'s reading of
the Kafka topic), and the test harness (tests/harness: peers.py, kinesis.py).

  demo.py start --state DIR --build-dir DIR
      starts a single-node Kafka broker, kinesis-mock and two connectd workers in distributed
      mode (one Connect cluster) on free 127.0.0.1 ports, creates the Kinesis stream `payments`
      (2 shards), writes sample payments into it and keeps a writer running in the background,
      deploys the Kinesis source connector over REST, and shows records arriving in Kafka, the
      connector status and the records/s. Every process it starts outlives it; each is recorded
      in DIR/pids ("pid starttime name") as soon as it runs, for `stop`.
  demo.py stop --state DIR
      SIGTERM (then SIGKILL after a grace period) to every recorded pid that is still the
      process that was recorded (same /proc start time), in reverse start order.
  demo.py setup --kinesis URL --connect URL
      create the stream (if missing), write the first payments, deploy the connector (if missing).
  demo.py write --kinesis URL [--rate N] [--seconds S] [--start I]
      write payments at N records/s for S seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import signal
import sys
import time
import urllib.error
import urllib.request
from typing import Optional

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from harness.kinesis import KinesisClient, KinesisError, sample_payments  # noqa: E402

STREAM = "payments"
SHARDS = 2
TOPIC = "payments-kinesis"
CONNECTOR = "payments-kinesis"
GROUP = "connectd-demo"
REGION = "us-east-1"
FIRST_RECORDS = 1000


def connector_config(kinesis_endpoint: str) -> dict:
    """The connector the demo deploys (README "Kinesis source" shows the same JSON)."""
    return {
        "name": CONNECTOR,
        "config": {
            "connector.class": "io.confluent.connect.kinesis.KinesisSourceConnector",
            "tasks.max": "2",
            "kafka.topic": TOPIC,
            "kinesis.stream": STREAM,
            "kinesis.region": REGION,
            "kinesis.position": "TRIM_HORIZON",
            "kinesis.base.url": kinesis_endpoint,
            "kinesis.empty.records.backoff.ms": "500",
            "aws.access.key.id": "AKIDDEMO",
            "aws.secret.key.id": "demo-secret",
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
        },
    }


class DemoError(RuntimeError):
    pass


def say(msg: str) -> None:
    print(f"demo: {msg}", flush=True)


def http(method: str, url: str, body: Optional[dict] = None, timeout: float = 10.0):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json",
                                          "Accept": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=timeout) as resp:
            raw = resp.read()
            status = resp.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    try:
        return status, json.loads(raw) if raw.strip() else None
    except ValueError:
        return status, raw.decode(errors="replace")


def wait_for(what: str, check, timeout: float, logs=(), interval: float = 0.25):
    """Polls check() until it returns a true value; at the deadline prints `logs` and fails."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            value = check()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - not ready yet
            last = exc
        if time.monotonic() > deadline:
            detail = f" (last error: {last!r})" if last else ""
            for log in logs:
                print(f"--- {log} (tail) ---", file=sys.stderr)
                print(tail(log), file=sys.stderr)
            raise DemoError(f"{what}: not within {timeout:.0f} s{detail}")
        time.sleep(interval)


def tail(path, lines: int = 40) -> str:
    try:
        return "\n".join(pathlib.Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError as e:
        return f"({e})"


# ------------------------------------------------------------------ pids


def proc_start_time(pid: int) -> Optional[str]:
    """Field 22 of /proc/<pid>/stat (start time in clock ticks): tells a reused pid apart."""
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()[19]


def record_pid(state: pathlib.Path, pid: int, name: str) -> None:
    with open(state / "pids", "a") as f:
        f.write(f"{pid} {proc_start_time(pid) or '-'} {name}\n")


def alive(pid: int, start: str) -> bool:
    now = proc_start_time(pid)
    if now is None or (start != "-" and now != start):
        return False
    try:  # a zombie is not alive
        return pathlib.Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def stop(state: pathlib.Path, grace: float = 20.0) -> int:
    pids_file = state / "pids"
    if not pids_file.is_file():
        say("nothing to stop")
        return 0
    entries = []
    for line in pids_file.read_text().splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[0].isdigit():
            entries.append((int(parts[0]), parts[1], parts[2]))
    for pid, start, name in reversed(entries):
        if not alive(pid, start):
            say(f"{name} (pid {pid}) was not running")
            continue
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while alive(pid, start) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid, start):
            os.kill(pid, signal.SIGKILL)
            while alive(pid, start) and time.monotonic() < deadline + 10:
                time.sleep(0.1)
            say(f"killed {name} (pid {pid}) after {grace:.0f} s")
        else:
            say(f"stopped {name} (pid {pid})")
    pids_file.unlink()
    return 0


# ------------------------------------------------------------------ Kinesis side


def kinesis_client(endpoint: str) -> KinesisClient:
    return KinesisClient(endpoint, region=REGION, access_key="AKIDDEMO", secret_key="demo-secret")


def create_stream(client: KinesisClient) -> None:
    try:
        client.create_stream(STREAM, SHARDS)
    except KinesisError as e:
        if e.error_type != "ResourceInUseException":
            raise
        client.wait_active(STREAM)


def write(endpoint: str, rate: float, seconds: float, start: int) -> int:
    """Writes payments at `rate` records/s (in batches every 0.25 s) for `seconds`."""
    client = kinesis_client(endpoint)
    stop_at = time.monotonic() + seconds
    tick = 0.25
    per_tick = max(1, round(rate * tick))
    i = start
    next_at = time.monotonic()
    while time.monotonic() < stop_at:
        try:
            client.put_records(STREAM, sample_payments(per_tick, i))
            i += per_tick
        except (KinesisError, OSError) as e:
            print(f"writer: {e} (retrying)", flush=True)
        next_at += tick
        time.sleep(max(0.0, next_at - time.monotonic()))
    print(f"writer: wrote payments {start}..{i - 1}", flush=True)
    return 0


def deploy(connect_url: str, kinesis_endpoint: str) -> dict:
    status, body = http("POST", f"{connect_url}/connectors", connector_config(kinesis_endpoint))
    if status == 409:  # already there (setup run again)
        return {"name": CONNECTOR, "existing": True}
    if status != 201:
        raise DemoError(f"POST {connect_url}/connectors: HTTP {status}: {body}")
    return body


def setup(kinesis_endpoint: str, connect_url: str, connector_endpoint: str) -> int:
    client = kinesis_client(kinesis_endpoint)
    wait_for(f"kinesis {kinesis_endpoint}", lambda: client.call("ListStreams") is not None, 120)
    create_stream(client)
    client.put_records(STREAM, sample_payments(FIRST_RECORDS))
    say(f"stream {STREAM}: {SHARDS} shards, {FIRST_RECORDS} payments written")
    wait_for(f"Connect REST {connect_url}", lambda: http("GET", connect_url + "/")[0] == 200, 180)
    say(f"deployed: {json.dumps(deploy(connect_url, connector_endpoint))}")
    return 0


# ------------------------------------------------------------------ the local demo


def end_offsets(bootstrap: str) -> int:
    from confluent_kafka import Consumer, TopicPartition

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "connectd-demo-probe",
                  "enable.auto.commit": False})
    try:
        md = c.list_topics(TOPIC, timeout=5)
        topic = md.topics.get(TOPIC)
        if topic is None or topic.error is not None or not topic.partitions:
            return 0
        return sum(c.get_watermark_offsets(TopicPartition(TOPIC, p), timeout=5)[1]
                   for p in topic.partitions)
    finally:
        c.close()


def show_records(bootstrap: str, count: int) -> list:
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "connectd-demo-show",
                  "enable.auto.commit": False})
    out = []
    try:
        parts = c.list_topics(TOPIC, timeout=5).topics[TOPIC].partitions
        c.assign([TopicPartition(TOPIC, p, OFFSET_BEGINNING) for p in parts])
        deadline = time.monotonic() + 30
        while len(out) < count and time.monotonic() < deadline:
            msg = c.poll(0.5)
            if msg is None or msg.error():
                continue
            out.append(msg)
            key = (msg.key() or b"").decode(errors="replace")
            value = (msg.value() or b"").decode(errors="replace")
            print(f"  {TOPIC}[{msg.partition()}]@{msg.offset()}  key={key}  value={value}",
                  flush=True)
    finally:
        c.close()
    return out


def worker_ready(worker) -> bool:
    if not worker.process.alive():
        raise DemoError(f"{worker.name} exited with code {worker.process.popen.returncode}:\n"
                        f"{tail(worker.log_file)}")
    return worker.ready()


def start(state: pathlib.Path, build_dir: pathlib.Path) -> int:
    # The demo always runs its own broker on free ports, whatever KAFKA_BOOTSTRAP says.
    os.environ.pop("KAFKA_BOOTSTRAP", None)
    from harness.peers import (ConnectdDistributedWorker, KafkaBroker, KinesisMock,
                               PeerProcess)

    state.mkdir(parents=True, exist_ok=True)
    info: dict = {}
    logs: list = []

    def save() -> None:
        (state / "demo.json").write_text(json.dumps(info, indent=2) + "\n")

    try:
        say("starting Kafka (single-node KRaft) ...")
        broker = KafkaBroker.start(state)
        record_pid(state, broker.process.pid, "kafka")
        info.update(kafka_bootstrap=broker.bootstrap, kafka_log=str(broker.log_path))
        logs.append(broker.log_path)
        say(f"Kafka {broker.version} at {broker.bootstrap}")

        kinesis = KinesisMock.start(state)
        record_pid(state, kinesis.process.pid, "kinesis-mock")
        info.update(kinesis_endpoint=kinesis.endpoint, kinesis_log=str(kinesis.log_path))
        say(f"kinesis-mock at {kinesis.endpoint}")
        save()

        workers = []
        for n in (1, 2):
            w = ConnectdDistributedWorker.start(
                state, broker.bootstrap, build_dir=build_dir, group_id=GROUP,
                topic_prefix=GROUP, name=f"connectd-{n}", wait_ready=False)
            record_pid(state, w.process.pid, w.name)
            logs.append(w.log_file)
            workers.append(w)
        for w in workers:
            wait_for(f"{w.name} REST {w.url}", lambda w=w: worker_ready(w), 90, logs=[w.log_file])
            say(f"{w.name} (pid {w.process.pid}) REST {w.url}, log {w.log_file}")
        info.update(group_id=GROUP, workers=[{"name": w.name, "url": w.url, "pid": w.process.pid,
                                              "log": str(w.log_file),
                                              "properties": str(w.work_dir /
                                                                "connect-distributed.properties")}
                                             for w in workers])
        save()
        rest = workers[0].url
        plugins = wait_for("the Kinesis connector plugin",
                           lambda: [p for p in http("GET", rest + "/connector-plugins")[1]
                                    if "Kinesis" in p.get("class", "")], 30, logs=[workers[0].log_file])
        say(f"plugin {plugins[0]['class']} {plugins[0].get('version', '')}")

        client = kinesis_client(kinesis.endpoint)
        create_stream(client)
        client.put_records(STREAM, sample_payments(FIRST_RECORDS))
        say(f"Kinesis stream '{STREAM}' ({SHARDS} shards): wrote {FIRST_RECORDS} payments")
        rate = float(os.environ.get("DEMO_WRITER_RATE", "20"))
        seconds = float(os.environ.get("DEMO_WRITER_SECONDS", "1800"))
        writer = PeerProcess.spawn(
            "writer", [sys.executable, str(pathlib.Path(__file__).resolve()), "write",
                       "--kinesis", kinesis.endpoint, "--rate", str(rate), "--seconds",
                       str(seconds), "--start", str(FIRST_RECORDS)], state / "writer.log")
        record_pid(state, writer.pid, "writer")
        info.update(writer_pid=writer.pid, writer_log=str(state / "writer.log"))
        save()
        say(f"writer (pid {writer.pid}) adds {rate:g} payments/s for {seconds:g} s")

        deployed_at = time.monotonic()
        created = deploy(rest, kinesis.endpoint)
        say(f"POST {rest}/connectors -> 201 {json.dumps(created)}")

        def running():
            code, body = http("GET", f"{rest}/connectors/{CONNECTOR}/status")
            if code != 200:
                return None
            tasks = body.get("tasks") or []
            if body["connector"]["state"] == "RUNNING" and len(tasks) == SHARDS and \
                    all(t["state"] == "RUNNING" for t in tasks):
                return body
            if any(t["state"] == "FAILED" for t in tasks) or body["connector"]["state"] == "FAILED":
                raise DemoError(f"connector failed: {json.dumps(body, indent=2)}")
            return None

        status = wait_for(f"connector {CONNECTOR} RUNNING with {SHARDS} tasks", running, 90,
                          logs=[w.log_file for w in workers])
        first = wait_for(f"records in Kafka topic {TOPIC}",
                         lambda: end_offsets(broker.bootstrap), 60,
                         logs=[w.log_file for w in workers])
        say(f"records are arriving in Kafka topic '{TOPIC}' ({first} so far); the first ones:")
        show_records(broker.bootstrap, 5)
        say(f"GET {rest}/connectors/{CONNECTOR}/status")
        print(json.dumps(status, indent=2), flush=True)

        # Let the backlog be copied, then measure the steady flow (the writer's rate).
        wait_for(f"the first {FIRST_RECORDS} payments in {TOPIC}",
                 lambda: end_offsets(broker.bootstrap) >= FIRST_RECORDS, 60,
                 logs=[w.log_file for w in workers], interval=0.05)
        say(f"the backlog of {FIRST_RECORDS} payments was in Kafka "
            f"{time.monotonic() - deployed_at:.1f} s after the POST (tasks started included)")
        window = float(os.environ.get("DEMO_MEASURE_SECONDS", "5"))
        t0, n0 = time.monotonic(), end_offsets(broker.bootstrap)
        time.sleep(window)
        t1, n1 = time.monotonic(), end_offsets(broker.bootstrap)
        rps = (n1 - n0) / (t1 - t0)
        info.update(records_per_second=round(rps, 1), records_in_topic=n1)
        save()
        say(f"throughput: {n1 - n0} records in {t1 - t0:.1f} s = {rps:.1f} records/s "
            f"({n1} records in '{TOPIC}')")
        return 0
    except Exception as e:  # noqa: BLE001 - report, stop what was started, fail
        print(f"demo: FAILED: {e}", file=sys.stderr, flush=True)
        print(f"demo: logs are in {state}; stopping what was started", file=sys.stderr)
        stop(state)
        return 1


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("start")
    p.add_argument("--state", required=True, type=pathlib.Path)
    p.add_argument("--build-dir", required=True, type=pathlib.Path)
    p = sub.add_parser("stop")
    p.add_argument("--state", required=True, type=pathlib.Path)
    p = sub.add_parser("setup")
    p.add_argument("--kinesis", required=True)
    p.add_argument("--connect", required=True)
    p.add_argument("--connector-kinesis", help="kinesis.base.url as the workers reach it")
    p = sub.add_parser("write")
    p.add_argument("--kinesis", required=True)
    p.add_argument("--rate", type=float, default=20)
    p.add_argument("--seconds", type=float, default=1800)
    p.add_argument("--start", type=int, default=FIRST_RECORDS)
    a = ap.parse_args()
    if a.cmd == "start":
        rc = start(a.state.resolve(), a.build_dir.resolve())
        sys.stdout.flush()
        os._exit(rc)  # leave the children running
    if a.cmd == "stop":
        return stop(a.state)
    if a.cmd == "setup":
        return setup(a.kinesis, a.connect, a.connector_kinesis or a.kinesis)
    return write(a.kinesis, a.rate, a.seconds, a.start)


if __name__ == "__main__":
    sys.exit(main())
