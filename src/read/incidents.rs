//! Reading `incidents.csv`: dated events with coordinates or a place.
//!
//! Coordinate columns are detected from the header (`lat`/`latitude`/`y`,
//! `lon`/`lng`/`long`/`longitude`/`x`, or a WKT `POINT` column). A row with
//! only a `place` naming a zone is put at the zone's interior point. Known
//! numeric columns (`fatalities`, ACLED's and UCDP's counts and precisions)
//! become numbers; every other column is carried through as text. Which
//! header plays which role comes from `read::presets` (ACLED, UCDP GED, or
//! the generic names).

use super::control::date_parser;
use super::presets::ucdp::violence_label;
use super::presets::{self, Derive, Preset, Roles};
use super::table::{find_column, missing_column, parse_number, trim, Fields, Row, Table};
use crate::crs::Transform;
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::feature::{Key, PropValue};
use crate::model::{Incident, LocationPrecision, Lookup, Moment, NameIndex, Zone};
use crate::read::date::DateParser;
use geo::{InteriorPoint, Point};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::path::Path;

/// Columns whose values are numbers in the output.
const NUMERIC: &[&str] = &[
    "fatalities",
    "deaths",
    "killed",
    "injured",
    "best",
    "low",
    "high",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "geo_precision",
    "where_prec",
    "time_precision",
    "date_prec",
    "year",
    "inter1",
    "inter2",
    "interaction",
    "latitude",
    "longitude",
    "lat",
    "lon",
    "lng",
];

/// How the columns of an incidents table are used.
#[derive(Debug, Clone)]
pub struct IncidentColumns {
    id: Option<usize>,
    date: usize,
    lat: Option<usize>,
    lon: Option<usize>,
    wkt: Option<usize>,
    place: Option<usize>,
    /// ACLED `geo_precision` or UCDP `where_prec`, and the approximate threshold.
    precision: Option<(usize, u32)>,
    numeric: Vec<bool>,
    /// The export preset in use, if any.
    pub preset: Option<Preset>,
    roles: &'static Roles,
}

impl IncidentColumns {
    /// Detect the columns of a loaded table; see [`IncidentColumns::from_headers`].
    pub fn detect(table: &Table, forced: Option<Preset>, diags: &mut Diagnostics) -> Option<Self> {
        Self::from_headers(&table.path, &table.headers, forced, diags)
    }

    /// Detect the columns from a header, with the `forced` preset or the one
    /// the header shows; `None` (and a diagnostic naming `path`) when a
    /// required column is missing.
    pub fn from_headers(
        path: &Path,
        headers: &[String],
        forced: Option<Preset>,
        diags: &mut Diagnostics,
    ) -> Option<Self> {
        let (preset, roles) = presets::roles_for(forced, headers);
        let column = |names: &[&str]| find_column(headers, names);
        let Some(date) = column(roles.date) else {
            diags.push(missing_column(
                path,
                headers,
                roles.date.first().copied().unwrap_or("date"),
            ));
            return None;
        };
        let lat = column(roles.lat);
        let lon = column(roles.lon);
        let wkt = column(roles.wkt);
        let place = column(roles.place);
        if (lat.is_none() || lon.is_none()) && wkt.is_none() && place.is_none() {
            let what = if roles.place.is_empty() {
                "latitude and longitude"
            } else {
                "lat and lon (or wkt, or place)"
            };
            diags.push(missing_column(path, headers, what));
            return None;
        }
        let precision = match roles.precision {
            Some((name, threshold)) => column(&[name]).map(|c| (c, threshold)),
            None => column(&["geo_precision"])
                .map(|c| (c, 3))
                .or_else(|| column(&["where_prec"]).map(|c| (c, 3))),
        };
        let numeric = headers
            .iter()
            .map(|h| {
                let h = h.to_ascii_lowercase();
                NUMERIC.contains(&h.as_str())
            })
            .collect();
        Some(IncidentColumns {
            id: column(roles.id),
            date,
            lat,
            lon,
            wkt,
            place,
            precision,
            numeric,
            preset,
            roles,
        })
    }

    /// The column roles of the preset (or the generic ones).
    #[must_use]
    pub fn roles(&self) -> &'static Roles {
        self.roles
    }

    /// The date column.
    #[must_use]
    pub fn date(&self) -> usize {
        self.date
    }

    /// Whether a column is carried into the properties (the WKT column is not).
    #[must_use]
    pub fn is_property(&self, column: usize) -> bool {
        Some(column) != self.wkt
    }
}

