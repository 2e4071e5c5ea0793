#!/usr/bin/env bash
# Builds Release into build-bench/, writes the benchmark corpus once, then measures `iotpolicy lint` in process and
# end to end; then the evaluator's decisions on the fleet workload, the same workload's sample through the peer
# (@cloud-copilot/iam-simulate, installed into bench/peer/ with `npm ci` when missing), and the ratio of rates.
# Usage: bash bench/run.sh   (non-interactive: works with CI=true and no stdin)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$repo_root/build-bench"
corpus_dir="$repo_root/bench/corpus"

cmake -S "$repo_root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIOTPOLICY_BUILD_TESTS=OFF \
  -DIOTPOLICY_BUILD_BENCH=ON
ninja -C "$build_dir" -j2 iotpolicy iotpolicy-bench-lint iotpolicy-bench-simulate
bench="$build_dir/bench/iotpolicy-bench-lint"
simulate="$build_dir/bench/iotpolicy-bench-simulate"
peer_dir="$repo_root/bench/peer"

if [[ ! -d "$corpus_dir" ]]; then
  # Generate beside the build and move into place, so an interrupted run never leaves a partial corpus behind.
  partial_dir="$build_dir/corpus.partial"
  rm -rf "$partial_dir"
  "$bench" generate "$partial_dir"
  mv "$partial_dir" "$corpus_dir"
  echo "corpus moved to $corpus_dir"
fi

# One pinned core keeps the figures comparable between runs and with the single-core target.
pin=()
if command -v taskset >/dev/null 2>&1; then
  pin=(taskset -c 0)
fi

echo
"${pin[@]}" "$bench" measure "$corpus_dir"
echo
"${pin[@]}" "$bench" run-cli "$build_dir/iotpolicy" "$corpus_dir"

# --- Decisions (issue 4): iotpolicy on the whole workload, the peer on its 1% sample, and the ratio ---------------
status=0
sample="$build_dir/simulate-sample.json"
shuffled_log="$build_dir/simulate-shuffled.log"
device_log="$build_dir/simulate-device.log"
echo
"${pin[@]}" "$simulate" measure --sample "$sample" | tee "$shuffled_log" || status=$?
echo
"${pin[@]}" "$simulate" measure --order device | tee "$device_log" || status=$?
rate_of() { awk '$1 == "throughput" { print $2; exit }' "$1"; }
shuffled_rate=$(rate_of "$shuffled_log")
device_rate=$(rate_of "$device_log")

echo
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "peer: skipped (node and npm are needed for @cloud-copilot/iam-simulate)"
  exit "$status"
fi
if [[ ! -f "$sample" ]]; then
  echo "peer: skipped (no sample was written)"
  exit 1
fi
want=$(cd "$peer_dir" && node -p 'require("./package.json").devDependencies["@cloud-copilot/iam-simulate"]')
have=$(cd "$peer_dir" && node -p 'try { require("./node_modules/@cloud-copilot/iam-simulate/package.json").version } catch { "" }')
if [[ "$have" != "$want" ]]; then
  (cd "$peer_dir" && npm ci --no-audit --no-fund --silent < /dev/null)
fi
peer_log="$build_dir/simulate-peer.log"
"${pin[@]}" node "$peer_dir/peer.mjs" "$sample" | tee "$peer_log" || status=$?
peer_rate=$(rate_of "$peer_log")

echo
if [[ -n "$shuffled_rate" && -n "$device_rate" && -n "$peer_rate" ]]; then
  awk -v s="$shuffled_rate" -v d="$device_rate" -v p="$peer_rate" 'BEGIN {
    printf "ratio: iotpolicy is %.0f× the peer (%.0f vs %.0f decisions/s, requests shuffled across devices)\n", s / p, s, p
    printf "       and %.0f× in device order (%.0f decisions/s)\n", d / p, d
  }'
else
  echo "ratio: not computed (a rate is missing)"
  status=1
fi
exit "$status"
