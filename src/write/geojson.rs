//! The one GeoJSON writer. It owns every RFC 7946 rule: WGS84 lon/lat,
//! counter-clockwise exterior rings and clockwise holes, no `crs` member,
//! coordinates rounded to a number of decimals, and a stable feature `id`.
//!
//! [`write_collection`] sorts features by id (numbers in ids compare as
//! numbers) and writes one feature per line, so regenerated layers diff
//! cleanly in git. [`FeatureWriter`] streams features in the order given,
//! for inputs of any size; it must be [`finish`](FeatureWriter::finish)ed.

use crate::layers::Feature;
use crate::natural::natural_cmp;
use geo::{Coord, Geometry, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::io::{self, Write};

/// Output flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// One `FeatureCollection` (RFC 7946).
    Collection,
    /// One feature per line, each preceded by RS (RFC 8142 GeoJSON text sequence).
    Sequence,
}

/// A property value borrowed for writing: what the streaming incidents
/// writer produces without building a `serde_json::Map` per row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PropValue<'a> {
    /// `null`.
    Null,
    /// A JSON string.
    Str(&'a str),
    /// An integer.
    Int(i64),
    /// A finite float (written as `serde_json` writes it).
    Float(f64),
    /// A number as `serde_json` writes it already: the text of a float
    /// that [`PropValue::number`] found in its shortest form, copied as is.
    Number(&'a str),
    /// Any JSON value.
    Json(&'a Value),
}

impl<'a> From<Option<&'a str>> for PropValue<'a> {
    /// Text, or `null` for none.
    fn from(text: Option<&'a str>) -> Self {
        text.map_or(PropValue::Null, PropValue::Str)
    }
}

impl PropValue<'_> {
    /// The owned JSON value (a non-finite float becomes `null`).
    #[must_use]
    pub fn to_value(self) -> Value {
        match self {
            PropValue::Null => Value::Null,
            PropValue::Str(s) => Value::String(s.to_string()),
            PropValue::Int(i) => Value::from(i),
            PropValue::Float(f) => {
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
            PropValue::Number(s) => s
                .parse()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::Null, Value::Number),
            PropValue::Json(v) => v.clone(),
        }
    }

    fn write_to(self, buf: &mut Vec<u8>) -> io::Result<()> {
        match self {
            PropValue::Str(s) => push_str(buf, s),
            PropValue::Int(i) => buf.extend_from_slice(itoa::Buffer::new().format(i).as_bytes()),
            PropValue::Float(f) if f.is_finite() => serde_json::to_writer(&mut *buf, &f)?,
            PropValue::Number(s) => buf.extend_from_slice(s.as_bytes()),
            PropValue::Null | PropValue::Float(_) => buf.extend_from_slice(b"null"),
            PropValue::Json(v) => serde_json::to_writer(&mut *buf, v)?,
        }
        Ok(())
    }
}

impl<'a> PropValue<'a> {
    /// The float `value` read from `text`: the text itself when it is the
    /// form `serde_json` writes `value` in, which is then not formatted
    /// again (coordinate columns of a million rows), else the float.
    ///
    /// The text is that form when it is a plain decimal (`-`, digits, a
    /// point, digits) with no superfluous zero, of at least 0.0001 and of at
    /// most 15 significant digits: distinct decimals of 15 digits are
    /// distinct doubles, so no shorter decimal reads back as `value`.
    #[must_use]
    pub fn number(text: &'a str, value: f64) -> Self {
        fn digits(b: &[u8]) -> bool {
            !b.is_empty() && b.iter().all(u8::is_ascii_digit)
        }
        let b = text.as_bytes();
        let unsigned = b.strip_prefix(b"-").unwrap_or(b);
        let Some(point) = unsigned.iter().position(|c| *c == b'.') else {
            return PropValue::Float(value);
        };
        let (int, frac) = unsigned.split_at(point);
        let frac = frac.get(1..).unwrap_or_default();
        let shortest = digits(int)
            && digits(frac)
            && frac.last() != Some(&b'0')
            && match int {
                [b'0'] => {
                    let zeros = frac.iter().take_while(|c| **c == b'0').count();
                    zeros <= 3 && frac.len() - zeros <= 15
                }
                [b'0', ..] => false,
                _ => int.len() + frac.len() <= 15,
            };
        if shortest {
            PropValue::Number(text)
        } else {
            PropValue::Float(value)
        }
    }
}

