//! A project: a folder with zones, control history, incidents and forces.
//!
//! [`Project::load`] merges defaults < `frontline.toml` < [`Overrides`],
//! validates the options once, reads every input into the model and reports
//! every data problem. It does not compute layers (see `crate::layers`).

mod builder;
pub mod config;
mod format;
mod join;
pub mod overrides;

pub use builder::ProjectBuilder;
pub use config::Config;
pub use format::Format;
pub use join::{Join, JoinData};
pub use overrides::Overrides;

use crate::crs::{Crs, Transform};
use crate::error::{Diagnostic, Diagnostics, Error, Location, Result};
use crate::model::{ControlRow, Force, Moment, NameIndex, Zone};
use crate::read::control::ForceRegistry;
use crate::read::date::DateParser;
use crate::read::decode::Encoding;
use crate::read::incidents::Incidents;
use crate::read::presets::Preset;
use crate::read::shapefile::ShapefileSources;
use crate::read::zones::{ReadZones, ZoneOptions};
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

/// Default size of `map.svg` in pixels (a 16:9 social-media card).
pub const DEFAULT_SIZE: (u32, u32) = (1200, 675);

/// The background of `map.html`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Basemap {
    /// No tiles: the page makes no request but Leaflet (the default).
    #[default]
    None,
    /// OpenStreetMap's standard tiles.
    Osm,
    /// A tile URL template (`https://…/{z}/{x}/{y}.png`).
    Tiles(String),
}

/// OpenStreetMap's tile URL template.
const OSM_TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

impl Basemap {
    /// Parse `none`, `osm` or an `http(s)` tile URL template with `{z}`, `{x}`, `{y}`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Basemap> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("none") {
            return Some(Basemap::None);
        }
        if s.eq_ignore_ascii_case("osm") {
            return Some(Basemap::Osm);
        }
        let ok_scheme = s.starts_with("https://") || s.starts_with("http://");
        let ok_chars = s.chars().all(|c| c.is_ascii_graphic() && !"\"'<>`\\".contains(c));
        let has_xyz = ["{z}", "{x}", "{y}"].iter().all(|p| s.contains(p));
        (ok_scheme && ok_chars && has_xyz && Basemap::host_of(s).is_some())
            .then(|| Basemap::Tiles(s.to_string()))
    }

    /// The tile URL template, if any.
    #[must_use]
    pub fn template(&self) -> Option<&str> {
        match self {
            Basemap::None => None,
            Basemap::Osm => Some(OSM_TILES),
            Basemap::Tiles(t) => Some(t),
        }
    }

    /// The origin the tiles come from, as a Content-Security-Policy source
    /// (`https://tile.openstreetmap.org`; a `{s}.` subdomain becomes `*.`).
    #[must_use]
    pub fn csp_source(&self) -> Option<String> {
        let t = self.template()?;
        let (scheme, _) = t.split_once("://")?;
        let host = Basemap::host_of(t)?;
        Some(format!("{scheme}://{}", host.replace("{s}.", "*.")))
    }

    /// The attribution the tiles require (plain text).
    #[must_use]
    pub fn attribution(&self) -> Option<&'static str> {
        match self {
            Basemap::Osm => Some("© OpenStreetMap contributors"),
            _ => None,
        }
    }

    fn host_of(t: &str) -> Option<&str> {
        let rest = t.split_once("://")?.1;
        let host = rest.split('/').next()?;
        (!host.is_empty()).then_some(host)
    }
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
    /// Output formats.
    pub formats: Vec<Format>,
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
    /// Incidents export preset (`None`: detected from the header).
    pub(crate) preset: Option<Preset>,
    /// Declared encoding of the CSV files (`None`: detected).
    pub(crate) encoding: Option<Encoding>,
    /// Repair zone geometry where possible (`--repair`).
    pub repair: bool,
    /// A local Leaflet `dist/` folder to inline into `map.html` (`None`: the CDN).
    pub leaflet: Option<PathBuf>,
    /// The background of `map.html`.
    pub(crate) basemap: Basemap,
    /// Width and height of `map.svg` in pixels.
    pub size: (u32, u32),
    /// The thread pool the project's work runs on (`None`: rayon's global pool).
    pub(crate) pool: Option<std::sync::Arc<rayon::ThreadPool>>,
}

