#!/usr/bin/env bash
# Distributed rebalance benchmark: 30 FileStreamSource connectors (30 tasks) on two workers, a
# third worker joins; time until every connector and task is RUNNING again spread over the three
# workers, rebalance rounds (generations), RSS per worker -- connectd distributed vs the Java
# 4.3.1 ConnectDistributed, each in a fresh cluster on one broker, one run
# (bench/rebalance_bench.py does the measuring). Prints a markdown table for docs/performance.md.
#
#   bench/run-rebalance.sh [--json results.json]
#
# Environment: BUILD_DIR (default build-bench), KINDS (default connectd,java), KAFKA_BOOTSTRAP
# (use a running broker instead of starting one), CONNECTD_PEERS_DIR (Kafka jars,
# tests/peers/fetch.sh). Progress goes to stderr; the table goes to stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}

echo "run-rebalance.sh: building connectd in $build" >&2
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONNECTD_TESTS=OFF >/dev/null
cmake --build "$build" --target connectd -j"$(( $(nproc) < 2 ? $(nproc) : 2 ))" >&2

exec python3 "$here/rebalance_bench.py" --build-dir "$build" --kinds "${KINDS:-connectd,java}" "$@"
