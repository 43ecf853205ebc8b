//! UCDP Georeferenced Event Dataset (GED) exports: `id`, `date_start` (the
//! incident date) and `date_end` (kept as a property), `side_a`/`side_b`,
//! `best` (the best fatality estimate), `where_prec` and
//! `where_description`. The HXL hashtag row of HDX copies is skipped by the
//! table reader.
//!
//! `where_prec` 3 and above mean the point stands for a second-order admin
//! area or larger, so such incidents are `approximate`.

use super::{Derive, Roles};
use serde_json::Value;

/// Columns every GED export has.
pub const SIGNATURE: &[&str] = &["type_of_violence", "where_prec", "date_start", "side_a", "best"];

/// Column roles of a GED export.
pub static ROLES: Roles = Roles {
    id: &["id"],
    date: &["date_start"],
    lat: &["latitude"],
    lon: &["longitude"],
    wkt: &["geom_wkt"],
    place: &[],
    precision: Some(("where_prec", 3)),
    skip_unlocated: true,
    derived: &[
        ("type", "type_of_violence", Derive::UcdpViolence),
        ("actor1", "side_a", Derive::Copy),
        ("actor2", "side_b", Derive::Copy),
        ("fatalities", "best", Derive::Copy),
        ("location", "where_description", Derive::Copy),
    ],
};

/// GED's `type_of_violence` code as a readable name; other values pass.
#[must_use]
pub fn violence_name(code: &Value) -> Value {
    let text = match code {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    };
    let label = code
        .as_i64()
        .and_then(|n| violence_label(&n.to_string()))
        .or_else(|| text.and_then(violence_label));
    label.map_or_else(|| code.clone(), Value::from)
}

/// The readable name of a `type_of_violence` code written as text (`"1"`).
#[must_use]
pub fn violence_label(code: &str) -> Option<&'static str> {
    match code.trim().parse::<i64>().ok()? {
        1 => Some("state-based conflict"),
        2 => Some("non-state conflict"),
        3 => Some("one-sided violence"),
        _ => None,
    }
}
