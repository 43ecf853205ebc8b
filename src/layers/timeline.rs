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
//! properties from one `PeriodFeature::entries`.

use super::control::{force_key, force_name, state_color};
use super::{Feature, Snapshot};
use crate::error::Result;
use crate::model::{ControlRow, Moment, Zone};
use crate::write::geojson::{natural_cmp, write_fragments, FeatureWriter, Flavor, PropValue};
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
        .map(|f| {
            let properties: Map<String, Value> =
                f.entries().into_iter().map(|(k, v)| (k.to_string(), v.to_value())).collect();
            Feature {
                geometry: Some(geo::Geometry::MultiPolygon(f.geometry.clone())),
                properties,
                id: f.id,
            }
        })
        .collect();
    Ok(out)
}

/// Write the layer as GeoJSON into `out`, as [`build`] and the GeoJSON
/// writer would, without making a [`Feature`] per period: runs of periods
/// are rendered in parallel, and a zone's polygon once per run.
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
    let fragments = all
        .par_chunks(RUN)
        .map(|run| {
            let mut fw = FeatureWriter::fragment(Vec::new(), precision, flavor);
            let mut previous: Option<usize> = None;
            for f in run {
                if previous == Some(f.zone_index) {
                    fw.write_with_last_geometry(&f.id, f.entries())?;
                } else {
                    let geometry = geo::Geometry::MultiPolygon(f.geometry.clone());
                    fw.write_parts(&f.id, Some(&geometry), f.entries())?;
                }
                previous = Some(f.zone_index);
            }
            Ok(fw.into_fragment())
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    Ok((write_fragments(out, &fragments, meta, precision, flavor)?, all.len()))
}

/// Periods per piece rendered on one thread.
const RUN: usize = 2048;

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
    status: String,
    start: String,
    end: Option<String>,
    fill: String,
}

impl PeriodFeature<'_> {
    /// The properties in output order: the layer's own, then the control
    /// row's extra columns (`url`, analyst fields …) as text with empty
    /// cells null, where a name already taken keeps its first place; `fill`
    /// last unless an extra column took its place.
    fn entries(&self) -> Vec<(&str, PropValue<'_>)> {
        fn text(s: Option<&str>) -> PropValue<'_> {
            s.map_or(PropValue::Null, PropValue::Str)
        }
        let r = self.row;
        let mut props: Vec<(&str, PropValue<'_>)> = vec![
            ("zone", PropValue::Str(&self.zone.id)),
            ("name", PropValue::Str(&self.zone.name)),
            ("force", PropValue::Str(&self.force)),
            ("force_name", PropValue::Str(&self.force_name)),
            ("status", PropValue::Str(&self.status)),
            ("start", PropValue::Str(&self.start)),
            ("end", text(self.end.as_deref())),
            ("source", text(r.source.as_deref())),
            ("note", text(r.note.as_deref())),
        ];
        for (k, v) in &r.extra {
            if !k.is_empty() && !props.iter().any(|(name, _)| name == k) {
                props.push((k, if v.is_empty() { PropValue::Null } else { PropValue::Str(v) }));
            }
        }
        match props.iter_mut().find(|(name, _)| *name == "fill") {
            Some(taken) => taken.1 = PropValue::Str(&self.fill),
            None => props.push(("fill", PropValue::Str(&self.fill))),
        }
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
                        status: r.status.to_string(),
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
