//! Test helpers: a temporary working folder that runs the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared real-data folder, or `None` (with a message) when absent.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let base = std::env::var_os("FRONTLINE_SHARED_DATA")
        .map_or_else(|| repo().join("../shared/data/real"), PathBuf::from);
    let p = base.join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found (set FRONTLINE_SHARED_DATA)", p.display());
        None
    }
}

/// A temporary folder to run `frontline` in.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Self {
        Workdir { dir: tempfile::tempdir().expect("tempdir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file (creating folders).
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        p
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Copy the Qamishli demo into `rel` (without its `out/`).
    pub fn demo(&self, rel: &str) {
        for f in ["zones.geojson", "control.csv", "incidents.csv", "forces.csv", "frontline.toml"] {
            let bytes = std::fs::read(repo().join("examples/qamishli").join(f)).unwrap();
            self.write(&format!("{rel}/{f}"), bytes);
        }
    }

    /// Run `frontline` with `args` in this folder.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_frontline"))
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run frontline")
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            if e.file_name() != "out" {
                copy_dir(&e.path(), &target);
            }
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// stdout and stderr as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
