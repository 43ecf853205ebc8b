#!/usr/bin/env python3
"""Generate examples/qamishli/zones.geojson: SCHEMATIC neighbourhoods of southern Qamishli.

The shapes are not survey data. They are cells of a jittered lattice, so that
neighbouring zones share every vertex along their common border exactly (what a
topology-aware tool such as frontline or mapshaper expects of clean input).

Run from anywhere, standard library only:  python3 examples/qamishli/tools/make_zones.py
The output is deterministic (a fixed-seed hash, no `random`), so re-running it
gives a byte-identical file.
"""
import hashlib
import json
import os

# Lattice lines (degrees). Columns west -> east, rows south -> north.
XS = [41.196, 41.208, 41.220, 41.235, 41.250]
YS = [37.028, 37.040, 37.050, 37.060]
JITTER = 0.0012  # max shift of an inner lattice vertex, degrees
BEND = 0.0008    # max sideways shift of the midpoint added on each edge

# (id, name, cells as (col, row)), row 0 is the southernmost.
ZONES = [
    ("antariya", [(0, 2)]),
    ("wusta", [(1, 2)]),
    ("security-square", [(2, 2)]),
    ("qanat-suwais", [(3, 2)]),
    ("hilaliya", [(0, 0), (0, 1)]),
    ("zaitunia", [(1, 1)]),
    ("kilo", [(2, 1)]),
    ("halko", [(3, 1)]),
    ("al-tay", [(1, 0), (2, 0)]),
    ("allaya", [(3, 0)]),
]

NAMES = {
    "al-tay": {
        "name": "al-Tay",
        "aliases": ["Tayy", "Tai", "Tay", "Hay al-Tay", "Hayy al-Tayy", "حي طي", "طي", "Tayê"],
        "name:ar": "حي طي", "name:ckb": "گەڕەکی تەی", "name:ku": "Taxa Tayê",
    },
    "kilo": {
        "name": "Kilo",
        "aliases": ["Hay Kilo", "Kilu", "حي كيلو", "كيلو", "Kîlo"],
        "name:ar": "حي كيلو", "name:ckb": "گەڕەکی کیلۆ", "name:ku": "Taxa Kîlo",
    },
    "hilaliya": {
        "name": "Hilaliya",
        "aliases": ["al-Hilaliyah", "Hilalieh", "Hilaliyeh", "الهلالية", "Hilêliyê"],
        "name:ar": "الهلالية", "name:ckb": "هیلالیە", "name:ku": "Hilêliyê",
    },
    "zaitunia": {
        "name": "Zaitunia",
        "aliases": ["al-Zaytuniyah", "Zeytouniye", "Zaytuniya", "الزيتونية", "Zeytûniyê"],
        "name:ar": "الزيتونية", "name:ckb": "زەیتوونیە", "name:ku": "Zeytûniyê",
    },
    "wusta": {
        "name": "al-Wusta",
        "aliases": ["Wusta", "al-Wasta", "City Centre", "الوسطى", "Navend"],
        "name:ar": "الوسطى", "name:ckb": "ناوەند", "name:ku": "Navend",
    },
    "security-square": {
        "name": "Security Square",
        "aliases": ["al-Murabba al-Amni", "Murabba Amni", "Security Box", "المربع الأمني",
                    "Çargoşeya Ewlehiyê"],
        "name:ar": "المربع الأمني", "name:ckb": "چوارگۆشەی ئەمنی", "name:ku": "Çargoşeya Ewlehiyê",
    },
    "antariya": {
        "name": "Antariya",
        "aliases": ["al-Antariyah", "Antariyeh", "العنترية", "Enteriyê"],
        "name:ar": "العنترية", "name:ckb": "عەنتەریە", "name:ku": "Enteriyê",
    },
    "qanat-suwais": {
        "name": "Qanat al-Suwais",
        "aliases": ["Qanat Suwais", "Qanat al-Sweis", "Suez Canal", "قناة السويس", "Qenata Siwêsê"],
        "name:ar": "قناة السويس", "name:ckb": "قەنات سوەیس", "name:ku": "Qenata Siwêsê",
    },
    "halko": {
        "name": "Halko",
        "aliases": ["Helko", "Hilko", "حلكو", "هلكو"],
        "name:ar": "حلكو", "name:ckb": "هەلکۆ", "name:ku": "Helko",
    },
    "allaya": {
        "name": "Allaya",
        "aliases": ["Alaya", "al-Alaya", "Aliya", "العلايا", "Eleya"],
        "name:ar": "العلايا", "name:ckb": "عەلایا", "name:ku": "Eleya",
    },
}


