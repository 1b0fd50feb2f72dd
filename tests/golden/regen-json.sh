#!/usr/bin/env bash
# Regenerates the JsonConverter golden files from Apache Kafka's own JsonConverter:
#   tests/golden/json/cases.json     (from tests/golden/json/make_cases.py)
#   tests/golden/json/expected.json  (from tests/golden/JsonConverterGolden.java)
#
#   tests/golden/regen-json.sh [<kafka lib dir>]
#
# The lib dir defaults to ${CONNECTD_PEERS_DIR:-<repo>/.peers}/kafka-${KAFKA_VERSION:-4.3.1}/lib
# (fetched by tests/peers/fetch.sh kafka). Needs python3 and Java 17+.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
lib=${1:-$peers/kafka-${KAFKA_VERSION:-4.3.1}/lib}

if [[ ! -d "$lib" ]]; then
  echo "regen-json.sh: no Kafka jars in $lib (run tests/peers/fetch.sh kafka)" >&2
  exit 1
fi
python3 "$here/json/make_cases.py"
java -cp "$lib/*" "$here/JsonConverterGolden.java" "$here/json" "$here/json/expected.json" \
  2> >(grep -v -e '^SLF4J' -e '^Note:' >&2)
echo "regen-json.sh: wrote $here/json/expected.json ($(grep -c '"name"' "$here/json/expected.json") results)"
