//! Reading `incidents.csv`: dated events with coordinates or a place.
//!
//! Coordinate columns are detected from the header (`lat`/`latitude`/`y`,
//! `lon`/`lng`/`long`/`longitude`/`x`, or a WKT `POINT` column). A row with
//! only a `place` naming a zone is put at the zone's interior point. Known
//! numeric columns (`fatalities`, ACLED's and UCDP's counts and precisions)
//! become numbers; every other column is carried through as text. Which
//! header plays which role comes from `read::presets` (ACLED, UCDP GED, or
//! the generic names).

use super::control::{date_parser, parse_date};
use super::presets::{self, Preset, Roles};
use super::table::{parse_number, Row, Table};
use crate::crs::Transform;
use crate::error::{Diagnostic, Diagnostics};
use crate::model::{Incident, LocationPrecision, Lookup, NameIndex, Zone};
use geo::{InteriorPoint, Point};
use serde_json::{Map, Value};

/// Columns whose values are numbers in the output.
const NUMERIC: &[&str] = &[
    "fatalities",
    "deaths",
    "killed",
    "injured",
    "best",
    "low",
    "high",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "geo_precision",
    "where_prec",
    "time_precision",
    "date_prec",
    "year",
    "inter1",
    "inter2",
    "interaction",
    "latitude",
    "longitude",
    "lat",
    "lon",
    "lng",
];

/// How the columns of an incidents table are used.
#[derive(Debug, Clone)]
pub struct IncidentColumns {
    id: Option<usize>,
    date: usize,
    lat: Option<usize>,
    lon: Option<usize>,
    wkt: Option<usize>,
    place: Option<usize>,
    /// ACLED `geo_precision` or UCDP `where_prec`, and the approximate threshold.
    precision: Option<(usize, u32)>,
    numeric: Vec<bool>,
    /// The export preset in use, if any.
    pub preset: Option<Preset>,
    roles: &'static Roles,
}

impl IncidentColumns {
    /// Detect the columns from a header, with the `forced` preset or the one
    /// the header shows; `None` (and a diagnostic) when a required column is
    /// missing.
    pub fn detect(table: &Table, forced: Option<Preset>, diags: &mut Diagnostics) -> Option<Self> {
        let (preset, roles) = presets::roles_for(forced, &table.headers);
        let Some(date) = table.column(roles.date) else {
            table.missing_column(roles.date.first().copied().unwrap_or("date"), diags);
            return None;
        };
        let lat = table.column(roles.lat);
        let lon = table.column(roles.lon);
        let wkt = table.column(roles.wkt);
        let place = table.column(roles.place);
        if (lat.is_none() || lon.is_none()) && wkt.is_none() && place.is_none() {
            let what = if roles.place.is_empty() {
                "latitude and longitude"
            } else {
                "lat and lon (or wkt, or place)"
            };
            table.missing_column(what, diags);
            return None;
        }
        let precision = match roles.precision {
            Some((name, threshold)) => table.column(&[name]).map(|c| (c, threshold)),
            None => table
                .column(&["geo_precision"])
                .map(|c| (c, 3))
                .or_else(|| table.column(&["where_prec"]).map(|c| (c, 3))),
        };
        let numeric = table
            .headers
            .iter()
            .map(|h| {
                let h = h.to_ascii_lowercase();
                NUMERIC.contains(&h.as_str())
            })
            .collect();
        Some(IncidentColumns {
            id: table.column(roles.id),
            date,
            lat,
            lon,
            wkt,
            place,
            precision,
            numeric,
            preset,
            roles,
        })
    }
}

