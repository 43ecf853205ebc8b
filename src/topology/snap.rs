//! Snapping: zones' rings turned into rings of shared vertex ids.
//!
//! Owns the first half of [`Topology::build`](super::Topology::build):
//! ring orientation (zone always on the left), vertex snapping within the
//! tolerance (cluster to the first vertex seen, zones in order of id) and
//! T-junction repair (a vertex lying on another ring's segment is inserted
//! into it). It does not find nodes or arcs; that is `arcs.rs`.

use geo::{Coord, Line, MultiPolygon, Rect};
use rstar::primitives::GeomWithData;
use rstar::RTree;

use super::{distance_m, metres_per_degree_lon, METRES_PER_DEGREE};
use rustc_hash::{FxHashMap, FxHashSet};

/// Smallest distance, in metres, at which a vertex counts as lying on a
/// segment when the snap tolerance is 0 (floating-point noise only).
const ON_SEGMENT_EPSILON_M: f64 = 1e-6;

/// One ring after snapping: the zone is on its left.
#[derive(Debug, Clone)]
pub(super) struct Ring {
    /// Zone index (into the input slice).
    pub zone: usize,
    /// Polygon index within the zone's multipolygon.
    pub polygon: usize,
    /// Whether this is the polygon's exterior (else a hole).
    pub exterior: bool,
    /// Vertex ids, open (the first is not repeated), at least three.
    pub verts: Vec<u32>,
}

/// All rings of all zones over one shared vertex table.
#[derive(Debug, Clone, Default)]
pub(super) struct Snapped {
    /// Vertex positions, indexed by vertex id.
    pub coords: Vec<Coord<f64>>,
    /// Rings, zones in order of id, then polygons and rings in input order.
    pub rings: Vec<Ring>,
}

/// Twice the signed area of an open ring (positive when counter-clockwise).
fn signed_area2(ring: &[Coord<f64>]) -> f64 {
    let n = ring.len();
    ring.iter().zip(ring.iter().cycle().skip(1)).take(n).map(|(a, b)| a.x * b.y - b.x * a.y).sum()
}

/// The ring's coordinates without the closing one, oriented so that the
/// interior is on the left (`ccw` for exteriors), or `None` when it is
/// degenerate or has non-finite coordinates.
fn oriented(ring: &geo::LineString<f64>, ccw: bool) -> Option<Vec<Coord<f64>>> {
    let mut coords: Vec<Coord<f64>> = ring.0.clone();
    if coords.iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
        return None;
    }
    if coords.len() > 1 && coords.first() == coords.last() {
        coords.pop();
    }
    if coords.len() < 3 {
        return None;
    }
    let area = signed_area2(&coords);
    if (area > 0.0) != ccw {
        coords.reverse();
    }
    Some(coords)
}

/// Snaps coordinates to the first-seen vertex within the tolerance.
struct VertexSnapper {
    tolerance_m: f64,
    cell: f64,
    coords: Vec<Coord<f64>>,
    grid: FxHashMap<(i64, i64), Vec<u32>>,
    /// Input coordinate (bits) → vertex id: the same input position always
    /// gets the same vertex, and the common case costs one lookup.
    exact: FxHashMap<(u64, u64), u32>,
}

impl VertexSnapper {
    fn new(tolerance_m: f64, max_abs_lat: f64) -> Self {
        let tolerance_m = if tolerance_m.is_finite() { tolerance_m.max(0.0) } else { 0.0 };
        let cell = tolerance_m / metres_per_degree_lon(max_abs_lat);
        VertexSnapper {
            tolerance_m,
            cell,
            coords: Vec::new(),
            grid: FxHashMap::default(),
            exact: FxHashMap::default(),
        }
    }

    fn cell_of(&self, c: Coord<f64>) -> (i64, i64) {
        ((c.x / self.cell).floor() as i64, (c.y / self.cell).floor() as i64)
    }

    fn add(&mut self, c: Coord<f64>) -> u32 {
        let key = (c.x.to_bits(), c.y.to_bits());
        if let Some(&id) = self.exact.get(&key) {
            return id;
        }
        let id = self.nearest_or_new(c);
        self.exact.insert(key, id);
        id
    }

