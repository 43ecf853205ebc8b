//! Tests of the topology core as a whole: a hand-computed grid, snapping of
//! hand-drawn neighbours, property tests on jittered grids, real data.

use std::collections::HashSet;

use geo::{
    unary_union, Area, Coord, Distance, Euclidean, Length, LineString, MultiPolygon, Point,
    Polygon, Winding,
};
use proptest::prelude::*;

use super::{Topology, METRES_PER_DEGREE};

const CELL: f64 = 0.01;
const X0: f64 = 10.0;
const Y0: f64 = 37.0;

fn gx(c: i32) -> f64 {
    X0 + f64::from(c) * CELL
}

fn gy(r: i32) -> f64 {
    Y0 + f64::from(r) * CELL
}

fn square(r: i32, c: i32) -> Polygon<f64> {
    Polygon::new(
        LineString::from(vec![
            (gx(c), gy(r)),
            (gx(c + 1), gy(r)),
            (gx(c + 1), gy(r + 1)),
            (gx(c), gy(r + 1)),
            (gx(c), gy(r)),
        ]),
        vec![],
    )
}

/// 3×3 grid, zone ids `r{row}c{col}`, index = row * 3 + col.
fn grid3() -> Vec<(String, MultiPolygon<f64>)> {
    let mut zones = Vec::new();
    for r in 0..3 {
        for c in 0..3 {
            zones.push((format!("r{r}c{c}"), MultiPolygon::new(vec![square(r, c)])));
        }
    }
    zones
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(f64::MIN_POSITIVE)
}

fn holes(mp: &MultiPolygon<f64>) -> usize {
    mp.0.iter().map(|p| p.interiors().len()).sum()
}

/// Checks a dissolve against the members' area sum, `unary_union` of the
/// members (area and number of parts) and the rings' orientation.
fn check_dissolve(
    zones: &[(String, MultiPolygon<f64>)],
    groups: &[Option<&str>],
    same_rings: bool,
) {
    let topo = Topology::build(zones, 1.0);
    let dissolved = topo.dissolve(|z| groups.get(z).copied().flatten());
    for (g, mp) in &dissolved {
        let members: Vec<&MultiPolygon<f64>> = zones
            .iter()
            .zip(groups)
            .filter(|(_, gr)| gr.as_deref() == Some(g.as_str()))
            .map(|(z, _)| &z.1)
            .collect();
        let union = unary_union(members.iter().copied());
        let sum: f64 = members.iter().map(|m| m.unsigned_area()).sum();
        assert!(
            close(mp.unsigned_area(), sum, 1e-9),
            "group {g}: {} vs sum {sum}",
            mp.unsigned_area()
        );
        // i_overlay (behind `unary_union`) rounds to an integer grid: ~1e-9.
        assert!(
            close(mp.unsigned_area(), union.unsigned_area(), 1e-7),
            "group {g}: {} vs {} ({} members)",
            mp.unsigned_area(),
            union.unsigned_area(),
            members.len()
        );
        if same_rings {
            assert_eq!(mp.0.len(), union.0.len(), "group {g}: parts");
            assert_eq!(holes(mp), holes(&union), "group {g}: holes");
        }
        for p in &mp.0 {
            assert!(p.exterior().is_ccw(), "group {g}: exterior not ccw");
            for h in p.interiors() {
                assert!(h.is_cw(), "group {g}: hole not cw");
            }
        }
    }
}

