//! `timeline.geojson`: one (Multi)Polygon feature per control period of a
//! zone, with `start` and `end` (ISO 8601; `null` while open) for QGIS's
//! temporal controller and web time sliders. A period ends at the instant
//! the next one starts (`end` is exclusive). Periods come from
//! [`History::periods`](crate::history::History::periods): a claim that
//! lapses gives the earlier row a second period. Gaps with no state have no
//! feature.

use super::control::{carry_extra, force_key, force_name, state_color};
use super::{text_or_null, Feature, Snapshot};
use crate::error::Result;
use crate::model::Moment;
use rayon::prelude::*;
use serde_json::{Map, Value};

/// Build the layer: every period of every zone, up to the last one known
/// (the history is not cut at D: a slider shows all of it).
///
/// # Errors
///
/// None in practice; the signature matches the other layers.
pub fn build(s: &Snapshot<'_>) -> Result<Vec<Feature>> {
    let p = s.project;
    // zones in parallel, each zone's periods in order, zones in order
    let per_zone: Vec<Vec<Feature>> = p
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
                    let mut props = Map::with_capacity(16);
                    props.insert("zone".into(), Value::String(zone.id.clone()));
                    props.insert("name".into(), Value::String(zone.name.clone()));
                    props.insert("force".into(), Value::String(force_key(r, &p.forces)));
                    props.insert("force_name".into(), Value::String(force_name(r, &p.forces)));
                    props.insert("status".into(), Value::String(r.status.to_string()));
                    props.insert("start".into(), Value::String(period.start.to_iso()));
                    props.insert(
                        "end".into(),
                        period.end.map_or(Value::Null, |e| e.to_iso().into()),
                    );
                    props.insert("source".into(), text_or_null(r.source.as_deref()));
                    props.insert("note".into(), text_or_null(r.note.as_deref()));
                    carry_extra(&mut props, Some(r));
                    props.insert("fill".into(), Value::String(state_color(Some(r), &p.forces)));
                    Feature {
                        id: format!("{}/{}", zone.id, Moment::to_iso(period.start)),
                        geometry: Some(geo::Geometry::MultiPolygon(geometry.clone())),
                        properties: props,
                    }
                })
                .collect()
        })
        .collect();
    Ok(per_zone.into_iter().flatten().collect())
}
