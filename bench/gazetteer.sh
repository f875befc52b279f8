#!/bin/sh
# gazetteer.sh: the gazetteer benchmark: index build time (hyperfine when installed), index
# size, then bench/gazetteer_bench.c (open, exact and fuzzy lookups, resident memory).
# Usage: bench/gazetteer.sh [BUILD_DIR]   (after cmake --build BUILD_DIR)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
cmake --build "$build" --target bench_gazetteer >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --runs 3 --export-markdown "$out/build.md" \
        "$build/evmap-gazbuild -q $here/gazetteer $out/gazetteer.bin" >/dev/null
    cat "$out/build.md"
else
    /usr/bin/time -f "build: %e s, max RSS %M kB" "$build/evmap-gazbuild" -q "$here/gazetteer" "$out/gazetteer.bin"
fi
"$build/evmap-gazbuild" "$here/gazetteer" "$out/gazetteer.bin"
echo "index size: $(stat -c %s "$out/gazetteer.bin") bytes; sources: $(du -sb "$here/gazetteer" | cut -f1) bytes"
"$build/bench/bench_gazetteer" "$out/gazetteer.bin"
