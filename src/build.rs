//! `build`: a project in, every layer in every requested format out.
//!
//! Every layer is built once and sorted by id; then each format renders the
//! whole set (see `crate::write::Format::render`). All outputs are rendered in
//! memory first and only then written, each atomically, so a failed build
//! leaves the previous files untouched. Layers are built, and formats
//! rendered, in parallel; the output does not depend on the number of threads.

use crate::error::Result;
use crate::layers::{Feature, LayerKind, Snapshot};
use crate::project::Project;
use crate::write::geojson::natural_cmp;
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

/// Build every layer of a snapshot, each sorted by id.
///
/// # Errors
///
/// Internal errors of a layer.
pub fn layers(snapshot: &Snapshot<'_>) -> Result<Vec<(LayerKind, Vec<Feature>)>> {
    layers_of(snapshot, &LayerKind::ALL)
}

/// Build the given layers of a snapshot, each sorted by id.
fn layers_of(
    snapshot: &Snapshot<'_>,
    kinds: &[LayerKind],
) -> Result<Vec<(LayerKind, Vec<Feature>)>> {
    kinds
        .par_iter()
        .map(|&kind| {
            let mut features = kind.build(snapshot)?;
            features.par_sort_by(|a, b| natural_cmp(&a.id, &b.id));
            Ok((kind, features))
        })
        .collect()
}

/// Render every layer of `project` in every format into `out_dir`.
///
/// # Errors
///
/// Usage errors (bad format, no date, missing `--leaflet` folder) and I/O errors.
pub fn build(project: &Project, out_dir: &Path) -> Result<BuildReport> {
    let formats = Format::parse_list(&project.settings.formats)?;
    let snapshot = Snapshot::new(project)?;
    // With only GeoJSON formats, the incidents layer (millions of rows at
    // country scale) is not turned into features: the GeoJSON writer renders
    // it straight from the model (`layers::incidents::render`).
    let direct = formats.iter().all(|f| matches!(f, Format::GeoJson | Format::GeoJsonSeq));
    let kinds: Vec<LayerKind> =
        LayerKind::ALL.into_iter().filter(|k| !(direct && *k == LayerKind::Incidents)).collect();
    snapshot.prepare();
    // The topology (built on one thread) is made while the layers that do
    // not need it are built on the others.
    let (arcs, rest): (Vec<LayerKind>, Vec<LayerKind>) =
        kinds.iter().partition(|k| k.needs_topology());
    let (from_arcs, others) = rayon::join(
        || {
            let _ = snapshot.topology();
            layers_of(&snapshot, &arcs)
        },
        || layers_of(&snapshot, &rest),
    );
    let mut layers = from_arcs?;
    layers.extend(others?);
    layers.sort_by_key(|(kind, _)| LayerKind::ALL.iter().position(|k| k == kind));
    let outputs = formats
        .par_iter()
        .map(|format| format.render(&snapshot, &layers))
        .collect::<Result<Vec<_>>>()?;
    let mut rendered: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut files = Vec::new();
    for out in outputs.into_iter().flatten() {
        let path = out_dir.join(&out.name);
        files.push((path.clone(), out.features));
        rendered.push((path, out.bytes));
    }
    atomic::write_all(&rendered)?;
    // Hundreds of thousands of features: freed in the background, on all
    // threads, while the caller goes on (or the process ends).
    rayon::spawn(move || layers.into_par_iter().for_each(drop));
    Ok(BuildReport {
        as_of: snapshot.as_of.to_iso(),
        since: snapshot.since.as_ref().map(crate::model::Moment::to_iso),
        files,
    })
}
