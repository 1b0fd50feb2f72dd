#!/bin/sh
# Regenerates tests/golden/offsets/ with Apache Kafka's own JsonConverter, OffsetUtils and
# FileOffsetBackingStore (see OffsetsGolden.java): keys.txt (offsets key/value bytes) and
# *.offsets files with their *.expected entries.
#   tests/golden/regen-offsets.sh [<kafka lib dir>]
# Check that Java reads a file connectd wrote:
#   java -cp '<lib>/*' tests/golden/OffsetsGolden.java read <file>
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
lib=${1:-$peers/kafka-${KAFKA_VERSION:-4.3.1}/lib}
if [ ! -d "$lib" ]; then
    echo "regen-offsets.sh: no Kafka jars in $lib (run tests/peers/fetch.sh kafka)" >&2
    exit 1
fi
rm -f "$here"/offsets/*.offsets "$here"/offsets/*.expected "$here"/offsets/keys.txt
java -cp "$lib/*" "$here/OffsetsGolden.java" write "$here/offsets" 2>&1 | grep -v '^SLF4J' >&2 || true
echo "regen-offsets.sh: wrote $(ls "$here"/offsets | wc -l) files to $here/offsets"
