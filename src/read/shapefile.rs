//! Reading zones from an ESRI Shapefile: `.shp` geometry, `.dbf` attributes,
//! `.prj` CRS and `.cpg` attribute encoding.
//!
//! Each Polygon record becomes a zone through the same rules as GeoJSON
//! features (`read::zones::ZoneSet`): dBase fields become properties (`ID`,
//! `NAME` and `ALIASES` matched case-insensitively), the `.prj` says the CRS
//! (else `zones_crs`, else WGS84), and problems are reported by record index
//! (0-based, like GeoJSON feature indexes). This module reads bytes, not
//! paths, so that `Project::from_sources` works without a disk; it does not
//! write Shapefiles.

use super::zones::{check_rings, not_an_area, ReadZones, ZoneOptions, ZoneSet};
use crate::crs::Crs;
use crate::error::{Diagnostic, Diagnostics, Location};
use serde_json::{Map, Value};
use shapefile::dbase::{self, FieldValue};
use shapefile::Shape;
use std::io::Cursor;
use std::path::Path;

/// The files of one Shapefile, as bytes.
#[derive(Debug, Clone, Default)]
pub struct ShapefileSources {
    /// The `.shp` geometry.
    pub shp: Vec<u8>,
    /// The `.dbf` attributes (a Shapefile without one has no keys).
    pub dbf: Option<Vec<u8>>,
    /// The `.prj` CRS definition (WKT).
    pub prj: Option<String>,
    /// The `.cpg` code page of the `.dbf` (`UTF-8`, `1252`, `ISO-8859-1` …).
    pub cpg: Option<String>,
}

impl ShapefileSources {
    /// Read `path` (the `.shp`) and the files beside it with the same stem.
    ///
    /// # Errors
    ///
    /// The I/O error for the `.shp`; missing side files are `None`.
    pub fn read(path: &Path) -> std::io::Result<ShapefileSources> {
        let side = |ext: &str| -> std::io::Result<Option<Vec<u8>>> {
            // `.DBF` next to `.SHP` on case-sensitive disks
            for e in [ext.to_string(), ext.to_ascii_uppercase()] {
                match std::fs::read(path.with_extension(e)) {
                    Ok(b) => return Ok(Some(b)),
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                    Err(err) => return Err(err),
                }
            }
            Ok(None)
        };
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        Ok(ShapefileSources {
            shp: std::fs::read(path)?,
            dbf: side("dbf")?,
            prj: side("prj")?.map(text),
            cpg: side("cpg")?.map(text),
        })
    }
}

/// The `encoding_rs` encoding a `.cpg` names: `UTF-8`, `65001`, `1252`,
/// `ANSI 1252`, `CP1251`, `ISO-8859-1`, `88591` …
#[must_use]
pub fn cpg_encoding(cpg: &str) -> Option<&'static encoding_rs::Encoding> {
    let t = cpg.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
    let t = t.strip_prefix("ansi").map_or(t.as_str(), str::trim);
    if let Ok(code) = t.trim_start_matches("cp").parse::<u32>() {
        return match code {
            65001 => Some(encoding_rs::UTF_8),
            866 => Some(encoding_rs::IBM866),
            874 => Some(encoding_rs::WINDOWS_874),
            1250..=1258 => encoding_rs::Encoding::for_label(format!("windows-{code}").as_bytes()),
            88591..=88599 => {
                encoding_rs::Encoding::for_label(format!("iso-8859-{}", code - 88590).as_bytes())
            }
            885_910..=885_916 => {
                encoding_rs::Encoding::for_label(format!("iso-8859-{}", code - 885_900).as_bytes())
            }
            _ => None,
        };
    }
    if t.starts_with("8859") {
        return encoding_rs::Encoding::for_label(format!("iso-{t}").as_bytes());
    }
    encoding_rs::Encoding::for_label(t.as_bytes())
}

/// Read the zones of a Shapefile. `path` (the `.shp` as the user named it)
/// is used in messages only.
pub fn read(
    path: &Path,
    files: &ShapefileSources,
    opts: &ZoneOptions,
    diags: &mut Diagnostics,
) -> ReadZones {
    let file = |ext: &str| Location::File { path: path.with_extension(ext) };
    let crs = match files.prj.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(prj) => {
            match Crs::parse(prj) {
                Some(c) => Some(c),
                None => {
                    diags.push(
                    Diagnostic::error(file("prj"), "unrecognised CRS definition")
                        .with_value(prj.chars().take(80).collect::<String>())
                        .with_hint("a .prj holds WKT such as PROJCS[…]; or delete it and set zones_crs"),
                );
                    return ReadZones::default();
                }
            }
        }
    };
    let Some(mut set) = ZoneSet::new(path, opts, crs, diags) else { return ReadZones::default() };
    let shapes = match shapefile::ShapeReader::new(Cursor::new(&files.shp))
        .and_then(shapefile::ShapeReader::read)
    {
        Ok(s) => s,
        Err(e) => {
            diags.push(
                Diagnostic::error(file("shp"), "unreadable Shapefile")
                    .with_value(e.to_string())
                    .with_hint("the .shp may be truncated; re-export it from your GIS"),
            );
            return ReadZones::default();
        }
    };
    let records = match &files.dbf {
        Some(dbf) => match read_dbf(dbf, files.cpg.as_deref(), diags, &file("cpg")) {
            Ok(r) => r,
            Err(e) => {
                diags.push(
                    Diagnostic::error(file("dbf"), "unreadable attribute table")
                        .with_value(e.to_string())
                        .with_hint("the .dbf may be truncated; re-export the Shapefile"),
                );
                return ReadZones::default();
            }
        },
        None => Vec::new(),
    };
    if files.dbf.is_some() && records.len() != shapes.len() {
        diags.push(
            Diagnostic::error(
                file("dbf"),
                format!(
                    "the .dbf has {} records but the .shp has {} shapes",
                    records.len(),
                    shapes.len()
                ),
            )
            .with_hint("the files belong to different exports; re-export the Shapefile"),
        );
        return ReadZones::default();
    }
    for (index, shape) in shapes.into_iter().enumerate() {
        let at = Location::Feature { path: path.to_path_buf(), index };
        let props = records.get(index).cloned().unwrap_or_default();
        let Some(key) = set.key(&at, &props, None, diags) else { continue };
        let Some(geometry) = multipolygon(shape, &at, &key, diags) else {
            set.dropped(key, &props);
            continue;
        };
        set.add(key, &at, index, props, geometry, diags);
    }
    set.finish(diags)
}

