#!/usr/bin/env bash
# Golden tests of the CLI: each folder under cases/ holds `args` (one argument per line), optionally `stdin`,
# and the expected `stdout`, `stderr` and `exit_code`. The binary runs in inputs/, so paths print the same
# everywhere. A case that writes files (lint --fix) has `files/`: the binary runs in a temporary copy of it, and
# the copy afterwards must equal `files.after/` exactly (no file more, none less: no temporary file left behind).
# IOTPOLICY_UPDATE_GOLDEN=1 rewrites the expectations (review the diff before committing).
# inputs/.iotpolicy.json is empty on purpose: configuration discovery stops there, so a .iotpolicy.json further up
# (the repository's own, say) cannot change what these cases print.
set -uo pipefail
binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
failures=0
cases=0
for case_dir in "$here"/cases/*/; do
  name=$(basename "$case_dir")
  cases=$((cases + 1))
  mapfile -t args < "$case_dir/args"
  stdin_file=/dev/null
  [[ -f "$case_dir/stdin" ]] && stdin_file="$case_dir/stdin"
  actual=$(mktemp -d)
  workdir="$here/inputs"
  if [[ -d "$case_dir/files" ]]; then
    workdir="$actual/files"
    cp -R "$case_dir/files" "$workdir"
  fi
  (cd "$workdir" && NO_COLOR= "$binary" "${args[@]}" < "$stdin_file" > "$actual/stdout" 2> "$actual/stderr")
  echo $? > "$actual/exit_code"
  if [[ "${IOTPOLICY_UPDATE_GOLDEN:-}" == 1 ]]; then
    cp "$actual/stdout" "$actual/stderr" "$actual/exit_code" "$case_dir"
    if [[ -d "$case_dir/files" ]]; then
      rm -rf "$case_dir/files.after" && cp -R "$workdir" "$case_dir/files.after"
    fi
  fi
  if [[ -d "$case_dir/files" ]] && ! diff -r "$case_dir/files.after" "$workdir" > "$actual/diff"; then
    echo "FAIL $name: the files it wrote differ"
    cat "$actual/diff"
    failures=$((failures + 1))
  fi
  for part in stdout stderr exit_code; do
    if ! diff -u "$case_dir/$part" "$actual/$part" > "$actual/diff"; then
      echo "FAIL $name: $part differs"
      cat "$actual/diff"
      failures=$((failures + 1))
    fi
  done
  rm -rf "$actual"
done
echo "golden: $((cases)) cases, $failures mismatches"
[[ $cases -gt 0 && $failures -eq 0 ]]
