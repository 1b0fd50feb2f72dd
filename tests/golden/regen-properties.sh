#!/bin/sh
# Regenerates tests/golden/properties/*.expected from the JDK's own
# java.util.Properties (see PropertiesGolden.java). Needs a JDK 11+ `java`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for input in "$here"/properties/*.properties; do
    expected="${input%.properties}.expected"
    java "$here/PropertiesGolden.java" "$input" > "$expected.tmp"
    mv "$expected.tmp" "$expected"
    echo "regenerated $(basename "$expected")"
done