/// Where an output property of an incident comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An input column.
    Column(usize),
    /// A property a preset derives from an input column (UCDP `type` from
    /// `type_of_violence` …).
    Derived(usize, Derive),
    /// One of the tags the incidents layer adds, by position in
    /// [`Tags::entries`](crate::layers::incidents::Tags::entries).
    Tag(usize),
}

/// The names of the tags the incidents layer adds, in output order (as
/// [`Tags::entries`](crate::layers::incidents::Tags::entries) gives them).
pub const TAG_NAMES: [&str; 5] =
    ["date", "zone", "zone_force", "location_precision", "marker-color"];

/// How the columns of an incidents file become a feature's properties,
/// decided once from the header: which columns are properties, under which
/// key, in which order, typed how, and which properties a preset derives.
///
/// The rules are those of a `serde_json::Map` filled per record (a
/// repeated key keeps its first position and takes the last value; a
/// preset's derived property is added when no property has its name; a
/// tag replaces a property of the same name in place), so the in-memory
/// incidents layer and the stream write the same bytes without building a
/// map per record.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The input properties in order (columns and derived ones).
    properties: Vec<(String, Source)>,
    /// The output properties in order: the input ones, then the tags;
    /// keys escaped once.
    entries: Vec<(Key, Source)>,
    /// The property giving the incident type (`type`, else `event_type`).
    kind: Option<Source>,
    /// Whether each column holds numbers.
    numeric: Vec<bool>,
    /// Whether numbers use a decimal comma.
    decimal_comma: bool,
}

