//! `build`: a project in, every layer in every requested format out.
//!
//! All outputs are rendered in memory first and only then written, each
//! atomically, so a failed build leaves the previous layers untouched.

use crate::error::Result;
use crate::layers::{LayerKind, Snapshot};
use crate::project::Project;
use crate::write::geojson::{write_collection, Flavor};
use crate::write::{atomic, Format};
use std::path::{Path, PathBuf};

/// What a build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    /// The map date D.
    pub as_of: String,
    /// The start of the recent window S (`None`: all).
    pub since: Option<String>,
    /// Files written, with their feature counts.
    pub files: Vec<(PathBuf, usize)>,
}

/// Render every layer of `project` in every format into `out_dir`.
///
/// # Errors
///
/// Usage errors (bad format, no date) and I/O errors.
pub fn build(project: &Project, out_dir: &Path) -> Result<BuildReport> {
    let formats = Format::parse_list(&project.settings.formats)?;
    let snapshot = Snapshot::new(project)?;
    let meta = snapshot.meta();
    let precision = project.settings.precision;
    let mut rendered: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut files = Vec::new();
    for kind in LayerKind::ALL {
        let mut features = kind.build(&snapshot)?;
        for format in &formats {
            let (ext, flavor) = match format {
                Format::GeoJson => ("geojson", Flavor::Collection),
                Format::GeoJsonSeq => ("geojsonseq", Flavor::Sequence),
            };
            let bytes = write_collection(Vec::new(), &mut features, &meta, precision, flavor)
                .map_err(|e| crate::Error::internal(format!("rendering {}: {e}", kind.name())))?;
            let path = out_dir.join(format!("{}.{ext}", kind.name()));
            files.push((path.clone(), features.len()));
            rendered.push((path, bytes));
        }
    }
    atomic::write_all(&rendered)?;
    Ok(BuildReport {
        as_of: snapshot.as_of.to_iso(),
        since: snapshot.since.as_ref().map(crate::model::Moment::to_iso),
        files,
    })
}
