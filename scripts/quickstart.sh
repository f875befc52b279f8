#!/usr/bin/env bash
# The first README command: installs what is missing, builds evmap (and its gazetteer
# index) into build/, and maps the bundled sample article into output/sample/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
build/evmap map docs/examples/sample.txt
ls -l output/sample/