impl Schema {
    /// The schema of a file with `headers`, read with `columns`.
    #[must_use]
    pub fn new(headers: &[String], columns: &IncidentColumns, decimal_comma: bool) -> Self {
        fn put(entries: &mut Vec<(String, Source)>, key: &str, source: Source) {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(e) => e.1 = source,
                None => entries.push((key.to_string(), source)),
            }
        }
        let mut properties: Vec<(String, Source)> = Vec::with_capacity(headers.len() + 5);
        for (i, h) in headers.iter().enumerate() {
            if !h.is_empty() && columns.is_property(i) {
                put(&mut properties, h, Source::Column(i));
            }
        }
        for (name, source, how) in columns.roles().derived {
            if properties.iter().any(|(k, _)| k.eq_ignore_ascii_case(name)) {
                continue;
            }
            // the value of the first property named like the source
            let from = properties.iter().find(|(k, _)| k.eq_ignore_ascii_case(source));
            let derived = match from.map(|(_, s)| *s) {
                Some(Source::Column(c) | Source::Derived(c, Derive::Copy)) => {
                    Source::Derived(c, *how)
                }
                Some(Source::Derived(c, Derive::UcdpViolence)) => {
                    Source::Derived(c, Derive::UcdpViolence)
                }
                Some(Source::Tag(_)) | None => continue,
            };
            properties.push(((*name).to_string(), derived));
        }
        Schema::with_properties(properties, columns.numeric.clone(), decimal_comma)
    }

    /// The schema of no input properties (only the tags).
    #[must_use]
    pub fn empty() -> Self {
        Schema::with_properties(Vec::new(), Vec::new(), false)
    }

    fn with_properties(
        properties: Vec<(String, Source)>,
        numeric: Vec<bool>,
        decimal_comma: bool,
    ) -> Self {
        let find = |key: &str| properties.iter().find(|(k, _)| k == key).map(|(_, s)| *s);
        let kind = find("type").or_else(|| find("event_type"));
        let mut entries: Vec<(Key, Source)> = Vec::with_capacity(properties.len() + 5);
        for (k, s) in &properties {
            entries.push((Key::new(k), *s));
        }
        // a tag replaces the property of the same name in place
        for (t, key) in TAG_NAMES.into_iter().enumerate() {
            match properties.iter().position(|(k, _)| k == key) {
                Some(i) => {
                    if let Some(e) = entries.get_mut(i) {
                        e.1 = Source::Tag(t);
                    }
                }
                None => entries.push((Key::new(key), Source::Tag(t))),
            }
        }
        Schema { properties, entries, kind, numeric, decimal_comma }
    }

    /// The value of a property column: null when empty, a number in a
    /// numeric column, else text.
    #[must_use]
    pub fn value<'r>(&self, column: usize, raw: &'r str) -> PropValue<'r> {
        if raw.is_empty() {
            PropValue::Null
        } else if self.numeric.get(column).copied().unwrap_or(false) {
            number(raw, self.decimal_comma).unwrap_or(PropValue::Str(raw))
        } else {
            PropValue::Str(raw)
        }
    }

    /// [`Schema::value`] when the number in `raw` may be in `known` (a
    /// column and the number `parse_number` reads in it, parsed already).
    fn value_known<'r>(
        &self,
        column: usize,
        raw: &'r str,
        known: &[(usize, f64)],
    ) -> PropValue<'r> {
        let parsed = known.iter().find(|(c, _)| *c == column).map(|(_, v)| *v);
        match parsed {
            Some(v) if !raw.is_empty() && self.numeric.get(column).copied().unwrap_or(false) => {
                // as `number`: an integer if it reads as one, else the float
                let raw = trim(raw);
                raw.parse::<i64>().map_or(PropValue::Float(v), PropValue::Int)
            }
            _ => self.value(column, raw),
        }
    }

    /// The value of an input property of a record (null for a tag).
    fn source_value<'r>(&self, source: Source, rec: &'r impl Fields) -> PropValue<'r> {
        self.source_value_known(source, rec, &[])
    }

    /// [`Schema::source_value`] with numbers of columns already parsed.
    fn source_value_known<'r>(
        &self,
        source: Source,
        rec: &'r impl Fields,
        known: &[(usize, f64)],
    ) -> PropValue<'r> {
        match source {
            Source::Column(c) | Source::Derived(c, Derive::Copy) => {
                self.value_known(c, rec.field(c), known)
            }
            Source::Derived(c, Derive::UcdpViolence) => violence_label(rec.field(c))
                .map_or_else(|| self.value(c, rec.field(c)), PropValue::Str),
            Source::Tag(_) => PropValue::Null,
        }
    }

    /// The record's incident type for the marker colour: the `type` (else
    /// `event_type`) property when it is text.
    #[must_use]
    pub fn kind<'r>(&self, rec: &'r impl Fields) -> Option<&'r str> {
        match self.kind.map(|s| self.source_value(s, rec)) {
            Some(PropValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The record's input properties in order.
    pub fn properties<'s, 'r, R: Fields>(
        &'s self,
        rec: &'r R,
    ) -> impl Iterator<Item = (&'s str, PropValue<'r>)> + use<'s, 'r, R> {
        self.properties.iter().map(move |(k, s)| (k.as_str(), self.source_value(*s, rec)))
    }

    /// The record's output properties in order: its input properties and
    /// `tags` (values in [`TAG_NAMES`] order).
    pub fn entries<'s, 'r, R: Fields>(
        &'s self,
        rec: &'r R,
        tags: &'r [(&'static str, PropValue<'r>)],
    ) -> impl Iterator<Item = (&'s Key, PropValue<'r>)> + use<'s, 'r, R> {
        self.entries_known(rec, tags, &[])
    }

    /// [`Schema::entries`] with the numbers of some columns parsed already:
    /// `known` holds columns and the number `parse_number` reads in each
    /// (the coordinates of [`Located::columns`]), not parsed again.
    pub fn entries_known<'s, 'r, R: Fields>(
        &'s self,
        rec: &'r R,
        tags: &'r [(&'static str, PropValue<'r>)],
        known: &'r [(usize, f64)],
    ) -> impl Iterator<Item = (&'s Key, PropValue<'r>)> + use<'s, 'r, R> {
        self.entries.iter().map(move |(k, s)| {
            let value = match s {
                Source::Tag(t) => tags.get(*t).map_or(PropValue::Null, |(_, v)| *v),
                _ => self.source_value_known(*s, rec, known),
            };
            (k, value)
        })
    }
}

/// Incidents as read, with their records: each incident's input columns
/// (other than a WKT position) typed on demand through the file's shared
/// schema, with the properties a preset derives from them (no map per
/// incident: a country has millions). Derefs to the incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct Incidents {
    items: Vec<Incident>,
    schema: Schema,
    records: Vec<Row>,
}

impl std::ops::Deref for Incidents {
    type Target = [Incident];

    fn deref(&self) -> &[Incident] {
        &self.items
    }
}

impl Default for Incidents {
    /// No incidents.
    fn default() -> Self {
        Incidents { items: Vec::new(), schema: Schema::empty(), records: Vec::new() }
    }
}

impl Incidents {
    /// The input properties of `incident`, one of these.
    #[must_use]
    pub fn properties(&self, incident: &Incident) -> Properties<'_> {
        static NONE: std::sync::LazyLock<Row> = std::sync::LazyLock::new(Row::default);
        Properties { schema: &self.schema, row: self.records.get(incident.record).unwrap_or(&NONE) }
    }
}

