//! `build`: a project in, every layer in every requested format out.
//!
//! Every layer is built once and sorted by id; then each format renders the
//! whole set (see `crate::write::Format::render`). Every output is written
//! into a temporary file beside its target (GeoJSON layers as they are
//! rendered, so hundreds of megabytes of incidents are never all in memory),
//! and the targets are replaced only once every file is written and synced,
//! so a failed build leaves the previous files untouched. Layers are built,
//! and formats rendered, in parallel; the output does not depend on the
//! number of threads.

use crate::error::{Error, Result};
use crate::layers::{Feature, LayerKind, Snapshot};
use crate::project::Project;
use crate::write::atomic::{self, AtomicFile};
use crate::write::geojson::natural_cmp;
use crate::write::geojson::Flavor;
use crate::write::{self, Format};
use rayon::prelude::*;
use std::io::{BufWriter, Write};
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
    // With only GeoJSON formats, the layers that grow with the data (millions
    // of incidents at country scale, a feature per control period) are not
    // turned into features: the GeoJSON writer renders them straight from
    // the model (`LayerKind::render_geojson`).
    let direct = formats.iter().all(|f| matches!(f, Format::GeoJson | Format::GeoJsonSeq));
    let (from_model, kinds): (Vec<LayerKind>, Vec<LayerKind>) =
        LayerKind::ALL.into_iter().partition(|k| direct && k.renders_from_model());
    snapshot.prepare();
    // The topology (built on one thread) is made while the layers that do
    // not need it are built on the others, and the layers rendered from the
    // model are written beside them too.
    let (arcs, rest): (Vec<LayerKind>, Vec<LayerKind>) =
        kinds.iter().partition(|k| k.needs_topology());
    let ((from_arcs, others), rendered) = rayon::join(
        || {
            rayon::join(
                || {
                    let _ = snapshot.topology();
                    layers_of(&snapshot, &arcs)
                },
                || layers_of(&snapshot, &rest),
            )
        },
        || {
            formats
                .par_iter()
                .map(|format| {
                    let Some((flavor, ext)) = format.geojson() else { return Ok(Vec::new()) };
                    from_model
                        .par_iter()
                        .map(|&kind| {
                            let path = out_dir.join(write::geojson_name(kind, ext));
                            Ok((kind, geojson_file(&snapshot, kind, path, None, flavor)?))
                        })
                        .collect::<Result<Vec<_>>>()
                })
                .collect::<Result<Vec<_>>>()
        },
    );
    let mut layers = from_arcs?;
    layers.extend(others?);
    layers.sort_by_key(|(kind, _)| LayerKind::ALL.iter().position(|k| k == kind));
    let rendered = rendered?;
    let staged = formats
        .par_iter()
        .zip(rendered)
        .map(|(format, rendered)| stage(*format, &snapshot, &layers, out_dir, rendered))
        .collect::<Result<Vec<_>>>()?;
    let mut files = Vec::new();
    let mut temps = Vec::new();
    for (path, features, file) in staged.into_iter().flatten() {
        files.push((path, features));
        temps.push(file);
    }
    atomic::commit_all(temps)?;
    // Hundreds of thousands of features: freed in the background, on all
    // threads, while the caller goes on (or the process ends).
    rayon::spawn(move || layers.into_par_iter().for_each(drop));
    Ok(BuildReport {
        as_of: snapshot.as_of.to_iso(),
        since: snapshot.since.as_ref().map(crate::model::Moment::to_iso),
        files,
    })
}

/// A file written into a temporary file beside its target, with its
/// feature count.
type Staged = (PathBuf, usize, AtomicFile);

/// Write the files of one format into temporary files beside their
/// targets: GeoJSON layers as they are rendered, other formats rendered in
/// memory first. `rendered` are the format's files written already,
/// straight from the model.
fn stage(
    format: Format,
    snapshot: &Snapshot<'_>,
    layers: &[(LayerKind, Vec<Feature>)],
    out_dir: &Path,
    mut rendered: Vec<(LayerKind, Staged)>,
) -> Result<Vec<Staged>> {
    let Some((flavor, ext)) = format.geojson() else {
        return format
            .render(snapshot, layers)?
            .into_iter()
            .map(|out| {
                let path = out_dir.join(&out.name);
                let mut file = AtomicFile::create(&path)?;
                file.write_all(&out.bytes).map_err(|e| Error::io(&path, e))?;
                file.start_sync()?;
                Ok((path, out.features, file))
            })
            .collect();
    };
    let files = write::geojson_layers(layers, ext)
        .into_par_iter()
        .map(|(kind, name, features)| {
            let file = features
                .map(|f| geojson_file(snapshot, kind, out_dir.join(name), Some(f), flavor))
                .transpose()?;
            Ok((kind, file))
        })
        .collect::<Result<Vec<_>>>()?;
    // in layer order: the built layers' files, and the rendered ones in their places
    Ok(files
        .into_iter()
        .filter_map(|(kind, file)| {
            file.or_else(|| {
                let at = rendered.iter().position(|(k, _)| *k == kind)?;
                Some(rendered.swap_remove(at).1)
            })
        })
        .collect())
}

/// Write one GeoJSON layer (`None` features: rendered from the model) into a
/// temporary file beside `path` as it is rendered.
fn geojson_file(
    snapshot: &Snapshot<'_>,
    kind: LayerKind,
    path: PathBuf,
    features: Option<&[Feature]>,
    flavor: Flavor,
) -> Result<Staged> {
    let file = BufWriter::with_capacity(1 << 20, AtomicFile::create(&path)?);
    let (file, count) = write::write_geojson_layer(snapshot, kind, features, flavor, file)
        .map_err(|e| Error::io(&path, e))?;
    let mut file = file.into_inner().map_err(|e| Error::io(&path, e.into_error()))?;
    file.start_sync()?;
    Ok((path, count, file))
}
