//! `frontline build` on good and broken projects.

use crate::util::{text, Workdir};
use serde_json::Value;

fn feature<'a>(fc: &'a Value, id: &str) -> &'a Value {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no feature {id}"))
}

/// The ids of a collection's features, in order.
fn ids(fc: &Value) -> Vec<&str> {
    fc["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect()
}

/// The names of an object's members, in order.
fn keys(object: &Value) -> Vec<&str> {
    object.as_object().unwrap().keys().map(String::as_str).collect()
}

fn layer(w: &Workdir, rel: &str) -> Value {
    serde_json::from_str(&w.read(rel)).unwrap()
}

#[test]
fn demo_shows_al_tay_held_by_asayish() {
    let w = Workdir::new();
    w.demo("q");
    let o = w.run(&["build", "q"]);
    assert!(o.status.success(), "{:?}", text(&o));
    let control = layer(&w, "q/out/control.geojson");
    let tay = &feature(&control, "al-tay")["properties"];
    assert_eq!(tay["force"], "asayish");
    assert_eq!(tay["status"], "held");
    assert_eq!(tay["since"], "2021-04-24");
    assert_eq!(tay["fill"], "#009e73");
    assert_eq!(control["frontline"]["as_of"], "2021-04-27");
    assert_eq!(control["frontline"]["since"], "2021-04-20");
}

#[test]
fn as_of_during_the_clashes_shows_contested_zones() {
    let w = Workdir::new();
    w.demo("q");
    let o = w.run(&["build", "q", "--as-of", "2021-04-22", "--since", "all"]);
    assert!(o.status.success(), "{:?}", text(&o));
    let control = layer(&w, "q/out/control.geojson");
    let tay = &feature(&control, "al-tay")["properties"];
    assert_eq!(tay["status"], "contested");
    assert_eq!(tay["force"], "asayish|ndf");
    assert_eq!(tay["force_name"], "Asayish | National Defence Forces");
    // Allaya's NDF claim runs 21–23 April
    assert_eq!(feature(&control, "allaya")["properties"]["status"], "claimed");
    let incidents = layer(&w, "q/out/incidents.geojson");
    let ids = ids(&incidents);
    assert!(ids.contains(&"QAM-001") && !ids.iter().any(|i| *i > "QAM-008"), "{ids:?}");
}

#[test]
fn truce_deadline_counts_on_its_day() {
    // Kilo goes to the NDF at 22:00 on 25 April: a date includes its whole day.
    let w = Workdir::new();
    w.demo("q");
    assert!(w.run(&["build", "q", "--as-of", "2021-04-25"]).status.success());
    assert_eq!(feature(&layer(&w, "q/out/control.geojson"), "kilo")["properties"]["force"], "ndf");
    assert!(w.run(&["build", "q", "--as-of", "2021-04-25T21:00:00"]).status.success());
    assert_eq!(
        feature(&layer(&w, "q/out/control.geojson"), "kilo")["properties"]["status"],
        "contested"
    );
}

#[test]
fn incidents_get_zone_and_controller_on_their_date() {
    let w = Workdir::new();
    w.demo("q");
    assert!(w.run(&["build", "q", "--since", "all"]).status.success());
    let inc = layer(&w, "q/out/incidents.geojson");
    let f = &feature(&inc, "QAM-003")["properties"];
    assert_eq!(f["location_precision"], "zone");
    assert_eq!(f["zone"], "al-tay");
    assert_eq!(f["zone_force"], "asayish|ndf");
    assert_eq!(f["fatalities"], 2);
    let outside = &feature(&inc, "QAM-013")["properties"];
    assert_eq!(outside["zone"], Value::Null);
}

#[test]
fn output_is_byte_identical_and_independent_of_row_order() {
    let w = Workdir::new();
    w.demo("a");
    w.demo("b");
    // reverse the data rows of b's CSVs
    for f in ["control.csv", "incidents.csv"] {
        let text = w.read(&format!("b/{f}"));
        let mut lines: Vec<&str> = text.lines().collect();
        let header = lines.remove(0);
        lines.reverse();
        w.write(&format!("b/{f}"), format!("{header}\n{}\n", lines.join("\n")));
    }
    assert!(w.run(&["build", "a"]).status.success());
    assert!(w.run(&["build", "b"]).status.success());
    for l in ["control.geojson", "incidents.geojson"] {
        assert_eq!(w.read(&format!("a/out/{l}")), w.read(&format!("b/out/{l}")), "{l}");
    }
    let before = w.read("a/out/control.geojson");
    assert!(w.run(&["build", "a"]).status.success());
    assert_eq!(before, w.read("a/out/control.geojson"));
}

#[test]
fn broken_input_writes_nothing_and_keeps_last_good_layers() {
    let w = Workdir::new();
    w.demo("q");
    assert!(w.run(&["build", "q"]).status.success());
    let good = w.read("q/out/control.geojson");
    let names = |w: &Workdir| {
        let mut n: Vec<_> = std::fs::read_dir(w.path().join("q/out"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        n.sort();
        n
    };
    let before = names(&w);
    let control = w.read("q/control.csv");
    w.write(
        "q/control.csv",
        format!("{control}Tai,ndf,2021-04-28,,held,,,\n").replace("Tai,ndf", "Tia,ndf"),
    );
    let o = w.run(&["build", "q"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("control.csv:19:1: unknown zone \"Tia\" — did you mean"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(good, w.read("q/out/control.geojson"));
    // no temporary files left behind, no layer missing
    assert_eq!(names(&w), before);
}

#[test]
fn forces_csv_is_optional() {
    let w = Workdir::new();
    w.demo("q");
    std::fs::remove_file(w.path().join("q/forces.csv")).unwrap();
    let o = w.run(&["build", "q"]);
    assert!(o.status.success(), "{:?}", text(&o));
    let control = layer(&w, "q/out/control.geojson");
    let fills: std::collections::BTreeSet<String> = control["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["fill"].as_str().unwrap().to_string())
        .collect();
    // Without forces.csv its aliases are unknown, so "Quwat al-Difa al-Watani"
    // (the NDF's Arabic name, used in one row) is a force of its own: four
    // forces hold zones, four distinct palette colours.
    assert_eq!(fills.len(), 4, "{fills:?}");
    assert!(fills.contains("#0072b2"), "palette colours are used: {fills:?}");
}

#[test]
fn many_incidents_stream_to_the_same_bytes_as_the_feature_path() {
    // more incidents than one group of runs (65,536), so rendering one group
    // overlaps writing the one before; Arabic text and multi-line notes too
    use std::fmt::Write as _;
    let w = Workdir::new();
    w.demo("q");
    let demo = w.read("q/incidents.csv");
    let mut lines = demo.lines();
    let mut csv = format!("{}\n", lines.next().unwrap());
    let rows: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    for i in 0..70_000 {
        let row = rows[i % rows.len()];
        let (id, rest) = row.split_once(',').unwrap();
        let rest = match i % 5 {
            0 => rest.replacen(",North Press Agency,", ",\"قامشلو\nNorth Press\",", 1),
            1 => rest.replacen(",clash,", ",,", 1),
            _ => rest.to_string(),
        };
        writeln!(csv, "{id}-{i},{rest}").unwrap();
    }
    w.write("q/incidents.csv", &csv);
    // only GeoJSON: rendered from the model; with QML too: through features
    for (formats, out) in [("geojson,geojsonseq", "direct"), ("geojson,geojsonseq,qml", "features")]
    {
        let o = w.run(&["build", "q", "--since", "all", "--format", formats, "--out", out]);
        assert!(o.status.success(), "{:?}", text(&o));
    }
    for f in ["incidents.geojson", "incidents.geojsonseq"] {
        let (direct, features) = (w.read(&format!("direct/{f}")), w.read(&format!("features/{f}")));
        assert!(direct == features, "{f} differs");
        assert!(direct.matches("\"type\":\"Feature\"").count() >= 70_000);
    }
}

#[test]
fn incidents_rendered_from_the_model_match_the_feature_path() {
    // `--format geojson` renders incidents straight from the model; with
    // another format the layer is built as features. Same bytes either way.
    let w = Workdir::new();
    w.demo("q");
    assert!(w.run(&["build", "q", "--since", "all", "--out", "direct"]).status.success());
    let o =
        w.run(&["build", "q", "--since", "all", "--format", "geojson,qml", "--out", "features"]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(w.read("direct/incidents.geojson"), w.read("features/incidents.geojson"));
}

#[test]
#[allow(clippy::too_many_lines)]
fn layers_rendered_from_the_model_match_the_feature_path() {
    // `--format geojson` renders the control, changes and timeline layers
    // straight from the model; with another format they are built as
    // features. Same bytes either way, with ids whose natural order is not
    // their zones' order (`a` < `a-1` but `a-1/…` < `a/…`), lapsed claims,
    // open periods, extra control columns named like the layers' own
    // properties (`name`, `fill`, `area_km2`), and zone properties that
    // collide with both.
    let w = Workdir::new();
    let square = |x: f64| {
        format!("[[[{x},36.0],[{},36.0],[{},36.01],[{x},36.01],[{x},36.0]]]", x + 0.01, x + 0.01)
    };
    let zones: Vec<String> = ["a", "a-1", "a9", "a10", "b"]
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let x = 41.0 + 0.01 * i as f64;
            let more = if *id == "a" {
                r##","fill":"#000000","population":12,"url":"zone-url","stroke":"red""##
            } else {
                ""
            };
            format!(
                r#"{{"type":"Feature","properties":{{"id":"{id}","name":"Zone {id}"{more}}},"geometry":{{"type":"Polygon","coordinates":{}}}}}"#,
                square(x)
            )
        })
        .collect();
    w.write(
        "p/zones.geojson",
        format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, zones.join(",")),
    );
    w.write(
        "p/control.csv",
        "zone,force,since,until,status,source,note,fill,name,url,area_km2\n\
         a,saa,2020-01-01,,held,,,#123456,shadow,https://example.org/a,9\n\
         a,sdf,2021-03-04,2021-05-01,held,Src,a note,,,,\n\
         a-1,sdf,2020-01-01,,contested,,,,,,\n\
         a9,saa,2019-12-31,2020-02-01,,,,red,,,\n\
         a10,saa,2020-01-01,,held,,,,x,,\n\
         a10,sdf,2020-06-01,,held,,,,,,\n\
         b,saa|sdf,2020-01-01,,contested,,,,,,\n",
    );
    w.write("p/frontline.toml", "zones = \"zones.geojson\"\nzone_key = \"id\"\ncontrol = \"control.csv\"\nincidents = \"none.csv\"\n");
    for since in ["all", "2020-03-01"] {
        for (formats, out) in
            [("geojson,geojsonseq", "direct"), ("geojson,geojsonseq,qml", "features")]
        {
            let out = format!("{out}-{since}");
            let o = w.run(&["build", "p", "--format", formats, "--since", since, "--out", &out]);
            assert!(o.status.success(), "{:?}", text(&o));
        }
        for layer in ["control", "changes", "timeline"] {
            for ext in ["geojson", "geojsonseq"] {
                let f = format!("{layer}.{ext}");
                let direct = w.read(&format!("direct-{since}/{f}"));
                let features = w.read(&format!("features-{since}/{f}"));
                assert!(direct == features, "{f} differs:\n{direct}\n{features}");
            }
        }
    }
    let changes = layer(&w, "direct-2020-03-01/changes.geojson");
    assert_eq!(ids(&changes), ["a", "a10"]);
    assert_eq!(feature(&changes, "a10")["properties"]["from_force"], "saa");
    let control = layer(&w, "direct-all/control.geojson");
    let a = &feature(&control, "a")["properties"];
    // an extra column keeps its place unless a property of the layer's own
    // takes it; the zone's own properties come after them (as the zone
    // reader keeps them); the style takes the place of a name already there
    assert_eq!(
        keys(a),
        [
            "zone",
            "name",
            "force",
            "force_name",
            "status",
            "since",
            "until",
            "source",
            "note",
            "fill",
            "url",
            "area_km2",
            "stroke",
            "population",
            "fill-opacity",
            "stroke-width"
        ]
    );
    assert!(a["area_km2"].as_f64().is_some_and(|km2| km2 > 1.0), "{a}");
    assert_eq!(a["stroke"], "#333333");
    let timeline = layer(&w, "direct-all/timeline.geojson");
    assert_eq!(
        ids(&timeline),
        [
            "a-1/2020-01-01",
            "a/2020-01-01",
            "a/2021-03-04",
            "a/2021-05-01",
            "a9/2019-12-31",
            "a10/2020-01-01",
            "a10/2020-06-01",
            "b/2020-01-01"
        ]
    );
    // the extra `fill` keeps its place and gets the state's colour; `name` stays the zone's
    let first = &feature(&timeline, "a/2020-01-01")["properties"];
    assert_eq!(
        keys(first),
        [
            "zone",
            "name",
            "force",
            "force_name",
            "status",
            "start",
            "end",
            "source",
            "note",
            "fill",
            "url",
            "area_km2"
        ]
    );
    assert_eq!(first["name"], "Zone a");
    assert_ne!(first["fill"], "#123456");
    assert_eq!(first["url"], "https://example.org/a");
}
