//! Arc splitting: snapped rings cut at nodes into arcs stored once.
//!
//! Owns the second half of [`Topology::build`](super::Topology::build): a
//! vertex is a *node* where the set of neighbouring rings changes, which on
//! snapped rings is exactly where the number of distinct neighbouring
//! vertices is not two. Rings without any node (islands, a hole filled by
//! another zone) get their smallest vertex id as node, the same for every
//! ring running along the same loop. Each ring is cut at its nodes; a piece
//! is identified by its first directed edge, so the neighbour walking the
//! other way finds the same arc reversed. It does not snap (`snap.rs`).

use super::snap::Snapped;
use super::{encode_ref, Arc};
use rustc_hash::FxHashMap;

/// Arcs, and per zone: polygons → rings → signed arc references.
pub(super) type ArcsAndRings = (Vec<Arc>, Vec<Vec<Vec<Vec<i64>>>>);

/// Splits the snapped rings into arcs; see the module docs.
pub(super) fn split_into_arcs(snapped: &Snapped, zone_count: usize) -> ArcsAndRings {
    let is_node = find_nodes(snapped);

    let mut arcs: Vec<Arc> = Vec::new();
    let mut by_first_edge: FxHashMap<(u32, u32), i64> = FxHashMap::default();
    let mut zone_rings: Vec<Vec<Vec<Vec<i64>>>> = vec![Vec::new(); zone_count];
    // Input polygon index → output polygon index, for the zone being filled.
    let mut current: Option<(usize, usize, usize)> = None;

    for ring in &snapped.rings {
        let refs = ring_arcs(
            ring.verts.as_slice(),
            ring.zone,
            &is_node,
            snapped,
            &mut arcs,
            &mut by_first_edge,
        );
        if refs.is_empty() {
            continue;
        }
        let Some(polygons) = zone_rings.get_mut(ring.zone) else { continue };
        if ring.exterior {
            polygons.push(vec![refs]);
            current = Some((ring.zone, ring.polygon, polygons.len() - 1));
        } else if let Some((zone, polygon, out)) = current {
            // A hole whose exterior collapsed is dropped with it.
            if zone == ring.zone && polygon == ring.polygon {
                if let Some(rings) = polygons.get_mut(out) {
                    rings.push(refs);
                }
            }
        }
    }
    (arcs, zone_rings)
}

/// Marks nodes: vertices with other than two distinct neighbours, plus one
/// vertex (the smallest id) on every ring that has none.
fn find_nodes(snapped: &Snapped) -> Vec<bool> {
    let mut edges: Vec<(u32, u32)> = Vec::new();
    for ring in &snapped.rings {
        let next = ring.verts.iter().cycle().skip(1);
        for (&a, &b) in ring.verts.iter().zip(next) {
            edges.push((a, b));
            edges.push((b, a));
        }
    }
    edges.sort_unstable();
    edges.dedup();
    let mut degree = vec![0_u32; snapped.coords.len()];
    for &(a, _) in &edges {
        if let Some(d) = degree.get_mut(a as usize) {
            *d += 1;
        }
    }
    let mut is_node: Vec<bool> = degree.iter().map(|&d| d != 2).collect();
    for ring in &snapped.rings {
        if ring.verts.iter().any(|&v| is_node.get(v as usize).copied().unwrap_or(false)) {
            continue;
        }
        if let Some(&min) = ring.verts.iter().min() {
            if let Some(n) = is_node.get_mut(min as usize) {
                *n = true;
            }
        }
    }
    is_node
}

