#!/usr/bin/env bash
# CLI tests of the export commands: `evmap formats`, `map --format/--no-gpkg` and
# `evmap extract` (exit codes, files written, RFC 8142 framing on stdout).
# Usage: export_cli_test.sh EVMAP SOURCE_DIR SHARED_DIR
set -u
EVMAP=$1
SRC=$2
SHARED=$3
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

printf 'date 2025-04-17 Strike and talks\n\nKYIV\n\nA Russian drone attack on Dnipro killed three people on Wednesday, officials said. Talks were held in Paris on Thursday.\n' >"$tmp/a.txt"
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
# the same events either way (only the article id in `sources` names the input)
sed 's/"sources": [^]]*\]//; s/"sources": null//' "$tmp/seq1" >"$tmp/seq1.cmp"
sed 's/"sources": [^]]*\]//; s/"sources": null//' "$tmp/seq2" >"$tmp/seq2.cmp"
cmp -s "$tmp/seq1.cmp" "$tmp/seq2.cmp" && ok || bad "extract differs between a file and stdin"
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

# The layers of the bundled sample and of the reference article: every feature has the
# documented fields, in order, with their types; the GeoPackage holds the same features
# with declared types and a default style per layer.
check_layers() { # check_layers INPUT
  local stem
  stem=$(basename "${1%.*}")
  "$EVMAP" map -q -o "$tmp/e" "$1" 2>"$tmp/err"
  local rc=$?
  [[ $rc -eq 0 ]] && ok || bad "map $1: exit $rc: $(head -2 "$tmp/err")"
  /usr/bin/env python3 - "$tmp/e/$stem" <<'PY' && ok || bad "$stem: layers do not match docs/layers.md"
import json, re, sqlite3, sys
out = sys.argv[1]
EVENT = ["id", "kind", "subtype", "date", "date_precision", "place", "place_mention", "country",
         "admin1", "geonameid", "geo_precision", "killed", "killed_at_least", "injured",
         "injured_at_least", "weapon", "actor", "participants", "status", "cameo",
         "acled_sub_event", "sources", "confidence"]
PLACE = ["name", "country", "admin1", "feature", "geonameid", "geo_precision", "population",
         "capital", "mentions", "metonymic_only", "forms", "score"]
INT = {"geonameid", "killed", "injured", "population", "mentions"}
BOOL = {"killed_at_least", "injured_at_least", "capital", "metonymic_only"}
LIST = {"participants", "sources", "forms"}
REAL = {"confidence", "score"}
def typed(k, v):
    if v is None:
        return True
    if k in INT:
        return type(v) is int
    if k in BOOL:
        return type(v) is bool
    if k in LIST:
        return type(v) is list and all(type(x) is str for x in v)
    if k in REAL:
        return type(v) in (int, float) and 0 <= v <= 1
    return type(v) is str
counts = {}
for name, fields in (("strikes", EVENT), ("meetings", EVENT), ("places", PLACE)):
    fc = json.load(open(f"{out}/{name}.geojson"))
    assert fc["type"] == "FeatureCollection" and "crs" not in fc, name
    assert not fc["features"] or len(fc["bbox"]) == 4, f"{name}: no bbox"
    assert "GeoNames" in fc["description"], name
    feats = fc["features"]
    counts[name] = len(feats)
    assert [f["id"] for f in feats] == list(range(1, len(feats) + 1)), f"{name}: feature ids"
    for f in feats:
        p = f["properties"]
        assert list(p) == fields, f"{name}: fields {list(p)}"
        bad = [k for k, v in p.items() if not typed(k, v)]
        assert not bad, f"{name}: badly typed {bad}: {p}"
        lon, lat = f["geometry"]["coordinates"]
        w, s, e, n = fc["bbox"]
        assert w - 1e-6 <= lon <= e + 1e-6 and s - 1e-6 <= lat <= n + 1e-6, f"{name}: lon, lat order"
        if name != "places":
            assert p["kind"] == name[:-1], name
            assert p["date"] is None or re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", p["date"]), p["date"]
            assert all(re.fullmatch(r".+:\d+:\d+-\d+", s) for s in p["sources"] or []), p["sources"]
    dates = [f["properties"].get("date") or "9999" for f in feats]
    assert name == "places" or dates == sorted(dates), f"{name}: not in date order"
db = sqlite3.connect(f"{out}/events.gpkg")
for name, fields in (("strikes", EVENT), ("meetings", EVENT), ("places", PLACE)):
    cols = {r[1]: r[2].upper() for r in db.execute(f"PRAGMA table_info({name})")}
    for k in fields:
        want = "BOOLEAN" if k in BOOL else "INTEGER" if k in INT else "REAL" if k in REAL else "TEXT"
        assert cols.get(k, "").startswith(want) or (want == "INTEGER" and cols.get(k) == "MEDIUMINT"), \
            f"gpkg {name}.{k}: {cols.get(k)}, want {want}"
    n = db.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    assert n == counts[name], f"gpkg {name}: {n} features, GeoJSON {counts[name]}"
styles = db.execute("SELECT f_table_name FROM layer_styles WHERE useAsDefault").fetchall()
assert sorted(r[0] for r in styles) == ["meetings", "places", "strikes"], styles
PY
}
check_layers "$SRC/docs/examples/sample.txt"
if [[ -f $SHARED/seed/article.txt ]]; then
  check_layers "$SHARED/seed/article.txt"
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
