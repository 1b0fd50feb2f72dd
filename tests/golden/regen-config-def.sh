#!/bin/sh
# Regenerates tests/golden/config_def/cases.expected from Kafka's own ConfigDef
# (see ConfigDefGolden.java). Needs JDK 17 and the Kafka 4.3 jars: KAFKA_LIB
# (default /work/main/.peers/kafka-4.3.1/lib, or .peers/kafka-4.3.1/lib here).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
lib=${KAFKA_LIB:-$here/../../.peers/kafka-4.3.1/lib}
[ -d "$lib" ] || lib=/work/main/.peers/kafka-4.3.1/lib
java -cp "$lib/*" "$here/ConfigDefGolden.java" "$here/config_def/cases.txt" 2>/dev/null \
    > "$here/config_def/cases.expected.tmp"
mv "$here/config_def/cases.expected.tmp" "$here/config_def/cases.expected"
echo "regenerated config_def/cases.expected"
