#!/usr/bin/env bash
# Installs the extension's pinned dev dependencies from package-lock.json and runs its tests.
#
#   IOTPOLICY_BIN=/path/to/iotpolicy bash vscode-extension/scripts/test.sh
#
# IOTPOLICY_BIN (optional) is the iotpolicy binary for the test that runs the real CLI; without it that
# one test is skipped (and says so). Works non-interactively (CI=true, no standard input).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -n "${IOTPOLICY_BIN:-}" ]]; then
  if [[ ! -x "$IOTPOLICY_BIN" ]]; then
    echo "test.sh: IOTPOLICY_BIN=$IOTPOLICY_BIN is not an executable file" >&2
    exit 2
  fi
  # Absolute, since npm runs the tests from this folder.
  IOTPOLICY_BIN="$(cd "$(dirname "$IOTPOLICY_BIN")" && pwd)/$(basename "$IOTPOLICY_BIN")"
  export IOTPOLICY_BIN
  echo "test.sh: testing against $IOTPOLICY_BIN ($("$IOTPOLICY_BIN" --version))"
else
  echo "test.sh: IOTPOLICY_BIN is not set; the test that runs the real CLI will be skipped"
fi

npm ci --no-audit --no-fund
npm test </dev/null
