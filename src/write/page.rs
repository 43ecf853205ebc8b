//! What a published map shows, gathered once for the HTML page and the SVG.
//!
//! [`PageData`] is assembled from the [`Snapshot`] and the layers the build
//! produced: zones with their geometry and control periods, the forces that
//! appear with their colours, incidents, contact lines and label points when
//! those layers exist, names picked in the requested language. It owns no
//! markup: `html.rs` serialises it into the page, `svg.rs` draws it. Text in
//! it is raw (unescaped); each writer escapes for its own syntax.

use crate::layers::{Feature, Snapshot};
use crate::model::date::parse_iso;
use crate::model::{Moment, Status};
use crate::style;
use crate::style::fill_opacity;
use crate::write::geojson::push_geometry;
use crate::write::{Context, OwnedLayers};
use geo::Geometry;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Primary language subtags written right to left.
const RTL_LANGS: &[&str] = &["ar", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"];

/// Everything a published map shows.
#[derive(Debug, Clone, Serialize)]
pub struct PageData {
    /// Map title.
    pub title: String,
    /// Attribution line.
    pub attribution: String,
    /// Language of labels and interface (`None`: the data's own names, English interface).
    pub lang: Option<String>,
    /// Whether the language is written right to left.
    pub rtl: bool,
    /// The map date D (ISO 8601).
    pub as_of: String,
    /// Sort key of the end of D (`YYYY-MM-DDTHH:MM:SS`).
    pub as_of_key: String,
    /// The dates the time slider stops at: every period start, and D.
    pub stops: Vec<Stop>,
    /// The forces that hold, claim or contest a zone at some time, with colours.
    pub forces: Vec<PageForce>,
    /// Hatch patterns for contested states (one per set of forces).
    pub patterns: Vec<Pattern>,
    /// Zones with geometry and control periods.
    pub zones: Vec<PageZone>,
    /// Incidents in the recent window.
    pub incidents: Vec<PageIncident>,
    /// Incident types with their marker colours, for the legend.
    pub incident_types: Vec<(String, String)>,
    /// Contact lines, when the build has a `frontlines` layer.
    pub frontlines: Option<Vec<PageLine>>,
    /// Label points, one per zone (from the `labels` layer when present).
    pub labels: Vec<PageLabel>,
    /// Interface words in the page's language.
    pub ui: BTreeMap<&'static str, &'static str>,
    /// Bounding box of the zones: `[west, south, east, north]`.
    pub bbox: [f64; 4],
}

/// One stop of the time slider.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Stop {
    /// Sort key (`YYYY-MM-DDTHH:MM:SS`, wall-clock time as written).
    pub key: String,
    /// The date as the data gives it (ISO 8601).
    pub label: String,
}

/// A force as the map shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PageForce {
    /// Force id.
    pub id: String,
    /// Name in the page's language.
    pub name: String,
    /// Fill colour `#rrggbb`.
    pub color: String,
}

/// A two-or-more-colour stripe pattern for contested zones.
#[derive(Debug, Clone, Serialize)]
pub struct Pattern {
    /// Element id (`fl-hatch-0`).
    pub id: String,
    /// The stripes' colours.
    pub colors: Vec<String>,
}

/// A zone: geometry and control history.
#[derive(Debug, Clone, Serialize)]
pub struct PageZone {
    /// Zone id.
    pub id: String,
    /// Name in the page's language.
    pub name: String,
    /// GeoJSON geometry, rounded.
    pub geometry: Value,
    /// Control periods in time order.
    pub periods: Vec<PagePeriod>,
}

/// One control period of a zone.
#[derive(Debug, Clone, Serialize)]
pub struct PagePeriod {
    /// Sort key of the start.
    pub start_key: String,
    /// Start as in the data.
    pub start: String,
    /// Sort key of the end (`None`: open).
    pub end_key: Option<String>,
    /// Force key (`ndf`, `asayish|ndf`).
    pub force: String,
    /// Force names in the page's language, joined by ` | `.
    pub force_name: String,
    /// `held`, `contested` or `claimed`.
    pub status: String,
    /// Fill colour.
    pub fill: String,
    /// Fill opacity.
    pub opacity: f64,
    /// Hatch pattern id for contested states.
    pub pattern: Option<String>,
    /// Source text.
    pub source: Option<String>,
    /// Link for the source (a `url` column), unvalidated.
    pub url: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// An incident marker.
#[derive(Debug, Clone, Serialize)]
pub struct PageIncident {
    /// Incident id.
    pub id: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Marker colour.
    pub color: String,
    /// Whether the location is only approximate (drawn hollow).
    pub approximate: bool,
    /// Properties to show, as text, in order.
    pub props: Vec<(String, String)>,
}

/// A contact line.
#[derive(Debug, Clone, Serialize)]
pub struct PageLine {
    /// GeoJSON geometry.
    pub geometry: Value,
    /// The forces on either side, in the page's language.
    pub forces: String,
    /// Stroke colour.
    pub stroke: String,
}

/// A label point.
#[derive(Debug, Clone, Serialize)]
pub struct PageLabel {
    /// Zone id.
    pub zone: String,
    /// The text.
    pub name: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// Whether a language tag is written right to left.
#[must_use]
pub fn is_rtl(lang: &str) -> bool {
    let primary = lang.split('-').next().unwrap_or_default().to_ascii_lowercase();
    RTL_LANGS.contains(&primary.as_str())
}

/// The layer named `name` among the built ones.
#[must_use]
pub fn layer<'a>(layers: &'a OwnedLayers, name: &str) -> Option<&'a [Feature]> {
    layers.iter().find(|(k, _)| k.name() == name).map(|(_, f)| &f[..])
}

