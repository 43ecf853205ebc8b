//! `labels.geojson`: one Point feature per zone, well inside it, for labels:
//! `zone`, `name` and every `name:xx` the zone has.
//!
//! The point is the pole of inaccessibility (the point farthest from the
//! boundary, found with Mapbox's polylabel algorithm to
//! [`PRECISION_M`](crate::layers::labels::PRECISION_M) or 0.1 % of the
//! zone's size, whichever is coarser: invisible on any map, and what keeps
//! ten thousand zones fast) of
//! the zone's largest part. Distances are measured in a local equirectangular
//! projection in metres, which is accurate for zones of a few kilometres. The
//! point is always inside the polygon: if the search finds none (a sliver),
//! it falls back to `geo::InteriorPoint`.

use super::{Feature, Snapshot};
use geo::{Area, BoundingRect, Centroid, Contains, Coord, InteriorPoint};
use geo::{MapCoords, MultiPolygon, Point, Polygon};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// How close to the true pole of inaccessibility the label point is, in metres.
pub const PRECISION_M: f64 = 1.0;

/// At most this many cells are examined per polygon (the search never hangs).
const MAX_CELLS: usize = 20_000;

/// Metres per degree of latitude (mean).
const M_PER_DEG: f64 = 111_195.0;

/// Build the layer.
///
/// # Errors
///
/// None in practice; the signature matches the other layers.
pub(crate) fn build(s: &Snapshot<'_>) -> Vec<Feature> {
    // polylabel per zone is the costly part: zones in parallel, order kept
    let out = s.zones.par_iter().enumerate().filter_map(|(i, zone)| {
        // the zone as drawn (simplified with --simplify), so the label sits inside it on the map
        let geometry = s.zone_geometry(i).unwrap_or(&zone.geometry);
        let point = label_point(geometry, PRECISION_M)?;
        let mut props = Map::with_capacity(4);
        props.insert("zone".into(), Value::String(zone.id.clone()));
        props.insert("name".into(), Value::String(zone.name.clone()));
        let mut names: Vec<(&String, &Value)> = zone
            .properties
            .iter()
            .filter(|(k, v)| k.starts_with("name:") && v.is_string())
            .collect();
        names.sort_by(|a, b| a.0.cmp(b.0));
        for (k, v) in names {
            props.insert(k.clone(), v.clone());
        }
        Some(Feature {
            id: zone.id.clone(),
            geometry: Some(geo::Geometry::Point(point)),
            properties: props,
        })
    });
    out.collect()
}

/// The label point of a zone: the pole of inaccessibility of its largest
/// part (`None` for an empty geometry).
#[must_use]
pub fn label_point(zone: &MultiPolygon<f64>, precision_m: f64) -> Option<Point<f64>> {
    let largest = zone.0.iter().max_by(|a, b| {
        a.unsigned_area().partial_cmp(&b.unsigned_area()).unwrap_or(Ordering::Equal)
    })?;
    pole_of_inaccessibility(largest, precision_m)
}

/// The point of a lon/lat polygon farthest from its boundary, to within
/// `precision_m` metres or 0.1 % of the polygon's diagonal, whichever is
/// coarser; always inside the polygon when it has an interior.
#[must_use]
pub fn pole_of_inaccessibility(polygon: &Polygon<f64>, precision_m: f64) -> Option<Point<f64>> {
    let rect = polygon.bounding_rect()?;
    let origin = rect.center();
    let kx = M_PER_DEG * origin.y.to_radians().cos().max(1e-6);
    let ky = M_PER_DEG;
    let local =
        polygon.map_coords(|c| Coord { x: (c.x - origin.x) * kx, y: (c.y - origin.y) * ky });
    let back = |c: Coord<f64>| Point::new(c.x / kx + origin.x, c.y / ky + origin.y);
    let size_m = ((rect.width() * kx).powi(2) + (rect.height() * ky).powi(2)).sqrt();
    let precision = precision_m.max(size_m / 1000.0).max(1e-9);
    let found = polylabel(&local, precision).map(back);
    match found {
        Some(p) if polygon.contains(&p) => Some(p),
        _ => polygon.interior_point(),
    }
}

