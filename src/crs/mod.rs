//! Coordinate reference systems: naming them and reprojecting to WGS84.
//!
//! This module owns CRS *names* (EPSG codes, OGC URNs, the legacy GeoJSON
//! `crs` member, WKT from a Shapefile's `.prj`) and the [`Transform`] facade
//! that readers use. The arithmetic lives in one of two backends chosen at
//! build time: `no_proj.rs` (pure Rust, `proj4rs` with the `crs-definitions`
//! table of EPSG codes) by default, `proj.rs` (the PROJ C library through the
//! georust `proj` crate) with the `proj` feature. Without `proj`, a WKT
//! definition is mapped to its EPSG code when it names one (an
//! `AUTHORITY["EPSG",…]`/`ID["EPSG",…]`, or a well-known name such as
//! `WGS_1984_UTM_Zone_37N`); any other WKT is an error that says how to build
//! with PROJ. This module does not read files.

// why: with `proj` the pure-Rust backend only serves the test that both backends agree
#[cfg_attr(feature = "proj", allow(dead_code))]
mod no_proj;
#[cfg(feature = "proj")]
mod proj;

use crate::error::{Error, ErrorKind, Result};
use geo::{Coord, MapCoords, MultiPolygon};

/// A coordinate reference system as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crs {
    /// An EPSG code (`EPSG:32637`). 4326 and CRS84 are WGS84 longitude/latitude.
    Epsg(u32),
    /// A PROJ string (`+proj=utm +zone=37 +datum=WGS84`).
    Proj4(String),
    /// A WKT (1 or 2) definition, e.g. from a Shapefile's `.prj`.
    Wkt(String),
    /// A PROJJSON definition (`{"type": "ProjectedCRS", …}`).
    ProjJson(String),
}

impl Crs {
    /// Parse `EPSG:32637`, `epsg:4326`, `urn:ogc:def:crs:EPSG::32637`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84`, `CRS84`, `WGS84`, a `+proj=` string,
    /// WKT (`PROJCS[…]`, `PROJCRS[…]`, `GEOGCS[…]` …) or PROJJSON.
    /// (`Kilo` is none of them).
    #[must_use]
    pub fn parse(s: &str) -> Option<Crs> {
        let t = s.trim().trim_start_matches('\u{feff}');
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("+proj") {
            return Some(Crs::Proj4(t.to_string()));
        }
        if lower.starts_with('{') {
            return Some(Crs::ProjJson(t.to_string()));
        }
        if WKT_KEYWORDS.iter().any(|k| {
            lower.strip_prefix(k).is_some_and(|rest| rest.trim_start().starts_with(['[', '(']))
        }) {
            return Some(Crs::Wkt(t.to_string()));
        }
        if lower.ends_with("crs84") || lower == "wgs84" || lower == "wgs 84" {
            return Some(Crs::Epsg(4326));
        }
        let code = lower
            .strip_prefix("epsg:")
            .or_else(|| lower.strip_prefix("urn:ogc:def:crs:epsg::"))
            .or_else(|| {
                // urn:ogc:def:crs:EPSG:6.6:4326 (with a version)
                lower.strip_prefix("urn:ogc:def:crs:epsg:").and_then(|r| r.rsplit(':').next())
            })
            .or_else(|| lower.strip_prefix("http://www.opengis.net/def/crs/epsg/0/"))
            .or_else(|| lower.strip_prefix("https://www.opengis.net/def/crs/epsg/0/"))
            .unwrap_or(&lower);
        code.trim().parse().ok().filter(|c| *c > 0).map(Crs::Epsg)
    }

    /// The EPSG code this CRS stands for, when it is one or a WKT that names one.
    #[must_use]
    pub fn epsg(&self) -> Option<u32> {
        match self {
            Crs::Epsg(c) => Some(*c),
            Crs::Wkt(w) => epsg_of_wkt(w),
            Crs::Proj4(_) | Crs::ProjJson(_) => None,
        }
    }

    /// Whether this is WGS84 longitude/latitude already.
    #[must_use]
    pub fn is_wgs84(&self) -> bool {
        self.epsg() == Some(4326)
    }
}

/// The keywords that open a WKT CRS definition (WKT 1 and WKT 2).
const WKT_KEYWORDS: &[&str] = &[
    "projcs",
    "geogcs",
    "geoccs",
    "compd_cs",
    "projcrs",
    "projectedcrs",
    "geogcrs",
    "geographiccrs",
    "geodcrs",
    "geodeticcrs",
    "compoundcrs",
    "boundcrs",
];

