#!/bin/sh
# Regenerates tests/golden/values/*_expected.txt with Apache Kafka's own
# Values / SimpleHeaderConverter / StringConverter (see ValuesGolden.java).
# Needs a JDK 17+ `java` and the Kafka jars fetched by tests/peers/fetch.sh
# (or KAFKA_LIB pointing at a directory of connect-api + deps jars).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
if [ -z "${KAFKA_LIB:-}" ]; then
    KAFKA_LIB=$(ls -d "$peers"/kafka-*/lib 2>/dev/null | sort | tail -n 1)
fi
if [ -z "$KAFKA_LIB" ] || [ ! -d "$KAFKA_LIB" ]; then
    echo "regen-values.sh: no Kafka lib dir; run tests/peers/fetch.sh kafka or set KAFKA_LIB" >&2
    exit 1
fi
# Values formats and parses dates in the JVM's default time zone; connectd uses UTC.
java -Duser.timezone=UTC -Duser.language=en -Duser.country=US -cp "$KAFKA_LIB/*" \
    "$here/ValuesGolden.java" "$here/values"
echo "regenerated $here/values/*_expected.txt with $(ls "$KAFKA_LIB"/connect-api-*.jar | xargs -n1 basename)"
