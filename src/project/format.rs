//! Output formats, as `--format` and `formats` in `frontline.toml` name them.

use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// RFC 7946 GeoJSON, one file per layer (`control.geojson`).
    GeoJson,
    /// RFC 8142 GeoJSON text sequences (`control.geojsonseq`).
    GeoJsonSeq,
    /// TopoJSON, one file per layer, shared borders stored once (`control.topojson`).
    TopoJson,
    /// One embeddable Leaflet page with the data inlined (`map.html`).
    Html,
    /// A QGIS style beside each layer (`control.qml`).
    Qml,
    /// A static map for print and social media (`map.svg`).
    Svg,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] = [
        Format::GeoJson,
        Format::GeoJsonSeq,
        Format::TopoJson,
        Format::Html,
        Format::Qml,
        Format::Svg,
    ];

    /// The format's name as given to `--format`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
            Format::GeoJsonSeq => "geojsonseq",
            Format::TopoJson => "topojson",
            Format::Html => "html",
            Format::Qml => "qml",
            Format::Svg => "svg",
        }
    }

    /// Parse names (`geojson,geojsonseq`, or `all`).
    ///
    /// # Errors
    ///
    /// A usage error naming an unknown format and listing the known ones.
    pub fn parse_list<S: AsRef<str>>(names: &[S]) -> Result<Vec<Format>> {
        let mut out = Vec::new();
        for name in names
            .iter()
            .flat_map(|n| n.as_ref().split(','))
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            if name.eq_ignore_ascii_case("all") {
                out.extend(Format::ALL);
                continue;
            }
            out.push(name.parse()?);
        }
        out.sort();
        out.dedup();
        if out.is_empty() {
            out.push(Format::GeoJson);
        }
        Ok(out)
    }
}

impl FromStr for Format {
    type Err = Error;

    /// One format by name (any case).
    ///
    /// ```
    /// use frontline::Format;
    /// assert_eq!("GeoJSONSeq".parse::<Format>()?, Format::GeoJsonSeq);
    /// assert!("kml".parse::<Format>().is_err());
    /// # Ok::<(), frontline::Error>(())
    /// ```
    fn from_str(name: &str) -> Result<Self> {
        Format::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name.trim())).ok_or_else(
            || {
                let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                Error::usage(format!(
                    "unknown format \"{name}\" — known formats: {}, all",
                    known.join(", ")
                ))
            },
        )
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_all() {
        let l = |s: &str| Format::parse_list(&[s]);
        assert_eq!(l("svg,html").unwrap(), vec![Format::Html, Format::Svg]);
        assert_eq!(l("all").unwrap(), Format::ALL.to_vec());
        assert_eq!(l("").unwrap(), vec![Format::GeoJson]);
        let e = l("html,kml").unwrap_err().to_string();
        assert!(e.contains("unknown format \"kml\""), "{e}");
    }
}
