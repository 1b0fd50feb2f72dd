#!/usr/bin/env bash
# Fetch the real test peers (no Docker) into ${CONNECTD_PEERS_DIR:-<repo>/.peers}.
#
#   tests/peers/fetch.sh [all | kafka | connect | apicurio | kinesis | compose-schema]...
#                                                                         (default: all)
#
#   kafka, connect   Kafka broker + Java Connect worker jars (one lib dir):
#                    $PEERS/kafka-$KAFKA_VERSION/lib/*.jar   (Maven Central)
#   apicurio         Apicurio Registry Quarkus app: $PEERS/apicurio/  (Maven Central)
#   kinesis          kinesis-local (kinesis-mock): $PEERS/kinesis/node_modules/kinesis-local (npm)
#   compose-schema   the Compose Specification JSON schema (schema/compose-spec.json of the Go
#                    module github.com/compose-spec/compose-go/v2, from the Go module proxy):
#                    $PEERS/compose-schema/compose-spec.json (pinned version and sha256)
#
# Environment:
#   CONNECTD_PEERS_DIR     target dir (default <repo>/.peers, git-ignored)
#   KAFKA_VERSION          default 4.3.1; 3.9.x selects the reload4j profile (kafka3)
#   APICURIO_VERSION       default 3.3.3
#   KINESIS_LOCAL_VERSION  default 0.6.2
#   GOPROXY_URL            default https://proxy.golang.org
#   FETCH_FORCE=1          re-fetch even when a peer is already complete
#
# Idempotent: each peer is fetched into a temporary sibling dir and renamed into place
# with a ".complete" stamp; a complete peer is skipped.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${CONNECTD_PEERS_DIR:-$repo/.peers}
kafka_version=${KAFKA_VERSION:-4.3.1}
apicurio_version=${APICURIO_VERSION:-3.3.3}
kinesis_version=${KINESIS_LOCAL_VERSION:-0.6.2}
pom=$here/pom.xml
# The compose-spec schema: pinned module version and the sha256 of schema/compose-spec.json.
compose_go_version=v2.16.2
compose_schema_sha256=f266dcbb043229405d7cedd5aec918f9102c2b3d5e3850808fdd8edd564a43ff
goproxy=${GOPROXY_URL:-https://proxy.golang.org}

say() { printf 'fetch.sh: %s\n' "$*"; }
die() { printf 'fetch.sh: ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

need_tool() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH ($2)"
}

is_complete() { [[ -f "$1/.complete" && "${FETCH_FORCE:-0}" != 1 ]]; }

# A failed or interrupted fetch leaves no half-filled directory behind.
partial_dir=
trap 'if [[ -n "$partial_dir" ]]; then rm -rf "$partial_dir"; fi' EXIT

# Runs "$@" with $tmp as a fresh staging dir, then moves it to $dest atomically.
stage_into() {
  local dest=$1; shift
  local tmp="$dest.partial.$$"
  partial_dir=$tmp
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! "$@" "$tmp"; then
    rm -rf "$tmp"
    return 1
  fi
  date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/.complete"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  partial_dir=
}

mvn_run() {
  # -B: batch; -ntp: no download progress noise; errors still printed. Debian's Maven 3.8
  # emits stray ESC[0m even in batch mode: strip them (pipefail keeps mvn's status).
  mvn -B -ntp -Dstyle.color=never -f "$pom" "$@" 2>&1 | sed -u 's/\x1b\[0m//g'
  return "${PIPESTATUS[0]}"
}

copy_kafka_lib() {
  local tmp=$1 profile=()
  case "$kafka_version" in
    3.*) profile=(-Pkafka3) ;;
    4.*) profile=() ;;
    *) die "KAFKA_VERSION=$kafka_version: only 3.9.x and 4.x are supported" ;;
  esac
  say "mvn dependency:copy-dependencies kafka_2.13/connect-runtime/connect-file $kafka_version ${profile[*]:-}"
  mvn_run "${profile[@]}" -q dependency:copy-dependencies@kafka-lib \
    -Dkafka.version="$kafka_version" -Dpeers.lib.dir="$tmp/lib" ||
    die "maven could not gather Kafka $kafka_version jars (is Maven Central reachable? does $kafka_version exist?)"
  [[ -f "$tmp/lib/kafka_2.13-$kafka_version.jar" ]] ||
    die "kafka_2.13-$kafka_version.jar missing after copy"
  [[ -f "$tmp/lib/connect-runtime-$kafka_version.jar" ]] ||
    die "connect-runtime-$kafka_version.jar missing after copy"
  local bindings
  bindings=$(cd "$tmp/lib" && ls | grep -E '^(log4j-slf4j|slf4j-reload4j|slf4j-log4j|log4j-slf4j2|logback-classic)' || true)
  [[ $(printf '%s\n' "$bindings" | grep -c .) == 1 ]] ||
    die "expected exactly one SLF4J binding in lib, found: ${bindings:-none}"
  echo "$kafka_version" >"$tmp/VERSION"
}

fetch_kafka() {
  local dest="$peers/kafka-$kafka_version"
  if is_complete "$dest"; then
    say "kafka $kafka_version: already complete in $dest"
    return
  fi
  need_tool mvn "Debian package maven"
  need_tool java "Debian package openjdk-17-jre-headless"
  stage_into "$dest" copy_kafka_lib || die "kafka $kafka_version failed"
  say "kafka $kafka_version: $(ls "$dest/lib" | wc -l) jars, $(du -sh "$dest/lib" | cut -f1) in $dest/lib"
}

