//! `diff`, `init` and `watch` through the binary.

use crate::util::{text, Workdir};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn diff_text_names_zones_states_dates_and_sources() {
    let w = Workdir::new();
    w.demo("q");
    let o = w.run(&["diff", "q", "--from", "2021-04-20", "--to", "2021-04-27"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    insta::assert_snapshot!(text(&o).0, @r"
    2 zones changed from 2021-04-20 to 2021-04-27:
    al-Tay (al-tay): Asayish | National Defence Forces (contested) → Asayish, 2021-04-24 (North Press Agency)
    Kilo (kilo): Asayish | National Defence Forces (contested) → National Defence Forces, 2021-04-25T22:00:00+03:00 (North Press Agency)
    ");
}

#[test]
fn diff_json_and_geojson_agree_with_the_changes_layer() {
    let w = Workdir::new();
    w.demo("q");
    let o = w.run(&["diff", "q", "--from", "2021-04-22", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let zones: Vec<&str> =
        v["changes"].as_array().unwrap().iter().map(|c| c["zone"].as_str().unwrap()).collect();
    // the Allaya claim was in force on the 22nd and lapsed on the 23rd
    assert_eq!(zones, ["allaya", "al-tay", "kilo"]);
    assert_eq!(v["changes"][0]["date"], "2021-04-23");
    assert_eq!(v["changes"][0]["from_status"], "claimed");

    let g = w.run(&["diff", "q", "--from", "2021-04-22", "--format", "geojson"]);
    assert_eq!(g.status.code(), Some(0));
    let b = w.run(&["build", "q", "--since", "2021-04-22", "--out", "out"]);
    assert_eq!(b.status.code(), Some(0));
    assert_eq!(text(&g).0, w.read("out/changes.geojson"), "diff --format geojson is the layer");
}

#[test]
fn init_makes_a_project_that_builds_and_checks_clean() {
    let w = Workdir::new();
    let o = w.run(&["init", "p"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    let c = w.run(&["check", "p"]);
    assert_eq!(c.status.code(), Some(0));
    assert_eq!(text(&c).0, "0 errors, 0 warnings\n", "check reports nothing");
    let b = w.run(&["build", "p"]);
    assert_eq!(b.status.code(), Some(0), "{}", text(&b).1);
    assert!(!text(&b).1.contains("warning"), "{}", text(&b).1);
    for layer in ["control", "changes", "incidents", "timeline", "labels"] {
        assert!(w.path().join(format!("p/out/{layer}.geojson")).exists(), "{layer}");
    }
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let w = Workdir::new();
    w.write("p/zones.geojson", "mine");
    let o = w.run(&["init", "p"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("folder \"p\" is not empty — give a new or empty folder"));
    assert_eq!(w.read("p/zones.geojson"), "mine");
}

/// Kills the watcher however the test ends.
struct Running(Child);
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < Duration::from_secs(5), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn watch_rebuilds_on_save_and_keeps_the_last_good_layers_on_errors() {
    let w = Workdir::new();
    w.demo("q");
    let stderr = w.path().join("watch.stderr");
    let _watch = Running(
        Command::new(env!("CARGO_BIN_EXE_frontline"))
            .args(["watch", "q"])
            .current_dir(w.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap(),
    );
    let control = w.path().join("q/out/control.geojson");
    wait_until("the first build", || read(&control).contains("\"zone\":\"wusta\""));
    let first = read(&control);
    assert!(!first.contains("Test Wire"));

    let csv = w.path().join("q/control.csv");
    let mut good = read(&csv);
    good.push_str("al-Wusta,ndf,2021-04-27,,held,Test Wire,\n");
    let saved = Instant::now();
    std::fs::write(&csv, &good).unwrap();
    wait_until("the rebuild", || read(&control).contains("Test Wire"));
    let took = saved.elapsed();
    assert!(took < Duration::from_secs(3), "rebuilt after {took:?}");
    let rebuilt = read(&control);

    let mut broken = good.clone();
    broken.push_str("Wusat,asayish,2021-04-27,,held,,\n");
    std::fs::write(&csv, broken).unwrap();
    wait_until("the error", || read(&stderr).contains("kept the last good layers"));
    let log = read(&stderr);
    assert!(log.contains("control.csv:20:1: unknown zone \"Wusat\""), "{log}");
    assert_eq!(read(&control), rebuilt, "the last good layer stays");

    std::fs::write(&csv, good.replace("Test Wire", "Fixed Wire")).unwrap();
    wait_until("the rebuild after the fix", || read(&control).contains("Fixed Wire"));
}

#[test]
fn watch_of_a_missing_folder_is_a_usage_error() {
    let o = Workdir::new().run(&["watch", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
}

/// The `grid-changes` golden case, computed by hand (see its control.csv):
/// S = 2021-03-01 (whole day), D = 2021-03-10.
#[test]
fn grid_changes_are_the_hand_computed_ones() {
    let w = Workdir::new();
    crate::util::copy_dir(&crate::util::repo().join("tests/golden/grid-changes/input"), w.path());
    let o = w.run(&["diff", ".", "--from", "2021-03-01", "--to", "2021-03-10", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<String> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}/{} -> {}/{} {} {}",
                c["zone"].as_str().unwrap(),
                c["from_force"],
                c["from_status"],
                c["to_force"],
                c["to_status"],
                c["date"].as_str().unwrap(),
                c["source"]
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // a claim that began before S lapsed inside the window: dated by its `until`
            r#"ell "blue"/"claimed" -> "red"/"held" 2021-03-04 "S0""#,
            r#"a "red"/"held" -> "blue"/"held" 2021-03-05 "Sa""#,
            r#"d "red"/"held" -> "blue"/"claimed" 2021-03-07 "Sd""#,
            // contested on S's own day already; the latest of its changes wins
            r#"b "blue|red"/"contested" -> "red"/"held" 2021-03-08 "Sb3""#,
            // the only row lapsed: no state at D, no source
            r#"e "red"/"held" -> null/null 2021-03-09 null"#,
            // no row before: from no state
            r#"f null/null -> "blue"/"held" 2021-03-09T06:00:00+02:00 "Sf""#,
        ]
    );
    // c: a claim that began and lapsed inside the window, then a new row with the same state
    assert!(!got.iter().any(|g| g.starts_with("c ")));
}
