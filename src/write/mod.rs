//! Writers: features in, bytes out. Every format goes through here, and
//! every file is written atomically (`atomic`).

pub mod atomic;
pub mod geojson;

use crate::error::{Error, Result};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// RFC 7946 GeoJSON, one file per layer (`control.geojson`).
    GeoJson,
    /// RFC 8142 GeoJSON text sequences (`control.geojsonseq`).
    GeoJsonSeq,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 2] = [Format::GeoJson, Format::GeoJsonSeq];

    /// The format's name as given to `--format`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
            Format::GeoJsonSeq => "geojsonseq",
        }
    }

    /// Parse names (`geojson,geojsonseq`, or `all`).
    ///
    /// # Errors
    ///
    /// A usage error naming an unknown format and listing the known ones.
    pub fn parse_list(names: &[String]) -> Result<Vec<Format>> {
        let mut out = Vec::new();
        for name in names.iter().flat_map(|n| n.split(',')).map(str::trim).filter(|n| !n.is_empty())
        {
            if name.eq_ignore_ascii_case("all") {
                out.extend(Format::ALL);
                continue;
            }
            let f = Format::ALL
                .into_iter()
                .find(|f| f.name().eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                    Error::usage(format!(
                        "unknown format \"{name}\" — known formats: {}, all",
                        known.join(", ")
                    ))
                })?;
            out.push(f);
        }
        out.sort();
        out.dedup();
        if out.is_empty() {
            out.push(Format::GeoJson);
        }
        Ok(out)
    }
}
