//! Which zone contains a point: an R-tree over the bounding boxes of the
//! zones' polygons, then an exact point-in-polygon test on the candidates
//! against prepared rings (robust orientation predicates, boundary included).
//!
//! A point on a border shared by two zones goes to the zone that comes first
//! in id order, so the answer never depends on input order. The index does
//! not know about dates or control (see `history`).

use crate::model::Zone;
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{BoundingRect, Coord, Point, Polygon, Rect};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::ops::{ControlFlow, Range};

/// Where a polygon's rings lie in [`ZoneIndex`]'s flat coordinate list:
/// kept in the tree's leaves, so that a candidate costs no lookup before
/// its coordinates.
#[derive(Debug, Clone)]
struct Part {
    zone: usize,
    /// The exterior ring's coordinates.
    exterior: Range<usize>,
    /// The holes, as a range of [`ZoneIndex::holes`].
    holes: Range<usize>,
}

/// A spatial index over zones.
///
/// The rings of all polygons are copied into one list of coordinates, in
/// zone order: a point test reads memory that is close together rather than
/// one allocation per ring (ten thousand zones do not fit in a cache).
#[derive(Debug)]
pub struct ZoneIndex {
    coords: Vec<Coord<f64>>,
    /// Each hole's coordinates, as a range of `coords`.
    holes: Vec<Range<usize>>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, Part>>,
}

impl ZoneIndex {
    /// Index `zones` (their order is their priority on shared borders).
    #[must_use]
    pub fn new(zones: &[Zone]) -> Self {
        // boxes measured per zone in parallel, in zone order
        let boxes: Vec<Vec<Option<Rect<f64>>>> = zones
            .par_iter()
            .map(|z| z.geometry.0.iter().map(BoundingRect::bounding_rect).collect())
            .collect();
        let size = |p: &Polygon<f64>| {
            p.exterior().0.len() + p.interiors().iter().map(|h| h.0.len()).sum::<usize>()
        };
        let total = zones.iter().flat_map(|z| &z.geometry.0).map(size).sum();
        let mut coords = Vec::with_capacity(total);
        let mut holes = Vec::new();
        let mut items = Vec::new();
        for (zone, (z, boxes)) in zones.iter().zip(boxes).enumerate() {
            for (polygon, r) in z.geometry.0.iter().zip(boxes) {
                let Some(r) = r else { continue };
                let exterior = push_ring(&mut coords, &polygon.exterior().0);
                let first_hole = holes.len();
                for h in polygon.interiors() {
                    holes.push(push_ring(&mut coords, &h.0));
                }
                let part = Part { zone, exterior, holes: first_hole..holes.len() };
                let corners = ([r.min().x, r.min().y], [r.max().x, r.max().y]);
                items.push(GeomWithData::new(Rectangle::from_corners(corners.0, corners.1), part));
            }
        }
        ZoneIndex { coords, holes, tree: RTree::bulk_load(items) }
    }

    /// The index of the zone containing `p` (boundary included), if any.
    #[must_use]
    pub fn locate(&self, p: Point<f64>) -> Option<usize> {
        let env = AABB::from_point([p.x(), p.y()]);
        // the first zone in order wins: a candidate after the best found
        // so far needs no test
        let mut best: Option<usize> = None;
        let _ = self.tree.locate_in_envelope_intersecting_int(&env, |g| {
            let part = &g.data;
            if best.is_none_or(|b| part.zone < b) && self.contains(part, p.0) {
                best = Some(part.zone);
            }
            ControlFlow::<()>::Continue(())
        });
        best
    }

    /// Inside the exterior (or on it) and not strictly inside a hole.
    fn contains(&self, part: &Part, p: Coord<f64>) -> bool {
        let ring = |r: &Range<usize>| self.coords.get(r.clone()).unwrap_or_default();
        match ring_position(ring(&part.exterior), p) {
            Position::Outside => false,
            Position::Boundary => true,
            Position::Inside => self
                .holes
                .get(part.holes.clone())
                .unwrap_or_default()
                .iter()
                .all(|h| ring_position(ring(h), p) != Position::Inside),
        }
    }
}

/// Append a ring's coordinates; where they went.
fn push_ring(coords: &mut Vec<Coord<f64>>, ring: &[Coord<f64>]) -> Range<usize> {
    let start = coords.len();
    coords.extend_from_slice(ring);
    start..coords.len()
}

