//! `changes.geojson`: one (Multi)Polygon feature per zone whose state at D
//! differs from its state at S, with both states, the date of the change and
//! its source. The comparison itself is [`History::change_between`]; this
//! module only turns it into features.
//!
//! With `--since all` there is no S: every zone with a state at D counts as
//! changed from no state (`from_force` and `from_status` null), dated when its
//! current state began.
//!
//! [`History::change_between`]: crate::history::History::change_between

use super::control::{force_key, state_color};
use super::{round_measure, text_or_null, Feature, Snapshot};
use crate::error::{Error, Result};
use crate::history::ZoneChange;
use crate::model::ControlRow;
use crate::project::Project;
use rayon::prelude::*;
use serde_json::{Map, Value};

/// The changes of every zone between S and D, sorted by date, then zone id.
#[must_use]
pub fn zone_changes<'a>(s: &Snapshot<'a>) -> Vec<ZoneChange<'a>> {
    let mut out: Vec<ZoneChange<'a>> = (0..s.project.zones.len())
        .filter_map(|z| s.history.change_between(z, s.since.as_ref(), &s.as_of))
        .collect();
    out.sort_by(|a, b| {
        a.date.cmp(b.date).then_with(|| {
            let id = |c: &ZoneChange<'_>| s.project.zones.get(c.zone).map(|z| z.id.as_str());
            id(a).cmp(&id(b))
        })
    });
    out
}

/// Build the layer.
///
/// # Errors
///
/// An internal error if a change names a zone the project does not have.
pub fn build(s: &Snapshot<'_>) -> Result<Vec<Feature>> {
    zone_changes(s).par_iter().map(|c| feature(s, c)).collect()
}

fn feature(s: &Snapshot<'_>, c: &ZoneChange<'_>) -> Result<Feature> {
    let p: &Project = s.project;
    let zone = p
        .zones
        .get(c.zone)
        .ok_or_else(|| Error::internal(format!("change of unknown zone {}", c.zone)))?;
    let force = |r: Option<&ControlRow>| r.map_or(Value::Null, |r| force_key(r, &p.forces).into());
    let status = |r: Option<&ControlRow>| r.map_or(Value::Null, |r| r.status.as_str().into());
    let mut props = Map::with_capacity(12);
    props.insert("zone".into(), Value::String(zone.id.clone()));
    props.insert("name".into(), Value::String(zone.name.clone()));
    props.insert("from_force".into(), force(c.from));
    props.insert("from_status".into(), status(c.from));
    props.insert("to_force".into(), force(c.to));
    props.insert("to_status".into(), status(c.to));
    props.insert("date".into(), Value::String(c.date.to_iso()));
    props.insert("source".into(), text_or_null(c.to.and_then(|r| r.source.as_deref())));
    let geometry = s.zone_geometry(c.zone).unwrap_or(&zone.geometry);
    props.insert("area_km2".into(), round_measure(s.zone_area_km2(c.zone), 4));
    props.insert("fill".into(), Value::String(state_color(c.to, &p.forces)));
    Ok(Feature {
        id: zone.id.clone(),
        geometry: Some(geo::Geometry::MultiPolygon(geometry.clone())),
        properties: props,
    })
}
