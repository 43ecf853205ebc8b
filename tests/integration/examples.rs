//! The Rust examples under `examples/` run, so they cannot rot.

use crate::util::{text, Workdir};
use std::path::PathBuf;
use std::process::Command;

/// The path of a built example (cargo test builds examples next to the binary).
fn example(name: &str) -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_frontline"));
    bin.parent().unwrap().join("examples").join(name)
}

/// Whether `name` was built; `cargo test` builds the examples, `cargo test
/// --test integration` does not (a failure with `FRONTLINE_REQUIRE_EXAMPLES=1`).
fn built(name: &str) -> bool {
    if example(name).exists() {
        return true;
    }
    let required = std::env::var_os("FRONTLINE_REQUIRE_EXAMPLES").is_some_and(|v| v == "1");
    assert!(!required, "example {name} was not built (run plain `cargo test`)");
    eprintln!("skipping: examples not built (run plain `cargo test`)");
    false
}

/// The examples under `examples/` (the `.rs` files).
fn examples() -> Vec<String> {
    let dir = crate::util::repo().join("examples");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rs").map(String::from)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn every_example_has_a_test() {
    let tests =
        std::fs::read_to_string(crate::util::repo().join("tests/integration/examples.rs")).unwrap();
    for name in examples() {
        assert!(
            tests.contains(&format!("built(\"{name}\")")),
            "examples/{name}.rs has no test here"
        );
    }
}

#[test]
fn build_project_example_builds_the_demo() {
    if !built("build_project") {
        return;
    }
    let w = Workdir::new();
    w.demo("q");
    let o = Command::new(example("build_project"))
        .args(["q", "out", "2021-04-22"])
        .current_dir(w.path())
        .output()
        .expect("run example (built by cargo test)");
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(out.starts_with("as of 2021-04-22: 10 zones, 4 forces\n"), "{out}");
    assert!(w.read("out/control.geojson").contains(r#""status":"contested""#));
}

#[test]
fn layers_in_memory_example_lists_every_layer() {
    if !built("layers_in_memory") {
        return;
    }
    let w = Workdir::new();
    w.demo("q");
    let o = Command::new(example("layers_in_memory"))
        .args(["q", "2021-04-22"])
        .current_dir(w.path())
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(out.starts_with("control: 10 features\nareas: "), "{out}");
    assert!(out.contains("\n  al-tay asayish|ndf contested\n"), "{out}");
    assert!(out.contains("areas as GeoJSON: "), "{out}");
}

#[test]
fn stream_incidents_example_streams_stdin() {
    if !built("stream_incidents") {
        return;
    }
    let csv = "id,date,latitude,longitude,type\n1,2021-04-22,37.05,41.22,clash\n2,2021-04-23,bad,41.2,clash\n";
    let mut child = Command::new(example("stream_incidents"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), csv.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert_eq!(out.matches('\u{1e}').count(), 1, "{out}");
    assert!(out.contains(r#""id":"1""#), "{out}");
    assert!(err.contains(":3:"), "{err}");
}

#[test]
fn bench_baseline_example_writes_every_row() {
    if !built("bench_baseline") {
        return;
    }
    let w = Workdir::new();
    let csv = w.write("in.csv", "id,latitude,longitude,note\n1,37.05,41.22,a\n2,37.06,41.23,b\n");
    let o = Command::new(example("bench_baseline")).arg(&csv).output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["features"].as_array().unwrap().len(), 2, "{out}");
}
