//! Writers: features in, bytes out. Every format goes through here, and
//! every file is written atomically (`atomic`).
//!
//! Each [`Format`] renders the whole build at once — the [`Snapshot`] and
//! every built layer, keyed by layer name — into [`Output`] files, so that a
//! new layer appears in every format without touching the writers. Layers
//! compute features; writers never compute geometry or history themselves
//! (the page and the SVG read both from [`page::PageData`]).

pub mod atomic;
pub mod geojson;
pub mod html;
pub mod page;
pub mod qml;
pub mod svg;
pub mod topojson;

use crate::error::{Error, Result};
use crate::layers::{Feature, LayerKind, Snapshot};
use geojson::{write_features, Flavor};

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

/// A rendered file, not yet written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// File name inside the output folder.
    pub name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Features it holds (for the report).
    pub features: usize,
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

    /// Render every layer of a build in this format. Features of each layer
    /// must already be sorted (the build sorts them once).
    ///
    /// # Errors
    ///
    /// Usage errors (e.g. a missing `--leaflet` folder) and internal errors.
    pub fn render(
        self,
        snapshot: &Snapshot<'_>,
        layers: &[(LayerKind, Vec<Feature>)],
    ) -> Result<Vec<Output>> {
        match self {
            Format::GeoJson => geojson_files(snapshot, layers, Flavor::Collection, "geojson"),
            Format::GeoJsonSeq => geojson_files(snapshot, layers, Flavor::Sequence, "geojsonseq"),
            Format::TopoJson => topojson::render(snapshot, layers),
            Format::Html => html::render(snapshot, layers),
            Format::Qml => qml::render(snapshot, layers),
            Format::Svg => svg::render(snapshot, layers),
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

fn geojson_files(
    snapshot: &Snapshot<'_>,
    layers: &[(LayerKind, Vec<Feature>)],
    flavor: Flavor,
    ext: &str,
) -> Result<Vec<Output>> {
    let meta = snapshot.meta();
    let precision = snapshot.project.settings.precision;
    let failed = |kind: LayerKind, e: std::io::Error| {
        Error::internal(format!("rendering {}: {e}", kind.name()))
    };
    let mut out = Vec::with_capacity(LayerKind::ALL.len());
    for kind in LayerKind::ALL {
        let name = format!("{}.{ext}", kind.name());
        if let Some((_, features)) = layers.iter().find(|(k, _)| *k == kind) {
            let bytes = write_features(Vec::new(), features, &meta, precision, flavor)
                .map_err(|e| failed(kind, e))?;
            out.push(Output { name, bytes, features: features.len() });
        } else if kind == LayerKind::Incidents {
            // Left out of `layers` by `build` when only GeoJSON is asked for:
            // millions of incidents are rendered straight from the model.
            let (bytes, features) =
                crate::layers::incidents::render(snapshot, &meta, precision, flavor)
                    .map_err(|e| failed(kind, e))?;
            out.push(Output { name, bytes, features });
        }
    }
    Ok(out)
}

/// Escape text for XML and HTML content and quoted attribute values (the
/// one escaper of the SVG, QML and HTML writers). Characters XML 1.0
/// forbids are dropped.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // characters XML 1.0 forbids
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_all() {
        let l = |s: &str| Format::parse_list(&[s.to_string()]);
        assert_eq!(l("svg,html").unwrap(), vec![Format::Html, Format::Svg]);
        assert_eq!(l("all").unwrap(), Format::ALL.to_vec());
        assert_eq!(l("").unwrap(), vec![Format::GeoJson]);
        let e = l("html,kml").unwrap_err().to_string();
        assert!(e.contains("unknown format \"kml\""), "{e}");
    }
}
