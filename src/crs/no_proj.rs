//! The pure-Rust reprojection backend: `proj4rs` with the EPSG table of
//! `crs-definitions`.
//!
//! It handles EPSG codes (and WKT that [`super::epsg_of_wkt`] maps to one)
//! and PROJ strings, with the datum shifts a PROJ string can express
//! (`+towgs84`); it has no datum grids and no WKT parser. It is always
//! compiled, so that a `proj` build can test that both backends agree.

use super::{unsupported, Crs};
use crate::error::{Error, Result};
use geo::Coord;

/// A `proj4rs` source/destination pair.
pub(super) struct Backend {
    src: proj4rs::Proj,
    dst: proj4rs::Proj,
    src_is_geographic: bool,
}

impl Backend {
    /// The transform from `crs` to WGS84.
    pub(super) fn new(crs: &Crs) -> Result<Backend> {
        let src = match crs {
            Crs::Proj4(s) => proj4rs::Proj::from_proj_string(s)
                .map_err(|e| unsupported(crs, &format!("proj4rs cannot read it ({e})")))?,
            Crs::Epsg(_) | Crs::Wkt(_) => {
                let Some(code) = crs.epsg() else {
                    return Err(unsupported(
                        crs,
                        "this build maps only WKT that names an EPSG code",
                    ));
                };
                // `proj4rs::Proj::from_epsg_code` drops the `+towgs84` datum shift
                // of non-WGS84 datums (about 100 m off for EPSG:28992), so the
                // PROJ string comes from the table itself.
                let def = u16::try_from(code)
                    .ok()
                    .and_then(crs_definitions::from_code)
                    .ok_or_else(|| {
                        unsupported(
                            &Crs::Epsg(code),
                            "EPSG code not in this build's table (crs-definitions)",
                        )
                    })?;
                proj4rs::Proj::from_proj_string(def.proj4)
                    .map_err(|e| unsupported(crs, &format!("proj4rs cannot use it ({e})")))?
            }
            Crs::ProjJson(_) => {
                return Err(unsupported(crs, "this build cannot read PROJJSON"));
            }
        };
        let dst =
            proj4rs::Proj::from_epsg_code(4326).map_err(|e| Error::internal(e.to_string()))?;
        let src_is_geographic = src.is_latlong();
        Ok(Backend { src, dst, src_is_geographic })
    }

    /// Reproject one coordinate to longitude/latitude in degrees.
    pub(super) fn coord(&self, c: Coord<f64>) -> std::result::Result<Coord<f64>, String> {
        let (x, y) =
            if self.src_is_geographic { (c.x.to_radians(), c.y.to_radians()) } else { (c.x, c.y) };
        let (lon, lat) = proj4rs::adaptors::transform_xy(&self.src, &self.dst, x, y)
            .map_err(|e| e.to_string())?;
        Ok(Coord { x: lon.to_degrees(), y: lat.to_degrees() })
    }
}
