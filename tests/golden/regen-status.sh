#!/bin/sh
# Regenerates tests/golden/status/values.txt with Apache Kafka's own KafkaStatusBackingStore
# serialisation (see StatusGolden.java).
#   tests/golden/regen-status.sh [<kafka lib dir>]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
lib=${1:-$peers/kafka-${KAFKA_VERSION:-4.3.1}/lib}
if [ ! -d "$lib" ]; then
    echo "regen-status.sh: no Kafka jars in $lib (run tests/peers/fetch.sh kafka)" >&2
    exit 1
fi
mkdir -p "$here/status"
java -cp "$lib/*" "$here/StatusGolden.java" > "$here/status/values.txt.tmp" 2> "$here/status/stderr.tmp" || {
    cat "$here/status/stderr.tmp" >&2; rm -f "$here/status/"*.tmp; exit 1; }
mv "$here/status/values.txt.tmp" "$here/status/values.txt"
rm -f "$here/status/stderr.tmp"
echo "regen-status.sh: wrote $(wc -l < "$here/status/values.txt") cases to $here/status/values.txt"
