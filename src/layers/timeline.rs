//! `timeline.geojson`: one (Multi)Polygon feature per control period of a
//! zone, with `start` and `end` (ISO 8601; `null` while open) for QGIS's
//! temporal controller and web time sliders. A period ends at the instant
//! the next one starts (`end` is exclusive). Periods come from
//! [`History::periods`](crate::history::History::periods): a claim that
//! lapses gives the earlier row a second period. Gaps with no state have no
//! feature.
//!
//! The layer is the largest a zone project has (a feature per period, each
//! with its zone's polygon): features borrow the zone's polygon, which a
//! writer renders once per zone.

use super::Snapshot;
use crate::feature::{FeatureRef, PropValue, Properties, Props, Row, Shape};
use crate::model::{ControlRow, Moment, Zone};
use crate::natural::natural_cmp;
use crate::style::{force_key, force_name, state_color};
use rayon::prelude::*;

/// Build the layer: every period of every zone, up to the last one known
/// (the history is not cut at D: a slider shows all of it), in id order.
#[must_use]
pub(crate) fn build<'a>(s: &'a Snapshot<'_>) -> Vec<PeriodFeature<'a>> {
    let mut all = periods(s);
    all.par_sort_by(|a, b| natural_cmp(&a.id, &b.id));
    all
}

/// A period of a zone as its feature shows it: what is computed once,
/// and the rest borrowed from the model.
#[derive(Debug)]
pub(crate) struct PeriodFeature<'a> {
    /// `zone/start`.
    id: String,
    zone_index: usize,
    zone: &'a Zone,
    /// The zone as drawn.
    geometry: &'a geo::MultiPolygon<f64>,
    /// The control row in effect.
    row: &'a ControlRow,
    force: String,
    force_name: String,
    status: &'static str,
    start: String,
    end: Option<String>,
    fill: String,
}

impl Row for PeriodFeature<'_> {
    /// The properties in output order: the layer's own, then the control
    /// row's extra columns (`url`, analyst fields …) as text with empty
    /// cells null, where a name already taken keeps its first place; `fill`
    /// last unless an extra column took its place.
    fn feature<'s>(&'s self, properties: Properties<'s>) -> FeatureRef<'s> {
        let r = self.row;
        let mut props = Props::new(properties);
        props.push("zone", PropValue::Str(&self.zone.id));
        props.push("name", PropValue::Str(&self.zone.name));
        props.push("force", PropValue::Str(&self.force));
        props.push("force_name", PropValue::Str(&self.force_name));
        props.push("status", PropValue::Str(self.status));
        props.push("start", PropValue::Str(&self.start));
        props.push("end", self.end.as_deref().into());
        props.push("source", r.source.as_deref().into());
        props.push("note", r.note.as_deref().into());
        props.or_insert_extra(&r.extra);
        props.insert("fill", PropValue::Str(&self.fill));
        FeatureRef {
            id: &self.id,
            shape: Shape::Zone(self.zone_index, self.geometry),
            properties: props.into_vec(),
        }
    }
}

/// Every period of every zone: zones in order, each zone's periods in order.
fn periods<'a>(s: &'a Snapshot<'_>) -> Vec<PeriodFeature<'a>> {
    let per_zone: Vec<Vec<PeriodFeature<'a>>> = s
        .zones
        .par_iter()
        .enumerate()
        .map(|(i, zone)| {
            let geometry = s.zone_geometry(i).unwrap_or(&zone.geometry);
            s.history
                .periods(i)
                .into_iter()
                .map(|period| {
                    let r = period.row;
                    PeriodFeature {
                        id: format!("{}/{}", zone.id, Moment::to_iso(period.start)),
                        zone_index: i,
                        zone,
                        geometry,
                        force: force_key(r, s.forces),
                        force_name: force_name(r, s.forces),
                        status: r.status.as_str(),
                        start: period.start.to_iso(),
                        end: period.end.map(Moment::to_iso),
                        fill: state_color(Some(r), s.forces),
                        row: r,
                    }
                })
                .collect()
        })
        .collect();
    per_zone.into_iter().flatten().collect()
}
