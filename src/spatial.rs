//! Which zone contains a point: an R-tree over zone bounding boxes, then an
//! exact point-in-polygon test on the candidates.
//!
//! A point on a border shared by two zones goes to the zone that comes first
//! in id order, so the answer never depends on input order.

use crate::model::Zone;
use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// A spatial index over zones.
#[derive(Debug)]
pub struct ZoneIndex<'a> {
    zones: &'a [Zone],
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl<'a> ZoneIndex<'a> {
    /// Index `zones` (their order is their priority on shared borders).
    #[must_use]
    pub fn new(zones: &'a [Zone]) -> Self {
        let items = zones
            .iter()
            .enumerate()
            .filter_map(|(i, z)| {
                let r = z.geometry.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        ZoneIndex { zones, tree: RTree::bulk_load(items) }
    }

    /// The index of the zone containing `p` (boundary included), if any.
    #[must_use]
    pub fn locate(&self, p: Point<f64>) -> Option<usize> {
        let env = AABB::from_point([p.x(), p.y()]);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .map(|g| g.data)
            .filter(|i| self.zones.get(*i).is_some_and(|z| contains(&z.geometry, p)))
            .min()
    }
}

fn contains(mp: &MultiPolygon<f64>, p: Point<f64>) -> bool {
    mp.intersects(&p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

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
}
