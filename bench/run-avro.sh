#!/usr/bin/env bash
# Builds (Release) and runs bench/bench_avro_converter.c: the same records
# through JsonConverter (schemas.enable=true/false) and connectd's
# io.confluent.connect.avro.AvroConverter on an in-process mock:// registry,
# fromConnectData and toConnectData, then prints the markdown tables for
# docs/performance.md ("Avro converter").
#
#   bench/run-avro.sh [records] [passes] [only]   (defaults 200000, 3, all)
#
# There is no Java column: Confluent's AvroConverter is not on Maven Central.
# Environment: BUILD_DIR (default build-bench).
# Progress goes to stderr; the raw lines and tables go to stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
records=${1:-200000}
passes=${2:-3}
only=${3:-}
build=${BUILD_DIR:-$repo/build-bench}

echo "run-avro.sh: building bench_avro_converter in $build" >&2
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONNECTD_TESTS=OFF >/dev/null
cmake --build "$build" --target bench_avro_converter -j"$(nproc)" >&2
echo "run-avro.sh: $records records x $passes passes" >&2
"$build/bench_avro_converter" "$records" "$passes" "$only"
echo
echo "$(nproc) CPUs, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')."
