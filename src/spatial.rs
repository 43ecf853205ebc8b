//! Which zone contains a point: a uniform grid over the bounding boxes of
//! the zones' polygons (each cell lists the polygons whose box meets it),
//! then an exact point-in-polygon test on the candidates whose box holds the
//! point, against prepared rings (robust orientation predicates, boundary
//! included).
//!
//! A point on a border shared by two zones goes to the zone that comes first
//! in id order, so the answer never depends on input order. The index does
//! not know about dates or control (see `history`).

use crate::model::Zone;
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{BoundingRect, Coord, Point, Polygon, Rect};

/// A polygon's rings, ready for repeated point tests.
#[derive(Debug)]
struct Prepared {
    zone: usize,
    bounds: Rect<f64>,
    exterior: Vec<Coord<f64>>,
    holes: Vec<Vec<Coord<f64>>>,
}

/// A spatial index over zones.
#[derive(Debug)]
pub struct ZoneIndex<'a> {
    zones: &'a [Zone],
    polygons: Vec<Prepared>,
    grid: Grid,
}

/// Cells a polygon's box may cover before the polygon is kept apart, in a
/// list every lookup checks (a zone as big as the map would be in every cell).
const MAX_CELLS: usize = 64;

/// A uniform grid over the polygons' boxes.
#[derive(Debug)]
struct Grid {
    min: Coord<f64>,
    size: Coord<f64>,
    cols: usize,
    rows: usize,
    /// For each cell (row-major), the polygons whose box meets it.
    cells: Vec<Vec<usize>>,
    /// Polygons whose box covers more than [`MAX_CELLS`] cells.
    big: Vec<usize>,
}

impl Grid {
    /// About one cell per polygon, shaped like the extent.
    fn new(polygons: &[Prepared]) -> Self {
        let mut grid = Grid {
            min: Coord { x: 0.0, y: 0.0 },
            size: Coord { x: 1.0, y: 1.0 },
            cols: 1,
            rows: 1,
            cells: Vec::new(),
            big: Vec::new(),
        };
        let extent = polygons.iter().map(|p| p.bounds).reduce(|a, b| {
            Rect::new(
                Coord { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                Coord { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        });
        if let Some(e) = extent {
            let (w, h) = (e.width(), e.height());
            let n = polygons.len() as f64;
            if w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0 {
                grid.cols = (n * w / h).sqrt().ceil().clamp(1.0, 4096.0) as usize;
                grid.rows = (n * h / w).sqrt().ceil().clamp(1.0, 4096.0) as usize;
                grid.min = e.min();
                grid.size = Coord { x: w / grid.cols as f64, y: h / grid.rows as f64 };
            }
        }
        grid.cells = vec![Vec::new(); grid.cols * grid.rows];
        for (i, p) in polygons.iter().enumerate() {
            let (c0, r0) = grid.cell(p.bounds.min());
            let (c1, r1) = grid.cell(p.bounds.max());
            if (c1 - c0 + 1) * (r1 - r0 + 1) > MAX_CELLS {
                grid.big.push(i);
                continue;
            }
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if let Some(cell) = grid.cells.get_mut(r * grid.cols + c) {
                        cell.push(i);
                    }
                }
            }
        }
        grid
    }

    /// The column and row of a point. Monotonic in each coordinate, so a
    /// point inside a box falls in one of the box's cells.
    fn cell(&self, p: Coord<f64>) -> (usize, usize) {
        fn axis(v: f64, min: f64, size: f64, count: usize) -> usize {
            let f = ((v - min) / size).floor();
            if count <= 1 || f.is_nan() || f < 0.0 {
                0
            } else {
                (f as usize).min(count - 1)
            }
        }
        (
            axis(p.x, self.min.x, self.size.x, self.cols),
            axis(p.y, self.min.y, self.size.y, self.rows),
        )
    }

    /// The polygons that may contain `p`.
    fn candidates(&self, p: Coord<f64>) -> impl Iterator<Item = usize> + '_ {
        let (c, r) = self.cell(p);
        let cell = self.cells.get(r * self.cols + c).map_or(&[][..], Vec::as_slice);
        cell.iter().chain(&self.big).copied()
    }
}

impl<'a> ZoneIndex<'a> {
    /// Index `zones` (their order is their priority on shared borders).
    #[must_use]
    pub fn new(zones: &'a [Zone]) -> Self {
        let mut polygons = Vec::new();
        for (zone, z) in zones.iter().enumerate() {
            for polygon in &z.geometry.0 {
                polygons.extend(prepare(zone, polygon));
            }
        }
        let grid = Grid::new(&polygons);
        ZoneIndex { zones, polygons, grid }
    }