#[test]
fn grid_column_border() {
    let zones = grid3();
    let groups: Vec<Option<&str>> =
        (0..9).map(|i| Some(if i % 3 == 0 { "A" } else { "B" })).collect();
    let topo = Topology::build(&zones, 1.0);
    let borders = topo.shared_borders(|z| groups.get(z).copied().flatten());
    assert_eq!(borders.len(), 1);
    let b = &borders[0];
    assert_eq!(b.groups, ("A".to_string(), "B".to_string()));
    assert_eq!(b.zones, vec![0, 1, 3, 4, 6, 7]);
    assert_eq!(b.arcs.len(), 3);
    assert_eq!(b.lines.0.len(), 1);
    // A (west) on the left: the line runs north along x = 10.01.
    let expected: Vec<Coord<f64>> = (0..4).map(|r| Coord { x: gx(1), y: gy(r) }).collect();
    assert_eq!(b.lines.0[0].0, expected);
    assert!(close(Euclidean.length(&b.lines), 0.03, 1e-12));

    let dissolved = topo.dissolve(|z| groups.get(z).copied().flatten());
    assert_eq!(dissolved.len(), 2);
    let (ga, a) = &dissolved[0];
    let (gb, b) = &dissolved[1];
    assert_eq!((ga.as_str(), gb.as_str()), ("A", "B"));
    assert_eq!((a.0.len(), b.0.len()), (1, 1));
    assert_eq!((holes(a), holes(b)), (0, 0));
    assert!(close(a.unsigned_area(), 3.0 * CELL * CELL, 1e-9));
    assert!(close(b.unsigned_area(), 6.0 * CELL * CELL, 1e-9));
    // Only the corners remain: dissolve drops the inner nodes' vertices? No:
    // the outer arcs keep every grid vertex on the boundary.
    assert_eq!(a.0[0].exterior().0.len(), 9);
    check_dissolve(&zones, &groups, true);
}

#[test]
fn grid_hole_and_island() {
    let mut zones = grid3();
    // A detached square east of the grid (index 9).
    zones.push(("remote".to_string(), MultiPolygon::new(vec![square(0, 5)])));
    // The centre (index 4) and the remote square are C, the rest A.
    let groups: Vec<Option<&str>> =
        (0..10).map(|i| Some(if i == 4 || i == 9 { "C" } else { "A" })).collect();
    let topo = Topology::build(&zones, 1.0);
    let borders = topo.shared_borders(|z| groups.get(z).copied().flatten());
    assert_eq!(borders.len(), 1);
    let b = &borders[0];
    assert_eq!(b.zones, vec![1, 3, 4, 5, 7]);
    // The centre ring, closed, with A on its left: clockwise around C.
    assert_eq!(b.lines.0.len(), 1);
    let ring = &b.lines.0[0];
    assert!(ring.is_closed());
    assert_eq!(ring.0.len(), 5);
    assert!(ring.is_cw());
    assert!(close(Euclidean.length(&b.lines), 0.04, 1e-12));

    let dissolved = topo.dissolve(|z| groups.get(z).copied().flatten());
    let a = &dissolved[0].1;
    let c = &dissolved[1].1;
    assert_eq!(a.0.len(), 1);
    assert_eq!(holes(a), 1);
    assert_eq!(a.0[0].interiors()[0].0.len(), 5);
    assert_eq!(c.0.len(), 2, "the centre island and the remote square");
    assert_eq!(holes(c), 0);
    assert!(close(a.unsigned_area(), 8.0 * CELL * CELL, 1e-9));
    assert!(close(c.unsigned_area(), 2.0 * CELL * CELL, 1e-9));
    check_dissolve(&zones, &groups, true);
}

#[test]
fn grid_pinched_contact_lines() {
    let zones = grid3();
    // The centre and the south-west corner (touching it at one point) are C.
    let groups: Vec<Option<&str>> =
        (0..9).map(|i| Some(if i == 4 || i == 0 { "C" } else { "A" })).collect();
    let topo = Topology::build(&zones, 1.0);
    let borders = topo.shared_borders(|z| groups.get(z).copied().flatten());
    let b = &borders[0];
    // The centre ring and the corner's two inner edges meet at (10.01,
    // 37.01): four arcs there, so no chaining through it.
    assert!(close(Euclidean.length(&b.lines), 0.06, 1e-12));
    assert_eq!(b.lines.0.len(), 3);
    let dissolved = topo.dissolve(|z| groups.get(z).copied().flatten());
    assert_eq!(dissolved[1].1 .0.len(), 2, "C: two parts touching at a point");
    assert!(close(dissolved[0].1.unsigned_area(), 7.0 * CELL * CELL, 1e-9));
    // A: an exterior and a hole touching it at that point (the OGC-valid
    // form; i_overlay returns one self-touching ring instead).
    assert_eq!(dissolved[0].1 .0.len(), 1);
    assert_eq!(holes(&dissolved[0].1), 1);
    check_dissolve(&zones, &groups, false);
}

