//! `frontline watch`: rebuild a project whenever one of its inputs is saved.
//!
//! This module owns which files are watched (`frontline.toml` and the four
//! inputs it names), change detection (size and modification time, polled;
//! no platform notification API, so it works the same on every system and
//! on network drives) with a short debounce for editors that save in
//! several writes, and the rebuild itself. It does not print: the CLI loop
//! reports each [`Outcome`]. A failed rebuild writes nothing (`build` is
//! atomic and stops on data errors), so the last good layers stay in place.

use crate::build::{build, BuildReport};
use crate::error::{Diagnostics, Error, Result};
use crate::project::{Config, Overrides, Project, Settings};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How often the inputs are polled.
pub const POLL: Duration = Duration::from_millis(200);

/// A change must be quiet this long before the rebuild starts.
pub const SETTLE: Duration = Duration::from_millis(100);

/// At most this long is spent waiting for a busy file to settle.
const MAX_SETTLE: Duration = Duration::from_millis(600);

/// The state of the watched files: size and modification time of each
/// (`None` for a missing file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamps(Vec<(PathBuf, Option<Stamp>)>);

/// Size and modification time of one file.
type Stamp = (u64, Option<SystemTime>);

impl Stamps {
    /// Read the size and modification time of each path.
    #[must_use]
    pub fn of(paths: &[PathBuf]) -> Stamps {
        Stamps(
            paths
                .iter()
                .map(|p| {
                    let meta = std::fs::metadata(p).ok();
                    (p.clone(), meta.map(|m| (m.len(), m.modified().ok())))
                })
                .collect(),
        )
    }
}

/// The files a rebuild reads: `frontline.toml` and the zones, control,
/// incidents and forces files it (or the overrides) name. A broken
/// `frontline.toml` falls back to the default names.
#[must_use]
pub fn inputs(dir: &Path, overrides: &Overrides) -> Vec<PathBuf> {
    let toml = dir.join("frontline.toml");
    let config = std::fs::read_to_string(&toml)
        .map(|text| Config::parse(Path::new("frontline.toml"), &text, &mut Diagnostics::new()))
        .unwrap_or_default();
    let settings = Settings::resolve(config, overrides)
        .or_else(|_| Settings::resolve(Config::default(), &Overrides::default()));
    let mut paths = vec![toml];
    if let Ok(s) = settings {
        for name in [&s.zones, &s.control, &s.incidents, &s.forces] {
            paths.push(dir.join(name));
        }
    }
    paths
}

/// What one rebuild did.
#[derive(Debug)]
pub enum Outcome {
    /// The layers were rebuilt; warnings, if any, come along.
    Built(BuildReport, Diagnostics),
    /// Nothing was written; the previous layers are untouched.
    Failed(Error),
}

/// Watches a project's inputs and rebuilds it into an output folder.
#[derive(Debug)]
pub struct Watcher {
    dir: PathBuf,
    overrides: Overrides,
    out: PathBuf,
    paths: Vec<PathBuf>,
    last: Stamps,
}

impl Watcher {
    /// Watch the project in `dir`, building into `out`.
    ///
    /// # Errors
    ///
    /// A usage error when `dir` is not a folder (nothing could ever build).
    pub fn new(dir: &Path, overrides: Overrides, out: &Path) -> Result<Watcher> {
        if !dir.is_dir() {
            return Err(Error::usage(format!(
                "project folder \"{}\" does not exist — create one with frontline init",
                dir.display()
            )));
        }
        let paths = inputs(dir, &overrides);
        let last = Stamps::of(&paths);
        Ok(Watcher { dir: dir.to_path_buf(), overrides, out: out.to_path_buf(), paths, last })
    }

    /// The files being watched.
    #[must_use]
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// Whether any watched file changed since the last call (or since
    /// [`Watcher::new`]); remembers the new state.
    pub fn poll(&mut self) -> bool {
        let now = Stamps::of(&self.paths);
        if now == self.last {
            return false;
        }
        self.last = now;
        true
    }

    /// Block until an input changes and has been quiet for 100 ms
    /// (or 600 ms have passed, for a file that keeps changing).
    pub fn wait_for_change(&mut self) {
        while !self.poll() {
            std::thread::sleep(POLL);
        }
        let start = Instant::now();
        std::thread::sleep(SETTLE);
        while self.poll() && start.elapsed() < MAX_SETTLE {
            std::thread::sleep(SETTLE);
        }
    }

    /// Read the project and build it. The list of watched files is
    /// refreshed first, since `frontline.toml` may have renamed an input.
    pub fn rebuild(&mut self) -> Outcome {
        let paths = inputs(&self.dir, &self.overrides);
        if paths != self.paths {
            self.paths = paths;
            self.last = Stamps::of(&self.paths);
        }
        match Project::load(&self.dir, &self.overrides) {
            Err(e) => Outcome::Failed(e),
            Ok((project, warnings)) => match build(&project, &self.out) {
                Ok(report) => Outcome::Built(report, warnings),
                Err(e) => Outcome::Failed(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_edits_new_and_deleted_files_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("control.csv"), "zone,force,since\n").unwrap();
        let mut w = Watcher::new(dir, Overrides::default(), &dir.join("out")).unwrap();
        assert!(!w.poll());
        std::fs::write(dir.join("control.csv"), "zone,force,since\na,b,2021-01-01\n").unwrap();
        assert!(w.poll());
        assert!(!w.poll(), "a change is reported once");
        std::fs::write(dir.join("forces.csv"), "id,name\n").unwrap();
        assert!(w.poll(), "a new input counts");
        std::fs::create_dir_all(dir.join("out")).unwrap();
        std::fs::write(dir.join("out/control.geojson"), "{}").unwrap();
        std::fs::write(dir.join("notes.txt"), "not an input").unwrap();
        assert!(!w.poll(), "outputs and other files are not watched");
        std::fs::remove_file(dir.join("forces.csv")).unwrap();
        assert!(w.poll(), "a deleted input counts");
    }

    #[test]
    fn follows_renamed_inputs_in_frontline_toml() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("frontline.toml"), "control = \"history.csv\"\n").unwrap();
        let paths = inputs(dir, &Overrides::default());
        assert!(paths.contains(&dir.join("history.csv")));
        assert!(!paths.contains(&dir.join("control.csv")));
        std::fs::write(dir.join("frontline.toml"), "contrl = \"history.csv\"\n").unwrap();
        assert!(inputs(dir, &Overrides::default()).contains(&dir.join("control.csv")));
    }

    #[test]
    fn a_broken_input_fails_and_keeps_the_last_good_layers() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("p");
        crate::init::init(&dir).unwrap();
        let out = dir.join("out");
        let mut w = Watcher::new(&dir, Overrides::default(), &out).unwrap();
        assert!(matches!(w.rebuild(), Outcome::Built(..)));
        let good = std::fs::read(out.join("control.geojson")).unwrap();
        let control = dir.join("control.csv");
        let mut text = std::fs::read_to_string(&control).unwrap();
        text.push_str("Markt,red,2024-03-06,,held,,\n");
        std::fs::write(&control, text).unwrap();
        assert!(w.poll());
        let Outcome::Failed(e) = w.rebuild() else { panic!("a broken input must fail") };
        let d = e.diagnostics().unwrap().to_text();
        assert!(d.contains("unknown zone \"Markt\""), "{d}");
        assert_eq!(std::fs::read(out.join("control.geojson")).unwrap(), good);
    }
}
