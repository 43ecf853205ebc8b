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
            Format::GeoJson | Format::GeoJsonSeq => {
                let (flavor, ext) = self.geojson().unwrap_or((Flavor::Collection, "geojson"));
                geojson_files(snapshot, layers, flavor, ext)
            }
            Format::TopoJson => topojson::render(snapshot, layers),
            Format::Html => html::render(snapshot, layers),
            Format::Qml => qml::render(snapshot, layers),
            Format::Svg => svg::render(snapshot, layers),
        }
    }

    /// The flavor and file extension of a GeoJSON format; `None` for the
    /// other formats.
    #[must_use]
    pub fn geojson(self) -> Option<(Flavor, &'static str)> {
        match self {
            Format::GeoJson => Some((Flavor::Collection, "geojson")),
            Format::GeoJsonSeq => Some((Flavor::Sequence, "geojsonseq")),
            _ => None,
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
    geojson_layers(layers, ext)
        .into_iter()
        .map(|(kind, name, features)| {
            let (bytes, features) =
                write_geojson_layer(snapshot, kind, features, flavor, Vec::new())
                    .map_err(|e| Error::internal(format!("rendering {}: {e}", kind.name())))?;
            Ok(Output { name, bytes, features })
        })
        .collect()
}

/// The layers a GeoJSON format writes, in order, with their file names
/// (`control.geojson`): each built layer with its features, and the layers
/// that [render from the model](LayerKind::renders_from_model) when `build`
/// left them out of `layers` (`None`: rendered straight from the model, as
/// millions of incidents are).
#[must_use]
pub fn geojson_layers<'l>(
    layers: &'l [(LayerKind, Vec<Feature>)],
    ext: &str,
) -> Vec<(LayerKind, String, Option<&'l [Feature]>)> {
    LayerKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let features = match layers.iter().find(|(k, _)| *k == kind) {
                Some((_, f)) => Some(f.as_slice()),
                None if kind.renders_from_model() => None,
                None => return None,
            };
            Some((kind, geojson_name(kind, ext), features))
        })
        .collect()
}

/// The file name of a layer in a GeoJSON format (`control.geojson`).
#[must_use]
pub fn geojson_name(kind: LayerKind, ext: &str) -> String {
    format!("{}.{ext}", kind.name())
}

/// Write one layer of [`geojson_layers`] as GeoJSON into `out` (`None`
/// features: rendered from the model), and give it back with the number of
/// features written.
///
/// # Errors
///
/// I/O errors of `out`, and an error for `None` features of a layer that
/// does not [render from the model](LayerKind::renders_from_model).
pub fn write_geojson_layer<W: std::io::Write + Send>(
    snapshot: &Snapshot<'_>,
    kind: LayerKind,
    features: Option<&[Feature]>,
    flavor: Flavor,
    out: W,
) -> std::io::Result<(W, usize)> {
    let meta = snapshot.meta();
    let precision = snapshot.project.settings.precision;
    match features {
        Some(f) => Ok((write_features(out, f, &meta, precision, flavor)?, f.len())),
        None => kind.render_geojson(snapshot, &meta, precision, flavor, out).unwrap_or_else(|| {
            Err(std::io::Error::other(format!("the {} layer was not built", kind.name())))
        }),
    }
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