#[test]
fn grid_diagonal_pinches_and_excluded_zones() {
    let zones = grid3();
    // Diagonal B (touching at corners), others A, except r2c0 left out.
    let groups: Vec<Option<&str>> = (0..9)
        .map(|i| match i {
            0 | 4 | 8 => Some("B"),
            6 => None,
            _ => Some("A"),
        })
        .collect();
    let topo = Topology::build(&zones, 1.0);
    let borders = topo.shared_borders(|z| groups.get(z).copied().flatten());
    assert_eq!(borders.len(), 1);
    // B cells' inner edges: 2 + 4 + 2, minus r1c1's edges with r2c0 (none:
    // r2c0 only touches r1c1 at a corner) = 8 edges.
    assert!(close(Euclidean.length(&borders[0].lines), 0.08, 1e-12));
    let dissolved = topo.dissolve(|z| groups.get(z).copied().flatten());
    let a = &dissolved[0].1;
    let b = &dissolved[1].1;
    assert_eq!(b.0.len(), 3, "cells touching at a corner stay separate parts");
    // r1c0 and r2c1 touch only at a corner once r2c0 is left out.
    assert_eq!(a.0.len(), 3);
    assert!(close(a.unsigned_area(), 5.0 * CELL * CELL, 1e-9));
    assert!(close(b.unsigned_area(), 3.0 * CELL * CELL, 1e-9));
    check_dissolve(&zones, &groups, true);
}

#[test]
fn zone_arc_rings_round_trip() {
    let zones = grid3();
    let topo = Topology::build(&zones, 1.0);
    // 12 inner edges + the outer boundary cut at the 8 boundary nodes.
    assert_eq!(topo.arc_count(), 12 + 8);
    let centre = topo.zone_arc_rings(4);
    assert_eq!(centre.len(), 1);
    assert_eq!(centre[0].len(), 1);
    assert_eq!(centre[0][0].len(), 4);
    assert!(topo.zone_arc_rings(99).is_empty());
    for (z, mp) in topo.zone_polygons().iter().enumerate() {
        assert!(close(mp.unsigned_area(), zones[z].1.unsigned_area(), 1e-12));
        assert!(mp.0[0].exterior().is_ccw());
    }
}

/// Metres → degrees of longitude at latitude 37.
fn lon_deg(m: f64) -> f64 {
    m / (METRES_PER_DEGREE * 37.0_f64.to_radians().cos())
}

/// Two squares whose shared border is digitized twice, B's copy off by
/// about 0.3 m, and an extra vertex on A's side only.
fn hand_drawn_pair() -> Vec<(String, MultiPolygon<f64>)> {
    let off = lon_deg(0.3);
    let a = Polygon::new(
        LineString::from(vec![
            (gx(0), gy(0)),
            (gx(1), gy(0)),
            (gx(1), Y0 + 0.5 * CELL),
            (gx(1), gy(1)),
            (gx(0), gy(1)),
        ]),
        vec![],
    );
    let b = Polygon::new(
        LineString::from(vec![
            (gx(1) + off, gy(0) - 0.2 / METRES_PER_DEGREE),
            (gx(2), gy(0)),
            (gx(2), gy(1)),
            (gx(1) - off, gy(1) + 0.1 / METRES_PER_DEGREE),
        ]),
        vec![],
    );
    vec![
        ("a".to_string(), MultiPolygon::new(vec![a])),
        ("b".to_string(), MultiPolygon::new(vec![b])),
    ]
}

#[test]
fn snap_joins_hand_drawn_neighbours() {
    let zones = hand_drawn_pair();
    let topo = Topology::build(&zones, 1.0);
    let shared: Vec<_> = topo.arcs().filter(|a| a.left.is_some() && a.right.is_some()).collect();
    assert_eq!(shared.len(), 1);
    let mut sides = [shared[0].left, shared[0].right];
    sides.sort_unstable();
    assert_eq!(sides, [Some(0), Some(1)]);
    assert_eq!(shared[0].coords.len(), 3, "the one-sided extra vertex is on the shared arc");
    // No fragments: the shared arc and one outer arc per zone.
    assert_eq!(topo.arc_count(), 3);
    let groups = ["x", "y"];
    let borders = topo.shared_borders(|z| groups.get(z).copied());
    assert_eq!(borders.len(), 1);
    assert_eq!(borders[0].lines.0.len(), 1);
    let all = topo.dissolve(|_| Some("all"));
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].1 .0.len(), 1);
    assert_eq!(holes(&all[0].1), 0);
    assert_eq!(all[0].1 .0[0].exterior().0.len(), 7, "no sliver vertices left");
}