/// Append `s` as a JSON string, escaped byte for byte as `serde_json`
/// escapes it (`"`, `\`, and control characters; nothing else). Text is
/// checked sixteen bytes at a time and, when clean (nearly always), copied
/// whole: most of a streamed file's output is these strings. Other text is
/// copied in runs between its quotes and backslashes.
pub fn push_str(buf: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// Whether any of the 8 bytes is a quote, a backslash or below 0x20
    /// (the `haszero` trick: exact for "any", whatever the other bytes).
    fn dirty(w: u64) -> bool {
        let quote = w ^ (ONES * u64::from(b'"'));
        let slash = w ^ (ONES * u64::from(b'\\'));
        let low = w.wrapping_sub(ONES * 0x20) & !w;
        let quote = quote.wrapping_sub(ONES) & !quote;
        let slash = slash.wrapping_sub(ONES) & !slash;
        (low | quote | slash) & HIGH != 0
    }
    fn escape(b: u8) -> bool {
        b < 0x20 || b == b'"' || b == b'\\'
    }
    /// Whether any of 16 bytes needs escaping, without a branch per byte
    /// (the compiler makes vector code of it).
    #[inline]
    fn dirty16(block: [u8; 16]) -> bool {
        block.iter().fold(false, |bad, b| bad | escape(*b))
    }
    /// Whether no byte needs escaping: 16 bytes at a time, the last 16
    /// (or 8) bytes overlapping those seen.
    fn clean(bytes: &[u8]) -> bool {
        let n = bytes.len();
        let at = |from: usize| bytes.get(from..).unwrap_or_default();
        if n >= 16 {
            for block in bytes.chunks_exact(16).chain([at(n - 16)]) {
                if <[u8; 16]>::try_from(block).map_or(true, dirty16) {
                    return false;
                }
            }
            true
        } else if n >= 8 {
            let word = |w: &[u8]| w.get(..8).and_then(|w| w.try_into().ok());
            let (first, last) = (word(bytes), word(at(n - 8)));
            !(first.is_none_or(|w| dirty(u64::from_le_bytes(w)))
                || last.is_none_or(|w| dirty(u64::from_le_bytes(w))))
        } else {
            !bytes.iter().any(|b| escape(*b))
        }
    }
    let bytes = s.as_bytes();
    let clean = clean(bytes);
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    if clean {
        buf.extend_from_slice(bytes);
        buf.push(b'"');
        return;
    }
    // text between the quotes and backslashes (found fast) is copied
    // whole unless it holds a control character (rare)
    let mut rest = bytes;
    loop {
        let next = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
        let (run, after) = rest.split_at(next);
        // no branch per byte: the compiler makes vector code of it
        if run.iter().fold(0_u8, |bad, b| bad | u8::from(*b < 0x20)) != 0 {
            for b in run {
                if *b < 0x20 {
                    push_escape(buf, *b);
                } else {
                    buf.push(*b);
                }
            }
        } else {
            buf.extend_from_slice(run);
        }
        let Some((b, after)) = after.split_first() else { break };
        push_escape(buf, *b);
        rest = after;
    }
    buf.push(b'"');
}

/// Append the JSON escape of a byte that needs one (as `serde_json` writes it).
fn push_escape(buf: &mut Vec<u8>, b: u8) {
    match b {
        b'"' => buf.extend_from_slice(b"\\\""),
        b'\\' => buf.extend_from_slice(b"\\\\"),
        b'\n' => buf.extend_from_slice(b"\\n"),
        b'\r' => buf.extend_from_slice(b"\\r"),
        b'\t' => buf.extend_from_slice(b"\\t"),
        0x08 => buf.extend_from_slice(b"\\b"),
        0x0c => buf.extend_from_slice(b"\\f"),
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let hex = |n: u8| HEX.get(usize::from(n)).copied().unwrap_or(b'0');
            buf.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex(b >> 4), hex(b & 0xf)]);
        }
    }
}

/// A property name as [`FeatureWriter::write_parts`] takes it: a `&str`
/// (escaped on every feature) or a [`Key`] escaped once.
pub trait PropKey {
    /// Append the name as a JSON string and the `:` after it.
    fn push_key(&self, buf: &mut Vec<u8>);
}

impl PropKey for &str {
    fn push_key(&self, buf: &mut Vec<u8>) {
        push_str(buf, self);
        buf.push(b':');
    }
}

/// A property name escaped once, for writers that repeat the same names
/// on millions of features (a streamed CSV's columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    name: String,
    json: Vec<u8>,
    /// `json` padded with zeros, when it fits: copied whole (a fixed size
    /// the compiler copies inline, not through `memcpy`), then cut.
    padded: Option<[u8; Key::PADDED]>,
}

impl Key {
    const PADDED: usize = 32;

    /// The key `name`.
    #[must_use]
    pub fn new(name: &str) -> Self {
        let mut json = Vec::with_capacity(name.len() + 3);
        name.push_key(&mut json);
        let mut padded = [0; Key::PADDED];
        let padded =
            padded.get_mut(..json.len()).map(|head| head.copy_from_slice(&json)).map(|()| padded);
        Key { name: name.to_string(), json, padded }
    }

