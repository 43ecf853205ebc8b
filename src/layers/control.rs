//! `control.geojson`: one (Multi)Polygon feature per zone with its state as of D.

use super::Snapshot;
use crate::feature::{measure, FeatureRef, PropValue, Properties, Props, Row, Shape};
use crate::model::{ControlRow, Moment, Zone};
use crate::style::{fill_opacity, force_key, force_name, state_color};
use crate::write::geojson::natural_cmp;
use geo::GeodesicArea;
use geo::MultiPolygon;
use geographiclib_rs::{capability, Geodesic};
use rayon::prelude::*;

/// Geodesic area of a geometry in km² (on the WGS84 ellipsoid): exteriors
/// minus holes.
///
/// Each ring is measured on its own and the smaller of the two areas it
/// splits the planet into is taken, so the result does not depend on the
/// winding of the input rings (a clockwise ring would otherwise enclose the
/// rest of the planet) nor flip for a ring that crosses itself.
#[must_use]
pub fn area_km2(g: &geo::MultiPolygon<f64>) -> f64 {
    let geodesic = Geodesic::wgs84();
    area_km2_with(g, &|a, b| edge_s12(&geodesic, a, b))
}

/// [`area_km2`] of many geometries at once, the same values to the bit, with
/// each edge two of them share (a tessellation's borders) solved once: the
/// inverse problem is the costly part, and an edge's area term walked the
/// other way is exactly its negation (geographiclib orders the two ends
/// before it computes, then applies the sign). In parallel when asked.
#[must_use]
pub fn areas_km2(geometries: &[&geo::MultiPolygon<f64>], parallel: bool) -> Vec<f64> {
    let geodesic = Geodesic::wgs84();
    // every edge of the rings measured edge by edge, first end first
    let keys = |g: &&geo::MultiPolygon<f64>| {
        let rings = g.0.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
        rings
            .filter_map(|r| ring_vertices(r))
            .flat_map(|v| ring_edges(v).map(|(a, b)| EdgeKey::new(a, b).0))
            .collect::<Vec<_>>()
    };
    let mut edges: Vec<EdgeKey> = maybe_par_map(geometries, parallel, keys).concat();
    if parallel {
        edges.par_sort_unstable();
    } else {
        edges.sort_unstable();
    }
    edges.dedup();
    let s12 = maybe_par_map(&edges, parallel, |e| edge_s12(&geodesic, &e.a(), &e.b()));
    let lookup = |a: &geo::Coord<f64>, b: &geo::Coord<f64>| {
        let (key, reversed) = EdgeKey::new(a, b);
        let known = edges.binary_search(&key).ok().and_then(|i| s12.get(i));
        match known {
            Some(&s) if reversed && s != 0.0 => -s,
            Some(&s) => s,
            None => edge_s12(&geodesic, a, b),
        }
    };
    maybe_par_map(geometries, parallel, |g| area_km2_with(g, &lookup))
}

/// `items.map(f)`, in parallel or in order.
fn maybe_par_map<T: Sync, R: Send>(
    items: &[T],
    parallel: bool,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    if parallel {
        items.par_iter().map(f).collect()
    } else {
        items.iter().map(f).collect()
    }
}

/// An edge by the bits of its ends, the lesser end first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct EdgeKey([u64; 4]);

impl EdgeKey {
    /// The key of `a`–`b`, and whether it runs `b` to `a`.
    fn new(a: &geo::Coord<f64>, b: &geo::Coord<f64>) -> (Self, bool) {
        let (a, b) = ([a.x.to_bits(), a.y.to_bits()], [b.x.to_bits(), b.y.to_bits()]);
        let ([ax, ay], [bx, by], reversed) = if a <= b { (a, b, false) } else { (b, a, true) };
        (EdgeKey([ax, ay, bx, by]), reversed)
    }

    fn a(&self) -> geo::Coord<f64> {
        let [x, y, ..] = self.0;
        geo::Coord { x: f64::from_bits(x), y: f64::from_bits(y) }
    }

    fn b(&self) -> geo::Coord<f64> {
        let [.., x, y] = self.0;
        geo::Coord { x: f64::from_bits(x), y: f64::from_bits(y) }
    }
}