/// Read all incidents of a table. `zones` and `names` resolve `place`.
pub fn read(
    table: &Table,
    zones: &[Zone],
    names: &NameIndex,
    date_format: Option<&str>,
    preset: Option<Preset>,
    crs: Option<&Transform>,
    diags: &mut Diagnostics,
) -> Vec<Incident> {
    let Some(cols) = IncidentColumns::detect(table, preset, diags) else { return Vec::new() };
    let parser = date_parser(table, &[Some(cols.date)], date_format, diags);
    let mut out = Vec::with_capacity(table.rows.len());
    let mut ids = std::collections::BTreeMap::new();
    for row in &table.rows {
        // Both are checked before skipping, so that every bad cell is reported.
        let date = parse_date(table, row, cols.date, &parser, diags);
        let location = locate(table, row, &cols, zones, names, crs, diags);
        let (Some(date), Some((point, precision, place_zone))) = (date, location) else {
            continue;
        };
        let id = match row.value(cols.id) {
            Some(id) => id.to_string(),
            None => format!("row-{}", row.line),
        };
        if let Some(first) = ids.insert(id.clone(), row.line) {
            diags.push(
                Diagnostic::error(table.cell(row, cols.id.unwrap_or(0)), "duplicate incident id")
                    .with_value(&id)
                    .with_hint(format!("line {first} has the same id")),
            );
            continue;
        }
        out.push(Incident {
            id,
            date,
            point,
            precision,
            place_zone,
            properties: properties(table, row, &cols),
            line: row.line,
        });
    }
    out
}

/// Where a row happened: its point, how precise, and the zone named in `place`.
fn locate(
    table: &Table,
    row: &Row,
    cols: &IncidentColumns,
    zones: &[Zone],
    names: &NameIndex,
    crs: Option<&Transform>,
    diags: &mut Diagnostics,
) -> Option<(Point<f64>, LocationPrecision, Option<usize>)> {
    let approximate = cols.precision.is_some_and(|(c, threshold)| {
        parse_number(row.get(c), false).is_some_and(|p| p >= f64::from(threshold))
    });
    let precision =
        if approximate { LocationPrecision::Approximate } else { LocationPrecision::Point };
    if let (Some(lat_c), Some(lon_c)) = (cols.lat, cols.lon) {
        let (lat_s, lon_s) = (row.get(lat_c), row.get(lon_c));
        if !lat_s.is_empty() || !lon_s.is_empty() {
            if let Some(t) = crs {
                return projected(table, row, (lon_c, lat_c), t, diags)
                    .map(|p| (p, precision, None));
            }
            let lat = coordinate(table, row, lat_c, 90.0, "latitude", diags);
            let lon = coordinate(table, row, lon_c, 180.0, "longitude", diags);
            return Some((Point::new(lon?, lat?), precision, None));
        }
    }
    if let Some(c) = cols.wkt.filter(|c| !row.get(*c).is_empty()) {
        return match parse_wkt_point(row.get(c)) {
            Some(p) if crs.is_some() => {
                let t = crs?;
                match t.coord(p.0) {
                    Ok(c) => Some((Point::from(c), precision, None)),
                    Err(e) => {
                        diags.push(
                            Diagnostic::error(table.cell(row, c), "cannot reproject incident")
                                .with_value(e.to_string()),
                        );
                        None
                    }
                }
            }
            Some(p) if p.x().abs() <= 180.0 && p.y().abs() <= 90.0 => Some((p, precision, None)),
            _ => {
                diags.push(
                    Diagnostic::error(table.cell(row, c), "invalid WKT point")
                        .with_value(row.get(c))
                        .with_hint("write POINT (lon lat) in WGS84"),
                );
                None
            }
        };
    }
    let Some(c) = cols.place.filter(|c| !row.get(*c).is_empty()) else {
        if cols.roles.skip_unlocated {
            let at = cols.lat.map_or_else(|| table.record(row), |c| table.cell(row, c));
            let id = cols.id.map_or("", |c| row.get(c));
            let preset = cols.preset.map_or("", Preset::label);
            diags.push(
                Diagnostic::warning(at, "incident has no coordinates; skipped")
                    .with_value(id)
                    .with_hint(format!(
                        "the {preset} export gives no latitude and longitude for this event"
                    )),
            );
            return None;
        }
        diags.push(
            Diagnostic::error(table.record(row), "incident has no location")
                .with_hint("give lat and lon, or a place that names a zone"),
        );
        return None;
    };
    let place = row.get(c);
    match names.lookup(place) {
        Lookup::Found(z) => {
            let zone = zones.get(z)?;
            let point = zone.geometry.interior_point()?;
            Some((point, LocationPrecision::Zone, Some(z)))
        }
        Lookup::Ambiguous(_) => {
            diags.push(
                Diagnostic::error(table.cell(row, c), "place is ambiguous")
                    .with_value(place)
                    .with_hint("several zones have this name or alias; use the zone id"),
            );
            None
        }
        Lookup::Missing => {
            let hint = names
                .did_you_mean(place)
                .unwrap_or_else(|| "a place without coordinates must name a zone".into());
            diags.push(
                Diagnostic::error(table.cell(row, c), "unknown place")
                    .with_value(place)
                    .with_hint(hint),
            );
            None
        }
    }
}

