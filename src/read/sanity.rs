//! Checks that need more than one input: here, incident coordinates that
//! look swapped, which only the zones can reveal.
//!
//! A point outside every zone whose swapped coordinates fall inside one is
//! almost surely a latitude typed as longitude; it gets a warning naming
//! the row (not an error: the point may really lie outside the mapped
//! area). This module does not change the data.

use crate::error::{Diagnostic, Diagnostics, Location};
use crate::model::{Incident, LocationPrecision, Zone};
use crate::spatial::ZoneIndex;
use geo::Point;
use std::path::Path;

/// Warn about incidents whose latitude and longitude look swapped.
/// `path` is the incidents file as shown in messages.
pub fn swapped_coordinates(
    path: &Path,
    incidents: &[Incident],
    zones: &[Zone],
    diags: &mut Diagnostics,
) {
    // no index for nothing to check (a build or join without incidents)
    if zones.is_empty() || incidents.iter().all(|i| i.precision == LocationPrecision::Zone) {
        return;
    }
    let index = ZoneIndex::new(zones);
    for inc in incidents.iter().filter(|i| i.precision != LocationPrecision::Zone) {
        let (x, y) = (inc.point.x(), inc.point.y());
        if y.abs() > 90.0 || index.locate(inc.point).is_some() {
            continue;
        }
        let Some(zone) = index.locate(Point::new(y, x)).and_then(|z| zones.get(z)) else {
            continue;
        };
        diags.push(
            Diagnostic::warning(
                Location::Record { path: path.to_path_buf(), line: inc.line },
                "latitude and longitude look swapped",
            )
            .with_value(format!("latitude {y}, longitude {x}"))
            .with_hint(format!(
                "the point lies outside every zone, but swapped it falls in \"{}\"; swap the two values",
                zone.name
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Moment;
    use geo::{polygon, MultiPolygon};

    #[test]
    fn warns_when_the_swapped_point_falls_in_a_zone() {
        let zone = Zone {
            id: "al-tay".into(),
            name: "al-Tay".into(),
            aliases: vec![],
            geometry: MultiPolygon(vec![
                polygon![(x: 41.0, y: 37.0), (x: 41.1, y: 37.0), (x: 41.1, y: 37.1), (x: 41.0, y: 37.1), (x: 41.0, y: 37.0)],
            ]),
            properties: serde_json::Map::new(),
            feature_index: 0,
        };
        let inc = |line, x, y| Incident {
            id: format!("i{line}"),
            date: Moment::from_date(chrono::NaiveDate::MIN),
            point: Point::new(x, y),
            precision: LocationPrecision::Point,
            place_zone: None,
            record: 0,
            line,
        };
        let incidents = [inc(2, 37.05, 41.05), inc(3, 41.05, 37.05), inc(4, 10.0, 10.0)];
        let mut d = Diagnostics::new();
        swapped_coordinates(Path::new("incidents.csv"), &incidents, &[zone], &mut d);
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @r#"incidents.csv:2: warning: latitude and longitude look swapped "latitude 41.05, longitude 37.05" — the point lies outside every zone, but swapped it falls in "al-Tay"; swap the two values"#);
    }
}