fn key_of(m: &Moment) -> String {
    m.key().format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn geometry_json(g: &Geometry<f64>, precision: u8) -> Value {
    let mut buf = String::new();
    push_geometry(&mut buf, g, precision);
    serde_json::from_str(&buf).unwrap_or(Value::Null)
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl PageData {
    /// Gather what the map shows from a snapshot and its built layers.
    ///
    #[allow(clippy::too_many_lines)] // one pass over the zones gathers periods, patterns and stops together
    pub fn new(cx: &Context<'_>, layers: &OwnedLayers) -> PageData {
        let (s, settings) = (cx.snapshot, cx.settings);
        let precision = settings.precision;
        let lang = settings.lang.clone();
        let lang_ref = lang.as_deref();
        let force_label = |i: usize| -> String {
            s.forces.get(i).map_or_else(String::new, |f| {
                lang_ref
                    .and_then(|l| f.names.iter().find(|(k, _)| k == l))
                    .map_or_else(|| f.name.clone(), |(_, n)| n.clone())
            })
        };
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut used: BTreeSet<usize> = BTreeSet::new();
        let mut stops: BTreeSet<Stop> = BTreeSet::new();
        let as_of_key = s.as_of.end().format("%Y-%m-%dT%H:%M:%S").to_string();
        // each zone's periods, from the timeline layer's features
        let mut timeline: BTreeMap<&str, Vec<&Feature>> = BTreeMap::new();
        for f in layer(layers, "timeline").unwrap_or_default() {
            if let Some(zone) = f.properties.get("zone").and_then(Value::as_str) {
                timeline.entry(zone).or_default().push(f);
            }
        }
        let mut zones = Vec::with_capacity(s.zones.len());
        let mut zone_names: BTreeMap<&str, String> = BTreeMap::new();
        let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for zone in s.zones {
            let name = lang_ref
                .and_then(|l| zone.properties.get(&format!("name:{l}")))
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .map_or_else(|| zone.name.clone(), str::to_string);
            zone_names.insert(zone.id.as_str(), name.clone());
            for poly in &zone.geometry.0 {
                for c in &poly.exterior().0 {
                    bbox = [bbox[0].min(c.x), bbox[1].min(c.y), bbox[2].max(c.x), bbox[3].max(c.y)];
                }
            }
            let features = timeline.get(zone.id.as_str()).map_or(&[][..], Vec::as_slice);
            let mut periods = timeline_periods(features, s);
            for per in &mut periods {
                let rows: Vec<usize> = per
                    .force
                    .split('|')
                    .filter_map(|id| s.forces.iter().position(|f| f.id == id))
                    .collect();
                used.extend(rows.iter().copied());
                per.force_name =
                    rows.iter().map(|f| force_label(*f)).collect::<Vec<_>>().join(" | ");
                if per.status == Status::Contested.as_str() {
                    let colors: Vec<String> = rows
                        .iter()
                        .filter_map(|f| s.forces.get(*f))
                        .map(|f| f.color.clone())
                        .collect();
                    let id = match patterns.iter().find(|pat| pat.colors == colors) {
                        Some(pat) => pat.id.clone(),
                        None => {
                            let id = format!("fl-hatch-{}", patterns.len());
                            patterns.push(Pattern { id: id.clone(), colors });
                            id
                        }
                    };
                    per.pattern = Some(id);
                }
                stops.insert(Stop { key: per.start_key.clone(), label: per.start.clone() });
            }
            zones.push(PageZone {
                id: zone.id.clone(),
                name,
                geometry: geometry_json(&Geometry::MultiPolygon(zone.geometry.clone()), precision),
                periods,
            });
        }
        stops.insert(Stop { key: as_of_key.clone(), label: s.as_of.to_iso() });
        // one stop per key: a date-time and the date D can share a key only if equal
        let mut stops: Vec<Stop> = stops.into_iter().collect();
        stops.dedup_by(|a, b| a.key == b.key);

        let (incidents, incident_types) = incidents_of(layer(layers, "incidents"), precision);
        let frontlines =
            layer(layers, "frontlines").map(|fs| lines_of(fs, s, &force_label, precision));
        let labels = labels_of(layer(layers, "labels").unwrap_or_default(), &zone_names);
        let forces = used
            .iter()
            .filter_map(|i| {
                let f = s.forces.get(*i)?;
                Some(PageForce { id: f.id.clone(), name: force_label(*i), color: f.color.clone() })
            })
            .collect();
        if !bbox.iter().all(|v| v.is_finite()) {
            bbox = [-180.0, -85.0, 180.0, 85.0];
        }
        PageData {
            title: settings.title.clone(),
            attribution: settings.attribution.clone(),
            rtl: lang_ref.is_some_and(is_rtl),
            ui: ui_words(lang_ref),
            lang,
            as_of: s.as_of.to_iso(),
            as_of_key,
            stops,
            forces,
            patterns,
            zones,
            incidents,
            incident_types,
            frontlines,
            labels,
            bbox,
        }
    }

    /// The state a zone shows at the slider stop `key`: the period with the
    /// latest start at or before `key` whose end is after it (History's rule).
    #[must_use]
    pub fn period_at<'a>(zone: &'a PageZone, key: &str) -> Option<&'a PagePeriod> {
        zone.periods
            .iter()
            .rev()
            .find(|p| p.start_key.as_str() <= key && p.end_key.as_deref().is_none_or(|e| e > key))
    }

    /// Which statuses occur in any period.
    #[must_use]
    pub fn statuses(&self) -> BTreeSet<&str> {
        self.zones.iter().flat_map(|z| z.periods.iter().map(|p| p.status.as_str())).collect()
    }
}