/// An incident's input properties: its record, typed on demand through the
/// file's shared schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Properties<'a> {
    schema: &'a Schema,
    row: &'a Row,
}

impl<'a> Properties<'a> {
    /// The value of a property, if the incident has it.
    #[must_use]
    pub fn get(self, key: &str) -> Option<PropValue<'a>> {
        let (_, source) = self.schema.properties.iter().find(|(k, _)| k == key)?;
        Some(self.schema.source_value(*source, self.row))
    }

    /// The value of a property as JSON; null when the incident lacks it
    /// (as indexing a `serde_json::Map`).
    #[must_use]
    pub fn value(&self, key: &str) -> Value {
        self.get(key).map_or(Value::Null, PropValue::to_value)
    }

    /// Whether the incident has a property.
    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.schema.properties.iter().any(|(k, _)| k == key)
    }

    /// The properties in order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, PropValue<'a>)> + 'a {
        self.schema.properties(self.row)
    }

    /// The incident type for the marker colour.
    #[must_use]
    pub fn kind(&self) -> Option<&'a str> {
        self.schema.kind(self.row)
    }

    /// The properties as a JSON map.
    #[must_use]
    pub fn to_map(self) -> Map<String, Value> {
        self.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect()
    }

    /// The schema and the record, for writers.
    #[must_use]
    pub fn parts(&self) -> (&'a Schema, &'a Row) {
        (self.schema, self.row)
    }
}

/// Where and when one record happened, before any zone or history lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// When it happened.
    pub date: Moment,
    /// Where, in WGS84 lon/lat.
    pub point: Point<f64>,
    /// How exactly the position is known.
    pub precision: LocationPrecision,
    /// The zone named in `place`, if the position came from it.
    pub place_zone: Option<usize>,
    /// The latitude and longitude columns, when the point was read from
    /// them as it is (not reprojected): its y and x are their numbers.
    pub columns: Option<(usize, usize)>,
}

/// A record's point, how precise it is, the zone named in `place` and the
/// coordinate columns read (the fields of [`Located`] but the date).
type Position = (Point<f64>, LocationPrecision, Option<usize>, Option<(usize, usize)>);

/// Reads incident records one at a time: shared by the in-memory reader
/// ([`read`]) and the streaming one (`crate::stream`).
#[derive(Debug, Clone)]
pub struct IncidentReader<'a> {
    /// The path as shown in messages.
    pub path: &'a Path,
    /// Column roles.
    pub columns: IncidentColumns,
    /// Date parser (declared format and slash order).
    pub dates: DateParser,
    /// Whether numbers use a decimal comma.
    pub decimal_comma: bool,
    /// Zones, for `place`.
    pub zones: &'a [Zone],
    /// Zone names, for `place`.
    pub names: &'a NameIndex,
    /// The CRS of projected coordinates (`incidents_crs`), if not WGS84.
    pub crs: Option<&'a Transform>,
}

