#!/usr/bin/env bash
# CLI tests of the export commands: `evmap formats`, `map --format/--no-gpkg` and
# `evmap extract` (exit codes, files written, RFC 8142 framing on stdout).
# Usage: export_cli_test.sh EVMAP
set -u
EVMAP=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# run CODE ARGS...: runs evmap, keeps stdout/stderr in $tmp/out, $tmp/err, checks the code
run() {
  local code=$1
  shift
  "$EVMAP" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $rc -eq $code ]]; then ok; else bad "evmap $*: exit $rc, expected $code: $(head -2 "$tmp/err")"; fi
}

run 0 formats
grep -qP '^GeoJSON\tgeojson\t' "$tmp/out" && ok || bad "formats lacks GeoJSON"
grep -qP '^GPKG\tgpkg\t' "$tmp/out" && ok || bad "formats lacks GPKG"
[[ ! -s $tmp/err ]] && ok || bad "formats wrote to stderr"
run 2 formats extra
run 2 map --format NoSuchFormat x.txt
grep -q "unknown output format 'NoSuchFormat' (valid: .*GeoJSON" "$tmp/err" && ok || bad "unknown format message: $(cat "$tmp/err")"
grep -q "Try 'evmap --help'" "$tmp/err" && ok || bad "unknown format: no usage hint"

printf 'date: 2025-04-17\n\nKYIV\n\nA Russian drone attack on Dnipro killed three people on Wednesday, officials said. Talks were held in Paris on Thursday.\n' >"$tmp/a.txt"
run 0 map -q -o "$tmp/o" "$tmp/a.txt"
for f in strikes.geojson meetings.geojson places.geojson strikes.qml meetings.qml places.qml events.gpkg; do
  [[ -s $tmp/o/a/$f ]] && ok || bad "map did not write $f"
done
for f in strikes meetings places; do
  grep -q '"type": "FeatureCollection"' "$tmp/o/a/$f.geojson" && ok || bad "$f.geojson is not a FeatureCollection"
  grep -q '"crs"' "$tmp/o/a/$f.geojson" && bad "$f.geojson has a crs member" || ok
done
ls -a "$tmp/o/a" | grep -q '^\.tmp-' && bad "temporary files left in the output" || ok

run 0 map -q --format FlatGeobuf --no-gpkg -o "$tmp/f" "$tmp/a.txt"
[[ -s $tmp/f/a/strikes.fgb && -s $tmp/f/a/strikes.qml ]] && ok || bad "--format FlatGeobuf wrote no strikes.fgb"
[[ ! -e $tmp/f/a/events.gpkg ]] && ok || bad "--no-gpkg still wrote events.gpkg"

# extract: every record is RS, one JSON Feature, LF; from a file and from stdin alike
run 0 extract -q "$tmp/a.txt"
cp "$tmp/out" "$tmp/seq1"
"$EVMAP" extract -q <"$tmp/a.txt" >"$tmp/seq2" 2>/dev/null && ok || bad "extract from stdin failed"
cmp -s "$tmp/seq1" "$tmp/seq2" && ok || bad "extract differs between a file and stdin"
if [[ -s $tmp/seq1 ]]; then
  /usr/bin/env python3 - "$tmp/seq1" <<'PY' && ok || bad "extract output is not RFC 8142 GeoJSON"
import json, sys
data = open(sys.argv[1], "rb").read()
assert data.startswith(b"\x1e") and data.endswith(b"\n")
for rec in data.split(b"\x1e")[1:]:
    assert rec.endswith(b"\n") and rec.count(b"\n") == 1
    f = json.loads(rec)
    assert f["type"] == "Feature" and f["properties"]["kind"] in ("strike", "meeting")
    assert f["geometry"]["type"] == "Point"
PY
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
