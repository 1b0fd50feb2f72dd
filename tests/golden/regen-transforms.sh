#!/usr/bin/env bash
# Regenerates tests/golden/transforms/expected/*.json from Apache Kafka Connect's own
# transformations (tests/golden/TransformsGolden.java), one file per case file in
# tests/golden/transforms/cases/.
#
#   tests/golden/regen-transforms.sh [<kafka lib dir>]
#
# The lib dir defaults to ${CONNECTD_PEERS_DIR:-<repo>/.peers}/kafka-${KAFKA_VERSION:-4.3.1}/lib
# (fetched by tests/peers/fetch.sh kafka). Needs Java 17+.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
lib=${1:-$peers/kafka-${KAFKA_VERSION:-4.3.1}/lib}

if [[ ! -d "$lib" ]]; then
  echo "regen-transforms.sh: no Kafka jars in $lib (run tests/peers/fetch.sh kafka)" >&2
  exit 1
fi
java -cp "$lib/*" "$here/TransformsGolden.java" "$here/transforms" "$here/transforms/expected" \
  2> >(grep -v -e '^SLF4J' -e '^Note:' >&2)
