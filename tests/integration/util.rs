//! Test helpers: a temporary working folder that runs the binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// The real-data lookup, the same file the unit tests use.
#[path = "../../src/test_data.rs"]
mod test_data;
pub use test_data::shared_data;

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
        self.command(args).output().expect("run frontline")
    }

    /// Run `frontline` with `args` in this folder, `stdin` on its standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run frontline");
        let mut pipe = child.stdin.take().expect("stdin");
        let input = stdin.to_vec();
        // written from a thread so that a full stdout pipe cannot block both sides
        let writer = std::thread::spawn(move || {
            // a command that stops reading early closes the pipe: not an error here
            let _ = pipe.write_all(&input);
        });
        let out = child.wait_with_output().expect("wait for frontline");
        writer.join().expect("stdin writer");
        out
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_frontline"));
        c.args(args).current_dir(self.path()).env("NO_COLOR", "1");
        c
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
