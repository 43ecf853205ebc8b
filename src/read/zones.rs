//! Reading zones from GeoJSON and from CSV with a WKT `geometry` column, and
//! the rules every zone source shares.
//!
//! Each Polygon or `MultiPolygon` feature (or CSV row, or Shapefile record —
//! see `read::shapefile`) becomes a [`Zone`] keyed by the `zone_key`
//! property, else the `id` property, else the feature id. Problems are
//! reported per feature index (GeoJSON, Shapefile) or `file:line:column` (CSV);
//! a bad feature is skipped, never guessed. `ZoneSet` owns what all sources
//! share: keys and duplicates, names and aliases, reprojection to WGS84 (via
//! `crate::crs`), the longitude/latitude range check and ring orientation.
//!
//! Polygons are checked with geo's `Validation` (unclosed rings, too few
//! positions, self-intersections, overlapping parts). With
//! [`ZoneOptions::repair`] (`--repair`) what can be fixed is fixed — rings
//! closed, repeated positions dropped, rings oriented, self-intersections
//! and overlaps resolved by a non-zero union — and every change is a
//! warning; what cannot be fixed stays an error.

use super::zone_json;
use crate::crs::{Crs, Transform};
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::model::Zone;
use crate::read::Table;
use geo::algorithm::bool_ops::FillRule;
use geo::orient::{Direction, Orient};
use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon, Validation};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Options for reading zones.
#[derive(Debug, Clone, Default)]
pub struct ZoneOptions {
    /// Property that holds the zone key, instead of `id`.
    pub zone_key: Option<String>,
    /// CRS of the coordinates when the file does not say (`--zones-crs`).
    pub crs: Option<Crs>,
    /// Fix what can be fixed in the geometry (`--repair`), with a warning each.
    pub repair: bool,
}

/// Zones being collected from one file, whatever its format.
pub(crate) struct ZoneSet<'a> {
    path: &'a Path,
    zone_key: Option<&'a str>,
    repair: bool,
    transform: Option<Transform>,
    /// Each key read so far and where it was, for duplicate messages.
    seen: BTreeMap<String, String>,
    items: usize,
    zones: Vec<Zone>,
    /// Ids, names and aliases of the zones dropped for their geometry.
    dropped: Vec<String>,
}

impl<'a> ZoneSet<'a> {
    /// Start a set for `path`, whose own CRS (`crs` member, `.prj`) is
    /// `file_crs`; `opts.crs` applies when the file says nothing. `None`
    /// (with a diagnostic) when this build cannot reproject from that CRS.
    pub(crate) fn new(
        path: &'a Path,
        opts: &'a ZoneOptions,
        file_crs: Option<Crs>,
        diags: &mut Diagnostics,
    ) -> Option<Self> {
        let crs = file_crs.or_else(|| opts.crs.clone());
        match crs.as_ref().map(Transform::to_wgs84).transpose() {
            Ok(t) => Some(ZoneSet {
                path,
                zone_key: opts.zone_key.as_deref(),
                repair: opts.repair,
                transform: t.flatten(),
                seen: BTreeMap::new(),
                items: 0,
                zones: Vec::new(),
                dropped: Vec::new(),
            }),
            Err(e) => {
                diags.push(Diagnostic::error(
                    Location::File { path: path.to_path_buf() },
                    e.to_string(),
                ));
                None
            }
        }
    }

    /// The key of an item from its properties (or `fallback`, the GeoJSON
    /// feature id); `None` with a diagnostic when it has none or repeats one.
    pub(crate) fn key(
        &mut self,
        at: &Location,
        props: &Map<String, Value>,
        fallback: Option<&Value>,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        self.items += 1;
        let key = match self.zone_key {
            Some(k) => property(props, k).and_then(value_text),
            None => {
                property(props, "id").and_then(value_text).or_else(|| fallback.and_then(value_text))
            }
        }
        .filter(|k| !k.is_empty());
        let Some(key) = key else {
            diags.push(
                Diagnostic::error(at.clone(), "zone has no key").with_hint(match self.zone_key {
                    Some(k) => format!("add a \"{k}\" property"),
                    None => {
                        "add an \"id\" property, a feature id, or set zone_key in frontline.toml"
                            .into()
                    }
                }),
            );
            return None;
        };
        if let Some(first) = self.seen.get(&key) {
            diags.push(
                Diagnostic::error(at.clone(), "duplicate zone id")
                    .with_value(&key)
                    .with_hint(format!("{first} has the same id; zone ids must be unique")),
            );
            return None;
        }
        Some(key)
    }

    /// Add a zone whose geometry is in the file's CRS: reproject, check the
    /// range, orient the rings, and split `props` into name, aliases and the rest.
    pub(crate) fn add(
        &mut self,
        key: String,
        at: &Location,
        index: usize,
        props: Map<String, Value>,
        geometry: MultiPolygon<f64>,
        diags: &mut Diagnostics,
    ) {
        match self.to_wgs84(geometry, at, diags) {
            Some(geometry) => self.insert(key, at, index, props, geometry),
            None => self.dropped(key, &props),
        }
    }

    /// Remember the spellings of a zone left out for its geometry (reported
    /// where it stands): rows that name it are not reported again.
    pub(crate) fn dropped(&mut self, key: String, props: &Map<String, Value>) {
        let name = property(props, "name").and_then(value_text);
        let aliases = property(props, "aliases").map(aliases_of).unwrap_or_default();
        self.dropped.extend([key].into_iter().chain(name).chain(aliases));
    }

