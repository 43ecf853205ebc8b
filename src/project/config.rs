//! `frontline.toml`: flat keys that mirror the command-line flags.

use crate::error::{Diagnostic, Diagnostics, Location};
use crate::model::names::NameIndex;
use serde::Deserialize;
use std::path::Path;

/// The keys of `frontline.toml`. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Zones file (default `zones.geojson`).
    pub zones: Option<String>,
    /// Control history (default `control.csv`).
    pub control: Option<String>,
    /// Incidents (default `incidents.csv`, optional).
    pub incidents: Option<String>,
    /// Forces (default `forces.csv`, optional).
    pub forces: Option<String>,
    /// Property that holds the zone key.
    pub zone_key: Option<String>,
    /// CRS of the zones when the file does not say.
    pub zones_crs: Option<String>,
    /// CRS of the incident coordinates.
    pub incidents_crs: Option<String>,
    /// `strftime` format for ambiguous dates, e.g. `%d/%m/%Y`.
    pub date_format: Option<String>,
    /// The date of the map.
    pub as_of: Option<String>,
    /// Start of the "recent" window, or `all`.
    pub since: Option<String>,
    /// Decimals of output coordinates.
    pub precision: Option<u8>,
    /// Output formats.
    pub formats: Option<Vec<String>>,
    /// Map title.
    pub title: Option<String>,
    /// Attribution line (sources, licence).
    pub attribution: Option<String>,
    /// Language code for labels.
    pub lang: Option<String>,
    /// Snap tolerance in metres for shared borders.
    pub snap: Option<f64>,
    /// Simplification tolerance in metres.
    pub simplify: Option<f64>,
    /// Incidents export preset: `acled` or `ucdp` (default: detected).
    pub preset: Option<String>,
    /// Encoding of the CSV files when they have no BOM and are not UTF-8,
    /// e.g. `windows-1252` (default: detected, with a warning).
    pub encoding: Option<String>,
    /// A local Leaflet `dist/` folder to inline into `map.html` (relative to the project).
    pub leaflet: Option<String>,
    /// Basemap of `map.html`: `none`, `osm`, or a tile URL template.
    pub basemap: Option<String>,
    /// Size of `map.svg`, `WxH` in pixels.
    pub size: Option<String>,
    /// Fix what can be fixed in the zones' geometry, with a warning each.
    pub repair: Option<bool>,
}

/// Every key, once: field-wise merging and the list of known keys come from it.
macro_rules! keys {
    ($($key:ident),* $(,)?) => {
        impl Config {
            /// These values where set, else `fallback`'s: the command line
            /// over `frontline.toml`.
            #[must_use]
            pub fn or(self, fallback: Config) -> Config {
                Config { $($key: self.$key.or(fallback.$key)),* }
            }
        }

        /// The keys of `frontline.toml`, for "did you mean" hints.
        const KEYS: &[&str] = &[$(stringify!($key)),*];
    };
}

keys!(
    zones,
    control,
    incidents,
    forces,
    zone_key,
    zones_crs,
    incidents_crs,
    date_format,
    as_of,
    since,
    precision,
    formats,
    title,
    attribution,
    lang,
    snap,
    simplify,
    preset,
    encoding,
    leaflet,
    basemap,
    size,
    repair,
);

impl Config {
    /// Parse `frontline.toml` text; problems go to `diags`.
    pub fn parse(path: &Path, text: &str, diags: &mut Diagnostics) -> Config {
        match toml::from_str::<Config>(text) {
            Ok(c) => c,
            Err(e) => {
                let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
                let mut d = Diagnostic::error(
                    Location::Cell { path: path.to_path_buf(), line, column },
                    "invalid frontline.toml",
                )
                .with_value(e.message().trim().to_string());
                if let Some(key) = e.message().split('`').nth(1) {
                    let mut idx = NameIndex::new();
                    for (i, k) in KEYS.iter().enumerate() {
                        idx.insert(k, i);
                    }
                    if let Some(h) = idx.did_you_mean(key) {
                        d = d.with_hint(h);
                    }
                }
                diags.push(d);
                Config::default()
            }
        }
    }
}

fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flat_keys() {
        let mut d = Diagnostics::new();
        let c = Config::parse(
            Path::new("frontline.toml"),
            "title = \"Q\"\nprecision = 5\nformats = [\"geojson\"]\n",
            &mut d,
        );
        assert!(d.is_empty());
        assert_eq!(c.title.as_deref(), Some("Q"));
        assert_eq!(c.precision, Some(5));
    }

    #[test]
    fn unknown_key_is_located_with_suggestion() {
        let mut d = Diagnostics::new();
        Config::parse(Path::new("frontline.toml"), "title = \"Q\"\natribution = \"x\"\n", &mut d);
        let msg = d.iter().next().unwrap().to_string();
        assert!(msg.starts_with("frontline.toml:2:1: invalid frontline.toml"), "{msg}");
        assert!(msg.ends_with("did you mean \"attribution\"?"), "{msg}");
    }
}
