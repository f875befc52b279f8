#!/usr/bin/env python3
"""errors.py: error analysis of a geoparse run against a gold file (both JSONL).

  errors.py SYSTEM.jsonl GOLD.jsonl ARTICLES.jsonl [--show N]

Counts, by surface text, the spurious spans (system, no overlapping gold), the missed
spans (gold, no overlapping system) and the far resolutions (> 161 km), and prints the most
frequent of each with a few contexts, for docs/geoparser.md."""
import json, math, sys, collections

def haversine(a, b):
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    dp, dl = p2 - p1, math.radians(lo2 - lo1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))

def load(p):
    return {str(r["id"]): r for r in map(json.loads, open(p, encoding="utf-8")) if r}

args = [a for a in sys.argv[1:] if not a.startswith("--")]
show = 25
if "--show" in sys.argv:
    show = int(sys.argv[sys.argv.index("--show") + 1]); args = [a for a in args if a != str(show)]
sysd, gold, arts = load(args[0]), load(args[1]), load(args[2])
spur, miss, far = collections.Counter(), collections.Counter(), collections.Counter()
ctx = collections.defaultdict(list)
for k, g in gold.items():
    text = arts[k]["text"]
    st = sysd.get(k, {}).get("toponyms", [])
    gt = g["toponyms"]
    pairs = []
    for i, s in enumerate(st):
        for j, t in enumerate(gt):
            ov = min(s["end"], t["end"]) - max(s["start"], t["start"])
            if ov > 0:
                pairs.append((-ov, i, j))
    pairs.sort()
    us, ug = set(), set()
    for _, i, j in pairs:
        if i in us or j in ug:
            continue
        us.add(i); ug.add(j)
        s, t = st[i], gt[j]
        km = haversine((s["lat"], s["lon"]), (t["lat"], t["lon"]))
        if km > 161:
            key = text[t["start"]:t["end"]]
            far[key] += 1
            ctx["far", key].append(f'{k}: got {s["name"]},{s.get("admin1","")},{s["country"]} ({s["feature"]}) gold ({t["lat"]:.2f},{t["lon"]:.2f}) {km:.0f} km')
    for i, s in enumerate(st):
        if i not in us:
            key = text[s["start"]:s["end"]]
            spur[key] += 1
            ctx["spur", key].append(f'{k}: ...{text[max(0,s["start"]-40):s["end"]+40]}...'.replace("\n", " "))
    for j, t in enumerate(gt):
        if j not in ug:
            key = text[t["start"]:t["end"]]
            miss[key] += 1
            ctx["miss", key].append(f'{k}: ...{text[max(0,t["start"]-40):t["end"]+40]}...'.replace("\n", " "))
# classes for docs/geoparser.md
import os, re
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
dem = set()
for line in open(os.path.join(root, "gazetteer", "demonyms.tsv"), encoding="utf-8"):
    if not line.startswith("#") and line.strip():
        dem.add(line.split("\t")[0].lower())
mc = collections.Counter()
for key, n in miss.items():
    k = key.lower()
    if k in dem or k.rstrip("s") in dem:
        mc["demonym or nationality (not a toponym by design)"] += n
    elif re.search(r"(River|Lake|Mountains?|Creek|Valley|Sea|Ocean|Bay|Island|Canyon)$", key):
        mc["natural feature (rivers, lakes: not in the gazetteer)"] += n
    else:
        mc["other (absent from cities500, or rejected by a rule)"] += n
fc = collections.Counter()
for (kind, key), lines in ctx.items():
    if kind != "far":
        continue
    for l in lines:
        area = re.search(r"\((COUNTRY|ADM1|CONT|REGION)\)", l)
        km = float(l.rsplit(" ", 2)[-2])
        if area and km < 1200:
            fc["right area, representative point > 161 km from the gold point"] += 1
        else:
            fc["wrong place chosen"] += 1
sc = collections.Counter()
for (kind, key), lines in ctx.items():
    if kind == "spur":
        sc["landmark or seat of power (geocoded, metonymic)" if key in ("White House", "Kremlin", "Pentagon", "Elysee", "Downing Street") else "other"] += len(lines)
print("== summary")
print(f"missed {sum(miss.values())}: " + ", ".join(f"{k} {v}" for k, v in mc.most_common()))
print(f"spurious {sum(spur.values())}: " + ", ".join(f"{k} {v}" for k, v in sc.most_common()))
print(f"far {sum(far.values())}: " + ", ".join(f"{k} {v}" for k, v in fc.most_common()))
for name, c in (("spurious", spur), ("missed", miss), ("far", far)):
    print(f"== {name}: {sum(c.values())} ({len(c)} distinct)")
    for key, n in c.most_common(show):
        print(f"{n:4d} {key!r}   | {ctx[name[:4] if name != 'spurious' else 'spur', key][0]}")
