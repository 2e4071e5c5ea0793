#!/usr/bin/env bash
# Installs what building and testing iotpolicy needs, from Debian's packages, skipping what is already there.
# Runs as root (or through sudo); non-interactive, so it works in CI with no standard input.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git
  tao-pegtl-dev nlohmann-json3-dev libfmt-dev libcli11-dev catch2   # the design card's libraries
  clang lld libclang-rt-dev                                          # libFuzzer and the sanitizer runtimes
  util-linux                                                         # taskset, for one-core benchmarks
)
# The VS Code extension's tests need Node.js and npm; a machine that already has them keeps its own.
command -v node > /dev/null 2>&1 && command -v npm > /dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
echo "Installing: ${missing[*]}"
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" < /dev/null