    /// Add a zone whose geometry [`to_wgs84`](Self::to_wgs84) has checked.
    fn insert(
        &mut self,
        key: String,
        at: &Location,
        index: usize,
        mut props: Map<String, Value>,
        geometry: MultiPolygon<f64>,
    ) {
        self.seen.insert(key.clone(), describe(at));
        // (removed in this order: `Map::remove` swaps the last property in,
        // and the zone layers' property order must stay stable)
        take(&mut props, "id");
        let name = take(&mut props, "name").as_ref().and_then(value_text).filter(|n| !n.is_empty());
        let aliases = take(&mut props, "aliases").as_ref().map(aliases_of).unwrap_or_default();
        if let Some(k) = self.zone_key {
            take(&mut props, k);
        }
        self.zones.push(Zone {
            name: name.unwrap_or_else(|| key.clone()),
            id: key,
            aliases,
            geometry,
            properties: props,
            feature_index: index,
        });
    }

    /// A geometry as WGS84 lon/lat with counter-clockwise exteriors.
    fn to_wgs84(
        &self,
        mut polygon: MultiPolygon<f64>,
        at: &Location,
        diags: &mut Diagnostics,
    ) -> Option<MultiPolygon<f64>> {
        if let Some(t) = &self.transform {
            match t.apply(&polygon) {
                Ok(p) => polygon = p,
                Err(e) => {
                    diags.push(
                        Diagnostic::error(at.clone(), "cannot reproject zone")
                            .with_value(e.to_string()),
                    );
                    return None;
                }
            }
        }
        if let Some(c) = out_of_range(&polygon) {
            diags.push(
                Diagnostic::error(at.clone(), "coordinates are not longitude/latitude")
                    .with_value(format!("{}, {}", c.x, c.y))
                    .with_hint(
                        "the zones look projected; set zones_crs (e.g. \"EPSG:32637\") or --zones-crs",
                    ),
            );
            return None;
        }
        let polygon = validate(polygon, self.repair, &|| at.clone(), diags)?;
        // Counter-clockwise exteriors, clockwise holes from here on: geodesic
        // areas and the topology's left/right sides depend on it.
        Some(polygon.orient(Direction::Default))
    }

    /// The zones read, or an error when the file held none at all.
    pub(crate) fn finish(self, diags: &mut Diagnostics) -> ReadZones {
        if self.items == 0 {
            diags.push(
                Diagnostic::error(
                    Location::File { path: self.path.to_path_buf() },
                    "no zones in file",
                )
                .with_hint("add Polygon features"),
            );
        }
        ReadZones { zones: self.zones, dropped: self.dropped }
    }
}

/// Whether geo's `Validation` would find nothing wrong with a zone that is
/// one polygon without holes (most zones), decided with geo's own
/// predicates but faster: geo tests every pair of a ring's edges for a
/// crossing, this only the pairs whose boxes overlap (edges whose boxes are
/// apart cannot meet), found by a sweep. `false` means "ask geo", which
/// also names the problem; anything else (holes, several parts) goes to geo.
fn plainly_valid(polygon: &MultiPolygon<f64>) -> bool {
    use geo::{Intersects, Line, RemoveRepeatedPoints};
    let [part] = polygon.0.as_slice() else { return false };
    let ring = part.exterior();
    if !part.interiors().is_empty()
        || ring.0.is_empty()
        || ring.0.iter().any(|c| !(c.x.is_finite() && c.y.is_finite()))
        || ring.remove_repeated_points().0.len() < 4
    {
        return false;
    }
    let lines: Vec<Line<f64>> = ring.lines().collect();
    let mut order: Vec<usize> = (0..lines.len()).collect();
    let min_x = |i: &usize| lines.get(*i).map_or(f64::NAN, |l| l.start.x.min(l.end.x));
    order.sort_by(|a, b| min_x(a).total_cmp(&min_x(b)));
    // geo's test, for an ordered pair of edges
    let crosses =
        |a: &Line<f64>, b: &Line<f64>| a.intersects(b) && a.start != b.end && a.end != b.start;
    for (k, &i) in order.iter().enumerate() {
        let Some(a) = lines.get(i) else { return false };
        let (a_max_x, a_min_y, a_max_y) =
            (a.start.x.max(a.end.x), a.start.y.min(a.end.y), a.start.y.max(a.end.y));
        for &j in order.iter().skip(k + 1) {
            let Some(b) = lines.get(j) else { return false };
            if b.start.x.min(b.end.x) > a_max_x {
                break;
            }
            if b.start.y.max(b.end.y) < a_min_y || b.start.y.min(b.end.y) > a_max_y {
                continue;
            }
            if crosses(a, b) {
                return false;
            }
        }
    }
    true
}

