//! Reading zones from GeoJSON.
//!
//! Each Polygon or `MultiPolygon` feature becomes a [`Zone`] keyed by the
//! `zone_key` property, else the `id` property, else the feature id. Problems
//! are reported per feature index; a bad feature is skipped, never guessed.
//! Reprojection of the legacy `crs` member is delegated to `crate::crs`.

use crate::crs::{Crs, Transform};
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::model::Zone;
use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Options for reading zones.
#[derive(Debug, Clone, Default)]
pub struct ZoneOptions {
    /// Property that holds the zone key, instead of `id`.
    pub zone_key: Option<String>,
    /// CRS of the coordinates when the file does not say (`--zones-crs`).
    pub crs: Option<Crs>,
}

/// Read zones from GeoJSON text. `path` is used in messages only.
pub fn read_geojson(
    path: &Path,
    text: &str,
    opts: &ZoneOptions,
    diags: &mut Diagnostics,
) -> Vec<Zone> {
    let Some((features, transform)) = read_root(path, text, opts, diags) else {
        return Vec::new();
    };
    let mut zones = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, feature) in features.iter().enumerate() {
        let at = || Location::Feature { path: path.to_path_buf(), index };
        let props =
            feature.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let Some(key) = zone_key(feature, &props, opts.zone_key.as_deref()) else {
            diags.push(
                Diagnostic::error(at(), "zone has no key").with_hint(match &opts.zone_key {
                    Some(k) => format!("add a \"{k}\" property"),
                    None => {
                        "add an \"id\" property, a feature id, or set zone_key in frontline.toml"
                            .into()
                    }
                }),
            );
            continue;
        };
        if let Some(first) = seen.get(&key) {
            diags.push(
                Diagnostic::error(at(), "duplicate zone id")
                    .with_value(&key)
                    .with_hint(format!("feature {first} has the same id; zone ids must be unique")),
            );
            continue;
        }
        let Some(geometry) = feature.get("geometry").filter(|g| !g.is_null()) else {
            diags.push(Diagnostic::error(at(), "zone has no geometry").with_value(&key));
            continue;
        };
        let Some(polygon) = zone_geometry(geometry, transform.as_ref(), &at, diags) else {
            continue;
        };
        seen.insert(key.clone(), index);
        let name = props.get("name").and_then(value_text).unwrap_or_else(|| key.clone());
        let aliases = props.get("aliases").map(aliases_of).unwrap_or_default();
        let mut properties = props;
        for k in ["id", "name", "aliases"] {
            properties.remove(k);
        }
        if let Some(k) = &opts.zone_key {
            properties.remove(k);
        }
        zones.push(Zone {
            id: key,
            name,
            aliases,
            geometry: polygon,
            properties,
            feature_index: index,
        });
    }
    if features.is_empty() {
        diags.push(
            Diagnostic::error(Location::File { path: path.to_path_buf() }, "no zones in file")
                .with_hint("add Polygon features"),
        );
    }
    zones
}

/// Parse the document: its features and the transform its CRS needs.
fn read_root(
    path: &Path,
    text: &str,
    opts: &ZoneOptions,
    diags: &mut Diagnostics,
) -> Option<(Vec<Value>, Option<Transform>)> {
    let file = || Location::File { path: path.to_path_buf() };
    let mut root: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(v) => v,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    Location::Cell {
                        path: path.to_path_buf(),
                        line: e.line() as u64,
                        column: e.column() as u64,
                    },
                    "invalid JSON",
                )
                .with_value(e.to_string())
                .with_hint("the file may be truncated; re-export it from your GIS"),
            );
            return None;
        }
    };
    let features: Vec<Value> = match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            // taken, not cloned: a 10k-zone file is a large tree
            if let Some(Value::Array(f)) = root.get_mut("features").map(Value::take) {
                f
            } else {
                diags
                    .push(Diagnostic::error(file(), "FeatureCollection has no \"features\" array"));
                return None;
            }
        }
        Some("Feature") => vec![root.clone()],
        other => {
            diags.push(
                Diagnostic::error(file(), "expected a GeoJSON FeatureCollection")
                    .with_value(other.unwrap_or("(no type)"))
                    .with_hint("zones must be Polygon or MultiPolygon features"),
            );
            return None;
        }
    };
    let crs = match crate::crs::from_geojson_member(root.get("crs")) {
        Ok(Some(c)) => Some(c),
        Ok(None) => opts.crs.clone(),
        Err(value) => {
            diags.push(
                Diagnostic::error(file(), "unrecognised \"crs\" member")
                    .with_value(value)
                    .with_hint(
                        "use an EPSG code such as urn:ogc:def:crs:EPSG::32637, or set zones_crs",
                    ),
            );
            return None;
        }
    };
    match crs.as_ref().map(Transform::to_wgs84).transpose() {
        Ok(t) => Some((features, t.flatten())),
        Err(e) => {
            diags.push(Diagnostic::error(file(), e.to_string()));
            None
        }
    }
}