    /// The name, unescaped.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl PropKey for &Key {
    fn push_key(&self, buf: &mut Vec<u8>) {
        match &self.padded {
            Some(padded) => {
                let len = buf.len() + self.json.len();
                buf.extend_from_slice(padded);
                buf.truncate(len);
            }
            None => buf.extend_from_slice(&self.json),
        }
    }
}

/// Writes features one by one.
#[derive(Debug)]
pub struct FeatureWriter<W: Write> {
    w: W,
    precision: u8,
    flavor: Flavor,
    count: usize,
    /// A fragment: every feature gets its separator, and is rendered
    /// straight into `buf`, which holds the whole fragment (see
    /// [`FeatureWriter::fragment`]).
    fragment: bool,
    /// The feature being rendered (the fragment so far, for a fragment).
    buf: Vec<u8>,
    geometry: String,
}

impl FeatureWriter<Vec<u8>> {
    /// A writer of a run of features into `buf` (emptied), to be
    /// [`append`](FeatureWriter::append)ed to a main writer later, so that
    /// features can be rendered in parallel and written in order. It writes
    /// no collection header or footer.
    #[must_use]
    pub fn fragment(mut buf: Vec<u8>, precision: u8, flavor: Flavor) -> Self {
        buf.clear();
        FeatureWriter {
            w: Vec::new(),
            precision,
            flavor,
            count: 0,
            fragment: true,
            buf,
            geometry: String::with_capacity(64),
        }
    }

    /// The bytes of a fragment and the number of features in them.
    #[must_use]
    pub fn into_fragment(self) -> (Vec<u8>, usize) {
        (self.buf, self.count)
    }
}

impl<W: Write> FeatureWriter<W> {
    /// Start a collection (or sequence). `meta` becomes the `frontline`
    /// foreign member of a collection.
    ///
    /// # Errors
    ///
    /// I/O errors of the underlying writer.
    pub fn begin(
        mut w: W,
        precision: u8,
        flavor: Flavor,
        meta: Option<&Map<String, Value>>,
    ) -> io::Result<Self> {
        if flavor == Flavor::Collection {
            w.write_all(b"{\"type\":\"FeatureCollection\"")?;
            if let Some(meta) = meta {
                w.write_all(b",\"frontline\":")?;
                serde_json::to_writer(&mut w, meta)?;
            }
            w.write_all(b",\"features\":[")?;
        }
        Ok(FeatureWriter {
            w,
            precision,
            flavor,
            count: 0,
            fragment: false,
            buf: Vec::with_capacity(1024),
            geometry: String::with_capacity(64),
        })
    }

    /// Append a fragment's bytes holding `count` features.
    ///
    /// # Errors
    ///
    /// I/O errors of the underlying writer.
    pub fn append(&mut self, fragment: &[u8], count: usize) -> io::Result<()> {
        if count == 0 {
            return Ok(());
        }
        // a fragment separates every feature with ",\n"; the collection's first has none
        let bytes = match (self.flavor, self.count) {
            (Flavor::Collection, 0) => fragment.strip_prefix(b",").unwrap_or(fragment),
            _ => fragment,
        };
        self.w.write_all(bytes)?;
        self.count += count;
        Ok(())
    }

    /// Write one feature.
    ///
    /// # Errors
    ///
    /// I/O errors of the underlying writer.
    pub fn write(&mut self, f: &Feature) -> io::Result<()> {
        let props = f.properties.iter().map(|(k, v)| (k.as_str(), PropValue::Json(v)));
        self.write_parts(&f.id, f.geometry.as_ref(), props)
    }

