//! frontline turns curated conflict spreadsheets — zones, who controls them
//! since when, and incidents — into map layers for Leaflet, QGIS and news
//! articles.
//!
//! ```text
//! project folder ──read──▶ model ──snapshot (as of D, since S)──▶ layers ──▶ writers
//!  zones.geojson          Zone, Force,                             control,      GeoJSON, TopoJSON,
//!  control.csv            ControlRow, Incident                     incidents …   HTML, SVG, QML
//!  incidents.csv, forces.csv, frontline.toml
//! ```
//!
//! Each layer yields its features once; every format writes from that one
//! stream, so what one format writes never depends on which others were
//! asked for. This page is a short course, from building the demo to using
//! the layers in your own program.
//!
//! # 1. Build the demo
//!
//! `frontline build examples/qamishli` on the command line; in a program,
//! [`Project::load`] reads a folder and [`build()`] writes every layer in
//! every format the project asks for:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use frontline::{Overrides, Project};
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qamishli");
//! let (project, _warnings) = Project::load(&dir, &Overrides::default())?;
//! let out = tempfile::tempdir()?;
//! let report = frontline::build(&project, out.path())?;
//! assert_eq!(report.as_of, "2021-04-27");
//! let control = std::fs::read_to_string(out.path().join("control.geojson"))?;
//! assert!(control.contains(r#""zone":"al-tay""#));
//! # Ok(()) }
//! ```
//!
//! # 2. Choose the date, the window and the formats
//!
//! [`Project::builder`] takes typed options over the folder's
//! `frontline.toml` (the CLI's flags are [`Overrides`], as typed); they are
//! checked once, when the project loads, before any work:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use chrono::NaiveDate;
//! use frontline::{Format, Project, Since};
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qamishli");
//! let (project, _warnings) = Project::builder(&dir)
//!     .as_of(NaiveDate::from_ymd_opt(2021, 4, 22).unwrap())
//!     .since(Since::All)
//!     .formats(&[Format::GeoJson, Format::Html])
//!     .load()?;
//! let out = tempfile::tempdir()?;
//! frontline::build(&project, out.path())?;
//! assert!(out.path().join("map.html").exists());
//! # Ok(()) }
//! ```
//!
//! # 3. Check the data
//!
//! Problems in the data are [`Diagnostic`]s, displayed as
//! `control.csv:2:1: unknown zone "Tayy Square" — did you mean "al-Tay"?`;
//! [`check`] collects all of them, and loading fails on any error with all
//! of them ([`ErrorKind::Data`]). The binary exits with 0 on success, 1 when
//! the data has problems and 2 on usage errors.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qamishli");
//! std::fs::copy(demo.join("zones.geojson"), dir.path().join("zones.geojson"))?;
//! std::fs::write(dir.path().join("control.csv"), "zone,force,since\nTayy Square,asayish,2021-04-20\n")?;
//! let problems = frontline::check(dir.path(), &frontline::Overrides::default())?;
//! assert!(problems.has_errors());
//! assert!(problems.to_text().contains(r#"unknown zone "Tayy Square" — did you mean "al-Tay"?"#));
//! # Ok(()) }
//! ```
//!
//! # 4. Use the layers in your own program
//!
//! [`layers()`] builds every layer in memory: [`Feature`]s with `geo-types`
//! geometries, sorted by id, each layer convertible to a
//! `geojson::FeatureCollection`:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use frontline::{LayerKind, Overrides, Project};
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qamishli");
//! let (project, _) = Project::load(&dir, &Overrides::default())?;
//! let layers = frontline::layers(&project)?;
//! let tay = layers.get(LayerKind::Control).iter().find(|f| f.id == "al-tay").unwrap();
//! assert_eq!(tay.properties["force"], "asayish");
//! let areas: geojson::FeatureCollection = layers.feature_collection(LayerKind::Areas);
//! assert!(!areas.features.is_empty());
//! # Ok(()) }
//! ```
//!
//! Zones can come from your program too, as `geo::MultiPolygon`s
//! ([`ProjectBuilder::zones`]), and the work can run on a
//! `rayon::ThreadPool` of yours ([`ProjectBuilder::thread_pool`]).
//!
//! # 5. Stream incidents of any size, and see what changed
//!
//! [`stream::incidents`] turns one CSV of any size into GeoJSON in constant
//! memory, tagged with zones and control when given ([`stream`]); [`diff()`]
//! says what changed between two dates. `examples/` has programs for
//! steps 1, 2 and 4 (`build_project`, `layers_in_memory`) and 5
//! (`stream_incidents`).
//!
//! # Features
//!
//! * `cli` (default): the `frontline` binary.
//! * `proj`: reproject through the PROJ C library. Without it, zones in
//!   EPSG-coded CRSs and PROJ strings are reprojected in pure Rust
//!   (`proj4rs`), and a WKT `.prj` that names an EPSG code (authority or a
//!   well-known name such as `WGS_1984_UTM_Zone_37N`) is mapped to it; any
//!   other WKT, PROJJSON and datum grids need `proj`.
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

mod area;
mod build;
mod crs;
mod diff;
mod error;
mod feature;
mod history;
mod init;
mod layers;
pub mod model;
mod natural;
mod project;
mod read;
mod spatial;
pub mod stream;
mod style;
mod topology;
mod watch;
mod write;

#[cfg(test)]
mod test_data;

pub use build::{build, layers, BuildReport, Layers};
pub use diff::{diff, DiffFormat};
pub use error::{Diagnostic, Diagnostics, Error, ErrorKind, Location, Result, Severity};
pub use feature::Feature;
pub use init::init;
pub use layers::LayerKind;
pub use project::{Format, Overrides, Project, ProjectBuilder, Settings, Since};
pub use read::incidents::{Incidents, Properties};
pub use watch::{Outcome, Watcher};

/// Check a project folder: every problem in its files, none fatal.
///
/// ```
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qamishli");
/// let problems = frontline::check(&dir, &frontline::Overrides::default())?;
/// assert!(!problems.has_errors());
/// # Ok::<(), frontline::Error>(())
/// ```
///
/// # Errors
///
/// Usage errors (a bad option) and I/O errors; problems in the data are
/// the diagnostics returned.
pub fn check(dir: &std::path::Path, overrides: &Overrides) -> Result<Diagnostics> {
    Ok(Project::read(dir, overrides)?.diagnostics)
}
