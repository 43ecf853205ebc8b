//! The output layers: one module per layer, each turning a [`Snapshot`] into
//! features. Layers compute geometry and properties; they do not round,
//! orient, sort or serialise (that is `crate::write`).
//!
//! | layer | geometry | one feature per |
//! |---|---|---|
//! | [`control`] | (Multi)Polygon | zone, state as of D |
//! | [`areas`] | (Multi)Polygon | force (held zones dissolved), plus one `contested` |
//! | [`frontlines`] | (Multi)LineString | pair of adjacent forces |
//! | [`changes`] | (Multi)Polygon | zone whose state at D differs from its state at S |
//! | [`incidents`] | Point | incident dated in [S, D] |
//! | [`timeline`] | (Multi)Polygon | control period of a zone |
//! | [`labels`] | Point | zone: a point well inside it, for labels |
//!
//! Layers that need neighbours (areas, contact lines, and every zone layer
//! when `--simplify` is on) share one [`Topology`] per snapshot.

/// `areas.geojson`: (Multi)Polygon, one feature per force (held zones dissolved).
pub mod areas;
/// `changes.geojson`: (Multi)Polygon, one feature per zone whose state at D differs from its state at S.
pub mod changes;
/// `control.geojson`: (Multi)Polygon, one feature per zone, state as of D.
pub mod control;
/// `frontlines.geojson`: (Multi)LineString, one feature per pair of adjacent forces.
pub mod frontlines;
/// `incidents.geojson`: Point, one feature per incident dated in [S, D].
pub mod incidents;
/// `labels.geojson`: Point, one feature per zone, well inside it.
pub mod labels;
/// `timeline.geojson`: (Multi)Polygon, one feature per control period of a zone.
pub mod timeline;

use crate::error::{Error, Result};
use crate::history::History;
use crate::model::Moment;
use crate::project::{Project, Since};
use crate::topology::Topology;
use crate::write::geojson::{multi_polygon_json, PropValue};
use geo::MultiPolygon;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::sync::OnceLock;

/// One output feature: a stable id, a geometry in WGS84 and ordered properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Stable id (zone id, force id, incident id …).
    pub id: String,
    /// The geometry; `None` writes `"geometry": null`.
    pub geometry: Option<geo::Geometry<f64>>,
    /// Properties in output order.
    pub properties: Map<String, Value>,
}

/// A layer that can be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LayerKind {
    /// `control.geojson`: (Multi)Polygon, one feature per zone, state as of D.
    Control,
    /// `areas.geojson`: (Multi)Polygon, one feature per force (zones dissolved).
    Areas,
    /// `frontlines.geojson`: (Multi)LineString, one feature per pair of adjacent forces.
    Frontlines,
    /// `changes.geojson`: (Multi)Polygon, one feature per zone whose state at D differs from its state at S.
    Changes,
    /// `incidents.geojson`: Point, one feature per incident dated in [S, D].
    Incidents,
    /// `timeline.geojson`: (Multi)Polygon, one feature per control period of a zone.
    Timeline,
    /// `labels.geojson`: Point, one feature per zone, well inside it.
    Labels,
}

impl LayerKind {
    /// All layers, in output order.
    pub const ALL: [LayerKind; 7] = [
        LayerKind::Control,
        LayerKind::Areas,
        LayerKind::Frontlines,
        LayerKind::Changes,
        LayerKind::Incidents,
        LayerKind::Timeline,
        LayerKind::Labels,
    ];

    /// The file stem (`control`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Control => "control",
            LayerKind::Areas => "areas",
            LayerKind::Frontlines => "frontlines",
            LayerKind::Changes => "changes",
            LayerKind::Incidents => "incidents",
            LayerKind::Timeline => "timeline",
            LayerKind::Labels => "labels",
        }
    }

    /// Whether the layer is made from the shared arcs ([`Snapshot::topology`]):
    /// the dissolved areas and the contact lines.
    #[must_use]
    pub fn needs_topology(self) -> bool {
        matches!(self, LayerKind::Areas | LayerKind::Frontlines)
    }

    /// Whether GeoJSON renders this layer straight from the model (see
    /// [`LayerKind::render_geojson`]) rather than from built features:
    /// the layers with a feature per zone, per control period or per
    /// incident, which would otherwise make a property map for each (and
    /// copy a zone's polygon into each).
    #[must_use]
    pub fn renders_from_model(self) -> bool {
        matches!(
            self,
            LayerKind::Control | LayerKind::Changes | LayerKind::Incidents | LayerKind::Timeline
        )
    }

    /// Write this layer as GeoJSON straight from the model, byte for byte
    /// what the GeoJSON writer makes of [`LayerKind::build`]'s features, and
    /// the number of features; `None` for a layer that does not
    /// [`render from the model`](LayerKind::renders_from_model).
    ///
    /// # Errors
    ///
    /// I/O errors of `out`.
    pub fn render_geojson<W: std::io::Write + Send>(
        self,
        snapshot: &Snapshot<'_>,
        meta: &Map<String, Value>,
        precision: u8,
        flavor: crate::write::geojson::Flavor,
        out: W,
    ) -> Option<std::io::Result<(W, usize)>> {
        match self {
            LayerKind::Control => Some(control::render(snapshot, meta, precision, flavor, out)),
            LayerKind::Changes => Some(changes::render(snapshot, meta, precision, flavor, out)),
            LayerKind::Incidents => Some(incidents::render(snapshot, meta, precision, flavor, out)),
            LayerKind::Timeline => Some(timeline::render(snapshot, meta, precision, flavor, out)),
            _ => None,
        }
    }

    /// Build this layer.
    ///
    /// # Errors
    ///
    /// Only internal errors; data problems were reported when reading.
    pub fn build(self, snapshot: &Snapshot<'_>) -> Result<Vec<Feature>> {
        match self {
            LayerKind::Control => control::build(snapshot),
            LayerKind::Areas => areas::build(snapshot),
            LayerKind::Frontlines => frontlines::build(snapshot),
            LayerKind::Changes => changes::build(snapshot),
            LayerKind::Incidents => incidents::build(snapshot),
            LayerKind::Timeline => timeline::build(snapshot),
            LayerKind::Labels => labels::build(snapshot),
        }
    }
}