impl std::fmt::Display for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Crs::Epsg(c) => write!(f, "EPSG:{c}"),
            Crs::Proj4(s) => f.write_str(s),
            Crs::Wkt(s) => match wkt_name(s) {
                Some(name) => write!(f, "WKT \"{name}\""),
                None => write!(f, "WKT {}", s.chars().take(60).collect::<String>()),
            },
            Crs::ProjJson(s) => {
                let name = serde_json::from_str::<serde_json::Value>(s).ok().and_then(|v| {
                    v.get("name").and_then(serde_json::Value::as_str).map(String::from)
                });
                match name {
                    Some(name) => write!(f, "PROJJSON \"{name}\""),
                    None => f.write_str("PROJJSON definition"),
                }
            }
        }
    }
}

/// The name of a WKT definition: the first quoted string (`PROJCS["name", …`).
fn wkt_name(wkt: &str) -> Option<&str> {
    let start = wkt.find('"')? + 1;
    let rest = wkt.get(start..)?;
    rest.get(..rest.find('"')?)
}

/// The EPSG code of a WKT definition, in pure Rust.
///
/// First the authority of the outermost CRS: in WKT 1 the last
/// `AUTHORITY["EPSG","…"]` at nesting depth 1, in WKT 2 the `ID["EPSG",…]`
/// at depth 1. ESRI `.prj` files carry no authority, so then well-known names
/// are mapped: `WGS_1984_UTM_Zone_37N`, `WGS 84 / UTM zone 37N`,
/// `ETRS_1989_UTM_Zone_32N`, `NAD_1983_UTM_Zone_10N`, Web Mercator and
/// WGS84 geographic.
#[must_use]
pub fn epsg_of_wkt(wkt: &str) -> Option<u32> {
    authority_code(wkt).or_else(|| epsg_of_name(wkt_name(wkt)?))
}