/// Cuts one ring at its nodes, registering new arcs; returns the ring as
/// signed arc references.
fn ring_arcs(
    verts: &[u32],
    zone: usize,
    is_node: &[bool],
    snapped: &Snapped,
    arcs: &mut Vec<Arc>,
    by_first_edge: &mut FxHashMap<(u32, u32), i64>,
) -> Vec<i64> {
    let node_at = |v: u32| is_node.get(v as usize).copied().unwrap_or(false);
    let Some(start) = verts.iter().position(|&v| node_at(v)) else {
        return Vec::new();
    };
    let n = verts.len();
    let rotated = verts.iter().cycle().skip(start).take(n + 1).copied();

    let mut refs = Vec::new();
    let mut path: Vec<u32> = Vec::new();
    for v in rotated {
        path.push(v);
        if path.len() >= 2 && node_at(v) {
            refs.push(register(&path, zone, snapped, arcs, by_first_edge));
            path.clear();
            path.push(v);
        }
    }
    refs
}

/// Finds or creates the arc for `path`, and records `zone` on the side it
/// walks it (left when forward).
fn register(
    path: &[u32],
    zone: usize,
    snapped: &Snapped,
    arcs: &mut Vec<Arc>,
    by_first_edge: &mut FxHashMap<(u32, u32), i64>,
) -> i64 {
    let first = (path.first().copied().unwrap_or(0), path.get(1).copied().unwrap_or(0));
    let r = if let Some(&r) = by_first_edge.get(&first) {
        r
    } else {
        let index = arcs.len();
        let coords = path.iter().filter_map(|&v| snapped.coords.get(v as usize).copied()).collect();
        arcs.push(Arc { coords, left: None, right: None });
        let n = path.len();
        let last = (
            path.last().copied().unwrap_or(0),
            path.get(n.saturating_sub(2)).copied().unwrap_or(0),
        );
        by_first_edge.insert(first, encode_ref(index, true));
        by_first_edge.entry(last).or_insert(encode_ref(index, false));
        encode_ref(index, true)
    };
    let (index, forward) = super::decode_ref(r);
    if let Some(arc) = arcs.get_mut(index) {
        let side = if forward { &mut arc.left } else { &mut arc.right };
        // Overlapping zones: the first zone (in id order) keeps the side.
        if side.is_none() {
            *side = Some(zone);
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use geo::Coord;

    use super::super::snap::{Ring, Snapped};
    use super::*;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn two_squares_share_one_arc() {
        // 0 1 2 on y=0, 3 4 5 on y=1.
        let coords = vec![c(0., 0.), c(1., 0.), c(2., 0.), c(0., 1.), c(1., 1.), c(2., 1.)];
        let rings = vec![
            Ring { zone: 0, polygon: 0, exterior: true, verts: vec![0, 1, 4, 3] },
            Ring { zone: 1, polygon: 0, exterior: true, verts: vec![1, 2, 5, 4] },
        ];
        let (arcs, rings) = split_into_arcs(&Snapped { coords, rings }, 2);
        assert_eq!(arcs.len(), 3);
        let shared: Vec<&Arc> =
            arcs.iter().filter(|a| a.left.is_some() && a.right.is_some()).collect();
        assert_eq!(shared.len(), 1);
        assert_eq!(rings.len(), 2);
        assert_eq!(rings[0][0][0].len(), 2);
    }

    #[test]
    fn island_in_hole_gets_one_loop_arc() {
        let coords = vec![
            c(0., 0.),
            c(3., 0.),
            c(3., 3.),
            c(0., 3.),
            c(1., 1.),
            c(2., 1.),
            c(2., 2.),
            c(1., 2.),
        ];
        let rings = vec![
            Ring { zone: 0, polygon: 0, exterior: true, verts: vec![0, 1, 2, 3] },
            Ring { zone: 0, polygon: 0, exterior: false, verts: vec![4, 7, 6, 5] },
            Ring { zone: 1, polygon: 0, exterior: true, verts: vec![4, 5, 6, 7] },
        ];
        let (arcs, rings) = split_into_arcs(&Snapped { coords, rings }, 2);
        assert_eq!(arcs.len(), 2);
        assert_eq!(rings[0][0].len(), 2);
        let inner = &arcs[decode(rings[1][0][0][0])];
        assert_eq!(inner.coords.len(), 5);
        assert!(inner.left.is_some() && inner.right.is_some());
    }

    fn decode(r: i64) -> usize {
        super::super::decode_ref(r).0
    }
}