    /// Write one feature from borrowed parts; properties are written in the
    /// order given (the caller keeps keys unique).
    ///
    /// # Errors
    ///
    /// I/O errors of the underlying writer.
    pub fn write_parts<'p, K: PropKey + 'p>(
        &mut self,
        id: &str,
        geometry: Option<&Geometry<f64>>,
        properties: impl IntoIterator<Item = (K, PropValue<'p>)>,
    ) -> io::Result<()> {
        match geometry {
            Some(g) => {
                self.geometry.clear();
                push_geometry(&mut self.geometry, g, self.precision);
                self.write_with_last_geometry(id, properties)
            }
            None => self.write_feature(id, None, properties),
        }
    }

    /// Write one feature whose geometry is rendered already
    /// ([`multi_polygon_json`] at this writer's precision): a geometry several
    /// features or layers show is rendered once.
    ///
    /// # Errors
    ///
    /// I/O errors of the underlying writer.
    pub fn write_rendered<'p, K: PropKey + 'p>(
        &mut self,
        id: &str,
        geometry: &str,
        properties: impl IntoIterator<Item = (K, PropValue<'p>)>,
    ) -> io::Result<()> {
        self.write_feature(id, Some(geometry), properties)
    }

    /// Write one feature with the geometry of the last feature written
    /// (which must have had one): repeated geometries are rendered once.
    ///
    /// # Errors
    ///
    /// I/O errors of the underlying writer.
    pub fn write_with_last_geometry<'p, K: PropKey + 'p>(
        &mut self,
        id: &str,
        properties: impl IntoIterator<Item = (K, PropValue<'p>)>,
    ) -> io::Result<()> {
        let geometry = std::mem::take(&mut self.geometry);
        let written = self.write_feature(id, Some(&geometry), properties);
        self.geometry = geometry;
        written
    }

    fn write_feature<'p, K: PropKey + 'p>(
        &mut self,
        id: &str,
        geometry: Option<&str>,
        properties: impl IntoIterator<Item = (K, PropValue<'p>)>,
    ) -> io::Result<()> {
        if !self.fragment {
            self.buf.clear();
        }
        match self.flavor {
            Flavor::Collection => {
                let first = self.count == 0 && !self.fragment;
                self.buf.extend_from_slice(if first { b"\n" } else { b",\n" });
            }
            Flavor::Sequence => self.buf.push(0x1e),
        }
        self.buf.extend_from_slice(b"{\"type\":\"Feature\",\"id\":");
        push_str(&mut self.buf, id);
        self.buf.extend_from_slice(b",\"geometry\":");
        self.buf.extend_from_slice(geometry.map_or(&b"null"[..], str::as_bytes));
        self.buf.extend_from_slice(b",\"properties\":{");
        for (i, (k, v)) in properties.into_iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            k.push_key(&mut self.buf);
            v.write_to(&mut self.buf)?;
        }
        self.buf.extend_from_slice(b"}}");
        if self.flavor == Flavor::Sequence {
            self.buf.push(b'\n');
        }
        if !self.fragment {
            self.w.write_all(&self.buf)?;
        }
        self.count += 1;
        Ok(())
    }

    /// Close the collection and flush; returns the writer.
    ///
    /// # Errors
    ///
    /// I/O errors of the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        if self.flavor == Flavor::Collection {
            self.w.write_all(if self.count == 0 { b"]}\n" } else { b"\n]}\n" })?;
        }
        self.w.flush()?;
        Ok(self.w)
    }

    /// Features written so far.
    #[must_use]
    pub fn count(&self) -> usize {
        self.count
    }
}

/// Sort features by id and write them as one collection.
///
/// # Errors
///
/// I/O errors of the writer.
pub fn write_collection<W: Write>(
    w: W,
    features: &mut [Feature],
    meta: &Map<String, Value>,
    precision: u8,
    flavor: Flavor,
) -> io::Result<W> {
    features.par_sort_by(|a, b| natural_cmp(&a.id, &b.id));
    write_features(w, features, meta, precision, flavor)
}

/// Write features as one collection in the order given (the caller sorted
/// them). Runs of features are rendered in parallel and appended in order.
///
/// # Errors
///
/// I/O errors of the writer.
pub fn write_features<W: Write>(
    w: W,
    features: &[Feature],
    meta: &Map<String, Value>,
    precision: u8,
    flavor: Flavor,
) -> io::Result<W> {
    let (w, _) = write_runs(w, features, meta, precision, flavor, |fw, f, previous| {
        // a zone's periods (timeline) repeat its geometry: render it once
        let same = previous.is_some_and(|p| p.geometry.is_some() && p.geometry == f.geometry);
        if same {
            let props = f.properties.iter().map(|(k, v)| (k.as_str(), PropValue::Json(v)));
            fw.write_with_last_geometry(&f.id, props)
        } else {
            fw.write(f)
        }
    })?;
    Ok(w)
}

/// Write `items`, in the order given, as one collection (or sequence)
/// into `w`: runs of them are rendered in parallel, each item by `write`
/// (given the item before it in its run), and appended in order. Gives
/// back `w` and the number of features.
///
/// # Errors
///
/// I/O errors of `w`, and those `write` returns.
pub fn write_runs<T: Sync, W: Write>(
    w: W,
    items: &[T],
    meta: &Map<String, Value>,
    precision: u8,
    flavor: Flavor,
    write: impl Fn(&mut FeatureWriter<Vec<u8>>, &T, Option<&T>) -> io::Result<()> + Sync,
) -> io::Result<(W, usize)> {
    /// Items per run rendered on one thread.
    const RUN: usize = 2048;
    let fragments = items
        .par_chunks(RUN)
        .map(|run| {
            let mut fw = FeatureWriter::fragment(Vec::new(), precision, flavor);
            let mut previous = None;
            for item in run {
                write(&mut fw, item, previous)?;
                previous = Some(item);
            }
            Ok(fw.into_fragment())
        })
        .collect::<io::Result<Vec<_>>>()?;
    let count = fragments.iter().map(|(_, n)| n).sum();
    Ok((write_fragments(w, &fragments, meta, precision, flavor)?, count))
}

/// Write a collection (or sequence) made of fragments rendered apart
/// ([`FeatureWriter::fragment`]), in order, each with its feature count.
///
/// # Errors
///
/// I/O errors of `w`.
pub fn write_fragments<W: Write>(
    w: W,
    fragments: &[(Vec<u8>, usize)],
    meta: &Map<String, Value>,
    precision: u8,
    flavor: Flavor,
) -> io::Result<W> {
    let mut fw = FeatureWriter::begin(w, precision, flavor, Some(meta))?;
    for (bytes, count) in fragments {
        fw.append(bytes, *count)?;
    }
    fw.finish()
}

/// Round a coordinate value to `precision` decimals (never `-0`).
#[must_use]
pub fn round(v: f64, precision: u8) -> f64 {
    let f = 10f64.powi(i32::from(precision));
    (v * f).round() / f + 0.0
}

/// A coordinate as JSON: integers without a fraction, other values in their
/// shortest round-trip form (`ryu`, as `serde_json` writes floats).
fn push_number(buf: &mut String, v: f64) {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        buf.push_str(itoa::Buffer::new().format(v as i64));
    } else if v.is_finite() {
        buf.push_str(ryu::Buffer::new().format_finite(v));
    } else {
        buf.push_str("null");
    }
}

