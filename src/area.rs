//! Geodesic areas of zones in km², on the WGS84 ellipsoid, with geo's
//! [`GeodesicArea`] (geographiclib's `PolygonArea`).

use geo::GeodesicArea;
use rayon::prelude::*;

/// Surface of the WGS84 ellipsoid in m².
const EARTH_M2: f64 = 510_065_621_724_088.5;

/// Geodesic area of a geometry in km² (on the WGS84 ellipsoid): exteriors
/// minus holes.
///
/// Each ring is measured on its own and the smaller of the two areas it
/// splits the planet into is taken, so the result does not depend on the
/// winding of the input rings (a clockwise ring would otherwise enclose the
/// rest of the planet) nor flip for a ring that crosses itself.
#[must_use]
pub(crate) fn area_km2(g: &geo::MultiPolygon<f64>) -> f64 {
    let ring_m2 = |ring: &geo::LineString<f64>| {
        let a = geo::Polygon::new(ring.clone(), Vec::new()).geodesic_area_signed().abs();
        a.min(EARTH_M2 - a)
    };
    let m2: f64 =
        g.0.iter()
            .map(|p| ring_m2(p.exterior()) - p.interiors().iter().map(ring_m2).sum::<f64>())
            .sum();
    m2.max(0.0) / 1e6
}

/// [`area_km2`] of each geometry, in parallel when asked.
#[must_use]
pub(crate) fn areas_km2(geometries: &[&geo::MultiPolygon<f64>], parallel: bool) -> Vec<f64> {
    if parallel {
        geometries.par_iter().map(|g| area_km2(g)).collect()
    } else {
        geometries.iter().map(|g| area_km2(g)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    #[test]
    fn area_does_not_depend_on_winding() {
        let ccw = polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01), (x: 0.0, y: 0.0)];
        let cw = polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 0.01), (x: 0.01, y: 0.01), (x: 0.01, y: 0.0), (x: 0.0, y: 0.0)];
        let a = area_km2(&MultiPolygon(vec![ccw]));
        let b = area_km2(&MultiPolygon(vec![cw]));
        // 0.01° × 0.01° at the equator: 1113.19 m × 1105.74 m
        assert!((a - 1.230_89).abs() < 1e-3, "{a}");
        assert!((a - b).abs() < 1e-9);
    }

    #[test]
    fn a_hole_is_taken_away_and_several_parts_add_up() {
        let outer =
            geo::LineString::from(vec![(36.0, 32.0), (36.02, 32.0), (36.02, 32.02), (36.0, 32.02)]);
        let hole = geo::LineString::from(vec![(36.005, 32.005), (36.01, 32.005), (36.01, 32.01)]);
        let whole = area_km2(&MultiPolygon(vec![geo::Polygon::new(outer.clone(), vec![])]));
        let only_hole = area_km2(&MultiPolygon(vec![geo::Polygon::new(hole.clone(), vec![])]));
        let holed = MultiPolygon(vec![geo::Polygon::new(outer, vec![hole])]);
        assert!((area_km2(&holed) - (whole - only_hole)).abs() < 1e-12);
        let twice = MultiPolygon(vec![holed.0[0].clone(), holed.0[0].clone()]);
        assert!((area_km2(&twice) - 2.0 * area_km2(&holed)).abs() < 1e-12);
        let refs = [&holed, &twice];
        assert_eq!(areas_km2(&refs, true), areas_km2(&refs, false));
    }
}
