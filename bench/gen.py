#!/usr/bin/env python3
"""Deterministic synthetic data for the peer baseline (stdlib only).

frontline's copy of the peer harness's gen.py (same output for the same arguments),
plus `--what control --control-rows N`: a longer control history
(control_<K>_<N>.csv, N rows spread over the K zones, unique dates per zone)
for the country-scale build.

Writes into OUTDIR (default: $PEERS/data, PEERS defaults to target/bench in the
repository, as in bench/run.sh):

  incidents_<N>.csv      ACLED-like incidents (event_id, event_date, event_type,
                         actor1, actor2, location, latitude, longitude,
                         fatalities, source, notes). Notes/sources contain
                         commas, double quotes and Arabic text so CSV quoting is
                         exercised. Coordinates have 7 decimals (so a 6-decimal
                         precision option is observable) and lie inside the bbox
                         lon 36..42, lat 32..37.5.
  zones_<K>.geojson      K polygons (jittered grid with shared, subdivided
                         edges) tiling the bbox exactly; properties zone_id, name.
                         Exterior rings are counter-clockwise (RFC 7946).
  control_<K>.csv        zone_id, force, since (YYYY-MM-DD); 2..6 control
                         changes per zone, rows shuffled (file order != time order).
  zones_state_<K>.geojson  reference answer of J2 (latest force/since per zone);
                         also the input of J4/J5 so they do not depend on J2.
  manifest_<...>.json    counts used by the checker.

Usage: gen.py [--n 1000000] [--k 10000] [--seed 7] [--out DIR] [--what all|incidents|zones]
Same arguments -> byte-identical files.
"""
import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import sys

LON0, LON1, LAT0, LAT1 = 36.0, 42.0, 32.0, 37.5

EVENT_TYPES = [
    ("Battles", ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"]),
    ("Explosions/Remote violence", ["Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive/landmine/IED"]),
    ("Violence against civilians", ["Attack", "Abduction/forced disappearance"]),
    ("Protests", ["Peaceful protest", "Protest with intervention"]),
    ("Riots", ["Violent demonstration", "Mob violence"]),
    ("Strategic developments", ["Arrests", "Looting/property destruction", "Headquarters or base established"]),
]
ACTORS = [
    "Military Forces of Syria (2000-2024)", "NDF: National Defence Forces", "SDF: Syrian Democratic Forces",
    "Asayish", "SNA: Syrian National Army", "HTS: Hayat Tahrir al Sham", "Islamic State (Syria)",
    "Military Forces of Turkey (2016-)", "Military Forces of Russia (2000-)", "Military Forces of Israel (2022-)",
    "Unidentified Armed Group (Syria)", "Civilians (Syria)", "Protesters (Syria)", "Rioters (Syria)",
    "Tribal Militia (Syria)", "Military Forces of the United States (2021-)",
]
TOWNS = [  # (name, lon, lat)
    ("Aleppo - حلب", 37.16, 36.20), ("Idlib - إدلب", 36.63, 35.93), ("Homs - حمص", 36.72, 34.73),
    ("Hama - حماة", 36.75, 35.13), ("Raqqa - الرقة", 39.01, 35.95), ("Deir ez-Zor - دير الزور", 40.14, 35.33),
    ("Al-Hasakah - الحسكة", 40.75, 36.50), ("Qamishli - القامشلي", 41.23, 37.05), ("Manbij - منبج", 37.95, 36.53),
    ("Afrin - عفرين", 36.87, 36.51), ("Palmyra - تدمر", 38.27, 34.56), ("Al Bukamal - البوكمال", 40.92, 34.45),
    ("Mayadin - الميادين", 40.45, 35.02), ("Kobani - عين العرب", 38.40, 36.89), ("Tabqa - الطبقة", 38.55, 35.84),
    ("Daraa - درعا", 36.10, 32.62), ("As-Suwayda - السويداء", 36.57, 32.71), ("Damascus - دمشق", 36.29, 33.51),
    ("Tell Abyad - تل أبيض", 38.95, 36.70), ("Ras al-Ain - رأس العين", 40.07, 36.85), ("Al-Tanf - التنف", 38.63, 33.51),
]
SOURCES = ["SOHR", "Enab Baladi", "North Press Agency", "SANA", "Deir Ezzor 24", "Halab Today TV",
           "Step News Agency", "Local media, Syria", "Twitter; Telegram", "Hawar News Agency (ANHA)"]
NOTE_TEMPLATES = [
    'On {date}, {a1} clashed with {a2} near {loc}. {f} fatalities reported.',
    'On {date}, {a1} shelled positions of {a2} in {loc}, causing damage to "civilian" houses; {f} killed.',
    'Around {date}, an IED exploded near a checkpoint of {a2} in {loc}. Casualties: {f}. (الضحايا: {f})',
    'On {date}, residents of {loc} protested, chanting "لا للتهجير" ("no to displacement"), demanding the release of detainees.',
    '{a1} arrested {n} people in {loc} on {date}, accusing them of links to "{a2}", per local sources, reportedly.',
    'On {date}, a drone targeted a vehicle near {loc}; {f} killed, incl. 1 child. قصف بطائرة مسيرة',
    'Clashes, shelling, and sniping between {a1} and {a2} in the vicinity of {loc} on {date}.',
]
FORCES = ["SAA", "NDF", "SDF", "Asayish", "SNA", "HTS"]
# approximate "home" seeds of each force inside the bbox (lon, lat)
FORCE_SEEDS = {
    "SAA": [(36.7, 34.7), (37.2, 33.3), (38.4, 34.5), (40.5, 34.8), (36.4, 32.8)],
    "NDF": [(36.9, 35.2), (37.6, 33.8), (39.5, 34.2)],
    "SDF": [(39.0, 35.9), (40.2, 36.0), (40.9, 35.5), (38.3, 36.6)],
    "Asayish": [(41.2, 37.0), (40.7, 36.5)],
    "SNA": [(37.0, 36.6), (38.9, 36.7), (37.6, 36.4)],
    "HTS": [(36.6, 35.9), (36.4, 35.6)],
}
EPOCHS = [dt.date(2012, 7, 1), dt.date(2014, 6, 1), dt.date(2016, 12, 1), dt.date(2018, 3, 1),
          dt.date(2019, 10, 9), dt.date(2020, 3, 5), dt.date(2022, 6, 1), dt.date(2024, 8, 1)]


def default_outdir():
    peers = os.environ.get("PEERS")
    if not peers:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        peers = os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(root, "target"), "bench")
    return os.path.join(peers, "data")


