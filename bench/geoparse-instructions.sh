#!/bin/sh
# geoparse-instructions.sh: the geoparser's cost in instructions, which unlike wall time
# does not move with the load of a shared machine. Runs `evmap geoparse -j 1` under
# cachegrind over LGL + GeoVirus once, and over a one-line article for the fixed start-up
# cost (gazetteer check, dynamic linking); prints instructions per byte of article text and
# the functions that take the most. Needs valgrind.
#
#   bench/geoparse-instructions.sh [EVMAP] [TOP]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
evmap=${1:-$root/build/evmap}
top=${2:-15}
shared=${EVM_SHARED_DIR:-$root/../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat "$shared/eval/lgl/articles.jsonl" "$shared/eval/geovirus/articles.jsonl" >"$work/articles.jsonl"
printf '{"id": "one", "text": "Rain fell in Kyiv."}\n' >"$work/one.jsonl"
for input in articles one; do
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$work/$input.cg" \
        "$evmap" geoparse -j 1 "$work/$input.jsonl" >/dev/null 2>"$work/$input.log"
done
python3 - "$work" "$top" <<'PY'
import json, re, subprocess, sys
work, top = sys.argv[1], int(sys.argv[2])
def total(name):
    for line in open(f"{work}/{name}.cg"):
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise SystemExit(f"no summary in {name}.cg")
text = sum(len(json.loads(l)["text"].encode()) for l in open(f"{work}/articles.jsonl"))
arts = sum(1 for _ in open(f"{work}/articles.jsonl"))
all_, fixed = total("articles"), total("one")
print(f"input: {arts} articles, {text} bytes of text (LGL + GeoVirus)")
print(f"instructions: {all_ / 1e6:.1f} M in all, {fixed / 1e6:.1f} M fixed start-up, "
      f"{(all_ - fixed) / text:.0f} a byte of text, {(all_ - fixed) / arts / 1e3:.0f} k an article")
out = subprocess.run(["cg_annotate", f"{work}/articles.cg"], capture_output=True, text=True).stdout
rows = []
for line in out.splitlines():
    m = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S+)$", line)
    if m and not m.group(3).startswith("PROGRAM"):
        rows.append((int(m.group(1).replace(",", "")), m.group(3).split(":")[-1]))
print(f"{'function':<40} {'M instr':>8} {'share':>6}")
for n, fn in sorted(rows, reverse=True)[:top]:
    print(f"{fn:<40} {n / 1e6:8.1f} {100 * n / all_:5.1f}%")
PY
