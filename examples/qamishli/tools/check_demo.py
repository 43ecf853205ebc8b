#!/usr/bin/env python3
"""Check the Qamishli demo project: geometry, references, and the expected history.

An independent oracle for frontline's own tests, in plain Python:
  - zones.geojson: unique keys and names, valid simple polygons, CCW exterior
    rings, <= 6 decimals, no overlaps, no gaps, and neighbours that share their
    border vertex for vertex;
  - forces.csv / control.csv / incidents.csv: every zone and force reference
    resolves (by id, name or alias), dates parse, no conflicting rows;
  - prints each zone's state at a few dates and the zone of each incident, for
    writing golden tests.

Needs shapely (pip install shapely, in a venv). Exit 1 on any problem.
Usage: python3 examples/qamishli/tools/check_demo.py [PROJECT_DIR]
"""
import csv
import datetime as dt
import json
import os
import sys

from shapely.geometry import Point, shape
from shapely.ops import unary_union

problems = []


def problem(msg):
    problems.append(msg)
    print("PROBLEM:", msg)


def key(s):
    return s.strip().casefold()


def parse_when(s):
    """A date is the start of that day, UTC; a date-time keeps its offset."""
    s = s.strip()
    if len(s) == 10:
        return dt.datetime.fromisoformat(s).replace(tzinfo=dt.timezone.utc)
    t = dt.datetime.fromisoformat(s)
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def decimals(x):
    r = repr(float(x))
    return len(r.split(".")[1]) if "." in r and "e" not in r else 0


def check_zones(path):
    fc = json.load(open(path, encoding="utf-8"))
    zones, lookup = {}, {}
    for i, f in enumerate(fc["features"]):
        p = f["properties"]
        zid = p["id"]
        if zid in zones:
            problem(f"zones.geojson feature {i}: duplicate id {zid!r}")
        if f.get("id") != zid:
            problem(f"zones.geojson feature {i}: feature id {f.get('id')!r} != property id {zid!r}")
        g = shape(f["geometry"])
        zones[zid] = (p, g, f["geometry"])
        if not g.is_valid:
            problem(f"zone {zid}: invalid polygon")
        if f["geometry"]["type"] == "Polygon" and not g.exterior.is_ccw:
            problem(f"zone {zid}: exterior ring is not counter-clockwise")
        for ring in f["geometry"]["coordinates"]:
            if ring[0] != ring[-1]:
                problem(f"zone {zid}: ring not closed")
            for x, y in ring:
                if decimals(x) > 6 or decimals(y) > 6:
                    problem(f"zone {zid}: coordinate {x},{y} has more than 6 decimals")
        for n in [zid, p["name"], *p.get("aliases", [])]:
            other = lookup.setdefault(key(n), zid)
            if other != zid:
                problem(f"zone name {n!r} is used by both {other} and {zid}")
    # Tessellation: no overlaps, no gaps, shared vertices on shared borders.
    ids = sorted(zones)
    segs = {}
    for zid in ids:
        ring = zones[zid][2]["coordinates"][0]
        segs[zid] = {frozenset((tuple(a), tuple(b))) for a, b in zip(ring, ring[1:])}
    neighbours = {z: [] for z in ids}
    for a_i, a in enumerate(ids):
        for b in ids[a_i + 1:]:
            ga, gb = zones[a][1], zones[b][1]
            if ga.intersection(gb).area > 1e-12:
                problem(f"zones {a} and {b} overlap")
            border = ga.boundary.intersection(gb.boundary).length
            if border > 1e-9:
                shared = segs[a] & segs[b]
                shared_len = sum(Point(*s[0]).distance(Point(*s[1])) for s in map(tuple, shared))
                if abs(shared_len - border) > 1e-9:
                    problem(f"zones {a} and {b} touch along {border:.6f} deg but share "
                            f"identical segments for only {shared_len:.6f} deg")
                neighbours[a].append(b)
                neighbours[b].append(a)
    union = unary_union([zones[z][1] for z in ids])
    if union.geom_type != "Polygon" or len(union.interiors):
        problem("zones leave a gap or are not one connected block")
    return zones, lookup, neighbours