/// A square cell of the search grid.
#[derive(Debug, Clone, Copy)]
struct Cell {
    center: Coord<f64>,
    half: f64,
    /// Signed distance from the centre to the boundary (negative outside).
    distance: f64,
    /// The best distance any point of the cell can reach.
    potential: f64,
}

impl Cell {
    fn new(center: Coord<f64>, half: f64, edges: &Edges) -> Self {
        let distance = edges.signed_distance(center);
        Cell { center, half, distance, potential: distance + half * std::f64::consts::SQRT_2 }
    }
}

/// The search's queue of cells, best potential first.
///
/// The cells live in an arena and the heap orders small entries pointing
/// into it, so that sifting moves 16 bytes, not a whole cell. The heap sees
/// the same keys in the same order as a heap of cells would, so it pops the
/// same cells in the same order.
#[derive(Debug, Default)]
struct Queue {
    cells: Vec<Cell>,
    heap: BinaryHeap<Queued>,
}

impl Queue {
    fn push(&mut self, cell: Cell) {
        self.heap.push(Queued { potential: cell.potential, index: self.cells.len() });
        self.cells.push(cell);
    }

    fn pop(&mut self) -> Option<Cell> {
        let queued = self.heap.pop()?;
        self.cells.get(queued.index).copied()
    }
}

/// A queued cell: its potential, and its index in [`Queue::cells`].
#[derive(Debug, Clone, Copy)]
struct Queued {
    potential: f64,
    index: usize,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.potential.total_cmp(&other.potential) == Ordering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        self.potential.total_cmp(&other.potential)
    }
}

/// How many edges [`Edges::signed_distance`] measures side by side: the
/// per-lane minimum and crossing parity are exact whatever the order, and
/// fixed-size lanes are what the compiler turns into vector instructions.
const LANES: usize = 4;

/// [`LANES`] edges, each field one array (struct of arrays).
#[derive(Debug, Clone, Copy)]
struct EdgeChunk {
    ax: [f64; LANES],
    ay: [f64; LANES],
    by: [f64; LANES],
    dx: [f64; LANES],
    dy: [f64; LANES],
    len_sq: [f64; LANES],
}

/// A lane that measures nothing: every term is NaN, which never crosses
/// (`NaN > y` is false at both ends) and which `f64::min` ignores.
const PADDING: EdgeChunk = EdgeChunk {
    ax: [f64::NAN; LANES],
    ay: [f64::NAN; LANES],
    by: [f64::NAN; LANES],
    dx: [f64::NAN; LANES],
    dy: [f64::NAN; LANES],
    len_sq: [f64::NAN; LANES],
};

/// The edges of a polygon's rings, laid out once per polygon in chunks of
/// [`LANES`] so that every cell's distance is a flat loop over them.
///
/// Each field holds exactly the value the per-edge formula computes from the
/// edge's end points `a` and `b` (`dx = b.x - a.x`, `len_sq = dx * dx + dy *
/// dy`…), so the distances are bit-identical to measuring the rings edge by
/// edge (proptested against the reference formula in the tests).
#[derive(Debug)]
struct Edges(Vec<EdgeChunk>);

impl Edges {
    fn new(polygon: &Polygon<f64>) -> Self {
        let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
        let edges = rings.flat_map(|r| r.0.windows(2)).filter_map(|w| match w {
            [a, b] => Some((*a, *b)),
            _ => None,
        });
        let mut chunks: Vec<EdgeChunk> = Vec::new();
        for (i, (a, b)) in edges.enumerate() {
            let l = i % LANES;
            if l == 0 {
                chunks.push(PADDING);
            }
            let Some(ch) = chunks.last_mut() else { continue };
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let fields = [
                (&mut ch.ax, a.x),
                (&mut ch.ay, a.y),
                (&mut ch.by, b.y),
                (&mut ch.dx, dx),
                (&mut ch.dy, dy),
                (&mut ch.len_sq, dx * dx + dy * dy),
            ];
            for (field, v) in fields {
                if let Some(slot) = field.get_mut(l) {
                    *slot = v;
                }
            }
        }
        Edges(chunks)
    }