def fmt(x, nd):
    s = f"{x:.{nd}f}"
    return "0." + "0" * nd if s == "-0." + "0" * nd else s


# ---------------------------------------------------------------- incidents
def gen_incidents(path, n, seed):
    rng = random.Random(seed * 1_000_003 + 1)
    start = dt.date(2017, 1, 1).toordinal()
    span = dt.date(2024, 12, 31).toordinal() - start
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(["event_id", "event_date", "event_type", "actor1", "actor2", "location",
                    "latitude", "longitude", "fatalities", "source", "notes"])
        for i in range(n):
            date = dt.date.fromordinal(start + rng.randrange(span + 1)).isoformat()
            et, subs = EVENT_TYPES[rng.randrange(len(EVENT_TYPES))]
            a1 = ACTORS[rng.randrange(len(ACTORS))]
            a2 = ACTORS[rng.randrange(len(ACTORS))] if rng.random() < 0.8 else ""
            if rng.random() < 0.7:
                town, tx, ty = TOWNS[rng.randrange(len(TOWNS))]
                lon = rng.gauss(tx, 0.25)
                lat = rng.gauss(ty, 0.2)
                loc = town
            else:
                lon = rng.uniform(LON0, LON1)
                lat = rng.uniform(LAT0, LAT1)
                loc = f"Village {rng.randrange(1, 5000)}, rural area"
            # strictly inside the bbox (avoid points exactly on the outer edge)
            lon = min(max(lon, LON0 + 1e-6), LON1 - 1e-6)
            lat = min(max(lat, LAT0 + 1e-6), LAT1 - 1e-6)
            fat = 0 if rng.random() < 0.55 else int(rng.expovariate(0.3))
            src = SOURCES[rng.randrange(len(SOURCES))]
            if rng.random() < 0.3:
                src += "; " + SOURCES[rng.randrange(len(SOURCES))]
            note = NOTE_TEMPLATES[rng.randrange(len(NOTE_TEMPLATES))].format(
                date=date, a1=a1, a2=a2 or "unidentified gunmen", loc=loc, f=fat, n=rng.randrange(2, 40))
            note = f"[{subs[rng.randrange(len(subs))]}] " + note
            w.writerow([f"SYR{i + 1:07d}", date, et, a1, a2, loc, fmt(lat, 7), fmt(lon, 7), fat, src, note])