/// A point given in `incidents_crs` (x in the lon column, y in the lat
/// column), reprojected to WGS84.
fn projected(
    table: &Table,
    row: &Row,
    (x_c, y_c): (usize, usize),
    t: &Transform,
    diags: &mut Diagnostics,
) -> Option<Point<f64>> {
    let x = coordinate(table, row, x_c, f64::INFINITY, "x coordinate", diags);
    let y = coordinate(table, row, y_c, f64::INFINITY, "y coordinate", diags);
    match t.coord(geo::Coord { x: x?, y: y? }) {
        Ok(c) => Some(Point::from(c)),
        Err(e) => {
            diags.push(
                Diagnostic::error(table.record(row), "cannot reproject incident")
                    .with_value(e.to_string()),
            );
            None
        }
    }
}

fn coordinate(
    table: &Table,
    row: &Row,
    column: usize,
    limit: f64,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<f64> {
    let s = row.get(column);
    match parse_number(s, table.decimal_comma) {
        Some(v) if v.abs() <= limit => Some(v),
        Some(_) => {
            diags.push(
                Diagnostic::error(table.cell(row, column), format!("{what} out of range"))
                    .with_value(s)
                    .with_hint(format!(
                        "{what} must be between -{limit} and {limit} degrees (WGS84)"
                    )),
            );
            None
        }
        None => {
            let hint = if s.contains(['°', '\'', '"']) {
                "write decimal degrees, e.g. 37.0522 for 37°03'08\"; convert degrees, minutes and seconds first"
            } else {
                "write decimal degrees, e.g. 37.0522"
            };
            diags.push(
                Diagnostic::error(table.cell(row, column), format!("invalid {what}"))
                    .with_value(s)
                    .with_hint(hint),
            );
            None
        }
    }
}

/// `POINT (41.2 37.0)`, `POINT(41.2 37.0)`, `POINT Z (…)`.
#[must_use]
pub fn parse_wkt_point(s: &str) -> Option<Point<f64>> {
    let upper = s.trim().to_ascii_uppercase();
    let rest = upper.strip_prefix("POINT")?;
    let inner = rest.trim_start_matches([' ', 'Z', 'M']).strip_prefix('(')?.strip_suffix(')')?;
    let mut it = inner.split_whitespace().map(str::parse::<f64>);
    let (x, y) = (it.next()?.ok()?, it.next()?.ok()?);
    (x.is_finite() && y.is_finite()).then(|| Point::new(x, y))
}

/// The row's columns as properties, typed where the column is numeric.
fn properties(table: &Table, row: &Row, cols: &IncidentColumns) -> Map<String, Value> {
    let mut map = Map::new();
    for (i, header) in table.headers.iter().enumerate() {
        if header.is_empty() || Some(i) == cols.wkt {
            continue;
        }
        let raw = row.get(i);
        let value = if raw.is_empty() {
            Value::Null
        } else if cols.numeric.get(i).copied().unwrap_or(false) {
            number_value(raw, table.decimal_comma).unwrap_or_else(|| Value::String(raw.to_string()))
        } else {
            Value::String(raw.to_string())
        };
        map.insert(header.clone(), value);
    }
    cols.roles.derive(&mut map);
    map
}

/// An integer when the text is one, else a float.
#[must_use]
pub fn number_value(s: &str, decimal_comma: bool) -> Option<Value> {
    if let Ok(i) = s.trim().parse::<i64>() {
        return Some(Value::from(i));
    }
    parse_number(s, decimal_comma).and_then(serde_json::Number::from_f64).map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};
    use std::path::Path;

    fn zones() -> (Vec<Zone>, NameIndex) {
        let z = Zone {
            id: "al-tay".into(),
            name: "al-Tay".into(),
            aliases: vec!["Tayy".into()],
            geometry: MultiPolygon(vec![
                polygon![(x: 41.0, y: 37.0), (x: 41.1, y: 37.0), (x: 41.1, y: 37.1), (x: 41.0, y: 37.1), (x: 41.0, y: 37.0)],
            ]),
            properties: Map::new(),
            feature_index: 0,
        };
        let mut n = NameIndex::new();
        for s in ["al-Tay", "al-tay", "Tayy"] {
            n.insert(s, 0);
        }
        (vec![z], n)
    }

    fn read_str(csv: &str) -> (Vec<Incident>, Diagnostics) {
        let mut d = Diagnostics::new();
        let t = Table::from_bytes(Path::new("incidents.csv"), csv.as_bytes(), &mut d).unwrap();
        let (z, n) = zones();
        (read(&t, &z, &n, None, None, None, &mut d), d)
    }

    #[test]
    fn detects_columns_and_types_values() {
        let (inc, d) = read_str(
            "id,date,Latitude,LNG,place,type,fatalities,note\n1,2021-04-20,37.05,41.05,,clash,3,\"a, b\"\n2,2021-04-21,,,tayy,arrest,,\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(inc[0].point, Point::new(41.05, 37.05));
        assert_eq!(inc[0].precision, LocationPrecision::Point);
        assert_eq!(inc[0].properties["fatalities"], serde_json::json!(3));
        assert_eq!(inc[0].properties["note"], serde_json::json!("a, b"));
        assert_eq!(inc[1].precision, LocationPrecision::Zone);
        assert_eq!(inc[1].place_zone, Some(0));
        assert_eq!(inc[1].properties["fatalities"], Value::Null);
    }

    #[test]
    fn decimal_commas_and_wkt() {
        let (inc, d) = read_str("date;lat;lon\n2021-04-20;37,05;41,05\n");
        assert!(d.is_empty());
        assert_eq!(inc[0].point, Point::new(41.05, 37.05));
        let (inc, _) = read_str("date,wkt\n2021-04-20,POINT (41.05 37.05)\n");
        assert_eq!(inc[0].point, Point::new(41.05, 37.05));
        assert_eq!(inc[0].id, "row-2");
    }

    #[test]
    fn approximate_locations_from_geo_precision() {
        let (inc, _) = read_str("event_id_cnty,event_date,latitude,longitude,geo_precision\nSYR1,9-May-20,37.05,41.05,3\nSYR2,9-May-20,37.05,41.05,1\n");
        assert_eq!(inc[0].id, "SYR1");
        assert_eq!(inc[0].precision, LocationPrecision::Approximate);
        assert_eq!(inc[1].precision, LocationPrecision::Point);
    }

    #[test]
    fn bad_rows_are_located() {
        let (inc, d) = read_str("id,date,lat,lon,place\n1,2021-04-20,95,41,\n2,2021-04-20,,,Tai\n3,someday,37,41,\n4,2021-04-20,,,\n");
        assert!(inc.is_empty());
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @r#"
        incidents.csv:2:3: latitude out of range "95" — latitude must be between -90 and 90 degrees (WGS84)
        incidents.csv:3:5: unknown place "Tai" — did you mean "al-Tay"?
        incidents.csv:4:2: unrecognised date "someday" — write dates as 2021-04-25 or 2021-04-25T22:00:00+03:00, or set date_format in frontline.toml
        incidents.csv:5: incident has no location — give lat and lon, or a place that names a zone
        "#);
    }
}