    fn nearest_or_new(&mut self, c: Coord<f64>) -> u32 {
        if self.cell <= 0.0 || !self.cell.is_finite() {
            let id = self.coords.len() as u32;
            self.coords.push(c);
            return id;
        }
        let (cx, cy) = self.cell_of(c);
        let mut best: Option<(f64, u32)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                let Some(ids) = self.grid.get(&(cx.saturating_add(dx), cy.saturating_add(dy)))
                else {
                    continue;
                };
                for &id in ids {
                    let Some(&p) = self.coords.get(id as usize) else { continue };
                    let d = distance_m(c, p);
                    if d <= self.tolerance_m && best.is_none_or(|(bd, bid)| (d, id) < (bd, bid)) {
                        best = Some((d, id));
                    }
                }
            }
        }
        if let Some((_, id)) = best {
            return id;
        }
        let id = self.coords.len() as u32;
        self.coords.push(c);
        self.grid.entry((cx, cy)).or_default().push(id);
        id
    }
}

/// Removes consecutive duplicates (cyclically) and spikes `a b a`.
fn clean_ring(verts: &mut Vec<u32>) {
    loop {
        let before = verts.len();
        verts.dedup();
        while verts.len() > 1 && verts.first() == verts.last() {
            verts.pop();
        }
        // Remove spikes: a vertex whose two neighbours are the same vertex.
        let n = verts.len();
        if n >= 3 {
            let mut keep = vec![true; n];
            let mut i = 0;
            while i < n {
                let prev = verts.get((i + n - 1) % n);
                let next = verts.get((i + 1) % n);
                if prev == next {
                    if let Some(k) = keep.get_mut(i) {
                        *k = false;
                    }
                    // Skip the next vertex so one removal happens per spike.
                    i += 1;
                }
                i += 1;
            }
            let mut flags = keep.into_iter();
            verts.retain(|_| flags.next().unwrap_or(true));
        }
        if verts.len() == before || verts.len() < 3 {
            break;
        }
    }
}

/// Snaps and repairs the rings of `zones`; see the module docs.
pub(super) fn snap_rings(zones: &[(String, MultiPolygon<f64>)], tolerance_m: f64) -> Snapped {
    let mut order: Vec<usize> = (0..zones.len()).collect();
    order.sort_by(|&a, &b| {
        let ia = zones.get(a).map(|z| z.0.as_str());
        let ib = zones.get(b).map(|z| z.0.as_str());
        ia.cmp(&ib).then(a.cmp(&b))
    });

    // Oriented input rings, in processing order.
    let mut raw: Vec<(usize, usize, bool, Vec<Coord<f64>>)> = Vec::new();
    for &zone in &order {
        let Some((_, mp)) = zones.get(zone) else { continue };
        for (pi, polygon) in mp.0.iter().enumerate() {
            let Some(ext) = oriented(polygon.exterior(), true) else { continue };
            raw.push((zone, pi, true, ext));
            for hole in polygon.interiors() {
                if let Some(h) = oriented(hole, false) {
                    raw.push((zone, pi, false, h));
                }
            }
        }
    }
    let max_abs_lat =
        raw.iter().flat_map(|r| r.3.iter()).map(|c| c.y.abs()).fold(0.0_f64, f64::max).min(89.0);

    let mut snapper = VertexSnapper::new(tolerance_m, max_abs_lat);
    let mut rings: Vec<Ring> = Vec::with_capacity(raw.len());
    for (zone, polygon, exterior, coords) in raw {
        let mut verts: Vec<u32> = coords.iter().map(|&c| snapper.add(c)).collect();
        clean_ring(&mut verts);
        if verts.len() >= 3 {
            rings.push(Ring { zone, polygon, exterior, verts });
        }
    }
    let mut result = Snapped { coords: snapper.coords, rings };
    insert_t_junctions(&mut result, snapper.tolerance_m.max(ON_SEGMENT_EPSILON_M));
    result
}