/// A project seen at a date: the input every layer is built from.
#[derive(Debug)]
pub struct Snapshot<'a> {
    /// The project.
    pub project: &'a Project,
    /// Control rows indexed per zone.
    pub history: History<'a>,
    /// D: the map date.
    pub as_of: Moment,
    /// S: start of the recent window (`None`: no lower bound).
    pub since: Option<Moment>,
    topology: OnceLock<Topology>,
    simplified: OnceLock<Vec<MultiPolygon<f64>>>,
    areas: OnceLock<Vec<f64>>,
    /// Each zone as drawn, rendered as GeoJSON at the project's precision
    /// by the first layer that writes it.
    zone_json: Vec<OnceLock<String>>,
}

impl<'a> Snapshot<'a> {
    /// The project as of its `as_of` setting (default: the latest date in the
    /// data) with the recent window from its `since` setting (default: seven
    /// days before).
    ///
    /// # Errors
    ///
    /// A usage error when no date is set and the data has none, or when S is after D.
    pub fn new(project: &'a Project) -> Result<Self> {
        let settings = &project.settings;
        let as_of = match (&settings.as_of, project.latest_date()) {
            (Some(d), _) => d.clone(),
            (None, Some(d)) => d,
            (None, None) => {
                return Err(Error::usage("the data has no dates; give --as-of DATE"));
            }
        };
        let since = match &settings.since {
            Since::All => None,
            Since::Date(s) => Some(s.clone()),
            Since::Default => Some(Moment::from_date(as_of.date()).add_days(-7)),
        };
        if let Some(s) = &since {
            if s.key() > as_of.end() {
                return Err(Error::usage(format!("--since {s} is after --as-of {as_of}")));
            }
        }
        Ok(Snapshot {
            project,
            history: History::new(&project.control, project.zones.len()),
            as_of,
            since,
            topology: OnceLock::new(),
            simplified: OnceLock::new(),
            areas: OnceLock::new(),
            zone_json: project.zones.iter().map(|_| OnceLock::new()).collect(),
        })
    }

    /// The zones as shared arcs (snapped with the project's tolerance, and
    /// simplified when `--simplify` is set), built once per snapshot.
    pub fn topology(&self) -> &Topology {
        self.topology.get_or_init(|| {
            let zones: Vec<(String, MultiPolygon<f64>)> =
                self.project.zones.iter().map(|z| (z.id.clone(), z.geometry.clone())).collect();
            let t = Topology::build(&zones, self.project.settings.snap_m);
            match self.project.settings.simplify_m {
                Some(m) if m > 0.0 => t.simplify(m),
                _ => t,
            }
        })
    }

    /// The geometry of zone `i` as the layers show it: simplified through
    /// the topology when `--simplify` is set (so neighbours keep meeting),
    /// else as read.
    #[must_use]
    pub fn zone_geometry(&self, i: usize) -> Option<&MultiPolygon<f64>> {
        if self.simplifying() {
            self.simplified.get_or_init(|| self.topology().zone_polygons()).get(i)
        } else {
            self.project.zones.get(i).map(|z| &z.geometry)
        }
    }

