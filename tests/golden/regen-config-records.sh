#!/bin/sh
# Regenerates tests/golden/config_records/records.txt with Apache Kafka's own
# KafkaConfigBackingStore schemas and JsonConverter (see ConfigRecordsGolden.java).
#   tests/golden/regen-config-records.sh [<kafka lib dir>]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
lib=${1:-$peers/kafka-${KAFKA_VERSION:-4.3.1}/lib}
if [ ! -d "$lib" ]; then
    echo "regen-config-records.sh: no Kafka jars in $lib (run tests/peers/fetch.sh kafka)" >&2
    exit 1
fi
mkdir -p "$here/config_records"
java -cp "$lib/*" "$here/ConfigRecordsGolden.java" "$here/config_records/records.txt" 2>&1 | grep -v '^SLF4J' >&2 || true
echo "regen-config-records.sh: wrote $(wc -l < "$here/config_records/records.txt") records"
