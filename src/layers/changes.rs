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
use super::{measure, Feature, Props, Snapshot};
use crate::error::{Error, Result};
use crate::history::ZoneChange;
use crate::model::{ControlRow, Zone};
use crate::natural::natural_cmp;
use crate::project::Project;
use crate::write::geojson::{write_runs, Flavor, PropValue};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::io::Write;

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
    zone_changes(s)
        .par_iter()
        .map(|c| {
            let f = ChangeFeature::new(s, c)?;
            let geometry = s.zone_geometry(c.zone).unwrap_or(&f.zone.geometry);
            Ok(Feature {
                id: f.zone.id.clone(),
                geometry: Some(geo::Geometry::MultiPolygon(geometry.clone())),
                properties: f.entries(s).to_map(),
            })
        })
        .collect()
}

/// Write the layer as GeoJSON into `out`, as [`build`] and the GeoJSON
/// writer would, without making a [`Feature`] per change: in zone id
/// order, each zone's polygon as rendered once for every layer
/// ([`Snapshot::zone_geometry_json`]).
///
/// # Errors
///
/// I/O errors of `out` (and an error if a change names a zone the project
/// does not have).
pub fn render<W: Write>(
    s: &Snapshot<'_>,
    meta: &Map<String, Value>,
    precision: u8,
    flavor: Flavor,
    out: W,
) -> std::io::Result<(W, usize)> {
    let changes = zone_changes(s);
    let mut features = changes
        .par_iter()
        .map(|c| ChangeFeature::new(s, c))
        .collect::<Result<Vec<_>>>()
        .map_err(std::io::Error::other)?;
    features.par_sort_by(|a, b| natural_cmp(&a.zone.id, &b.zone.id));
    write_runs(out, &features, meta, precision, flavor, |fw, f, _| {
        let geometry = s.zone_geometry_json(f.change.zone, precision).unwrap_or_default();
        fw.write_rendered(&f.zone.id, &geometry, f.entries(s).into_vec())
    })
}

/// A change as its feature shows it. The layer's features and its GeoJSON
/// rendered from the model both take their properties from
/// [`ChangeFeature::entries`].
#[derive(Debug)]
struct ChangeFeature<'c, 'a> {
    change: &'c ZoneChange<'a>,
    zone: &'a Zone,
    from_force: Option<String>,
    to_force: Option<String>,
    date: String,
    fill: String,
}

impl<'c, 'a> ChangeFeature<'c, 'a> {
    fn new(s: &Snapshot<'a>, c: &'c ZoneChange<'a>) -> Result<Self> {
        let p: &'a Project = s.project;
        let zone = p
            .zones
            .get(c.zone)
            .ok_or_else(|| Error::internal(format!("change of unknown zone {}", c.zone)))?;
        let force = |r: Option<&ControlRow>| r.map(|r| force_key(r, &p.forces));
        Ok(ChangeFeature {
            change: c,
            zone,
            from_force: force(c.from),
            to_force: force(c.to),
            date: c.date.to_iso(),
            fill: state_color(c.to, &p.forces),
        })
    }

    /// The properties in output order.
    fn entries<'s>(&'s self, s: &Snapshot<'_>) -> Props<'s> {
        let c = self.change;
        let mut props = Props::with_capacity(12);
        props.push("zone", PropValue::Str(&self.zone.id));
        props.push("name", PropValue::Str(&self.zone.name));
        props.push("from_force", self.from_force.as_deref().into());
        props.push("from_status", c.from.map(|r| r.status.as_str()).into());
        props.push("to_force", self.to_force.as_deref().into());
        props.push("to_status", c.to.map(|r| r.status.as_str()).into());
        props.push("date", PropValue::Str(&self.date));
        props.push("source", c.to.and_then(|r| r.source.as_deref()).into());
        props.push("area_km2", measure(s.zone_area_km2(c.zone), 4));
        props.push("fill", PropValue::Str(&self.fill));
        props
    }
}
