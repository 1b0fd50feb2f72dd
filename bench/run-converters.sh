#!/usr/bin/env bash
# Builds and runs bench/bench_converters (C) and bench/JavaConverterBench.java
# (Apache Kafka's converters) on the same generated records, and prints a
# markdown table (records/s, C/Java ratio) for docs/performance.md.
#
#   bench/run-converters.sh [records] [passes]
#
# Environment: BUILD_DIR (default build-bench), KAFKA_LIB (default: the
# newest ${CONNECTD_PEERS_DIR:-<repo>/.peers}/kafka-*/lib), JAVA_OPTS.
# Progress and raw lines go to stderr; the table goes to stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
records=${1:-200000}
passes=${2:-5}
build=${BUILD_DIR:-$repo/build-bench}
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
kafka_lib=${KAFKA_LIB:-$(ls -d "$peers"/kafka-*/lib 2>/dev/null | sort -V | tail -n 1 || true)}

echo "run-converters.sh: building bench_converters in $build" >&2
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONNECTD_TESTS=OFF >/dev/null
cmake --build "$build" --target bench_converters -j"$(nproc)" >&2

c_out=$(mktemp); j_out=$(mktemp)
trap 'rm -f "$c_out" "$j_out"' EXIT
echo "run-converters.sh: C, $records records x $passes passes" >&2
"$build/bench_converters" "$records" "$passes" | tee "$c_out" >&2
if [[ -n "$kafka_lib" && -d "$kafka_lib" ]]; then
    echo "run-converters.sh: Java ($kafka_lib)" >&2
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:-} -cp "$kafka_lib/*" "$here/JavaConverterBench.java" "$records" "$passes" 2>/dev/null \
        | tee "$j_out" >&2
    kafka_version=$(ls "$kafka_lib"/connect-api-*.jar | sed 's/.*connect-api-\(.*\)\.jar/\1/')
else
    echo "run-converters.sh: no Kafka lib dir (run tests/peers/fetch.sh kafka); Java column empty" >&2
    kafka_version=none
fi

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
echo "| Converter | Direction | connectd (records/s) | Java $kafka_version (records/s) | C / Java | bytes/record |"
echo "|---|---|---:|---:|---:|---:|"
while read -r line; do
    conv=$(field converter <<<"$line"); op=$(field op <<<"$line")
    c_rate=$(field records_per_sec <<<"$line"); size=$(field bytes_per_record <<<"$line")
    j_line=$(grep -F "converter=$conv op=$op " "$j_out" || true)
    j_rate=$(field records_per_sec <<<"$j_line")
    [[ -z "$size" ]] && size=$(field bytes_per_record <<<"$j_line")
    dir=$([[ $op == from ]] && echo "fromConnectData" || echo "toConnectData")
    fmt() { printf '%s' "${1:--}"; }
    ratio=-
    if [[ "$c_rate" =~ ^[0-9]+$ && "$j_rate" =~ ^[0-9]+$ && "$j_rate" -gt 0 ]]; then
        ratio=$(awk -v c="$c_rate" -v j="$j_rate" 'BEGIN { printf "%.2fx", c / j }')
    fi
    echo "| $conv | $dir | $(fmt "$c_rate") | $(fmt "$j_rate") | $ratio | ${size:--} |"
done <"$c_out"
echo
echo "$records records, median of $passes passes; Java after 10 warm-up passes; $(nproc) CPUs, $(uname -m)."
