//! `build`: a project in, every layer in every requested format out.
//!
//! Every layer is built once and sorted by id; then each format renders the
//! whole set (see `crate::write::Format::render`). Every output is written
//! into a temporary file beside its target (GeoJSON layers as they are
//! rendered, so hundreds of megabytes of incidents are never all in memory),
//! and the targets are replaced only once every file is written (and each
//! that replaces a file synced, see `crate::write::atomic`), so a failed
//! build leaves the previous files untouched. Layers are built,
//! and formats rendered, in parallel; the output does not depend on the
//! number of threads.

use crate::error::{Error, Result};
use crate::layers::{Feature, LayerKind, Snapshot};
use crate::natural::natural_cmp;
use crate::project::Project;
use crate::write::atomic::{self, AtomicFile};
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
    build_each(snapshot, &LayerKind::ALL, |_, features| Ok(features))
}

/// Build the given layers of a snapshot in parallel, each sorted by id,
/// and hand each to `then` as soon as it is built; the results come back
/// in [`LayerKind::ALL`] order. The topology (built on one thread) is made
/// while the layers that do not need it are built on the others.
fn build_each<T: Send>(
    snapshot: &Snapshot<'_>,
    kinds: &[LayerKind],
    then: impl Fn(LayerKind, Vec<Feature>) -> Result<T> + Sync,
) -> Result<Vec<(LayerKind, T)>> {
    let each = |kinds: &[LayerKind]| {
        kinds
            .par_iter()
            .map(|&kind| {
                let mut features = kind.build(snapshot)?;
                features.par_sort_by(|a, b| natural_cmp(&a.id, &b.id));
                Ok((kind, then(kind, features)?))
            })
            .collect::<Result<Vec<_>>>()
    };
    let (arcs, rest): (Vec<LayerKind>, Vec<LayerKind>) =
        kinds.iter().partition(|k| k.needs_topology());
    let (from_arcs, others) = rayon::join(
        || {
            if !arcs.is_empty() {
                let _ = snapshot.topology();
            }
            each(&arcs)
        },
        || each(&rest),
    );
    let mut done = from_arcs?;
    done.extend(others?);
    done.sort_by_key(|(kind, _)| LayerKind::ALL.iter().position(|k| k == kind));
    Ok(done)
}

/// Render every layer of `project` in every format into `out_dir`.
///
/// # Errors
///
/// Usage errors (bad format, no date, missing `--leaflet` folder) and I/O errors.
pub fn build(project: &Project, out_dir: &Path) -> Result<BuildReport> {
    let formats = Format::parse_list(&project.settings.formats)?;
    let snapshot = Snapshot::new(project)?;
    snapshot.prepare();
    let geojson: Option<Vec<(Flavor, &str)>> = formats.iter().map(|f| f.geojson()).collect();
    let (temps, layers) = match geojson {
        Some(flavors) => write_as_built(&snapshot, &flavors, out_dir)?,
        None => {
            let layers = layers(&snapshot)?;
            let staged = formats
                .par_iter()
                .map(|format| stage(*format, &snapshot, &layers, out_dir))
                .collect::<Result<Vec<_>>>()?;
            (staged.into_iter().flatten().collect(), layers)
        }
    };
    let files = temps.iter().map(|(path, features, _)| (path.clone(), *features)).collect();
    atomic::commit_all(temps.into_iter().map(|(_, _, file)| file).collect())?;
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

/// Built layers, each with its features.
type Layers = Vec<(LayerKind, Vec<Feature>)>;

/// With only GeoJSON formats, write each layer's files as soon as it is
/// built, while the others are still building; the layers that
/// [render from the model](LayerKind::renders_from_model) (a feature per
/// zone, per control period, per incident) are not turned into features at
/// all. The files come format by
/// format, each in layer order, with the built layers.
fn write_as_built(
    snapshot: &Snapshot<'_>,
    flavors: &[(Flavor, &str)],
    out_dir: &Path,
) -> Result<(Vec<Staged>, Layers)> {
    let write = |kind: LayerKind, features: Option<&[Feature]>| {
        flavors
            .par_iter()
            .map(|&(flavor, ext)| {
                let path = out_dir.join(write::geojson_name(kind, ext));
                geojson_file(snapshot, kind, path, features, flavor)
            })
            .collect::<Result<Vec<_>>>()
    };
    let (from_model, kinds): (Vec<LayerKind>, Vec<LayerKind>) =
        LayerKind::ALL.into_iter().partition(|k| k.renders_from_model());
    let (built, rendered) = rayon::join(
        || {
            build_each(snapshot, &kinds, |kind, features| {
                Ok((write(kind, Some(&features))?, features))
            })
        },
        || {
            from_model
                .par_iter()
                .map(|&kind| Ok((kind, write(kind, None)?)))
                .collect::<Result<Vec<_>>>()
        },
    );
    let mut files = rendered?;
    let mut layers = Vec::new();
    for (kind, (staged, features)) in built? {
        files.push((kind, staged));
        layers.push((kind, features));
    }
    files.sort_by_key(|(kind, _)| LayerKind::ALL.iter().position(|k| k == kind));
    let mut by_format: Vec<Vec<Staged>> = flavors.iter().map(|_| Vec::new()).collect();
    for (_, staged) in files {
        for (format, file) in by_format.iter_mut().zip(staged) {
            format.push(file);
        }
    }
    Ok((by_format.into_iter().flatten().collect(), layers))
}

/// Render the files of one format from the built layers into temporary
/// files beside their targets: GeoJSON layers as they are rendered, other
/// formats in memory first.
fn stage(
    format: Format,
    snapshot: &Snapshot<'_>,
    layers: &[(LayerKind, Vec<Feature>)],
    out_dir: &Path,
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
    write::geojson_layers(layers, ext)
        .into_par_iter()
        .map(|(kind, name, features)| {
            geojson_file(snapshot, kind, out_dir.join(name), features, flavor)
        })
        .collect()
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
