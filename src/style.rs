//! Colours: the default colour-blind-safe palette and simplestyle properties.
//!
//! The palette lives in `data/palette.csv` (Okabe–Ito) and is compiled in.
//! Forces without a colour in `forces.csv` get palette colours in the order
//! of their ids, so the same project always gets the same colours.

use crate::model::{ControlRow, Force, Status};

/// The palette file, compiled in.
const PALETTE_CSV: &str = include_str!("../data/palette.csv");

/// The default palette's numbered colours, in order.
#[must_use]
pub fn palette() -> Vec<&'static str> {
    entries().filter(|(k, _)| k.parse::<usize>().is_ok()).map(|(_, c)| c).collect()
}

/// Colour for contested zones.
#[must_use]
pub fn contested_color() -> &'static str {
    named("contested").unwrap_or("#7F7F7F")
}

/// Colour for zones with no known controller.
#[must_use]
pub fn unknown_color() -> &'static str {
    named("unknown").unwrap_or("#BBBBBB")
}

fn named(key: &str) -> Option<&'static str> {
    entries().find(|(k, _)| *k == key).map(|(_, c)| c)
}

fn entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    PALETTE_CSV.lines().skip(1).filter_map(|l| {
        let mut f = l.split(',');
        Some((f.next()?.trim(), f.next()?.trim()))
    })
}

/// The palette colour for the `n`-th force (wrapping around).
#[must_use]
pub fn nth_color(n: usize) -> &'static str {
    let p = palette();
    p.get(n % p.len().max(1)).copied().unwrap_or("#000000")
}

/// Whether a string is a `#rrggbb` or `#rgb` colour.
#[cfg(test)]
fn is_hex_color(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|h| (h.len() == 6 || h.len() == 3) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Normalise a colour to lowercase `#rrggbb`.
#[must_use]
pub fn normalize_color(s: &str) -> Option<String> {
    let h = s.trim().strip_prefix('#')?;
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match h.len() {
        6 => Some(format!("#{}", h.to_ascii_lowercase())),
        3 => Some(format!(
            "#{}",
            h.chars().flat_map(|c| [c, c]).collect::<String>().to_ascii_lowercase()
        )),
        _ => None,
    }
}

/// Fill opacity of a zone by status.
#[must_use]
pub fn fill_opacity(status: Option<Status>) -> f64 {
    match status {
        Some(Status::Held) => 0.6,
        Some(Status::Contested) => 0.5,
        Some(Status::Claimed) => 0.3,
        None => 0.2,
    }
}

/// The `force` value of a state: the force id, or sorted ids joined by `|`.
#[must_use]
pub fn force_key(row: &ControlRow, forces: &[Force]) -> String {
    row.forces
        .iter()
        .filter_map(|f| forces.get(*f))
        .map(|f| f.id.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

/// The `force_name` value: names joined by ` | `.
#[must_use]
pub fn force_name(row: &ControlRow, forces: &[Force]) -> String {
    row.forces
        .iter()
        .filter_map(|f| forces.get(*f))
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The fill colour of a state.
#[must_use]
pub fn state_color(row: Option<&ControlRow>, forces: &[Force]) -> String {
    match row {
        None => unknown_color().to_ascii_lowercase(),
        Some(r) if r.status == Status::Contested => contested_color().to_ascii_lowercase(),
        Some(r) => r
            .forces
            .first()
            .and_then(|f| forces.get(*f))
            .map_or_else(|| unknown_color().to_ascii_lowercase(), |f| f.color.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_is_okabe_ito() {
        assert_eq!(palette().len(), 8);
        assert_eq!(nth_color(0), "#0072B2");
        assert_eq!(nth_color(9), "#E69F00");
        assert!(palette().iter().all(|c| is_hex_color(c)));
        assert_eq!(normalize_color("#ABC").as_deref(), Some("#aabbcc"));
        assert_eq!(normalize_color("red"), None);
    }
}
