//! `timeline.geojson`: one (Multi)Polygon feature per control period of a
//! zone, with `start` and `end` (ISO 8601; `null` while open) for QGIS's
//! temporal controller and web time sliders. A period ends at the instant
//! the next one starts (`end` is exclusive). Periods come from
//! [`History::periods`](crate::history::History::periods): a claim that
//! lapses gives the earlier row a second period. Gaps with no state have no
//! feature.
//!
//! The layer is the largest a zone project has (a feature per period, each
//! with its zone's polygon), so GeoJSON is rendered straight from the model
//! ([`render`](crate::layers::timeline::render)) rather than from [`Feature`](crate::layers::Feature)s; both ways take their
//! properties from one `PeriodFeature::entries`, as the control and changes
//! layers do from theirs.

use super::control::{force_key, force_name, state_color};
use super::{Feature, Props, Snapshot};
use crate::error::Result;
use crate::model::{ControlRow, Moment, Zone};
use crate::natural::natural_cmp;
use crate::write::geojson::{write_runs, Flavor, PropValue};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::io::Write;

/// Build the layer: every period of every zone, up to the last one known
/// (the history is not cut at D: a slider shows all of it).
///
/// # Errors
///
/// None in practice; the signature matches the other layers.
pub fn build(s: &Snapshot<'_>) -> Result<Vec<Feature>> {
    let out: Vec<Feature> = periods(s)
        .into_par_iter()
        .map(|f| Feature {
            geometry: Some(geo::Geometry::MultiPolygon(f.geometry.clone())),
            properties: f.entries().to_map(),
            id: f.id,
        })
        .collect();
    Ok(out)
}

/// Write the layer as GeoJSON into `out`, as [`build`] and the GeoJSON
/// writer would, without making a [`Feature`] per period: runs of periods
/// are rendered in parallel, and each zone's polygon once for every layer
/// that shows it ([`Snapshot::zone_geometry_json`]).
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
    let mut all = periods(s);
    all.par_sort_by(|a, b| natural_cmp(&a.id, &b.id));
    write_runs(out, &all, meta, precision, flavor, |fw, f, _| {
        let geometry = s.zone_geometry_json(f.zone_index, precision).unwrap_or_default();
        fw.write_rendered(&f.id, &geometry, f.entries().into_vec())
    })
}

/// A period of a zone as its feature shows it: what is computed once,
/// and the rest borrowed from the model.
#[derive(Debug)]
struct PeriodFeature<'a> {
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

impl PeriodFeature<'_> {
    /// The properties in output order: the layer's own, then the control
    /// row's extra columns (`url`, analyst fields …) as text with empty
    /// cells null, where a name already taken keeps its first place; `fill`
    /// last unless an extra column took its place.
    fn entries(&self) -> Props<'_> {
        let r = self.row;
        let mut props = Props::with_capacity(10 + r.extra.len());
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
        props
    }
}

/// Every period of every zone: zones in order, each zone's periods in order.
fn periods<'a>(s: &'a Snapshot<'_>) -> Vec<PeriodFeature<'a>> {
    let p = s.project;
    let per_zone: Vec<Vec<PeriodFeature<'a>>> = p
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
                        force: force_key(r, &p.forces),
                        force_name: force_name(r, &p.forces),
                        status: r.status.as_str(),
                        start: period.start.to_iso(),
                        end: period.end.map(Moment::to_iso),
                        fill: state_color(Some(r), &p.forces),
                        row: r,
                    }
                })
                .collect()
        })
        .collect();
    per_zone.into_iter().flatten().collect()
}
