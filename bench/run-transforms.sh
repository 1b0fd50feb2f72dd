#!/usr/bin/env bash
# Builds and runs bench/bench_transforms (C) and bench/JavaTransformBench.java
# (Apache Kafka's transformations) on the same generated sink records, and
# prints a markdown table (records/s with no transform and through the chain
# InsertField$Value + ReplaceField$Value + Cast$Value, struct and schemaless
# values, C/Java ratio) for docs/performance.md.
#
#   bench/run-transforms.sh [records] [passes]
#
# Environment: BUILD_DIR (default build-bench), KAFKA_LIB (default: the
# newest ${CONNECTD_PEERS_DIR:-<repo>/.peers}/kafka-*/lib), JAVA_OPTS.
# Progress and raw lines go to stderr; the tables go to stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
records=${1:-100000}
passes=${2:-5}
build=${BUILD_DIR:-$repo/build-bench}
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
kafka_lib=${KAFKA_LIB:-$(ls -d "$peers"/kafka-*/lib 2>/dev/null | sort -V | tail -n 1 || true)}

echo "run-transforms.sh: building bench_transforms in $build" >&2
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONNECTD_TESTS=OFF >/dev/null
cmake --build "$build" --target bench_transforms -j"$(nproc)" >&2

c_out=$(mktemp); j_out=$(mktemp)
trap 'rm -f "$c_out" "$j_out"' EXIT
echo "run-transforms.sh: C, $records records x $passes passes" >&2
"$build/bench_transforms" "$records" "$passes" | tee "$c_out" >&2
if [[ -n "$kafka_lib" && -d "$kafka_lib" ]]; then
    echo "run-transforms.sh: Java ($kafka_lib)" >&2
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:-} -cp "$kafka_lib/*" "$here/JavaTransformBench.java" "$records" "$passes" \
        | tee "$j_out" >&2
    kafka_version=$(ls "$kafka_lib"/connect-api-*.jar | sed 's/.*connect-api-\(.*\)\.jar/\1/')
else
    echo "run-transforms.sh: no Kafka lib dir (run tests/peers/fetch.sh kafka); Java column empty" >&2
    kafka_version=none
fi

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
rate_of() { grep -F "case=$2 " "$1" | field records_per_sec || true; }
is_rate() { [[ "$1" =~ ^[0-9]+$ && "$1" -gt 0 ]]; }
label() {
    case $1 in
    none/struct) echo "no transform, struct with schema (6 fields)" ;;
    chain3/struct) echo "InsertField + ReplaceField + Cast, struct with schema (6 fields)" ;;
    none/schemaless) echo "no transform, schemaless map (6 entries)" ;;
    chain3/schemaless) echo "InsertField + ReplaceField + Cast, schemaless map (6 entries)" ;;
    *) echo "$1" ;;
    esac
}
echo "| Case | connectd (records/s) | Java $kafka_version (records/s) | C / Java |"
echo "|---|---:|---:|---:|"
while read -r line; do
    case_=$(field case <<<"$line")
    c_rate=$(field records_per_sec <<<"$line")
    j_rate=$(rate_of "$j_out" "$case_")
    ratio=-
    if is_rate "$c_rate" && is_rate "$j_rate"; then
        ratio=$(awk -v c="$c_rate" -v j="$j_rate" 'BEGIN { printf "%.2fx", c / j }')
    fi
    echo "| $(label "$case_") | ${c_rate:--} | ${j_rate:--} | $ratio |"
done <"$c_out"
echo
# The chain's own cost: ns/record through the chain minus ns/record with none.
echo "| Chain cost (ns/record over no transform) | connectd | Java $kafka_version |"
echo "|---|---:|---:|"
net() {
    local chain none
    chain=$(rate_of "$1" "chain3/$2"); none=$(rate_of "$1" "none/$2")
    if is_rate "$chain" && is_rate "$none"; then
        awk -v c="$chain" -v n="$none" 'BEGIN { printf "%.0f", 1e9 / c - 1e9 / n }'
    else
        printf -- -
    fi
}
for shape in struct schemaless; do
    echo "| $shape | $(net "$c_out" $shape) | $(net "$j_out" $shape) |"
done
echo
echo "$records records, median of $passes passes after warm-up (C: 1 pass, Java: 10 passes);" \
    "$(nproc) CPUs, $(uname -m)."
