#!/usr/bin/env bash
# The second README command: builds evmap and runs the whole test suite with ctest
# (unit, case, CLI, end-to-end, QGIS when PyQGIS is installed, and the evaluation).
# The 1 GB batch test (label "large", minutes) runs only when asked: scripts/test.sh -L large.
# Extra arguments go to ctest (for example -L unit, or -LE eval).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
if [[ $# -eq 0 ]]; then
  set -- -LE large
fi
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
