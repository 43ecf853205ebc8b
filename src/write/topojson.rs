//! TopoJSON: one `<layer>.topojson` per layer, shared borders stored once,
//! coordinates quantized and delta-encoded.
//!
//! Arcs come from the one topology core (`crate::topology`): polygon
//! features whose geometry is their zone's (`zone` property) use the arcs of
//! the project's zones, so `control` and every other per-zone layer store
//! each border once; other polygon layers (e.g. dissolved areas) get a
//! topology of their own features. Lines become arcs of their own; points
//! are quantized positions. This module builds no topology itself.

use super::Output;
use crate::error::{Error, Result};
use crate::layers::{Feature, LayerKind, Snapshot};
use crate::topology::Topology;
use geo::{Coord, Geometry, LineString, MultiPolygon};
use serde_json::{json, Map, Value};

/// Quantization: positions are integers in `[0, QUANTIZATION)` on each axis.
pub const QUANTIZATION: f64 = 1e5;

/// Render one TopoJSON file per layer.
///
/// # Errors
///
/// Internal errors only.
pub fn render(s: &Snapshot<'_>, layers: &[(LayerKind, Vec<Feature>)]) -> Result<Vec<Output>> {
    let p = s.project;
    let zones: Vec<(String, MultiPolygon<f64>)> =
        p.zones.iter().map(|z| (z.id.clone(), z.geometry.clone())).collect();
    let zone_topology = Topology::build(&zones, p.settings.snap_m);
    let meta = Value::Object(s.meta());
    layers
        .iter()
        .map(|(kind, features)| {
            let topo =
                encode(kind.name(), features, &zones, &zone_topology, p.settings.snap_m, &meta);
            let bytes = serde_json::to_vec(&topo)
                .map_err(|e| Error::internal(format!("rendering {}.topojson: {e}", kind.name())))?;
            let mut bytes = bytes;
            bytes.push(b'\n');
            Ok(Output {
                name: format!("{}.topojson", kind.name()),
                bytes,
                features: features.len(),
            })
        })
        .collect()
}

/// Quantizes positions into the topology's integer grid.
struct Quantizer {
    x0: f64,
    y0: f64,
    kx: f64,
    ky: f64,
}

impl Quantizer {
    fn new(bbox: [f64; 4]) -> Quantizer {
        let span = |a: f64, b: f64| if b > a { (b - a) / (QUANTIZATION - 1.0) } else { 1.0 };
        Quantizer {
            x0: bbox[0],
            y0: bbox[1],
            kx: span(bbox[0], bbox[2]),
            ky: span(bbox[1], bbox[3]),
        }
    }

    fn q(&self, c: Coord<f64>) -> (i64, i64) {
        (((c.x - self.x0) / self.kx).round() as i64, ((c.y - self.y0) / self.ky).round() as i64)
    }

    /// A delta-encoded arc (at least two positions).
    fn arc(&self, coords: &[Coord<f64>]) -> Value {
        let mut pts: Vec<(i64, i64)> = Vec::with_capacity(coords.len());
        for c in coords {
            let q = self.q(*c);
            if pts.last() != Some(&q) {
                pts.push(q);
            }
        }
        while pts.len() < 2 {
            let first = pts.first().copied().unwrap_or((0, 0));
            pts.push(first);
        }
        let mut prev = (0, 0);
        let out: Vec<Value> = pts
            .iter()
            .map(|&(x, y)| {
                let d = json!([x - prev.0, y - prev.1]);
                prev = (x, y);
                d
            })
            .collect();
        Value::Array(out)
    }

    fn transform(&self) -> Value {
        json!({ "scale": [self.kx, self.ky], "translate": [self.x0, self.y0] })
    }
}

fn bbox_of(features: &[Feature], zones: &[(String, MultiPolygon<f64>)]) -> [f64; 4] {
    use geo::BoundingRect;
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    let rects = features
        .iter()
        .filter_map(|f| f.geometry.as_ref().and_then(BoundingRect::bounding_rect))
        .chain(zones.iter().filter_map(|(_, g)| g.bounding_rect()));
    for r in rects {
        b = [b[0].min(r.min().x), b[1].min(r.min().y), b[2].max(r.max().x), b[3].max(r.max().y)];
    }
    if b.iter().all(|v| v.is_finite()) {
        b
    } else {
        [0.0, 0.0, 0.0, 0.0]
    }
}

fn as_multi(g: &Geometry<f64>) -> Option<MultiPolygon<f64>> {
    match g {
        Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
        Geometry::MultiPolygon(mp) => Some(mp.clone()),
        _ => None,
    }
}

