#!/usr/bin/env bash
# The whole connectd test suite, as CI runs it (README: "run the tests").
#
#   1. installs what it needs (Debian packages, PyPI clients, Maven/npm peers)
#   2. builds connectd twice: plain, and with ASan+UBSan
#   3. runs the C unit tests in both builds, and under valgrind
#   4. runs the integration tests (pytest) against real peers on 127.0.0.1
#   5. runs every libFuzzer target for FUZZ_SECONDS (default 60) each
#   6. checks clang-format
# and ends with one summary line: "connectd: N passed, N failed[, N skipped]".
#
# Environment: KAFKA_VERSION (default in tests/peers/fetch.sh), KAFKA_BOOTSTRAP
# (use an existing broker), FUZZ_SECONDS, SKIP_INSTALL=1 (deps already there),
# PYTEST_ARGS (extra pytest arguments).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
JOBS=${JOBS:-$(nproc)}
RESULTS="$ROOT/build/test-results"
PY=${PYTHON:-python3}
# The other Kafka line users run: the peer/librdkafka tests run against it as well.
COMPAT_KAFKA_VERSION=${COMPAT_KAFKA_VERSION:-3.9.2}

step() { printf '\n=== %s\n' "$*"; }
die() { echo "test.sh: $*" >&2; exit 1; }

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  step "install dependencies"
  bash scripts/install-deps.sh || die "installing dependencies failed"
  step "fetch test peers (Maven Central, npm)"
  bash tests/peers/fetch.sh all || die "fetching the test peers failed"
  KAFKA_VERSION=$COMPAT_KAFKA_VERSION bash tests/peers/fetch.sh kafka \
    || die "fetching Kafka $COMPAT_KAFKA_VERSION failed"
fi

rm -rf "$RESULTS" && mkdir -p "$RESULTS"
# Checks that are not junit-producing runners are recorded here as junit too.
record() { # name status(pass|fail) [message]
  "$PY" scripts/junit_record.py "$RESULTS/check-$1.xml" "$1" "$2" "${3:-}"
}

step "build (plain)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >build/cmake.log 2>&1 || { cat build/cmake.log; die "cmake failed"; }
cmake --build build -j"$JOBS" || die "build failed"

step "build (ASan+UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCONNECTD_SANITIZE=ON -DCONNECTD_BENCH=OFF \
  >build/cmake-asan.log 2>&1 || { cat build/cmake-asan.log; die "cmake (asan) failed"; }
cmake --build build-asan -j"$JOBS" || die "build (asan) failed"

step "C unit tests"
ctest --test-dir build --output-on-failure --output-junit "$RESULTS/ctest.xml"

step "C unit tests under ASan+UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure --output-junit "$RESULTS/ctest-asan.xml"

step "C unit tests under valgrind"
for t in build/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  if CONNECTD_SOURCE_DIR="$ROOT" valgrind -q --error-exitcode=99 --leak-check=full \
       --errors-for-leak-kinds=definite,indirect "$t" >"$RESULTS/valgrind-$name.log" 2>&1; then
    record "valgrind_$name" pass
  else
    cat "$RESULTS/valgrind-$name.log"
    record "valgrind_$name" fail "valgrind reported errors for $name"
  fi
done

step "integration tests (real peers on 127.0.0.1)"
CONNECTD_BUILD_DIR="$ROOT/build" "$PY" -m pytest tests/integration -ra \
  --junitxml="$RESULTS/pytest.xml" ${PYTEST_ARGS:-}
pytest_verdict() { # name exit-code: 0 and 1 are in the junit file; anything else is a failure
  case "$2" in
    0 | 1) ;;
    5) record "$1" fail "pytest collected no tests" ;;
    *) record "$1" fail "pytest ended with exit code $2 (interrupted, internal or usage error)" ;;
  esac
}
pytest_verdict pytest_run $?

if [ -z "${KAFKA_BOOTSTRAP:-}" ]; then
  step "broker, librdkafka and worker-group tests against Kafka $COMPAT_KAFKA_VERSION"
  KAFKA_VERSION=$COMPAT_KAFKA_VERSION CONNECTD_BUILD_DIR="$ROOT/build" "$PY" -m pytest \
    tests/integration/test_peers.py tests/integration/test_group_member.py \
    "tests/integration/test_distributed.py::test_three_connectd_workers_share_the_work" -ra -m "not peer_java_connect and not peer_apicurio and not peer_kinesis" \
    -o junit_suite_name="kafka-$COMPAT_KAFKA_VERSION" --junitxml="$RESULTS/pytest-kafka-$COMPAT_KAFKA_VERSION.xml"
  pytest_verdict "pytest_run_kafka_$COMPAT_KAFKA_VERSION" $?
fi

step "fuzzers (${FUZZ_SECONDS}s each)"
if CC=clang-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONNECTD_FUZZ=ON \
     >build/cmake-fuzz.log 2>&1 && cmake --build build-fuzz -j"$JOBS" >>build/cmake-fuzz.log 2>&1; then
  for f in build-fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    corpus_seed="tests/fuzz/corpus/${name#fuzz_}"
    # seeds live under the fuzzer's name or its first word (fuzz_rest_request -> rest)
    [ -d "$corpus_seed" ] || corpus_seed="tests/fuzz/corpus/$(echo "${name#fuzz_}" | cut -d_ -f1)"
    work=$(mktemp -d)
    [ -d "$corpus_seed" ] && cp -r "$corpus_seed"/. "$work"/ 2>/dev/null
    if "$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
         -artifact_prefix="$RESULTS/$name-" "$work" >"$RESULTS/$name.log" 2>&1; then
      echo "$name: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$RESULTS/$name.log" | tail -1)"
      record "$name" pass
    else
      tail -50 "$RESULTS/$name.log"
      record "$name" fail "$name found a crash, leak or timeout (see artifacts)"
    fi
    rm -rf "$work"
  done
else
  cat build/cmake-fuzz.log
  record fuzz_build fail "building the fuzzers failed"
fi

step "clang-format"
unformatted=$(git ls-files '*.c' '*.h' | xargs -r clang-format --dry-run --Werror 2>&1 | grep -Eo '^[^:]+\.(c|h)' | sort -u)
if [ -z "$unformatted" ]; then
  record clang_format pass
else
  echo "not clang-formatted: $unformatted"
  record clang_format fail "not clang-formatted: $unformatted"
fi

step "summary"
"$PY" scripts/junit_summary.py "$RESULTS"