impl Settings {
    /// Merge defaults < `config` < `overrides` and validate the values.
    ///
    /// # Errors
    ///
    /// A usage error for a malformed date, CRS, precision or tolerance.
    pub(crate) fn resolve(config: Config, o: &Overrides) -> Result<Settings> {
        let c = o.clone().or(config);
        let date_format = c.date_format.clone();
        let dates = DateParser::new().with_format(date_format.clone());
        let as_of = match c.as_of.clone() {
            None => None,
            Some(s) => Some(dates.parse(&s).map_err(|e| {
                Error::usage(format!(
                    "invalid --as-of \"{s}\": {} — e.g. --as-of 2021-04-25",
                    e.describe().0
                ))
            })?),
        };
        let since = match c.since.clone() {
            None => Since::Default,
            Some(s) if s.eq_ignore_ascii_case("all") => Since::All,
            Some(s) => Since::Date(dates.parse(&s).map_err(|e| {
                Error::usage(format!(
                    "invalid --since \"{s}\": {} — give a date such as 2021-04-18, or \"all\"",
                    e.describe().0
                ))
            })?),
        };
        let crs = |v: Option<String>, flag: &str| {
            checked(v, Crs::parse, |s| {
                format!("invalid --{flag} \"{s}\" — give an EPSG code such as EPSG:32637")
            })
        };
        let precision = c.precision.unwrap_or(DEFAULT_PRECISION);
        if precision > 15 {
            return Err(Error::usage(format!(
                "invalid --precision {precision} — use 0 to 15 decimals"
            )));
        }
        let snap_m = c.snap.unwrap_or(DEFAULT_SNAP_M);
        if !(snap_m.is_finite() && snap_m >= 0.0) {
            return Err(Error::usage(format!("invalid --snap {snap_m} — give metres, e.g. 1")));
        }
        let simplify_m = c.simplify;
        if simplify_m.is_some_and(|s| !(s.is_finite() && s >= 0.0)) {
            return Err(Error::usage("invalid --simplify — give metres, e.g. 10"));
        }
        let preset = checked(c.preset.clone(), Preset::parse, |s| {
            format!("invalid --preset \"{s}\" — use acled or ucdp")
        })?;
        let encoding = checked(c.encoding.clone(), Encoding::parse, |s| {
            format!("invalid --encoding \"{s}\" — use utf-8, utf-16le, utf-16be or windows-1252")
        })?;
        let lang = checked(
            c.lang.clone(),
            |l| is_lang_code(l).then(|| l.to_string()),
            |l| format!("invalid --lang \"{l}\" — give a language code such as en, ar, ckb or ku"),
        )?;
        let basemap = checked(c.basemap.clone(), Basemap::parse, |b| {
            format!("invalid --basemap \"{b}\" — give none, osm, or a tile URL such as https://tile.example.org/{{z}}/{{x}}/{{y}}.png")
        })?
        .unwrap_or_default();
        let size = checked(c.size.clone(), parse_size, |s| {
            format!("invalid --size \"{s}\" — give width x height in pixels, e.g. 1200x675")
        })?
        .unwrap_or(DEFAULT_SIZE);
        Ok(Settings {
            preset,
            encoding,
            repair: c.repair.unwrap_or(false),
            zones: c.zones.clone().unwrap_or_else(|| "zones.geojson".into()),
            control: c.control.clone().unwrap_or_else(|| "control.csv".into()),
            incidents: c.incidents.clone().unwrap_or_else(|| "incidents.csv".into()),
            forces: c.forces.clone().unwrap_or_else(|| "forces.csv".into()),
            zone_key: c.zone_key.clone(),
            zones_crs: crs(c.zones_crs.clone(), "zones-crs")?,
            incidents_crs: crs(c.incidents_crs.clone(), "incidents-crs")?,
            date_format,
            as_of,
            since,
            precision,
            formats: Format::parse_list(c.formats.as_deref().unwrap_or_default())?,
            title: c.title.clone().unwrap_or_default(),
            attribution: c.attribution.clone().unwrap_or_default(),
            lang,
            snap_m,
            simplify_m,
            leaflet: c.leaflet.clone().map(PathBuf::from),
            basemap,
            size,
            pool: None,
        })
    }
}

/// Parse an optional option value; a value that does not parse is a usage
/// error with the given message.
fn checked<T>(
    value: Option<String>,
    parse: impl Fn(&str) -> Option<T>,
    message: impl Fn(&str) -> String,
) -> Result<Option<T>> {
    value.map(|v| parse(&v).ok_or_else(|| Error::usage(message(&v)))).transpose()
}

