#!/bin/sh
# run.sh: the geoparser's evaluation: runs `evmap geoparse` over the LGL and GeoVirus
# corpora in ../shared/eval, scores each with the corpus scorer (score.py) and prints a
# table. With --check, exits 1 when a score falls below its floor in tests/eval/floors.txt.
#
#   tests/eval/run.sh [--check] [--keep DIR] [EVMAP]
#
# EVMAP defaults to build/evmap; EVM_SHARED_DIR (default: ../shared next to the source
# tree) locates the corpora. Corpora that are absent are skipped (exit 0, "skipped").
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
check=0
keep=""
evmap="$root/build/evmap"
while [ $# -gt 0 ]; do
    case "$1" in
    --check) check=1 ;;
    --keep) keep="$2"; shift ;;
    *) evmap="$1" ;;
    esac
    shift
done
shared=${EVM_SHARED_DIR:-$root/../shared}
eval_dir="$shared/eval"
if [ ! -f "$eval_dir/score.py" ]; then
    echo "eval: $eval_dir/score.py not found: skipped"
    exit 0
fi
out=${keep:-$(mktemp -d)}
mkdir -p "$out"
[ -n "$keep" ] || trap 'rm -rf "$out"' EXIT

status=0
printf '%-9s %7s %7s %7s %7s %8s %7s %7s %9s\n' corpus P R F1 strictF1 acc@161 AUC e2e@161 seconds
for corpus in lgl geovirus; do
    [ -f "$eval_dir/$corpus/articles.jsonl" ] || continue
    t0=$(date +%s.%N)
    "$evmap" geoparse "$eval_dir/$corpus/articles.jsonl" >"$out/$corpus.jsonl"
    t1=$(date +%s.%N)
    python3 "$eval_dir/score.py" "$out/$corpus.jsonl" "$eval_dir/$corpus/gold.jsonl" --json \
        >"$out/$corpus.score.json"
    python3 - "$out/$corpus.score.json" "$corpus" "$t0" "$t1" "$here/floors.txt" "$check" <<'PY' || status=1
import json, sys
res = json.load(open(sys.argv[1]))
corpus, t0, t1, floors, check = sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6] == "1"
print(f"{corpus:<9} {res['lenient_p']:7.3f} {res['lenient_r']:7.3f} {res['lenient_f1']:7.3f} "
      f"{res['strict_f1']:7.3f} {res.get('acc161', 0):8.3f} {res.get('auc', 1):7.3f} "
      f"{res.get('e2e161', 0):7.3f} {t1 - t0:9.2f}")
if not check:
    sys.exit(0)
bad = []
for line in open(floors):
    f = line.split("#")[0].split()
    if len(f) != 3 or f[0] != corpus:
        continue
    metric, floor = f[1], float(f[2])
    got = res.get(metric)
    worse = got is None or (got > floor if metric == "auc" else got < floor)
    if worse:
        bad.append(f"{corpus} {metric} {got} is worse than its floor {floor}")
for b in bad:
    print("FLOOR:", b)
sys.exit(1 if bad else 0)
PY
done
exit $status
