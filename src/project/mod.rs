//! A project: a folder with zones, control history, incidents and forces.
//!
//! [`Project::load`] merges defaults < `frontline.toml` < [`Overrides`],
//! validates the options once, reads every input into the model and reports
//! every data problem. It does not compute layers (see `crate::layers`).

pub mod config;
pub mod overrides;

pub use config::Config;
pub use overrides::Overrides;

use crate::crs::{Crs, Transform};
use crate::error::{Diagnostic, Diagnostics, Error, Location, Result};
use crate::model::{ControlRow, DateParser, Force, Incident, Moment, NameIndex, Zone};
use crate::read::control::ForceRegistry;
use crate::read::shapefile::ShapefileSources;
use crate::read::zones::ZoneOptions;
use crate::read::{self, Table};
use std::path::{Path, PathBuf};

/// Default number of decimals in output coordinates (about 11 cm).
pub const DEFAULT_PRECISION: u8 = 6;
/// Default snap tolerance for shared borders, in metres.
pub const DEFAULT_SNAP_M: f64 = 1.0;

/// The lower bound of the "recent" window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// Seven days before the map date.
    Default,
    /// No lower bound.
    All,
    /// A given date.
    Date(Moment),
}

/// Validated settings of a project.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Zones file, relative to the project folder.
    pub zones: String,
    /// Control history file.
    pub control: String,
    /// Incidents file (may not exist).
    pub incidents: String,
    /// Forces file (may not exist).
    pub forces: String,
    /// Property holding the zone key.
    pub zone_key: Option<String>,
    /// CRS of the zones when the file does not say.
    pub zones_crs: Option<Crs>,
    /// CRS of incident coordinates.
    pub incidents_crs: Option<Crs>,
    /// Declared date format.
    pub date_format: Option<String>,
    /// The map date, if set.
    pub as_of: Option<Moment>,
    /// The recent window's start.
    pub since: Since,
    /// Decimals of output coordinates.
    pub precision: u8,
    /// Output formats, as named.
    pub formats: Vec<String>,
    /// Map title.
    pub title: String,
    /// Attribution line.
    pub attribution: String,
    /// Language code for labels.
    pub lang: Option<String>,
    /// Snap tolerance in metres.
    pub snap_m: f64,
    /// Simplification tolerance in metres, if any.
    pub simplify_m: Option<f64>,
}

impl Settings {
    /// Merge defaults < `config` < `overrides` and validate the values.
    ///
    /// # Errors
    ///
    /// A usage error for a malformed date, CRS, precision or tolerance.
    pub fn resolve(config: Config, o: &Overrides) -> Result<Settings> {
        let pick = |cli: &Option<String>, file: Option<String>, default: &str| {
            cli.clone().or(file).unwrap_or_else(|| default.to_string())
        };
        let date_format = o.date_format.clone().or(config.date_format);
        let dates = DateParser::new().with_format(date_format.clone());
        let as_of = match o.as_of.clone().or(config.as_of) {
            None => None,
            Some(s) => Some(dates.parse(&s).map_err(|e| {
                Error::usage(format!(
                    "invalid --as-of \"{s}\": {} — e.g. --as-of 2021-04-25",
                    e.describe().0
                ))
            })?),
        };
        let since = match o.since.clone().or(config.since) {
            None => Since::Default,
            Some(s) if s.eq_ignore_ascii_case("all") => Since::All,
            Some(s) => Since::Date(dates.parse(&s).map_err(|e| {
                Error::usage(format!(
                    "invalid --since \"{s}\": {} — give a date such as 2021-04-18, or \"all\"",
                    e.describe().0
                ))
            })?),
        };
        let crs = |v: Option<String>, flag: &str| -> Result<Option<Crs>> {
            v.map(|s| {
                Crs::parse(&s).ok_or_else(|| {
                    Error::usage(format!(
                        "invalid --{flag} \"{s}\" — give an EPSG code such as EPSG:32637"
                    ))
                })
            })
            .transpose()
        };
        let precision = o.precision.or(config.precision).unwrap_or(DEFAULT_PRECISION);
        if precision > 15 {
            return Err(Error::usage(format!(
                "invalid --precision {precision} — use 0 to 15 decimals"
            )));
        }
        let snap_m = o.snap.or(config.snap).unwrap_or(DEFAULT_SNAP_M);
        if !(snap_m.is_finite() && snap_m >= 0.0) {
            return Err(Error::usage(format!("invalid --snap {snap_m} — give metres, e.g. 1")));
        }
        let simplify_m = o.simplify.or(config.simplify);
        if simplify_m.is_some_and(|s| !(s.is_finite() && s >= 0.0)) {
            return Err(Error::usage("invalid --simplify — give metres, e.g. 10"));
        }
        Ok(Settings {
            zones: pick(&o.zones, config.zones, "zones.geojson"),
            control: pick(&o.control, config.control, "control.csv"),
            incidents: pick(&o.incidents, config.incidents, "incidents.csv"),
            forces: pick(&o.forces, config.forces, "forces.csv"),
            zone_key: o.zone_key.clone().or(config.zone_key),
            zones_crs: crs(o.zones_crs.clone().or(config.zones_crs), "zones-crs")?,
            incidents_crs: crs(o.incidents_crs.clone().or(config.incidents_crs), "incidents-crs")?,
            date_format,
            as_of,
            since,
            precision,
            formats: o.formats.clone().or(config.formats).unwrap_or_else(|| vec!["geojson".into()]),
            title: o.title.clone().or(config.title).unwrap_or_default(),
            attribution: o.attribution.clone().or(config.attribution).unwrap_or_default(),
            lang: o.lang.clone().or(config.lang),
            snap_m,
            simplify_m,
        })
    }
}