    /// The index of the zone containing `p` (boundary included), if any.
    #[must_use]
    pub fn locate(&self, p: Point<f64>) -> Option<usize> {
        self.grid
            .candidates(p.0)
            .filter_map(|i| self.polygons.get(i))
            .filter(|poly| {
                let b = poly.bounds;
                (b.min().x..=b.max().x).contains(&p.x()) && (b.min().y..=b.max().y).contains(&p.y())
            })
            .filter(|poly| poly.contains(p.0))
            .map(|poly| poly.zone)
            .filter(|z| *z < self.zones.len())
            .min()
    }
}

/// A polygon ready for point tests; `None` when it has no points.
fn prepare(zone: usize, p: &Polygon<f64>) -> Option<Prepared> {
    Some(Prepared {
        zone,
        bounds: p.bounding_rect()?,
        exterior: p.exterior().0.clone(),
        holes: p.interiors().iter().map(|h| h.0.clone()).collect(),
    })
}

/// Where a point lies relative to a ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Inside,
    Boundary,
    Outside,
}

impl Prepared {
    /// Inside the exterior (or on it) and not strictly inside a hole.
    fn contains(&self, p: Coord<f64>) -> bool {
        match ring_position(&self.exterior, p) {
            Position::Outside => false,
            Position::Boundary => true,
            Position::Inside => self.holes.iter().all(|h| ring_position(h, p) != Position::Inside),
        }
    }
}

/// Winding-number test with robust orientation: exact on the boundary.
fn ring_position(ring: &[Coord<f64>], p: Coord<f64>) -> Position {
    let mut winding = 0i32;
    for (a, b) in ring.iter().zip(ring.iter().skip(1)) {
        let (a, b) = (*a, *b);
        // An edge wholly above, below or left of the point neither touches it
        // nor crosses the rightward ray: skip the exact predicate.
        if (a.y > p.y && b.y > p.y) || (a.y < p.y && b.y < p.y) || (a.x < p.x && b.x < p.x) {
            continue;
        }
        let orientation = RobustKernel::orient2d(a, b, p);
        if orientation == Orientation::Collinear
            && p.x >= a.x.min(b.x)
            && p.x <= a.x.max(b.x)
            && p.y >= a.y.min(b.y)
            && p.y <= a.y.max(b.y)
        {
            return Position::Boundary;
        }
        if a.y <= p.y {
            if b.y > p.y && orientation == Orientation::CounterClockwise {
                winding += 1;
            }
        } else if b.y <= p.y && orientation == Orientation::Clockwise {
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
            let prepared = prepare(0, &poly).unwrap();
            proptest::prop_assert_eq!(prepared.contains(p), poly.intersects(&Point(p)));
        }

        /// The grid finds what a test of every zone finds: the first zone
        /// (in order) that contains the point, with big and tiny zones.
        #[test]
        fn prop_index_finds_the_first_zone_containing_the_point(
            boxes in proptest::collection::vec((-10i32..10, -10i32..10, 0i32..6, 0i32..6), 1..40),
            big in proptest::bool::ANY,
            points in proptest::collection::vec((-12i32..12, -12i32..12), 1..30),
        ) {
            let mut zones: Vec<Zone> = boxes
                .iter()
                .map(|(x, y, w, h)| {
                    let (x, y, w, h) = (f64::from(*x), f64::from(*y), f64::from(*w) / 2.0, f64::from(*h) / 2.0);
                    let mut z = zone("z", 0.0);
                    z.geometry = MultiPolygon(vec![polygon![(x: x, y: y), (x: x + w, y: y), (x: x + w, y: y + h), (x: x, y: y + h), (x: x, y: y)]]);
                    z
                })
                .collect();
            if big {
                zones.push(zone("big", -10.0));
                zones.last_mut().unwrap().geometry = MultiPolygon(vec![polygon![(x: -10.0, y: -10.0), (x: 10.0, y: -10.0), (x: 10.0, y: 10.0), (x: -10.0, y: 10.0), (x: -10.0, y: -10.0)]]);
            }
            let idx = ZoneIndex::new(&zones);
            for (x, y) in points {
                let p = Point::new(f64::from(x) / 2.0, f64::from(y) / 2.0);
                let expected = zones.iter().position(|z| z.geometry.intersects(&p));
                proptest::prop_assert_eq!(idx.locate(p), expected);
            }
        }
    }
}
