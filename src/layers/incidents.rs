//! `incidents.geojson`: one Point feature per incident dated in [S, D], with
//! the zone it happened in and who held that zone on the incident's date.

use super::{Feature, Snapshot};
use crate::error::Result;
use crate::layers::control::force_key;
use crate::model::names::normalize;
use crate::model::LocationPrecision;
use crate::spatial::ZoneIndex;
use serde_json::Value;

/// The marker colour of an incident type (simplestyle `marker-color`).
#[must_use]
pub fn type_color(kind: Option<&str>) -> &'static str {
    let k = kind.map(normalize).unwrap_or_default();
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    if has(&["clash", "battle", "fight", "attack", "armed"]) {
        "#c0392b"
    } else if has(&["shell", "explosi", "remote", "strike", "bomb", "drone", "artillery", "mortar"])
    {
        "#e67e22"
    } else if has(&["arrest", "detain", "detention", "kidnap", "abduct"]) {
        "#8e44ad"
    } else if has(&["protest", "riot", "demonstrat"]) {
        "#2980b9"
    } else if has(&[
        "ceasefire",
        "truce",
        "agreement",
        "negotiat",
        "patrol",
        "monitor",
        "strategic",
    ]) {
        "#27ae60"
    } else {
        "#7f7f7f"
    }
}

/// Build the layer.
///
/// # Errors
///
/// None in practice; the signature matches the other layers.
pub fn build(s: &Snapshot<'_>) -> Result<Vec<Feature>> {
    let p = s.project;
    let index = ZoneIndex::new(&p.zones);
    let mut out = Vec::new();
    for inc in p.incidents.iter().filter(|i| s.in_window(&i.date)) {
        let zone = match inc.precision {
            LocationPrecision::Approximate => None,
            LocationPrecision::Zone => inc.place_zone,
            LocationPrecision::Point => index.locate(inc.point),
        };
        let holder = zone.and_then(|z| s.history.state_at(z, inc.date.end()));
        let mut props = inc.properties.clone();
        props.insert("date".into(), Value::String(inc.date.to_iso()));
        props.insert(
            "zone".into(),
            zone.and_then(|z| p.zones.get(z)).map_or(Value::Null, |z| Value::String(z.id.clone())),
        );
        props.insert(
            "zone_force".into(),
            holder.map_or(Value::Null, |r| Value::String(force_key(r, &p.forces))),
        );
        props.insert("location_precision".into(), Value::String(inc.precision.as_str().into()));
        let kind = props.get("type").or_else(|| props.get("event_type")).and_then(Value::as_str);
        props.insert("marker-color".into(), Value::String(type_color(kind).into()));
        out.push(Feature {
            id: inc.id.clone(),
            geometry: Some(geo::Geometry::Point(inc.point)),
            properties: props,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_by_type_keywords() {
        assert_eq!(type_color(Some("Clash")), "#c0392b");
        assert_eq!(type_color(Some("Battles")), "#c0392b");
        assert_eq!(type_color(Some("Explosions/Remote violence")), "#e67e22");
        assert_eq!(type_color(Some("ceasefire")), "#27ae60");
        assert_eq!(type_color(None), "#7f7f7f");
    }
}
