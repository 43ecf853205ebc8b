//! TopoJSON: one `<layer>.topojson` per layer, shared borders stored once,
//! coordinates quantized and delta-encoded.
//!
//! Arcs come from the one topology core (`crate::topology`): features that
//! show a zone use the snapshot's shared arcs (simplified with the other
//! layers under `--simplify`), found by the zone's index, so `control` and
//! every other per-zone layer store each border once; other polygon layers
//! (e.g. dissolved areas) get a topology of their own features. Lines
//! become arcs of their own; points are quantized positions.

use super::{Context, Handed, Staged, Writer};
use crate::error::{Error, Result};
use crate::feature::Shape;
use crate::layers::Snapshot;
use crate::model::Zone;
use crate::topology::Topology;
use geo::{Coord, Geometry, LineString, MultiPolygon};
use serde_json::{json, Map, Value};

/// Quantization: positions are integers in `[0, QUANTIZATION)` on each axis.
pub const QUANTIZATION: f64 = 1e5;

/// Writes each layer as a TopoJSON file (`control.topojson`) as soon as it
/// is handed: zone polygons by their index into the snapshot's shared arcs,
/// other polygons through a topology of their own.
#[derive(Debug)]
pub(crate) struct TopoJsonWriter;

impl Writer for TopoJsonWriter {
    fn layer(&self, cx: &Context<'_>, handed: &Handed<'_, '_>) -> Result<Vec<Staged>> {
        let layer = handed.layer;
        let mut features = Vec::with_capacity(layer.features.len());
        let gathered = layer.features.each(0..layer.features.len(), &mut |f| {
            features.push(TopoFeature {
                id: f.id.to_string(),
                properties: f
                    .properties
                    .iter()
                    .map(|(k, v)| (k.as_str().to_string(), v.to_value()))
                    .collect(),
                shape: match f.shape {
                    Shape::Zone(i, _) => TopoShape::Zone(i),
                    other => TopoShape::Other(other.to_geometry()),
                },
            });
            Ok(())
        });
        let name = format!("{}.topojson", layer.kind.name());
        gathered.map_err(|e| Error::internal(format!("rendering {name}: {e}")))?;
        let s = cx.snapshot;
        let topo = encode(layer.kind.name(), &features, s, &Value::Object(cx.meta.clone()));
        let mut bytes = serde_json::to_vec(&topo)
            .map_err(|e| Error::internal(format!("rendering {name}: {e}")))?;
        bytes.push(b'\n');
        Ok(vec![Staged::bytes(cx, &name, &bytes, features.len())?])
    }

    fn finish(&self, _: &Context<'_>) -> Result<Vec<Staged>> {
        Ok(Vec::new())
    }
}

/// A feature as TopoJSON encodes it.
struct TopoFeature {
    id: String,
    properties: Map<String, Value>,
    shape: TopoShape,
}

/// Where a feature's geometry comes from.
enum TopoShape {
    /// Zone `i` of the snapshot: its rings of shared arcs.
    Zone(usize),
    /// Any other geometry (or none).
    Other(Option<Geometry<f64>>),
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

/// The extent of the features and of every zone as read.
fn bbox_of(features: &[TopoFeature], zones: &[Zone]) -> [f64; 4] {
    use geo::BoundingRect;
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    let rects = features
        .iter()
        .filter_map(|f| match &f.shape {
            TopoShape::Zone(i) => zones.get(*i).and_then(|z| z.geometry.bounding_rect()),
            TopoShape::Other(g) => g.as_ref().and_then(BoundingRect::bounding_rect),
        })
        .chain(zones.iter().filter_map(|z| z.geometry.bounding_rect()));
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

/// Encode one layer as a Topology with one object named after the layer.
fn encode(name: &str, features: &[TopoFeature], s: &Snapshot<'_>, meta: &Value) -> Value {
    let zones = &s.zones;
    let qz = Quantizer::new(bbox_of(features, zones));
    // polygons other than zones (and zones beside them): a topology of their own
    let uses_zones = features.iter().any(|f| matches!(f.shape, TopoShape::Zone(_)));
    let has_others = features.iter().any(|f| match &f.shape {
        TopoShape::Other(Some(g)) => as_multi(g).is_some(),
        _ => false,
    });
    let polygons: Vec<(usize, MultiPolygon<f64>)> = features
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match &f.shape {
            TopoShape::Other(Some(g)) => as_multi(g).map(|g| (i, g)),
            TopoShape::Zone(z) if has_others => s.zone_geometry(*z).cloned().map(|g| (i, g)),
            _ => None,
        })
        .collect();
    let own;
    let topo: &Topology = if polygons.is_empty() {
        s.topology()
    } else {
        let parts: Vec<(String, MultiPolygon<f64>)> =
            polygons.iter().map(|(i, g)| (i.to_string(), g.clone())).collect();
        own = Topology::build(&parts, s.snap_m());
        &own
    };
    // each polygon feature's zone in `topo`
    let part_of = |i: usize| -> Option<usize> {
        match features.get(i).map(|f| &f.shape) {
            Some(TopoShape::Zone(z)) if polygons.is_empty() => Some(*z),
            _ => polygons.binary_search_by_key(&i, |(at, _)| *at).ok(),
        }
    };
    let mut arcs: Vec<Value> = if polygons.is_empty() && !uses_zones {
        Vec::new()
    } else {
        topo.arcs().map(|a| qz.arc(&a.coords)).collect()
    };
    let mut geometries = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let polygon = || match part_of(i) {
            Some(z) => polygon_object(topo.zone_arc_rings(z), 0),
            None => json!({ "type": null }),
        };
        let geometry = match &f.shape {
            TopoShape::Zone(_) => None,
            TopoShape::Other(g) => g.as_ref(),
        };
        let mut obj = match geometry {
            None if matches!(f.shape, TopoShape::Zone(_)) => polygon(),
            None
            | Some(
                Geometry::GeometryCollection(_)
                | Geometry::Line(_)
                | Geometry::Rect(_)
                | Geometry::Triangle(_),
            ) => json!({ "type": null }),
            Some(Geometry::Polygon(_) | Geometry::MultiPolygon(_)) => polygon(),
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