/// A feature's geometry as WGS84 lon/lat, reprojected when needed.
fn zone_geometry(
    geometry: &Value,
    transform: Option<&Transform>,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<MultiPolygon<f64>> {
    let mut polygon = read_multipolygon(geometry, at, diags)?;
    if let Some(t) = transform {
        match t.apply(&polygon) {
            Ok(p) => polygon = p,
            Err(e) => {
                diags.push(
                    Diagnostic::error(at(), "cannot reproject zone").with_value(e.to_string()),
                );
                return None;
            }
        }
    }
    if let Some(c) = out_of_range(&polygon) {
        diags.push(
            Diagnostic::error(at(), "coordinates are not longitude/latitude")
                .with_value(format!("{}, {}", c.x, c.y))
                .with_hint(
                    "the zones look projected; set zones_crs (e.g. \"EPSG:32637\") or --zones-crs",
                ),
        );
        return None;
    }
    Some(polygon)
}

fn zone_key(feature: &Value, props: &Map<String, Value>, key: Option<&str>) -> Option<String> {
    let k = match key {
        Some(k) => props.get(k).and_then(value_text),
        None => {
            props.get("id").and_then(value_text).or_else(|| feature.get("id").and_then(value_text))
        }
    }?;
    (!k.is_empty()).then_some(k)
}

/// A string or number property as text.
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `aliases` as a JSON array of strings or one `|`-separated string.
pub(crate) fn aliases_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter_map(value_text).filter(|s| !s.is_empty()).collect(),
        Value::String(s) => {
            s.split(['|', ';']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
        }
        _ => Vec::new(),
    }
}

fn out_of_range(mp: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    use geo::CoordsIter;
    mp.coords_iter().find(|c| !(c.x.abs() <= 180.0 && c.y.abs() <= 90.0))
}