fn lines_of(
    fs: &[Feature],
    p: &Snapshot<'_>,
    force_label: &dyn Fn(usize) -> String,
    precision: u8,
) -> Vec<PageLine> {
    fs.iter()
        .filter_map(|f| {
            let g = f.geometry.as_ref()?;
            let forces = f
                .properties
                .get("forces")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|id| {
                            p.forces
                                .iter()
                                .position(|x| x.id == id)
                                .map_or_else(|| id.to_string(), force_label)
                        })
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .unwrap_or_default();
            let stroke = f
                .properties
                .get("stroke")
                .and_then(Value::as_str)
                .and_then(style::normalize_color)
                .unwrap_or_else(|| "#111111".into());
            Some(PageLine { geometry: geometry_json(g, precision), forces, stroke })
        })
        .collect()
}

fn labels_of(labels: &[Feature], zone_names: &BTreeMap<&str, String>) -> Vec<PageLabel> {
    labels
        .iter()
        .filter_map(|f| {
            let Some(Geometry::Point(pt)) = &f.geometry else { return None };
            let zone = f.properties.get("zone").and_then(Value::as_str).unwrap_or(&f.id);
            let name = zone_names.get(zone).cloned().or_else(|| text(f.properties.get("name")))?;
            Some(PageLabel { zone: zone.to_string(), name, lon: pt.x(), lat: pt.y() })
        })
        .collect()
}

/// Periods of one zone read from its `timeline` features.
fn timeline_periods(features: &[&Feature], p: &Snapshot<'_>) -> Vec<PagePeriod> {
    let iso = |s: &str| parse_iso(s).and_then(Result::ok);
    let mut out: Vec<PagePeriod> = features
        .iter()
        .filter_map(|f| {
            let pr = &f.properties;
            let start = iso(pr.get("start")?.as_str()?)?;
            let end = pr.get("end").and_then(Value::as_str).and_then(iso);
            let force = text(pr.get("force")).unwrap_or_default();
            let status = text(pr.get("status")).unwrap_or_else(|| "held".into());
            let st = Status::parse(&status);
            let first = force.split('|').next().and_then(|id| p.forces.iter().find(|x| x.id == id));
            let fill = text(pr.get("fill"))
                .and_then(|c| style::normalize_color(&c))
                .unwrap_or_else(|| {
                    if st == Some(Status::Contested) {
                        style::contested_color().to_ascii_lowercase()
                    } else {
                        first.map_or_else(
                            || style::unknown_color().to_ascii_lowercase(),
                            |f| f.color.clone(),
                        )
                    }
                });
            Some(PagePeriod {
                start_key: key_of(&start),
                start: start.to_iso(),
                end_key: end.as_ref().map(key_of),
                force,
                force_name: String::new(),
                status,
                fill,
                opacity: fill_opacity(st),
                pattern: None,
                source: text(pr.get("source")),
                url: text(pr.get("url")),
                note: text(pr.get("note")),
            })
        })
        .collect();
    out.sort_by(|a, b| a.start_key.cmp(&b.start_key));
    out
}

