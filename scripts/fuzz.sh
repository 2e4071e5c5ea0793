#!/usr/bin/env bash
# Builds the libFuzzer target (clang, ASan + UBSan) in build-fuzz/ and fuzzes the lint pipeline for SECONDS
# seconds (default 60). Exits non-zero when the fuzzer finds a crash, a leak, a timeout or a broken invariant;
# the input that did it is in build-fuzz/artifacts/. See fuzz/README.md.
#
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail

usage() {
    echo "usage: $0 [SECONDS]   (default 60)" >&2
    exit 2
}

[[ $# -le 1 ]] || usage
seconds="${1:-60}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || usage

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-fuzz"
seeds="$root/fuzz/corpus"
corpus="$build/corpus"        # the working corpus: grows across runs; the committed seeds stay as they are
artifacts="$build/artifacts"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DIOTPOLICY_FUZZ=ON \
    -DIOTPOLICY_BUILD_TESTS=OFF \
    -DIOTPOLICY_BUILD_BENCH=OFF
cmake --build "$build" --target fuzz_parser -j2

mkdir -p "$corpus" "$artifacts"
cp -- "$seeds"/* "$corpus"/

# UBSan findings are fatal (-fno-sanitize-recover); give them a stack trace like ASan's.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
marker="$build/.fuzz-run-start"
touch "$marker"

echo "fuzzing for ${seconds}s; working corpus $corpus, artifacts in $artifacts"
status=0
"$build/fuzz/fuzz_parser" \
    -max_total_time="$seconds" \
    -max_len=4096 \
    -dict="$root/fuzz/json.dict" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts/" \
    "$corpus" </dev/null || status=$?

if [[ $status -ne 0 ]]; then
    echo "fuzz.sh: the fuzzer stopped with status $status; reproduce with" >&2
    find "$artifacts" -type f -newer "$marker" -print | while IFS= read -r artifact; do
        echo "  $build/fuzz/fuzz_parser $artifact" >&2
    done
    exit 1
fi
echo "fuzz.sh: no crash in ${seconds}s"
