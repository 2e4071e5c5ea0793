#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and fuzzes each in turn for its share of
# SECONDS seconds (default 60; at least one second each): fuzz_parser (the lint pipeline) and
# fuzz_policy_variable (policy-variable templates). Exits non-zero when a fuzzer finds a crash, a leak, a timeout or
# a broken invariant; the input that did it is in build-fuzz/artifacts/. See fuzz/README.md.
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
artifacts="$build/artifacts"

# Each target: its seeds (committed, left as they are), its working corpus (grows across runs) and its dictionary.
targets=(fuzz_parser fuzz_policy_variable)
declare -A seeds=([fuzz_parser]="$root/fuzz/corpus" [fuzz_policy_variable]="$root/fuzz/corpus-policy-variable")
declare -A corpora=([fuzz_parser]="$build/corpus" [fuzz_policy_variable]="$build/corpus-policy-variable")
declare -A dictionaries=([fuzz_parser]="$root/fuzz/json.dict" [fuzz_policy_variable]="$root/fuzz/policy_variable.dict")

# The JSON parser runs the whole lint pipeline, some 40 times slower per input than a template, so it gets five
# sixths of the time (a minute of CI's 72 seconds), the template parser the rest; each at least one second.
declare -A weights=([fuzz_parser]=5 [fuzz_policy_variable]=1)
total_weight=0
for target in "${targets[@]}"; do total_weight=$((total_weight + weights[$target])); done
declare -A shares=()
for target in "${targets[@]}"; do
    shares[$target]=$((seconds * weights[$target] / total_weight))
    ((shares[$target] >= 1)) || shares[$target]=1
done

# Tests stay configured (only the fuzz targets are built here), so that scripts/test.sh can build and run the
# whole suite in this same sanitized tree first and the fuzzing reuses its objects.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DIOTPOLICY_FUZZ=ON \
    -DIOTPOLICY_BUILD_BENCH=OFF
cmake --build "$build" --target "${targets[@]}" -j2

mkdir -p "$artifacts"
# UBSan findings are fatal (-fno-sanitize-recover); give them a stack trace like ASan's.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

failed=()
for target in "${targets[@]}"; do
    corpus="${corpora[$target]}"
    mkdir -p "$corpus"
    cp -- "${seeds[$target]}"/* "$corpus"/
    marker="$build/.fuzz-run-start-$target"
    touch "$marker"

    share="${shares[$target]}"
    echo "fuzzing $target for ${share}s; working corpus $corpus, artifacts in $artifacts"
    status=0
    "$build/fuzz/$target" \
        -max_total_time="$share" \
        -max_len=4096 \
        -dict="${dictionaries[$target]}" \
        -timeout=10 \
        -rss_limit_mb=2048 \
        -print_final_stats=1 \
        -artifact_prefix="$artifacts/" \
        "$corpus" </dev/null || status=$?

    if [[ $status -ne 0 ]]; then
        echo "fuzz.sh: $target stopped with status $status; reproduce with" >&2
        find "$artifacts" -type f -newer "$marker" -print | while IFS= read -r artifact; do
            echo "  $build/fuzz/$target $artifact" >&2
        done
        failed+=("$target")
    fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
    echo "fuzz.sh: findings in ${failed[*]}" >&2
    exit 1
fi
summary=()
for target in "${targets[@]}"; do summary+=("$target ${shares[$target]}s"); done
echo "fuzz.sh: no crash in ${seconds}s ($(IFS=,; echo "${summary[*]}" | sed 's/,/, /g'))"
