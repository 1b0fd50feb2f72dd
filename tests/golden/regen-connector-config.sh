#!/bin/sh
# Regenerates tests/golden/connector_config/golden.out with Kafka Connect 4.3's own
# classes (ConnectorConfigGolden.java). Needs JDK 17 and the Kafka 4.3 jars (KAFKA_LIB).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
lib=${KAFKA_LIB:-$here/../../.peers/kafka-4.3.1/lib}
[ -d "$lib" ] || lib=/work/main/.peers/kafka-4.3.1/lib
java -cp "$lib/*" "$here/ConnectorConfigGolden.java" "$here/connector_config/cases.txt" 2>/dev/null \
    > "$here/connector_config/golden.out.tmp"
mv "$here/connector_config/golden.out.tmp" "$here/connector_config/golden.out"
echo "regenerated connector_config/golden.out"