/// A Polygon shape (2D, M or Z) as a multipolygon with checked rings.
fn multipolygon(
    shape: Shape,
    at: &Location,
    key: &str,
    diags: &mut Diagnostics,
) -> Option<geo::MultiPolygon<f64>> {
    let converted = match shape {
        Shape::Polygon(p) => geo::MultiPolygon::<f64>::try_from(p),
        Shape::PolygonM(p) => geo::MultiPolygon::<f64>::try_from(p),
        Shape::PolygonZ(p) => geo::MultiPolygon::<f64>::try_from(p),
        Shape::NullShape => {
            diags.push(Diagnostic::error(at.clone(), "zone has no geometry").with_value(key));
            return None;
        }
        other => {
            diags.push(not_an_area(at.clone(), other.shapetype().to_string()));
            return None;
        }
    };
    match converted {
        Ok(mp) => check_rings(mp, &|| at.clone(), diags),
        Err(e) => {
            diags.push(Diagnostic::error(at.clone(), "invalid polygon").with_value(e.to_string()));
            None
        }
    }
}

/// The `.dbf` records as property maps, decoded as the `.cpg` says (else
/// as the `.dbf`'s own code page mark says).
fn read_dbf(
    dbf: &[u8],
    cpg: Option<&str>,
    diags: &mut Diagnostics,
    cpg_location: &Location,
) -> Result<Vec<Map<String, Value>>, dbase::Error> {
    let mut builder = dbase::ReaderBuilder::new();
    if let Some(cpg) = cpg.filter(|c| !c.trim().is_empty()) {
        match cpg_encoding(cpg) {
            Some(enc) => builder = builder.with_encoding(dbase::encoding::EncodingRs::from(enc)),
            None => diags.push(
                Diagnostic::warning(
                    cpg_location.clone(),
                    "unknown code page; using the .dbf's own",
                )
                .with_value(cpg.trim())
                .with_hint("write UTF-8, 1252 or ISO-8859-1 in the .cpg"),
            ),
        }
    }
    let mut reader = builder.build(Cursor::new(dbf))?;
    let mut out = Vec::new();
    for record in reader.iter_records() {
        let record = record?;
        let map: Map<String, Value> = record
            .into_iter()
            .map(|(name, value)| (name.trim().to_string(), json(value)))
            .collect();
        out.push(map);
    }
    Ok(out)
}

/// A dBase value as JSON: whole numbers as integers, dates as ISO 8601.
fn json(v: FieldValue) -> Value {
    let number = |f: f64| {
        if f.fract() == 0.0 && f.abs() < 9e15 {
            Value::from(f as i64)
        } else {
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
    };
    match v {
        FieldValue::Character(s) => s.map_or(Value::Null, |s| Value::String(s.trim().to_string())),
        FieldValue::Memo(s) => Value::String(s),
        FieldValue::Numeric(n) => n.map_or(Value::Null, number),
        FieldValue::Float(n) => n.map_or(Value::Null, |f| number(f64::from(f))),
        FieldValue::Double(f) | FieldValue::Currency(f) => number(f),
        FieldValue::Integer(i) => Value::from(i),
        FieldValue::Logical(b) => b.map_or(Value::Null, Value::Bool),
        FieldValue::Date(d) => d.map_or(Value::Null, |d| {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }),
        FieldValue::DateTime(dt) => {
            let (d, t) = (dt.date(), dt.time());
            Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                t.hours(),
                t.minutes(),
                t.seconds()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_pages_from_cpg() {
        assert_eq!(cpg_encoding("UTF-8\n"), Some(encoding_rs::UTF_8));
        assert_eq!(cpg_encoding("65001"), Some(encoding_rs::UTF_8));
        assert_eq!(cpg_encoding("1252"), Some(encoding_rs::WINDOWS_1252));
        assert_eq!(cpg_encoding("ANSI 1251"), Some(encoding_rs::WINDOWS_1251));
        assert_eq!(cpg_encoding("ISO-8859-6"), Some(encoding_rs::ISO_8859_6));
        assert_eq!(cpg_encoding("88596"), Some(encoding_rs::ISO_8859_6));
        assert_eq!(cpg_encoding("8859-2"), Some(encoding_rs::ISO_8859_2));
        assert_eq!(cpg_encoding("klingon"), None);
    }

    #[test]
    fn garbage_is_reported_not_panicked() {
        let mut d = Diagnostics::new();
        let files = ShapefileSources { shp: b"not a shapefile".to_vec(), ..Default::default() };
        let z = read(Path::new("zones.shp"), &files, &ZoneOptions::default(), &mut d);
        assert!(z.is_empty());
        let msg = d.iter().next().unwrap().to_string();
        assert!(msg.starts_with("zones.shp: unreadable Shapefile"), "{msg}");
    }
}
