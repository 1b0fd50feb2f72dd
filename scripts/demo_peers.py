"""Starts the demo's peers — a single-node Kafka broker and kinesis-mock — on 127.0.0.1, leaves
them running in the background, and records their pids in <state>/pids so `demo.sh stop` can
stop exactly them. Uses the same harness as the tests (tests/harness/peers.py)."""
import json
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from harness.peers import KafkaBroker, KinesisMock  # noqa: E402


def main() -> int:
    state = pathlib.Path(sys.argv[1])
    state.mkdir(parents=True, exist_ok=True)
    broker = KafkaBroker.start(state)
    kinesis = KinesisMock.start(state)
    info = {
        "kafka_bootstrap": broker.bootstrap,
        "kafka_version": broker.version,
        "kafka_pid": broker.process.pid,
        "kafka_log": str(broker.log_path),
        "kinesis_endpoint": kinesis.endpoint,
        "kinesis_pid": kinesis.process.pid,
        "kinesis_log": str(kinesis.log_path),
    }
    (state / "pids").write_text(f"{broker.process.pid}\n{kinesis.process.pid}\n")
    (state / "demo.json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))
    sys.stdout.flush()
    os._exit(0)  # leave the children running


if __name__ == "__main__":
    sys.exit(main())
