#!/usr/bin/env bash
# Large batches: `evmap map --jsonl` and `evmap geoparse` stream a generated JSONL corpus
# (the evaluation articles repeated with new ids) of SIZE_MB (default 1024) with resident
# memory under 300 MB, and in time linear in size (the full corpus against a tenth of it).
# Usage: large_test.sh EVMAP SHARED_DIR [SIZE_MB]    (ctest label "large"; minutes)
set -u
EVMAP=$1
SHARED=$2
SIZE_MB=${3:-1024}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0
src=("$SHARED/eval/lgl/articles.jsonl" "$SHARED/eval/geovirus/articles.jsonl")
[[ -f ${src[0]} ]] || { echo "skipped: no evaluation corpora in $SHARED"; exit 0; }

gen() { # gen MB FILE
  python3 - "$1" "$2" "${src[@]}" <<'PY'
import json, sys
mb, out, srcs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
arts = [json.loads(l) for s in srcs for l in open(s, encoding="utf-8")]
limit, n, i = mb << 20, 0, 0
with open(out, "w", encoding="utf-8") as f:
    while n < limit:
        a = dict(arts[i % len(arts)])
        a["id"] = f"{a['id']}-{i}"
        line = json.dumps(a, ensure_ascii=False) + "\n"
        f.write(line)
        n += len(line.encode())
        i += 1
PY
}

measure() { # measure NAME FILE ARGS... -> sets secs and kb
  local name=$1 file=$2
  shift 2
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$EVMAP" "$@" "$file" >/dev/null 2>"$tmp/err"
  local rc=$?
  read -r secs kb <"$tmp/time"
  echo "$name: $(du -m "$file" | cut -f1) MB in $secs s, peak RSS $((kb / 1024)) MB (exit $rc)"
  [[ $rc -eq 0 ]] || { echo "FAIL: $name exited $rc: $(head -c 300 "$tmp/err")"; fail=$((fail + 1)); }
}

gen $((SIZE_MB / 10)) "$tmp/small.jsonl"
gen "$SIZE_MB" "$tmp/big.jsonl"
for cmd in map geoparse; do
  if [[ $cmd == map ]]; then args=(map -q -o "$tmp/out" --jsonl); else args=(geoparse); fi
  measure "$cmd small" "$tmp/small.jsonl" "${args[@]}"
  s_small=$secs
  measure "$cmd big" "$tmp/big.jsonl" "${args[@]}"
  if [[ $kb -lt $((300 * 1024)) ]]; then pass=$((pass + 1)); else
    echo "FAIL: $cmd: peak RSS $((kb / 1024)) MB >= 300 MB"; fail=$((fail + 1)); fi
  # Linear: ten times the input may take at most 13 times as long.
  if python3 -c "import sys; sys.exit(0 if $secs <= 13 * max($s_small, 0.5) else 1)"; then
    pass=$((pass + 1))
  else
    echo "FAIL: $cmd: $secs s for 10x the input that took $s_small s"; fail=$((fail + 1))
  fi
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
