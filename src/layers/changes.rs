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

use super::Snapshot;
use crate::error::{Error, Result};
use crate::feature::{measure, FeatureRef, PropValue, Properties, Props, Row, Shape};
use crate::history::ZoneChange;
use crate::model::{ControlRow, Zone};
use crate::natural::natural_cmp;
use crate::style::{force_key, state_color};
use geo::MultiPolygon;
use rayon::prelude::*;

/// The changes of every zone between S and D, sorted by date, then zone id.
#[must_use]
pub fn zone_changes<'a>(s: &Snapshot<'a>) -> Vec<ZoneChange<'a>> {
    let mut out: Vec<ZoneChange<'a>> = (0..s.zones.len())
        .filter_map(|z| s.history.change_between(z, s.since.as_ref(), &s.as_of))
        .collect();
    out.sort_by(|a, b| {
        a.date.cmp(b.date).then_with(|| {
            let id = |c: &ZoneChange<'_>| s.zones.get(c.zone).map(|z| z.id.as_str());
            id(a).cmp(&id(b))
        })
    });
    out
}

/// Build the layer: a feature per changed zone, in id order.
///
/// # Errors
///
/// An internal error if a change names a zone the project does not have.
pub(crate) fn build<'a>(s: &'a Snapshot<'_>) -> Result<Vec<ChangeFeature<'a>>> {
    let mut features = zone_changes(s)
        .into_par_iter()
        .map(|c| ChangeFeature::new(s, c))
        .collect::<Result<Vec<_>>>()?;
    features.par_sort_by(|a, b| natural_cmp(&a.zone.id, &b.zone.id));
    Ok(features)
}

/// A change as its feature shows it.
#[derive(Debug)]
pub(crate) struct ChangeFeature<'a> {
    change: ZoneChange<'a>,
    zone: &'a Zone,
    /// The zone as drawn.
    geometry: &'a MultiPolygon<f64>,
    area_km2: f64,
    from_force: Option<String>,
    to_force: Option<String>,
    date: String,
    fill: String,
}

impl<'a> ChangeFeature<'a> {
    fn new(s: &'a Snapshot<'_>, c: ZoneChange<'a>) -> Result<Self> {
        let zone = s
            .zones
            .get(c.zone)
            .ok_or_else(|| Error::internal(format!("change of unknown zone {}", c.zone)))?;
        let force = |r: Option<&ControlRow>| r.map(|r| force_key(r, s.forces));
        Ok(ChangeFeature {
            geometry: s.zone_geometry(c.zone).unwrap_or(&zone.geometry),
            area_km2: s.zone_area_km2(c.zone),
            zone,
            from_force: force(c.from),
            to_force: force(c.to),
            date: c.date.to_iso(),
            fill: state_color(c.to, s.forces),
            change: c,
        })
    }
}

impl Row for ChangeFeature<'_> {
    /// The properties in output order.
    fn feature<'s>(&'s self, properties: Properties<'s>) -> FeatureRef<'s> {
        let c = &self.change;
        let mut props = Props::new(properties);
        props.push("zone", PropValue::Str(&self.zone.id));
        props.push("name", PropValue::Str(&self.zone.name));
        props.push("from_force", self.from_force.as_deref().into());
        props.push("from_status", c.from.map(|r| r.status.as_str()).into());
        props.push("to_force", self.to_force.as_deref().into());
        props.push("to_status", c.to.map(|r| r.status.as_str()).into());
        props.push("date", PropValue::Str(&self.date));
        props.push("source", c.to.and_then(|r| r.source.as_deref()).into());
        props.push("area_km2", measure(self.area_km2, 4));
        props.push("fill", PropValue::Str(&self.fill));
        FeatureRef {
            id: &self.zone.id,
            shape: Shape::Zone(c.zone, self.geometry),
            properties: props.into_vec(),
        }
    }
}
