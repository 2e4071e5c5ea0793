#!/usr/bin/env bash
# Validates the SARIF that `iotpolicy lint --format sarif` writes for the golden inputs, with Microsoft's SARIF
# Multitool: the SARIF 2.1.0 schema plus its rules for what GitHub code scanning ingests (rule kind "Gh").
# Any result at level error or warning fails. Usage: validate.sh PATH/TO/iotpolicy
set -euo pipefail
binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
npm ci --no-audit --no-fund --silent < /dev/null
tool=node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
chmod u+x "$tool"  # npm withholds the package's postinstall, which only does this
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# --isolated: the inputs hold deliberately broken configurations (config/bad/) for the golden cases.
(cd ../cli/inputs && "$binary" lint --isolated --format sarif --fail-on never . > "$work/iotpolicy.sarif")
(cd ../cli/inputs && "$binary" lint --isolated --format sarif --fail-on never clean.json > "$work/clean.sarif")
for log in "$work"/iotpolicy.sarif "$work"/clean.sarif; do
  "$tool" validate --rule-kind "Sarif;Gh" --level "Error;Warning" -o "$log.validation" "$log" > "$log.console"
  findings=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).runs[0].results; for (const x of r) console.error(x.message.text || JSON.stringify(x.message)); console.log(r.length)' "$log.validation")
  if [[ "$findings" != 0 ]]; then
    echo "SARIF validation: $findings problems in $(basename "$log")"
    exit 1
  fi
done
echo "SARIF validation: 2 logs valid (schema and GitHub ingestion rules)"
