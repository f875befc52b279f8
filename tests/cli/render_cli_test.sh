#!/usr/bin/env bash
# CLI tests of `evmap render` and of the maps `evmap map` writes: exit codes, messages, the
# files written (PNG, world file, aux.xml) and nothing left behind on errors.
# Usage: render_cli_test.sh EVMAP
set -u
EVMAP=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

run() {
  local code=$1
  shift
  "$EVMAP" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $rc -eq $code ]]; then ok; else bad "evmap $*: exit $rc, expected $code: $(head -2 "$tmp/err")"; fi
}
expect_err() { grep -q -- "$1" "$tmp/err" && ok || bad "stderr lacks '$1': $(cat "$tmp/err")"; }

cat >"$tmp/points.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"name": "Sumy", "kind": "strike", "killed": 35, "date": "2025-04-13"}, "geometry": {"type": "Point", "coordinates": [34.80029, 50.9216]}},
{"type": "Feature", "properties": {"name": "Dnipro", "kind": "strike", "killed": 3, "date": "2025-04-12"}, "geometry": {"type": "Point", "coordinates": [35.04066, 48.46664]}},
{"type": "Feature", "properties": {"name": "Paris", "kind": "meeting", "date": "2025-04-11"}, "geometry": {"type": "Point", "coordinates": [2.3488, 48.85341]}}
]}
JSON
printf '{"type": "FeatureCollection", "features": []}\n' >"$tmp/empty.geojson"

run 2 render
expect_err "no layer given"
run 2 render "$tmp/points.geojson"
expect_err "no output file"
run 2 render --size 1x1 -o "$tmp/a.png" "$tmp/points.geojson"
expect_err "size 1x1 out of range"
expect_err "Try 'evmap --help'"
run 2 render --size 100000x100000 -o "$tmp/a.png" "$tmp/points.geojson"
expect_err "100000x100000"
run 2 render --size big -o "$tmp/a.png" "$tmp/points.geojson"
expect_err "expected WIDTHxHEIGHT"
run 2 render --theme neon -o "$tmp/a.png" "$tmp/points.geojson"
run 2 render --bbox 10,60,20,50 -o "$tmp/a.png" "$tmp/points.geojson"
run 1 render --crs EPSG:999999 -o "$tmp/a.png" "$tmp/points.geojson"
expect_err "unknown CRS 'EPSG:999999'"
run 1 render -o "$tmp/no/such/dir/a.png" "$tmp/points.geojson"
expect_err "cannot write"
run 1 render -o "$tmp/a.png" "$tmp/empty.geojson"
expect_err "no points to draw"
run 1 render -o "$tmp/a.png" "$tmp/missing.geojson"
[[ -z $(ls "$tmp" | grep -v '\.geojson$\|^err$\|^out$') ]] && ok || bad "errors left files: $(ls "$tmp")"

