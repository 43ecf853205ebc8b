//! The PROJ backend (feature `proj`): the PROJ C library through the georust
//! `proj` crate.
//!
//! Every CRS goes through PROJ here — EPSG codes, PROJ strings, WKT 1 and 2
//! (any `.prj`) and PROJJSON — so datum grids and PROJ's operation choice
//! apply. `Proj::new_known_crs` normalises the axis order for visualisation,
//! so input is always easting/northing (or longitude/latitude) and output is
//! longitude/latitude, whatever the CRS's official axis order.

use super::Crs;
use crate::error::Result;
use geo::Coord;

/// A PROJ pipeline to WGS84 longitude/latitude.
pub(super) struct Backend {
    proj: proj::Proj,
}

impl Backend {
    /// The transform from `crs` to WGS84.
    pub(super) fn new(crs: &Crs) -> Result<Backend> {
        let from = match crs {
            Crs::Epsg(code) => format!("EPSG:{code}"),
            Crs::Proj4(s) | Crs::Wkt(s) | Crs::ProjJson(s) => s.clone(),
        };
        let proj = proj::Proj::new_known_crs(&from, "EPSG:4326", None)
            .map_err(|e| unsupported_by_proj(crs, &e.to_string()))?;
        Ok(Backend { proj })
    }

    /// Reproject one coordinate to longitude/latitude in degrees.
    pub(super) fn coord(&self, c: Coord<f64>) -> std::result::Result<Coord<f64>, String> {
        let (x, y) = self.proj.convert((c.x, c.y)).map_err(|e| e.to_string())?;
        Ok(Coord { x, y })
    }
}

/// PROJ itself rejected the definition: there is no better build to suggest.
fn unsupported_by_proj(crs: &Crs, why: &str) -> crate::error::Error {
    crate::error::Error::new(crate::error::ErrorKind::Crs(format!(
        "cannot reproject from {crs}: PROJ rejects it ({why})"
    )))
}