/// Check a polygon with geo's `Validation`; repair it when asked.
fn validate(
    polygon: MultiPolygon<f64>,
    repair: bool,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<MultiPolygon<f64>> {
    let problems = if plainly_valid(&polygon) { Vec::new() } else { polygon.validation_errors() };
    if problems.is_empty() {
        if repair {
            let oriented = polygon.orient(Direction::Default);
            if oriented != polygon {
                diags.push(
                    Diagnostic::warning(at(), "repaired: rings re-oriented")
                        .with_hint("exterior rings now run counter-clockwise, holes clockwise"),
                );
            }
            return Some(oriented);
        }
        return Some(polygon);
    }
    let first = problems.first().map(ToString::to_string).unwrap_or_default();
    if !repair {
        diags.push(
            Diagnostic::error(at(), "invalid polygon")
                .with_value(first)
                .with_hint("run with --repair to resolve it, or fix it in your GIS (QGIS: Vector ▸ Geometry Tools ▸ Fix Geometries)"),
        );
        return None;
    }
    // Non-zero union of consistently oriented rings: a figure-eight becomes
    // two polygons, overlapping parts merge, holes stay holes.
    let oriented = polygon.orient(Direction::Default);
    let repaired =
        oriented.union_with_fill_rule(&MultiPolygon::<f64>::new(vec![]), FillRule::NonZero);
    if repaired.0.is_empty() {
        diags.push(
            Diagnostic::error(at(), "invalid polygon cannot be repaired")
                .with_value(first)
                .with_hint("fix it in your GIS (QGIS: Vector ▸ Geometry Tools ▸ Fix Geometries)"),
        );
        return None;
    }
    // The union can leave rings that touch at single points, which geo's
    // strict validation still flags; the layers handle those, so keep the
    // repair and say what remains.
    if let Some(rest) = repaired.validation_errors().first() {
        diags.push(
            Diagnostic::warning(at(), "repaired polygon still has a defect")
                .with_value(rest.to_string())
                .with_hint("check the zone in your GIS if its area or borders look wrong"),
        );
    }
    diags.push(
        Diagnostic::warning(at(), "repaired: invalid polygon resolved")
            .with_value(first)
            .with_hint(format!(
                "now {} (was {})",
                crate::error::plural(repaired.0.len(), "polygon"),
                crate::error::plural(polygon.0.len(), "polygon")
            )),
    );
    Some(repaired)
}

/// "feature 3" or "line 4", for a duplicate's hint.
fn describe(at: &Location) -> String {
    match at {
        Location::Feature { index, .. } => format!("feature {index}"),
        Location::Cell { line, .. } | Location::Record { line, .. } => format!("line {line}"),
        Location::File { .. } => "another zone".into(),
    }
}

/// A property by exact name, else case-insensitively (dBase field names are
/// often upper case: `ID`, `NAME`).
fn property<'m>(props: &'m Map<String, Value>, name: &str) -> Option<&'m Value> {
    props
        .get(name)
        .or_else(|| props.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

/// Remove a property found as [`property`] finds it.
fn take(props: &mut Map<String, Value>, name: &str) -> Option<Value> {
    let key = if props.contains_key(name) {
        name.to_string()
    } else {
        props.keys().find(|k| k.eq_ignore_ascii_case(name))?.clone()
    };
    props.remove(&key)
}

/// Zones read from a file, and the ids, names and aliases of the zones
/// dropped for their geometry (each already reported where it stands).
#[derive(Debug, Default)]
pub struct ReadZones {
    /// The zones.
    pub zones: Vec<Zone>,
    /// Spellings of the zones dropped.
    pub dropped: Vec<String>,
}

impl std::ops::Deref for ReadZones {
    type Target = Vec<Zone>;

    fn deref(&self) -> &Vec<Zone> {
        &self.zones
    }
}

/// Read zones from GeoJSON text. `path` is used in messages only.
pub fn read_geojson(
    path: &Path,
    text: &str,
    opts: &ZoneOptions,
    diags: &mut Diagnostics,
) -> ReadZones {
    read_geojson_as(path, text, opts, diags, Parse::Typed)
}

/// How a document is parsed: the typed fast path where it can be, or
/// everything as `Value`s (to test that both read files the same way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parse {
    Typed,
    #[cfg_attr(not(test), allow(dead_code))]
    Values,
}

fn read_geojson_as(
    path: &Path,
    text: &str,
    opts: &ZoneOptions,
    diags: &mut Diagnostics,
    parse: Parse,
) -> ReadZones {
    let text = text.trim_start_matches('\u{feff}');
    let Some((features, crs)) = read_root(path, text, diags, parse) else {
        return ReadZones::default();
    };
    let Some(mut set) = ZoneSet::new(path, opts, crs, diags) else { return ReadZones::default() };
    let at = |index| Location::Feature { path: path.to_path_buf(), index };
    // Features are parsed, and their geometries read, reprojected and
    // validated, in parallel (the costly part of 10k zones); keys,
    // duplicates and diagnostics then go in file order.
    let read: Option<Vec<ReadFeature<'_>>> = features
        .into_par_iter()
        .enumerate()
        .map(|(index, feature)| {
            // `None`: the text is not JSON (the whole file is then read as a
            // value, which says where)
            let mut feature = match feature {
                Item::Raw(raw) => zone_json::Feature::parse(raw),
                Item::Value(v) => Some(zone_json::Feature::from_value(v)),
            }?;
            let mut d = Diagnostics::new();
            let present = feature.geometry.is_some();
            let polygon = feature
                .geometry
                .take()
                .and_then(|g| match g {
                    zone_json::Geometry::Raw(raw) => match zone_json::polygons(raw) {
                        Some(p) => assemble(p, opts.repair, &|| at(index), &mut d),
                        None => {
                            let v = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
                            read_multipolygon(&v, opts.repair, &|| at(index), &mut d)
                        }
                    },
                    zone_json::Geometry::Value(v) => {
                        read_multipolygon(&v, opts.repair, &|| at(index), &mut d)
                    }
                })
                .and_then(|p| set.to_wgs84(p, &at(index), &mut d));
            Some((feature, present, polygon, d))
        })
        .collect();
    let Some(read) = read else {
        return read_geojson_as(path, text, opts, diags, Parse::Values);
    };
    for (index, (feature, present, polygon, d)) in read.into_iter().enumerate() {
        let at = at(index);
        let Some(key) = set.key(&at, &feature.properties, feature.id.as_ref(), diags) else {
            continue;
        };
        if !present {
            diags.push(Diagnostic::error(at, "zone has no geometry").with_value(&key));
            set.dropped(key, &feature.properties);
            continue;
        }
        diags.extend(d);
        match polygon {
            Some(polygon) => set.insert(key, &at, index, feature.properties, polygon),
            None => set.dropped(key, &feature.properties),
        }
    }
    set.finish(diags)
}

