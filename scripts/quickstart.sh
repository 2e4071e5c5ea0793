#!/usr/bin/env bash
# Quick start: install what is missing, build iotpolicy, and lint the bundled example policies.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j2 --target iotpolicy
echo
echo "$ build/iotpolicy lint examples/"
status=0
build/iotpolicy lint examples/ || status=$?
# The examples are meant to have findings (exit 1); only a usage or I/O error (2) is a failure here.
[[ $status -le 1 ]]