impl IncidentReader<'_> {
    fn cell(&self, line: u64, column: usize) -> Location {
        Location::Cell { path: self.path.to_path_buf(), line, column: column as u64 + 1 }
    }

    /// The date and position of a record starting on `line`; problems go to
    /// `diags` and give `None`.
    pub fn locate(&self, rec: &impl Fields, line: u64, diags: &mut Diagnostics) -> Option<Located> {
        let c = self.columns.date;
        let value = rec.field(c);
        let date = match self.dates.parse(value) {
            Ok(m) => Some(m),
            Err(e) => {
                let (message, hint) = e.describe();
                let message = if value.is_empty() { "missing date" } else { message };
                diags.push(
                    Diagnostic::error(self.cell(line, c), message)
                        .with_value(value)
                        .with_hint(hint),
                );
                None
            }
        };
        // The position is checked even when the date is bad, so that every
        // bad cell of the row is reported.
        let (point, precision, place_zone, columns) = self.position(rec, line, diags)?;
        Some(Located { date: date?, point, precision, place_zone, columns })
    }

    /// The record's id: the id column, else `row-<line>`.
    #[must_use]
    pub fn id(&self, rec: &impl Fields, line: u64) -> String {
        self.id_with(rec, || line).into_owned()
    }

    /// [`IncidentReader::id`] with the line asked only when the id is made
    /// from it.
    pub fn id_with<'r>(
        &self,
        rec: &'r impl Fields,
        line: impl FnOnce() -> u64,
    ) -> std::borrow::Cow<'r, str> {
        match self.columns.id.map(|c| rec.field(c)).filter(|s| !s.is_empty()) {
            Some(id) => id.into(),
            None => format!("row-{}", line()).into(),
        }
    }

    /// The location of a duplicate id.
    #[must_use]
    pub fn id_location(&self, line: u64) -> Location {
        self.cell(line, self.columns.id.unwrap_or(0))
    }

    /// Where a record happened: its point, how precise, and the zone named in `place`.
    fn position(&self, rec: &impl Fields, line: u64, diags: &mut Diagnostics) -> Option<Position> {
        let cols = &self.columns;
        let approximate = cols.precision.is_some_and(|(c, threshold)| {
            parse_number(rec.field(c), false).is_some_and(|p| p >= f64::from(threshold))
        });
        let precision =
            if approximate { LocationPrecision::Approximate } else { LocationPrecision::Point };
        if let (Some(lat_c), Some(lon_c)) = (cols.lat, cols.lon) {
            let (lat_s, lon_s) = (rec.field(lat_c), rec.field(lon_c));
            if !lat_s.is_empty() || !lon_s.is_empty() {
                if let Some(t) = self.crs {
                    return self
                        .projected((lon_s, lat_s), (lon_c, lat_c), line, t, diags)
                        .map(|p| (p, precision, None, None));
                }
                let lat = self.coordinate(lat_s, line, lat_c, 90.0, "latitude", diags);
                let lon = self.coordinate(lon_s, line, lon_c, 180.0, "longitude", diags);
                return Some((Point::new(lon?, lat?), precision, None, Some((lat_c, lon_c))));
            }
        }
        if let Some(c) = cols.wkt.filter(|c| !rec.field(*c).is_empty()) {
            return match parse_wkt_point(rec.field(c)) {
                Some(p) if self.crs.is_some() => {
                    let t = self.crs?;
                    match t.coord(p.0) {
                        Ok(c) => Some((Point::from(c), precision, None, None)),
                        Err(e) => {
                            diags.push(
                                Diagnostic::error(self.cell(line, c), "cannot reproject incident")
                                    .with_value(e.to_string()),
                            );
                            None
                        }
                    }
                }
                Some(p) if p.x().abs() <= 180.0 && p.y().abs() <= 90.0 => {
                    Some((p, precision, None, None))
                }
                _ => {
                    diags.push(
                        Diagnostic::error(self.cell(line, c), "invalid WKT point")
                            .with_value(rec.field(c))
                            .with_hint("write POINT (lon lat) in WGS84"),
                    );
                    None
                }
            };
        }
        let Some(c) = cols.place.filter(|c| !rec.field(*c).is_empty()) else {
            if cols.roles.skip_unlocated {
                self.skip_unlocated(rec, line, diags);
                return None;
            }
            diags.push(
                Diagnostic::error(
                    Location::Record { path: self.path.to_path_buf(), line },
                    "incident has no location",
                )
                .with_hint("give lat and lon, or a place that names a zone"),
            );
            return None;
        };
        let place = rec.field(c);
        match self.names.lookup(place) {
            Lookup::Found(z) => {
                let zone = self.zones.get(z)?;
                let point = zone.geometry.interior_point()?;
                Some((point, LocationPrecision::Zone, Some(z), None))
            }
            // the zone's own error says why; its incidents are not errors again
            Lookup::Dropped => None,
            Lookup::Ambiguous(_) => {
                diags.push(
                    Diagnostic::error(self.cell(line, c), "place is ambiguous")
                        .with_value(place)
                        .with_hint("several zones have this name or alias; use the zone id"),
                );
                None
            }
            Lookup::Missing => {
                let hint = self
                    .names
                    .did_you_mean(place)
                    .unwrap_or_else(|| "a place without coordinates must name a zone".into());
                diags.push(
                    Diagnostic::error(self.cell(line, c), "unknown place")
                        .with_value(place)
                        .with_hint(hint),
                );
                None
            }
        }
    }

    /// An export row without coordinates (ACLED's PHL10453): the user cannot
    /// fix a downloaded export, so it is skipped with a warning, not an error.
    fn skip_unlocated(&self, rec: &impl Fields, line: u64, diags: &mut Diagnostics) {
        let cols = &self.columns;
        let at = cols.lat.map_or_else(
            || Location::Record { path: self.path.to_path_buf(), line },
            |c| self.cell(line, c),
        );
        let id = cols.id.map_or("", |c| rec.field(c));
        let preset = cols.preset.map_or("", Preset::label);
        diags.push(
            Diagnostic::warning(at, "incident has no coordinates; skipped")
                .with_value(id)
                .with_hint(format!(
                    "the {preset} export gives no latitude and longitude for this event"
                )),
        );
    }

    fn coordinate(
        &self,
        s: &str,
        line: u64,
        column: usize,
        limit: f64,
        what: &str,
        diags: &mut Diagnostics,
    ) -> Option<f64> {
        match parse_number(s, self.decimal_comma) {
            Some(v) if v.abs() <= limit => Some(v),
            Some(_) => {
                diags.push(
                    Diagnostic::error(self.cell(line, column), format!("{what} out of range"))
                        .with_value(s)
                        .with_hint(format!(
                            "{what} must be between -{limit} and {limit} degrees (WGS84)"
                        )),
                );
                None
            }
            None => {
                let hint = if s.contains(['°', '\'', '"']) {
                    "write decimal degrees, e.g. 37.0522 for 37°03'08\"; convert degrees, minutes and seconds first"
                } else {
                    "write decimal degrees, e.g. 37.0522"
                };
                diags.push(
                    Diagnostic::error(self.cell(line, column), format!("invalid {what}"))
                        .with_value(s)
                        .with_hint(hint),
                );
                None
            }
        }
    }

    /// A point given in `incidents_crs` (x in the lon column, y in the lat
    /// column), reprojected to WGS84.
    fn projected(
        &self,
        (x_s, y_s): (&str, &str),
        (x_c, y_c): (usize, usize),
        line: u64,
        t: &Transform,
        diags: &mut Diagnostics,
    ) -> Option<Point<f64>> {
        let x = self.coordinate(x_s, line, x_c, f64::INFINITY, "x coordinate", diags);
        let y = self.coordinate(y_s, line, y_c, f64::INFINITY, "y coordinate", diags);
        match t.coord(geo::Coord { x: x?, y: y? }) {
            Ok(c) => Some(Point::from(c)),
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        Location::Record { path: self.path.to_path_buf(), line },
                        "cannot reproject incident",
                    )
                    .with_value(e.to_string()),
                );
                None
            }
        }
    }
}

