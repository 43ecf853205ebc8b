//! frontline turns curated conflict spreadsheets — zones, who controls them
//! since when, and incidents — into map layers for Leaflet, QGIS and news
//! articles.
//!
//! # Overview
//!
//! ```text
//! project folder ──read──▶ model ──Snapshot(D, S)──▶ layers ──write──▶ out/*.geojson
//!  zones.geojson          Zone, Force,               control,           RFC 7946, sorted,
//!  control.csv            ControlRow, Incident        incidents …        atomic
//!  incidents.csv, forces.csv, frontline.toml
//! ```
//!
//! # Example
//!
//! Build the Qamishli demo into a temporary folder:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use frontline::project::{Overrides, Project};
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qamishli");
//! let (project, _warnings) = Project::load(&dir, &Overrides::default())?;
//! let out = tempfile::tempdir()?;
//! let report = frontline::build::build(&project, out.path())?;
//! assert_eq!(report.as_of, "2021-04-27");
//! let control = std::fs::read_to_string(out.path().join("control.geojson"))?;
//! assert!(control.contains(r#""zone":"al-tay""#));
//! # Ok(()) }
//! ```
//!
//! # Inputs
//!
//! See [`model`] for what a project holds and [`read`] for the accepted file
//! forms. [`project::Project::load`] reads a folder.
//!
//! # Layers
//!
//! See [`layers`]: one module per output layer.
//!
//! # Errors
//!
//! Problems in the data are [`Diagnostic`]s, displayed as
//! `control.csv:14:1: unknown zone "Tai" — did you mean "al-Tay"?`; reading
//! collects all of them. The binary exits with 0 on success, 1 when the data
//! has problems and 2 on usage errors.
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
