//! Dissolve: zones merged per group by dropping the arcs inside a group.
//!
//! Owns [`Topology::dissolve`](super::Topology::dissolve): which arcs bound
//! a group, how they are walked into rings (group on the left, the tightest
//! left turn at nodes where several arcs leave, so parts touching at a point
//! become separate rings) and how holes are matched to exteriors. It works
//! only from the arcs, never with polygon boolean operations, so
//! near-coincident borders cannot leave slivers. It does not compute areas.

use std::collections::{BTreeMap, HashMap};

use geo::{Contains, Coord, InteriorPoint, LineString, MultiPolygon, Polygon, Rect};
use rstar::primitives::GeomWithData;
use rstar::RTree;

use super::Topology;

/// Hashable key of a node position.
fn key(c: Coord<f64>) -> (u64, u64) {
    (c.x.to_bits(), c.y.to_bits())
}

/// See [`Topology::dissolve`](super::Topology::dissolve).
pub(super) fn dissolve<'g>(
    topo: &Topology,
    group: impl Fn(usize) -> Option<&'g str>,
) -> Vec<(String, MultiPolygon<f64>)> {
    let mut per_group: BTreeMap<&str, Vec<(usize, bool)>> = BTreeMap::new();
    for (i, arc) in topo.arcs.iter().enumerate() {
        let gl = arc.left.and_then(&group);
        let gr = arc.right.and_then(&group);
        if gl == gr {
            continue;
        }
        if let Some(g) = gl {
            per_group.entry(g).or_default().push((i, true));
        }
        if let Some(g) = gr {
            per_group.entry(g).or_default().push((i, false));
        }
    }
    // Groups whose zones have no boundary arcs at all cannot exist, but keep
    // every group that was named so the output lists it.
    per_group
        .into_iter()
        .map(|(g, arcs)| {
            let (rings, complete) = assemble_rings(topo, &arcs);
            if complete {
                (g.to_string(), build_polygons(rings))
            } else {
                // Overlapping zones leave arcs whose sides disagree, and the
                // walk hits dead ends. Rather than lose those parts, union
                // the group's (snapped) zone polygons with boolean ops.
                let members: Vec<MultiPolygon<f64>> = (0..topo.zone_count())
                    .filter(|&z| group(z) == Some(g))
                    .map(|z| topo.zone_polygon(z))
                    .collect();
                let polygons: Vec<Polygon<f64>> = members.into_iter().flat_map(|m| m.0).collect();
                (g.to_string(), geo::unary_union(&polygons))
            }
        })
        .collect()
}

/// Angle in radians of the direction `from → to`.
fn angle(from: Coord<f64>, to: Coord<f64>) -> f64 {
    (to.y - from.y).atan2(to.x - from.x)
}

/// Walks directed arcs into closed rings with the group on the left.
/// The flag is false when a walk hit a dead end (the arcs did not close).
pub(super) fn assemble_rings(
    topo: &Topology,
    arcs: &[(usize, bool)],
) -> (Vec<Vec<Coord<f64>>>, bool) {
    let directed = topo.directed(arcs);
    let mut outgoing: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for (i, coords) in directed.iter().enumerate() {
        if let Some(&s) = coords.first() {
            outgoing.entry(key(s)).or_default().push(i);
        }
    }

    let mut used = vec![false; directed.len()];
    let mut rings = Vec::new();
    let mut complete = true;
    for start in 0..directed.len() {
        if used.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut ring: Vec<Coord<f64>> = Vec::new();
        let mut cur = start;
        let closed = loop {
            let Some(flag) = used.get_mut(cur) else { break false };
            *flag = true;
            let Some(coords) = directed.get(cur) else { break false };
            let skip = usize::from(!ring.is_empty());
            ring.extend(coords.iter().skip(skip));
            let (Some(&end), Some(&first)) = (ring.last(), ring.first()) else { break false };
            if end == first {
                break true;
            }
            let prev = ring.iter().rev().nth(1).copied().unwrap_or(end);
            let back = angle(end, prev);
            // The tightest left turn: the first outgoing arc clockwise from
            // the direction we came from.
            let next = outgoing.get(&key(end)).and_then(|cands| {
                cands
                    .iter()
                    .filter(|&&c| !used.get(c).copied().unwrap_or(true))
                    .filter_map(|&c| {
                        let second = directed.get(c)?.get(1).copied()?;
                        let mut turn = back - angle(end, second);
                        while turn <= 0.0 {
                            turn += std::f64::consts::TAU;
                        }
                        while turn > std::f64::consts::TAU {
                            turn -= std::f64::consts::TAU;
                        }
                        Some((turn, c))
                    })
                    .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                    .map(|(_, c)| c)
            });
            match next {
                Some(n) => cur = n,
                // A dead end: the topology is inconsistent (overlapping
                // zones); drop the partial ring.
                None => break false,
            }
        };
        if closed && ring.len() >= 4 {
            rings.push(ring);
        } else if !closed {
            complete = false;
        }
    }
    (rings, complete)
}

/// Twice the signed area of a closed ring.
fn signed_area2(ring: &[Coord<f64>]) -> f64 {
    ring.windows(2)
        .map(|w| match w {
            [a, b] => a.x * b.y - b.x * a.y,
            _ => 0.0,
        })
        .sum()
}

/// Groups closed rings into polygons: counter-clockwise rings are
/// exteriors, clockwise ones holes of the smallest exterior containing them.
pub(super) fn build_polygons(rings: Vec<Vec<Coord<f64>>>) -> MultiPolygon<f64> {
    let mut exteriors: Vec<(Polygon<f64>, f64)> = Vec::new();
    let mut holes: Vec<LineString<f64>> = Vec::new();
    for ring in rings {
        let a = signed_area2(&ring);
        if a > 0.0 {
            let p = Polygon::new(LineString::new(ring), Vec::new());
            exteriors.push((p, a));
        } else if a < 0.0 {
            holes.push(LineString::new(ring));
        }
    }
    let tree: RTree<GeomWithData<Rect<f64>, usize>> = RTree::bulk_load(
        exteriors
            .iter()
            .enumerate()
            .filter_map(|(i, (p, _))| {
                geo::BoundingRect::bounding_rect(p).map(|r| GeomWithData::new(r, i))
            })
            .collect(),
    );
    let mut hole_lists: Vec<Vec<LineString<f64>>> = vec![Vec::new(); exteriors.len()];
    for hole in holes {
        let inside = Polygon::new(hole.clone(), Vec::new());
        let Some(point) = inside.interior_point() else { continue };
        let owner = tree
            .locate_in_envelope_intersecting(&rstar::AABB::from_point(point))
            .filter_map(|e| {
                let (p, a) = exteriors.get(e.data)?;
                p.contains(&point).then_some((*a, e.data))
            })
            .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        if let Some((_, i)) = owner {
            if let Some(list) = hole_lists.get_mut(i) {
                list.push(hole);
            }
        }
    }
    let polygons = exteriors
        .into_iter()
        .zip(hole_lists)
        .map(|((p, _), holes)| Polygon::new(p.into_inner().0, holes))
        .collect::<Vec<_>>();
    MultiPolygon::new(polygons)
}