/// Read all incidents of a table. `zones` and `names` resolve `place`.
pub fn read(
    table: Table,
    zones: &[Zone],
    names: &NameIndex,
    date_format: Option<&str>,
    preset: Option<Preset>,
    crs: Option<&Transform>,
    diags: &mut Diagnostics,
) -> Incidents {
    let Some(columns) = IncidentColumns::detect(&table, preset, diags) else {
        return Incidents::default();
    };
    let dates = date_parser(&table, &[Some(columns.date)], date_format, diags);
    let schema = Schema::new(&table.headers, &columns, table.decimal_comma);
    let reader = IncidentReader {
        path: &table.path,
        columns,
        dates,
        decimal_comma: table.decimal_comma,
        zones,
        names,
        crs,
    };
    // Rows are parsed in parallel (a country's history has millions); ids
    // and diagnostics are then taken in file order.
    let (parsed, problems): (Vec<Option<(Located, String)>>, Vec<Diagnostics>) = table
        .rows
        .par_iter()
        .map(|row| {
            let mut d = Diagnostics::new();
            let located = reader.locate(row, row.line, &mut d);
            (located.map(|l| (l, reader.id(row, row.line))), d)
        })
        .unzip();
    // Duplicate ids: the located rows sorted by id, then file order; each
    // repeat names the line of the one before it.
    let id_of = |i: usize| parsed.get(i).and_then(Option::as_ref).map(|(_, id)| id.as_str());
    let mut order: Vec<usize> =
        parsed.iter().enumerate().filter(|(_, p)| p.is_some()).map(|(i, _)| i).collect();
    order.par_sort_unstable_by(|a, b| id_of(*a).cmp(&id_of(*b)).then(a.cmp(b)));
    let mut repeat_of: Vec<Option<u64>> = vec![None; parsed.len()];
    for pair in order.windows(2) {
        if let [a, b] = *pair {
            if id_of(a) == id_of(b) {
                if let Some(r) = repeat_of.get_mut(b) {
                    *r = table.rows.get(a).map(|row| row.line);
                }
            }
        }
    }
    let mut keep = vec![false; parsed.len()];
    for ((((located, d), row), keep), repeat) in
        parsed.iter().zip(problems).zip(&table.rows).zip(&mut keep).zip(repeat_of)
    {
        diags.extend(d);
        let Some((_, id)) = located else { continue };
        if let Some(first) = repeat {
            diags.push(
                Diagnostic::error(reader.id_location(row.line), "duplicate incident id")
                    .with_value(id)
                    .with_hint(format!("line {first} has the same id")),
            );
            continue;
        }
        *keep = true;
    }
    // The rows move beside the incidents: their text is the properties'.
    let (mut incidents, records): (Vec<Incident>, Vec<Row>) = parsed
        .into_par_iter()
        .zip(table.rows)
        .zip(keep)
        .filter_map(|((located, row), keep)| {
            let (located, id) = located.filter(|_| keep)?;
            let incident = Incident {
                id,
                date: located.date,
                point: located.point,
                precision: located.precision,
                place_zone: located.place_zone,
                line: row.line,
                record: 0,
            };
            Some((incident, row))
        })
        .unzip();
    for (i, incident) in incidents.iter_mut().enumerate() {
        incident.record = i;
    }
    Incidents { items: incidents, schema, records }
}