/// Read zones from a CSV (or other delimited table) with a WKT `geometry`
/// column (also `wkt`, `the_geom`, `geom`), `id`, `name` and `aliases`
/// columns; other columns become properties (numbers typed). The table's
/// coordinates are in `opts.crs`, else WGS84.
pub fn read_wkt_table(table: &Table, opts: &ZoneOptions, diags: &mut Diagnostics) -> ReadZones {
    let Some(geometry_column) = table.column(&["geometry", "wkt", "the_geom", "geom"]) else {
        table.missing_column("geometry", diags);
        return ReadZones::default();
    };
    let Some(mut set) = ZoneSet::new(&table.path, opts, None, diags) else {
        return ReadZones::default();
    };
    for (index, row) in table.rows.iter().enumerate() {
        let mut props = Map::new();
        for (c, header) in table.headers.iter().enumerate() {
            if c == geometry_column || header.is_empty() {
                continue;
            }
            let text = row.get(c);
            let value = if header.eq_ignore_ascii_case("id")
                || header.eq_ignore_ascii_case("name")
                || header.eq_ignore_ascii_case("aliases")
                || opts.zone_key.as_deref().is_some_and(|k| header.eq_ignore_ascii_case(k))
            {
                Value::String(text.to_string())
            } else if text.is_empty() {
                Value::Null
            } else {
                super::incidents::number_value(text, table.decimal_comma)
                    .unwrap_or_else(|| Value::String(text.to_string()))
            };
            props.insert(header.clone(), value);
        }
        let record = table.record(row);
        let Some(key) = set.key(&record, &props, None, diags) else { continue };
        let cell = table.cell(row, geometry_column);
        let Some(polygon) = parse_wkt_polygon(row.get(geometry_column), &cell, diags) else {
            set.dropped(key, &props);
            continue;
        };
        set.add(key, &cell, index, props, polygon, diags);
    }
    set.finish(diags)
}

/// A POLYGON or MULTIPOLYGON in WKT, with the same ring checks as GeoJSON.
fn parse_wkt_polygon(
    text: &str,
    at: &Location,
    diags: &mut Diagnostics,
) -> Option<MultiPolygon<f64>> {
    use std::str::FromStr;
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(at.clone(), "zone has no geometry").with_hint(
                "write POLYGON ((x y, x y, …)) or MULTIPOLYGON (…) in the geometry column",
            ),
        );
        return None;
    }
    let geometry = match wkt::Wkt::<f64>::from_str(text.trim()) {
        Ok(w) => geo::Geometry::<f64>::try_from(w),
        Err(e) => {
            diags.push(
                Diagnostic::error(at.clone(), "invalid WKT").with_value(e.to_string()).with_hint(
                    "write POLYGON ((x y, x y, …)) with the first position repeated last",
                ),
            );
            return None;
        }
    };
    let mp = match geometry {
        Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
        Ok(geo::Geometry::MultiPolygon(mp)) => mp,
        Ok(other) => {
            diags.push(not_an_area(at.clone(), geometry_name(&other)));
            return None;
        }
        Err(e) => {
            diags.push(Diagnostic::error(at.clone(), "invalid WKT").with_value(e.to_string()));
            return None;
        }
    };
    check_rings(mp, &|| at.clone(), diags)
}

fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::Line(_) | geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        geo::Geometry::Polygon(_) | geo::Geometry::Rect(_) | geo::Geometry::Triangle(_) => {
            "Polygon"
        }
        geo::Geometry::MultiPolygon(_) => "MultiPolygon",
    }
}

/// Check every ring of a parsed multipolygon as [`read_ring`] checks JSON rings.
pub(crate) fn check_rings(
    mp: MultiPolygon<f64>,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<MultiPolygon<f64>> {
    if mp.0.is_empty() {
        diags.push(Diagnostic::error(at(), "geometry is empty"));
        return None;
    }
    for polygon in &mp.0 {
        let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
        for (ring_index, ring) in rings.enumerate() {
            check_ring(&ring.0, ring_index, at, diags)?;
        }
    }
    Some(mp)
}

/// A feature read in parallel: its parts, whether it had a geometry, the
/// geometry if it is good, and the problems found.
type ReadFeature<'a> = (zone_json::Feature<'a>, bool, Option<MultiPolygon<f64>>, Diagnostics);