/// `push_number(buf, round(v, precision))`, printed from the rounded
/// integer `(v * 10^precision).round()` when that is the same text: with at
/// most 15 significant digits, the decimal `k / 10^precision` is the
/// shortest that reads back as the double nearest to it (which is what
/// `round` gives), so `ryu`'s digits are `k`'s; its fixed notation holds
/// from 1e-5 up. Other values go through [`round`] and [`push_number`].
fn push_rounded(buf: &mut String, v: f64, precision: u8) {
    const POW10: [u64; 16] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
        1_000_000_000,
        10_000_000_000,
        100_000_000_000,
        1_000_000_000_000,
        10_000_000_000_000,
        100_000_000_000_000,
        1_000_000_000_000_000,
    ];
    let p = usize::from(precision);
    let (Some(&scale), Some(&small)) = (POW10.get(p), POW10.get(p.saturating_sub(5))) else {
        return push_number(buf, round(v, precision));
    };
    let k = (v * scale as f64).round();
    let digits = k.abs();
    // below 1e-5 (and not 0) ryu writes an exponent; past 15 digits the
    // decimal may not be the shortest
    if !(digits < 1e15 && (digits == 0.0 || p <= 5 || digits >= small as f64)) {
        return push_number(buf, round(v, precision));
    }
    let digits = digits as u64;
    let (whole, fraction) = (digits / scale, digits % scale);
    if k < 0.0 && digits != 0 {
        buf.push('-');
    }
    buf.push_str(itoa::Buffer::new().format(whole));
    if fraction != 0 {
        let mut text = itoa::Buffer::new();
        let text = text.format(fraction + scale);
        // `scale + fraction` is 1 then the fraction with its leading zeros
        let text = text.get(1..).unwrap_or_default();
        buf.push('.');
        buf.push_str(text.trim_end_matches('0'));
    }
}

fn push_coord(buf: &mut String, c: Coord<f64>) {
    buf.push('[');
    push_number(buf, c.x);
    buf.push(',');
    push_number(buf, c.y);
    buf.push(']');
}

fn push_coords(buf: &mut String, coords: &[Coord<f64>]) {
    buf.push('[');
    for (i, c) in coords.iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        push_coord(buf, *c);
    }
    buf.push(']');
}

/// Round a line's coordinates and drop consecutive duplicates.
fn round_line(ls: &LineString<f64>, precision: u8) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(ls.0.len());
    for c in &ls.0 {
        let r = Coord { x: round(c.x, precision), y: round(c.y, precision) };
        if out.last() != Some(&r) {
            out.push(r);
        }
    }
    out
}

/// Round a polygon; rings that collapse are dropped (the polygon too if its
/// exterior collapses to fewer than four positions or to no area). Rings are
/// wound after rounding.
fn round_polygon(p: &Polygon<f64>, precision: u8) -> Option<Polygon<f64>> {
    let ring = |ls: &LineString<f64>| {
        let c = round_line(ls, precision);
        (c.len() >= 4).then_some(LineString(c))
    };
    let exterior = wind(ring(p.exterior())?, true)?;
    let holes = p.interiors().iter().filter_map(ring).filter_map(|h| wind(h, false)).collect();
    Some(Polygon::new(exterior, holes))
}