/// Zones in a form other than GeoJSON text.
#[derive(Debug, Clone)]
pub enum ZoneFiles {
    /// A Shapefile (`.shp`, `.dbf`, `.prj`, `.cpg`).
    Shapefile(ShapefileSources),
    /// A CSV (or other delimited table) with a WKT `geometry` column.
    WktTable(Vec<u8>),
}

impl ZoneFiles {
    /// Read the zones file at `path` when its extension says it is not
    /// GeoJSON (`.shp`; `.csv`, `.tsv`, `.txt`); `None` for GeoJSON.
    ///
    /// # Errors
    ///
    /// The I/O error of reading the file.
    pub fn read(path: &Path) -> std::io::Result<Option<ZoneFiles>> {
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
        Ok(match ext.as_deref() {
            Some("shp") => Some(ZoneFiles::Shapefile(ShapefileSources::read(path)?)),
            Some("csv" | "tsv" | "txt") => Some(ZoneFiles::WktTable(std::fs::read(path)?)),
            _ => None,
        })
    }
}

/// The inputs of a project as text, for reading without touching the disk.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `zones.geojson` text (used when `zone_files` is `None`).
    pub zones: String,
    /// Zones as a Shapefile or WKT table instead of GeoJSON.
    pub zone_files: Option<ZoneFiles>,
    /// `control.csv` bytes.
    pub control: Vec<u8>,
    /// `incidents.csv` bytes, if any.
    pub incidents: Option<Vec<u8>>,
    /// `forces.csv` bytes, if any.
    pub forces: Option<Vec<u8>>,
}

/// A project read into the model.
#[derive(Debug, Clone)]
pub struct Project {
    /// The project folder.
    pub dir: PathBuf,
    /// Validated settings.
    pub settings: Settings,
    /// Zones, sorted by id.
    pub zones: Vec<Zone>,
    /// Names, ids and aliases of the zones.
    pub zone_names: NameIndex,
    /// Forces (from `forces.csv`, or learned from `control.csv`).
    pub forces: Vec<Force>,
    /// Control rows, in file order.
    pub control: Vec<ControlRow>,
    /// Incidents, in file order.
    pub incidents: Vec<Incident>,
}

/// A project and every problem found while reading it.
#[derive(Debug)]
pub struct Loaded {
    /// The project (possibly partial when there were errors).
    pub project: Project,
    /// Every problem found, sorted by location.
    pub diagnostics: Diagnostics,
}

