#!/usr/bin/env bash
# The demo (README command 1).
#
#   ./scripts/demo.sh          install, build, start the peers, leave them running
#   ./scripts/demo.sh stop     stop what the demo started (by recorded pid)
#
# Today it builds connectd and starts a local Kafka broker and the Kinesis emulator on
# 127.0.0.1; the connectd cluster moving a Kinesis stream into Kafka joins it with the
# Kinesis connector (see README).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${CONNECTD_DEMO_DIR:-$ROOT/.demo}
cd "$ROOT"

stop() {
  [ -f "$STATE/pids" ] || { echo "demo: nothing to stop"; return 0; }
  while read -r pid; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && echo "demo: stopped pid $pid"
  done <"$STATE/pids"
  rm -f "$STATE/pids"
}

if [ "${1:-}" = stop ]; then stop; exit 0; fi
[ -f "$STATE/pids" ] && stop

bash scripts/install-deps.sh
bash tests/peers/fetch.sh kafka kinesis
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target connectd
./build/connectd --version

rm -rf "$STATE" && mkdir -p "$STATE"
python3 scripts/demo_peers.py "$STATE"
cat <<MSG

demo: running in the background (state and logs in $STATE):
  Kafka bootstrap:  $(python3 -c "import json;print(json.load(open('$STATE/demo.json'))['kafka_bootstrap'])")
  Kinesis endpoint: $(python3 -c "import json;print(json.load(open('$STATE/demo.json'))['kinesis_endpoint'])")
Stop it with: ./scripts/demo.sh stop
MSG
