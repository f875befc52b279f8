#!/usr/bin/env bash
# Hostile input: each case must end with a clear message naming the input and a non-zero
# exit (or, for repairable input, a warning), never a crash, a hang or a partial file.
# Usage: hostile_test.sh EVMAP SOURCE_DIR
set -u
EVMAP=$1
SRC=$2
tmp=$(mktemp -d)
chmod 755 "$tmp"
mnt=""
cleanup() {
  [[ -n $mnt ]] && umount "$mnt" 2>/dev/null
  chmod -R u+rwx "$tmp" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
T=120 # seconds any single run may take

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# run CODE ERR_PATTERN ARGS...: exit code and a stderr pattern; never a signal or timeout.
run() {
  local code=$1 pat=$2
  shift 2
  timeout $T "$EVMAP" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  if [[ $rc -ne $code ]]; then
    bad "evmap $*: exit $rc, expected $code: $(head -c 300 "$tmp/stderr")"
  elif [[ -n $pat ]] && ! grep -qE -- "$pat" "$tmp/stderr"; then
    bad "evmap $*: stderr lacks /$pat/: $(head -c 300 "$tmp/stderr")"
  else
    ok
  fi
}

no_temps() {
  local left
  left=$(find "$1" -name '.tmp-*' 2>/dev/null | head -3)
  [[ -z $left ]] && ok || bad "temporary files left behind: $left"
}

out="$tmp/out"
good="$tmp/good.txt"
printf 'date 2025-04-17 Talks\n\nOfficials met in Paris on Thursday. A drone struck Dnipro on April 16, killing two people.\n' >"$good"

# Empty, whitespace-only, binary, NUL bytes.
: >"$tmp/empty.txt"
run 3 "empty.txt: empty article" map -q -o "$out" "$tmp/empty.txt"
printf '  \n\n\t\n' >"$tmp/blank.txt"
run 3 "blank.txt: empty article" map -q -o "$out" "$tmp/blank.txt"
head -c 4096 "$EVMAP" >"$tmp/binary.txt"
run 3 "binary.txt: binary data" map -q -o "$out" "$tmp/binary.txt"
printf 'Talks in Paris.\0\0\0More text.\n' >"$tmp/nul.txt"
run 3 "nul.txt: binary data" map -q -o "$out" "$tmp/nul.txt"

# Invalid UTF-8 is replaced with a warning, and the article is still mapped.
printf 'Officials met in Paris \xff\xfe on Thursday.\n' >"$tmp/latin.txt"
run 0 "latin.txt: 2 invalid UTF-8 sequence" map -o "$out" "$tmp/latin.txt"
[[ -s $out/latin/places.geojson ]] && ok || bad "invalid UTF-8: no places layer"

# JSONL: not JSON, no text, a bad line among good ones.
printf '{"id":"a","text":"Talks in Paris."}\nthis is not json\n{"id":"c","title":"no text"}\n{"id":"d","text":"Kyiv."}\n' >"$tmp/mixed.jsonl"
run 3 "mixed.jsonl: line 2: not valid JSON" map -o "$out" "$tmp/mixed.jsonl"
grep -q 'mixed.jsonl: line 3: no "text" string' "$tmp/stderr" && ok || bad "JSONL without text not reported by line"
grep -q "2 articles skipped" "$tmp/stderr" && ok || bad "no summary of skipped articles"
grep -q "mixed.jsonl: 2 articles" "$tmp/stderr" && ok || bad "good articles of a bad batch not processed"

# A 50 MB single line, as text and as JSONL: refused with a message, quickly.
python3 - "$tmp" <<'PY'
import json, random, sys
random.seed(7)
words = ("the officials said talks in Paris would go on while a drone hit Dnipro and "
         "people in Kyiv waited for news from Sumy about the missile strike").split()
parts, n = [], 0
while n < 50_000_000:
    w = random.choice(words)
    parts.append(w)
    n += len(w) + 1
text = " ".join(parts)
open(f"{sys.argv[1]}/huge.txt", "w").write(text)
open(f"{sys.argv[1]}/huge.jsonl", "w").write(json.dumps({"id": "huge", "text": text}) + "\n")
PY
run 3 "huge.txt: article text is 4[0-9].[0-9] MB, longer than" map -q -o "$out" "$tmp/huge.txt"
run 3 "huge.jsonl: line 1: article text is 4[0-9].[0-9] MB, longer than" map -q -o "$out" "$tmp/huge.jsonl"

# Missing input; bad --date; absurd --size.
run 1 "missing.txt: No such file or directory" map -o "$out" "$tmp/missing.txt"
run 2 "not a date" map --date 2025-04-31 -o "$out" "$good"
run 2 "size" map --size 100000x100000 -o "$out" "$good"
run 2 "size" map --size 1x1 -o "$out" "$good"

# Gazetteer: missing, truncated, corrupt.
gaz=$(dirname "$EVMAP")/gazetteer.bin
run 4 "nowhere.bin" map --gazetteer "$tmp/nowhere.bin" -o "$out" "$good"
if [[ -f $gaz ]]; then
  head -c 1000 "$gaz" >"$tmp/trunc.bin"
  run 4 "trunc.bin" map --gazetteer "$tmp/trunc.bin" -o "$out" "$good"
  cp "$gaz" "$tmp/corrupt.bin"
  size=$(stat -c %s "$tmp/corrupt.bin")
  printf '\x55\xaa\x55\xaa' | dd of="$tmp/corrupt.bin" bs=1 seek=$((size / 2)) conv=notrunc status=none
  run 4 "corrupt.bin" map --gazetteer "$tmp/corrupt.bin" -o "$out" "$good"
else
  bad "no built gazetteer next to $EVMAP"
fi

# Permissions (as an unprivileged user when running as root, since root reads anything).
as_user=()
if [[ $(id -u) -eq 0 ]]; then
  if command -v setpriv >/dev/null; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
fi
if [[ $(id -u) -ne 0 || ${#as_user[@]} -gt 0 ]]; then
  mkdir -p "$tmp/locked" "$tmp/ro"
  cp "$good" "$tmp/locked/a.txt"
  chmod 000 "$tmp/locked"
  chmod 555 "$tmp/ro"
  "${as_user[@]}" timeout $T "$EVMAP" map -q -o "$tmp/ro" "$tmp/locked" >/dev/null 2>"$tmp/stderr"
  rc=$?
  [[ $rc -eq 1 ]] && grep -q "locked: Permission denied" "$tmp/stderr" && ok ||
    bad "unreadable folder: exit $rc, $(head -c 200 "$tmp/stderr")"
  "${as_user[@]}" timeout $T "$EVMAP" map -q -o "$tmp/ro" "$good" >/dev/null 2>"$tmp/stderr"
  rc=$?
  [[ $rc -eq 1 ]] && grep -q "ro/good: Permission denied" "$tmp/stderr" && ok ||
    bad "unwritable output folder: exit $rc, $(head -c 200 "$tmp/stderr")"
  chmod 755 "$tmp/locked"
else
  echo "skipping permission cases: running as root without setpriv"
fi

# A full disk: a 64 KiB tmpfs when we may mount one, else a file size limit.
full="$tmp/full"
mkdir -p "$full"
if mount -t tmpfs -o size=64k tmpfs "$full" 2>/dev/null; then
  mnt=$full
  run 1 "No space left on device|File too large" map -q -o "$full" "$good"
  no_temps "$full"
  umount "$full" && mnt=""
else
  (trap '' XFSZ; ulimit -f 64; timeout $T "$EVMAP" map -q -o "$full" "$good" >/dev/null 2>"$tmp/stderr")
  rc=$?
  [[ $rc -eq 1 ]] && grep -qE "File too large|No space" "$tmp/stderr" && ok ||
    bad "write limit: exit $rc, $(head -c 200 "$tmp/stderr")"
  no_temps "$full"
fi

# Nothing lost: outputs replaced only by complete new ones; an interrupted run leaves the
# earlier outputs intact and no temporary files; the input is never modified.
run 0 "" map -q -o "$out" "$good"
before=$(cd "$out/good" && sha256sum ./* | sort)
input_sum=$(sha256sum "$good")
python3 - "$tmp" <<'PY'
import json, sys
with open(f"{sys.argv[1]}/good.jsonl", "w") as f:
    for i in range(300000):
        f.write(json.dumps({"id": str(i), "date": "2025-04-17",
                            "text": f"Officials met in Paris on Thursday. Report {i} said a drone hit Dnipro."}) + "\n")
PY
cp "$tmp/good.jsonl" "$tmp/good2.jsonl"
timeout -s INT 1 "$EVMAP" map -q -o "$out" "$tmp/good.jsonl" >/dev/null 2>&1
no_temps "$out"
after=$(cd "$out/good" && sha256sum ./* | sort)
[[ $before == "$after" ]] && ok || bad "earlier outputs changed by an interrupted run"
[[ $(sha256sum "$good") == "$input_sum" ]] && ok || bad "input modified"
cmp -s "$tmp/good.jsonl" "$tmp/good2.jsonl" && ok || bad "JSONL input modified"

# Progress: on a terminal, a long batch shows articles done, rate and time left; with -q,
# or when stderr is not a terminal, nothing.
if command -v script >/dev/null; then
  timeout -s INT 4 script -qfec "$EVMAP map -o $tmp/prog $tmp/good2.jsonl" /dev/null </dev/null >"$tmp/tty.out" 2>&1
  grep -qE "good2.jsonl: [0-9]+ articles, [0-9]+/s, [0-9]+%, [0-9]+ s left" "$tmp/tty.out" && ok ||
    bad "no progress line on a terminal: $(head -c 200 "$tmp/tty.out")"
  timeout -s INT 4 script -qfec "$EVMAP map -q -o $tmp/prog $tmp/good2.jsonl" /dev/null </dev/null >"$tmp/tty.out" 2>&1
  grep -q "articles," "$tmp/tty.out" && bad "progress shown despite -q" || ok
  timeout -s INT 4 "$EVMAP" map -o "$tmp/prog" "$tmp/good2.jsonl" >/dev/null 2>"$tmp/stderr"
  grep -q "articles," "$tmp/stderr" && bad "progress shown when stderr is not a terminal" || ok
else
  echo "skipping the progress cases: no script(1)"
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
