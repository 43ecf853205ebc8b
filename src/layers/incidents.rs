//! `incidents.geojson`: one Point feature per incident dated in [S, D], with
//! the zone it happened in and who held that zone on the incident's date.

use super::{Feature, Snapshot};
use crate::error::Result;
use crate::history::History;
use crate::layers::control::force_key;
use crate::model::names::normalize;
use crate::model::Incident;
use crate::model::{Force, IsoText, LocationPrecision, Moment, Zone};
use crate::natural::natural_cmp;
use crate::read::incidents::TAG_NAMES;
use crate::spatial::ZoneIndex;
use crate::write::geojson::{FeatureWriter, Flavor, PropValue};
use geo::Point;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::Map;
use serde_json::Value;
use std::io::Write;

/// The marker colour of an incident type (simplestyle `marker-color`).
#[must_use]
pub fn type_color(kind: Option<&str>) -> &'static str {
    // A stream asks for the same few types millions of times: remember them
    // per thread (bounded, so a column of unique values cannot grow it).
    thread_local! {
        static SEEN: std::cell::RefCell<FxHashMap<Box<str>, &'static str>> =
            std::cell::RefCell::default();
    }
    let Some(kind) = kind else { return color_of(None) };
    SEEN.with(|seen| {
        if let Some(c) = seen.borrow().get(kind) {
            return *c;
        }
        let c = color_of(Some(kind));
        let mut seen = seen.borrow_mut();
        if seen.len() < 1024 {
            seen.insert(kind.into(), c);
        }
        c
    })
}

fn color_of(kind: Option<&str>) -> &'static str {
    // ASCII without apostrophes normalises to its lowercase words, and the
    // keywords are letters only, so a lowercase copy matches the same way
    // (and skips Unicode normalisation on every streamed row).
    let k = match kind {
        Some(s) if s.bytes().all(|b| b.is_ascii() && b != b'\'' && b != b'`') => {
            s.to_ascii_lowercase()
        }
        Some(s) => normalize(s),
        None => String::new(),
    };
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    if has(&["clash", "battle", "fight", "attack", "armed"]) {
        "#c0392b"
    } else if has(&["shell", "explosi", "remote", "strike", "bomb", "drone", "artillery", "mortar"])
    {
        "#e67e22"
    } else if has(&["arrest", "detain", "detention", "kidnap", "abduct"]) {
        "#8e44ad"
    } else if has(&["protest", "riot", "demonstrat"]) {
        "#2980b9"
    } else if has(&[
        "ceasefire",
        "truce",
        "agreement",
        "negotiat",
        "patrol",
        "monitor",
        "strategic",
    ]) {
        "#27ae60"
    } else {
        "#7f7f7f"
    }
}

/// What the incidents layer adds to one incident: the zone it happened in,
/// who held that zone on its date, how precise its position is, and its
/// marker colour. Shared by this layer and the streaming `crate::stream`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tags<'a> {
    /// The incident's date (ISO 8601).
    pub date: IsoText,
    /// Id of the containing zone (null for approximate locations).
    pub zone: Option<&'a str>,
    /// The force key of the zone's state on the incident's date.
    pub zone_force: Option<&'a str>,
    /// `point`, `zone` or `approximate`.
    pub location_precision: &'static str,
    /// simplestyle `marker-color` from the incident type.
    pub marker_color: &'static str,
}

impl Tags<'_> {
    /// The properties in output order (they follow the input columns).
    #[must_use]
    pub fn entries(&self) -> [(&'static str, PropValue<'_>); 5] {
        let [date, zone, zone_force, location_precision, marker_color] = TAG_NAMES;
        [
            (date, PropValue::Str(self.date.as_str())),
            (zone, self.zone.into()),
            (zone_force, self.zone_force.into()),
            (location_precision, PropValue::Str(self.location_precision)),
            (marker_color, PropValue::Str(self.marker_color)),
        ]
    }
}

/// Tags incidents: a zone index, the control history and the forces.
///
/// What a tag reads per incident sits in small arrays (zone ids, each
/// row's force key as a number): ten thousand zones and their rows do not
/// fit in a cache, and a streamed incident lands on any of them.
#[derive(Debug)]
pub struct Tagger<'a> {
    /// Each zone's id.
    zone_ids: Vec<&'a str>,
    index: ZoneIndex,
    history: &'a History<'a>,
    /// The distinct `force` keys of the control rows.
    force_keys: Vec<String>,
    /// Each control row's key, as a position in `force_keys`.
    row_keys: Vec<usize>,
}

impl<'a> Tagger<'a> {
    /// A tagger over `zones` (indexed once), `history` and `forces`.
    #[must_use]
    pub fn new(zones: &'a [Zone], history: &'a History<'a>, forces: &'a [Force]) -> Self {
        Self::with_index(zones, ZoneIndex::new(zones), history, forces)
    }

    /// A tagger with `zones` already indexed (`index` is [`ZoneIndex::new`]
    /// of `zones`).
    #[must_use]
    pub fn with_index(
        zones: &'a [Zone],
        index: ZoneIndex,
        history: &'a History<'a>,
        forces: &'a [Force],
    ) -> Self {
        let (force_keys, row_keys) = distinct_keys(history, forces);
        let zone_ids = zones.iter().map(|z| z.id.as_str()).collect();
        Tagger { zone_ids, index, history, force_keys, row_keys }
    }