/// geographiclib's area term `S12` of the geodesic from `a` to `b` (the
/// area between it and the equator), asking for nothing else.
fn edge_s12(geodesic: &Geodesic, a: &geo::Coord<f64>, b: &geo::Coord<f64>) -> f64 {
    let mask = capability::LATITUDE | capability::LONGITUDE | capability::AREA;
    let (.., s12) = geodesic._gen_inverse(a.y, a.x, b.y, b.x, mask);
    s12
}

/// [`area_km2`] with each edge's `S12` from `s12`.
fn area_km2_with(
    g: &geo::MultiPolygon<f64>,
    s12: &(impl Fn(&geo::Coord<f64>, &geo::Coord<f64>) -> f64 + ?Sized),
) -> f64 {
    let planet = Geodesic::wgs84().area();
    let ring_m2 = |ring: &geo::LineString<f64>| {
        /// Surface of the WGS84 ellipsoid in m².
        const EARTH_M2: f64 = 510_065_621_724_088.5;
        let a = ring_area_m2(ring, planet, s12).abs();
        a.min(EARTH_M2 - a)
    };
    let m2: f64 =
        g.0.iter()
            .map(|p| ring_m2(p.exterior()) - p.interiors().iter().map(ring_m2).sum::<f64>())
            .sum();
    m2.max(0.0) / 1e6
}

/// The signed geodesic area of a ring in m² (counter-clockwise positive),
/// bit for bit what geo's `geodesic_area_signed` gives for the ring as a
/// polygon without holes, for less work; `s12` gives each edge's area term
/// ([`edge_s12`]).
///
/// geo feeds every vertex to geographiclib's `PolygonArea`, which solves the
/// inverse problem for each edge, distance included, plus a zero-length edge
/// from the closing vertex back to the first. Here each edge asks for the
/// area term only (the same `S12`: the distance is computed after and apart
/// from it) and the zero-length edge, whose term is exactly +0, is skipped;
/// the sum runs in the same order. Rings [`ring_vertices`] turns down go
/// through geo.
fn ring_area_m2(
    ring: &geo::LineString<f64>,
    planet: f64,
    s12: &(impl Fn(&geo::Coord<f64>, &geo::Coord<f64>) -> f64 + ?Sized),
) -> f64 {
    let Some(vertices) = ring_vertices(ring) else {
        return geo::Polygon::new(ring.clone(), Vec::new()).geodesic_area_signed();
    };
    let mut sum = 0.0;
    for (a, b) in ring_edges(vertices) {
        sum += s12(a, b);
    }
    // PolygonArea::compute(signed) for a counter-clockwise ring with no
    // crossing; `planet` is the ellipsoid's area as geographiclib has it
    let mut area = -(sum % planet);
    if area > planet / 2.0 {
        area -= planet;
    } else if area <= -planet / 2.0 {
        area += planet;
    }
    // geo subtracts the (absent) holes
    area - 0.0
}

/// The vertices `PolygonArea` sums the edges between (the last back to the
/// first), without the zero-length closing edge; `None` when a longitude is
/// 0, ±180 or beyond, or NaN, where `PolygonArea`'s count of crossings of the
/// prime meridian (for rings around a pole) may be other than zero.
fn ring_vertices(ring: &geo::LineString<f64>) -> Option<&[geo::Coord<f64>]> {
    let coords = ring.0.as_slice();
    let one_side = coords.iter().all(|c| c.x > 0.0 && c.x < 180.0)
        || coords.iter().all(|c| c.x < 0.0 && c.x > -180.0);
    if !one_side {
        return None;
    }
    // geo closes an open ring with a copy of the first vertex (an edge from
    // the last vertex to the first, then the zero-length one) and leaves a
    // closed ring as it is (its last edge is then the zero-length one only
    // if the closing vertex is the first one to the bit)
    let same_bits = |a: &geo::Coord<f64>, b: &geo::Coord<f64>| {
        a.x.to_bits() == b.x.to_bits() && a.y.to_bits() == b.y.to_bits()
    };
    match coords {
        [first, rest @ .., last] if same_bits(first, last) => coords.get(..=rest.len()),
        _ => Some(coords),
    }
}

