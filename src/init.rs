//! `frontline init`: a new project folder with small commented example files
//! (a fictional 2×2 grid of zones, two forces, a short control history with a
//! contested zone and a lapsing claim, three incidents) that build as they
//! are. The templates live in `data/init/`; this module only writes them.
//! It never overwrites anything: the folder must be new or empty.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The template files: name and contents.
pub const TEMPLATES: [(&str, &str); 5] = [
    ("frontline.toml", include_str!("../data/init/frontline.toml")),
    ("zones.geojson", include_str!("../data/init/zones.geojson")),
    ("control.csv", include_str!("../data/init/control.csv")),
    ("incidents.csv", include_str!("../data/init/incidents.csv")),
    ("forces.csv", include_str!("../data/init/forces.csv")),
];

/// Create `dir` (if needed) and write the example project into it.
///
/// # Examples
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tmp = tempfile::tempdir()?;
/// let dir = tmp.path().join("my-map");
/// let written = frontline::init(&dir)?;
/// assert_eq!(written.len(), 5);
/// assert!(dir.join("control.csv").exists());
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// A usage error when `dir` is a file or a folder that is not empty; I/O errors.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::usage(format!(
                "\"{}\" is a file — give a new folder, e.g. frontline init my-map",
                dir.display()
            )));
        }
        let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        if entries.next().is_some() {
            return Err(Error::usage(format!(
                "folder \"{}\" is not empty — give a new or empty folder, e.g. frontline init my-map",
                dir.display()
            )));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::with_capacity(TEMPLATES.len());
    for (name, text) in TEMPLATES {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{Overrides, Project};

    #[test]
    fn the_example_project_reads_without_any_problem_and_builds() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("p");
        init(&dir).unwrap();
        let loaded = Project::read(&dir, &Overrides::default()).unwrap();
        assert!(loaded.diagnostics.is_empty(), "{}", loaded.diagnostics.to_text());
        let report = crate::build::build(&loaded.project, &dir.join("out")).unwrap();
        assert_eq!(report.as_of, "2024-03-05");
        let changes = std::fs::read_to_string(dir.join("out/changes.geojson")).unwrap();
        // since 2024-02-27: the market changed (blue → red); the hill's claim lapsed inside the window
        assert!(changes.contains(r#""zone":"market""#), "{changes}");
        assert!(!changes.contains(r#""zone":"hill""#), "{changes}");
    }

    #[test]
    fn refuses_a_folder_that_is_not_empty() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        let e = init(tmp.path()).unwrap_err();
        assert!(e.is_usage());
        assert!(e.to_string().contains("is not empty"), "{e}");
        assert_eq!(std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(), "mine");
    }
}
