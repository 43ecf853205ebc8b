//! `control.geojson`: one (Multi)Polygon feature per zone with its state as of D.

use super::{measure, Feature, Props, Snapshot};
use crate::error::Result;
use crate::model::{ControlRow, Force, Moment, Status, Zone};
use crate::natural::natural_cmp;
use crate::style;
use crate::write::geojson::{write_runs, Flavor, PropValue};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::io::Write;

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

/// Build the layer.
///
/// # Errors
///
/// None in practice; the signature matches the other layers.
pub fn build(s: &Snapshot<'_>) -> Result<Vec<Feature>> {
    // per-zone work runs in parallel, order kept
    let out = (0..s.project.zones.len()).into_par_iter().filter_map(|i| {
        let f = ZoneFeature::new(s, i)?;
        let geometry = s.zone_geometry(i).unwrap_or(&f.zone.geometry);
        Some(Feature {
            id: f.zone.id.clone(),
            geometry: Some(geo::Geometry::MultiPolygon(geometry.clone())),
            properties: f.entries(s).to_map(),
        })
    });
    Ok(out.collect())
}

/// Write the layer as GeoJSON into `out`, as [`build`] and the GeoJSON
/// writer would, without making a [`Feature`] per zone: zones in id
/// order, rendered in parallel runs, each zone's polygon rendered once for
/// every layer that shows it ([`Snapshot::zone_geometry_json`]).
///
/// # Errors
///
/// I/O errors of `out`.
pub fn render<W: Write>(
    s: &Snapshot<'_>,
    meta: &Map<String, Value>,
    precision: u8,
    flavor: Flavor,
    out: W,
) -> std::io::Result<(W, usize)> {
    let zones = &s.project.zones;
    let mut order: Vec<usize> = (0..zones.len()).collect();
    order.par_sort_by(|a, b| {
        let id = |i: &usize| zones.get(*i).map_or("", |z| z.id.as_str());
        natural_cmp(id(a), id(b))
    });
    let features: Vec<ZoneFeature<'_>> =
        order.into_par_iter().filter_map(|i| ZoneFeature::new(s, i)).collect();
    write_runs(out, &features, meta, precision, flavor, |fw, f, _| {
        let geometry = s.zone_geometry_json(f.index, precision).unwrap_or_default();
        fw.write_rendered(&f.zone.id, &geometry, f.entries(s).into_vec())
    })
}

/// A zone as its control feature shows it: what is computed once, and the
/// rest borrowed from the model. The layer's features and its GeoJSON
/// rendered from the model both take their properties from
/// [`ZoneFeature::entries`].
#[derive(Debug)]
struct ZoneFeature<'a> {
    index: usize,
    zone: &'a Zone,
    /// The control row in effect at D.
    state: Option<&'a ControlRow>,
    force: Option<String>,
    force_name: Option<String>,
    since: Option<String>,
    until: Option<String>,
    fill: String,
}

impl<'a> ZoneFeature<'a> {
    fn new(s: &Snapshot<'a>, index: usize) -> Option<Self> {
        let p = s.project;
        let zone = p.zones.get(index)?;
        let state = s.history.state_as_of(index, &s.as_of);
        Some(ZoneFeature {
            index,
            zone,
            state,
            force: state.map(|r| force_key(r, &p.forces)),
            force_name: state.map(|r| force_name(r, &p.forces)),
            since: state.map(|r| r.since.to_iso()),
            until: state.and_then(|r| r.until.as_ref()).map(Moment::to_iso),
            fill: state_color(state, &p.forces),
        })
    }

    /// The properties in output order: the state's, the control row's
    /// extra columns (text; empty cells null) where a name is not taken,
    /// the area, the zone's own properties where a name is not taken, then
    /// the style (which replaces any value of the same name in its place).
    fn entries(&self, s: &Snapshot<'_>) -> Props<'_> {
        let (zone, r) = (self.zone, self.state);
        let mut props = Props::with_capacity(16 + zone.properties.len());
        props.push("zone", PropValue::Str(&zone.id));
        props.push("name", PropValue::Str(&zone.name));
        props.push("force", self.force.as_deref().into());
        props.push("force_name", self.force_name.as_deref().into());
        props.push("status", r.map(|r| r.status.as_str()).into());
        props.push("since", self.since.as_deref().into());
        props.push("until", self.until.as_deref().into());
        props.push("source", r.and_then(|r| r.source.as_deref()).into());
        props.push("note", r.and_then(|r| r.note.as_deref()).into());
        props.or_insert_extra(r.map(|r| r.extra.as_slice()).unwrap_or_default());
        props.insert("area_km2", measure(s.zone_area_km2(self.index), 4));
        for (k, v) in &zone.properties {
            props.or_insert(k, PropValue::Json(v));
        }
        props.insert("fill", PropValue::Str(&self.fill));
        props.insert("fill-opacity", measure(fill_opacity(r.map(|r| r.status)), 2));
        props.insert("stroke", PropValue::Str("#333333"));
        props.insert("stroke-width", PropValue::Int(1));
        props
    }
}
