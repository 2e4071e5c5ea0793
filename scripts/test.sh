#!/usr/bin/env bash
# The whole test suite, as CI runs it: release build + every test (unit, rule fixtures, golden CLI, the
# simulator's conformance suite and evaluator cases); the SARIF validated by Microsoft's SARIF Multitool; the
# simulator against an independent IAM evaluator; the same tests under AddressSanitizer and
# UndefinedBehaviorSanitizer; a short libFuzzer run of every parser; the VS Code extension's tests.
# FUZZ_SECONDS (default 72, shared by the four fuzz targets as scripts/fuzz.sh says) bounds the fuzzing;
# SKIP_SANITIZERS=1 / SKIP_FUZZ=1 / SKIP_EXTENSION=1 skip a stage.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

stage() { printf '\n==== %s ====\n' "$*"; }

stage "Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DIOTPOLICY_WERROR=ON -DIOTPOLICY_BUILD_TESTS=ON > /dev/null
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2

stage "SARIF validation (schema and GitHub code scanning rules)"
bash tests/sarif/validate.sh build/iotpolicy

stage "Differential test of the simulator against @cloud-copilot/iam-simulate"
bash tests/differential/run.sh build/iotpolicy

# One clang tree serves both sanitizer stages: the suite runs under ASan + UBSan in the libFuzzer-instrumented
# build, and the fuzzers then reuse its objects instead of compiling the project a third time.
if [[ "${SKIP_SANITIZERS:-0}" != 1 ]]; then
  stage "AddressSanitizer + UndefinedBehaviorSanitizer (clang) build and tests"
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOTPOLICY_FUZZ=ON \
        -DIOTPOLICY_SANITIZE=ON -DIOTPOLICY_BUILD_BENCH=OFF > /dev/null
  cmake --build build-fuzz -j2
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-fuzz --output-on-failure -j2
fi

if [[ "${SKIP_FUZZ:-0}" != 1 ]]; then
  stage "libFuzzer: the parsers for ${FUZZ_SECONDS:-72} s"
  bash scripts/fuzz.sh "${FUZZ_SECONDS:-72}"
fi

if [[ "${SKIP_EXTENSION:-0}" != 1 ]]; then
  stage "VS Code extension"
  IOTPOLICY_BIN="$PWD/build/iotpolicy" bash vscode-extension/scripts/test.sh
fi

stage "All stages passed"
