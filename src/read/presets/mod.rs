//! Presets: ACLED and UCDP GED exports read as they are downloaded.
//!
//! A preset is a column-role mapping: which header is the id, the date, the
//! coordinates, the location precision, and which readable properties
//! (`type`, `actor1`, `fatalities` …) are derived from the source's own
//! columns. [`Preset::detect`] recognises an export from its header;
//! `--preset` / `preset = "acled"` forces one. [`Roles`] is what
//! `read::incidents` consults for any table, preset or not. This module
//! does not read rows or report row problems.

pub mod acled;
pub mod ucdp;

use serde_json::{Map, Value};

/// A known export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// ACLED event exports (current lower-case and legacy upper-case schemas).
    Acled,
    /// UCDP Georeferenced Event Dataset (GED) exports.
    Ucdp,
}

impl Preset {
    /// Parse a preset name (`acled`, `ucdp`; case-insensitive).
    #[must_use]
    pub fn parse(name: &str) -> Option<Preset> {
        match name.trim().to_ascii_lowercase().as_str() {
            "acled" => Some(Preset::Acled),
            "ucdp" | "ucdp-ged" | "ged" => Some(Preset::Ucdp),
            _ => None,
        }
    }

    /// The name used in messages and options.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Preset::Acled => "acled",
            Preset::Ucdp => "ucdp",
        }
    }

    /// The name of the export in prose (`ACLED`, `UCDP GED`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Preset::Acled => "ACLED",
            Preset::Ucdp => "UCDP GED",
        }
    }

    /// Recognise an export from its header: every column the preset
    /// identifies itself by must be present.
    #[must_use]
    pub fn detect(headers: &[String]) -> Option<Preset> {
        [Preset::Acled, Preset::Ucdp]
            .into_iter()
            .find(|p| p.signature().iter().all(|name| find_column(headers, &[name]).is_some()))
    }

    /// The columns that identify the export.
    fn signature(self) -> &'static [&'static str] {
        match self {
            Preset::Acled => acled::SIGNATURE,
            Preset::Ucdp => ucdp::SIGNATURE,
        }
    }

    /// The column roles of this export.
    #[must_use]
    pub fn roles(self) -> &'static Roles {
        match self {
            Preset::Acled => &acled::ROLES,
            Preset::Ucdp => &ucdp::ROLES,
        }
    }
}

/// Header names for each role of an incidents table, in order of preference.
#[derive(Debug)]
pub struct Roles {
    /// Stable incident id.
    pub id: &'static [&'static str],
    /// Event date (start date for ranges).
    pub date: &'static [&'static str],
    /// Latitude.
    pub lat: &'static [&'static str],
    /// Longitude.
    pub lon: &'static [&'static str],
    /// A WKT `POINT` column.
    pub wkt: &'static [&'static str],
    /// A place naming a zone, for rows without coordinates.
    pub place: &'static [&'static str],
    /// A location-precision code column, and the code from which a point is
    /// only an admin-area centroid (`approximate`).
    pub precision: Option<(&'static str, u32)>,
    /// Whether a row without any coordinates is skipped with a warning
    /// (exports the user cannot edit) rather than an error.
    pub skip_unlocated: bool,
    /// Readable properties derived from source columns: (property, source
    /// column, how). Added only when the table has no such column already.
    pub derived: &'static [(&'static str, &'static str, Derive)],
}

/// How a derived property is made from its source column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    /// The value as it is (already typed).
    Copy,
    /// UCDP `type_of_violence` 1/2/3 as a readable name.
    UcdpViolence,
}

/// Roles for hand-made incident tables (no preset).
pub static GENERIC: Roles = Roles {
    id: &["id", "event_id_cnty", "event_id", "incident_id"],
    date: &["date", "event_date", "date_start", "datetime", "time"],
    lat: &["lat", "latitude", "y"],
    lon: &["lon", "lng", "long", "longitude", "x"],
    wkt: &["wkt", "geometry", "geom_wkt", "the_geom"],
    place: &["place", "zone", "location"],
    precision: None,
    skip_unlocated: false,
    derived: &[],
};

/// The roles for a table: the forced preset, else the detected one, else
/// [`GENERIC`]. Returns the preset that applies, if any.
#[must_use]
pub fn roles_for(forced: Option<Preset>, headers: &[String]) -> (Option<Preset>, &'static Roles) {
    match forced.or_else(|| Preset::detect(headers)) {
        Some(p) => (Some(p), p.roles()),
        None => (None, &GENERIC),
    }
}

impl Roles {
    /// Add the derived properties to a row's properties.
    pub fn derive(&self, properties: &mut Map<String, Value>) {
        for (name, source, how) in self.derived {
            if properties.keys().any(|k| k.eq_ignore_ascii_case(name)) {
                continue;
            }
            let Some(value) = properties
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(source))
                .map(|(_, v)| v.clone())
            else {
                continue;
            };
            let value = match how {
                Derive::Copy => value,
                Derive::UcdpViolence => ucdp::violence_name(&value),
            };
            properties.insert((*name).to_string(), value);
        }
    }
}

/// Normalise a header for matching: lowercase, without spaces, `_` and `-`.
#[must_use]
pub fn header_key(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, ' ' | '_' | '-')).flat_map(char::to_lowercase).collect()
}

/// The 0-based index of the first header matching one of `names`
/// (case-insensitive, ignoring spaces, `_` and `-`), trying `names` in order.
#[must_use]
pub fn find_column(headers: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| {
        let n = header_key(n);
        headers.iter().position(|h| header_key(h) == n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn detects_exports_from_their_header() {
        let modern = headers("data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,latitude,longitude,geo_precision,fatalities");
        assert_eq!(Preset::detect(&modern), Some(Preset::Acled));
        let legacy = headers("GWNO,EVENT_ID_CNTY,EVENT_DATE,EVENT_TYPE,ACTOR1,LATITUDE,LONGITUDE,GEO_PRECISION,FATALITIES");
        assert_eq!(Preset::detect(&legacy), Some(Preset::Acled));
        let ged = headers("id,year,type_of_violence,side_a,side_b,where_prec,latitude,longitude,date_start,date_end,best");
        assert_eq!(Preset::detect(&ged), Some(Preset::Ucdp));
        assert_eq!(Preset::detect(&headers("id,date,lat,lon")), None);
        assert_eq!(Preset::parse("ACLED"), Some(Preset::Acled));
        assert_eq!(Preset::parse("gdelt"), None);
    }

    #[test]
    fn derives_readable_properties() {
        let mut m = Map::new();
        m.insert("best".into(), Value::from(4));
        m.insert("type_of_violence".into(), Value::from(2));
        m.insert("side_a".into(), Value::from("Government of Myanmar"));
        Preset::Ucdp.roles().derive(&mut m);
        assert_eq!(m["fatalities"], Value::from(4));
        assert_eq!(m["type"], Value::from("non-state conflict"));
        assert_eq!(m["actor1"], Value::from("Government of Myanmar"));
    }
}
