#!/usr/bin/env bash
# Builds Release into build-bench/, writes the benchmark corpus once, then measures `iotpolicy lint` in process and
# end to end. Usage: bash bench/run.sh
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$repo_root/build-bench"
corpus_dir="$repo_root/bench/corpus"

cmake -S "$repo_root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIOTPOLICY_BUILD_TESTS=OFF \
  -DIOTPOLICY_BUILD_BENCH=ON
ninja -C "$build_dir" -j2 iotpolicy iotpolicy-bench-lint
bench="$build_dir/bench/iotpolicy-bench-lint"

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
