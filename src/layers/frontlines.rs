//! `frontlines.geojson`: contact lines between adjacent zones held by
//! different forces, one (Multi)LineString per pair of forces. The lines are
//! the shared arcs of the topology core, so they lie exactly on the zone
//! borders even when neighbours were digitised with small gaps.

use super::{Feature, Snapshot};
use crate::feature::round_measure;
use crate::model::Status;
use geo::{Geodesic, Length};
use serde_json::{Map, Value};

/// Colour of contact lines.
pub const STROKE: &str = "#111111";

/// Build the layer.
///
/// # Errors
///
/// None in practice; the signature matches the other layers.
pub(crate) fn build(s: &Snapshot<'_>) -> Vec<Feature> {
    let groups: Vec<Option<&str>> = s
        .states()
        .iter()
        .map(|state| match state {
            Some(r) if r.status == Status::Held => {
                r.forces.first().and_then(|f| s.forces.get(*f)).map(|f| f.id.as_str())
            }
            _ => None,
        })
        .collect();
    let borders = s.topology().shared_borders(|i| groups.get(i).copied().flatten());
    let mut out = Vec::with_capacity(borders.len());
    for b in borders {
        let (a, c) = (&b.groups.0, &b.groups.1);
        let mut zones: Vec<&str> =
            b.zones.iter().filter_map(|i| s.zones.get(*i).map(|z| z.id.as_str())).collect();
        zones.sort_unstable();
        let length_m: f64 = b.lines.0.iter().map(|l| Geodesic.length(l)).sum();
        let name = |id: &str| {
            s.forces.iter().find(|f| f.id == id).map_or(id.to_string(), |f| f.name.clone())
        };
        let mut props = Map::new();
        props.insert("forces".into(), Value::from(vec![a.clone(), c.clone()]));
        props.insert("force_names".into(), Value::from(vec![name(a), name(c)]));
        props.insert("zones".into(), Value::from(zones));
        props.insert("length_km".into(), round_measure(length_m / 1000.0, 4));
        props.insert("stroke".into(), Value::String(STROKE.into()));
        props.insert("stroke-width".into(), Value::from(3));
        out.push(Feature {
            id: format!("{a}|{c}"),
            geometry: Some(geo::Geometry::MultiLineString(b.lines)),
            properties: props,
        });
    }
    out
}
