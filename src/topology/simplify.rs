//! Simplification: each arc simplified once, endpoints fixed.
//!
//! Owns [`Topology::simplify`](super::Topology::simplify). Every vertex gets
//! a Douglas–Peucker *importance* (the distance, in metres, at which it
//! would be dropped, never more than its parent's), vertices above the
//! tolerance are kept, and rings that would collapse below three distinct
//! vertices get back their arcs' most important vertices. Because the arcs
//! are shared, neighbours keep meeting exactly. It does not prevent arcs from
//! crossing each other when the tolerance exceeds the gap between them.

use geo::Coord;

use super::{decode_ref, metres_per_degree_lon, Arc, Topology, METRES_PER_DEGREE};

/// Distance from `p` to the segment `a → b` (all in metres).
fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}

/// Douglas–Peucker importance of every vertex of `coords` (endpoints are
/// infinitely important).
pub(super) fn importance(coords: &[Coord<f64>]) -> Vec<f64> {
    let n = coords.len();
    let mean_lat = coords.iter().map(|c| c.y).sum::<f64>() / (n.max(1) as f64);
    let kx = metres_per_degree_lon(mean_lat);
    let pts: Vec<(f64, f64)> = coords.iter().map(|c| (c.x * kx, c.y * METRES_PER_DEGREE)).collect();
    let mut imp = vec![0.0; n];
    if let Some(first) = imp.first_mut() {
        *first = f64::INFINITY;
    }
    if let Some(last) = imp.last_mut() {
        *last = f64::INFINITY;
    }
    let mut stack = vec![(0_usize, n.saturating_sub(1), f64::INFINITY)];
    while let Some((i, j, cap)) = stack.pop() {
        if j <= i + 1 {
            continue;
        }
        let (Some(&from), Some(&to)) = (pts.get(i), pts.get(j)) else { continue };
        let best = pts
            .iter()
            .enumerate()
            .take(j)
            .skip(i + 1)
            .map(|(k, &p)| (segment_distance(p, from, to), k))
            .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
        let Some((d, k)) = best else { continue };
        let d = d.min(cap);
        if let Some(slot) = imp.get_mut(k) {
            *slot = d;
        }
        stack.push((i, k, d));
        stack.push((k, j, d));
    }
    imp
}

/// See [`Topology::simplify`](super::Topology::simplify).
pub(super) fn simplify(topo: &Topology, tolerance_m: f64) -> Topology {
    if tolerance_m.is_nan() || tolerance_m <= 0.0 {
        return topo.clone();
    }
    let importances: Vec<Vec<f64>> = topo.arcs.iter().map(|a| importance(&a.coords)).collect();
    let mut keep: Vec<Vec<bool>> =
        importances.iter().map(|imp| imp.iter().map(|&d| d > tolerance_m).collect()).collect();

    // Keep every ring at three distinct vertices or more.
    for rings in topo.zone_rings.iter().flatten() {
        for refs in rings {
            restore_ring(refs, &importances, &mut keep);
        }
    }

    let arcs = topo
        .arcs
        .iter()
        .zip(&keep)
        .map(|(arc, flags)| Arc {
            coords: arc.coords.iter().zip(flags).filter(|(_, &k)| k).map(|(&c, _)| c).collect(),
            left: arc.left,
            right: arc.right,
        })
        .collect();
    Topology { zone_ids: topo.zone_ids.clone(), arcs, zone_rings: topo.zone_rings.clone() }
}

/// Number of distinct positions of the ring `refs` with the current flags
/// (each arc contributes its kept vertices minus its last one).
fn ring_size(refs: &[i64], keep: &[Vec<bool>]) -> usize {
    refs.iter()
        .map(|&r| {
            let (i, _) = decode_ref(r);
            keep.get(i).map_or(0, |k| k.iter().filter(|&&x| x).count().saturating_sub(1))
        })
        .sum()
}

/// Adds back the most important dropped vertices of the ring's arcs until
/// it has at least three distinct positions.
fn restore_ring(refs: &[i64], importances: &[Vec<f64>], keep: &mut [Vec<bool>]) {
    if ring_size(refs, keep) >= 3 {
        return;
    }
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for &r in refs {
        let (i, _) = decode_ref(r);
        let (Some(imp), Some(flags)) = (importances.get(i), keep.get(i)) else { continue };
        for (k, (&d, &kept)) in imp.iter().zip(flags).enumerate() {
            if !kept {
                candidates.push((d, i, k));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    candidates.dedup_by(|x, y| x.1 == y.1 && x.2 == y.2);
    for (_, i, k) in candidates {
        if ring_size(refs, keep) >= 3 {
            break;
        }
        if let Some(flag) = keep.get_mut(i).and_then(|f| f.get_mut(k)) {
            *flag = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn importance_of_a_triangle_peak() {
        let coords = vec![
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 0.001, y: 0.00001 },
            Coord { x: 0.002, y: 0.001 },
            Coord { x: 0.003, y: 0.0 },
        ];
        let imp = importance(&coords);
        assert!(imp[0].is_infinite() && imp[3].is_infinite());
        assert!(imp[2] > imp[1]);
        assert!((imp[2] - 0.001 * METRES_PER_DEGREE).abs() < 1.0);
    }

    #[test]
    fn closed_loop_importance_uses_point_distance() {
        let coords = vec![
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 0.001, y: 0.0 },
            Coord { x: 0.001, y: 0.001 },
            Coord { x: 0.0, y: 0.001 },
            Coord { x: 0.0, y: 0.0 },
        ];
        let imp = importance(&coords);
        assert!(imp[2] > 100.0);
        assert!(imp[1] > 50.0 && imp[3] > 50.0);
    }
}