/// Parameter along `a → b` of the foot of `p`, and the distance in metres
/// from `p` to that foot.
fn project(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> (f64, f64) {
    let kx = metres_per_degree_lon(p.y);
    let ky = METRES_PER_DEGREE;
    let (ax, ay) = ((a.x - p.x) * kx, (a.y - p.y) * ky);
    let (bx, by) = ((b.x - p.x) * kx, (b.y - p.y) * ky);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    if len2 <= 0.0 {
        return (0.0, ax.hypot(ay));
    }
    let t = -(ax * dx + ay * dy) / len2;
    let (fx, fy) = (ax + t * dx, ay + t * dy);
    (t, fx.hypot(fy))
}

/// Inserts every vertex lying within `tolerance_m` of the interior of a
/// segment into that segment. Segments are looked up once per vertex pair
/// (the two sides of a shared border are one segment).
fn insert_t_junctions(snapped: &mut Snapped, tolerance_m: f64) {
    type Seg = GeomWithData<Line<f64>, (u32, u32)>;
    let mut seen: FxHashSet<(u32, u32)> = FxHashSet::default();
    let mut segments: Vec<Seg> = Vec::new();
    let mut used = vec![false; snapped.coords.len()];
    for ring in &snapped.rings {
        let next = ring.verts.iter().cycle().skip(1);
        for (&a, &b) in ring.verts.iter().zip(next) {
            if let Some(u) = used.get_mut(a as usize) {
                *u = true;
            }
            let key = (a.min(b), a.max(b));
            if !seen.insert(key) {
                continue;
            }
            let (Some(&ca), Some(&cb)) =
                (snapped.coords.get(key.0 as usize), snapped.coords.get(key.1 as usize))
            else {
                continue;
            };
            segments.push(GeomWithData::new(Line::new(ca, cb), key));
        }
    }
    drop(seen);
    let tree: RTree<Seg> = RTree::bulk_load(segments);

    // Every used vertex as a box of the tolerance around it, joined with the
    // segments in one traversal of both trees.
    let boxes: Vec<GeomWithData<Rect<f64>, u32>> = snapped
        .coords
        .iter()
        .enumerate()
        .filter(|&(v, _)| used.get(v).copied().unwrap_or(false))
        .map(|(v, &p)| {
            let rx = tolerance_m / metres_per_degree_lon(p.y);
            let ry = tolerance_m / METRES_PER_DEGREE;
            let rect =
                Rect::new(Coord { x: p.x - rx, y: p.y - ry }, Coord { x: p.x + rx, y: p.y + ry });
            GeomWithData::new(rect, v as u32)
        })
        .collect();
    let vertex_tree = RTree::bulk_load(boxes);

    // Undirected segment (low id, high id) → (t along low → high, vertex).
    let mut inserts: FxHashMap<(u32, u32), Vec<(f64, u32)>> = FxHashMap::default();
    for (seg, vertex) in tree.intersection_candidates_with_other_tree(&vertex_tree) {
        let (low, high) = seg.data;
        let vert = vertex.data;
        if low == vert || high == vert {
            continue;
        }
        let Some(&point) = snapped.coords.get(vert as usize) else { continue };
        let line = seg.geom();
        let (t, dist) = project(point, line.start, line.end);
        if t > 0.0 && t < 1.0 && dist <= tolerance_m {
            inserts.entry((low, high)).or_default().push((t, vert));
        }
    }
    if inserts.is_empty() {
        return;
    }
    for list in inserts.values_mut() {
        list.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    }

    for ring in &mut snapped.rings {
        let next = ring.verts.iter().cycle().skip(1);
        let touched =
            ring.verts.iter().zip(next).any(|(&a, &b)| inserts.contains_key(&(a.min(b), a.max(b))));
        if !touched {
            continue;
        }
        let mut out: Vec<u32> = Vec::with_capacity(ring.verts.len() + 4);
        let next = ring.verts.iter().cycle().skip(1);
        for (&a, &b) in ring.verts.iter().zip(next) {
            out.push(a);
            if let Some(list) = inserts.get(&(a.min(b), a.max(b))) {
                if a < b {
                    out.extend(list.iter().map(|&(_, v)| v));
                } else {
                    out.extend(list.iter().rev().map(|&(_, v)| v));
                }
            }
        }
        clean_ring(&mut out);
        ring.verts = out;
    }
    snapped.rings.retain(|r| r.verts.len() >= 3);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_ring_removes_duplicates_and_spikes() {
        let mut v = vec![1, 2, 2, 3, 9, 3, 4, 1];
        clean_ring(&mut v);
        assert_eq!(v, vec![1, 2, 3, 4]);
    }

    #[test]
    fn snapper_clusters_to_first_seen() {
        let mut s = VertexSnapper::new(1.0, 37.0);
        let a = s.add(Coord { x: 10.0, y: 37.0 });
        let b = s.add(Coord { x: 10.0 + 0.3 / 89_000.0, y: 37.0 });
        let c = s.add(Coord { x: 10.001, y: 37.0 });
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(s.coords.len(), 2);
    }

    #[test]
    fn exact_snapper_with_zero_tolerance() {
        let mut s = VertexSnapper::new(0.0, 37.0);
        let a = s.add(Coord { x: 10.0, y: 37.0 });
        let b = s.add(Coord { x: 10.0 + 1e-9, y: 37.0 });
        let c = s.add(Coord { x: 10.0, y: 37.0 });
        assert_ne!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn signed_area_sign() {
        let ccw = [
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 1.0, y: 0.0 },
            Coord { x: 1.0, y: 1.0 },
            Coord { x: 0.0, y: 1.0 },
        ];
        assert!((signed_area2(&ccw) - 2.0).abs() < 1e-12);
    }
}
