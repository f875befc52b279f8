#!/usr/bin/env bash
# Installs the Debian 12 packages evmap needs to build and run (and, with --tests, the
# extra tools its full test suite uses). Quiet when everything is present.
#   scripts/install-deps.sh            build and run
#   scripts/install-deps.sh --tests    also the test tools (PyQGIS, valgrind, clang, ...)
set -euo pipefail

build_pkgs=(
  build-essential cmake pkg-config
  libgdal-dev gdal-bin libproj-dev proj-data libpng-dev libcairo2-dev fonts-dejavu-core
  libjson-c-dev libutf8proc-dev zlib1g-dev libdeflate-dev libcmocka-dev python3
)
test_pkgs=(
  python3-qgis qgis-providers valgrind clang libclang-rt-14-dev hyperfine
)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--tests" ]]; then
  want+=("${test_pkgs[@]}")
elif [[ -n "${1:-}" ]]; then
  echo "usage: scripts/install-deps.sh [--tests]" >&2
  exit 2
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "evmap: these Debian packages are missing: ${missing[*]}" >&2
    echo "evmap: run this script as root (or install them with apt-get) and try again." >&2
    exit 1
  fi
else
  SUDO=
fi
echo "evmap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