fn polygon_object(rings: Vec<Vec<Vec<i64>>>, offset: i64) -> Value {
    let shift = |r: i64| if r >= 0 { r + offset } else { !((!r) + offset) };
    let mut polys: Vec<Value> = rings
        .into_iter()
        .map(|p| {
            Value::Array(
                p.into_iter()
                    .map(|ring| json!(ring.into_iter().map(shift).collect::<Vec<_>>()))
                    .collect(),
            )
        })
        .collect();
    if polys.len() == 1 {
        json!({ "type": "Polygon", "arcs": polys.pop().unwrap_or(Value::Null) })
    } else {
        json!({ "type": "MultiPolygon", "arcs": polys })
    }
}

/// Feature index → zone index in the topology used.
type ZoneOf<'a> = Box<dyn Fn(usize) -> Option<usize> + 'a>;

/// Encode one layer as a Topology with one object named after the layer.
fn encode(
    name: &str,
    features: &[Feature],
    zones: &[(String, MultiPolygon<f64>)],
    zone_topology: &Topology,
    snap_m: f64,
    meta: &Value,
) -> Value {
    let qz = Quantizer::new(bbox_of(features, zones));
    // polygons: the zones' arcs when every polygon is its zone's geometry
    let zone_of = |f: &Feature| -> Option<usize> {
        let z = f.properties.get("zone").and_then(Value::as_str)?;
        let i = zones.iter().position(|(id, _)| id == z)?;
        let same = f
            .geometry
            .as_ref()
            .and_then(as_multi)
            .is_some_and(|g| zones.get(i).is_some_and(|(_, zg)| *zg == g));
        same.then_some(i)
    };
    let polygons: Vec<(usize, MultiPolygon<f64>)> = features
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.geometry.as_ref().and_then(as_multi).map(|g| (i, g)))
        .collect();
    let use_zone_arcs = !polygons.is_empty()
        && polygons.iter().all(|(i, _)| features.get(*i).and_then(zone_of).is_some());
    let own;
    let (topo, zone_index): (&Topology, ZoneOf<'_>) = if use_zone_arcs {
        (zone_topology, Box::new(|i| features.get(i).and_then(zone_of)))
    } else {
        let parts: Vec<(String, MultiPolygon<f64>)> =
            polygons.iter().map(|(i, g)| (i.to_string(), g.clone())).collect();
        own = Topology::build(&parts, snap_m);
        let index: Vec<usize> = polygons.iter().map(|(i, _)| *i).collect();
        (&own, Box::new(move |i| index.iter().position(|x| *x == i)))
    };
    let mut arcs: Vec<Value> = if polygons.is_empty() {
        Vec::new()
    } else {
        topo.arcs().map(|a| qz.arc(&a.coords)).collect()
    };
    let mut geometries = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let mut obj = match &f.geometry {
            None
            | Some(
                Geometry::GeometryCollection(_)
                | Geometry::Line(_)
                | Geometry::Rect(_)
                | Geometry::Triangle(_),
            ) => json!({ "type": null }),
            Some(Geometry::Polygon(_) | Geometry::MultiPolygon(_)) => match zone_index(i) {
                Some(z) => polygon_object(topo.zone_arc_rings(z), 0),
                None => json!({ "type": null }),
            },
            Some(Geometry::LineString(l)) => {
                arcs.push(qz.arc(&l.0));
                json!({ "type": "LineString", "arcs": [arcs.len() - 1] })
            }
            Some(Geometry::MultiLineString(ml)) => {
                let refs: Vec<Value> =
                    ml.0.iter()
                        .map(|l: &LineString<f64>| {
                            arcs.push(qz.arc(&l.0));
                            json!([arcs.len() - 1])
                        })
                        .collect();
                json!({ "type": "MultiLineString", "arcs": refs })
            }
            Some(Geometry::Point(pt)) => {
                let (x, y) = qz.q(pt.0);
                json!({ "type": "Point", "coordinates": [x, y] })
            }
            Some(Geometry::MultiPoint(mp)) => {
                let pts: Vec<Value> =
                    mp.0.iter()
                        .map(|p| {
                            let (x, y) = qz.q(p.0);
                            json!([x, y])
                        })
                        .collect();
                json!({ "type": "MultiPoint", "coordinates": pts })
            }
        };
        if let Some(o) = obj.as_object_mut() {
            o.insert("id".into(), Value::String(f.id.clone()));
            o.insert("properties".into(), Value::Object(f.properties.clone()));
        }
        geometries.push(obj);
    }
    let mut objects = Map::new();
    objects.insert(name.into(), json!({ "type": "GeometryCollection", "geometries": geometries }));
    json!({
        "type": "Topology",
        "frontline": meta,
        "transform": qz.transform(),
        "objects": objects,
        "arcs": arcs,
    })
}
