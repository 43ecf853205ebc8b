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
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    /// PROJ objects are bound to the thread that made them (`proj::Proj` is
    /// neither `Send` nor `Sync`), so each thread of the parallel readers
    /// keeps its own, created on first use, per definition.
    static PIPELINES: RefCell<HashMap<String, proj::Proj>> = RefCell::new(HashMap::new());
}

/// A PROJ pipeline to WGS84 longitude/latitude, by its source definition;
/// shareable between threads.
pub(super) struct Backend {
    from: String,
}

impl Backend {
    /// The transform from `crs` to WGS84.
    pub(super) fn new(crs: &Crs) -> Result<Backend> {
        let from = match crs {
            Crs::Epsg(code) => format!("EPSG:{code}"),
            Crs::Proj4(s) | Crs::Wkt(s) | Crs::ProjJson(s) => s.clone(),
        };
        // Built once here so that a definition PROJ rejects is reported now.
        let proj = proj::Proj::new_known_crs(&from, "EPSG:4326", None)
            .map_err(|e| unsupported_by_proj(crs, &e.to_string()))?;
        PIPELINES.with(|p| p.borrow_mut().insert(from.clone(), proj));
        Ok(Backend { from })
    }

    /// Reproject one coordinate to longitude/latitude in degrees.
    pub(super) fn coord(&self, c: Coord<f64>) -> std::result::Result<Coord<f64>, String> {
        PIPELINES.with(|pipelines| {
            let mut pipelines = pipelines.borrow_mut();
            if !pipelines.contains_key(&self.from) {
                let proj = proj::Proj::new_known_crs(&self.from, "EPSG:4326", None)
                    .map_err(|e| e.to_string())?;
                pipelines.insert(self.from.clone(), proj);
            }
            let proj = pipelines.get(&self.from).ok_or("PROJ pipeline missing")?;
            let (x, y) = proj.convert((c.x, c.y)).map_err(|e| e.to_string())?;
            Ok(Coord { x, y })
        })
    }
}

/// PROJ itself rejected the definition: there is no better build to suggest.
fn unsupported_by_proj(crs: &Crs, why: &str) -> crate::error::Error {
    crate::error::Error::new(crate::error::ErrorKind::Crs(format!(
        "cannot reproject from {crs}: PROJ rejects it ({why})"
    )))
}