/// Read a Polygon or `MultiPolygon` JSON geometry, checking rings.
fn read_multipolygon(
    g: &Value,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<MultiPolygon<f64>> {
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = g.get("coordinates");
    let polygons: Vec<&Value> = match (kind, coords.and_then(Value::as_array)) {
        ("Polygon", Some(_)) => coords.into_iter().collect(),
        ("MultiPolygon", Some(p)) => p.iter().collect(),
        ("Polygon" | "MultiPolygon", None) => {
            diags.push(Diagnostic::error(at(), "geometry has no coordinates"));
            return None;
        }
        _ => {
            diags.push(
                Diagnostic::error(at(), "zone geometry must be Polygon or MultiPolygon")
                    .with_value(kind)
                    .with_hint("points and lines cannot be coloured as areas"),
            );
            return None;
        }
    };
    let mut out = Vec::new();
    for polygon in polygons {
        let Some(rings) = polygon.as_array() else {
            diags.push(Diagnostic::error(at(), "polygon is not an array of rings"));
            return None;
        };
        let mut ls = Vec::new();
        for (ring_index, ring) in rings.iter().enumerate() {
            ls.push(read_ring(ring, ring_index, at, diags)?);
        }
        let mut it = ls.into_iter();
        let Some(exterior) = it.next() else {
            diags.push(Diagnostic::error(at(), "polygon has no rings"));
            return None;
        };
        out.push(Polygon::new(exterior, it.collect()));
    }
    if out.is_empty() {
        diags.push(Diagnostic::error(at(), "geometry is empty"));
        return None;
    }
    Some(MultiPolygon(out))
}

fn read_ring(
    ring: &Value,
    ring_index: usize,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<LineString<f64>> {
    let Some(positions) = ring.as_array() else {
        diags.push(Diagnostic::error(at(), "ring is not an array of positions"));
        return None;
    };
    let mut coords = Vec::with_capacity(positions.len());
    for p in positions {
        let xy = p.as_array().and_then(|a| Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?)));
        match xy {
            Some((x, y)) if x.is_finite() && y.is_finite() => coords.push(Coord { x, y }),
            _ => {
                diags.push(Diagnostic::error(at(), "invalid position").with_value(p.to_string()));
                return None;
            }
        }
    }
    if coords.first() != coords.last() {
        diags.push(
            Diagnostic::error(at(), format!("ring {ring_index} is not closed")).with_hint(
                "the last position must repeat the first; run with --repair to close it",
            ),
        );
        return None;
    }
    if coords.len() < 4 {
        diags.push(
            Diagnostic::error(at(), format!("ring {ring_index} has fewer than 4 positions"))
                .with_value(coords.len().to_string())
                .with_hint("a ring needs at least three corners and the closing position"),
        );
        return None;
    }
    Some(LineString(coords))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Zone>, Diagnostics) {
        let mut d = Diagnostics::new();
        let z = read_geojson(Path::new("zones.geojson"), text, &ZoneOptions::default(), &mut d);
        (z, d)
    }

    const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}"#;

    #[test]
    fn reads_keys_names_aliases_and_properties() {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[
            {{"type":"Feature","properties":{{"id":"al-tay","name":"al-Tay","aliases":["Tayy","حي طي"],"pop":5}},"geometry":{SQUARE}}},
            {{"type":"Feature","id":7,"properties":{{"aliases":"Kilo|Kîlo"}},"geometry":{SQUARE}}}]}}"#
        );
        let (z, d) = read(&text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(z[0].id, "al-tay");
        assert_eq!(z[0].aliases, vec!["Tayy", "حي طي"]);
        assert_eq!(z[0].properties.get("pop"), Some(&serde_json::json!(5)));
        assert_eq!((z[1].id.as_str(), z[1].name.as_str()), ("7", "7"));
        assert_eq!(z[1].aliases, vec!["Kilo", "Kîlo"]);
    }

    #[test]
    fn reports_bad_features_by_index() {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[
            {{"type":"Feature","properties":{{"id":"a"}},"geometry":{SQUARE}}},
            {{"type":"Feature","properties":{{"id":"a"}},"geometry":{SQUARE}}},
            {{"type":"Feature","properties":{{}},"geometry":{SQUARE}}},
            {{"type":"Feature","properties":{{"id":"p"}},"geometry":{{"type":"Point","coordinates":[0,0]}}}},
            {{"type":"Feature","properties":{{"id":"u"}},"geometry":{{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}}},
            {{"type":"Feature","properties":{{"id":"m"}},"geometry":{{"type":"Polygon","coordinates":[[[500000,4000000],[500100,4000000],[500100,4000100],[500000,4000000]]]}}}}]}}"#
        );
        let (z, d) = read(&text);
        assert_eq!(z.len(), 1);
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @r#"
        zones.geojson: feature 1: duplicate zone id "a" — feature 0 has the same id; zone ids must be unique
        zones.geojson: feature 2: zone has no key — add an "id" property, a feature id, or set zone_key in frontline.toml
        zones.geojson: feature 3: zone geometry must be Polygon or MultiPolygon "Point" — points and lines cannot be coloured as areas
        zones.geojson: feature 4: ring 0 is not closed — the last position must repeat the first; run with --repair to close it
        zones.geojson: feature 5: coordinates are not longitude/latitude "500000, 4000000" — the zones look projected; set zones_crs (e.g. "EPSG:32637") or --zones-crs
        "#);
    }

    #[test]
    fn truncated_json_names_line_and_column() {
        let (z, d) = read("{\"type\":\"FeatureCollection\",\n\"features\":[{\"type\":");
        assert!(z.is_empty());
        let first = d.iter().next().unwrap().to_string();
        assert!(first.starts_with("zones.geojson:2:"), "{first}");
        assert!(first.contains("invalid JSON"));
    }
}
