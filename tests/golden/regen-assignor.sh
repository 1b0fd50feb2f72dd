#!/bin/sh
# Regenerates tests/golden/assignor/expected.txt by running tests/golden/assignor/scenarios.txt
# through Apache Kafka Connect's IncrementalCooperativeAssignor (AssignorGolden.java, compiled
# into the assignor's package so it can call the package-private performTaskAssignment).
#   tests/golden/regen-assignor.sh [<kafka lib dir>]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
lib=${1:-$peers/kafka-${KAFKA_VERSION:-4.3.1}/lib}
if [ ! -d "$lib" ]; then
    echo "regen-assignor.sh: no Kafka jars in $lib (run tests/peers/fetch.sh kafka)" >&2
    exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -nowarn -cp "$lib/*" -d "$out" "$here/AssignorGolden.java"
java -cp "$out:$lib/*" org.apache.kafka.connect.runtime.distributed.AssignorGolden \
    "$here/assignor/scenarios.txt" 2>/dev/null | grep -v '^SLF4J' > "$here/assignor/expected.txt"
echo "regen-assignor.sh: wrote $(grep -vc '^#' "$here/assignor/expected.txt") assignments"