run 0 render --size 800x600 --dpi 144 --theme dark --kinds strikes -o "$tmp/a.png" "$tmp/points.geojson"
[[ $(head -c 8 "$tmp/a.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] && ok || bad "a.png is not a PNG"
[[ $(wc -l <"$tmp/a.pgw") -eq 6 ]] && ok || bad "a.pgw is not a world file"
grep -q "<SRS" "$tmp/a.png.aux.xml" && grep -q "Lambert_Azimuthal_Equal_Area" "$tmp/a.png.aux.xml" && ok ||
  bad "aux.xml lacks the CRS"
[[ ! -s $tmp/out ]] && ok || bad "render wrote to stdout"
run 0 render --crs EPSG:3857 --bbox 20,40,45,60 --title "A title" -o "$tmp/b.png" "$tmp/points.geojson"
grep -q 'EPSG",3857\|Mercator' "$tmp/b.png.aux.xml" && ok || bad "b.png.aux.xml is not Web Mercator"

run 0 render --crs EPSG:4326 -o "$tmp/g.png" "$tmp/points.geojson"
grep -q 'dataAxisToSRSAxisMapping="2,1"' "$tmp/g.png.aux.xml" && grep -q 'AUTHORITY\[&quot;EPSG&quot;,&quot;4326&quot;\]\]</SRS>' "$tmp/g.png.aux.xml" && ok ||
  bad "g.png.aux.xml: EPSG:4326 without its identity or axis mapping: $(head -c 300 "$tmp/g.png.aux.xml")"

# the basemap cache: a first run writes it, a second reads it, and both draw the same pixels
# as a run without cache (OGR parsing the TopoJSON)
EVMAP_CACHE="$tmp/cache" "$EVMAP" render -o "$tmp/c1.png" "$tmp/points.geojson" 2>"$tmp/err" && ok || bad "cache run 1: $(cat "$tmp/err")"
ls "$tmp/cache"/basemap-*.bin >/dev/null 2>&1 && ok || bad "no cache file written"
EVMAP_CACHE="$tmp/cache" "$EVMAP" render -o "$tmp/c2.png" "$tmp/points.geojson" 2>"$tmp/err" && ok || bad "cache run 2: $(cat "$tmp/err")"
EVMAP_CACHE= "$EVMAP" render -o "$tmp/c3.png" "$tmp/points.geojson" 2>"$tmp/err" && ok || bad "no-cache run: $(cat "$tmp/err")"
cmp -s "$tmp/c1.png" "$tmp/c2.png" && cmp -s "$tmp/c1.png" "$tmp/c3.png" && ok || bad "cached and uncached maps differ"
printf 'not a cache' >"$tmp/cache/$(ls "$tmp/cache" | head -1)"
EVMAP_CACHE="$tmp/cache" "$EVMAP" render -o "$tmp/c4.png" "$tmp/points.geojson" 2>"$tmp/err" && ok || bad "corrupt cache: $(cat "$tmp/err")"
cmp -s "$tmp/c1.png" "$tmp/c4.png" && ok || bad "a corrupt cache changed the map"

# broken basemap data: a clear error, no output
mkdir -p "$tmp/baddata/natural-earth"
echo garbage | gzip >"$tmp/baddata/natural-earth/countries-50m.json.gz"
EVMAP_CACHE= EVMAP_DATA="$tmp/baddata" "$EVMAP" render -o "$tmp/bd.png" "$tmp/points.geojson" 2>"$tmp/err"
[[ $? -eq 1 ]] && grep -q "not a readable TopoJSON" "$tmp/err" && [[ ! -e $tmp/bd.png && ! -e $tmp/bd.pgw ]] && ok ||
  bad "broken basemap: $(cat "$tmp/err")"

# a layer OGR reads (CSV, coordinate columns) draws the same map as the same points in
# GeoJSON, which evmap reads without loading GDAL at all
cat >"$tmp/points.csv" <<'CSV'
lon,lat,name,kind,killed,date
34.80029,50.9216,Sumy,strike,35,2025-04-13
35.04066,48.46664,Dnipro,strike,3,2025-04-12
2.3488,48.85341,Paris,meeting,,2025-04-11
CSV
run 0 render --title "Same points" -o "$tmp/csv.png" "$tmp/points.csv"
run 0 render --title "Same points" -o "$tmp/gj.png" "$tmp/points.geojson"
cmp -s "$tmp/csv.png" "$tmp/gj.png" && ok || bad "CSV and GeoJSON of the same points drew different maps"
LD_DEBUG=files "$EVMAP" render -o "$tmp/gj2.png" "$tmp/points.geojson" 2>"$tmp/err" >/dev/null
grep -q "libgdal" "$tmp/err" && bad "render of a GeoJSON layer loaded GDAL" || ok
LD_DEBUG=files "$EVMAP" render -o "$tmp/csv2.png" "$tmp/points.csv" 2>"$tmp/err" >/dev/null
grep -q "libgdal" "$tmp/err" && ok || bad "render of a CSV layer did not go through GDAL"

# map writes the three maps beside the layers
printf 'date: 2025-04-17\n\nKYIV\n\nTalks were held in Paris on Thursday.\n' >"$tmp/s.txt"
"$EVMAP" map -q -o "$tmp/o" --size 640x480 "$tmp/s.txt" >/dev/null 2>"$tmp/err"
rc=$?
if [[ $rc -eq 0 || $rc -eq 4 ]]; then ok; else bad "map exit $rc: $(cat "$tmp/err")"; fi
if [[ $rc -eq 0 ]]; then
  for f in map.png strikes.png meetings.png map.pgw map.png.aux.xml; do
    [[ -s $tmp/o/s/$f ]] && ok || bad "map did not write $f"
  done
fi
run 2 map --dpi 0 "$tmp/s.txt"

echo "render_cli_test: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
