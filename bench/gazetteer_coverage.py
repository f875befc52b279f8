#!/usr/bin/env python3
# gazetteer_coverage.py: how well the gazetteer alone answers the gold toponyms of the
# evaluation corpora (no context): the share of gold names whose first candidate lies within
# 161 km of the gold point, and whose candidates (up to -n) include one within 161 km.
# Usage: bench/gazetteer_coverage.py [EVMAP] [EVAL_DIR]
import json
import math
import subprocess
import sys
from collections import Counter

evmap = sys.argv[1] if len(sys.argv) > 1 else "build/evmap"
evaldir = sys.argv[2] if len(sys.argv) > 2 else "../shared/eval"


def km(a, b, c, d):
    p = math.pi / 180
    h = math.sin((c - a) * p / 2) ** 2 + math.cos(a * p) * math.cos(c * p) * math.sin((d - b) * p / 2) ** 2
    return 12742 * math.asin(min(1, math.sqrt(h)))


for corpus in ("lgl", "geovirus"):
    gold = []
    for line in open(f"{evaldir}/{corpus}/gold.jsonl", encoding="utf-8"):
        for t in json.loads(line)["toponyms"]:
            gold.append((t["name"], t["lat"], t["lon"]))
    names = sorted({g[0] for g in gold})
    out = subprocess.run([evmap, "geocode", "--json", "-n", "20", "--", *names], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    cands = dict(zip(names, (json.loads(l) for l in out)))
    top = anyc = none = 0
    levels = Counter()
    for name, lat, lon in gold:
        c = cands[name]
        if not c:
            none += 1
            continue
        levels[c[0]["feature"]] += 1
        if km(lat, lon, c[0]["lat"], c[0]["lon"]) <= 161:
            top += 1
        if any(km(lat, lon, x["lat"], x["lon"]) <= 161 for x in c):
            anyc += 1
    n = len(gold)
    print(f"{corpus}: {n} gold toponyms ({len(names)} names): first candidate within 161 km "
          f"{top / n:.3f}, some candidate of 20 within 161 km {anyc / n:.3f}, no candidate "
          f"{none / n:.3f}")