#[test]
fn zero_tolerance_keeps_hand_drawn_borders_apart() {
    let zones = hand_drawn_pair();
    let topo = Topology::build(&zones, 0.0);
    assert_eq!(topo.arcs().filter(|a| a.left.is_some() && a.right.is_some()).count(), 0);
    let groups = ["x", "y"];
    assert!(topo.shared_borders(|z| groups.get(z).copied()).is_empty());
}

#[test]
fn t_junction_with_exact_coordinates() {
    // A big zone below two small ones: its top edge has no vertex at x = 1.
    let big = Polygon::new(
        LineString::from(vec![(0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (0.0, 1.0)]),
        vec![],
    );
    let left = Polygon::new(
        LineString::from(vec![(0.0, 1.0), (1.0, 1.0), (1.0, 2.0), (0.0, 2.0)]),
        vec![],
    );
    let right = Polygon::new(
        LineString::from(vec![(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 2.0)]),
        vec![],
    );
    let zones = vec![
        ("big".to_string(), MultiPolygon::new(vec![big])),
        ("left".to_string(), MultiPolygon::new(vec![left])),
        ("right".to_string(), MultiPolygon::new(vec![right])),
    ];
    let topo = Topology::build(&zones, 0.0);
    let shared = topo.arcs().filter(|a| a.left.is_some() && a.right.is_some()).count();
    assert_eq!(shared, 3);
}

#[test]
fn simplify_keeps_rings_and_shared_arcs() {
    let zones = grid3();
    let topo = Topology::build(&zones, 1.0).simplify(1e6);
    for mp in topo.zone_polygons() {
        assert_eq!(mp.0.len(), 1);
        assert!(mp.0[0].exterior().0.len() >= 4);
    }
}

// ---------------------------------------------------------------------------
// Property tests on jittered grids.

/// A jittered `nx × ny` grid: shared corner positions, and optionally a
/// midpoint on a cell's east edge in that cell's ring only (a T-junction).
fn jittered_grid(
    nx: usize,
    ny: usize,
    jitter: &[(f64, f64)],
    extra: &[bool],
) -> Vec<(String, MultiPolygon<f64>)> {
    let corner = |i: usize, j: usize| {
        let (jx, jy) = jitter.get(j * (nx + 1) + i).copied().unwrap_or((0.0, 0.0));
        Coord { x: X0 + (i as f64 + jx) * CELL, y: Y0 + (j as f64 + jy) * CELL }
    };
    let mut zones = Vec::new();
    for j in 0..ny {
        for i in 0..nx {
            let (a, b, c, d) =
                (corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1));
            let mut ring = vec![a, b];
            if extra.get(j * nx + i).copied().unwrap_or(false) {
                ring.push(Coord { x: f64::midpoint(b.x, c.x), y: f64::midpoint(b.y, c.y) });
            }
            ring.extend([c, d, a]);
            let poly = Polygon::new(LineString::new(ring), vec![]);
            zones.push((format!("z{j:03}-{i:03}"), MultiPolygon::new(vec![poly])));
        }
    }
    zones
}

#[derive(Debug, Clone)]
struct GridCase {
    nx: usize,
    ny: usize,
    jitter: Vec<(f64, f64)>,
    extra: Vec<bool>,
    groups: Vec<Option<&'static str>>,
}

fn grid_case_strategy() -> impl Strategy<Value = GridCase> {
    (1_usize..6, 1_usize..6).prop_flat_map(|(nx, ny)| {
        let corners = (nx + 1) * (ny + 1);
        let cells = nx * ny;
        (
            proptest::collection::vec((-0.3_f64..0.3, -0.3_f64..0.3), corners),
            proptest::collection::vec(any::<bool>(), cells),
            proptest::collection::vec(
                prop_oneof![Just(Some("a")), Just(Some("b")), Just(Some("c")), Just(None)],
                cells,
            ),
        )
            .prop_map(move |(jitter, extra, groups)| GridCase {
                nx,
                ny,
                jitter,
                extra,
                groups,
            })
    })
}

