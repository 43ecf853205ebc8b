#!/usr/bin/env python3
"""Write data/schemas/<layer>.schema.json, one JSON Schema (draft 2020-12) per output layer.

The schemas state README.md's "Output layers" table as a machine-checkable contract.
.ci/validate.sh checks every <layer>.geojson that `frontline build` writes
against data/schemas/<layer>.schema.json. Each schema is self-contained (no
cross-file $ref), so any JSON Schema tool can use one on its own.
Edit this script, not the JSON: python3 data/schemas/generate.py
"""
import json
import os

DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://frontline.invalid/schemas/"  # an identifier only (.invalid: never resolved)

# ISO 8601 date or date-time (the form frontline reads and echoes back).
WHEN = {"type": "string",
        "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"}
COLOR = {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}
NUM0 = {"type": "number", "minimum": 0}
STR = {"type": "string", "minLength": 1}


def nullable(s):
    return {"anyOf": [s, {"type": "null"}]}


STATUS = {"enum": ["held", "contested", "claimed"]}
FORCE = {"type": "string", "minLength": 1, "description":
         "force id; for a contested zone its forces sorted and joined by '|'"}
ZONES = {"type": "array", "items": STR, "description": "zone ids"}

POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
RING = {"type": "array", "minItems": 4, "items": POSITION}
GEOMETRIES = {
    "Point": {"type": "object", "required": ["type", "coordinates"],
              "properties": {"type": {"const": "Point"}, "coordinates": POSITION}},
    "LineString": {"type": "object", "required": ["type", "coordinates"],
                   "properties": {"type": {"const": "LineString"},
                                  "coordinates": {"type": "array", "minItems": 2, "items": POSITION}}},
    "MultiLineString": {"type": "object", "required": ["type", "coordinates"],
                        "properties": {"type": {"const": "MultiLineString"},
                                       "coordinates": {"type": "array", "items": {
                                           "type": "array", "minItems": 2, "items": POSITION}}}},
    "Polygon": {"type": "object", "required": ["type", "coordinates"],
                "properties": {"type": {"const": "Polygon"},
                               "coordinates": {"type": "array", "minItems": 1, "items": RING}}},
    "MultiPolygon": {"type": "object", "required": ["type", "coordinates"],
                     "properties": {"type": {"const": "MultiPolygon"},
                                    "coordinates": {"type": "array", "items": {
                                        "type": "array", "minItems": 1, "items": RING}}}},
}
POLY = ["Polygon", "MultiPolygon"]
LINE = ["LineString", "MultiLineString"]
POINT = ["Point"]

# layer -> (title, geometry types, "one feature per", properties, required, extra properties allowed)
LAYERS = {
    "control": (
        "zone, state as of D", POLY, {
            "zone": STR,
            "name": {"type": "string"},
            "force": nullable(FORCE),
            "force_name": nullable({"type": "string"}),
            "status": nullable(STATUS),
            "since": nullable(WHEN),
            "source": nullable({"type": "string"}),
            "area_km2": NUM0,
            "fill": COLOR,
            "fill-opacity": {"type": "number", "minimum": 0, "maximum": 1},
            "stroke": COLOR,
            "stroke-width": NUM0,
        }, True,
        "force, force_name, status, since and source are null for a zone with no control row in force at D; "
        "other zone properties are carried through"),
    "areas": (
        "force (zones dissolved)", POLY, {
            "force": FORCE,
            "force_name": nullable({"type": "string"}),
            "zones": dict(ZONES, minItems=1),
            "area_km2": NUM0,
            "fill": COLOR,
        }, True, "held zones dissolved per force; all contested zones form one feature with force 'contested'"),
    "frontlines": (
        "pair of adjacent forces", LINE, {
            "forces": {"type": "array", "minItems": 2, "maxItems": 2, "items": STR,
                       "description": "the two force ids, sorted"},
            "zones": dict(ZONES, minItems=2),
            "length_km": NUM0,
            "stroke": COLOR,
        }, True, "contact lines: arcs between adjacent zones held by different forces"),
    "changes": (
        "zone whose state at D differs from its state at S", POLY, {
            "zone": STR,
            "from_force": nullable(FORCE),
            "from_status": nullable(STATUS),
            "to_force": nullable(FORCE),
            "to_status": nullable(STATUS),
            "date": WHEN,
            "source": nullable({"type": "string"}),
            "area_km2": NUM0,
        }, True, "from_* is the state at S (null: none), to_* the state at D, date the change's date"),
    "incidents": (
        "incident dated in [S, D]", POINT, {
            "date": WHEN,
            "zone": nullable(STR),
            "zone_force": nullable(FORCE),
            "location_precision": {"enum": ["point", "zone", "approximate"]},
            "marker-color": COLOR,
        }, True, "input columns are carried through as extra properties; "
                 "location_precision 'approximate' implies zone null"),
    "timeline": (
        "control period of a zone", POLY, {
            "zone": STR,
            "force": nullable(FORCE),
            "status": STATUS,
            "start": WHEN,
            "end": nullable(WHEN),
        }, True, "for QGIS's temporal controller and time sliders; an open end is null"),
    "labels": (
        "zone", POINT, {
            "zone": STR,
            "name": {"type": "string"},
        }, True, "a point well inside each zone, for labels"),
}


def layer_schema(layer, per, geoms, props, extra, note):
    geometry = GEOMETRIES[geoms[0]] if len(geoms) == 1 else {"oneOf": [GEOMETRIES[g] for g in geoms]}
    properties = {"type": "object", "required": sorted(props), "properties": props}
    if not extra:
        properties["additionalProperties"] = False
    feature = {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": STR,
            "geometry": geometry,
            "properties": properties,
        },
    }
    if layer == "incidents":
        # 'approximate' locations are never assigned to a neighbourhood-level zone (README.md, "What the readers accept").
        feature["properties"]["properties"] = dict(properties, allOf=[{
            "if": {"properties": {"location_precision": {"const": "approximate"}}},
            "then": {"properties": {"zone": {"type": "null"}}},
        }])
    return {
        "$schema": DRAFT,
        "$id": BASE + f"{layer}.schema.json",
        "title": f"frontline {layer}.geojson",
        "description": f"{'/'.join(geoms)} features, one per {per}: {note}. RFC 7946, features sorted by id.",
        "type": "object",
        "required": ["type", "features", "frontline"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "frontline": {
                "type": "object",
                "description": "frontline's foreign member: never a generation timestamp",
                "required": ["as_of", "since", "title", "attribution"],
                "properties": {
                    "as_of": WHEN,
                    "since": nullable(WHEN),
                    "title": nullable({"type": "string"}),
                    "attribution": nullable({"type": "string"}),
                },
            },
            "features": {"type": "array", "items": feature},
            "crs": {"not": {}, "description": "RFC 7946 has no crs member"},
        },
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for layer, (per, geoms, props, extra, note) in LAYERS.items():
        schema = layer_schema(layer, per, geoms, props, extra, note)
        with open(os.path.join(here, f"{layer}.schema.json"), "w", encoding="utf-8", newline="\n") as f:
            json.dump(schema, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print(f"wrote {layer}.schema.json")


if __name__ == "__main__":
    main()
