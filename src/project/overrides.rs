//! What the command line (or another program) may set on top of `frontline.toml`.

/// Values that override `frontline.toml`. `None` keeps the file's value.
///
/// These are raw strings as typed; [`Project::load`](super::Project::load)
/// validates them once, before any work, and reports bad values as usage
/// errors.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// `--zones`.
    pub zones: Option<String>,
    /// `--control`.
    pub control: Option<String>,
    /// `--incidents`.
    pub incidents: Option<String>,
    /// `--forces`.
    pub forces: Option<String>,
    /// `--zone-key`.
    pub zone_key: Option<String>,
    /// `--zones-crs`.
    pub zones_crs: Option<String>,
    /// `--incidents-crs`.
    pub incidents_crs: Option<String>,
    /// `--date-format`.
    pub date_format: Option<String>,
    /// `--as-of`.
    pub as_of: Option<String>,
    /// `--since` (a date or `all`).
    pub since: Option<String>,
    /// `--precision`.
    pub precision: Option<u8>,
    /// `--format` (comma-separated list, or `all`).
    pub formats: Option<Vec<String>>,
    /// `--title`.
    pub title: Option<String>,
    /// `--attribution`.
    pub attribution: Option<String>,
    /// `--lang`.
    pub lang: Option<String>,
    /// `--snap` in metres.
    pub snap: Option<f64>,
    /// `--simplify` in metres.
    pub simplify: Option<f64>,
    /// `--preset` (`acled` or `ucdp`).
    pub preset: Option<String>,
    /// `--encoding` (e.g. `windows-1252`).
    pub encoding: Option<String>,
    /// `--repair`: fix what can be fixed in the zones, with a warning each.
    pub repair: bool,
    /// `--leaflet DIR`: a local Leaflet `dist/` folder to inline into `map.html`.
    pub leaflet: Option<String>,
    /// `--basemap none|osm|URL`.
    pub basemap: Option<String>,
    /// `--size WxH` of `map.svg`.
    pub size: Option<String>,
}