/// The edges between `vertices`, in order, the last back to the first.
fn ring_edges(
    vertices: &[geo::Coord<f64>],
) -> impl Iterator<Item = (&geo::Coord<f64>, &geo::Coord<f64>)> {
    vertices.iter().zip(vertices.iter().cycle().skip(1))
}

/// Build the layer: a feature per zone, in id order.
#[must_use]
pub(crate) fn build<'a>(s: &'a Snapshot<'_>) -> Vec<ZoneFeature<'a>> {
    let zones = &s.zones;
    let mut order: Vec<usize> = (0..zones.len()).collect();
    order.par_sort_by(|a, b| {
        let id = |i: &usize| zones.get(*i).map_or("", |z| z.id.as_str());
        natural_cmp(id(a), id(b))
    });
    order.into_par_iter().filter_map(|i| ZoneFeature::new(s, i)).collect()
}

/// A zone as its control feature shows it: what is computed once, and the
/// rest borrowed from the model.
#[derive(Debug)]
pub(crate) struct ZoneFeature<'a> {
    index: usize,
    zone: &'a Zone,
    /// The zone as drawn.
    geometry: &'a MultiPolygon<f64>,
    /// The control row in effect at D.
    state: Option<&'a ControlRow>,
    force: Option<String>,
    force_name: Option<String>,
    since: Option<String>,
    until: Option<String>,
    area_km2: f64,
    fill: String,
}

impl<'a> ZoneFeature<'a> {
    fn new(s: &'a Snapshot<'_>, index: usize) -> Option<Self> {
        let p = s;
        let zone = p.zones.get(index)?;
        let state = s.history.state_as_of(index, &s.as_of);
        Some(ZoneFeature {
            index,
            zone,
            geometry: s.zone_geometry(index).unwrap_or(&zone.geometry),
            state,
            force: state.map(|r| force_key(r, p.forces)),
            force_name: state.map(|r| force_name(r, p.forces)),
            since: state.map(|r| r.since.to_iso()),
            until: state.and_then(|r| r.until.as_ref()).map(Moment::to_iso),
            area_km2: s.zone_area_km2(index),
            fill: state_color(state, p.forces),
        })
    }
}

