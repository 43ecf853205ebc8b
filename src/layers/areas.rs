//! `areas.geojson`: held zones dissolved per force, plus one `contested`
//! feature for all contested zones. Dissolving runs on the shared-arc
//! topology, so neighbouring zones leave no slivers.

use super::{Feature, Snapshot};
use crate::area::area_km2;
use crate::feature::round_measure;
use crate::model::Status;
use crate::style;
use crate::style::fill_opacity;
use serde_json::{Map, Value};

/// The id of the feature that gathers contested zones.
pub const CONTESTED: &str = "contested";

/// Build the layer.
///
/// # Errors
///
/// None in practice; the signature matches the other layers.
pub(crate) fn build(s: &Snapshot<'_>) -> Vec<Feature> {
    let groups: Vec<Option<String>> = s
        .states()
        .iter()
        .map(|state| match state {
            Some(r) if r.status == Status::Held => {
                r.forces.first().and_then(|f| s.forces.get(*f)).map(|f| f.id.clone())
            }
            Some(r) if r.status == Status::Contested => Some(CONTESTED.to_string()),
            _ => None,
        })
        .collect();
    let dissolved = s.topology().dissolve(|i| groups.get(i).and_then(|g| g.as_deref()));
    let mut out = Vec::with_capacity(dissolved.len());
    for (group, geometry) in dissolved {
        let mut zones: Vec<&str> = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.as_deref() == Some(group.as_str()))
            .filter_map(|(i, _)| s.zones.get(i).map(|z| z.id.as_str()))
            .collect();
        zones.sort_unstable();
        let force = s.forces.iter().find(|f| f.id == group);
        let (name, fill, status) = match force {
            Some(f) => (f.name.clone(), f.color.clone(), Status::Held),
            None => (
                "Contested".to_string(),
                style::contested_color().to_ascii_lowercase(),
                Status::Contested,
            ),
        };
        let mut props = Map::new();
        props.insert("force".into(), Value::String(group.clone()));
        props.insert("force_name".into(), Value::String(name));
        props.insert("zones".into(), Value::from(zones));
        props.insert("area_km2".into(), round_measure(area_km2(&geometry), 4));
        props.insert("fill".into(), Value::String(fill));
        props.insert("fill-opacity".into(), round_measure(fill_opacity(Some(status)), 2));
        props.insert("stroke".into(), Value::String("#333333".into()));
        props.insert("stroke-width".into(), Value::from(1));
        out.push(Feature {
            id: group,
            geometry: Some(geo::Geometry::MultiPolygon(geometry)),
            properties: props,
        });
    }
    out
}