def check_forces(path):
    lookup, forces = {}, {}
    for row in csv.DictReader(open(path, encoding="utf-8", newline="")):
        forces[row["id"]] = row
        for n in [row["id"], row["name"], *filter(None, row["aliases"].split("|"))]:
            other = lookup.setdefault(key(n), row["id"])
            if other != row["id"]:
                problem(f"force name {n!r} is used by both {other} and {row['id']}")
        if not (len(row["color"]) == 7 and row["color"][0] == "#"):
            problem(f"force {row['id']}: colour {row['color']!r} is not #rrggbb")
    return forces, lookup


def check_control(path, zlookup, flookup):
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for line, row in enumerate(reader, start=2):
            z = zlookup.get(key(row["zone"]))
            if z is None:
                problem(f"control.csv:{line}: unknown zone {row['zone']!r}")
                continue
            fs = []
            for f in row["force"].split("|"):
                fid = flookup.get(key(f))
                if fid is None:
                    problem(f"control.csv:{line}: unknown force {f!r}")
                fs.append(fid)
            status = row["status"] or "held"
            if status not in ("held", "contested", "claimed"):
                problem(f"control.csv:{line}: bad status {status!r}")
            if (status == "contested") != (len(fs) > 1):
                problem(f"control.csv:{line}: contested rows need several forces, others one")
            since = parse_when(row["since"])
            until = parse_when(row["until"]) if row["until"] else None
            rows.append(dict(line=line, zone=z, force="|".join(sorted(fs)), status=status,
                             since=since, until=until, raw_since=row["since"],
                             raw_until=row["until"]))
    seen = {}
    for r in rows:
        k = (r["zone"], r["since"])
        if k in seen and (seen[k]["force"], seen[k]["status"]) != (r["force"], r["status"]):
            problem(f"control.csv:{r['line']}: disagrees with line {seen[k]['line']} for the same zone and since")
        seen[k] = r
    return rows


def state_at(rows, zone, when):
    """README.md, "Input: a project folder": the row with the latest since <= D whose until (if any) is after D."""
    live = [r for r in rows if r["zone"] == zone and r["since"] <= when
            and (r["until"] is None or r["until"] > when)]
    return max(live, key=lambda r: r["since"]) if live else None


def check_incidents(path, zones, zlookup):
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            parse_when(row["date"])
            if row["lat"] and row["lon"]:
                pt = Point(float(row["lon"]), float(row["lat"]))
                inside = [z for z, (_, g, _) in zones.items() if g.contains(pt)]
                zone, precision = (inside[0] if inside else None), "point"
            else:
                zone = zlookup.get(key(row["place"]))
                if zone is None:
                    problem(f"incidents.csv:{line}: unknown place {row['place']!r}")
                precision = "zone"
            out.append((row["id"], row["date"], zone, precision))
    return out


def main():
    proj = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    zones, zlookup, neighbours = check_zones(os.path.join(proj, "zones.geojson"))
    forces, flookup = check_forces(os.path.join(proj, "forces.csv"))
    rows = check_control(os.path.join(proj, "control.csv"), zlookup, flookup)
    incidents = check_incidents(os.path.join(proj, "incidents.csv"), zones, zlookup)

    print("zones and neighbours:")
    for z in sorted(zones):
        print(f"  {z:16} {zones[z][0]['name']:16} -> {', '.join(sorted(neighbours[z]))}")
    dates = ["2015-12-31", "2016-01-01", "2021-04-19", "2021-04-20", "2021-04-21", "2021-04-22",
             "2021-04-23", "2021-04-24", "2021-04-25", "2021-04-26", "2021-04-27"]
    print("state at the start of each date (UTC; date-times compared as instants):")
    print("  " + " " * 16 + " ".join(d[5:] for d in dates))
    for z in sorted(zones):
        cells = []
        for d in dates:
            s = state_at(rows, z, parse_when(d))
            cells.append("-" if s is None else
                         (s["force"] if s["status"] == "held" else f"{s['status'][:4]}:{s['force']}"))
        print(f"  {z:16} " + " ".join(f"{c:5}" for c in cells))
    print("incidents (id, date, zone, location_precision):")
    for i in incidents:
        print("  ", *i)
    if problems:
        print(f"{len(problems)} problem(s)")
        sys.exit(1)
    print("demo project OK")


if __name__ == "__main__":
    main()
