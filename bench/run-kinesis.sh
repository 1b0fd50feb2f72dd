#!/usr/bin/env bash
# Kinesis source benchmark: for 1, 4 and 16 shards, a kinesis-mock stream preloaded with 20000
# records of 200 bytes is read (a) by the bare C client (tests/tools/kinesis_tool read: the
# emulator's own GetRecords rate) and (b) by the connectd Kinesis source connector on one
# distributed worker into Kafka; records/s, MB/s, their ratio and connectd RSS
# (bench/kinesis_bench.py does the measuring). Prints a markdown table for docs/performance.md.
#
#   bench/run-kinesis.sh [--shards 1,4,16] [--records N] [--size BYTES] [--json results.json]
#
# Environment: BUILD_DIR (default build-bench), KAFKA_BOOTSTRAP (use a running broker instead
# of starting one), CONNECTD_PEERS_DIR (Kafka jars and kinesis-mock, tests/peers/fetch.sh).
# Progress goes to stderr; the table goes to stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}

echo "run-kinesis.sh: building connectd and kinesis_tool in $build" >&2
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONNECTD_TESTS=OFF >/dev/null
targets=(connectd)
if [ -f "$repo/tests/tools/kinesis_tool.c" ]; then
  targets+=(kinesis_tool)
fi
cmake --build "$build" --target "${targets[@]}" -j"$(( $(nproc) < 2 ? $(nproc) : 2 ))" >&2

exec python3 "$here/kinesis_bench.py" --build-dir "$build" "$@"
