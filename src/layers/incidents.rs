//! `incidents.geojson`: one Point feature per incident dated in [S, D], with
//! the zone it happened in and who held that zone on the incident's date.

use super::Snapshot;
use crate::feature::{recycle, FeatureRef, Features, Key, Name, PropValue, Properties, Shape};
use crate::history::History;
use crate::model::names::normalize;
use crate::model::Incident;
use crate::model::{Force, IsoText, LocationPrecision, Moment, Zone};
use crate::natural::natural_cmp;
use crate::read::incidents::{Incidents, TAG_NAMES};
use crate::spatial::ZoneIndex;
use crate::style::force_key;
use geo::Point;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::ops::Range;

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

/// Build the layer: the incidents dated in [S, D], in id order, tagged as
/// they are written.
#[must_use]
pub(crate) fn build<'a>(s: &'a Snapshot<'_>) -> IncidentsLayer<'a> {
    let mut chosen: Vec<&Incident> = s.incidents.iter().filter(|i| s.in_window(&i.date)).collect();
    chosen.par_sort_by(|a, b| natural_cmp(&a.id, &b.id));
    // no zone index for nothing to tag (a zones-only project)
    let tagger =
        if chosen.is_empty() { None } else { Some(Tagger::new(s.zones, &s.history, s.forces)) };
    IncidentsLayer { incidents: s.incidents, chosen, tagger }
}

/// The incidents layer: incidents in id order, tagged one by one as they
/// are handed out (no feature per incident is kept: a country has millions).
#[derive(Debug)]
pub(crate) struct IncidentsLayer<'a> {
    incidents: &'a Incidents,
    chosen: Vec<&'a Incident>,
    tagger: Option<Tagger<'a>>,
}

impl Features for IncidentsLayer<'_> {
    fn len(&self) -> usize {
        self.chosen.len()
    }

    fn each(
        &self,
        range: Range<usize>,
        f: &mut dyn FnMut(&FeatureRef<'_>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let Some(tagger) = &self.tagger else { return Ok(()) };
        let mut room = Vec::new();
        for inc in self.chosen.get(range).unwrap_or_default() {
            let (schema, row) = self.incidents.properties(inc).parts();
            let kind = schema.kind(row);
            let tags = tagger.tag(&inc.date, inc.point, inc.precision, inc.place_zone, kind);
            let tags = tags.entries();
            let feature = feature(&inc.id, inc.point, schema.entries(row, &tags), recycle(room));
            f(&feature)?;
            room = recycle(feature.properties);
        }
        Ok(())
    }
}

/// The one incident feature, of the layer and of the stream alike: its id,
/// its point and its properties (input columns and tags, in output order;
/// a tag replaces an input column of the same name in its place).
pub(crate) fn feature<'a>(
    id: &'a str,
    point: Point<f64>,
    entries: impl Iterator<Item = (&'a Key, PropValue<'a>)>,
    mut properties: Properties<'a>,
) -> FeatureRef<'a> {
    properties.extend(entries.map(|(k, v)| (Name::Key(k), v)));
    FeatureRef { id, shape: Shape::Point(point), properties }
}

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
