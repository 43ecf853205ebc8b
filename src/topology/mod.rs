//! The topology core: zones turned into shared arcs, in the manner of
//! mapshaper's arc topology.
//!
//! This module owns one job: take the zones' polygons (WGS84 lon/lat
//! degrees), snap near-coincident vertices of neighbours together, and cut
//! every ring into *arcs* so that each border between two zones is stored
//! exactly once. Every layer that cares about neighbours is then a query on
//! that one structure:
//!
//! - [`Topology::shared_borders`]: arcs between zones of different groups,
//!   chained into long lines (the contact lines layer);
//! - [`Topology::dissolve`]: drop arcs inside one group and reassemble the
//!   remaining ones into rings (the areas layer), free of slivers;
//! - [`Topology::simplify`]: simplify each arc once, endpoints fixed, so
//!   neighbours keep meeting exactly; [`Topology::zone_polygons`] then gives
//!   the zones back;
//! - [`Topology::zone_arc_rings`]: zones as rings of signed arc indices, the
//!   shape TopoJSON wants.
//!
//! It deliberately does not read or write files, know about forces, dates or
//! control history, compute geodesic lengths or areas, or quantize
//! coordinates: the layers and writers do that with the results given here.
//!
//! Zones are processed in order of their id, so the result does not depend
//! on the order in which the zones were given (apart from the zone indices,
//! which always refer to the input slice).

mod arcs;
mod borders;
mod dissolve;
mod simplify;
mod snap;
#[cfg(test)]
mod tests;

use geo::{Coord, LineString, MultiPolygon, Polygon};

pub use borders::Border;

/// Metres per degree of latitude on a sphere of the mean Earth radius.
const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// Metres per degree of longitude at `lat` degrees, never below a small floor
/// so that tolerances stay finite near the poles.
fn metres_per_degree_lon(lat: f64) -> f64 {
    METRES_PER_DEGREE * lat.to_radians().cos().max(0.01)
}

/// Distance in metres between two lon/lat points (equirectangular
/// approximation at their mean latitude; exact enough at snapping scales).
fn distance_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let dx = (a.x - b.x) * metres_per_degree_lon(f64::midpoint(a.y, b.y));
    let dy = (a.y - b.y) * METRES_PER_DEGREE;
    dx.hypot(dy)
}

/// One arc: a polyline between two nodes (or a closed loop), stored once and
/// shared by the zones on either side.
///
/// Walking from the first to the last coordinate, `left` is the zone on the
/// left-hand side and `right` the zone on the right-hand side; `None` means
/// outside every zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Arc {
    /// The arc's positions, at least two; the first and last are nodes.
    pub coords: Vec<Coord<f64>>,
    /// Index (into the input zones) of the zone on the left, if any.
    pub left: Option<usize>,
    /// Index (into the input zones) of the zone on the right, if any.
    pub right: Option<usize>,
}

/// Zones turned into shared arcs; see the [module docs](self).
#[derive(Debug, Clone, Default)]
pub struct Topology {
    /// Zone ids, in input order.
    zone_ids: Vec<String>,
    /// The arcs.
    arcs: Vec<Arc>,
    /// Per zone: polygons → rings (exterior first) → signed arc references.
    zone_rings: Vec<Vec<Vec<Vec<i64>>>>,
}

/// Decodes a signed arc reference (`i` forward, `!i` reversed) into the arc
/// index and whether it is used forward.
#[must_use]
fn decode_ref(r: i64) -> (usize, bool) {
    if r >= 0 {
        (r as usize, true)
    } else {
        ((!r) as usize, false)
    }
}

/// Encodes an arc index and direction as TopoJSON does (`!i` for reversed).
#[must_use]
fn encode_ref(index: usize, forward: bool) -> i64 {
    let i = index as i64;
    if forward {
        i
    } else {
        !i
    }
}

impl Topology {
    /// Builds the topology of `zones` (id and polygon, lon/lat degrees).
    ///
    /// Vertices closer than `snap_tolerance_m` metres (see
    /// `--snap`, 1 m by default) are moved to one common position (the
    /// first one seen, zones taken in order of id), and a vertex lying within
    /// the tolerance of another ring's segment is inserted into that segment,
    /// so hand-drawn neighbours that do not share vertices exactly still get
    /// one shared arc. A tolerance of 0 only joins identical coordinates.
    ///
    /// Rings that collapse to fewer than three distinct vertices, and
    /// coordinates that are not finite, are dropped. Zone indices in the
    /// result always refer to positions in `zones`.
    #[must_use]
    pub fn build(zones: &[(String, MultiPolygon<f64>)], snap_tolerance_m: f64) -> Topology {
        let snapped = snap::snap_rings(zones, snap_tolerance_m);
        let (arcs, zone_rings) = arcs::split_into_arcs(&snapped, zones.len());
        Topology { zone_ids: zones.iter().map(|(id, _)| id.clone()).collect(), arcs, zone_rings }
    }

    /// Number of zones (the length of the input slice).
    #[must_use]
    pub fn zone_count(&self) -> usize {
        self.zone_ids.len()
    }

