//! ACLED event exports: the current lower-case schema (`event_id_cnty`,
//! `event_date` as `2020-05-09` or `9-May-20`, `geo_precision` 1–3) and the
//! legacy upper-case one (`EVENT_ID_CNTY`, `01-January-2015`), with or
//! without a pandas index column whose header is empty.
//!
//! `geo_precision` 3 means ACLED placed the event at an admin-area centroid,
//! so such incidents are `approximate`. Rows without coordinates are
//! skipped with a warning: the user did not write the export and cannot be
//! asked to fix it to build a map.

use super::{Derive, Roles};

/// Columns every ACLED export has.
pub const SIGNATURE: &[&str] = &["event_id_cnty", "event_date", "event_type", "geo_precision"];

/// Column roles of an ACLED export.
pub static ROLES: Roles = Roles {
    id: &["event_id_cnty"],
    date: &["event_date"],
    lat: &["latitude"],
    lon: &["longitude"],
    wkt: &[],
    place: &[],
    precision: Some(("geo_precision", 3)),
    skip_unlocated: true,
    derived: &[("type", "event_type", Derive::Copy)],
};
