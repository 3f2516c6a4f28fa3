#!/usr/bin/env bash
# Installs the Debian bookworm packages the project needs, only those that are missing.
# Usage: scripts/install-deps.sh [extra-package ...]
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-program-options1.81-dev libboost-url1.81-dev nlohmann-json3-dev
  doctest-dev libssl-dev prometheus-cpp-dev libjs-chart.js gnuplot-nox libsqlite3-dev help2man
  libpq-dev postgresql libsystemd-dev libboost-stacktrace1.81-dev libseccomp-dev
  libcurl4-openssl-dev
  "$@"
)

# npm: the build fetches the dashboard's flame graph with it. Debian's, unless one is on the PATH
# already (a Node.js from elsewhere, whose npm Debian's package would conflict with).
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
