#!/usr/bin/env bash
# Differential test of `iotpolicy simulate` against the IAM evaluator @cloud-copilot/iam-simulate (pinned in
# package.json / package-lock.json). Usage: run.sh PATH/TO/iotpolicy [run.mjs options, e.g. --count 200 --seed 7]
# Installs the peer with `npm ci` when it is missing (non-interactive; works with CI=true and no stdin).
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: $0 PATH/TO/iotpolicy [--count N] [--seed S] [--jobs J] [--case ID] [--keep DIR] [--report FILE]" >&2
  exit 2
fi
binary=$(realpath "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
want=$(node -p 'require("./package.json").devDependencies["@cloud-copilot/iam-simulate"]')
have=$(node -p 'try { require("./node_modules/@cloud-copilot/iam-simulate/package.json").version } catch { "" }')
if [[ "$have" != "$want" ]]; then
  npm ci --no-audit --no-fund --silent < /dev/null
fi
exec node run.mjs "$binary" "$@"