    /// Tag one incident; `kind` is its `type` (or `event_type`) value.
    #[must_use]
    pub fn tag(
        &self,
        date: &Moment,
        point: Point<f64>,
        precision: LocationPrecision,
        place_zone: Option<usize>,
        kind: Option<&str>,
    ) -> Tags<'_> {
        let zone = match precision {
            LocationPrecision::Approximate => None,
            LocationPrecision::Zone => place_zone,
            LocationPrecision::Point => self.index.locate(point),
        };
        let holder = zone.and_then(|z| self.history.state_index_at(z, date.end()));
        Tags {
            date: date.iso(),
            zone: zone.and_then(|z| self.zone_ids.get(z)).copied(),
            zone_force: holder
                .and_then(|r| self.row_keys.get(r))
                .and_then(|k| self.force_keys.get(*k))
                .map(String::as_str),
            location_precision: precision.as_str(),
            marker_color: type_color(kind),
        }
    }
}

/// The distinct `force` keys of `history`'s rows, and each row's key as a
/// position among them (a key is made once per distinct list of forces).
fn distinct_keys(history: &History<'_>, forces: &[Force]) -> (Vec<String>, Vec<usize>) {
    let mut keys: Vec<String> = Vec::new();
    let mut seen: FxHashMap<&[usize], usize> = FxHashMap::default();
    let row_keys = history
        .rows()
        .iter()
        .map(|r| {
            *seen.entry(r.forces.as_slice()).or_insert_with(|| {
                keys.push(force_key(r, forces));
                keys.len() - 1
            })
        })
        .collect();
    (keys, row_keys)
}

/// Build the layer.
///
/// # Errors
///
/// None in practice; the signature matches the other layers.
pub fn build(s: &Snapshot<'_>) -> Result<Vec<Feature>> {
    let p = s.project;
    let tagger = Tagger::new(&p.zones, &s.history, &p.forces);
    let out = p
        .incidents
        .par_iter()
        .filter(|i| s.in_window(&i.date))
        .map(|inc| {
            let kind = inc.properties.kind();
            let tags = tagger.tag(&inc.date, inc.point, inc.precision, inc.place_zone, kind);
            let mut props = inc.properties.to_map();
            for (k, v) in tags.entries() {
                props.insert(k.into(), v.to_value());
            }
            Feature {
                id: inc.id.clone(),
                geometry: Some(geo::Geometry::Point(inc.point)),
                properties: props,
            }
        })
        .collect();
    Ok(out)
}

/// Render the layer without building a [`Feature`] per incident: incidents
/// sorted by id, properties typed from each record through the file's
/// [`Schema`](crate::read::incidents::Schema) with the tags, runs rendered
/// in parallel. The bytes are those of
/// [`write_collection`](crate::write::geojson::write_collection) over [`build`]
/// (a tag replaces an input column of the same name in place, as a map insert does).
///
/// # Errors
///
/// I/O errors of the in-memory writer (none in practice).
pub fn render<W: Write + Send>(
    s: &Snapshot<'_>,
    meta: &Map<String, Value>,
    precision: u8,
    flavor: Flavor,
    out: W,
) -> std::io::Result<(W, usize)> {
    let p = s.project;
    let mut chosen: Vec<&Incident> = p.incidents.iter().filter(|i| s.in_window(&i.date)).collect();
    if chosen.is_empty() {
        // no zone index for nothing to tag (a zones-only project)
        let fw = FeatureWriter::begin(out, precision, flavor, Some(meta))?;
        return Ok((fw.finish()?, 0));
    }
    let tagger = Tagger::new(&p.zones, &s.history, &p.forces);
    chosen.par_sort_by(|a, b| natural_cmp(&a.id, &b.id));
    let run = |run: &[&Incident]| -> std::io::Result<(Vec<u8>, usize)> {
        let mut fw = FeatureWriter::fragment(Vec::new(), precision, flavor);
        for inc in run {
            let (schema, row) = inc.properties.parts();
            let kind = schema.kind(row);
            let tags = tagger.tag(&inc.date, inc.point, inc.precision, inc.place_zone, kind);
            let entries = tags.entries();
            let props = schema.entries(row, &entries);
            fw.write_parts(&inc.id, Some(&geo::Geometry::Point(inc.point)), props)?;
        }
        Ok(fw.into_fragment())
    };
    let mut fw = FeatureWriter::begin(out, precision, flavor, Some(meta))?;
    // A group of runs is rendered while the one before is written: the
    // output (hundreds of megabytes for a country) is never all in memory.
    let mut written: Vec<(Vec<u8>, usize)> = Vec::new();
    for group in chosen.chunks(RUN * 32) {
        let (rendered, wrote) = rayon::join(
            || group.par_chunks(RUN).map(run).collect::<std::io::Result<Vec<_>>>(),
            || written.iter().try_for_each(|(bytes, count)| fw.append(bytes, *count)),
        );
        wrote?;
        written = rendered?;
    }
    for (bytes, count) in &written {
        fw.append(bytes, *count)?;
    }
    Ok((fw.finish()?, chosen.len()))
}

/// Incidents per piece rendered on one thread.
const RUN: usize = 2048;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_by_type_keywords() {
        assert_eq!(type_color(Some("Clash")), "#c0392b");
        assert_eq!(type_color(Some("Battles")), "#c0392b");
        assert_eq!(type_color(Some("Explosions/Remote violence")), "#e67e22");
        assert_eq!(type_color(Some("ceasefire")), "#27ae60");
        assert_eq!(type_color(None), "#7f7f7f");
    }
}