impl Row for ZoneFeature<'_> {
    /// The properties in output order: the state's, the control row's
    /// extra columns (text; empty cells null) where a name is not taken,
    /// the area, the zone's own properties where a name is not taken, then
    /// the style (which replaces any value of the same name in its place).
    fn feature<'s>(&'s self, properties: Properties<'s>) -> FeatureRef<'s> {
        let (zone, r) = (self.zone, self.state);
        let mut props = Props::new(properties);
        props.push("zone", PropValue::Str(&zone.id));
        props.push("name", PropValue::Str(&zone.name));
        props.push("force", self.force.as_deref().into());
        props.push("force_name", self.force_name.as_deref().into());
        props.push("status", r.map(|r| r.status.as_str()).into());
        props.push("since", self.since.as_deref().into());
        props.push("until", self.until.as_deref().into());
        props.push("source", r.and_then(|r| r.source.as_deref()).into());
        props.push("note", r.and_then(|r| r.note.as_deref()).into());
        props.or_insert_extra(r.map(|r| r.extra.as_slice()).unwrap_or_default());
        props.insert("area_km2", measure(self.area_km2, 4));
        for (k, v) in &zone.properties {
            props.or_insert(k, PropValue::Json(v));
        }
        props.insert("fill", PropValue::Str(&self.fill));
        props.insert("fill-opacity", measure(fill_opacity(r.map(|r| r.status)), 2));
        props.insert("stroke", PropValue::Str("#333333"));
        props.insert("stroke-width", PropValue::Int(1));
        FeatureRef {
            id: &zone.id,
            shape: Shape::Zone(self.index, self.geometry),
            properties: props.into_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};
    use proptest::prelude::*;

    #[test]
    fn area_does_not_depend_on_winding() {
        let ccw = polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01), (x: 0.0, y: 0.0)];
        let cw = polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 0.01), (x: 0.01, y: 0.01), (x: 0.01, y: 0.0), (x: 0.0, y: 0.0)];
        let a = area_km2(&MultiPolygon(vec![ccw]));
        let b = area_km2(&MultiPolygon(vec![cw]));
        // 0.01° × 0.01° at the equator: 1113.19 m × 1105.74 m
        assert!((a - 1.230_89).abs() < 1e-3, "{a}");
        assert!((a - b).abs() < 1e-9);
    }

    /// `area_km2` as first written: geo's signed geodesic area of each ring.
    fn area_km2_reference(g: &MultiPolygon<f64>) -> f64 {
        let ring_m2 = |ring: &geo::LineString<f64>| {
            const EARTH_M2: f64 = 510_065_621_724_088.5;
            let a = geo::Polygon::new(ring.clone(), Vec::new()).geodesic_area_signed().abs();
            a.min(EARTH_M2 - a)
        };
        let m2: f64 =
            g.0.iter()
                .map(|p| ring_m2(p.exterior()) - p.interiors().iter().map(ring_m2).sum::<f64>())
                .sum();
        m2.max(0.0) / 1e6
    }

    #[test]
    fn a_zone_east_of_greenwich_takes_the_short_path_and_keeps_every_bit() {
        let square = polygon![(x: 36.0, y: 32.0), (x: 36.012_202, y: 32.0), (x: 36.012_202, y: 32.012_202), (x: 36.0, y: 32.012_202), (x: 36.0, y: 32.0)];
        let g = Geodesic::wgs84();
        let fast = ring_area_m2(square.exterior(), g.area(), &|a, b| edge_s12(&g, a, b));
        assert_eq!(fast.to_bits(), square.geodesic_area_signed().to_bits());
        // 0.012202° square at 32°N: about 1.15 km × 1.35 km
        assert!((fast / 1e6 - 1.56).abs() < 0.01, "{fast}");
    }

    /// A ring of up to `n` vertices near (`lon`, `lat`), `span` degrees
    /// across; open or closed, with a `-0.0` for a `0.0` now and then.
    fn ring(
        lon: f64,
        lat: f64,
        span: f64,
        n: std::ops::Range<usize>,
    ) -> impl Strategy<Value = geo::LineString<f64>> {
        let vertex = (-1.0f64..1.0, -1.0f64..1.0, 0u8..16).prop_map(move |(dx, dy, pick)| {
            let (x, y) =
                ((lon + dx * span).clamp(-180.0, 180.0), (lat + dy * span).clamp(-90.0, 90.0));
            match pick {
                0 => (x, 0.0),
                1 => (x, -0.0),
                2 => (0.0, y),
                3 => (-0.0, y),
                _ => (x, y),
            }
        });
        (proptest::collection::vec(vertex, n), proptest::bool::ANY).prop_map(|(mut v, close)| {
            if let (true, Some(&first)) = (close, v.first()) {
                v.push(first);
            }
            geo::LineString::from(v)
        })
    }

    fn place() -> impl Strategy<Value = (f64, f64, f64)> {
        prop_oneof![
            // zones: a few km, anywhere, the poles and the antimeridian included
            (-180.0f64..180.0, -90.0f64..90.0, 0.001f64..0.05),
            // large areas and rings around a pole or across the prime meridian
            (-180.0f64..180.0, -90.0f64..90.0, 0.05f64..60.0),
            // near the prime meridian and the equator
            (-0.01f64..0.01, -0.01f64..0.01, 0.001f64..0.02),
        ]
    }

    proptest! {
        /// The area-only path gives geo's ring area to the bit, whatever the
        /// size, place, winding, closure or sign of a zero coordinate.
        #[test]
        fn prop_ring_area_is_geos_to_the_bit(
            r in place().prop_flat_map(|(lon, lat, span)| ring(lon, lat, span, 0..12)),
        ) {
            let g = Geodesic::wgs84();
            let fast = ring_area_m2(&r, g.area(), &|a, b| edge_s12(&g, a, b));
            let geo = geo::Polygon::new(r.clone(), Vec::new()).geodesic_area_signed();
            prop_assert_eq!(fast.to_bits(), geo.to_bits(), "{:?}", r);
        }

        /// An edge's area term walked backwards is exactly its negation, on
        /// either side of the prime meridian (what `areas_km2` relies on).
        #[test]
        fn prop_edge_term_backwards_is_its_negation(
            (lon, lat, span) in place(),
            d in proptest::collection::vec(-1.0f64..1.0, 4),
            same in 0u8..4,
        ) {
            let g = Geodesic::wgs84();
            let at = |i: usize| d.get(i).copied().unwrap_or(0.0) * span;
            let a = geo::Coord { x: (lon + at(0)).clamp(-179.99, 179.99), y: (lat + at(1)).clamp(-90.0, 90.0) };
            // now and then the same latitude, longitude or both
            let b = geo::Coord {
                x: if same & 1 == 1 { a.x } else { (lon + at(2)).clamp(-179.99, 179.99) },
                y: if same & 2 == 2 { a.y } else { (lat + at(3)).clamp(-90.0, 90.0) },
            };
            prop_assume!(ring_vertices(&geo::LineString(vec![a, b])).is_some());
            let (forth, back) = (edge_s12(&g, &a, &b), edge_s12(&g, &b, &a));
            let expected = if back == 0.0 { back } else { -back };
            prop_assert_eq!(forth.to_bits(), expected.to_bits(), "{:?} {:?}", a, b);
        }

        /// Zones of a jittered grid sharing their borders, with holes and
        /// stray zones: measured together, every area is `area_km2`'s to the
        /// bit, in parallel or not.
        #[test]
        fn prop_areas_together_are_area_km2_each(
            (lon, lat, span) in place(),
            jitter in proptest::collection::vec((-0.3f64..0.3, -0.3f64..0.3), 16),
            reversed in proptest::collection::vec(proptest::bool::ANY, 9),
            stray in proptest::collection::vec(
                place().prop_flat_map(|(lon, lat, span)| ring(lon, lat, span, 3..8)),
                0..3,
            ),
        ) {
            // a 4 × 4 grid of vertices, 3 × 3 cells
            let step = span / 3.0;
            let vertex = |i: usize, j: usize| {
                let (jx, jy) = jitter.get(i * 4 + j).copied().unwrap_or_default();
                geo::Coord {
                    x: (lon + (i as f64 + jx) * step).clamp(-180.0, 180.0),
                    y: (lat + (j as f64 + jy) * step).clamp(-90.0, 90.0),
                }
            };
            let mut zones: Vec<MultiPolygon<f64>> = Vec::new();
            for i in 0..3 {
                for j in 0..3 {
                    let mut ring = vec![vertex(i, j), vertex(i + 1, j), vertex(i + 1, j + 1), vertex(i, j + 1)];
                    if reversed.get(i * 3 + j).copied().unwrap_or_default() {
                        ring.reverse();
                    }
                    ring.push(ring[0]);
                    let hole = if i == 1 && j == 1 {
                        // the middle cell's hole is a copy of the cell left of it, moved
                        vec![geo::LineString(ring.iter().map(|c| geo::Coord { x: c.x + step * 0.1, y: c.y }).collect())]
                    } else {
                        vec![]
                    };
                    zones.push(MultiPolygon(vec![geo::Polygon::new(geo::LineString(ring), hole)]));
                }
            }
            zones.extend(stray.into_iter().map(|r| MultiPolygon(vec![geo::Polygon::new(r, vec![])])));
            let refs: Vec<&MultiPolygon<f64>> = zones.iter().collect();
            let each: Vec<u64> = zones.iter().map(|z| area_km2(z).to_bits()).collect();
            for parallel in [false, true] {
                let together: Vec<u64> = areas_km2(&refs, parallel).iter().map(|a| a.to_bits()).collect();
                prop_assert_eq!(&together, &each, "{:?}", zones);
            }
        }

        /// And so `area_km2` of zones with holes and several parts is unchanged.
        #[test]
        fn prop_area_km2_is_unchanged(
            parts in proptest::collection::vec(
                place().prop_flat_map(|(lon, lat, span)| {
                    (ring(lon, lat, span, 3..10), proptest::collection::vec(ring(lon, lat, span / 4.0, 3..6), 0..3))
                }),
                1..3,
            ),
        ) {
            let g = MultiPolygon(parts.into_iter().map(|(e, h)| geo::Polygon::new(e, h)).collect());
            prop_assert_eq!(area_km2(&g).to_bits(), area_km2_reference(&g).to_bits(), "{:?}", g);
        }
    }
}
