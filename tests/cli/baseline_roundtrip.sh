#!/usr/bin/env bash
# --write-baseline, then --baseline, in a scratch copy of inputs/baseline/fleet: nothing new passes even when lines
# move, a new finding fails and is the only one shown, a fixed finding is counted as stale, and writing again
# prunes it and gives the same bytes for the same findings.
set -uo pipefail
binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/inputs/baseline/fleet" "$work/fleet"
cd "$work" || exit 1
failures=0
check() {  # check DESCRIPTION COMMAND...: the command must succeed
  local description=$1
  shift
  if ! "$@"; then
    echo "FAIL: $description"
    failures=$((failures + 1))
  fi
}
run() {  # run ARGS...: the binary's exit code in $status, its stdout in out.txt and stderr in err.txt
  "$binary" "$@" > out.txt 2> err.txt
  status=$?
}

run lint fleet
check "the fleet has findings to record" test "$status" = 1
run lint --write-baseline baseline.json fleet
check "--write-baseline exits 0" test "$status" = 0
check "--write-baseline says what it wrote" grep -qx "Wrote 5 findings of 2 files to baseline.json." err.txt
check "--write-baseline prints no findings" test ! -s out.txt
check "no temporary file is left" test "$(ls -A | grep -c tmp)" = 0
check "the baseline names files relative to itself" grep -q '"path": "fleet/sensor.json"' baseline.json
check "the baseline is not linted as a policy" test "$(grep -c '"path": "baseline.json"' baseline.json)" = 0
cp baseline.json first.json

run lint --baseline baseline.json fleet
check "nothing new passes" test "$status" = 0
check "nothing new is shown" grep -qx "No problems found in 2 files." out.txt
check "the hidden findings are counted" grep -qx "5 findings hidden by the baseline baseline.json." out.txt

# Lines added above every finding, and the flagged lines indented deeper: still nothing new.
sed -i -e '1s/$/\n\n/' -e 's/^      "Resource"/          "Resource"/' fleet/sensor.json fleet/gateway.json
run lint --baseline baseline.json fleet
check "findings on moved lines stay hidden" test "$status" = 0

# One new finding: it alone is shown, and it fails the run.
sed -i 's|"Resource": "arn:aws:iot:eu-west-1:123456789012:topic/telemetry/${iot:Connection.Thing.ThingName}"|"Resource": "*"|' fleet/sensor.json
run lint --baseline baseline.json fleet
check "a new finding fails" test "$status" = 1
check "only the new finding is shown" test "$(grep -c '^fleet/' out.txt)" = 1
check "the new finding is the one shown" grep -q '^fleet/sensor.json:[0-9]*:[0-9]*: error: .*\[IOT202\]' out.txt

# A fixed finding leaves a stale entry, which --write-baseline prunes.
rm fleet/gateway.json
run lint --baseline baseline.json fleet
check "the gone file's entries are stale" grep -q "^3 baseline entries no longer match a finding" out.txt
run lint --write-baseline baseline.json fleet
check "writing again prunes" test "$(grep -c '"fingerprint"' baseline.json)" = 3
run lint --write-baseline again.json fleet
check "the same findings give the same file" cmp -s baseline.json again.json

echo "baseline round trip: $failures failures"
[[ $failures -eq 0 ]]
