//! `control.geojson`: one (Multi)Polygon feature per zone with its state as of D.

use super::Snapshot;
use crate::feature::{measure, FeatureRef, PropValue, Properties, Props, Row, Shape};
use crate::model::{ControlRow, Moment, Zone};
use crate::natural::natural_cmp;
use crate::style::{fill_opacity, force_key, force_name, state_color};
use geo::MultiPolygon;
use rayon::prelude::*;

/// Build the layer: a feature per zone, in id order.
#[must_use]
pub(crate) fn build<'a>(s: &'a Snapshot<'_>) -> Vec<ZoneFeature<'a>> {
    let zones = s.zones;
    let mut order: Vec<usize> = (0..zones.len()).collect();
    order.par_sort_by(|a, b| {
        let id = |i: &usize| zones.get(*i).map_or("", |z| z.id.as_str());
        natural_cmp(id(a), id(b))
    });
    order.into_par_iter().filter_map(|i| ZoneFeature::new(s, i)).collect()
}

/// A zone as its control feature shows it: what is computed once, and the
/// rest borrowed from the model.
#[derive(Debug)]
pub(crate) struct ZoneFeature<'a> {
    index: usize,
    zone: &'a Zone,
    /// The zone as drawn.
    geometry: &'a MultiPolygon<f64>,
    /// The control row in effect at D.
    state: Option<&'a ControlRow>,
    force: Option<String>,
    force_name: Option<String>,
    since: Option<String>,
    until: Option<String>,
    area_km2: f64,
    fill: String,
}

impl<'a> ZoneFeature<'a> {
    fn new(s: &'a Snapshot<'_>, index: usize) -> Option<Self> {
        let zone = s.zones.get(index)?;
        let state = s.history.state_as_of(index, &s.as_of);
        Some(ZoneFeature {
            index,
            zone,
            geometry: s.zone_geometry(index).unwrap_or(&zone.geometry),
            state,
            force: state.map(|r| force_key(r, s.forces)),
            force_name: state.map(|r| force_name(r, s.forces)),
            since: state.map(|r| r.since.to_iso()),
            until: state.and_then(|r| r.until.as_ref()).map(Moment::to_iso),
            area_km2: s.zone_area_km2(index),
            fill: state_color(state, s.forces),
        })
    }
}

impl Row for ZoneFeature<'_> {
    /// The properties in output order: the state's, the control row's
    /// extra columns (text; empty cells null) where a name is not taken,
    /// the area, the zone's own properties where a name is not taken, then
    /// the style (which replaces any value of the same name in its place).
    fn feature<'s>(&'s self, properties: Properties<'s>) -> FeatureRef<'s> {
        let (zone, r) = (self.zone, self.state);
        let mut props = Props::new(properties);
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
        props.insert("area_km2", measure(self.area_km2, 4));
        for (k, v) in &zone.properties {
            props.or_insert(k, PropValue::Json(v));
        }
        props.insert("fill", PropValue::Str(&self.fill));
        props.insert("fill-opacity", measure(fill_opacity(r.map(|r| r.status)), 2));
        props.insert("stroke", PropValue::Str("#333333"));
        props.insert("stroke-width", PropValue::Int(1));
        FeatureRef {
            id: &zone.id,
            shape: Shape::Zone(self.index, self.geometry),
            properties: props.into_vec(),
        }
    }
}