/// Whether `s` looks like a BCP 47 language tag (`en`, `ckb`, `ku-Latn`).
fn is_lang_code(s: &str) -> bool {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Parse `1200x675` (also `1200X675`, `1200×675`) into pixels, 16 to 10000 each.
fn parse_size(s: &str) -> Option<(u32, u32)> {
    let (w, h) = s.trim().split_once(['x', 'X', '×'])?;
    let (w, h) = (w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?);
    let ok = |v: u32| (16..=10_000).contains(&v);
    (ok(w) && ok(h)).then_some((w, h))
}

/// Zones in a form other than GeoJSON text.
#[derive(Debug, Clone)]
pub(crate) enum ZoneFiles {
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

    /// Read a zones file in whichever form its extension says: a Shapefile
    /// or WKT table as [`ZoneFiles`], else GeoJSON text (decoded like the
    /// tables: BOM, UTF-16). Used by projects and by `frontline incidents`.
    ///
    /// # Errors
    ///
    /// The I/O error of reading the file.
    pub fn read_any(path: &Path) -> std::io::Result<(String, Option<ZoneFiles>)> {
        match ZoneFiles::read(path)? {
            Some(files) => Ok((String::new(), Some(files))),
            None => Ok((read::decode::decode(&std::fs::read(path)?).text, None)),
        }
    }
}

/// The inputs of a project as text, for reading without touching the disk.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sources {
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
    pub incidents: Incidents,
}

/// A project and every problem found while reading it.
#[derive(Debug)]
pub(crate) struct Loaded {
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
    pub(crate) fn read(dir: &Path, overrides: &Overrides) -> Result<Loaded> {
        Project::read_with(dir, overrides, None)
    }

    /// Options for loading the project in `dir`, typed.
    pub fn builder(dir: &Path) -> ProjectBuilder {
        ProjectBuilder::new(dir)
    }