    /// Distance from `c` to the polygon's boundary, negative outside: one
    /// pass over the edges for both the nearest edge (squared distances, one
    /// square root at the end) and the even-odd inside test, as polylabel
    /// does.
    ///
    /// Each step is written lane-wise over a chunk (arrays in, array out), in
    /// the form the compiler turns into packed instructions on baseline
    /// x86-64 (SSE2): about twice as fast as edge by edge. The arithmetic is
    /// the per-edge formula's, operation for operation: `t` clamped with the
    /// comparisons `f64::clamp` makes, the minimum kept with `<` (equal to
    /// `f64::min` here: a squared distance is never -0, and a NaN one, from a
    /// padding lane, is skipped by both).
    fn signed_distance(&self, c: Coord<f64>) -> f64 {
        let mut min_sq = [f64::INFINITY; LANES];
        let mut crossings = [false; LANES];
        // `l` is always below LANES: the compiler drops the checks
        let at = |v: &[f64; LANES], l: usize| v.get(l).copied().unwrap_or(f64::NAN);
        for ch in &self.0 {
            let rel_x: [f64; LANES] = std::array::from_fn(|l| c.x - at(&ch.ax, l));
            let rel_y: [f64; LANES] = std::array::from_fn(|l| c.y - at(&ch.ay, l));
            let t: [f64; LANES] = std::array::from_fn(|l| {
                let len_sq = at(&ch.len_sq, l);
                let q = (at(&rel_x, l) * at(&ch.dx, l) + at(&rel_y, l) * at(&ch.dy, l)) / len_sq;
                let q = if q < 0.0 { 0.0 } else { q };
                let q = if q > 1.0 { 1.0 } else { q };
                if len_sq > 0.0 {
                    q
                } else {
                    0.0
                }
            });
            let ex: [f64; LANES] =
                std::array::from_fn(|l| c.x - (at(&ch.ax, l) + at(&ch.dx, l) * at(&t, l)));
            let ey: [f64; LANES] =
                std::array::from_fn(|l| c.y - (at(&ch.ay, l) + at(&ch.dy, l) * at(&t, l)));
            for (l, m) in min_sq.iter_mut().enumerate() {
                let d = at(&ex, l) * at(&ex, l) + at(&ey, l) * at(&ey, l);
                if d < *m {
                    *m = d;
                }
            }
            // the crossing's division only for the few edges spanning c.y
            for (l, x) in crossings.iter_mut().enumerate() {
                let (ay, by) = (at(&ch.ay, l), at(&ch.by, l));
                if (ay > c.y) != (by > c.y)
                    && c.x < at(&ch.dx, l) * (c.y - ay) / at(&ch.dy, l) + at(&ch.ax, l)
                {
                    *x = !*x;
                }
            }
        }
        let inside = crossings.iter().fold(false, |acc, &x| acc ^ x);
        let d = min_sq.iter().fold(f64::INFINITY, |acc, &m| acc.min(m)).sqrt();
        if inside {
            d
        } else {
            -d
        }
    }
}

