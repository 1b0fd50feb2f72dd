#!/usr/bin/env bash
# The demo (README command 1): a connectd cluster moving a Kinesis stream into Kafka.
#
#   ./scripts/demo.sh          install, build, start everything, show the flow, leave it running
#   ./scripts/demo.sh stop     stop what the demo started (by recorded pid)
#
# On 127.0.0.1 (free ports): a single-node Kafka broker, kinesis-mock, two connectd workers in
# distributed mode (one Connect cluster), the Kinesis stream `payments` with a background writer,
# and the Kinesis source connector `payments-kinesis` copying it into the Kafka topic
# `payments-kinesis`. The moving parts are in scripts/demo.py.
#
# Environment: SKIP_INSTALL=1 (dependencies and peers already there), CONNECTD_DEMO_DIR (state
# and logs, default <repo>/.demo), CONNECTD_BUILD_DIR (default <repo>/build), JOBS,
# DEMO_WRITER_RATE (payments/s, default 20), DEMO_WRITER_SECONDS (default 1800).
# The demo always starts its own broker: KAFKA_BOOTSTRAP is ignored.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${CONNECTD_DEMO_DIR:-$ROOT/.demo}
BUILD=${CONNECTD_BUILD_DIR:-$ROOT/build}
JOBS=${JOBS:-$(nproc)}
PY=${PYTHON:-python3}
cd "$ROOT"
unset KAFKA_BOOTSTRAP

if [ "${1:-}" = stop ]; then exec "$PY" scripts/demo.py stop --state "$STATE"; fi
[ -f "$STATE/pids" ] && "$PY" scripts/demo.py stop --state "$STATE"

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  bash scripts/install-deps.sh
  bash tests/peers/fetch.sh kafka kinesis
fi
mkdir -p "$BUILD"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$BUILD/cmake-demo.log" 2>&1 \
  || { cat "$BUILD/cmake-demo.log"; echo "demo: cmake failed" >&2; exit 1; }
cmake --build "$BUILD" -j"$JOBS" --target connectd
"$BUILD/connectd" --version

# Only ever wipe a directory the demo made (or an empty one).
if [ -d "$STATE" ] && [ -n "$(ls -A "$STATE")" ] && [ ! -f "$STATE/demo.json" ] && [ ! -d "$STATE/kafka" ]; then
  echo "demo: $STATE exists and is not a demo directory; set CONNECTD_DEMO_DIR elsewhere" >&2
  exit 1
fi
rm -rf "$STATE" && mkdir -p "$STATE"
"$PY" scripts/demo.py start --state "$STATE" --build-dir "$BUILD"

json() { "$PY" -c "import json,sys;d=json.load(open(sys.argv[1]));print(eval(sys.argv[2]))" "$STATE/demo.json" "$1"; }
cat <<MSG

demo: everything keeps running in the background (state and logs in $STATE):
  Kafka bootstrap:   $(json "d['kafka_bootstrap']")   (topic payments-kinesis)
  Kinesis endpoint:  $(json "d['kinesis_endpoint']")   (stream payments, writer log $(json "d['writer_log']"))
  Connect REST API:  $(json "' and '.join(w['url'] for w in d['workers'])")   (group.id $(json "d['group_id']"))
  connectd logs:     $(json "' '.join(w['log'] for w in d['workers'])")
Try:  curl -s $(json "d['workers'][0]['url']")/connectors?expand=status
      kcat -C -b $(json "d['kafka_bootstrap']") -t payments-kinesis -o -5 -e
Stop it with: ./scripts/demo.sh stop
MSG
