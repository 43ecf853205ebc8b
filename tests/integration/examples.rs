//! The Rust examples under `examples/` run, so they cannot rot.

use crate::util::{text, Workdir};
use std::path::PathBuf;
use std::process::Command;

/// The path of a built example (cargo test builds examples next to the binary).
fn example(name: &str) -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_frontline"));
    bin.parent().unwrap().join("examples").join(name)
}

#[test]
fn build_project_example_builds_the_demo() {
    // `cargo test` builds the examples; `cargo test --test integration` does not.
    if !example("build_project").exists() {
        eprintln!("skipping: examples not built (run plain `cargo test`)");
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