    /// The arc with index `index`, if it exists.
    #[cfg(test)]
    #[must_use]
    pub fn arc(&self, index: usize) -> Option<&Arc> {
        self.arcs.get(index)
    }

    /// Number of arcs.
    #[must_use]
    #[cfg(test)]
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// All arcs, in index order (the order [`Topology::zone_arc_rings`]
    /// refers to).
    pub fn arcs(&self) -> impl Iterator<Item = &Arc> {
        self.arcs.iter()
    }

    /// Zone `zone` as polygons → rings → signed arc references, as TopoJSON
    /// stores them: `i` is arc `i` walked forward, `!i` (that is `-i - 1`)
    /// arc `i` walked backward. The first ring of each polygon is the
    /// exterior (counter-clockwise), the others are holes (clockwise).
    /// Unknown zones, and zones whose rings all collapsed, give an empty
    /// list.
    #[must_use]
    pub fn zone_arc_rings(&self, zone: usize) -> Vec<Vec<Vec<i64>>> {
        self.zone_rings.get(zone).cloned().unwrap_or_default()
    }

    /// Every zone's polygon reassembled from its arcs (in input order), so
    /// after [`Topology::simplify`] neighbours still meet exactly. Rings with
    /// fewer than four positions are dropped, and so are polygons whose
    /// exterior is dropped.
    #[must_use]
    pub fn zone_polygons(&self) -> Vec<MultiPolygon<f64>> {
        (0..self.zone_count()).map(|zone| self.zone_polygon(zone)).collect()
    }

    /// Zone `zone`'s polygon reassembled from its arcs; see
    /// [`Topology::zone_polygons`]. Unknown zones give an empty multipolygon.
    #[must_use]
    pub fn zone_polygon(&self, zone: usize) -> MultiPolygon<f64> {
        let Some(polygons) = self.zone_rings.get(zone) else {
            return MultiPolygon::new(Vec::new());
        };
        let polygons = polygons
            .iter()
            .filter_map(|rings| {
                let mut rings = rings.iter().map(|refs| self.ring_coords(refs));
                let exterior = rings.next()?;
                if exterior.len() < 4 {
                    return None;
                }
                let holes = rings.filter(|r| r.len() >= 4).map(LineString::new).collect();
                Some(Polygon::new(LineString::new(exterior), holes))
            })
            .collect();
        MultiPolygon::new(polygons)
    }

    /// The closed ring (first position repeated at the end) made of the
    /// arcs `refs`.
    fn ring_coords(&self, refs: &[i64]) -> Vec<Coord<f64>> {
        let mut out: Vec<Coord<f64>> = Vec::new();
        for &r in refs {
            let (index, forward) = decode_ref(r);
            let Some(arc) = self.arcs.get(index) else { continue };
            let skip = usize::from(!out.is_empty());
            if forward {
                out.extend(arc.coords.iter().skip(skip));
            } else {
                out.extend(arc.coords.iter().rev().skip(skip));
            }
        }
        if let (Some(&first), Some(&last)) = (out.first(), out.last()) {
            if first != last {
                out.push(first);
            }
        }
        out
    }

    /// The coordinates of arcs walked in the given directions (`true`:
    /// forward); arcs with fewer than two positions are left out.
    pub(crate) fn directed(&self, arcs: &[(usize, bool)]) -> Vec<Vec<Coord<f64>>> {
        arcs.iter()
            .filter_map(|&(i, forward)| {
                let mut coords = self.arcs.get(i)?.coords.clone();
                if !forward {
                    coords.reverse();
                }
                Some(coords)
            })
            .filter(|c| c.len() >= 2)
            .collect()
    }

    /// Contact lines: the arcs between two zones whose groups differ (both
    /// `Some`), merged per sorted pair of groups, consecutive arcs chained
    /// into long lines. Arcs on the outer boundary, or between zones of the
    /// same group, are not contact lines. Lines run with the first group of
    /// the pair on their left. The result is sorted by group pair.
    ///
    /// `group` maps a zone index to its group (e.g. the force holding it);
    /// `None` leaves the zone out.
    pub fn shared_borders<'g>(&self, group: impl Fn(usize) -> Option<&'g str>) -> Vec<Border> {
        borders::shared_borders(self, group)
    }

    /// Dissolves the zones per group: arcs with the same group on both
    /// sides are dropped and the remaining arcs reassembled into rings
    /// (exteriors counter-clockwise, holes clockwise; holes and islands
    /// kept). Zones whose group is `None` are left out. The result is sorted
    /// by group.
    pub fn dissolve<'g>(
        &self,
        group: impl Fn(usize) -> Option<&'g str>,
    ) -> Vec<(String, MultiPolygon<f64>)> {
        dissolve::dissolve(self, group)
    }

    /// A copy with every arc simplified once (Douglas–Peucker, tolerance in
    /// metres, arc endpoints fixed), so neighbouring zones keep meeting
    /// exactly. Every ring keeps at least three distinct vertices: where
    /// simplification would collapse a ring, its arcs get back their most
    /// significant vertices. A tolerance of 0 or less returns an unchanged
    /// copy.
    #[must_use]
    pub fn simplify(&self, tolerance_m: f64) -> Topology {
        simplify::simplify(self, tolerance_m)
    }
}
