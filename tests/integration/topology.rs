//! Areas and contact lines on hand-computed grids and real boundaries.

use crate::util::{shared_data, text, Workdir};
use serde_json::{json, Value};

/// Square zones of `size` degrees in a row along the equator, with the
/// given x offsets of the shared edges per zone (to simulate hand-drawn gaps).
fn row_of_squares(n: usize, size: f64, jitter: f64) -> String {
    let features: Vec<Value> = (0..n)
        .map(|i| {
            let x0 = i as f64 * size + if i > 0 { jitter } else { 0.0 };
            let x1 = (i + 1) as f64 * size;
            let mid = size / 2.0;
            // the west edge of every zone but the first has an extra vertex
            let ring = if i > 0 {
                json!([[x0, 0.0], [x1, 0.0], [x1, size], [x0, size], [x0, mid], [x0, 0.0]])
            } else {
                json!([[x0, 0.0], [x1, 0.0], [x1, size], [x0, size], [x0, 0.0]])
            };
            json!({"type": "Feature", "properties": {"id": format!("z{i}"), "name": format!("Zone {i}")},
                   "geometry": {"type": "Polygon", "coordinates": [ring]}})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn project(w: &Workdir, dir: &str, jitter: f64, control: &str) {
    w.write(&format!("{dir}/zones.geojson"), row_of_squares(3, 0.01, jitter));
    w.write(&format!("{dir}/control.csv"), control);
}

fn layer(w: &Workdir, rel: &str) -> Value {
    serde_json::from_str(&w.read(rel)).unwrap()
}

const CONTROL: &str =
    "zone,force,since\nz0,red,2021-01-01\nz1,blue,2021-01-01\nz2,blue,2021-01-01\n";

#[test]
fn contact_line_on_a_hand_computed_grid() {
    let w = Workdir::new();
    project(&w, "g", 0.0, CONTROL);
    let o = w.run(&["build", "g"]);
    assert!(o.status.success(), "{:?}", text(&o));
    let fl = layer(&w, "g/out/frontlines.geojson");
    let features = fl["features"].as_array().unwrap();
    assert_eq!(features.len(), 1);
    let f = &features[0];
    assert_eq!(f["id"], "blue|red");
    assert_eq!(f["properties"]["forces"], json!(["blue", "red"]));
    assert_eq!(f["properties"]["zones"], json!(["z0", "z1"]));
    // the border is the meridian x = 0.01 from the equator to 0.01° N:
    // 0.01° of meridian arc at the equator is 1105.74 m on WGS84
    let len = f["properties"]["length_km"].as_f64().unwrap();
    assert!((len - 1.1057).abs() < 0.0002, "{len}");
    let coords: Vec<Vec<f64>> =
        serde_json::from_value(f["geometry"]["coordinates"].clone()).unwrap();
    assert_eq!(f["geometry"]["type"], "LineString");
    assert!(coords.iter().all(|c| (c[0] - 0.01).abs() < 1e-12), "{coords:?}");
    assert_eq!(coords.first().unwrap()[1].min(coords.last().unwrap()[1]), 0.0);
    assert_eq!(coords.first().unwrap()[1].max(coords.last().unwrap()[1]), 0.01);

    // blue's two zones dissolve into one 0.02° × 0.01° rectangle
    let areas = layer(&w, "g/out/areas.geojson");
    let blue = areas["features"].as_array().unwrap().iter().find(|f| f["id"] == "blue").unwrap();
    assert_eq!(blue["geometry"]["type"], "Polygon");
    assert_eq!(blue["geometry"]["coordinates"].as_array().unwrap().len(), 1, "no holes");
    let ring: Vec<Vec<f64>> =
        serde_json::from_value(blue["geometry"]["coordinates"][0].clone()).unwrap();
    let (xs, ys): (Vec<f64>, Vec<f64>) = ring.iter().map(|c| (c[0], c[1])).unzip();
    let bbox = [
        xs.iter().copied().fold(f64::MAX, f64::min),
        ys.iter().copied().fold(f64::MAX, f64::min),
        xs.iter().copied().fold(f64::MIN, f64::max),
        ys.iter().copied().fold(f64::MIN, f64::max),
    ];
    assert_eq!(bbox, [0.01, 0.0, 0.03, 0.01], "{ring:?}");
    // every vertex lies on the rectangle's outline: the inner border z1|z2 is gone
    assert!(
        ring.iter().all(|c| c[0] == 0.01 || c[0] == 0.03 || c[1] == 0.0 || c[1] == 0.01),
        "{ring:?}"
    );
    let control = layer(&w, "g/out/control.geojson");
    let zone_area = |id: &str| {
        control["features"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap()
            ["properties"]["area_km2"]
            .as_f64()
            .unwrap()
    };
    let blue_area = blue["properties"]["area_km2"].as_f64().unwrap();
    assert!((blue_area - zone_area("z1") - zone_area("z2")).abs() < 1e-3, "{blue_area}");
    // 1113.19 m × 1105.74 m per cell, two cells
    assert!((blue_area - 2.0 * 1.113_195 * 1.105_74).abs() < 0.002, "{blue_area}");
}

#[test]
fn hand_drawn_gaps_still_give_one_clean_line() {
    // zone z1's west edge is digitised 0.3 m (2.7e-6°) east of z0's east edge
    let w = Workdir::new();
    project(&w, "g", 2.7e-6, CONTROL);
    assert!(w.run(&["build", "g"]).status.success());
    let fl = layer(&w, "g/out/frontlines.geojson");
    assert_eq!(fl["features"].as_array().unwrap().len(), 1);
    assert_eq!(fl["features"][0]["geometry"]["type"], "LineString", "one line, not fragments");
    let len = fl["features"][0]["properties"]["length_km"].as_f64().unwrap();
    assert!((len - 1.1057).abs() < 0.0002, "{len}");
    // without snapping the borders do not meet: no contact line at all
    assert!(w.run(&["build", "g", "--snap", "0"]).status.success());
    assert_eq!(layer(&w, "g/out/frontlines.geojson")["features"].as_array().unwrap().len(), 0);
}

#[test]
fn contested_zones_form_one_area_and_no_contact_line() {
    let w = Workdir::new();
    project(&w, "g", 0.0, "zone,force,since,status\nz0,red,2021-01-01,\nz1,red|blue,2021-01-01,contested\nz2,blue,2021-01-01,\n");
    assert!(w.run(&["build", "g"]).status.success());
    let areas = layer(&w, "g/out/areas.geojson");
    let ids: Vec<&str> =
        areas["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["blue", "contested", "red"]);
    assert_eq!(layer(&w, "g/out/frontlines.geojson")["features"].as_array().unwrap().len(), 0);
}

/// Real neighbourhood polygons, tagged by controlling force from their names.
fn real_city(file: &str) -> Option<(Workdir, usize)> {
    let path = shared_data(&format!("neighborhoods-click-that-hood/{file}"))?;
    let w = Workdir::new();
    let text = std::fs::read_to_string(path).unwrap();
    let fc: Value = serde_json::from_str(&text).unwrap();
    let names: Vec<String> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap().to_string())
        .collect();
    w.write("c/zones.geojson", text);
    w.write("c/frontline.toml", "zone_key = \"name\"\n");
    let mut control = String::from("zone,force,since\n");
    for (i, n) in names.iter().enumerate() {
        let force = ["north", "south", "east"][i % 3];
        control.push_str(&format!("\"{n}\",{force},2021-01-01\n"));
    }
    w.write("c/control.csv", control);
    Some((w, names.len()))
}

#[test]
fn real_boundaries_give_contact_lines_and_areas_that_add_up() {
    for file in ["amsterdam.geojson", "san-francisco.geojson"] {
        let Some((w, n)) = real_city(file) else { return };
        for simplify in [None, Some("20")] {
            let mut args = vec!["build", "c"];
            if let Some(m) = simplify {
                args.extend(["--simplify", m]);
            }
            let o = w.run(&args);
            assert!(o.status.success(), "{file}: {:?}", text(&o));
            let control = layer(&w, "c/out/control.geojson");
            assert_eq!(control["features"].as_array().unwrap().len(), n);
            let zone_total: f64 = control["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["properties"]["area_km2"].as_f64().unwrap())
                .sum();
            let areas = layer(&w, "c/out/areas.geojson");
            let area_total: f64 = areas["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["properties"]["area_km2"].as_f64().unwrap())
                .sum();
            assert!(
                ((area_total - zone_total) / zone_total).abs() < 0.005,
                "{file} {simplify:?}: {area_total} vs {zone_total}"
            );
            let fl = layer(&w, "c/out/frontlines.geojson");
            assert_eq!(
                fl["features"].as_array().unwrap().len(),
                3,
                "{file}: all three pairs of forces meet"
            );
        }
    }
}
