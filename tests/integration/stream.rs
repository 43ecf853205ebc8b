//! `frontline incidents` (streaming): real ACLED/UCDP exports, stdin, and
//! agreeing with the incidents layer of `build`.
// why: helpers outside #[test] functions panic on purpose (as the crate-level allow in tests/integration/main.rs says)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::print_stderr)]

use crate::util::{repo, shared_data, text, Workdir};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

fn features(geojson: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(geojson).expect("valid JSON");
    assert_eq!(v["type"], "FeatureCollection");
    assert!(v.get("crs").is_none());
    v["features"].as_array().expect("features").clone()
}

/// Run `frontline incidents` on a shared real file; `None` when it is absent.
fn stream_real(rel: &str, extra: &[&str]) -> Option<(i32, Vec<Value>, String)> {
    let input = shared_data(rel)?;
    let w = Workdir::new();
    let mut args = vec!["incidents", input.to_str().unwrap(), "-o", "out.geojson"];
    args.extend_from_slice(extra);
    let o = w.run(&args);
    let (_, stderr) = text(&o);
    Some((o.status.code().unwrap(), features(&w.read("out.geojson")), stderr))
}

#[test]
fn acled_export_streams_and_reports_the_row_without_coordinates() {
    let Some((code, fs, stderr)) = stream_real("acled-global-2020-05/acled.csv", &[]) else {
        return;
    };
    // PHL10453 (the last line) has no coordinates: a downloaded export cannot
    // be fixed by the user, so (as in `build`) it is skipped with a warning.
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs.len(), 5070);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("acled.csv:")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].ends_with("acled.csv:5072:23: warning: incident has no coordinates; skipped \"PHL10453\" — the ACLED export gives no latitude and longitude for this event"), "{stderr}");
    let first = &fs[0];
    assert_eq!(first["id"], first["properties"]["event_id_cnty"]);
    assert!(first["properties"]["fatalities"].is_i64());
    let approximate =
        fs.iter().filter(|f| f["properties"]["location_precision"] == "approximate").count();
    let geo3 = fs.iter().filter(|f| f["properties"]["geo_precision"] == 3).count();
    assert_eq!(approximate, geo3);
    assert!(approximate > 0);
}

#[test]
fn ucdp_ged_streams_with_approximate_locations() {
    let Some((code, fs, stderr)) = stream_real("ucdp-ged191-mmr-bgd/ged191.csv", &[]) else {
        return;
    };
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs.len(), 3194);
    for f in &fs {
        let p = &f["properties"];
        let approx = p["where_prec"].as_i64().unwrap() >= 3;
        assert_eq!(p["location_precision"] == "approximate", approx, "{f}");
        assert!(p.get("geom_wkt").is_none(), "the WKT column is the geometry");
        // the UCDP preset's readable properties, as in `build`'s incidents layer
        assert_eq!(p["fatalities"], p["best"], "{f}");
        assert_eq!(p["actor1"], p["side_a"], "{f}");
        let kind = match p["type_of_violence"].as_str().unwrap() {
            "1" => "state-based conflict",
            "2" => "non-state conflict",
            _ => "one-sided violence",
        };
        assert_eq!(p["type"], kind, "{f}");
    }
}

#[test]
fn hxl_tag_row_is_skipped() {
    let Some((code, fs, stderr)) =
        stream_real("ucdp-ged191-mmr-bgd/conflict_data_BGD_hxl.csv", &["--format", "geojson"])
    else {
        return;
    };
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs.len(), 601);
}

#[test]
fn stdin_to_geojsonseq_parses_line_by_line() {
    let csv = std::fs::read(repo().join("examples/qamishli/incidents.csv")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args(["incidents", "-", "--format", "geojsonseq"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&csv).unwrap();
    let o = child.wait_with_output().unwrap();
    let (stdout, stderr) = text(&o);
    // rows with only a place cannot be placed without --zones
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("-:4:5: unknown place \"Tayy\""), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 11);
    for l in lines {
        let json = l.strip_prefix('\u{1e}').expect("RFC 8142 record separator");
        let f: Value = serde_json::from_str(json).unwrap();
        assert_eq!(f["type"], "Feature");
    }
}

#[test]
fn demo_stream_matches_the_build_layer() {
    let w = Workdir::new();
    w.demo("q");
    let o = w.run(&["build", "q", "--since", "all", "--out", "out"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let layer = features(&w.read("out/incidents.geojson"));
    let o = w.run(&[
        "incidents",
        "q/incidents.csv",
        "--zones",
        "q/zones.geojson",
        "--control",
        "q/control.csv",
        "--forces",
        "q/forces.csv",
        "-o",
        "stream.geojson",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let streamed = features(&w.read("stream.geojson"));
    let by_id = |fs: &[Value]| -> BTreeMap<String, Value> {
        fs.iter().map(|f| (f["id"].as_str().unwrap().to_string(), f.clone())).collect()
    };
    assert_eq!(streamed.len(), layer.len());
    assert!(streamed.iter().any(|f| f["properties"]["location_precision"] == "zone"));
    assert!(streamed.iter().any(|f| f["properties"]["zone_force"].is_string()));
    assert_eq!(by_id(&streamed), by_id(&layer));
    // property order too: the stream writes the same keys in the same order
    let keys = |f: &Value| f["properties"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&streamed[0]), keys(&by_id(&layer)[streamed[0]["id"].as_str().unwrap()]));
}

#[test]
fn stream_incidents_example_runs() {
    let exe = std::env::current_exe().unwrap();
    let example = exe.parent().unwrap().parent().unwrap().join("examples/stream_incidents");
    if !example.exists() {
        eprintln!("skipping: {} not built", example.display());
        return;
    }
    let mut child = Command::new(example)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"id,date,lat,lon\n1,2021-04-25,37,41\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let (stdout, stderr) = text(&o);
    assert!(stdout.starts_with("\u{1e}{\"type\":\"Feature\",\"id\":\"1\""), "{stdout}");
    assert!(stderr.contains("1 features, 0 rows skipped"), "{stderr}");
}
