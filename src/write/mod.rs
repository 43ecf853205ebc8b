//! Writers: features in, bytes out. Every format goes through here, and
//! every file is written atomically (`atomic`).
//!
//! A format is one [`Writer`]: the build hands it each layer as it is built
//! ([`Writer::layer`], in parallel, in any order) and then tells it that
//! every layer was handed ([`Writer::finish`]); each returns the files it
//! wrote, staged beside their targets ([`Staged`]), which the build puts in
//! place once every file of every format is written. A writer reads only
//! the layer's features and the [`Context`] (the snapshot, the settings,
//! the `frontline` member of collections); it never calls into the layers
//! or computes history itself (TopoJSON does build the shared arcs of a
//! layer that is not made of zones, through the one topology core), and
//! what it writes does not depend on which other formats were asked for.
//!
//! To add a format: add it to [`Format`](crate::project::Format), write one
//! file here with a type that implements [`Writer`] (`layer` for what is
//! written per layer, `finish` for what needs every layer), and return it
//! from [`writer`].

pub mod atomic;
mod coords;
pub mod geojson;
pub mod html;
pub mod page;
pub mod qml;
pub mod svg;
pub mod topojson;

use crate::error::{Error, Result};
use crate::feature::Feature;
use crate::layers::{Layer, LayerKind, Snapshot};
use crate::project::{Format, Settings};
use atomic::AtomicFile;
use geojson::{Flavor, ZoneJson};
use serde_json::{Map, Value};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What every writer of one build reads besides the layers.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    /// The snapshot the layers were built from.
    pub snapshot: &'a Snapshot<'a>,
    /// The project's settings (precision, title, page and picture options).
    pub settings: &'a Settings,
    /// The folder written into.
    pub out_dir: &'a Path,
    /// The `frontline` foreign member of every collection.
    pub meta: Map<String, Value>,
    /// Each zone's polygon rendered as GeoJSON once, for every layer and format.
    pub zones: ZoneJson,
}

impl<'a> Context<'a> {
    /// The context of writing `snapshot` into `out_dir`.
    pub(crate) fn new(
        snapshot: &'a Snapshot<'a>,
        settings: &'a Settings,
        out_dir: &'a Path,
    ) -> Self {
        Context {
            snapshot,
            settings,
            out_dir,
            meta: meta(snapshot, settings),
            zones: ZoneJson::new(snapshot.zones.len(), settings.precision),
        }
    }
}

/// The `frontline` foreign member of every collection: the dates, the
/// title and the attribution.
pub(crate) fn meta(snapshot: &Snapshot<'_>, settings: &Settings) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("as_of".into(), Value::String(snapshot.as_of.to_iso()));
    let since = snapshot.since.as_ref().map_or(Value::Null, |s| Value::String(s.to_iso()));
    m.insert("since".into(), since);
    m.insert("title".into(), Value::String(settings.title.clone()));
    m.insert("attribution".into(), Value::String(settings.attribution.clone()));
    m
}

/// A layer as a writer gets it: its features, and (for writers that
/// [want them](Writer::wants_owned)) the same features owned.
#[derive(Debug)]
pub(crate) struct Handed<'l, 's> {
    /// The layer.
    pub layer: &'l Layer<'s>,
    /// Its features owned, made once for every writer that wants them.
    pub owned: Option<Arc<[Feature]>>,
}

/// A file written into a temporary file beside its target, with its
/// feature count.
#[derive(Debug)]
pub(crate) struct Staged {
    /// The target.
    pub path: PathBuf,
    /// Features it holds (for the report).
    pub features: usize,
    /// The file, not yet in place.
    pub file: AtomicFile,
}

impl Staged {
    /// Stage `bytes` as `name` in the output folder.
    pub(crate) fn bytes(
        cx: &Context<'_>,
        name: &str,
        bytes: &[u8],
        features: usize,
    ) -> Result<Self> {
        let path = cx.out_dir.join(name);
        let mut file = AtomicFile::create(&path)?;
        file.write_all(bytes).map_err(|e| Error::io(&path, e))?;
        file.start_sync()?;
        Ok(Staged { path, features, file })
    }

