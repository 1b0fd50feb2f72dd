#!/usr/bin/env bash
# Regenerates tests/golden/number_converters/expected.tsv from Apache Kafka's own
# Boolean/Short/Integer/Long/Float/Double converters (tests/golden/NumberConvertersGolden.java).
#
#   tests/golden/regen-number-converters.sh [<kafka lib dir>]
#
# The lib dir defaults to ${CONNECTD_PEERS_DIR:-<repo>/.peers}/kafka-${KAFKA_VERSION:-4.3.1}/lib.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
lib=${1:-$peers/kafka-${KAFKA_VERSION:-4.3.1}/lib}

if [[ ! -d "$lib" ]]; then
  echo "regen-number-converters.sh: no Kafka jars in $lib (run tests/peers/fetch.sh kafka)" >&2
  exit 1
fi
mkdir -p "$here/number_converters"
java -cp "$lib/*" "$here/NumberConvertersGolden.java" "$here/number_converters/expected.tsv" \
  2> >(grep -v -e '^SLF4J' -e '^Note:' >&2)
echo "regen-number-converters.sh: wrote $(wc -l < "$here/number_converters/expected.tsv") cases"
