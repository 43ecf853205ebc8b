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
pub mod build;
pub mod crs;
pub mod diff;
pub mod error;
pub mod history;
pub mod init;
pub mod layers;
pub mod model;
mod natural;
pub mod project;
pub mod read;
pub mod spatial;
pub mod stream;
pub mod style;
pub mod topology;
pub mod watch;
pub mod write;

pub use error::{Diagnostic, Diagnostics, Error, ErrorKind, Location, Result, Severity};
