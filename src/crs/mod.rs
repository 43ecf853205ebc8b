//! Coordinate reference systems: naming them and reprojecting to WGS84.
//!
//! The default build reprojects EPSG-coded CRSs in pure Rust with `proj4rs`
//! and the `crs-definitions` table. This module owns CRS *names* (EPSG codes,
//! OGC URNs, the legacy GeoJSON `crs` member) and the [`Transform`] used by
//! readers; it does not read files.

use crate::error::{Error, ErrorKind, Result};
use geo::{Coord, MapCoords, MultiPolygon};

/// A coordinate reference system as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crs {
    /// An EPSG code (`EPSG:32637`). 4326 and CRS84 are WGS84.
    Epsg(u32),
    /// A PROJ string (`+proj=utm +zone=37 +datum=WGS84`).
    Proj4(String),
    /// A WKT definition, e.g. from a Shapefile's `.prj`.
    Wkt(String),
}

impl Crs {
    /// Parse `EPSG:32637`, `epsg:4326`, `urn:ogc:def:crs:EPSG::32637`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84`, `CRS84`, `WGS84`, or a `+proj=` string.
    #[must_use]
    pub fn parse(s: &str) -> Option<Crs> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("+proj") {
            return Some(Crs::Proj4(t.to_string()));
        }
        if lower.ends_with("crs84") || lower == "wgs84" || lower == "wgs 84" {
            return Some(Crs::Epsg(4326));
        }
        let code = lower
            .strip_prefix("epsg:")
            .or_else(|| lower.strip_prefix("urn:ogc:def:crs:epsg::"))
            .or_else(|| {
                lower
                    .strip_prefix("urn:ogc:def:crs:epsg:")
                    .map(|r| r.rsplit(':').next().unwrap_or(r))
            })
            .or_else(|| lower.strip_prefix("http://www.opengis.net/def/crs/epsg/0/"))
            .unwrap_or(&lower);
        if lower.starts_with("geogcs[")
            || lower.starts_with("projcs[")
            || lower.starts_with("geogcrs[")
            || lower.starts_with("projcrs[")
        {
            return Some(Crs::Wkt(t.to_string()));
        }
        code.parse().ok().map(Crs::Epsg)
    }

    /// Whether this is WGS84 longitude/latitude already.
    #[must_use]
    pub fn is_wgs84(&self) -> bool {
        matches!(self, Crs::Epsg(4326))
    }
}

impl std::fmt::Display for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Crs::Epsg(c) => write!(f, "EPSG:{c}"),
            Crs::Proj4(s) => f.write_str(s),
            Crs::Wkt(s) => f.write_str(s.get(..60).unwrap_or(s)),
        }
    }
}

/// Read the legacy GeoJSON `crs` member (`{"type":"name","properties":{"name":…}}`).
///
/// # Errors
///
/// The member's text when it names no CRS frontline knows.
pub fn from_geojson_member(
    member: Option<&serde_json::Value>,
) -> std::result::Result<Option<Crs>, String> {
    let Some(m) = member.filter(|m| !m.is_null()) else { return Ok(None) };
    let name = m.get("properties").and_then(|p| p.get("name")).and_then(serde_json::Value::as_str);
    match name.and_then(Crs::parse) {
        Some(c) => Ok(Some(c)),
        None => Err(m.to_string()),
    }
}

/// A reprojection from some CRS to WGS84 longitude/latitude in degrees.
pub struct Transform {
    src: proj4rs::Proj,
    dst: proj4rs::Proj,
    src_is_geographic: bool,
}

impl std::fmt::Debug for Transform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transform").finish_non_exhaustive()
    }
}

impl Transform {
    /// The transform from `crs` to WGS84, or `None` when `crs` is WGS84.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Crs`] when this build cannot handle the CRS.
    pub fn to_wgs84(crs: &Crs) -> Result<Option<Transform>> {
        if crs.is_wgs84() {
            return Ok(None);
        }
        let src = match crs {
            Crs::Epsg(code) => u16::try_from(*code)
                .ok()
                .and_then(|c| proj4rs::Proj::from_epsg_code(c).ok())
                .ok_or_else(|| unsupported(crs))?,
            Crs::Proj4(s) => proj4rs::Proj::from_proj_string(s).map_err(|_| unsupported(crs))?,
            Crs::Wkt(_) => return Err(unsupported(crs)),
        };
        let dst =
            proj4rs::Proj::from_epsg_code(4326).map_err(|e| Error::internal(e.to_string()))?;
        let src_is_geographic = src.is_latlong();
        Ok(Some(Transform { src, dst, src_is_geographic }))
    }

    /// Reproject one coordinate.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Crs`] when the point cannot be transformed.
    pub fn coord(&self, c: Coord<f64>) -> Result<Coord<f64>> {
        let (x, y) =
            if self.src_is_geographic { (c.x.to_radians(), c.y.to_radians()) } else { (c.x, c.y) };
        let (lon, lat) =
            proj4rs::adaptors::transform_xy(&self.src, &self.dst, x, y).map_err(|e| {
                Error::new(ErrorKind::Crs(format!("cannot reproject ({}, {}): {e}", c.x, c.y)))
            })?;
        Ok(Coord { x: lon.to_degrees(), y: lat.to_degrees() })
    }

    /// Reproject a multipolygon.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Crs`] when a point cannot be transformed.
    pub fn apply(&self, mp: &MultiPolygon<f64>) -> Result<MultiPolygon<f64>> {
        mp.try_map_coords(|c| self.coord(c))
    }
}

fn unsupported(crs: &Crs) -> Error {
    Error::new(ErrorKind::Crs(format!(
        "cannot reproject from {crs}: this build only knows EPSG codes and PROJ strings; \
         build with `--features proj` for WKT definitions and datum grids"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names() {
        assert_eq!(Crs::parse("EPSG:32637"), Some(Crs::Epsg(32637)));
        assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::32637"), Some(Crs::Epsg(32637)));
        assert_eq!(Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84"), Some(Crs::Epsg(4326)));
        assert_eq!(Crs::parse("4326"), Some(Crs::Epsg(4326)));
        assert_eq!(Crs::parse("nonsense"), None);
    }

    #[test]
    fn utm_37n_to_wgs84() {
        let t = Transform::to_wgs84(&Crs::Epsg(32637)).unwrap().unwrap();
        // Qamishli: 41.2262 E, 37.0522 N is about (697,700 m E, 4,103,300 m N) in UTM 37N.
        let c = t.coord(Coord { x: 500_000.0, y: 0.0 }).unwrap();
        assert!((c.x - 39.0).abs() < 1e-9 && c.y.abs() < 1e-9, "{c:?}");
        assert!(Transform::to_wgs84(&Crs::Epsg(4326)).unwrap().is_none());
    }

    #[test]
    fn wkt_needs_proj() {
        let e = Transform::to_wgs84(&Crs::Wkt("PROJCS[\"x\"]".into())).unwrap_err();
        assert!(e.to_string().contains("--features proj"));
    }
}