    /// Stage `name` in the output folder as `write` writes it (buffered),
    /// `write` returning the writer and the number of features.
    pub(crate) fn stream(
        cx: &Context<'_>,
        name: &str,
        write: impl FnOnce(BufWriter<AtomicFile>) -> std::io::Result<(BufWriter<AtomicFile>, usize)>,
    ) -> Result<Self> {
        let path = cx.out_dir.join(name);
        let file = BufWriter::with_capacity(1 << 20, AtomicFile::create(&path)?);
        let (file, features) = write(file).map_err(|e| Error::io(&path, e))?;
        let mut file = file.into_inner().map_err(|e| Error::io(&path, e.into_error()))?;
        file.start_sync()?;
        Ok(Staged { path, features, file })
    }
}

/// One output format.
pub(crate) trait Writer: Send + Sync {
    /// Whether the writer reads the layers' features owned
    /// ([`Handed::owned`]) rather than borrowed.
    fn wants_owned(&self) -> bool {
        false
    }

    /// Write what this format writes per layer.
    ///
    /// # Errors
    ///
    /// I/O errors, usage errors of the format's settings.
    fn layer(&self, cx: &Context<'_>, handed: &Handed<'_, '_>) -> Result<Vec<Staged>>;

    /// Write what needs every layer, once every layer was handed.
    ///
    /// # Errors
    ///
    /// I/O errors, usage errors of the format's settings.
    fn finish(&self, cx: &Context<'_>) -> Result<Vec<Staged>>;
}

/// The writer of `format`.
pub(crate) fn writer(format: Format) -> Box<dyn Writer> {
    match format {
        Format::GeoJson => Box::new(geojson::GeoJsonWriter::new(Flavor::Collection, "geojson")),
        Format::GeoJsonSeq => Box::new(geojson::GeoJsonWriter::new(Flavor::Sequence, "geojsonseq")),
        Format::TopoJson => Box::new(topojson::TopoJsonWriter),
        Format::Html => Box::new(Whole::new(html::render)),
        Format::Qml => Box::new(qml::QmlWriter),
        Format::Svg => Box::new(Whole::new(svg::render)),
    }
}

/// Layers with their features owned, in [`LayerKind::ALL`] order.
pub(crate) type OwnedLayers = [(LayerKind, Arc<[Feature]>)];

/// A rendered file, not yet written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Output {
    /// File name inside the output folder.
    pub name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Features it holds (for the report).
    pub features: usize,
}

/// Renders a whole map from every layer at once: owned layers in, files out.
type RenderWhole = fn(&Context<'_>, &OwnedLayers) -> Result<Vec<Output>>;

/// A format drawn from every layer at once (the page, the picture): it
/// keeps each layer handed and renders at the end.
struct Whole {
    render: RenderWhole,
    layers: Mutex<Vec<(LayerKind, Arc<[Feature]>)>>,
}

impl Whole {
    fn new(render: RenderWhole) -> Self {
        Whole { render, layers: Mutex::new(Vec::new()) }
    }
}

impl Writer for Whole {
    fn wants_owned(&self) -> bool {
        true
    }

    fn layer(&self, _: &Context<'_>, handed: &Handed<'_, '_>) -> Result<Vec<Staged>> {
        let owned = handed
            .owned
            .clone()
            .ok_or_else(|| Error::internal("a layer came without its owned features"))?;
        self.layers
            .lock()
            .map_err(|_| Error::internal("a writer's layers were poisoned"))?
            .push((handed.layer.kind, owned));
        Ok(Vec::new())
    }

    fn finish(&self, cx: &Context<'_>) -> Result<Vec<Staged>> {
        let mut layers = std::mem::take(
            &mut *self
                .layers
                .lock()
                .map_err(|_| Error::internal("a writer's layers were poisoned"))?,
        );
        layers.sort_by_key(|(kind, _)| *kind);
        (self.render)(cx, &layers)?
            .into_iter()
            .map(|out| Staged::bytes(cx, &out.name, &out.bytes, out.features))
            .collect()
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
    fn escapes_xml() {
        assert_eq!(escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }
}
