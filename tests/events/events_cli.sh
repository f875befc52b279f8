#!/bin/sh
# events_cli.sh: `evmap events` end to end on the project's sample article: JSON lines with
# the documented fields, the Dnipro strike and the Saint Petersburg meeting dated and counted.
# Usage: events_cli.sh EVMAP SOURCE_DIR
set -eu
evmap=$1
src=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$evmap" events "$src/docs/examples/sample.txt" >"$out"
python3 - "$out" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
fields = ["id", "kind", "subtype", "date", "date_precision", "place", "place_mention", "country",
          "admin1", "geonameid", "geo_precision", "lat", "lon", "killed", "killed_at_least",
          "injured", "injured_at_least", "weapon", "actor", "participants", "status", "cameo",
          "acled_sub_event", "sources", "confidence"]
for e in events:
    missing = [f for f in fields if f not in e]
    assert not missing, f"missing fields {missing}"
    assert e["sources"], "an event without a source"
def find(kind, lat, lon):
    for e in events:
        if e["kind"] == kind and abs(e["lat"] - lat) < 0.5 and abs(e["lon"] - lon) < 0.5:
            return e
    raise SystemExit(f"no {kind} near {lat},{lon}: {[(e['kind'], e['place']) for e in events]}")
d = find("strike", 48.46664, 35.04066)
assert d["date"] == "2025-04-16" and d["killed"] == 3 and not d["killed_at_least"], d
assert d["weapon"] == "drone" and d["actor"] == "Russia", d
s = find("meeting", 59.93863, 30.31413)
assert s["date"] == "2025-04-11", s
assert {p["name"] for p in s["participants"]} == {"Steve Witkoff", "Vladimir Putin"}, s
p = find("meeting", 48.85341, 2.3488)
assert p["date"] == "2025-04-17" and p["status"] == "occurred", p
assert len({(e["kind"], e["place"], e["date"]) for e in events}) == len(events), "duplicates"
print(f"ok: {len(events)} events")
PY