impl Project {
    /// Read a project folder. Data problems are returned, not raised, so
    /// that `check` can list them all.
    ///
    /// # Errors
    ///
    /// A usage error for bad options; an I/O error when the folder is missing.
    pub fn read(dir: &Path, overrides: &Overrides) -> Result<Loaded> {
        if !dir.is_dir() {
            return Err(Error::usage(format!(
                "project folder \"{}\" does not exist",
                dir.display()
            )));
        }
        let mut diags = Diagnostics::new();
        let toml_path = dir.join("frontline.toml");
        let config = match std::fs::read_to_string(&toml_path) {
            Ok(text) => Config::parse(Path::new("frontline.toml"), &text, &mut diags),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(e) => return Err(Error::io(toml_path, e)),
        };
        let settings = Settings::resolve(config, overrides)?;
        let read_opt = |name: &str| -> Result<Option<Vec<u8>>> {
            match std::fs::read(dir.join(name)) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Error::io(dir.join(name), e)),
            }
        };
        let zones_path = dir.join(&settings.zones);
        let zone_files = match ZoneFiles::read(&zones_path) {
            Ok(z) => z,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(zones_path, e)),
        };
        let zones = if zone_files.is_some() {
            String::new()
        } else {
            match read_opt(&settings.zones)? {
                Some(b) => String::from_utf8_lossy(&b).into_owned(),
                None => {
                    diags.push(
                    Diagnostic::error(Location::File { path: settings.zones.clone().into() }, "zones file not found")
                        .with_hint("a project needs zones.geojson (or set zones in frontline.toml); try `frontline init`"),
                );
                    String::new()
                }
            }
        };
        let control = match read_opt(&settings.control)? {
            Some(b) => b,
            None => {
                diags.push(
                    Diagnostic::error(
                        Location::File { path: settings.control.clone().into() },
                        "control file not found",
                    )
                    .with_hint("a project needs control.csv with zone,force,since columns"),
                );
                Vec::new()
            }
        };
        let sources = Sources {
            zones,
            zone_files,
            control,
            incidents: read_opt(&settings.incidents)?,
            forces: read_opt(&settings.forces)?,
        };
        let mut loaded = Project::from_sources(dir, settings, &sources);
        diags.extend(loaded.diagnostics);
        diags.sort();
        loaded.diagnostics = diags;
        Ok(loaded)
    }

    /// Read a project and fail on any error-level problem.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Data`](crate::ErrorKind::Data) with every problem, or a usage/I/O error.
    pub fn load(dir: &Path, overrides: &Overrides) -> Result<(Project, Diagnostics)> {
        let loaded = Project::read(dir, overrides)?;
        let diags = loaded.diagnostics.into_result()?;
        Ok((loaded.project, diags))
    }

    /// Build the model from in-memory inputs (no disk access).
    #[must_use]
    pub fn from_sources(dir: &Path, settings: Settings, sources: &Sources) -> Loaded {
        let mut diags = Diagnostics::new();
        let zone_opts =
            ZoneOptions { zone_key: settings.zone_key.clone(), crs: settings.zones_crs.clone() };
        let zones_path = Path::new(&settings.zones);
        let mut zones = match &sources.zone_files {
            Some(ZoneFiles::Shapefile(files)) => {
                read::shapefile::read(zones_path, files, &zone_opts, &mut diags)
            }
            Some(ZoneFiles::WktTable(bytes)) => Table::from_bytes(zones_path, bytes, &mut diags)
                .map(|t| read::zones::read_wkt_table(&t, &zone_opts, &mut diags))
                .unwrap_or_default(),
            None if sources.zones.is_empty() => Vec::new(),
            None => read::zones::read_geojson(zones_path, &sources.zones, &zone_opts, &mut diags),
        };
        zones.sort_by(|a, b| a.id.cmp(&b.id));
        let mut zone_names = NameIndex::new();
        for (i, z) in zones.iter().enumerate() {
            zone_names.insert(&z.name, i);
            zone_names.insert(&z.id, i);
            for a in &z.aliases {
                zone_names.insert(a, i);
            }
        }
        let mut registry = match &sources.forces {
            Some(bytes) => {
                let forces = Table::from_bytes(Path::new(&settings.forces), bytes, &mut diags)
                    .map(|t| read::forces::read(&t, &mut diags))
                    .unwrap_or_default();
                ForceRegistry::from_forces(forces)
            }
            None => ForceRegistry::implicit(),
        };
        let date_format = settings.date_format.as_deref();
        let control = if sources.control.is_empty() {
            Vec::new()
        } else {
            Table::from_bytes(Path::new(&settings.control), &sources.control, &mut diags)
                .map(|t| {
                    read::control::read(&t, &zone_names, &mut registry, date_format, &mut diags)
                })
                .unwrap_or_default()
        };
        if registry.implicit {
            read::forces::assign_colors(&mut registry.forces);
        }
        let incidents_path = Path::new(&settings.incidents);
        let incidents_crs = match settings.incidents_crs.as_ref().map(Transform::to_wgs84) {
            Some(Err(e)) => {
                diags.push(Diagnostic::error(
                    Location::File { path: incidents_path.to_path_buf() },
                    e.to_string(),
                ));
                None
            }
            Some(Ok(t)) => t,
            None => None,
        };
        let incidents = match &sources.incidents {
            Some(bytes) => Table::from_bytes(incidents_path, bytes, &mut diags)
                .map(|t| {
                    let crs = incidents_crs.as_ref();
                    read::incidents::read(&t, &zones, &zone_names, date_format, crs, &mut diags)
                })
                .unwrap_or_default(),
            None => Vec::new(),
        };
        diags.sort();
        Loaded {
            project: Project {
                dir: dir.to_path_buf(),
                settings,
                zones,
                zone_names,
                forces: registry.forces,
                control,
                incidents,
            },
            diagnostics: diags,
        }
    }

    /// The latest date in the data: the default map date.
    #[must_use]
    pub fn latest_date(&self) -> Option<Moment> {
        let control = self.control.iter().map(|r| &r.since);
        let incidents = self.incidents.iter().map(|i| &i.date);
        control.chain(incidents).max().map(|m| Moment::from_date(m.date()))
    }
}