/// `POINT (41.2 37.0)`, `POINT(41.2 37.0)`, `POINT Z (…)`.
#[must_use]
pub fn parse_wkt_point(s: &str) -> Option<Point<f64>> {
    let upper = s.trim().to_ascii_uppercase();
    let rest = upper.strip_prefix("POINT")?;
    let inner = rest.trim_start_matches([' ', 'Z', 'M']).strip_prefix('(')?.strip_suffix(')')?;
    let mut it = inner.split_whitespace().map(str::parse::<f64>);
    let (x, y) = (it.next()?.ok()?, it.next()?.ok()?);
    (x.is_finite() && y.is_finite()).then(|| Point::new(x, y))
}

/// An integer when the text is one, else a float.
#[must_use]
pub fn number_value(s: &str, decimal_comma: bool) -> Option<Value> {
    number(s, decimal_comma).map(PropValue::to_value)
}

fn number(s: &str, decimal_comma: bool) -> Option<PropValue<'static>> {
    let s = trim(s);
    if let Ok(i) = s.parse::<i64>() {
        return Some(PropValue::Int(i));
    }
    parse_number(s, decimal_comma).map(PropValue::Float)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};
    use std::path::Path;

    fn zones() -> (Vec<Zone>, NameIndex) {
        let z = Zone {
            id: "al-tay".into(),
            name: "al-Tay".into(),
            aliases: vec!["Tayy".into()],
            geometry: MultiPolygon(vec![
                polygon![(x: 41.0, y: 37.0), (x: 41.1, y: 37.0), (x: 41.1, y: 37.1), (x: 41.0, y: 37.1), (x: 41.0, y: 37.0)],
            ]),
            properties: Map::new(),
            feature_index: 0,
        };
        let mut n = NameIndex::new();
        for s in ["al-Tay", "al-tay", "Tayy"] {
            n.insert(s, 0);
        }
        (vec![z], n)
    }

    fn read_str(csv: &str) -> (Incidents, Diagnostics) {
        let mut d = Diagnostics::new();
        let t = Table::from_bytes(Path::new("incidents.csv"), csv.as_bytes(), &mut d).unwrap();
        let (z, n) = zones();
        (read(t, &z, &n, None, None, None, &mut d), d)
    }

    proptest::proptest! {
        #[test]
        fn prop_known_coordinates_give_the_same_properties(
            lat in proptest::sample::select(vec!["37", "37.0", "-0.0", "37.50", " 37.5 ", "37,5", "3e1", "-89.9999999", "0.000001", "1,5e1", "37.", ".5"]),
            lon in proptest::sample::select(vec!["41", "41.25", "-180", "41,25", "4.1e1", "+41.2"]),
            semicolon: bool,
        ) {
            // the numbers `locate` read are the ones the properties show
            let headers: Vec<String> =
                ["id", "date", "latitude", "longitude", "lat"].map(String::from).to_vec();
            let mut d = Diagnostics::new();
            let columns =
                IncidentColumns::from_headers(Path::new("i.csv"), &headers, None, &mut d).unwrap();
            let schema = Schema::new(&headers, &columns, semicolon);
            let names = NameIndex::new();
            let reader = IncidentReader {
                path: Path::new("i.csv"),
                columns,
                dates: DateParser::new(),
                decimal_comma: semicolon,
                zones: &[],
                names: &names,
                crs: None,
            };
            let row = Row::new(2, ["1", "2021-04-25", lat, lon, lat]).unwrap();
            let Some(at) = reader.locate(&row, 2, &mut d) else { return Ok(()) };
            let (lat_c, lon_c) = at.columns.unwrap();
            let known = [(lat_c, at.point.y()), (lon_c, at.point.x())];
            let json = |v: PropValue<'_>| serde_json::to_string(&v.to_value()).unwrap();
            let plain: Vec<_> = schema.entries(&row, &[]).map(|(k, v)| (k, json(v))).collect();
            let with_known: Vec<_> =
                schema.entries_known(&row, &[], &known).map(|(k, v)| (k, json(v))).collect();
            proptest::prop_assert_eq!(plain, with_known);
        }
    }

    #[test]
    fn detects_columns_and_types_values() {
        let (inc, d) = read_str(
            "id,date,Latitude,LNG,place,type,fatalities,note\n1,2021-04-20,37.05,41.05,,clash,3,\"a, b\"\n2,2021-04-21,,,tayy,arrest,,\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(inc[0].point, Point::new(41.05, 37.05));
        assert_eq!(inc[0].precision, LocationPrecision::Point);
        let props = inc.properties(&inc[0]).to_map();
        assert_eq!(props["fatalities"], serde_json::json!(3));
        assert_eq!(props["note"], serde_json::json!("a, b"));
        assert_eq!(inc.properties(&inc[0]).get("fatalities"), Some(PropValue::Int(3)));
        assert_eq!(inc.properties(&inc[0]).get("missing"), None);
        assert_eq!(inc[1].precision, LocationPrecision::Zone);
        assert_eq!(inc[1].place_zone, Some(0));
        assert_eq!(inc.properties(&inc[1]).get("fatalities"), Some(PropValue::Null));
        assert_eq!(inc.properties(&inc[1]).kind(), Some("arrest"));
    }

    #[test]
    fn repeated_ids_name_the_row_before_and_are_dropped() {
        let (inc, d) = read_str(
            "id,date,lat,lon\nB,2021-04-20,37,41\nA,2021-04-20,37,41\nB,2021-04-21,37,41\nB,someday,37,41\nB,2021-04-22,37,41\nA,2021-04-23,37,41\n",
        );
        assert_eq!(
            inc.iter().map(|i| (i.id.as_str(), i.line)).collect::<Vec<_>>(),
            [("B", 2), ("A", 3)]
        );
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @r#"
        incidents.csv:4:1: duplicate incident id "B" — line 2 has the same id
        incidents.csv:5:2: unrecognised date "someday" — write dates as 2021-04-25 or 2021-04-25T22:00:00+03:00, or set date_format in frontline.toml
        incidents.csv:6:1: duplicate incident id "B" — line 4 has the same id
        incidents.csv:7:1: duplicate incident id "A" — line 3 has the same id
        "#);
    }

    #[test]
    fn decimal_commas_and_wkt() {
        let (inc, d) = read_str("date;lat;lon\n2021-04-20;37,05;41,05\n");
        assert!(d.is_empty());
        assert_eq!(inc[0].point, Point::new(41.05, 37.05));
        let (inc, _) = read_str("date,wkt\n2021-04-20,POINT (41.05 37.05)\n");
        assert_eq!(inc[0].point, Point::new(41.05, 37.05));
        assert_eq!(inc[0].id, "row-2");
    }

    #[test]
    fn approximate_locations_from_geo_precision() {
        let (inc, _) = read_str("event_id_cnty,event_date,latitude,longitude,geo_precision\nSYR1,9-May-20,37.05,41.05,3\nSYR2,9-May-20,37.05,41.05,1\n");
        assert_eq!(inc[0].id, "SYR1");
        assert_eq!(inc[0].precision, LocationPrecision::Approximate);
        assert_eq!(inc[1].precision, LocationPrecision::Point);
    }

    #[test]
    fn bad_rows_are_located() {
        let (inc, d) = read_str("id,date,lat,lon,place\n1,2021-04-20,95,41,\n2,2021-04-20,,,Tai\n3,someday,37,41,\n4,2021-04-20,,,\n");
        assert!(inc.is_empty());
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @r#"
        incidents.csv:2:3: latitude out of range "95" — latitude must be between -90 and 90 degrees (WGS84)
        incidents.csv:3:5: unknown place "Tai" — did you mean "al-Tay"?
        incidents.csv:4:2: unrecognised date "someday" — write dates as 2021-04-25 or 2021-04-25T22:00:00+03:00, or set date_format in frontline.toml
        incidents.csv:5: incident has no location — give lat and lon, or a place that names a zone
        "#);
    }
}