/// A feature of the document: raw JSON to parse in parallel, or a value
/// when the document had to be read as one.
enum Item<'a> {
    Raw(&'a str),
    Value(Value),
}

/// Parse the document: its features and the CRS its `crs` member names.
/// The plain shape is split typed ([`zone_json::split`]); anything else is
/// read as a `Value`, which says what is wrong.
fn read_root<'a>(
    path: &Path,
    text: &'a str,
    diags: &mut Diagnostics,
    parse: Parse,
) -> Option<(Vec<Item<'a>>, Option<Crs>)> {
    let file = || Location::File { path: path.to_path_buf() };
    let typed = zone_json::split(text).filter(|_| parse == Parse::Typed);
    // the features, and the whole document as one (for a root Feature)
    let (kind, crs, features, whole) = match typed {
        Some(doc) => {
            let features = doc.features.map(|f| f.into_iter().map(Item::Raw).collect());
            (doc.kind, doc.crs, features, Item::Raw(text))
        }
        None => {
            let mut root: Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    diags.push(
                        Diagnostic::error(
                            Location::Cell {
                                path: path.to_path_buf(),
                                line: e.line() as u64,
                                column: e.column() as u64,
                            },
                            "invalid JSON",
                        )
                        .with_value(e.to_string())
                        .with_hint("the file may be truncated; re-export it from your GIS"),
                    );
                    return None;
                }
            };
            let (kind, crs) = (root.get("type").cloned(), root.get("crs").cloned());
            // taken, not cloned: a 10k-zone file is a large tree
            let features = match root.get_mut("features").map(Value::take) {
                Some(Value::Array(f)) => Some(f.into_iter().map(Item::Value).collect()),
                _ => None,
            };
            (kind, crs, features, Item::Value(root))
        }
    };
    let features: Vec<Item<'a>> = match kind.as_ref().and_then(Value::as_str) {
        Some("FeatureCollection") => {
            if let Some(f) = features {
                f
            } else {
                diags
                    .push(Diagnostic::error(file(), "FeatureCollection has no \"features\" array"));
                return None;
            }
        }
        Some("Feature") => vec![whole],
        other => {
            diags.push(
                Diagnostic::error(file(), "expected a GeoJSON FeatureCollection")
                    .with_value(other.unwrap_or("(no type)"))
                    .with_hint("zones must be Polygon or MultiPolygon features"),
            );
            return None;
        }
    };
    match crate::crs::from_geojson_member(crs.as_ref()) {
        Ok(crs) => Some((features, crs)),
        Err(value) => {
            diags.push(
                Diagnostic::error(file(), "unrecognised \"crs\" member")
                    .with_value(value)
                    .with_hint(
                        "use an EPSG code such as urn:ogc:def:crs:EPSG::32637, or set zones_crs",
                    ),
            );
            None
        }
    }
}

/// A string or number property as text.
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `aliases` as a JSON array of strings or one `|`-separated string.
pub(crate) fn aliases_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter_map(value_text).filter(|s| !s.is_empty()).collect(),
        Value::String(s) => {
            s.split(['|', ';']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
        }
        _ => Vec::new(),
    }
}

fn out_of_range(mp: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    use geo::CoordsIter;
    mp.coords_iter().find(|c| !(c.x.abs() <= 180.0 && c.y.abs() <= 90.0))
}

