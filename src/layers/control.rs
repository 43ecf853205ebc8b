//! `control.geojson`: one (Multi)Polygon feature per zone with its state as of D.

use super::{round_measure, text_or_null, Feature, Snapshot};
use crate::error::Result;
use crate::model::{ControlRow, Force, Status};
use crate::style;
use geo::GeodesicArea;
use rayon::prelude::*;
use serde_json::{Map, Value};

/// Fill opacity of a zone by status.
#[must_use]
pub fn fill_opacity(status: Option<Status>) -> f64 {
    match status {
        Some(Status::Held) => 0.6,
        Some(Status::Contested) => 0.5,
        Some(Status::Claimed) => 0.3,
        None => 0.2,
    }
}

/// The `force` value of a state: the force id, or sorted ids joined by `|`.
#[must_use]
pub fn force_key(row: &ControlRow, forces: &[Force]) -> String {
    row.forces
        .iter()
        .filter_map(|f| forces.get(*f))
        .map(|f| f.id.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

/// The `force_name` value: names joined by ` | `.
#[must_use]
pub fn force_name(row: &ControlRow, forces: &[Force]) -> String {
    row.forces
        .iter()
        .filter_map(|f| forces.get(*f))
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The fill colour of a state.
#[must_use]
pub fn state_color(row: Option<&ControlRow>, forces: &[Force]) -> String {
    match row {
        None => style::unknown_color().to_ascii_lowercase(),
        Some(r) if r.status == Status::Contested => style::contested_color().to_ascii_lowercase(),
        Some(r) => r
            .forces
            .first()
            .and_then(|f| forces.get(*f))
            .map_or_else(|| style::unknown_color().to_ascii_lowercase(), |f| f.color.clone()),
    }
}

/// Insert the extra columns of a control row (`url`, analyst fields …),
/// carried through as text; empty cells become null. Existing keys win.
pub fn carry_extra(props: &mut Map<String, Value>, row: Option<&ControlRow>) {
    for (k, v) in row.map(|r| r.extra.as_slice()).unwrap_or_default() {
        if !k.is_empty() && !props.contains_key(k) {
            let value = if v.is_empty() { Value::Null } else { Value::String(v.clone()) };
            props.insert(k.clone(), value);
        }
    }
}

/// Geodesic area of a geometry in km² (on the WGS84 ellipsoid): exteriors
/// minus holes.
///
/// Each ring is measured on its own and the smaller of the two areas it
/// splits the planet into is taken, so the result does not depend on the
/// winding of the input rings (a clockwise ring would otherwise enclose the
/// rest of the planet) nor flip for a ring that crosses itself.
#[must_use]
pub fn area_km2(g: &geo::MultiPolygon<f64>) -> f64 {
    let ring_m2 = |ring: &geo::LineString<f64>| {
        /// Surface of the WGS84 ellipsoid in m².
        const EARTH_M2: f64 = 510_065_621_724_088.5;
        let a = geo::Polygon::new(ring.clone(), Vec::new()).geodesic_area_signed().abs();
        a.min(EARTH_M2 - a)
    };
    let m2: f64 =
        g.0.iter()
            .map(|p| ring_m2(p.exterior()) - p.interiors().iter().map(ring_m2).sum::<f64>())
            .sum();
    m2.max(0.0) / 1e6
}

/// Build the layer.
///
/// # Errors
///
/// None in practice; the signature matches the other layers.
pub fn build(s: &Snapshot<'_>) -> Result<Vec<Feature>> {
    let p = s.project;
    // per-zone work (geodesic area above all) runs in parallel, order kept
    let out = p.zones.par_iter().enumerate().map(|(i, zone)| {
        let state = s.history.state_as_of(i, &s.as_of);
        let mut props = Map::with_capacity(16 + zone.properties.len());
        props.insert("zone".into(), Value::String(zone.id.clone()));
        props.insert("name".into(), Value::String(zone.name.clone()));
        props.insert(
            "force".into(),
            state.map_or(Value::Null, |r| Value::String(force_key(r, &p.forces))),
        );
        props.insert(
            "force_name".into(),
            state.map_or(Value::Null, |r| Value::String(force_name(r, &p.forces))),
        );
        props.insert(
            "status".into(),
            state.map_or(Value::Null, |r| Value::String(r.status.to_string())),
        );
        props
            .insert("since".into(), state.map_or(Value::Null, |r| Value::String(r.since.to_iso())));
        props.insert(
            "until".into(),
            state.and_then(|r| r.until.as_ref()).map_or(Value::Null, |u| Value::String(u.to_iso())),
        );
        props.insert("source".into(), text_or_null(state.and_then(|r| r.source.as_deref())));
        props.insert("note".into(), text_or_null(state.and_then(|r| r.note.as_deref())));
        carry_extra(&mut props, state);
        let geometry = s.zone_geometry(i).unwrap_or(&zone.geometry);
        props.insert("area_km2".into(), round_measure(s.zone_area_km2(i), 4));
        for (k, v) in &zone.properties {
            props.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let color = state_color(state, &p.forces);
        props.insert("fill".into(), Value::String(color));
        props
            .insert("fill-opacity".into(), round_measure(fill_opacity(state.map(|r| r.status)), 2));
        props.insert("stroke".into(), Value::String("#333333".into()));
        props.insert("stroke-width".into(), Value::from(1));
        Feature {
            id: zone.id.clone(),
            geometry: Some(geo::Geometry::MultiPolygon(geometry.clone())),
            properties: props,
        }
    });
    Ok(out.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    #[test]
    fn area_does_not_depend_on_winding() {
        let ccw = polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01), (x: 0.0, y: 0.0)];
        let cw = polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 0.01), (x: 0.01, y: 0.01), (x: 0.01, y: 0.0), (x: 0.0, y: 0.0)];
        let a = area_km2(&MultiPolygon(vec![ccw]));
        let b = area_km2(&MultiPolygon(vec![cw]));
        // 0.01° × 0.01° at the equator: 1113.19 m × 1105.74 m
        assert!((a - 1.230_89).abs() < 1e-3, "{a}");
        assert!((a - b).abs() < 1e-9);
    }
}
