#!/bin/sh
# geoparse.sh: geoparsing throughput on the concatenated LGL and GeoVirus corpora, repeated
# REPEAT times (default 10), with `evmap geoparse` on one thread and on two, side by side
# with `grep -c -w -F -f NAMES` over the same text (the floor for a dictionary scan; NAMES
# is the gazetteer's list of main place names). Prints MB of article text a second,
# articles a second, and the ratio to grep, for the mean run and the best (RUNS runs each,
# default 10). Needs hyperfine.
#
#   bench/geoparse.sh [EVMAP] [REPEAT]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
evmap=${1:-$root/build/evmap}
repeat=${2:-10}
shared=${EVM_SHARED_DIR:-$root/../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

i=0
while [ "$i" -lt "$repeat" ]; do
    cat "$shared/eval/lgl/articles.jsonl" "$shared/eval/geovirus/articles.jsonl"
    i=$((i + 1))
done >"$work/articles.jsonl"
# the same text as plain lines, for grep
python3 -c '
import json, sys
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in open(sys.argv[1], encoding="utf-8"):
        out.write(json.loads(line)["text"].replace("\n", " ") + "\n")
' "$work/articles.jsonl" "$work/text.txt"
# main names of the gazetteer's places, regions and countries
{
    zcat "$root/gazetteer/geonames-places.tsv.gz" | grep -v '^#' | cut -f2
    zcat "$root/gazetteer/geonames-admin1.tsv.gz" "$root/gazetteer/geonames-admin2.tsv.gz" |
        grep -v '^#' | cut -f2
    grep -v '^#' "$root/gazetteer/countries.tsv" | cut -f3
} | sort -u >"$work/names.txt"

articles=$(wc -l <"$work/articles.jsonl")
text_bytes=$(wc -c <"$work/text.txt")
names=$(wc -l <"$work/names.txt")
echo "input: $articles articles, $text_bytes bytes of text ($repeat x LGL+GeoVirus); $names names"
hyperfine --warmup 1 --runs ${RUNS:-10} --export-json "$work/h.json" \
    -n "evmap geoparse -j 1" "$evmap geoparse -j 1 $work/articles.jsonl >/dev/null" \
    -n "evmap geoparse -j 2" "$evmap geoparse -j 2 $work/articles.jsonl >/dev/null" \
    -n "grep -c -w -F -f names" "grep -c -w -F -f $work/names.txt $work/text.txt >/dev/null" \
    >/dev/null
python3 - "$work/h.json" "$text_bytes" "$articles" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
size, arts = int(sys.argv[2]), int(sys.argv[3])
grep = next(r for r in res if r["command"].startswith("grep"))["mean"]
grep_cpu = next(r for r in res if r["command"].startswith("grep"))["user"]
# wall time, and CPU time (user + system), which a busy shared machine disturbs less
grep_min = next(r for r in res if r["command"].startswith("grep"))["min"]
print(f"{'command':<24} {'wall s':>7} {'± s':>6} {'MB/s':>6} {'art/s':>6} {'/grep':>6}"
      f" {'cpu s':>7} {'MB/cpu-s':>8} {'art/cpu-s':>9} {'/grep':>6} {'best s':>7} {'MB/s':>6} {'/grep':>6}")
for r in res:
    m, c, b = r["mean"], r["user"] + r["system"], r["min"]
    print(f"{r['command']:<24} {m:7.3f} {r['stddev']:6.3f} {size / m / 1e6:6.1f} {arts / m:6.0f}"
          f" {m / grep:6.2f} {c:7.3f} {size / c / 1e6:8.1f} {arts / c:9.0f} {c / grep_cpu:6.2f}"
          f" {b:7.3f} {size / b / 1e6:6.1f} {b / grep_min:6.2f}")
# the best run is the one the machine disturbed least (interference only slows a run down)
PY