/// Directed edges (as coordinate bits) of a multipolygon's rings.
fn directed_edges(mp: &MultiPolygon<f64>) -> HashSet<[u64; 4]> {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(LineString::lines)
        .map(|l| [l.start.x.to_bits(), l.start.y.to_bits(), l.end.x.to_bits(), l.end.y.to_bits()])
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn prop_dissolved_area_is_sum_of_members(case in grid_case_strategy()) {
        let zones = jittered_grid(case.nx, case.ny, &case.jitter, &case.extra);
        let topo = Topology::build(&zones, 1.0);
        let dissolved = topo.dissolve(|z| case.groups.get(z).copied().flatten());
        for (g, mp) in &dissolved {
            let sum: f64 = zones
                .iter()
                .zip(&case.groups)
                .filter(|(_, gr)| **gr == Some(g.as_str()))
                .map(|(z, _)| z.1.unsigned_area())
                .sum();
            prop_assert!(close(mp.unsigned_area(), sum, 1e-9), "group {}: {} vs {}", g, mp.unsigned_area(), sum);
            for p in &mp.0 {
                prop_assert!(p.exterior().is_ccw());
                prop_assert!(p.interiors().iter().all(Winding::is_cw));
            }
        }
        let named: HashSet<&str> = case.groups.iter().flatten().copied().collect();
        prop_assert_eq!(dissolved.len(), named.len());
    }

    #[test]
    fn prop_contact_lines_lie_on_both_zones(case in grid_case_strategy()) {
        let zones = jittered_grid(case.nx, case.ny, &case.jitter, &case.extra);
        let topo = Topology::build(&zones, 1.0);
        let borders = topo.shared_borders(|z| case.groups.get(z).copied().flatten());
        for b in &borders {
            prop_assert!(b.groups.0 < b.groups.1);
            for line in &b.lines {
                for seg in line.lines() {
                    let mid = Point::new(f64::midpoint(seg.start.x, seg.end.x), f64::midpoint(seg.start.y, seg.end.y));
                    let on = |g: &str| b.zones.iter().any(|&z| {
                        case.groups[z] == Some(g)
                            && Euclidean.distance(&mid, zones[z].1.0[0].exterior()) < 1e-12
                    });
                    prop_assert!(on(&b.groups.0) && on(&b.groups.1), "segment {:?}", seg);
                }
            }
        }
    }

    #[test]
    fn prop_simplify_keeps_neighbours_meeting(case in grid_case_strategy(), tol in 1.0_f64..3000.0) {
        let zones = jittered_grid(case.nx, case.ny, &case.jitter, &case.extra);
        let topo = Topology::build(&zones, 1.0).simplify(tol);
        let polys = topo.zone_polygons();
        let edges: Vec<HashSet<[u64; 4]>> = polys.iter().map(directed_edges).collect();
        for mp in &polys {
            prop_assert_eq!(mp.0.len(), 1);
            for p in &mp.0 {
                prop_assert!(p.exterior().0.len() >= 4);
                prop_assert!(p.interiors().iter().all(|r| r.0.len() >= 4));
            }
        }
        for arc in topo.arcs() {
            let (Some(l), Some(r)) = (arc.left, arc.right) else { continue };
            for w in arc.coords.windows(2) {
                let (s, e) = (w[0], w[1]);
                prop_assert!(edges[l].contains(&[s.x.to_bits(), s.y.to_bits(), e.x.to_bits(), e.y.to_bits()]));
                prop_assert!(edges[r].contains(&[e.x.to_bits(), e.y.to_bits(), s.x.to_bits(), s.y.to_bits()]));
            }
        }
    }

    #[test]
    fn prop_independent_of_zone_order(case in grid_case_strategy()) {
        let zones = jittered_grid(case.nx, case.ny, &case.jitter, &case.extra);
        let reversed: Vec<_> = zones.iter().rev().cloned().collect();
        let n = zones.len();
        let a = Topology::build(&zones, 1.0).dissolve(|z| case.groups.get(z).copied().flatten());
        let b = Topology::build(&reversed, 1.0)
            .dissolve(|z| case.groups.get(n - 1 - z).copied().flatten());
        prop_assert_eq!(a, b);
    }
}

// ---------------------------------------------------------------------------
// Real data and timing.

fn read_zones(path: &std::path::Path) -> Option<Vec<(String, MultiPolygon<f64>)>> {
    let text = std::fs::read_to_string(path).ok()?;
    let gj: geojson::GeoJson = text.parse().ok()?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else { return None };
    let zones = fc
        .features
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let value = &f.geometry.as_ref()?.value;
            let mp = MultiPolygon::<f64>::try_from(value).ok().or_else(|| {
                Polygon::<f64>::try_from(value).ok().map(|p| MultiPolygon::new(vec![p]))
            })?;
            Some((format!("{i:04}"), mp))
        })
        .collect();
    Some(zones)
}

