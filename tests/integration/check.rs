//! `frontline check`: every problem, located.

use crate::util::{text, Workdir};

#[test]
fn lists_every_problem_with_locations() {
    let w = Workdir::new();
    w.demo("q");
    w.write(
        "q/control.csv",
        "zone,force,since,status\nTia,ndf,2021-04-20,\nkilo,asaysh,2021-02-30,\nkilo,ndf,2021-04-20,sieged\n",
    );
    let o = w.run(&["check", "q"]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(out, @r#"
    control.csv:2:1: unknown zone "Tia" — did you mean "al-Tay"?
    control.csv:3:2: unknown force "asaysh" — did you mean "Asayish"?
    control.csv:3:3: impossible date "2021-02-30" — this day does not exist in the calendar
    control.csv:4:4: unknown status "sieged" — use held, contested or claimed
    4 errors, 0 warnings
    "#);
}

#[test]
fn json_report_for_machines() {
    let w = Workdir::new();
    w.demo("q");
    w.write("q/control.csv", "zone,force,since\nTia,ndf,2021-04-20\n");
    let o = w.run(&["check", "q", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("control.csv"), Some(2), Some(1))
    );
    assert_eq!(d["value"], "Tia");
    assert_eq!(d["hint"], "did you mean \"al-Tay\"?");
}

#[test]
fn demo_is_clean() {
    let w = Workdir::new();
    w.demo("q");
    let o = w.run(&["check", "q"]);
    assert_eq!(text(&o).0, "0 errors, 0 warnings\n");
    assert!(o.status.success());
}

#[test]
fn several_problems_in_one_row_are_all_listed() {
    let w = Workdir::new();
    w.demo("q");
    w.write("q/incidents.csv", "id,date,lat,lon\nA,2021-02-30,95,lon?\n");
    let o = w.run(&["check", "q", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cols: Vec<u64> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "incidents.csv" && d["line"] == 2)
        .map(|d| d["column"].as_u64().unwrap())
        .collect();
    assert_eq!(cols, [2, 3, 4]);
}

#[test]
fn warnings_only_exit_0() {
    let w = Workdir::new();
    w.demo("q");
    let csv = w.read("q/incidents.csv").replace("37.0345,41.2205", "41.2205,37.0345");
    w.write("q/incidents.csv", csv);
    let o = w.run(&["check", "q"]);
    let (out, _) = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("incidents.csv:2: warning: latitude and longitude look swapped"), "{out}");
    assert!(out.ends_with("0 errors, 1 warning\n"), "{out}");
}

#[test]
fn declared_encoding_and_preset_flags() {
    let w = Workdir::new();
    w.demo("q");
    // control.csv stays UTF-8 (Arabic aliases); incidents.csv comes from an old Excel
    w.write("q/incidents.csv", b"id,date,lat,lon,note\nA,2021-04-20,37.0345,41.2205,caf\xE9\n");
    let o = w.run(&["check", "q"]);
    assert!(text(&o).0.contains("warning: file is not UTF-8; read as Windows-1252"));
    let o = w.run(&["check", "q", "--encoding", "windows-1252"]);
    assert_eq!(text(&o).0, "0 errors, 0 warnings\n");
    w.write("q/frontline.toml", "encoding = \"cp1252\"\n");
    assert_eq!(text(&w.run(&["check", "q"])).0, "0 errors, 0 warnings\n");
    let o = w.run(&["check", "q", "--preset", "gdelt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("invalid --preset \"gdelt\" — use acled or ucdp"));
    // forcing ACLED on a table that is not one names the missing column
    let o = w.run(&["check", "q", "--preset", "acled"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).0.contains("incidents.csv:1: missing required column \"event_date\""));
}

#[test]
fn a_zone_dropped_for_its_geometry_is_reported_once() {
    let w = Workdir::new();
    w.write(
        "p/zones.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"a","name":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"id":"bow","name":"Bow Tie","aliases":["Papillon"]},"geometry":{"type":"Polygon","coordinates":[[[2,0],[3,1],[3,0],[2,1],[2,0]]]}}
]}"#,
    );
    w.write(
        "p/control.csv",
        "zone,force,since\na,X,2024-01-01\nbow,Y,2024-01-02\nbow tie,Y,2024-01-03\nPapillon,Y,2024-01-04\nBo,Y,2024-01-05\n",
    );
    w.write(
        "p/incidents.csv",
        "id,date,place,type\n1,2024-01-02,Bow Tie,clash\n2,2024-01-02,A,clash\n",
    );
    let o = w.run(&["check", "p"]);
    let (out, _) = text(&o);
    // the zone's own error, and the row that names no zone at all; nothing for
    // the rows and the incident that name the dropped zone
    assert!(out.contains("zones.geojson: feature 1: invalid polygon"), "{out}");
    assert!(out.contains(r#"control.csv:6:1: unknown zone "Bo""#), "{out}");
    assert!(
        !out.contains("\"bow\"") && !out.contains("Papillon") && !out.contains("Bow Tie"),
        "{out}"
    );
    assert!(out.ends_with("2 errors, 0 warnings\n"), "{out}");
}
