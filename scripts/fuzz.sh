#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and fuzzes each in turn for its share of
# SECONDS seconds (default 60; at least one second each): fuzz_parser (the lint pipeline), fuzz_policy_variable
# (policy-variable templates), fuzz_scenario (scenario files and the simulator), fuzz_log_records (AWS IoT log
# records and their replay) and fuzz_config (.iotpolicy.json and baseline files). Exits non-zero when a fuzzer
# finds a crash, a leak, a timeout or a broken invariant;
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
artifacts="$build/artifacts"

# Each target: its seeds (committed, left as they are), its working corpus (grows across runs) and its dictionary.
targets=(fuzz_parser fuzz_policy_variable fuzz_scenario fuzz_log_records fuzz_config)
declare -A seeds=(
    [fuzz_parser]="$root/fuzz/corpus"
    [fuzz_policy_variable]="$root/fuzz/corpus-policy-variable"
    [fuzz_scenario]="$root/fuzz/corpus-scenario"
    [fuzz_log_records]="$root/fuzz/corpus-log-records"
    [fuzz_config]="$root/fuzz/corpus-config"
)
declare -A corpora=(
    [fuzz_parser]="$build/corpus"
    [fuzz_policy_variable]="$build/corpus-policy-variable"
    [fuzz_scenario]="$build/corpus-scenario"
    [fuzz_log_records]="$build/corpus-log-records"
    [fuzz_config]="$build/corpus-config"
)
declare -A dictionaries=(
    [fuzz_parser]="$root/fuzz/json.dict"
    [fuzz_policy_variable]="$root/fuzz/policy_variable.dict"
    [fuzz_scenario]="$root/fuzz/scenario.dict"
    [fuzz_log_records]="$root/fuzz/log_records.dict"
    [fuzz_config]="$root/fuzz/config.dict"
)

# Shares of the time, out of 20 (CI's 72 seconds: 32 + 7 + 14 + 10 + 7). The lint pipeline is the front door of every
# policy and by far the slowest per input (80-350 runs/s: each runs write_sarif), so it keeps half. The scenario
# reader reaches the whole evaluator (every condition operator, variable and R0 reading: twice fuzz_parser's code
# edges) at some 600-2,000 runs/s, so 16 seconds give it more runs than the parser gets in 36. The log reader
# reuses the JSON parser but adds every container form and the replay (12 s, 200-350 runs/s). The template parser
# is small and runs some 2,000-7,700 inputs/s, so 7 seconds cover it; so do they the configuration and baseline
# readers, small and fast like it. Each at least one second.
declare -A weights=([fuzz_parser]=9 [fuzz_policy_variable]=2 [fuzz_scenario]=4 [fuzz_log_records]=3 [fuzz_config]=2)
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
    if [[ $target == fuzz_parser ]]; then
        # Every rule's fixtures reach the rules' corners: seed the lint pipeline with them too.
        for fixture in "$root"/lint-rules/*/{bad,good}/*.json; do
            cp -- "$fixture" "$corpus/fixture-$(basename "$(dirname "$(dirname "$fixture")")")-$(basename "$fixture")"
        done
    fi
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