# ---------------------------------------------------------------- zones
def grid_shape(k):
    """factor pair (rows, cols) of k whose cell aspect is closest to the bbox aspect."""
    target = (LON1 - LON0) / (LAT1 - LAT0)
    best = None
    for r in range(1, int(math.isqrt(k)) + 1):
        if k % r:
            continue
        for rows, cols in ((r, k // r), (k // r, r)):
            score = abs(math.log(cols / rows) - math.log(target))
            if best is None or score < best[0]:
                best = (score, rows, cols)
    return best[1], best[2]


def gen_zones(k, seed, subdiv=3):
    """Return list of (zone_id, name, ring[(lon,lat)...], centroid) tiling the bbox."""
    rng = random.Random(seed * 7919 + 2)
    rows, cols = grid_shape(k)
    dx = (LON1 - LON0) / cols
    dy = (LAT1 - LAT0) / rows
    # grid vertices, interior ones jittered
    V = {}
    for j in range(rows + 1):
        for i in range(cols + 1):
            x = LON0 + i * dx
            y = LAT0 + j * dy
            if 0 < i < cols:
                x += rng.uniform(-0.22, 0.22) * dx
            if 0 < j < rows:
                y += rng.uniform(-0.22, 0.22) * dy
            if i == cols:
                x = LON1
            if j == rows:
                y = LAT1
            V[(i, j)] = (round(x, 6), round(y, 6))
    # shared intermediate points on each edge (only interior edges are wiggled)
    E = {}

    def edge_pts(a, b, interior):
        key = (a, b) if a < b else (b, a)
        if key not in E:
            (x0, y0), (x1, y1) = V[key[0]], V[key[1]]
            pts = []
            for s in range(1, subdiv + 1):
                t = s / (subdiv + 1)
                x = x0 + (x1 - x0) * t
                y = y0 + (y1 - y0) * t
                if interior:
                    # perpendicular offset, small relative to the cell size
                    ex, ey = x1 - x0, y1 - y0
                    ln = math.hypot(ex, ey)
                    off = rng.uniform(-0.07, 0.07)
                    x += -ey / ln * off * ln
                    y += ex / ln * off * ln
                pts.append((round(x, 6), round(y, 6)))
            E[key] = pts
        pts = E[key]
        return pts if a < b else pts[::-1]

    zones = []
    names = [t[0].split(" - ") for t in TOWNS]
    zid = 0
    for j in range(rows):
        for i in range(cols):
            zid += 1
            corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]  # CCW
            ring = []
            for c in range(4):
                a, b = corners[c], corners[(c + 1) % 4]
                interior = not ((a[1] == b[1] and a[1] in (0, rows)) or (a[0] == b[0] and a[0] in (0, cols)))
                ring.append(V[a])
                ring.extend(edge_pts(a, b, interior))
            ring.append(ring[0])
            cx = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
            cy = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
            # name: nearest town + sector number, mixed Latin/Arabic
            best = min(range(len(TOWNS)), key=lambda t: (TOWNS[t][1] - cx) ** 2 + (TOWNS[t][2] - cy) ** 2)
            en, ar = names[best]
            name = f"{en} sector {zid}" if zid % 3 else f"قطاع {ar} {zid}"
            zones.append((f"Z{zid:06d}", name, ring, (cx, cy)))
    return zones


def epoch_seeds(seed):
    """Per-epoch drifted seed positions and weights: [(epoch_idx, [(sx, sy, w, force), ...]), ...]."""
    out = []
    for e in range(len(EPOCHS)):
        lst = []
        for force, seeds in FORCE_SEEDS.items():
            w = 1.0 + 0.35 * math.sin(e * 1.3 + hash_str(force))
            for s, (sx, sy) in enumerate(seeds):
                h = random.Random(e * 10007 + hash_str(force) * 31 + s + seed)
                lst.append((sx + h.uniform(-0.6, 0.6), sy + h.uniform(-0.5, 0.5), w, force))
        out.append(lst)
    return out


def force_at(seeds, cx, cy):
    """Nearest (weighted) seed wins; a near tie between two forces -> contested."""
    best = sorted((math.hypot(cx - sx, cy - sy) / w, f) for sx, sy, w, f in seeds)
    if best[1][0] - best[0][0] < 0.04 and best[1][1] != best[0][1]:
        return "contested"
    return best[0][1]


def hash_str(s):
    h = 0
    for ch in s:
        h = (h * 131 + ord(ch)) % 1000003
    return h


def gen_control(zones, seed):
    rng = random.Random(seed * 104729 + 3)
    rows = []
    latest = {}
    eseeds = epoch_seeds(seed)
    for zid, _name, _ring, (cx, cy) in zones:
        hist = []
        prev = None
        for e, base in enumerate(EPOCHS):
            f = force_at(eseeds[e], cx, cy)
            if f == prev:
                continue
            # per-zone offset keeps dates unique and strictly increasing within a zone
            day = base + dt.timedelta(days=rng.randrange(0, 120))
            if hist and day <= hist[-1][1]:
                day = hist[-1][1] + dt.timedelta(days=1)
            hist.append((f, day))
            prev = f
        # guarantee "several" changes: at least 2 records
        while len(hist) < 2:
            first_f, first_d = hist[0]
            alt = FORCES[rng.randrange(len(FORCES))]
            if alt == first_f:
                continue
            hist.insert(0, (alt, first_d - dt.timedelta(days=rng.randrange(200, 900))))
        for f, d in hist:
            rows.append((zid, f, d.isoformat()))
        latest[zid] = hist[-1]
    rng.shuffle(rows)
    return rows, latest


def gen_control_rows(zones, n, seed):
    """About n rows: each zone gets n/K changes at increasing dates, forces drawn at random."""
    rng = random.Random(seed * 15485863 + 5)
    per = max(1, n // len(zones))
    rows = []
    start = dt.date(2011, 3, 15)
    for zid, _name, _ring, _c in zones:
        day = start + dt.timedelta(days=rng.randrange(0, 60))
        prev = None
        for _ in range(per):
            f = FORCES[rng.randrange(len(FORCES))]
            while f == prev:
                f = FORCES[rng.randrange(len(FORCES))]
            rows.append((zid, f, day.isoformat()))
            prev = f
            day += dt.timedelta(days=rng.randrange(5, 60))
    rng.shuffle(rows)
    return rows


def write_zones(path, zones, extra=None):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        for n, (zid, name, ring, _c) in enumerate(zones):
            props = {"zone_id": zid, "name": name}
            if extra:
                f, d = extra[zid]
                props["force"] = f
                props["since"] = d.isoformat()
            coords = ",".join(f"[{fmt(x, 6)},{fmt(y, 6)}]" for x, y in ring)
            fh.write(('' if n == 0 else ',\n') + '{"type":"Feature","properties":'
                     + json.dumps(props, ensure_ascii=False)
                     + ',"geometry":{"type":"Polygon","coordinates":[[' + coords + ']]}}')
        fh.write("\n]}\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="incident rows")
    ap.add_argument("--k", type=int, default=10_000, help="zone polygons")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=default_outdir())
    ap.add_argument("--what", choices=["all", "incidents", "zones", "control"], default="all")
    ap.add_argument("--control-rows", type=int, default=100_000, help="rows of --what control")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    if a.what in ("all", "incidents"):
        p = os.path.join(a.out, f"incidents_{a.n}.csv")
        gen_incidents(p + ".tmp", a.n, a.seed)
        os.replace(p + ".tmp", p)
        with open(os.path.join(a.out, f"manifest_incidents_{a.n}.json"), "w") as fh:
            json.dump({"incidents": a.n, "seed": a.seed, "bbox": [LON0, LAT0, LON1, LAT1]}, fh)
        print(f"wrote {p}", file=sys.stderr)
    if a.what in ("all", "zones"):
        zones = gen_zones(a.k, a.seed)
        rows, latest = gen_control(zones, a.seed)
        write_zones(os.path.join(a.out, f"zones_{a.k}.geojson"), zones)
        write_zones(os.path.join(a.out, f"zones_state_{a.k}.geojson"), zones, latest)
        with open(os.path.join(a.out, f"control_{a.k}.csv"), "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["zone_id", "force", "since"])
            w.writerows(rows)
        counts = {}
        for f, _d in latest.values():
            counts[f] = counts.get(f, 0) + 1
        with open(os.path.join(a.out, f"manifest_zones_{a.k}.json"), "w") as fh:
            json.dump({"zones": len(zones), "control_rows": len(rows), "latest_force_counts": counts,
                       "seed": a.seed}, fh, sort_keys=True)
        print(f"wrote zones_{a.k}.geojson ({len(zones)} polygons), control_{a.k}.csv ({len(rows)} rows), "
              f"latest force counts {counts}", file=sys.stderr)


    if a.what == "control":
        rows = gen_control_rows(gen_zones(a.k, a.seed), a.control_rows, a.seed)
        p = os.path.join(a.out, f"control_{a.k}_{a.control_rows}.csv")
        with open(p, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["zone_id", "force", "since"])
            w.writerows(rows)
        print(f"wrote {p} ({len(rows)} rows)", file=sys.stderr)


if __name__ == "__main__":
    main()
