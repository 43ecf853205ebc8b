//! `build`: a project in, every layer in every requested format out.
//!
//! All outputs are rendered in memory first and only then written, each
//! atomically, so a failed build leaves the previous layers untouched.
//! Layers are built and rendered in parallel; the output does not depend on
//! the number of threads.

use crate::error::Result;
use crate::layers::{incidents, LayerKind, Snapshot};
use crate::project::Project;
use crate::write::geojson::{write_collection, Flavor};
use crate::write::{atomic, Format};
use rayon::prelude::*;
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

/// `incidents.*` straight from the model (see [`incidents::render`]).
fn render_incidents(
    snapshot: &Snapshot<'_>,
    formats: &[Format],
    meta: &serde_json::Map<String, serde_json::Value>,
    precision: u8,
    out_dir: &Path,
) -> Result<Vec<(PathBuf, usize, Vec<u8>)>> {
    let mut out = Vec::with_capacity(formats.len());
    for format in formats {
        let (ext, flavor) = match format {
            Format::GeoJson => ("geojson", Flavor::Collection),
            Format::GeoJsonSeq => ("geojsonseq", Flavor::Sequence),
        };
        let (bytes, n) = incidents::render(snapshot, meta, precision, flavor)
            .map_err(|e| crate::Error::internal(format!("rendering incidents: {e}")))?;
        out.push((out_dir.join(format!("incidents.{ext}")), n, bytes));
    }
    Ok(out)
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
    // Layers are independent: build and render them in parallel, keep their order.
    let layers = LayerKind::ALL
        .par_iter()
        .map(|kind| -> Result<Vec<(PathBuf, usize, Vec<u8>)>> {
            if *kind == LayerKind::Incidents {
                // millions of incidents: rendered from the model, no Feature per row
                return render_incidents(&snapshot, &formats, &meta, precision, out_dir);
            }
            let mut features = kind.build(&snapshot)?;
            let mut out = Vec::with_capacity(formats.len());
            for format in &formats {
                let (ext, flavor) = match format {
                    Format::GeoJson => ("geojson", Flavor::Collection),
                    Format::GeoJsonSeq => ("geojsonseq", Flavor::Sequence),
                };
                let bytes = write_collection(Vec::new(), &mut features, &meta, precision, flavor)
                    .map_err(|e| {
                    crate::Error::internal(format!("rendering {}: {e}", kind.name()))
                })?;
                let path = out_dir.join(format!("{}.{ext}", kind.name()));
                out.push((path, features.len(), bytes));
            }
            Ok(out)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut rendered: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut files = Vec::new();
    for (path, n, bytes) in layers.into_iter().flatten() {
        files.push((path.clone(), n));
        rendered.push((path, bytes));
    }
    atomic::write_all(&rendered)?;
    Ok(BuildReport {
        as_of: snapshot.as_of.to_iso(),
        since: snapshot.since.as_ref().map(crate::model::Moment::to_iso),
        files,
    })
}
