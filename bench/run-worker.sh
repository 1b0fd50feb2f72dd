#!/usr/bin/env bash
# Worker benchmark: connectd standalone vs the Java 4.3.1 ConnectStandalone vs raw librdkafka,
# on one broker in one run (bench/worker_bench.py does the measuring): FileStream source of
# N lines of 100 bytes into Kafka, FileStream sink of that topic, idle RSS, RSS with 10 tasks,
# exec -> `GET /` time. Prints a markdown table (values and ratios) for docs/performance.md.
#
#   bench/run-worker.sh [records]          (default 1000000)
#
# Environment: BUILD_DIR (default build-bench), WORKERS (default connectd,java; connectd is
# skipped with a note while `connectd standalone` is not implemented), KAFKA_BOOTSTRAP (use a
# running broker instead of starting one), CONNECTD_PEERS_DIR (Kafka jars, tests/peers/fetch.sh).
# Progress goes to stderr; the table goes to stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
records=${1:-1000000}
build=${BUILD_DIR:-$repo/build-bench}

echo "run-worker.sh: building connectd and bench_raw_produce in $build" >&2
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONNECTD_TESTS=OFF >/dev/null
cmake --build "$build" --target connectd bench_raw_produce -j"$(( $(nproc) < 2 ? $(nproc) : 2 ))" >&2

exec python3 "$here/worker_bench.py" --build-dir "$build" --records "$records" \
    --workers "${WORKERS:-connectd,java}"