    /// [`Project::read`] with the zones given as GeoJSON text instead of
    /// the folder's zones file (`None`: the file).
    pub(crate) fn read_with(
        dir: &Path,
        overrides: &Overrides,
        zones_text: Option<String>,
    ) -> Result<Loaded> {
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
        let leaflet_from_file = overrides.leaflet.is_none();
        let mut settings = Settings::resolve(config, overrides)?;
        if leaflet_from_file {
            // a path in frontline.toml is relative to the project folder
            settings.leaflet = settings.leaflet.map(|p| dir.join(p));
        }
        let read_opt = |name: &str| -> Result<Option<Vec<u8>>> {
            match std::fs::read(dir.join(name)) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Error::io(dir.join(name), e)),
            }
        };
        // An empty file reads like a missing one in `from_sources`: say so here.
        let empty = |diags: &mut Diagnostics, name: &str, bytes: &[u8], hint: &str| {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                diags.push(
                    Diagnostic::error(Location::File { path: name.into() }, "file is empty")
                        .with_hint(hint),
                );
            }
        };
        let zones_path = dir.join(&settings.zones);
        let read_zones = match zones_text {
            Some(text) => Ok((text, None)),
            None => ZoneFiles::read_any(&zones_path),
        };
        let (zones, zone_files) = match read_zones {
            Ok((text, files)) => {
                if files.is_none() {
                    let hint = "export the zones from your GIS as GeoJSON";
                    empty(&mut diags, &settings.zones, text.as_bytes(), hint);
                }
                (text, files)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                diags.push(
                    Diagnostic::error(Location::File { path: settings.zones.clone().into() }, "zones file not found")
                        .with_hint("a project needs zones.geojson (or set zones in frontline.toml); try `frontline init`"),
                );
                (String::new(), None)
            }
            Err(e) => return Err(Error::io(zones_path, e)),
        };
        let control = match read_opt(&settings.control)? {
            Some(b) => {
                empty(
                    &mut diags,
                    &settings.control,
                    &b,
                    "add a header line zone,force,since and rows",
                );
                b
            }
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
    pub(crate) fn from_sources(dir: &Path, settings: Settings, sources: &Sources) -> Loaded {
        let mut diags = Diagnostics::new();
        // The zones (and their names) and the tables are read side by side:
        // each is parallel inside, but has sequential parts the other fills.
        // Diagnostics are sorted at the end, so the order they were found in
        // does not show.
        let ((zones, zone_names, zone_diags), (tables, table_diags)) = rayon::join(
            || read_zones_and_names(&settings, sources),
            || read_tables(&settings, sources),
        );
        diags.extend(zone_diags);
        diags.extend(table_diags);
        let mut registry = match tables.forces {
            Some(forces) => ForceRegistry::from_forces(forces),
            None => ForceRegistry::implicit(),
        };
        let date_format = settings.date_format.as_deref();
        let control = tables
            .control
            .map(|t| read::control::read(&t, &zone_names, &mut registry, date_format, &mut diags))
            .unwrap_or_default();
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
        let incidents = tables
            .incidents
            .map(|t| {
                let crs = incidents_crs.as_ref();
                read::incidents::read(
                    t,
                    &zones,
                    &zone_names,
                    date_format,
                    settings.preset,
                    crs,
                    &mut diags,
                )
            })
            .unwrap_or_default();
        read::sanity::swapped_coordinates(
            Path::new(&settings.incidents),
            &incidents,
            &zones,
            &mut diags,
        );
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

/// The tables of a project's sources, parsed but not yet read into the model.
struct Tables {
    /// The forces, when there is a forces file (none when it is unreadable).
    forces: Option<Vec<Force>>,
    /// The control table (`None`: no control file, or unreadable).
    control: Option<Table>,
    /// The incidents table (`None`: no incidents, or unreadable).
    incidents: Option<Table>,
}

/// Parse the forces, control and incidents tables of `sources`, and read
/// the forces (they need no other file).
fn read_tables(settings: &Settings, sources: &Sources) -> (Tables, Diagnostics) {
    let mut diags = Diagnostics::new();
    let table = |path: &str, bytes: &[u8], diags: &mut Diagnostics| {
        Table::from_bytes_with(Path::new(path), bytes, settings.encoding, diags)
    };
    let forces = sources.forces.as_ref().map(|bytes| {
        table(&settings.forces, bytes, &mut diags)
            .map(|t| read::forces::read(&t, &mut diags))
            .unwrap_or_default()
    });
    let control = if sources.control.is_empty() {
        None
    } else {
        table(&settings.control, &sources.control, &mut diags)
    };
    let incidents =
        sources.incidents.as_ref().and_then(|bytes| table(&settings.incidents, bytes, &mut diags));
    (Tables { forces, control, incidents }, diags)
}

/// The zones of `sources` sorted by id, and the index of their ids, names
/// and aliases.
fn read_zones_and_names(
    settings: &Settings,
    sources: &Sources,
) -> (Vec<Zone>, NameIndex, Diagnostics) {
    let mut diags = Diagnostics::new();
    let ReadZones { mut zones, dropped } = read_zones(settings, sources, &mut diags);
    zones.sort_by(|a, b| a.id.cmp(&b.id));
    let spellings: Vec<(&str, usize)> = zones
        .iter()
        .enumerate()
        .flat_map(|(i, z)| {
            [z.name.as_str(), z.id.as_str()]
                .into_iter()
                .chain(z.aliases.iter().map(String::as_str))
                .map(move |s| (s, i))
        })
        .collect();
    let mut names = NameIndex::new();
    names.extend(&spellings);
    for spelling in &dropped {
        names.insert_dropped(spelling);
    }
    (zones, names, diags)
}

/// Read the zones in whichever form the sources hold them.
fn read_zones(settings: &Settings, sources: &Sources, diags: &mut Diagnostics) -> ReadZones {
    let zone_opts = ZoneOptions {
        zone_key: settings.zone_key.clone(),
        crs: settings.zones_crs.clone(),
        repair: settings.repair,
    };
    let zones_path = Path::new(&settings.zones);
    match &sources.zone_files {
        Some(ZoneFiles::Shapefile(files)) => {
            read::shapefile::read(zones_path, files, &zone_opts, diags)
        }
        Some(ZoneFiles::WktTable(bytes)) => {
            Table::from_bytes_with(zones_path, bytes, settings.encoding, diags)
                .map(|t| read::zones::read_wkt_table(&t, &zone_opts, diags))
                .unwrap_or_default()
        }
        None if sources.zones.is_empty() => ReadZones::default(),
        None => read::zones::read_geojson(zones_path, &sources.zones, &zone_opts, diags),
    }
}