/// Read a Polygon or `MultiPolygon` JSON geometry, checking rings.
fn read_multipolygon(
    g: &Value,
    repair: bool,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<MultiPolygon<f64>> {
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    if kind == "GeometryCollection" {
        return read_collection(g, repair, at, diags);
    }
    let coords = g.get("coordinates");
    let polygons: Vec<&Value> = match (kind, coords.and_then(Value::as_array)) {
        ("Polygon", Some(_)) => coords.into_iter().collect(),
        ("MultiPolygon", Some(p)) => p.iter().collect(),
        ("Polygon" | "MultiPolygon", None) => {
            diags.push(Diagnostic::error(at(), "geometry has no coordinates"));
            return None;
        }
        _ => {
            diags.push(not_an_area(at(), kind));
            return None;
        }
    };
    let mut out = Vec::new();
    for polygon in polygons {
        let Some(rings) = polygon.as_array() else {
            diags.push(Diagnostic::error(at(), "polygon is not an array of rings"));
            return None;
        };
        let mut ls = Vec::new();
        for (ring_index, ring) in rings.iter().enumerate() {
            ls.push(read_ring(ring, ring_index, repair, at, diags)?);
        }
        out.push(polygon_of(ls, at, diags)?);
    }
    non_empty(out, at, diags)
}

/// A `GeometryCollection` that holds only polygons (as some tools write a
/// zone of several parts) read as one multipolygon; a point or a line in
/// it is an error naming the member.
fn read_collection(
    g: &Value,
    repair: bool,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<MultiPolygon<f64>> {
    let Some(members) = g.get("geometries").and_then(Value::as_array) else {
        diags.push(Diagnostic::error(at(), "GeometryCollection has no geometries"));
        return None;
    };
    let mut parts = Vec::new();
    for (i, member) in members.iter().enumerate() {
        let kind = member.get("type").and_then(Value::as_str).unwrap_or("");
        if !matches!(kind, "Polygon" | "MultiPolygon") {
            diags.push(not_an_area(at(), format!("GeometryCollection member {i}: {kind}")));
            return None;
        }
        parts.extend(read_multipolygon(member, repair, at, diags)?.0);
    }
    non_empty(parts, at, diags)
}

/// The error of a zone whose geometry (`kind`) is not an area.
pub(crate) fn not_an_area(at: Location, kind: impl Into<String>) -> Diagnostic {
    Diagnostic::error(at, "zone geometry must be Polygon or MultiPolygon")
        .with_value(kind.into())
        .with_hint("points and lines cannot be coloured as areas")
}

fn read_ring(
    ring: &Value,
    ring_index: usize,
    repair: bool,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<LineString<f64>> {
    let Some(positions) = ring.as_array() else {
        diags.push(Diagnostic::error(at(), "ring is not an array of positions"));
        return None;
    };
    let mut coords = Vec::with_capacity(positions.len());
    for p in positions {
        let xy = p.as_array().and_then(|a| Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?)));
        match xy {
            Some((x, y)) if x.is_finite() && y.is_finite() => coords.push(Coord { x, y }),
            _ => {
                diags.push(Diagnostic::error(at(), "invalid position").with_value(p.to_string()));
                return None;
            }
        }
    }
    finish_ring(coords, ring_index, repair, at, diags)
}

/// Polygons read by the typed path ([`zone_json::polygons`]), checked ring
/// by ring as [`read_multipolygon`] checks them.
fn assemble(
    polygons: Vec<Vec<Vec<Coord<f64>>>>,
    repair: bool,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<MultiPolygon<f64>> {
    let mut out = Vec::with_capacity(polygons.len());
    for rings in polygons {
        let mut ls = Vec::with_capacity(rings.len());
        for (ring_index, ring) in rings.into_iter().enumerate() {
            ls.push(finish_ring(ring, ring_index, repair, at, diags)?);
        }
        out.push(polygon_of(ls, at, diags)?);
    }
    non_empty(out, at, diags)
}

/// A polygon from its rings, the first the exterior.
fn polygon_of(
    rings: Vec<LineString<f64>>,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<Polygon<f64>> {
    let mut it = rings.into_iter();
    let Some(exterior) = it.next() else {
        diags.push(Diagnostic::error(at(), "polygon has no rings"));
        return None;
    };
    Some(Polygon::new(exterior, it.collect()))
}

fn non_empty(
    polygons: Vec<Polygon<f64>>,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<MultiPolygon<f64>> {
    if polygons.is_empty() {
        diags.push(Diagnostic::error(at(), "geometry is empty"));
        return None;
    }
    Some(MultiPolygon(polygons))
}

/// Repair (when asked) and check one ring's positions.
fn finish_ring(
    mut coords: Vec<Coord<f64>>,
    ring_index: usize,
    repair: bool,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<LineString<f64>> {
    if repair {
        let before = coords.len();
        coords.dedup();
        if coords.len() < before {
            diags.push(
                Diagnostic::warning(
                    at(),
                    format!("repaired: ring {ring_index} had repeated positions"),
                )
                .with_value((before - coords.len()).to_string())
                .with_hint("consecutive duplicate positions were dropped"),
            );
        }
        if let (Some(first), Some(last)) = (coords.first().copied(), coords.last().copied()) {
            if first != last {
                coords.push(first);
                diags.push(
                    Diagnostic::warning(
                        at(),
                        format!("repaired: ring {ring_index} was not closed"),
                    )
                    .with_hint("the first position was repeated at the end"),
                );
            }
        }
    }
    check_ring(&coords, ring_index, at, diags)?;
    Some(LineString(coords))
}

/// A ring must be closed and have at least four positions.
fn check_ring(
    coords: &[Coord<f64>],
    ring_index: usize,
    at: &dyn Fn() -> Location,
    diags: &mut Diagnostics,
) -> Option<()> {
    if coords.first() != coords.last() {
        diags.push(
            Diagnostic::error(at(), format!("ring {ring_index} is not closed")).with_hint(
                "the last position must repeat the first; run with --repair to close it",
            ),
        );
        return None;
    }
    if coords.len() < 4 {
        diags.push(
            Diagnostic::error(at(), format!("ring {ring_index} has fewer than 4 positions"))
                .with_value(coords.len().to_string())
                .with_hint("a ring needs at least three corners and the closing position"),
        );
        return None;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #[test]
        fn prop_plainly_valid_agrees_with_geo(
            points in proptest::collection::vec((0i32..6, 0i32..6), 0..12),
            close: bool,
            hole: bool,
        ) {
            // small integer grids make touching, crossing and collinear edges common
            let mut ring: Vec<geo::Coord<f64>> =
                points.iter().map(|&(x, y)| geo::Coord { x: f64::from(x), y: f64::from(y) }).collect();
            if close {
                if let Some(&first) = ring.first() {
                    ring.push(first);
                }
            }
            let interiors = if hole {
                vec![geo::LineString::from(vec![(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 1.0)])]
            } else {
                vec![]
            };
            let empty = ring.is_empty();
            let mp = geo::MultiPolygon(vec![geo::Polygon::new(geo::LineString(ring), interiors)]);
            let geo_valid = geo::Validation::validation_errors(&mp).is_empty();
            let fast = super::plainly_valid(&mp);
            proptest::prop_assert!(!fast || geo_valid, "said valid, geo disagrees: {:?}", mp);
            // an empty ring or a hole is left to geo
            if !hole && !empty {
                proptest::prop_assert_eq!(fast, geo_valid, "{:?}", mp);
            }
        }
    }

    use super::*;

    fn read(text: &str) -> (Vec<Zone>, Diagnostics) {
        let mut d = Diagnostics::new();
        let z = read_geojson(Path::new("zones.geojson"), text, &ZoneOptions::default(), &mut d);
        (z.zones, d)
    }

    const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}"#;

    #[test]
    fn reads_keys_names_aliases_and_properties() {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[
            {{"type":"Feature","properties":{{"id":"al-tay","name":"al-Tay","aliases":["Tayy","حي طي"],"pop":5}},"geometry":{SQUARE}}},
            {{"type":"Feature","id":7,"properties":{{"aliases":"Kilo|Kîlo"}},"geometry":{SQUARE}}}]}}"#
        );
        let (z, d) = read(&text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(z[0].id, "al-tay");
        assert_eq!(z[0].aliases, vec!["Tayy", "حي طي"]);
        assert_eq!(z[0].properties.get("pop"), Some(&serde_json::json!(5)));
        assert_eq!((z[1].id.as_str(), z[1].name.as_str()), ("7", "7"));
        assert_eq!(z[1].aliases, vec!["Kilo", "Kîlo"]);
    }

    #[test]
    fn reports_bad_features_by_index() {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[
            {{"type":"Feature","properties":{{"id":"a"}},"geometry":{SQUARE}}},
            {{"type":"Feature","properties":{{"id":"a"}},"geometry":{SQUARE}}},
            {{"type":"Feature","properties":{{}},"geometry":{SQUARE}}},
            {{"type":"Feature","properties":{{"id":"p"}},"geometry":{{"type":"Point","coordinates":[0,0]}}}},
            {{"type":"Feature","properties":{{"id":"u"}},"geometry":{{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}}},
            {{"type":"Feature","properties":{{"id":"m"}},"geometry":{{"type":"Polygon","coordinates":[[[500000,4000000],[500100,4000000],[500100,4000100],[500000,4000000]]]}}}}]}}"#
        );
        let (z, d) = read(&text);
        assert_eq!(z.len(), 1);
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @r#"
        zones.geojson: feature 1: duplicate zone id "a" — feature 0 has the same id; zone ids must be unique
        zones.geojson: feature 2: zone has no key — add an "id" property, a feature id, or set zone_key in frontline.toml
        zones.geojson: feature 3: zone geometry must be Polygon or MultiPolygon "Point" — points and lines cannot be coloured as areas
        zones.geojson: feature 4: ring 0 is not closed — the last position must repeat the first; run with --repair to close it
        zones.geojson: feature 5: coordinates are not longitude/latitude "500000, 4000000" — the zones look projected; set zones_crs (e.g. "EPSG:32637") or --zones-crs
        "#);
    }

    const BOWTIE: &str = r#"{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}"#;
    const OPEN_DUP: &str = r#"{"type":"Polygon","coordinates":[[[0,0],[0,1],[0,1],[1,1],[1,0]]]}"#;

    fn project_of(geometries: &[&str]) -> String {
        let features: Vec<String> = geometries
            .iter()
            .enumerate()
            .map(|(i, g)| {
                format!(r#"{{"type":"Feature","properties":{{"id":"z{i}"}},"geometry":{g}}}"#)
            })
            .collect();
        format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
    }

    #[test]
    fn a_collection_of_polygons_is_one_zone_and_a_point_in_it_an_error() {
        let square =
            |x: f64| format!("[[[{x},0],[{},0],[{},1],[{x},1],[{x},0]]]", x + 1.0, x + 1.0);
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[
{{"type":"Feature","properties":{{"id":"two"}},"geometry":{{"type":"GeometryCollection","geometries":[{{"type":"Polygon","coordinates":{}}},{{"type":"MultiPolygon","coordinates":[{}]}}]}}}},
{{"type":"Feature","properties":{{"id":"mixed"}},"geometry":{{"type":"GeometryCollection","geometries":[{{"type":"Polygon","coordinates":{}}},{{"type":"Point","coordinates":[9,9]}}]}}}}
]}}"#,
            square(0.0),
            square(2.0),
            square(5.0)
        );
        let (zones, d) = read(&text);
        assert_eq!(zones.len(), 1);
        assert_eq!(zones[0].id, "two");
        assert_eq!(zones[0].geometry.0.len(), 2);
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                r#"zones.geojson: feature 1: zone geometry must be Polygon or MultiPolygon "GeometryCollection member 1: Point" — points and lines cannot be coloured as areas"#
            ]
        );
    }

    #[test]
    fn invalid_polygons_are_errors_with_a_hint() {
        let (z, d) = read(&project_of(&[SQUARE, BOWTIE]));
        assert_eq!(z.len(), 1);
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @r#"zones.geojson: feature 1: invalid polygon "polygon at index 0 is invalid: exterior ring has a self-intersection" — run with --repair to resolve it, or fix it in your GIS (QGIS: Vector ▸ Geometry Tools ▸ Fix Geometries)"#);
    }

    #[test]
    fn repair_fixes_and_reports_each_change() {
        let mut d = Diagnostics::new();
        let opts = ZoneOptions { repair: true, ..ZoneOptions::default() };
        let z = read_geojson(
            Path::new("zones.geojson"),
            &project_of(&[BOWTIE, OPEN_DUP]),
            &opts,
            &mut d,
        );
        assert_eq!(z.len(), 2);
        assert_eq!(z[0].geometry.0.len(), 2, "the figure-eight becomes two triangles");
        assert!(z.iter().all(|z| z.geometry.is_valid()));
        assert_eq!(z[1].geometry.0[0].exterior().0.len(), 5);
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @r#"
        zones.geojson: feature 0: warning: repaired: invalid polygon resolved "polygon at index 0 is invalid: exterior ring has a self-intersection" — now 2 polygons (was 1 polygon)
        zones.geojson: feature 1: warning: repaired: ring 0 had repeated positions "1" — consecutive duplicate positions were dropped
        zones.geojson: feature 1: warning: repaired: ring 0 was not closed — the first position was repeated at the end
        zones.geojson: feature 1: warning: repaired: rings re-oriented — exterior rings now run counter-clockwise, holes clockwise
        "#);
    }

    #[test]
    fn truncated_json_names_line_and_column() {
        let (z, d) = read("{\"type\":\"FeatureCollection\",\n\"features\":[{\"type\":");
        assert!(z.is_empty());
        let first = d.iter().next().unwrap().to_string();
        assert!(first.starts_with("zones.geojson:2:"), "{first}");
        assert!(first.contains("invalid JSON"));
    }

    #[test]
    fn bad_json_inside_a_feature_is_located_too() {
        // the features are cut out at the brackets and parsed one by one;
        // a bad token inside one still gives the file's line and column
        let (z, d) = read(
            "{\"type\":\"FeatureCollection\",\"features\":[\n{\"id\":\"a\",\"geometry\":nul}]}",
        );
        assert!(z.is_empty());
        assert_eq!(d.len(), 1);
        let first = d.iter().next().unwrap().to_string();
        assert!(first.starts_with("zones.geojson:2:"), "{first}");
        assert!(first.contains("invalid JSON"), "{first}");
    }

    proptest::proptest! {
        #[test]
        fn prop_zones_reader_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400), repair in proptest::bool::ANY) {
            let text = String::from_utf8_lossy(&bytes);
            let opts = ZoneOptions { repair, ..ZoneOptions::default() };
            let mut d = Diagnostics::new();
            let _ = read_geojson(Path::new("z.geojson"), &text, &opts, &mut d);
        }

        #[test]
        fn prop_any_ring_is_read_or_reported(ring in proptest::collection::vec((-2i8..3, -2i8..3), 0..8), repair in proptest::bool::ANY) {
            let coords: Vec<String> = ring.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
            let text = project_of(&[&format!(r#"{{"type":"Polygon","coordinates":[[{}]]}}"#, coords.join(","))]);
            let opts = ZoneOptions { repair, ..ZoneOptions::default() };
            let mut d = Diagnostics::new();
            let z = read_geojson(Path::new("z.geojson"), &text, &opts, &mut d);
            // a zone that is read is valid, or (repaired) says what defect
            // remains; one that is not read is reported
            let defect = d.iter().any(|d| d.message.contains("still has a defect"));
            proptest::prop_assert!(z.iter().all(|z| z.geometry.is_valid()) || (repair && defect));
            proptest::prop_assert!(!z.is_empty() || d.has_errors());
        }

        #[test]
        fn prop_typed_and_value_parsing_read_the_same(
            rings in proptest::collection::vec(proptest::collection::vec((-2i8..3, -2i8..3, 0u8..6), 0..7), 0..3),
            multi in proptest::bool::ANY,
            repair in proptest::bool::ANY,
        ) {
            // positions in odd forms too: floats, a z, a missing y, text
            let ring = |r: &Vec<(i8, i8, u8)>| {
                let p: Vec<String> = r.iter().map(|(x, y, form)| match form {
                    0 => format!("[{x}.0,{y}e0]"),
                    1 => format!("[{x},{y},7]"),
                    2 => format!("[{x}]"),
                    3 => format!("[\"{x}\",{y}]"),
                    _ => format!("[{x},{y}]"),
                }).collect();
                format!("[{}]", p.join(","))
            };
            let rings: Vec<String> = rings.iter().map(ring).collect();
            let geometry = if multi {
                format!(r#"{{"type":"MultiPolygon","coordinates":[[{}]]}}"#, rings.join(","))
            } else {
                format!(r#"{{"coordinates":[{}],"type":"Polygon"}}"#, rings.join(","))
            };
            let text = project_of(&[&geometry, "null", r#"{"type":"Point","coordinates":[0,0]}"#]);
            let opts = ZoneOptions { repair, ..ZoneOptions::default() };
            let read = |parse| {
                let mut d = Diagnostics::new();
                let z = read_geojson_as(Path::new("z.geojson"), &text, &opts, &mut d, parse);
                (z.zones, z.dropped, d.iter().map(ToString::to_string).collect::<Vec<_>>())
            };
            proptest::prop_assert_eq!(read(Parse::Typed), read(Parse::Values));
        }
    }
}