unpack_apicurio() {
  local tmp=$1
  say "mvn dependency:unpack io.apicurio:apicurio-registry-app:$apicurio_version:tar.gz:all (~160 MB)"
  # The unpack goal skips artifacts its markers say were unpacked before, even
  # into another directory: forget them so a re-fetch really unpacks.
  rm -rf "$(dirname "${BASH_SOURCE[0]}")/target/dependency-maven-plugin-markers"
  mvn_run -q dependency:unpack@apicurio \
    -Dapicurio.version="$apicurio_version" -Dpeers.apicurio.dir="$tmp/unpacked" ||
    die "maven could not fetch/unpack apicurio-registry-app $apicurio_version"
  local jar
  jar=$(find "$tmp/unpacked" -name quarkus-run.jar -print -quit)
  [[ -n "$jar" ]] || die "no quarkus-run.jar inside apicurio-registry-app-$apicurio_version-all.tar.gz"
  # Normalise: $PEERS/apicurio/quarkus-app/quarkus-run.jar whatever the tarball's top dir is.
  mv "$(dirname "$jar")" "$tmp/quarkus-app"
  rm -rf "$tmp/unpacked"
  echo "$apicurio_version" >"$tmp/VERSION"
}

fetch_apicurio() {
  local dest="$peers/apicurio"
  if is_complete "$dest" && [[ "$(cat "$dest/VERSION" 2>/dev/null)" == "$apicurio_version" ]]; then
    say "apicurio $apicurio_version: already complete in $dest"
    return
  fi
  need_tool mvn "Debian package maven"
  stage_into "$dest" unpack_apicurio || die "apicurio $apicurio_version failed"
  say "apicurio $apicurio_version: $dest/quarkus-app/quarkus-run.jar" \
    "(3.3.x runs on Java 21+; the harness looks in APICURIO_JAVA_HOME, JAVA_HOME, PATH, /usr/lib/jvm)"
}

install_kinesis() {
  local tmp=$1
  say "npm install --prefix $tmp kinesis-local@$kinesis_version"
  npm install --prefix "$tmp" --no-audit --no-fund --no-save --loglevel=error \
    "kinesis-local@$kinesis_version" || die "npm could not install kinesis-local@$kinesis_version"
  [[ -f "$tmp/node_modules/kinesis-local/main.js" ]] ||
    die "kinesis-local@$kinesis_version has no main.js"
  echo "$kinesis_version" >"$tmp/VERSION"
}

fetch_kinesis() {
  local dest="$peers/kinesis"
  if is_complete "$dest" && [[ "$(cat "$dest/VERSION" 2>/dev/null)" == "$kinesis_version" ]]; then
    say "kinesis-local $kinesis_version: already complete in $dest"
    return
  fi
  need_tool npm "Node.js 18+ with npm"
  stage_into "$dest" install_kinesis || die "kinesis-local $kinesis_version failed"
  say "kinesis-local $kinesis_version: $dest/node_modules/kinesis-local/main.js"
}

unpack_compose_schema() {
  local tmp=$1
  local url="$goproxy/github.com/compose-spec/compose-go/v2/@v/$compose_go_version.zip"
  need_tool curl "Debian package curl"
  need_tool python3 "Debian package python3"
  say "curl $url"
  curl -fsSL --retry 3 -m 120 -o "$tmp/module.zip" "$url" ||
    die "could not download $url (is the Go module proxy reachable?)"
  python3 - "$tmp/module.zip" "$tmp/compose-spec.json" \
    "github.com/compose-spec/compose-go/v2@$compose_go_version/schema/compose-spec.json" <<'PY' ||
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read(sys.argv[3]))
PY
    die "no schema/compose-spec.json in compose-go $compose_go_version"
  rm -f "$tmp/module.zip"
  local got
  got=$(sha256sum "$tmp/compose-spec.json" | cut -d' ' -f1)
  [[ "$got" == "$compose_schema_sha256" ]] ||
    die "compose-spec.json sha256 $got, expected $compose_schema_sha256"
  echo "$compose_go_version" >"$tmp/VERSION"
}

fetch_compose_schema() {
  local dest="$peers/compose-schema"
  if is_complete "$dest" && [[ "$(cat "$dest/VERSION" 2>/dev/null)" == "$compose_go_version" ]]; then
    say "compose-schema $compose_go_version: already complete in $dest"
    return
  fi
  stage_into "$dest" unpack_compose_schema || die "compose-schema $compose_go_version failed"
  say "compose-schema $compose_go_version: $dest/compose-spec.json"
}

main() {
  local want_kafka=0 want_apicurio=0 want_kinesis=0 want_compose=0
  [[ $# -gt 0 ]] || set -- all
  for arg in "$@"; do
    case "$arg" in
      all) want_kafka=1 want_apicurio=1 want_kinesis=1 want_compose=1 ;;
      kafka | broker | connect) want_kafka=1 ;;
      apicurio | registry) want_apicurio=1 ;;
      kinesis) want_kinesis=1 ;;
      compose-schema | compose) want_compose=1 ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown peer '$arg'" ;;
    esac
  done
  mkdir -p "$peers"
  say "peers dir: $peers"
  local start=$SECONDS
  ((want_kafka)) && fetch_kafka
  ((want_apicurio)) && fetch_apicurio
  ((want_kinesis)) && fetch_kinesis
  ((want_compose)) && fetch_compose_schema
  say "done in $((SECONDS - start)) s"
}

main "$@"
