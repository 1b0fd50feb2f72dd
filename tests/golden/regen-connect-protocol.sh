#!/bin/sh
# Regenerates tests/golden/connect_protocol/cases.txt with Apache Kafka Connect's own
# ConnectProtocol / IncrementalCooperativeConnectProtocol (see ConnectProtocolGolden.java).
#   tests/golden/regen-connect-protocol.sh [<kafka lib dir>]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
lib=${1:-$peers/kafka-${KAFKA_VERSION:-4.3.1}/lib}
if [ ! -d "$lib" ]; then
    echo "regen-connect-protocol.sh: no Kafka jars in $lib (run tests/peers/fetch.sh kafka)" >&2
    exit 1
fi
mkdir -p "$here/connect_protocol"
java -cp "$lib/*" "$here/ConnectProtocolGolden.java" > "$here/connect_protocol/cases.txt"
echo "regen-connect-protocol.sh: wrote $(wc -l < "$here/connect_protocol/cases.txt") cases"