/// Wind a ring counter-clockwise (`ccw`) or clockwise by the sign of
/// Σ (x₂ − x₁)(y₂ + y₁), exactly the test RFC 7946 validators (geojsonhint)
/// apply; `None` for a ring without area. (geo's `Orient` looks at the turn
/// at one extreme vertex instead, which disagrees with the area on a ring
/// that crosses itself, as aggressive simplification can leave.)
fn wind(mut ring: LineString<f64>, ccw: bool) -> Option<LineString<f64>> {
    let clockwise_sum: f64 = ring
        .0
        .windows(2)
        .map(|w| match w {
            [a, b] => (b.x - a.x) * (b.y + a.y),
            _ => 0.0,
        })
        .sum();
    if clockwise_sum == 0.0 {
        return None;
    }
    if (clockwise_sum > 0.0) == ccw {
        ring.0.reverse();
    }
    Some(ring)
}

fn push_polygon(buf: &mut String, p: &Polygon<f64>) {
    buf.push('[');
    push_coords(buf, &p.exterior().0);
    for h in p.interiors() {
        buf.push(',');
        push_coords(buf, &h.0);
    }
    buf.push(']');
}

/// Append a geometry as RFC 7946 JSON.
pub fn push_geometry(buf: &mut String, g: &Geometry<f64>, precision: u8) {
    let r = |c: Coord<f64>| Coord { x: round(c.x, precision), y: round(c.y, precision) };
    match g {
        Geometry::Point(p) => {
            buf.push_str("{\"type\":\"Point\",\"coordinates\":[");
            push_rounded(buf, p.x(), precision);
            buf.push(',');
            push_rounded(buf, p.y(), precision);
            buf.push_str("]}");
        }
        Geometry::MultiPoint(mp) => {
            buf.push_str("{\"type\":\"MultiPoint\",\"coordinates\":");
            push_coords(buf, &mp.0.iter().map(|p| r(p.0)).collect::<Vec<_>>());
            buf.push('}');
        }
        Geometry::LineString(ls) => {
            buf.push_str("{\"type\":\"LineString\",\"coordinates\":");
            push_coords(buf, &round_line(ls, precision));
            buf.push('}');
        }
        Geometry::MultiLineString(mls) => {
            let lines: Vec<Vec<Coord<f64>>> =
                mls.0.iter().map(|l| round_line(l, precision)).filter(|l| l.len() >= 2).collect();
            push_parts(buf, ["LineString", "MultiLineString"], &lines, |buf, l| {
                push_coords(buf, l);
            });
        }
        Geometry::Polygon(p) => push_geometry(
            buf,
            &Geometry::MultiPolygon(geo::MultiPolygon(vec![p.clone()])),
            precision,
        ),
        Geometry::MultiPolygon(mp) => push_multi_polygon(buf, mp, precision),
        Geometry::GeometryCollection(gc) => {
            buf.push_str("{\"type\":\"GeometryCollection\",\"geometries\":[");
            for (i, g) in gc.0.iter().enumerate() {
                if i > 0 {
                    buf.push(',');
                }
                push_geometry(buf, g, precision);
            }
            buf.push_str("]}");
        }
        Geometry::Line(l) => {
            push_geometry(buf, &Geometry::LineString(LineString(vec![l.start, l.end])), precision);
        }
        Geometry::Rect(rect) => {
            push_geometry(buf, &Geometry::Polygon(rect.to_polygon()), precision);
        }
        Geometry::Triangle(t) => push_geometry(buf, &Geometry::Polygon(t.to_polygon()), precision),
    }
}

/// A multipolygon as GeoJSON, as the writer renders it at `precision`:
/// for a geometry several features or layers show, rendered once and
/// written with [`FeatureWriter::write_rendered`].
#[must_use]
pub fn multi_polygon_json(mp: &MultiPolygon<f64>, precision: u8) -> String {
    let mut buf = String::new();
    push_multi_polygon(&mut buf, mp, precision);
    buf
}

fn push_multi_polygon(buf: &mut String, mp: &MultiPolygon<f64>, precision: u8) {
    let polys: Vec<Polygon<f64>> =
        mp.0.iter().filter_map(|p| round_polygon(p, precision)).collect();
    push_parts(buf, ["Polygon", "MultiPolygon"], &polys, push_polygon);
}

