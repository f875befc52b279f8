#!/usr/bin/env bash
# End-to-end: `evmap map` on the bundled sample and on the reference article; checks the
# files exist and parse, the places that must be found, and the events against the gold
# readings (F1 1.000, every date and killed count right).
# Usage: e2e_test.sh EVMAP SOURCE_DIR SHARED_DIR
set -u
EVMAP=$1
SRC=$2
SHARED=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0
check() { # check NAME COMMAND...
  local name=$1
  shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}

run_case() { # run_case INPUT GOLD
  local input=$1 gold=$2 stem
  stem=$(basename "${input%.*}")
  local out="$tmp/out/$stem"
  "$EVMAP" map -q -o "$tmp/out" "$input" 2>"$tmp/err"
  local rc=$?
  check "$stem: exit 0 (got $rc: $(head -c 300 "$tmp/err"))" test $rc -eq 0
  for f in places.geojson strikes.geojson meetings.geojson events.gpkg map.png strikes.png meetings.png; do
    check "$stem: $f exists" test -s "$out/$f"
  done
  check "$stem: no temporary files left" test -z "$(find "$tmp/out" -name '.tmp-*')"
  check "$stem: layers are FeatureCollections of points with required places" \
    python3 - "$out" "$gold" <<'PY'
import json, sys
out, gold = sys.argv[1], json.load(open(sys.argv[2]))
for name in ("places", "strikes", "meetings"):
    fc = json.load(open(f"{out}/{name}.geojson"))
    assert fc["type"] == "FeatureCollection", name
    assert "crs" not in fc, f"{name}: crs member"
    for f in fc["features"]:
        assert f["geometry"]["type"] == "Point", name
        lon, lat = f["geometry"]["coordinates"][:2]
        assert -180 <= lon <= 180 and -90 <= lat <= 90, name
places = json.load(open(f"{out}/places.geojson"))["features"]
ids = {p["properties"].get("geonameid") for p in places}
ccs = {(p["properties"].get("country"), p["properties"].get("feature")) for p in places}
missing = []
for req in gold["places_required"]:
    if "geonameid" in req:
        if req["geonameid"] not in ids:
            missing.append(req["name"])
    elif (req["country"], "COUNTRY") not in ccs:
        missing.append(req["name"])
if missing:
    print("missing places:", ", ".join(missing))
    sys.exit(1)
PY
  check "$stem: PNG signature" python3 -c "import sys; sys.exit(open('$out/map.png','rb').read(8) != b'\x89PNG\r\n\x1a\n')"
  local score
  score=$(python3 "$SHARED/eval/score_events.py" "$out" "$gold" --json)
  check "$stem: events F1 1.000, dates and tolls right ($score)" python3 - "$score" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
ok = r["f1"] == 1.0 and r["date_ok"] == r["matched"] and r["killed_ok"] == r["matched"]
sys.exit(0 if ok else 1)
PY
}

run_case "$SRC/docs/examples/sample.txt" "$SRC/tests/e2e/sample-gold.json"
if [[ -f "$SHARED/seed/article.txt" ]]; then
  run_case "$SHARED/seed/article.txt" "$SHARED/seed/gold.json"
else
  echo "skipping the reference article: $SHARED/seed is absent"
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
