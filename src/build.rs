//! `build`: a project in, every layer in every requested format out.
//!
//! One path: each layer is built once ([`LayerKind::build`], in parallel,
//! the layers that need the shared arcs beside the others) and handed, as
//! soon as it is built, to every requested format's
//! [`Writer`](crate::write::Writer); once every layer was handed, each
//! writer finishes (the page and the picture need all of them). Every
//! output is written into a temporary file beside its target (GeoJSON as it
//! is rendered, so with the GeoJSON formats alone hundreds of megabytes of
//! incidents are never all in memory; the page, the picture and the QGIS
//! styles read every layer's features owned), and the targets are replaced only once every file is written
//! (and each that replaces a file synced, see `crate::write::atomic`), so a
//! failed build leaves the previous files untouched. The output does not
//! depend on the number of threads, nor on which other formats were asked
//! for.

use crate::error::{Error, Result};
use crate::feature::Feature;
use crate::layers::{Inputs, Layer, LayerKind, Snapshot};
use crate::model::Moment;
use crate::project::{Project, Since};
use crate::write::atomic;
use crate::write::{self, Context, Handed, Staged, Writer};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// The project as of its `as_of` setting (default: the latest date in the
/// data) with the recent window from its `since` setting (default: seven
/// days before).
///
/// # Errors
///
/// A usage error when no date is set and the data has none, or when S is after D.
pub(crate) fn snapshot(project: &Project) -> Result<Snapshot<'_>> {
    let settings = &project.settings;
    let as_of = match (&settings.as_of, project.latest_date()) {
        (Some(d), _) => d.clone(),
        (None, Some(d)) => d,
        (None, None) => return Err(Error::usage("the data has no dates; give --as-of DATE")),
    };
    let since = match &settings.since {
        Since::All => None,
        Since::Date(s) => Some(s.clone()),
        Since::Default => Some(Moment::from_date(as_of.date()).add_days(-7)),
    };
    if let Some(s) = &since {
        if s.key() > as_of.end() {
            return Err(Error::usage(format!("--since {s} is after --as-of {as_of}")));
        }
    }
    Ok(Snapshot::new(Inputs {
        zones: &project.zones,
        forces: &project.forces,
        control: &project.control,
        incidents: &project.incidents,
        as_of,
        since,
        snap_m: settings.snap_m,
        simplify_m: settings.simplify_m,
    }))
}

/// Build the given layers of a snapshot in parallel and hand each to
/// `then` as soon as it is built; the results come back in
/// [`LayerKind::ALL`] order. The topology (built on one thread) is made
/// while the layers that do not need it are built on the others.
pub(crate) fn build_each<T: Send>(
    snapshot: &Snapshot<'_>,
    kinds: &[LayerKind],
    then: impl Fn(Layer<'_>) -> Result<T> + Sync,
) -> Result<Vec<(LayerKind, T)>> {
    let each = |kinds: &[LayerKind]| {
        kinds
            .par_iter()
            .map(|&kind| Ok((kind, then(kind.build(snapshot)?)?)))
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
    done.sort_by_key(|(kind, _)| *kind);
    Ok(done)
}

/// Every layer of a project as of its date, in memory: the features the
/// GeoJSON files would hold, each layer sorted by id.
///
/// ```
/// use frontline::{LayerKind, Overrides, Project};
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qamishli");
/// let (project, _warnings) = Project::load(&dir, &Overrides::default())?;
/// let layers = frontline::layers(&project)?;
/// let control = layers.get(LayerKind::Control);
/// assert!(control.iter().any(|f| f.id == "al-tay"));
/// let collection: geojson::FeatureCollection = layers.feature_collection(LayerKind::Control);
/// assert_eq!(collection.features.len(), control.len());
/// # Ok::<(), frontline::Error>(())
/// ```
///
/// # Errors
///
/// A usage error when no date is set and the data has none, or when S is
/// after D.
pub fn layers(project: &Project) -> Result<Layers> {
    on_pool(project, || {
        let snapshot = snapshot(project)?;
        snapshot.prepare();
        let layers =
            build_each(&snapshot, &LayerKind::ALL, |layer| Ok(layer.features.collect_owned()))?;
        Ok(Layers { layers })
    })
}

/// Every layer of a snapshot in memory ([`layers`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Layers {
    layers: Vec<(LayerKind, Vec<Feature>)>,
}

impl Layers {
    /// The features of one layer, sorted by id.
    #[must_use]
    pub fn get(&self, kind: LayerKind) -> &[Feature] {
        self.layers.iter().find(|(k, _)| *k == kind).map_or(&[], |(_, f)| f.as_slice())
    }

    /// Every layer with its features, in [`LayerKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (LayerKind, &[Feature])> {
        self.layers.iter().map(|(k, f)| (*k, f.as_slice()))
    }

    /// One layer as a `geojson::FeatureCollection` (coordinates as computed,
    /// not rounded; the files round them to `--precision`).
    #[must_use]
    pub fn feature_collection(&self, kind: LayerKind) -> geojson::FeatureCollection {
        geojson::FeatureCollection {
            bbox: None,
            features: self.get(kind).iter().cloned().map(geojson::Feature::from).collect(),
            foreign_members: None,
        }
    }
}

/// Write every layer of `project` in every format of its settings into
/// `out_dir`.
///
/// # Errors
///
/// Usage errors (no date, a missing `--leaflet` folder) and I/O errors.
pub fn build(project: &Project, out_dir: &Path) -> Result<BuildReport> {
    on_pool(project, || build_here(project, out_dir))
}

/// Run `work` on the project's thread pool, or here (rayon's global pool).
pub(crate) fn on_pool<T: Send>(project: &Project, work: impl FnOnce() -> T + Send) -> T {
    match &project.settings.pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

fn build_here(project: &Project, out_dir: &Path) -> Result<BuildReport> {
    let snapshot = snapshot(project)?;
    snapshot.prepare();
    let cx = Context::new(&snapshot, &project.settings, out_dir);
    let formats = &project.settings.formats;
    let writers: Vec<Box<dyn Writer>> = formats.iter().map(|f| write::writer(*f)).collect();
    let wants_owned = writers.iter().any(|w| w.wants_owned());
    let per_layer = build_each(&snapshot, &LayerKind::ALL, |layer| {
        let owned = wants_owned.then(|| Arc::<[Feature]>::from(layer.features.collect_owned()));
        let handed = Handed { layer: &layer, owned };
        writers.par_iter().map(|w| w.layer(&cx, &handed)).collect::<Result<Vec<_>>>()
    })?;
    let finished = writers.par_iter().map(|w| w.finish(&cx)).collect::<Result<Vec<_>>>()?;
    // the files format by format, each in layer order, then what it finished
    let mut by_format: Vec<Vec<Staged>> = finished.iter().map(|_| Vec::new()).collect();
    for (_, staged) in per_layer {
        for (format, files) in by_format.iter_mut().zip(staged) {
            format.extend(files);
        }
    }
    for (format, files) in by_format.iter_mut().zip(finished) {
        format.extend(files);
    }
    let staged: Vec<Staged> = by_format.into_iter().flatten().collect();
    let files = staged.iter().map(|s| (s.path.clone(), s.features)).collect();
    atomic::commit_all(staged.into_iter().map(|s| s.file).collect())?;
    Ok(BuildReport {
        as_of: snapshot.as_of.to_iso(),
        since: snapshot.since.as_ref().map(Moment::to_iso),
        files,
    })
}