#[allow(clippy::print_stderr)]
fn check_real(file: &str) {
    let Some(path) =
        crate::test_data::shared_data(&format!("neighborhoods-click-that-hood/{file}"))
    else {
        return;
    };
    let zones = read_zones(&path).unwrap_or_else(|| panic!("{}: not zones", path.display()));
    let start = std::time::Instant::now();
    let topo = Topology::build(&zones, 1.0);
    let built = start.elapsed();
    let shared = topo.arcs().filter(|a| a.left.is_some() && a.right.is_some()).count();
    let sum: f64 = zones.iter().map(|z| z.1.unsigned_area()).sum();
    let all = topo.dissolve(|_| Some("all"));
    let area: f64 = all.iter().map(|g| g.1.unsigned_area()).sum();
    let simplified = topo.simplify(20.0);
    let vertices = |t: &Topology| t.arcs().map(|a| a.coords.len()).sum::<usize>();
    eprintln!(
        "{file}: {} zones, {} arcs ({shared} shared), build {built:?}, dissolved area / sum = {:.5}, \
         parts {}, vertices {} → {} after simplify(20 m)",
        zones.len(),
        topo.arc_count(),
        area / sum,
        all.first().map_or(0, |g| g.1 .0.len()),
        vertices(&topo),
        vertices(&simplified),
    );
    assert!(shared > 0);
    assert!(close(area, sum, 0.005), "{area} vs {sum}");
    for mp in simplified.zone_polygons() {
        for p in &mp.0 {
            assert!(p.exterior().0.len() >= 4);
        }
    }
}

#[test]
fn real_san_francisco() {
    check_real("san-francisco.geojson");
}

#[test]
fn real_amsterdam() {
    check_real("amsterdam.geojson");
}

/// Run with `cargo test --release -- --ignored --nocapture timing`.
#[test]
#[ignore = "timing; run in release"]
#[allow(clippy::print_stderr)]
fn timing_10k_jittered_zones() {
    let (nx, ny, per_edge) = (100_usize, 100_usize, 10_usize);
    let mut seed = 12345_u64;
    let mut rnd = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 11) as f64) / ((1_u64 << 53) as f64) - 0.5
    };
    let jitter: Vec<(f64, f64)> =
        (0..(nx + 1) * (ny + 1)).map(|_| (rnd() * 0.5, rnd() * 0.5)).collect();
    let corner = |i: usize, j: usize| {
        let (jx, jy) = jitter[j * (nx + 1) + i];
        Coord { x: X0 + (i as f64 + jx) * CELL, y: Y0 + (j as f64 + jy) * CELL }
    };
    let edge = |a: Coord<f64>, b: Coord<f64>| -> Vec<Coord<f64>> {
        (0..per_edge)
            .map(|k| {
                let t = k as f64 / per_edge as f64;
                Coord { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }
            })
            .collect()
    };
    let mut zones = Vec::new();
    let mut groups = Vec::new();
    for j in 0..ny {
        for i in 0..nx {
            let (a, b, c, d) =
                (corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1));
            let mut ring = Vec::new();
            for (p, q) in [(a, b), (b, c), (c, d), (d, a)] {
                ring.extend(edge(p, q));
            }
            ring.push(a);
            zones.push((
                format!("z{j:03}-{i:03}"),
                MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]),
            ));
            groups.push(["a", "b", "c", "d"][(rnd() + 0.5).mul_add(4.0, 0.0) as usize % 4]);
        }
    }
    let t = std::time::Instant::now();
    let snapped = super::snap::snap_rings(&zones, 1.0);
    let snap = t.elapsed();
    let t = std::time::Instant::now();
    let _ = super::arcs::split_into_arcs(&snapped, zones.len());
    eprintln!("phases: snap {snap:?}, arcs {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let topo = Topology::build(&zones, 1.0);
    let build = t.elapsed();
    let t = std::time::Instant::now();
    let borders = topo.shared_borders(|z| groups.get(z).copied());
    let shared = t.elapsed();
    let t = std::time::Instant::now();
    let dissolved = topo.dissolve(|z| groups.get(z).copied());
    let dissolve = t.elapsed();
    let t = std::time::Instant::now();
    let simple = topo.simplify(50.0);
    let polys = simple.zone_polygons();
    let simplify = t.elapsed();
    eprintln!(
        "10k zones × 40 vertices: build {build:?} ({} arcs), shared_borders {shared:?} ({} pairs), \
         dissolve {dissolve:?} ({} groups), simplify + zone_polygons {simplify:?} ({} zones)",
        topo.arc_count(),
        borders.len(),
        dissolved.len(),
        polys.len()
    );
    // Inner edges, plus the outer boundary cut at its degree-3 nodes.
    assert_eq!(topo.arc_count(), 2 * nx * (ny - 1) + 4 * (nx - 1));
}