def unit(*key):
    """Deterministic pseudo-random number in [-1, 1) for a key."""
    h = hashlib.sha256(repr(key).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**63 - 1.0


def vertex(i, j):
    """Lattice vertex (i, j); the outer frame is jittered along its own line only."""
    x, y = XS[i], YS[j]
    inner_x = 0 < i < len(XS) - 1
    inner_y = 0 < j < len(YS) - 1
    if inner_x:
        x += JITTER * unit("vx", i, j)
    if inner_y:
        y += JITTER * unit("vy", i, j)
    return (round(x, 6), round(y, 6))


def edge_points(a, b):
    """Points from lattice vertex a to b (exclusive of b), with one bent midpoint.

    The midpoint depends only on the unordered edge, so both zones that share
    the edge get the very same coordinates.
    """
    key = tuple(sorted([a, b]))
    pa, pb = vertex(*key[0]), vertex(*key[1])
    mx, my = (pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2
    dx, dy = pb[0] - pa[0], pb[1] - pa[1]
    length = (dx * dx + dy * dy) ** 0.5
    nx, ny = -dy / length, dx / length
    s = BEND * unit("bend", key)
    mid = (round(mx + s * nx, 6), round(my + s * ny, 6))
    return [vertex(*a), mid]


def ring_for(cells):
    """Counter-clockwise boundary of a union of unit cells, as lattice vertex steps."""
    cells = set(cells)
    # Directed boundary edges of each cell, CCW; interior edges cancel out.
    edges = {}
    for (c, r) in cells:
        corners = [(c, r), (c + 1, r), (c + 1, r + 1), (c, r + 1)]
        for k in range(4):
            a, b = corners[k], corners[(k + 1) % 4]
            if (b, a) in edges:
                del edges[(b, a)]
            else:
                edges[(a, b)] = True
    nxt = {a: b for (a, b) in edges}
    assert len(nxt) == len(edges), "zone is not a simple polygon"
    start = min(nxt)
    ring, cur = [], start
    while True:
        ring.append(cur)
        cur = nxt[cur]
        if cur == start:
            break
    assert len(ring) == len(edges), "zone boundary has more than one ring"
    pts = []
    for k, a in enumerate(ring):
        pts.extend(edge_points(a, ring[(k + 1) % len(ring)]))
    pts.append(pts[0])
    return [[x, y] for (x, y) in pts]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "zones.geojson")
    features = []  # sorted by id, like frontline's own output
    for zid, cells in sorted(ZONES):
        props = {"id": zid}
        props.update(NAMES[zid])
        features.append({
            "type": "Feature",
            "id": zid,
            "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [ring_for(cells)]},
        })
    fc = {"type": "FeatureCollection", "features": features}
    text = json.dumps(fc, ensure_ascii=False, indent=None, separators=(",", ":"))
    # One feature per line: small diffs, still valid JSON.
    text = text.replace('"features":[{', '"features":[\n{').replace('},{"type":"Feature"', '},\n{"type":"Feature"')
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text + "\n")
    print(f"wrote {os.path.normpath(out)}: {len(features)} zones")


if __name__ == "__main__":
    main()
