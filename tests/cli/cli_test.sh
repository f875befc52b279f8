#!/usr/bin/env bash
# CLI tests: exit codes, where messages go (stdout data, stderr diagnostics), and their text.
# Usage: cli_test.sh EVMAP SOURCE_DIR
set -u
EVMAP=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# expect CODE STDOUT_PATTERN STDERR_PATTERN -- ARGS...   (patterns: grep -E, "" = must be empty)
expect() {
  local code=$1 outpat=$2 errpat=$3
  shift 4
  "$EVMAP" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  local ok=1
  [[ $rc -eq $code ]] || { echo "FAIL: evmap $*: exit $rc, expected $code"; ok=0; }
  if [[ -z $outpat ]]; then
    [[ ! -s $tmp/out ]] || { echo "FAIL: evmap $*: unexpected stdout:"; head -3 "$tmp/out"; ok=0; }
  else
    grep -qE -- "$outpat" "$tmp/out" || { echo "FAIL: evmap $*: stdout lacks /$outpat/"; ok=0; }
  fi
  if [[ -z $errpat ]]; then
    [[ ! -s $tmp/err ]] || { echo "FAIL: evmap $*: unexpected stderr:"; head -3 "$tmp/err"; ok=0; }
  else
    grep -qE -- "$errpat" "$tmp/err" || { echo "FAIL: evmap $*: stderr lacks /$errpat/:"; head -3 "$tmp/err"; ok=0; }
  fi
  if [[ $ok -eq 1 ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

expect 0 '^Usage: evmap COMMAND' '' -- --help
expect 0 '^Usage: evmap COMMAND' '' -- -h
expect 0 '^evmap [0-9]+\.[0-9]+\.[0-9]+$' '' -- --version
expect 0 '^Usage: evmap map' '' -- help map
expect 0 '^Usage: evmap map' '' -- map --help
expect 0 'Exit status' '' -- help
expect 2 '' "^evmap: no command given" -- 
expect 2 '' "Try 'evmap --help'" -- 
expect 2 '' "^evmap: no such command 'frobnicate'" -- frobnicate
expect 2 '' "^evmap: unknown option '--bogus'" -- map --bogus x.txt
expect 2 '' "Try 'evmap --help'" -- map --bogus x.txt
expect 2 '' "needs an argument" -- map x.txt -o
expect 2 '' "not a date" -- map --date 2025-02-30 x.txt
expect 2 '' "not a date" -- map --date tomorrow x.txt
expect 2 '' "no input" -- map
expect 2 '' "no such command 'nope'" -- help nope
expect 1 '' "^evmap: $tmp/missing.txt: No such file or directory$" -- map -o "$tmp/o" "$tmp/missing.txt"

# An empty article is reported, skipped, and the exit code says so.
: >"$tmp/empty.txt"
expect 3 '' "empty.txt: empty article \(skipped\)" -- map -q -o "$tmp/o" "$tmp/empty.txt"
# A JSONL batch with one bad line: the others are processed, the bad one named by line.
printf '{"id":"a","text":"Talks in Paris."}\n{broken\n{"id":"c","text":"Kyiv."}\n' >"$tmp/b.jsonl"
expect 3 '' "b.jsonl: line 2: not valid JSON" -- map -o "$tmp/o" "$tmp/b.jsonl"
grep -q "2 articles" "$tmp/err" || { echo "FAIL: batch summary does not count 2 articles"; fail=$((fail + 1)); }
# An output folder that is a file.
: >"$tmp/file"
printf 'Talks in Paris.\n' >"$tmp/ok.txt"
expect 1 '' "not a directory|Not a directory" -- map -o "$tmp/file" "$tmp/ok.txt"

# geocode: ranked candidates, JSON with exactly the documented fields, clear errors.
expect 0 '^Usage: evmap geocode' '' -- geocode --help
expect 0 '^\[\{"geonameid":703845,"name":"Kryvyy Rih","country":"UA","admin1":"[^"]*","lat":47\.[0-9]+,"lon":33\.[0-9]+,"population":[0-9]+,"feature":"PPLA2","match":"variant","score":0\.[0-9]+\}' '' -- geocode --json -n 1 "Kryvyi Rig"
expect 0 '"geonameid":null,"name":"United Kingdom","country":"GB"' '' -- geocode --json -n 1 Britain
expect 0 '^\[\]$' '' -- geocode --json "Xqzvbrt Plonkwuff"
expect 0 '"country":"US"' '' -- geocode --json --country us -n 3 Paris
expect 0 '^ +1 +2988507 +Paris +FR' '' -- geocode Paris
expect 0 'no match' '' -- geocode "Xqzvbrt Plonkwuff"
expect 2 '' "geocode: no NAME given" -- geocode
expect 2 '' "-n 'x' is not a number" -- geocode -n x Paris
expect 2 '' "--country 'USA' is not a two-letter" -- geocode --country USA Paris
expect 4 '' "gazetteer index $tmp/none.bin: no such file; rebuild it" -- geocode --gazetteer "$tmp/none.bin" Paris
printf 'EVMGAZ' >"$tmp/short.bin"
expect 4 '' "short.bin: truncated" -- geocode --gazetteer "$tmp/short.bin" Paris
gaz=$(dirname "$EVMAP")/gazetteer.bin
cp "$gaz" "$tmp/body.bin"
printf '\x55\xaa' | dd of="$tmp/body.bin" bs=1 seek=$(($(stat -c %s "$tmp/body.bin") / 2)) conv=notrunc status=none
expect 4 '' "body.bin: corrupt: body checksum mismatch; rebuild it" -- geocode --gazetteer "$tmp/body.bin" Paris
n=$("$EVMAP" geocode --json Paris Kiev Europe | wc -l)
[[ $n -eq 3 ]] || { echo "FAIL: geocode --json printed $n lines for 3 names"; fail=$((fail + 1)); }

# geoparse: one line per good article in input order; each bad line skipped with its number
# and a clear reason (exit 3); -j 2 writes exactly what -j 1 writes.
{
  printf '%s\n' '{"id": "a", "text": "Rain fell in Paris."}' 'not json' '{"id": "b"}' '[1, 2]'
  printf '%s\n' '{"id": "c", "text": "Snow."} x' '' '{"id": "d", "text": "Kyiv \"and\" Sumy\u0001\\ ok"}'
  printf '%s\n' '{"text": "Odesa port."}' '{"id": "e", "text": "cut'
} >"$tmp/bad.jsonl"
ok_line='^\{ "id": "a", "toponyms": \[ \{ "start": 13, "end": 18, "text": "Paris", "name": "Paris", "geonameid": 2988507, "country": "FR"'
expect 3 "$ok_line" 'bad.jsonl: line 2: not valid JSON' -- geoparse "$tmp/bad.jsonl"
expect 3 '"text": "Sumy"' 'bad.jsonl: line 3: no "text" string \(skipped\)' -- geoparse -j 2 "$tmp/bad.jsonl"
expect 3 '"id": "bad:8"' 'bad.jsonl: line 4: a JSON line must be an object' -- geoparse -j 2 "$tmp/bad.jsonl"
expect 3 "$ok_line" 'bad.jsonl: line 5: text after the JSON object' -- geoparse "$tmp/bad.jsonl"
expect 3 "$ok_line" 'bad.jsonl: line 9: not valid JSON \(unexpected end of line\)' -- geoparse -j 2 "$tmp/bad.jsonl"
"$EVMAP" geoparse "$tmp/bad.jsonl" >"$tmp/j1.jsonl" 2>"$tmp/j1.err"
"$EVMAP" geoparse -j 2 "$tmp/bad.jsonl" >"$tmp/j2.jsonl" 2>"$tmp/j2.err"
if [[ $(wc -l <"$tmp/j1.jsonl") -eq 3 && $(wc -l <"$tmp/j1.err") -eq 5 ]] && cmp -s "$tmp/j1.jsonl" "$tmp/j2.jsonl" &&
  cmp -s "$tmp/j1.err" "$tmp/j2.err" && python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["id"] for l in lines] == ["a", "d", "bad:8"], lines
d = lines[1]["toponyms"]
assert [t["text"] for t in d] == ["Kyiv", "Sumy"] and d[1]["start"] == 11, d
' "$tmp/j1.jsonl"; then
  pass=$((pass + 1))
else
  echo "FAIL: geoparse -j 1 and -j 2 differ, or lines/messages are not as expected"
  fail=$((fail + 1))
fi

# The man page in docs/ is the one the tables produce.
"$EVMAP" man >"$tmp/evmap.1"
if cmp -s "$tmp/evmap.1" "$SRC/docs/evmap.1"; then
  pass=$((pass + 1))
else
  echo "FAIL: docs/evmap.1 is stale: regenerate it with 'build/evmap man > docs/evmap.1'"
  fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