fn messy_zones_strategy() -> impl Strategy<Value = Vec<(String, MultiPolygon<f64>)>> {
    let coord = (0_i32..6, 0_i32..6)
        .prop_map(|(x, y)| (gx(0) + f64::from(x) * 1e-5, gy(0) + f64::from(y) * 1e-5));
    let ring = proptest::collection::vec(coord, 0..8);
    proptest::collection::vec(proptest::collection::vec(ring, 1..3), 1..6).prop_map(|zones| {
        zones
            .into_iter()
            .enumerate()
            .map(|(i, rings)| {
                let mut rings = rings.into_iter().map(LineString::from);
                let exterior = rings.next().unwrap_or_else(|| LineString::new(vec![]));
                let poly = Polygon::new(exterior, rings.collect());
                (format!("z{}", i % 3), MultiPolygon::new(vec![poly]))
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Overlapping, self-intersecting, degenerate and duplicate-id zones
    /// never make any query panic or hang.
    #[test]
    fn prop_messy_zones_never_panic(zones in messy_zones_strategy(), tol in 0.0_f64..3.0) {
        let topo = Topology::build(&zones, tol);
        let groups = ["a", "b", "a", "c", "b", "a"];
        let _ = topo.shared_borders(|z| groups.get(z).copied());
        let _ = topo.dissolve(|z| groups.get(z).copied());
        let simple = topo.simplify(1.0);
        for mp in simple.zone_polygons() {
            for p in &mp.0 {
                prop_assert!(p.exterior().0.len() >= 4);
            }
        }
        for z in 0..topo.zone_count() {
            for rings in topo.zone_arc_rings(z) {
                for refs in rings {
                    for r in refs {
                        let i = if r >= 0 { r } else { !r };
                        prop_assert!(topo.arc(usize::try_from(i).unwrap()).is_some());
                    }
                }
            }
        }
    }
}

#[test]
fn dissolve_keeps_groups_of_overlapping_zones() {
    // Zones a and b overlap (b starts inside a); both are group "x", c is "y".
    // The arc walk hits dead ends there; the group must still come out whole.
    use geo::{polygon, Area};
    let sq = |x0: f64, x1: f64| {
        geo::MultiPolygon(vec![
            polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 0.01), (x: x0, y: 0.01), (x: x0, y: 0.0)],
        ])
    };
    let zones = vec![
        ("a".to_string(), sq(0.0, 0.012)),
        ("b".to_string(), sq(0.008, 0.02)),
        ("c".to_string(), sq(0.02, 0.03)),
    ];
    let t = Topology::build(&zones, 1.0);
    let groups = ["x", "x", "y"];
    let d = t.dissolve(|i| groups.get(i).copied());
    let x = d.iter().find(|(g, _)| g == "x").expect("group x");
    assert!((x.1.unsigned_area() - 0.0002).abs() < 1e-9, "{}", x.1.unsigned_area());
    let y = d.iter().find(|(g, _)| g == "y").expect("group y");
    assert!((y.1.unsigned_area() - 0.0001).abs() < 1e-9);
}

#[test]
fn two_squares_side_by_side_share_one_arc() {
    use geo::polygon;
    let a = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
    let b = polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)];
    let zones = vec![
        ("a".to_string(), MultiPolygon::new(vec![a])),
        ("b".to_string(), MultiPolygon::new(vec![b])),
    ];
    let topo = Topology::build(&zones, 1.0);
    let shared = topo.arcs().filter(|arc| arc.left.is_some() && arc.right.is_some()).count();
    assert_eq!(shared, 1);
}
