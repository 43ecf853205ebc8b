//! The one GeoJSON writer. It owns every RFC 7946 rule: WGS84 lon/lat,
//! counter-clockwise exterior rings and clockwise holes, no `crs` member,
//! coordinates rounded to a number of decimals, and a stable feature `id`.
//!
//! [`write_layer`] writes a layer's features in their order (the layers
//! sort them by id, numbers in ids comparing as numbers) one per line, so regenerated layers diff cleanly
//! in git; runs of features are rendered in parallel and written in order,
//! a group of runs while the one before is written. [`FeatureWriter`]
//! writes features in the order given, for inputs of any size; it must be
//! [`finish`](FeatureWriter::finish)ed. A zone's polygon, which the control,
//! changes and timeline layers all show, is rendered once per build
//! ([`ZoneJson`]).

use super::coords::{push_number, push_rounded, round};
use super::{Context, Handed, Staged, Writer};
use crate::error::Result;
use crate::feature::{push_str, FeatureRef, Features, PropKey, PropValue, Shape};
use geo::{Coord, Geometry, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::io::{self, Write};
use std::sync::OnceLock;

/// Writes each layer as a GeoJSON file as soon as it is handed.
#[derive(Debug)]
pub(crate) struct GeoJsonWriter {
    flavor: Flavor,
    ext: &'static str,
}

impl GeoJsonWriter {
    /// A writer of `flavor` files named `control.{ext}`.
    pub(crate) fn new(flavor: Flavor, ext: &'static str) -> Self {
        GeoJsonWriter { flavor, ext }
    }
}

impl Writer for GeoJsonWriter {
    fn layer(&self, cx: &Context<'_>, handed: &Handed<'_, '_>) -> Result<Vec<Staged>> {
        let layer = handed.layer;
        let name = format!("{}.{}", layer.kind.name(), self.ext);
        let precision = cx.settings.precision;
        let staged = Staged::stream(cx, &name, |file| {
            write_layer(file, &*layer.features, &cx.zones, &cx.meta, precision, self.flavor)
        })?;
        Ok(vec![staged])
    }

    fn finish(&self, _: &Context<'_>) -> Result<Vec<Staged>> {
        Ok(Vec::new())
    }
}

/// Output flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// One `FeatureCollection` (RFC 7946).
    Collection,
    /// One feature per line, each preceded by RS (RFC 8142 GeoJSON text sequence).
    Sequence,
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

    /// Write one feature; a zone's polygon comes from `zones` (rendered here
    /// without it).
    ///
    /// # Errors
    ///
    /// I/O errors of the underlying writer.
    pub(crate) fn write_ref(
        &mut self,
        f: &FeatureRef<'_>,
        zones: Option<&ZoneJson>,
    ) -> io::Result<()> {
        let props = f.properties.iter().copied();
        match f.shape {
            Shape::None => self.write_feature(f.id, None, props),
            Shape::Point(p) => self.write_parts(f.id, Some(&Geometry::Point(p)), props),
            Shape::Geometry(g) => self.write_parts(f.id, Some(g), props),
            Shape::Zone(i, mp) => match zones.and_then(|z| z.get(i, mp, self.precision)) {
                Some(json) => self.write_feature(f.id, Some(json), props),
                None => {
                    self.geometry.clear();
                    push_multi_polygon(&mut self.geometry, mp, self.precision);
                    self.write_with_last_geometry(f.id, props)
                }
            },
        }
    }

    /// Write one feature from borrowed parts; properties are written in the
    /// order given (the caller keeps keys unique).
    ///
    /// # Errors
    ///
    /// I/O errors of the underlying writer.
    fn write_parts<'p, K: PropKey + 'p>(
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

    /// Write one feature with the geometry of the last feature written
    /// (which must have had one): repeated geometries are rendered once.
    ///
    /// # Errors
    ///
    /// I/O errors of the underlying writer.
    fn write_with_last_geometry<'p, K: PropKey + 'p>(
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
            v.write_json(&mut self.buf)?;
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

/// Each zone's polygon as drawn, rendered as GeoJSON at one precision by
/// the first feature that shows it, for every layer and format of a build.
#[derive(Debug)]
pub(crate) struct ZoneJson {
    precision: u8,
    zones: Vec<OnceLock<String>>,
}

impl ZoneJson {
    /// Room for `zones` zones rendered at `precision`.
    pub(crate) fn new(zones: usize, precision: u8) -> Self {
        ZoneJson { precision, zones: (0..zones).map(|_| OnceLock::new()).collect() }
    }

    /// Zone `i` (drawn as `mp`) rendered at `precision`; `None` for another
    /// precision or an unknown zone.
    fn get(&self, i: usize, mp: &MultiPolygon<f64>, precision: u8) -> Option<&str> {
        if precision != self.precision {
            return None;
        }
        let cell = self.zones.get(i)?;
        Some(cell.get_or_init(|| multi_polygon_json(mp, precision)))
    }
}

/// Write a layer's features, in their order, as one collection (or
/// sequence) into `w`: runs of them are rendered in parallel and appended
/// in order, a group of runs while the one before is written (a country's
/// incidents are never all in memory as text). Gives back `w` and the
/// number of features.
///
/// # Errors
///
/// I/O errors of `w`.
pub(crate) fn write_layer<W: Write + Send>(
    w: W,
    features: &dyn Features,
    zones: &ZoneJson,
    meta: &Map<String, Value>,
    precision: u8,
    flavor: Flavor,
) -> io::Result<(W, usize)> {
    /// Features per run rendered on one thread.
    const RUN: usize = 2048;
    /// Runs per group rendered while the group before is written.
    const GROUP: usize = 32;
    let n = features.len();
    let runs: Vec<std::ops::Range<usize>> =
        (0..n).step_by(RUN).map(|s| s..(s + RUN).min(n)).collect();
    let render = |run: &std::ops::Range<usize>| -> io::Result<(Vec<u8>, usize)> {
        let mut fw = FeatureWriter::fragment(Vec::new(), precision, flavor);
        features.each(run.clone(), &mut |f| fw.write_ref(f, Some(zones)))?;
        Ok(fw.into_fragment())
    };
    let mut fw = FeatureWriter::begin(w, precision, flavor, Some(meta))?;
    let mut written: Vec<(Vec<u8>, usize)> = Vec::new();
    for group in runs.chunks(GROUP) {
        let (rendered, wrote) = rayon::join(
            || group.par_iter().map(render).collect::<io::Result<Vec<_>>>(),
            || written.iter().try_for_each(|(bytes, count)| fw.append(bytes, *count)),
        );
        wrote?;
        written = rendered?;
    }
    for (bytes, count) in &written {
        fw.append(bytes, *count)?;
    }
    let count = fw.count();
    Ok((fw.finish()?, count))
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
/// for a geometry several features or layers show, rendered once
/// ([`ZoneJson`]).
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
    use crate::feature::Feature;
    use crate::natural::natural_cmp;
    use geo::polygon;

    fn feature(id: &str, g: Geometry<f64>) -> Feature {
        let mut props = Map::new();
        props.insert("b".into(), Value::from(1));
        props.insert("a".into(), Value::from("x"));
        Feature { id: id.into(), geometry: Some(g), properties: props }
    }

    fn write(features: &mut [Feature], precision: u8) -> String {
        features.sort_by(|a, b| natural_cmp(&a.id, &b.id));
        let zones = ZoneJson::new(0, precision);
        let (out, _) = write_layer(
            Vec::new(),
            &features.to_vec(),
            &zones,
            &Map::new(),
            precision,
            Flavor::Collection,
        )
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
        let fs = vec![feature("a", Geometry::Point(geo::Point::new(1.0, 2.0)))];
        let zones = ZoneJson::new(0, 6);
        let (out, _) =
            write_layer(Vec::new(), &fs, &zones, &Map::new(), 6, Flavor::Sequence).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with('\u{1e}') && text.ends_with("}\n"));
        assert_eq!(text.lines().count(), 1);
    }

    proptest::proptest! {
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