/// Polylabel on a planar polygon (metres): best-first search over square
/// cells, pruning cells that cannot beat the best by more than `precision`.
fn polylabel(polygon: &Polygon<f64>, precision: f64) -> Option<Coord<f64>> {
    let rect = polygon.bounding_rect()?;
    let size = rect.width().min(rect.height());
    if !(size.is_finite() && size > 0.0) {
        return None;
    }
    let polygon_edges = Edges::new(polygon);
    let edges = &polygon_edges;
    let half = size / 2.0;
    let mut queue = Queue::default();
    let mut y = rect.min().y;
    while y < rect.max().y {
        let mut x = rect.min().x;
        while x < rect.max().x {
            queue.push(Cell::new(Coord { x: x + half, y: y + half }, half, edges));
            x += size;
        }
        y += size;
    }
    let mut best = Cell::new(polygon.centroid()?.0, 0.0, edges);
    let center = Cell::new(rect.center(), 0.0, edges);
    if center.distance > best.distance {
        best = center;
    }
    let mut examined = 0;
    while let Some(cell) = queue.pop() {
        examined += 1;
        if cell.distance > best.distance {
            best = cell;
        }
        if cell.potential - best.distance <= precision || examined > MAX_CELLS {
            continue;
        }
        let h = cell.half / 2.0;
        for (dx, dy) in [(-h, -h), (h, -h), (-h, h), (h, h)] {
            let c = Coord { x: cell.center.x + dx, y: cell.center.y + dy };
            queue.push(Cell::new(c, h, edges));
        }
    }
    (best.distance > 0.0).then_some(best.center)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, LineString};
    use proptest::prelude::*;

    /// The per-edge formula as first written (ring by ring, edge by edge):
    /// what [`Edges::signed_distance`] must match bit for bit.
    pub(super) fn signed_distance_reference(c: Coord<f64>, polygon: &Polygon<f64>) -> f64 {
        let mut inside = false;
        let mut min_sq = f64::INFINITY;
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for edge in ring.0.windows(2) {
                let [a, b] = edge else { continue };
                if (a.y > c.y) != (b.y > c.y) && c.x < (b.x - a.x) * (c.y - a.y) / (b.y - a.y) + a.x
                {
                    inside = !inside;
                }
                min_sq = min_sq.min(segment_distance_sq_reference(c, *a, *b));
            }
        }
        let d = min_sq.sqrt();
        if inside {
            d
        } else {
            -d
        }
    }

    fn segment_distance_sq_reference(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len_sq = dx * dx + dy * dy;
        let t = if len_sq > 0.0 {
            (((p.x - a.x) * dx + (p.y - a.y) * dy) / len_sq).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (ex, ey) = (p.x - (a.x + dx * t), p.y - (a.y + dy * t));
        ex * ex + ey * ey
    }

    /// A ring of `n` points (closed by `Polygon::new`), coordinates on a
    /// coarse grid half the time so that vertices repeat, edges are
    /// horizontal or vertical and probe points fall on them.
    fn ring(n: std::ops::Range<usize>) -> impl Strategy<Value = LineString<f64>> {
        let coord = prop_oneof![
            (-1000.0f64..1000.0, -1000.0f64..1000.0),
            (-4i32..4, -4i32..4).prop_map(|(x, y)| (f64::from(x) * 250.0, f64::from(y) * 250.0)),
        ];
        proptest::collection::vec(coord, n).prop_map(LineString::from)
    }

    /// A U shape (open to the north) around 41.2°E 37.0°N, about 1 km across.
    fn u_shape() -> Polygon<f64> {
        polygon![
            (x: 41.200, y: 37.000), (x: 41.212, y: 37.000), (x: 41.212, y: 37.010),
            (x: 41.209, y: 37.010), (x: 41.209, y: 37.003), (x: 41.203, y: 37.003),
            (x: 41.203, y: 37.010), (x: 41.200, y: 37.010), (x: 41.200, y: 37.000),
        ]
    }

    #[test]
    fn a_u_shape_gets_a_point_in_its_base_not_its_empty_centre() {
        let u = u_shape();
        let centroid = u.centroid().unwrap();
        assert!(!u.contains(&centroid), "the test needs a concave shape");
        let p = pole_of_inaccessibility(&u, 1.0).unwrap();
        assert!(u.contains(&p));
        assert!(p.y() < 37.003, "in the base: {p:?}");
    }

    #[test]
    fn a_square_with_a_hole_gets_a_point_in_its_ring() {
        let outer = LineString::from(vec![(0.0, 0.0), (0.01, 0.0), (0.01, 0.01), (0.0, 0.01)]);
        let hole =
            LineString::from(vec![(0.002, 0.002), (0.008, 0.002), (0.008, 0.008), (0.002, 0.008)]);
        let p = Polygon::new(outer, vec![hole]);
        let l = pole_of_inaccessibility(&p, 1.0).unwrap();
        assert!(p.contains(&l), "{l:?}");
        // the ring is 0.002° wide: the pole is about 0.001° from both edges
        let d = Edges::new(&p).signed_distance(l.0);
        approx::assert_abs_diff_eq!(d, 0.001, epsilon = 0.0002);
    }

    #[test]
    fn a_square_gets_its_centre() {
        let sq = polygon![(x: 10.0, y: 50.0), (x: 10.01, y: 50.0), (x: 10.01, y: 50.01), (x: 10.0, y: 50.01)];
        let p = pole_of_inaccessibility(&sq, 0.5).unwrap();
        approx::assert_abs_diff_eq!(p.x(), 10.005, epsilon = 1e-5);
        approx::assert_abs_diff_eq!(p.y(), 50.005, epsilon = 1e-5);
    }

    #[test]
    fn a_multipolygon_labels_its_largest_part() {
        let small = polygon![(x: 0.0, y: 0.0), (x: 0.001, y: 0.0), (x: 0.001, y: 0.001), (x: 0.0, y: 0.001)];
        let big =
            polygon![(x: 1.0, y: 1.0), (x: 1.01, y: 1.0), (x: 1.01, y: 1.01), (x: 1.0, y: 1.01)];
        let p = label_point(&MultiPolygon(vec![small, big.clone()]), 1.0).unwrap();
        assert!(big.contains(&p));
    }

    #[test]
    fn degenerate_polygons_do_not_panic() {
        let flat = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 2.0, y: 0.0)];
        let _ = pole_of_inaccessibility(&flat, 1.0);
        assert!(label_point(&MultiPolygon(vec![]), 1.0).is_none());
    }

    proptest::proptest! {
        /// The chunked distance equals the edge-by-edge formula exactly (same
        /// bits) on random, often self-crossing polygons with 0 to 2 holes of
        /// any edge count, at random points and at points on the grid the
        /// vertices snap to (on vertices and edges).
        #[test]
        fn prop_chunked_distance_is_bit_identical_to_the_formula(
            exterior in ring(0..12),
            holes in proptest::collection::vec(ring(0..7), 0..3),
            points in proptest::collection::vec(
                prop_oneof![
                    (-1200.0f64..1200.0, -1200.0f64..1200.0),
                    (-8i32..8, -8i32..8)
                        .prop_map(|(x, y)| (f64::from(x) * 125.0, f64::from(y) * 125.0)),
                ],
                1..8,
            ),
        ) {
            let poly = Polygon::new(exterior, holes);
            let edges = Edges::new(&poly);
            for (x, y) in points {
                let c = Coord { x, y };
                let fast = edges.signed_distance(c);
                let reference = signed_distance_reference(c, &poly);
                prop_assert_eq!(fast.to_bits(), reference.to_bits(), "{:?} in {:?}", c, poly);
            }
        }

        /// Random star-shaped polygons (often very concave) around a point:
        /// the label is always inside.
        #[test]
        fn prop_label_is_inside_star_shaped_polygons(
            radii in proptest::collection::vec(0.05f64..1.0, 3..24),
            lat in -60.0f64..60.0,
        ) {
            let n = radii.len() as f64;
            let mut ring: Vec<(f64, f64)> = radii
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let a = i as f64 / n * std::f64::consts::TAU;
                    (30.0 + 0.01 * r * a.cos(), lat + 0.01 * r * a.sin())
                })
                .collect();
            ring.push(ring[0]);
            let poly = Polygon::new(LineString::from(ring), vec![]);
            let p = pole_of_inaccessibility(&poly, 1.0).unwrap();
            proptest::prop_assert!(poly.contains(&p), "{p:?} outside {poly:?}");
        }
    }
}