/// Where a point lies relative to a ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Inside,
    Boundary,
    Outside,
}

/// Winding-number test with robust orientation: exact on the boundary.
fn ring_position(ring: &[Coord<f64>], p: Coord<f64>) -> Position {
    let mut winding = 0i32;
    for (a, b) in ring.iter().zip(ring.iter().skip(1)) {
        let (a, b) = (*a, *b);
        // The robust orientation test is the costly part: only edges that
        // cross p's horizontal, or whose box holds p, need it.
        let up = a.y <= p.y && b.y > p.y;
        let down = a.y > p.y && b.y <= p.y;
        let in_box = p.x >= a.x.min(b.x)
            && p.x <= a.x.max(b.x)
            && p.y >= a.y.min(b.y)
            && p.y <= a.y.max(b.y);
        if !(up || down || in_box) {
            continue;
        }
        let orientation = RobustKernel::orient2d(a, b, p);
        if orientation == Orientation::Collinear && in_box {
            return Position::Boundary;
        }
        if up && orientation == Orientation::CounterClockwise {
            winding += 1;
        } else if down && orientation == Orientation::Clockwise {
            winding -= 1;
        }
    }
    if winding == 0 {
        Position::Outside
    } else {
        Position::Inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Intersects, MultiPolygon};

    fn zone(id: &str, x0: f64) -> Zone {
        Zone {
            id: id.into(),
            name: id.into(),
            aliases: vec![],
            geometry: MultiPolygon(vec![
                polygon![(x: x0, y: 0.0), (x: x0 + 1.0, y: 0.0), (x: x0 + 1.0, y: 1.0), (x: x0, y: 1.0), (x: x0, y: 0.0)],
            ]),
            properties: serde_json::Map::new(),
            feature_index: 0,
        }
    }

    #[test]
    fn locates_points_and_breaks_ties_by_order() {
        let zones = vec![zone("a", 0.0), zone("b", 1.0)];
        let idx = ZoneIndex::new(&zones);
        assert_eq!(idx.locate(Point::new(0.5, 0.5)), Some(0));
        assert_eq!(idx.locate(Point::new(1.5, 0.5)), Some(1));
        assert_eq!(idx.locate(Point::new(1.0, 0.5)), Some(0));
        assert_eq!(idx.locate(Point::new(3.0, 0.5)), None);
    }

    #[test]
    fn holes_exclude_their_inside_but_not_their_edge() {
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 4.0, y: 4.0), (x: 6.0, y: 4.0), (x: 6.0, y: 6.0), (x: 4.0, y: 6.0), (x: 4.0, y: 4.0)]],
        );
        let mut z = zone("h", 0.0);
        z.geometry = MultiPolygon(vec![p]);
        let zones = vec![z];
        let idx = ZoneIndex::new(&zones);
        assert_eq!(idx.locate(Point::new(5.0, 5.0)), None);
        assert_eq!(idx.locate(Point::new(4.0, 5.0)), Some(0));
        assert_eq!(idx.locate(Point::new(2.0, 5.0)), Some(0));
        assert_eq!(idx.locate(Point::new(10.0, 10.0)), Some(0));
    }

    proptest::proptest! {
        /// The prepared test agrees with geo's `Intersects` (boundary included).
        #[test]
        fn prop_matches_geo_intersects(
            pts in proptest::collection::vec((-1.0f64..1.0, -1.0f64..1.0), 3..10),
            x in -12.0f64..12.0, y in -12.0f64..12.0, snap in proptest::bool::ANY,
        ) {
            let mut pts: Vec<(f64, f64)> = pts.into_iter().map(|(a, b)| (a * 10.0, b * 10.0)).collect();
            pts.sort_by(|a, b| a.1.atan2(a.0).total_cmp(&b.1.atan2(b.0)));
            let mut ring: Vec<Coord<f64>> = pts.iter().map(|(x, y)| Coord { x: *x, y: *y }).collect();
            ring.push(ring[0]);
            let poly = Polygon::new(geo::LineString(ring.clone()), vec![]);
            // sometimes test a vertex exactly
            let p = if snap { ring[0] } else { Coord { x, y } };
            let mut z = zone("p", 0.0);
            z.geometry = MultiPolygon(vec![poly.clone()]);
            let zones = vec![z];
            let index = ZoneIndex::new(&zones);
            proptest::prop_assert_eq!(index.locate(Point(p)).is_some(), poly.intersects(&Point(p)));
        }
    }
}
