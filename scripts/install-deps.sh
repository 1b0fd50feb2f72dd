#!/usr/bin/env bash
# Installs everything connectd's build, tests, fuzzers and benchmarks need on a
# fresh Debian 12 machine: Debian packages, Python test clients (PyPI), and the
# Java/Node peers are fetched later by tests/peers/fetch.sh (Maven Central, npm).
# Safe to run again: each step is idempotent.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

DEB_PACKAGES=(
  build-essential cmake pkg-config git
  librdkafka-dev libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev
  libavro-dev libssl-dev libcmocka-dev
  clang-14 libclang-rt-14-dev clang-format valgrind
  kcat curl ca-certificates
  openjdk-17-jdk-headless maven
  nodejs npm
  python3 python3-pip
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm/java/mvn may come from elsewhere on the machine: do not fight them.
filtered=()
for p in "${missing[@]}"; do
  case "$p" in
    nodejs|npm) command -v node >/dev/null && command -v npm >/dev/null && continue ;;
    openjdk-17-jdk-headless) command -v javac >/dev/null && continue ;;
    maven) command -v mvn >/dev/null && continue ;;
    python3|python3-pip) command -v python3 >/dev/null && continue ;;
  esac
  filtered+=("$p")
done
if [ ${#filtered[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${filtered[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${filtered[@]}"
fi

# Python test clients (independent checks of connectd's output).
PY=${PYTHON:-python3}
if ! "$PY" -c 'import pytest, confluent_kafka, kafka_connect, kafka_connect_api, jsonschema, yaml' >/dev/null 2>&1 \
   || ! command -v kc >/dev/null; then
  echo "install-deps: pip install test clients"
  "$PY" -m pip install -q --disable-pip-version-check -r "$(dirname "$0")/../tests/requirements.txt" \
    || "$PY" -m pip install -q --break-system-packages --disable-pip-version-check \
         -r "$(dirname "$0")/../tests/requirements.txt"
fi
echo "install-deps: ok"