/// `AUTHORITY["EPSG","32637"]` or `ID["EPSG",32637]` directly inside the outer bracket.
fn authority_code(wkt: &str) -> Option<u32> {
    let mut depth = 0usize;
    let mut in_quotes = false;
    let mut found = None;
    for (i, ch) in wkt.char_indices() {
        match ch {
            '"' => in_quotes = !in_quotes,
            '[' | '(' if !in_quotes => {
                if depth == 1 {
                    let before = wkt.get(..i).unwrap_or("");
                    let keyword_start = before
                        .rfind(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                        .map_or(0, |p| p + 1);
                    let keyword = before.get(keyword_start..).unwrap_or("").to_ascii_uppercase();
                    if keyword == "AUTHORITY" || keyword == "ID" {
                        found = parse_authority(wkt.get(i + 1..).unwrap_or(""));
                    }
                }
                depth += 1;
            }
            ']' | ')' if !in_quotes => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    found
}

/// `"EPSG","32637"]` or `"EPSG",32637]` → 32637.
fn parse_authority(args: &str) -> Option<u32> {
    let end = args.find([']', ')'])?;
    let mut parts = args.get(..end)?.split(',').map(|p| p.trim().trim_matches('"'));
    let authority = parts.next()?;
    if !authority.eq_ignore_ascii_case("EPSG") {
        return None;
    }
    parts.next()?.parse().ok()
}

/// Well-known CRS names from ESRI and OGC WKT.
fn epsg_of_name(name: &str) -> Option<u32> {
    let n: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    let n: Vec<&str> = n.split('_').filter(|s| !s.is_empty()).collect();
    let n = n.join("_");
    match n.as_str() {
        "gcs_wgs_1984" | "wgs_84" | "wgs_1984" | "wgs84" => return Some(4326),
        "wgs_1984_web_mercator_auxiliary_sphere"
        | "wgs_84_pseudo_mercator"
        | "wgs_1984_web_mercator"
        | "web_mercator"
        | "pseudo_mercator" => return Some(3857),
        _ => {}
    }
    let (datum, zone) = n.split_once("_utm_zone_")?;
    let hemisphere = zone.chars().last()?;
    let number: u32 = zone.get(..zone.len().checked_sub(1)?)?.parse().ok()?;
    if !(1..=60).contains(&number) {
        return None;
    }
    match (datum, hemisphere) {
        ("wgs_1984" | "wgs_84", 'n') => Some(32600 + number),
        ("wgs_1984" | "wgs_84", 's') => Some(32700 + number),
        ("etrs_1989" | "etrs89", 'n') if (28..=38).contains(&number) => Some(25800 + number),
        ("nad_1983" | "nad83", 'n') if (1..=23).contains(&number) => Some(26900 + number),
        _ => None,
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
///
/// Built by the backend of this build: pure Rust (`proj4rs`) by default,
/// PROJ itself with the `proj` feature.
pub struct Transform {
    #[cfg(not(feature = "proj"))]
    backend: no_proj::Backend,
    #[cfg(feature = "proj")]
    backend: proj::Backend,
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
    /// [`ErrorKind::Crs`] when this build cannot handle the CRS; without the
    /// `proj` feature the message says how to build with it.
    pub fn to_wgs84(crs: &Crs) -> Result<Option<Transform>> {
        if crs.is_wgs84() {
            return Ok(None);
        }
        #[cfg(not(feature = "proj"))]
        let backend = no_proj::Backend::new(crs)?;
        #[cfg(feature = "proj")]
        let backend = proj::Backend::new(crs)?;
        Ok(Some(Transform { backend }))
    }

    /// Reproject one coordinate (x/easting, y/northing) to longitude/latitude.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Crs`] when the point cannot be transformed.
    pub fn coord(&self, c: Coord<f64>) -> Result<Coord<f64>> {
        let out = self.backend.coord(c).map_err(|e| {
            Error::new(ErrorKind::Crs(format!("cannot reproject ({}, {}): {e}", c.x, c.y)))
        })?;
        if out.x.is_finite() && out.y.is_finite() {
            Ok(out)
        } else {
            Err(Error::new(ErrorKind::Crs(format!(
                "cannot reproject ({}, {}): outside the CRS's domain",
                c.x, c.y
            ))))
        }
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

/// The error for a CRS this build cannot reproject.
fn unsupported(crs: &Crs, why: &str) -> Error {
    Error::new(ErrorKind::Crs(format!(
        "cannot reproject from {crs}: {why} — build with `cargo build --features proj` \
         (needs libproj-dev 9.1, libclang-dev and pkg-config) for WKT definitions and datum grids"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_names() {
        assert_eq!(Crs::parse("EPSG:32637"), Some(Crs::Epsg(32637)));
        assert_eq!(Crs::parse("epsg:3857"), Some(Crs::Epsg(3857)));
        assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::32637"), Some(Crs::Epsg(32637)));
        assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG:6.6:32637"), Some(Crs::Epsg(32637)));
        assert_eq!(
            Crs::parse("http://www.opengis.net/def/crs/EPSG/0/32637"),
            Some(Crs::Epsg(32637))
        );
        assert_eq!(Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84"), Some(Crs::Epsg(4326)));
        assert_eq!(Crs::parse("4326"), Some(Crs::Epsg(4326)));
        assert_eq!(Crs::parse("nonsense"), None);
        assert_eq!(Crs::parse("EPSG:0"), None);
        assert!(matches!(Crs::parse("PROJCS[\"x\"]"), Some(Crs::Wkt(_))));
        assert!(matches!(Crs::parse("GEOGCRS [\"x\"]"), Some(Crs::Wkt(_))));
        assert!(matches!(Crs::parse("{\"type\":\"ProjectedCRS\"}"), Some(Crs::ProjJson(_))));
    }

    const ESRI_UTM37N: &str = r#"PROJCS["WGS_1984_UTM_Zone_37N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",39.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    const OGC_UTM37N: &str = r#"PROJCS["WGS 84 / UTM zone 37N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",39],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32637"]]"#;
    const WKT2_UTM37N: &str = r#"PROJCRS["WGS 84 / UTM zone 37N",BASEGEOGCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,298.257223563]],ID["EPSG",4326]],CONVERSION["UTM zone 37N",METHOD["Transverse Mercator",ID["EPSG",9807]]],CS[Cartesian,2],ID["EPSG",32637]]"#;

    #[test]
    fn maps_wkt_to_epsg_codes() {
        assert_eq!(epsg_of_wkt(ESRI_UTM37N), Some(32637));
        assert_eq!(epsg_of_wkt(OGC_UTM37N), Some(32637), "outer AUTHORITY, not the GEOGCS one");
        assert_eq!(epsg_of_wkt(WKT2_UTM37N), Some(32637));
        assert_eq!(epsg_of_wkt(r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]"#), Some(4326));
        assert_eq!(
            epsg_of_wkt(r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["x"]]"#),
            Some(3857)
        );
        assert_eq!(epsg_of_wkt(r#"PROJCS["WGS_1984_UTM_Zone_20S"]"#), Some(32720));
        assert_eq!(epsg_of_wkt(r#"PROJCS["ETRS_1989_UTM_Zone_32N"]"#), Some(25832));
        assert_eq!(epsg_of_wkt(r#"PROJCS["NAD_1983_UTM_Zone_10N"]"#), Some(26910));
        assert_eq!(epsg_of_wkt(r#"PROJCS["WGS_1984_UTM_Zone_61N"]"#), None);
        assert_eq!(epsg_of_wkt(r#"PROJCS["Local_Grid",GEOGCS["x"]]"#), None);
        assert!(Crs::Wkt(r#"GEOGCS["GCS_WGS_1984"]"#.into()).is_wgs84());
    }

    #[test]
    fn names_the_crs_in_messages() {
        assert_eq!(Crs::Wkt(ESRI_UTM37N.into()).to_string(), "WKT \"WGS_1984_UTM_Zone_37N\"");
        assert_eq!(Crs::Epsg(32637).to_string(), "EPSG:32637");
        assert_eq!(
            Crs::ProjJson(r#"{"type":"ProjectedCRS","name":"Grid"}"#.into()).to_string(),
            "PROJJSON \"Grid\""
        );
    }

    #[test]
    fn utm_37n_to_wgs84() {
        let t = Transform::to_wgs84(&Crs::Epsg(32637)).unwrap().unwrap();
        let c = t.coord(Coord { x: 500_000.0, y: 0.0 }).unwrap();
        assert!((c.x - 39.0).abs() < 1e-9 && c.y.abs() < 1e-9, "{c:?}");
        assert!(Transform::to_wgs84(&Crs::Epsg(4326)).unwrap().is_none());
        // the ESRI .prj of the same zone gives the same transform
        let w = Transform::to_wgs84(&Crs::Wkt(ESRI_UTM37N.into())).unwrap().unwrap();
        let p = Coord { x: 697_700.0, y: 4_103_300.0 };
        let (a, b) = (t.coord(p).unwrap(), w.coord(p).unwrap());
        assert!((a.x - b.x).abs() < 1e-9 && (a.y - b.y).abs() < 1e-9);
    }

    #[cfg(not(feature = "proj"))]
    #[test]
    fn unmappable_wkt_needs_proj() {
        let e = Transform::to_wgs84(&Crs::Wkt("PROJCS[\"Local_Grid\",GEOGCS[\"x\"]]".into()))
            .unwrap_err();
        insta::assert_snapshot!(e.to_string(), @"cannot reproject from WKT \"Local_Grid\": this build maps only WKT that names an EPSG code — build with `cargo build --features proj` (needs libproj-dev 9.1, libclang-dev and pkg-config) for WKT definitions and datum grids");
    }

    /// Both backends agree to 1e-7 degrees (about 1 cm).
    #[cfg(feature = "proj")]
    #[test]
    fn backends_agree() {
        for (code, points) in [
            (32637, vec![(500_000.0, 0.0), (697_700.0, 4_103_300.0), (300_000.0, 3_500_000.0)]),
            (3857, vec![(0.0, 0.0), (4_589_000.0, 4_448_000.0), (-13_627_000.0, 4_547_000.0)]),
            (28992, vec![(121_000.0, 487_000.0)]),
        ] {
            let crs = Crs::Epsg(code);
            let pure = no_proj::Backend::new(&crs).unwrap();
            let projc = proj::Backend::new(&crs).unwrap();
            for (x, y) in points {
                let c = Coord { x, y };
                let (a, b) = (pure.coord(c).unwrap(), projc.coord(c).unwrap());
                assert!(
                    (a.x - b.x).abs() < 1e-7 && (a.y - b.y).abs() < 1e-7,
                    "EPSG:{code} {c:?}: proj4rs {a:?} vs PROJ {b:?}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn prop_parse_never_panics(s in "\\PC{0,80}") {
            let _ = Crs::parse(&s);
            let _ = epsg_of_wkt(&s);
        }

        #[test]
        fn prop_epsg_names_roundtrip(code in 1u32..100_000) {
            prop_assert_eq!(Crs::parse(&format!("EPSG:{code}")), Some(Crs::Epsg(code)));
            prop_assert_eq!(Crs::parse(&format!("urn:ogc:def:crs:EPSG::{code}")), Some(Crs::Epsg(code)));
            prop_assert_eq!(Crs::parse(&Crs::Epsg(code).to_string()), Some(Crs::Epsg(code)));
        }

        #[test]
        fn prop_utm_names_map(zone in 1u32..=60, north in any::<bool>()) {
            let h = if north { 'N' } else { 'S' };
            let wkt = format!("PROJCS[\"WGS_1984_UTM_Zone_{zone}{h}\",GEOGCS[\"GCS_WGS_1984\"]]");
            prop_assert_eq!(epsg_of_wkt(&wkt), Some(if north { 32600 } else { 32700 } + zone));
        }
    }
}

#[cfg(test)]
mod examples {
    use super::{Crs, Transform};

    #[test]
    fn names_of_crss_parse() {
        assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::32637"), Some(Crs::Epsg(32637)));
        assert_eq!(Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84"), Some(Crs::Epsg(4326)));
        assert_eq!(Crs::parse("Kilo"), None);
    }

    #[test]
    fn utm_37n_origin_is_39_east_on_the_equator() {
        let utm37n = Transform::to_wgs84(&Crs::Epsg(32637)).unwrap().expect("not WGS84");
        let c = utm37n.coord(geo::Coord { x: 500_000.0, y: 0.0 }).unwrap();
        assert!((c.x - 39.0).abs() < 1e-9 && c.y.abs() < 1e-9);
    }
}

/// Our reprojection against PROJ's `cs2cs`, where it is installed.
#[cfg(test)]
#[allow(clippy::print_stderr)] // says what was compared, or why it was skipped
mod agreement {
    use super::{Crs, Transform};
    use std::process::Command;

    /// Run `cs2cs -f %.10f EPSG:{code} EPSG:4326` on `points`; (lon, lat) each.
    fn cs2cs(code: u32, points: &[(f64, f64)]) -> Option<Vec<(f64, f64)>> {
        use std::io::Write;
        let child = Command::new("cs2cs")
            .args(["-f", "%.10f", &format!("EPSG:{code}"), "EPSG:4326"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            eprintln!("skipping: cs2cs not found (Debian: apt-get install proj-bin)");
            return None;
        };
        let input = points.iter().map(|(x, y)| format!("{x} {y}")).collect::<Vec<_>>().join("\n");
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        // EPSG:4326 is latitude, longitude in cs2cs's output
        Some(
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(|l| {
                    let v: Vec<f64> = l.split_whitespace().map(|s| s.parse().unwrap()).collect();
                    (v[1], v[0])
                })
                .collect(),
        )
    }

    #[test]
    fn reprojection_agrees_with_cs2cs() {
        let grid = |x0: f64, y0: f64, step: f64| -> Vec<(f64, f64)> {
            (0..10)
                .flat_map(|i| {
                    (0..10).map(move |j| (x0 + f64::from(i) * step, y0 + f64::from(j) * step))
                })
                .collect()
        };
        let mut report = Vec::new();
        for (code, points) in [
            (32637, grid(200_000.0, 3_400_000.0, 70_000.0)),
            (3857, grid(-15_000_000.0, -8_000_000.0, 1_700_000.0)),
            // Amersfoort / RD New: a Bessel datum with a 7-parameter shift
            (28992, grid(100_000.0, 450_000.0, 5_000.0)),
        ] {
            let Some(reference) = cs2cs(code, &points) else { return };
            let t = Transform::to_wgs84(&Crs::Epsg(code)).unwrap().unwrap();
            let mut max: f64 = 0.0;
            for (&(x, y), &(lon, lat)) in points.iter().zip(&reference) {
                let c = t.coord(geo::Coord { x, y }).unwrap();
                let d = (c.x - lon).abs().max((c.y - lat).abs());
                assert!(d < 1e-7, "EPSG:{code} ({x}, {y}): ours {c:?}, cs2cs ({lon}, {lat})");
                max = max.max(d);
            }
            report.push(format!("EPSG:{code}: {} points, max deviation {max:.2e}°", points.len()));
        }
        eprintln!("cs2cs agreement: {}", report.join("; "));
    }
}
