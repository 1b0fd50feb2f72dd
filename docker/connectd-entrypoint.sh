#!/bin/sh
# connectd container entry point: writes the worker properties from the environment, then runs
# `connectd <mode> <properties>` (mode: distributed (default) or standalone + connector files).
#
# Every CONNECT_<NAME> variable becomes a property, as in Confluent's Connect images:
# lower-cased, "_" -> ".", "__" -> "_", "___" -> "-"
#   CONNECT_BOOTSTRAP_SERVERS=kafka:9092  ->  bootstrap.servers=kafka:9092
#   CONNECT_CONFIG_STORAGE_TOPIC=...      ->  config.storage.topic=...
# `connectd-entrypoint.sh print-config` prints the properties instead of starting.
# CONNECTD_WORKER_PROPERTIES: where the file is written (default /tmp/connect-worker.properties).
set -eu
props=${CONNECTD_WORKER_PROPERTIES:-/tmp/connect-worker.properties}
: >"$props"
env | grep '^CONNECT_' | sort | while IFS= read -r line; do
  name=${line%%=*}
  value=${line#*=}
  key=$(printf '%s' "${name#CONNECT_}" | tr 'A-Z' 'a-z' |
    sed -e 's/___/-/g' -e 's/__/\x01/g' -e 's/_/./g' -e 's/\x01/_/g')
  printf '%s=%s\n' "$key" "$value" >>"$props"
done
if [ "${1:-}" = print-config ]; then
  cat "$props"
  exit 0
fi
mode=${1:-distributed}
[ $# -gt 0 ] && shift
exec connectd "$mode" "$props" "$@"