type Incidents = (Vec<PageIncident>, Vec<(String, String)>);

fn incidents_of(features: Option<&[Feature]>, precision: u8) -> Incidents {
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let round = |v: f64| crate::write::coords::round(v, precision);
    let incidents = features
        .unwrap_or_default()
        .iter()
        .filter_map(|f| {
            let Some(Geometry::Point(pt)) = &f.geometry else { return None };
            let color = text(f.properties.get("marker-color"))
                .and_then(|c| style::normalize_color(&c))
                .unwrap_or_else(|| "#7f7f7f".into());
            let kind = text(f.properties.get("type").or_else(|| f.properties.get("event_type")));
            types.insert(kind.unwrap_or_else(|| "—".into()), color.clone());
            let approximate = f.properties.get("location_precision").and_then(Value::as_str)
                == Some("approximate");
            let props = display_props(&f.properties);
            Some(PageIncident {
                id: f.id.clone(),
                lon: round(pt.x()),
                lat: round(pt.y()),
                color,
                approximate,
                props,
            })
        })
        .collect();
    (incidents, types.into_iter().collect())
}

/// The properties worth showing in a popup, as text.
fn display_props(props: &Map<String, Value>) -> Vec<(String, String)> {
    props
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "marker-color" | "marker-size" | "marker-symbol"))
        .filter_map(|(k, v)| text(Some(v)).map(|t| (k.clone(), t)))
        .collect()
}

/// Interface words for a language (English when there is no translation).
#[must_use]
pub fn ui_words(lang: Option<&str>) -> BTreeMap<&'static str, &'static str> {
    const KEYS: [&str; 14] = [
        "legend",
        "date",
        "force",
        "status",
        "since",
        "source",
        "note",
        "held",
        "contested",
        "claimed",
        "unknown",
        "incidents",
        "approximate",
        "frontlines",
    ];
    let words: [&str; 14] = match lang.map(|l| l.split('-').next().unwrap_or(l)) {
        Some("ar") => [
            "مفتاح الخريطة",
            "التاريخ",
            "القوة",
            "الحالة",
            "منذ",
            "المصدر",
            "ملاحظة",
            "تحت السيطرة",
            "متنازع عليها",
            "سيطرة مُدّعاة",
            "لا معلومات",
            "الحوادث",
            "موقع تقريبي",
            "خطوط التماس",
        ],
        Some("ckb") => [
            "ڕێبەری نەخشە",
            "بەروار",
            "هێز",
            "دۆخ",
            "لە",
            "سەرچاوە",
            "تێبینی",
            "لە ژێر دەسەڵاتدا",
            "ناکۆکی لەسەرە",
            "بانگەشەکراو",
            "زانیاری نییە",
            "ڕووداوەکان",
            "شوێنی نزیکەیی",
            "هێڵەکانی بەریەککەوتن",
        ],
        Some("ku") => [
            "Rêber",
            "Dîrok",
            "Hêz",
            "Rewş",
            "Ji",
            "Çavkanî",
            "Têbînî",
            "Di bin kontrolê de",
            "Nakok",
            "Îdiakirî",
            "Agahî tune",
            "Bûyer",
            "Cihê texmînî",
            "Xetên pevçûnê",
        ],
        _ => [
            "Legend",
            "Date",
            "Force",
            "Status",
            "Since",
            "Source",
            "Note",
            "held",
            "contested",
            "claimed",
            "no information",
            "Incidents",
            "approximate location",
            "Contact lines",
        ],
    };
    KEYS.into_iter().zip(words).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtl_languages() {
        assert!(is_rtl("ar"));
        assert!(is_rtl("ckb"));
        assert!(is_rtl("fa-IR"));
        assert!(!is_rtl("ku"));
        assert!(!is_rtl("en"));
    }

    #[test]
    fn period_at_follows_history_rule() {
        let per = |s: &str, e: Option<&str>, f: &str| PagePeriod {
            start_key: s.into(),
            start: s.into(),
            end_key: e.map(String::from),
            force: f.into(),
            force_name: String::new(),
            status: "held".into(),
            fill: "#000000".into(),
            opacity: 0.6,
            pattern: None,
            source: None,
            url: None,
            note: None,
        };
        let z = PageZone {
            id: "z".into(),
            name: "Z".into(),
            geometry: Value::Null,
            periods: vec![
                per("2012-01-01T00:00:00", Some("2021-04-20T00:00:00"), "a"),
                per("2021-04-20T00:00:00", None, "b"),
            ],
        };
        assert!(PageData::period_at(&z, "2011-12-31T23:59:59").is_none());
        assert_eq!(PageData::period_at(&z, "2021-04-19T23:59:59").unwrap().force, "a");
        assert_eq!(PageData::period_at(&z, "2021-04-20T00:00:00").unwrap().force, "b");
    }
}