    /// Zone `i` as drawn ([`Snapshot::zone_geometry`]) rendered as GeoJSON
    /// at `precision`, for [`FeatureWriter::write_rendered`](crate::write::geojson::FeatureWriter::write_rendered): at the
    /// project's precision, once per zone (the control, changes and
    /// timeline layers all show it).
    #[must_use]
    pub fn zone_geometry_json(&self, i: usize, precision: u8) -> Option<Cow<'_, str>> {
        let render = || {
            let geometry = match self.zone_geometry(i) {
                Some(g) => g,
                None => &self.project.zones.get(i)?.geometry,
            };
            Some(multi_polygon_json(geometry, precision))
        };
        if precision != self.project.settings.precision {
            return render().map(Cow::Owned);
        }
        let cell = self.zone_json.get(i)?;
        if let Some(json) = cell.get() {
            return Some(Cow::Borrowed(json));
        }
        let json = render()?;
        Some(Cow::Borrowed(cell.get_or_init(|| json)))
    }

    /// The geodesic area in km² of zone `i` as drawn ([`Snapshot::zone_geometry`]),
    /// computed once for every zone (the control and changes layers both show it).
    #[must_use]
    pub fn zone_area_km2(&self, i: usize) -> f64 {
        // Computed in order here: a parallel computation inside `get_or_init`
        // could, while waiting, run another layer's task on this thread that
        // asks for the same cell (a reentrant init). `prepare` computes it in
        // parallel before the layers start.
        self.areas.get_or_init(|| self.areas(false)).get(i).copied().unwrap_or(0.0)
    }

    fn areas(&self, parallel: bool) -> Vec<f64> {
        let empty = MultiPolygon(Vec::new());
        let geometries: Vec<&MultiPolygon<f64>> = (0..self.project.zones.len())
            .map(|i| self.zone_geometry(i).unwrap_or(&empty))
            .collect();
        crate::area::areas_km2(&geometries, parallel)
    }

    /// Compute what several layers share before they are built in
    /// parallel: the zone areas (in parallel too), after the topology when
    /// `--simplify` draws every zone from it. Without simplification the
    /// topology is only needed by the layers that
    /// [`need it`](LayerKind::needs_topology), and `build` makes it beside the others.
    pub fn prepare(&self) {
        if self.simplifying() {
            let _ = self.topology();
        }
        self.areas.get_or_init(|| self.areas(true));
    }

    fn simplifying(&self) -> bool {
        self.project.settings.simplify_m.is_some_and(|m| m > 0.0)
    }

    /// The state of every zone as of D.
    #[must_use]
    pub fn states(&self) -> Vec<Option<&'a crate::model::ControlRow>> {
        (0..self.project.zones.len()).map(|i| self.history.state_as_of(i, &self.as_of)).collect()
    }

    /// The `frontline` foreign member of every collection.
    #[must_use]
    pub fn meta(&self) -> Map<String, Value> {
        let s = &self.project.settings;
        let mut m = Map::new();
        m.insert("as_of".into(), Value::String(self.as_of.to_iso()));
        m.insert(
            "since".into(),
            self.since.as_ref().map_or(Value::Null, |s| Value::String(s.to_iso())),
        );
        m.insert("title".into(), Value::String(s.title.clone()));
        m.insert("attribution".into(), Value::String(s.attribution.clone()));
        m
    }

    /// Whether a moment falls in the recent window [S, D].
    #[must_use]
    pub fn in_window(&self, m: &Moment) -> bool {
        m.key() <= self.as_of.end() && self.since.as_ref().is_none_or(|s| m.key() >= s.key())
    }
}

/// Properties in output order, gathered as a JSON object map gathers them:
/// [`Props::insert`] replaces the value of a name already there in its
/// place, [`Props::or_insert`] adds only a name not there yet. A layer that
/// renders from the model and builds features takes both from one list.
#[derive(Debug, Default)]
pub(crate) struct Props<'a>(Vec<(&'a str, PropValue<'a>)>);

impl<'a> Props<'a> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Props(Vec::with_capacity(n))
    }

    /// Add a name known not to be there yet.
    pub(crate) fn push(&mut self, name: &'a str, value: PropValue<'a>) {
        self.0.push((name, value));
    }

    pub(crate) fn insert(&mut self, name: &'a str, value: PropValue<'a>) {
        match self.0.iter_mut().find(|(k, _)| *k == name) {
            Some(taken) => taken.1 = value,
            None => self.0.push((name, value)),
        }
    }

    pub(crate) fn or_insert(&mut self, name: &'a str, value: PropValue<'a>) {
        if !self.0.iter().any(|(k, _)| *k == name) {
            self.0.push((name, value));
        }
    }

    /// A control row's extra columns (`url`, analyst fields …) as text,
    /// empty cells null, where a name is not taken yet.
    pub(crate) fn or_insert_extra(&mut self, extra: &'a [(String, String)]) {
        for (k, v) in extra {
            if !k.is_empty() {
                self.or_insert(k, if v.is_empty() { PropValue::Null } else { PropValue::Str(v) });
            }
        }
    }

    /// The properties as a feature's map.
    pub(crate) fn to_map(&self) -> Map<String, Value> {
        self.0.iter().map(|(k, v)| ((*k).to_string(), v.to_value())).collect()
    }

    pub(crate) fn into_vec(self) -> Vec<(&'a str, PropValue<'a>)> {
        self.0
    }
}

/// A derived measure (area, length) rounded for output, as
/// [`round_measure`] rounds it.
#[must_use]
pub(crate) fn measure(v: f64, decimals: i32) -> PropValue<'static> {
    let f = 10f64.powi(decimals);
    let rounded = (v * f).round() / f + 0.0;
    if rounded.is_finite() {
        PropValue::Float(rounded)
    } else {
        PropValue::Null
    }
}

/// Round a derived measure (area, length) for output.
#[must_use]
pub fn round_measure(v: f64, decimals: i32) -> Value {
    measure(v, decimals).to_value()
}