/// A geometry of parts: one part as the single type (`Polygon`), any other
/// number as the multi type (`MultiPolygon`), each part by `push`.
fn push_parts<T>(
    buf: &mut String,
    [single, multi]: [&str; 2],
    parts: &[T],
    push: impl Fn(&mut String, &T),
) {
    buf.push_str("{\"type\":\"");
    if let [one] = parts {
        buf.push_str(single);
        buf.push_str("\",\"coordinates\":");
        push(buf, one);
    } else {
        buf.push_str(multi);
        buf.push_str("\",\"coordinates\":[");
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                buf.push(',');
            }
            push(buf, part);
        }
        buf.push(']');
    }
    buf.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn feature(id: &str, g: Geometry<f64>) -> Feature {
        let mut props = Map::new();
        props.insert("b".into(), Value::from(1));
        props.insert("a".into(), Value::from("x"));
        Feature { id: id.into(), geometry: Some(g), properties: props }
    }

    fn write(features: &mut [Feature], precision: u8) -> String {
        let out =
            write_collection(Vec::new(), features, &Map::new(), precision, Flavor::Collection)
                .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn orients_rounds_and_sorts() {
        // clockwise exterior, counter-clockwise hole: both must be flipped
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 0.0, y: 10.0), (x: 10.0, y: 10.0), (x: 10.0, y: 0.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 2.0), (x: 1.0, y: 1.0)]],
        );
        let mut fs = vec![
            feature("10", Geometry::Point(geo::Point::new(41.123_456_789, -0.000_000_01))),
            feature("2", Geometry::Polygon(p)),
        ];
        let text = write(&mut fs, 6);
        insta::assert_snapshot!(text, @r#"
        {"type":"FeatureCollection","frontline":{},"features":[
        {"type":"Feature","id":"2","geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[1,1],[1,2],[2,2],[2,1],[1,1]]]},"properties":{"b":1,"a":"x"}},
        {"type":"Feature","id":"10","geometry":{"type":"Point","coordinates":[41.123457,0]},"properties":{"b":1,"a":"x"}}
        ]}
        "#);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["features"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn sequence_is_rfc8142() {
        let mut fs = vec![feature("a", Geometry::Point(geo::Point::new(1.0, 2.0)))];
        let out = write_collection(Vec::new(), &mut fs, &Map::new(), 6, Flavor::Sequence).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with('\u{1e}') && text.ends_with("}\n"));
        assert_eq!(text.lines().count(), 1);
    }

    /// What a point's coordinate was printed as before [`push_rounded`].
    fn rounded_by_ryu(v: f64, precision: u8) -> String {
        let mut s = String::new();
        push_number(&mut s, round(v, precision));
        s
    }

    #[test]
    fn push_rounded_prints_as_ryu_at_the_edges() {
        let values = [
            0.0,
            -0.0,
            1e-5,
            -1e-5,
            9.9e-6,
            1.5e-5,
            0.000_012_345_6,
            0.1,
            0.3,
            41.22,
            -41.22,
            179.999_999_95,
            -179.999_999_5,
            180.0,
            37.0,
            1e9,
            123_456_789.012_345,
            999_999_999.999_999_4,
            1e15,
            1e16,
            2.5,
            -2.5,
            0.5,
            1e300,
            -1e300,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
        ];
        for v in values {
            for p in 0..=17 {
                let mut s = String::new();
                push_rounded(&mut s, v, p);
                assert_eq!(s, rounded_by_ryu(v, p), "{v} at {p}");
            }
        }
    }

    #[test]
    fn number_keeps_the_text_of_shortest_decimals_only() {
        let kept =
            |t: &str| matches!(PropValue::number(t, t.parse().unwrap()), PropValue::Number(_));
        for t in ["36.2546839", "-0.5", "0.0001", "100.25", "12345678901234.5"] {
            assert!(kept(t), "{t}");
        }
        for t in ["33.3796140", "0.00001", "1.", "01.5", "+1.5", "1e5", "123456789012345.6", "7"] {
            assert!(!kept(t), "{t}");
        }
    }

    #[test]
    fn keys_padded_or_not_write_as_text_keys() {
        // 29 letters make 32 bytes of JSON (padded), 30 make 33 (not)
        let names =
            ["a", "event_date", "quo\"te", &"x".repeat(29), &"y".repeat(30), &"z".repeat(70)];
        for name in names {
            let (mut key, mut text) = (b"{".to_vec(), b"{".to_vec());
            (&Key::new(name)).push_key(&mut key);
            name.push_key(&mut text);
            assert_eq!(String::from_utf8(key).unwrap(), String::from_utf8(text).unwrap());
        }
    }

    #[test]
    fn push_str_finds_one_escape_anywhere() {
        // the clean check looks at blocks, words and bytes by length: an
        // escape at every position of every length up to a few blocks
        for len in 0..70 {
            for at in 0..len {
                for c in ['"', '\\', '\n', '\u{1f}', '\0'] {
                    let s: String = (0..len).map(|i| if i == at { c } else { 'a' }).collect();
                    let mut buf = Vec::new();
                    push_str(&mut buf, &s);
                    assert_eq!(String::from_utf8(buf).unwrap(), serde_json::to_string(&s).unwrap());
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn prop_push_str_escapes_as_serde_json(chars in proptest::collection::vec(proptest::prop_oneof![
            proptest::char::range('\0', '\u{1f}'),
            proptest::strategy::Just('"'),
            proptest::strategy::Just('\\'),
            proptest::char::range(' ', '~'),
            proptest::char::any(),
        ], 0..40)) {
            let s: String = chars.into_iter().collect();
            let mut buf = Vec::new();
            push_str(&mut buf, &s);
            proptest::prop_assert_eq!(String::from_utf8(buf).unwrap(), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn prop_long_text_with_few_escapes_escapes_as_serde_json(chars in proptest::collection::vec(proptest::prop_oneof![
            20 => proptest::char::range(' ', '~'),
            4 => proptest::char::any(),
            1 => proptest::char::range('\0', '\u{1f}'),
            1 => proptest::strategy::Just('"'),
            1 => proptest::strategy::Just('\\'),
        ], 0..200)) {
            // clean runs are skipped eight bytes at a time between escapes
            let s: String = chars.into_iter().collect();
            let mut buf = b"x".to_vec();
            push_str(&mut buf, &s);
            proptest::prop_assert_eq!(String::from_utf8(buf).unwrap(), format!("x{}", serde_json::to_string(&s).unwrap()));
        }

        #[test]
        fn prop_number_text_is_written_as_serde_json_writes_its_value(
            text in "-?(0|[1-9][0-9]{0,16})(\\.[0-9]{0,17})?",
        ) {
            let value: f64 = text.parse().unwrap();
            let mut buf = Vec::new();
            let number = PropValue::number(&text, value);
            number.write_to(&mut buf).unwrap();
            let expected = serde_json::to_string(&value).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(buf).unwrap(), expected);
            proptest::prop_assert_eq!(number.to_value(), PropValue::Float(value).to_value());
        }

        #[test]
        fn prop_push_rounded_prints_as_ryu(
            v in proptest::prop_oneof![
                -180.0f64..180.0,
                -1e16f64..1e16,
                -1e-3f64..1e-3,
                proptest::num::f64::ANY,
            ],
            p in 0u8..18,
        ) {
            let mut s = String::new();
            push_rounded(&mut s, v, p);
            proptest::prop_assert_eq!(s, rounded_by_ryu(v, p));
        }

        #[test]
        fn prop_push_rounded_prints_coordinates_as_ryu(
            whole in -180i64..180,
            fraction in 0u64..100_000_000_000,
            p in 0u8..16,
        ) {
            // typed coordinates: a few to many decimals
            let v: f64 = format!("{whole}.{fraction}").parse().unwrap();
            let mut s = String::new();
            push_rounded(&mut s, v, p);
            proptest::prop_assert_eq!(s, rounded_by_ryu(v, p));
        }

        #[test]
        fn prop_rounding_idempotent(v in -180.0f64..180.0, p in 0u8..10) {
            let once = round(v, p);
            proptest::prop_assert_eq!(round(once, p).to_bits(), once.to_bits());
        }

        #[test]
        fn prop_exterior_rings_ccw(pts in proptest::collection::vec((-1.0f64..1.0, -1.0f64..1.0), 3..12)) {
            // a star-shaped ring around the origin, in random direction
            let mut pts: Vec<(f64, f64)> = pts.into_iter().map(|(x, y)| (x * 10.0, y * 10.0)).collect();
            pts.sort_by(|a, b| a.1.atan2(a.0).total_cmp(&b.1.atan2(b.0)));
            let mut ring: Vec<Coord<f64>> = pts.iter().map(|(x, y)| Coord { x: *x, y: *y }).collect();
            if ring.len() % 2 == 0 { ring.reverse(); }
            ring.push(ring[0]);
            let mut buf = String::new();
            push_geometry(&mut buf, &Geometry::Polygon(Polygon::new(LineString(ring), vec![])), 6);
            let v: serde_json::Value = serde_json::from_str(&buf).unwrap();
            if v["type"] == "Polygon" {
                let ring: Vec<Coord<f64>> = v["coordinates"][0].as_array().unwrap().iter()
                    .map(|c| Coord { x: c[0].as_f64().unwrap(), y: c[1].as_f64().unwrap() }).collect();
                // RFC 7946's right-hand rule: the enclosed area is on the left,
                // i.e. a positive signed (shoelace) area
                proptest::prop_assert!(geo::Area::signed_area(&Polygon::new(LineString(ring), vec![])) > 0.0);
            }
        }

        #[test]
        fn prop_geojson_roundtrip(x in -180.0f64..180.0, y in -90.0f64..90.0) {
            let mut fs = vec![feature("p", Geometry::Point(geo::Point::new(x, y)))];
            let text = write(&mut fs, 6);
            let fc: geojson::FeatureCollection = text.parse::<geojson::GeoJson>().unwrap().try_into().unwrap();
            let g: geo::Point<f64> = fc.features[0].geometry.clone().unwrap().value.try_into().unwrap();
            approx::assert_abs_diff_eq!(g.x(), round(x, 6), epsilon = 1e-12);
            approx::assert_abs_diff_eq!(g.y(), round(y, 6), epsilon = 1e-12);
        }
    }
}
