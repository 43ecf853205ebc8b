//! The output layers: one module per layer, each turning a [`Snapshot`] into
//! features, sorted by id. Layers compute geometry and properties (derived
//! measures rounded); they do not round coordinates, orient rings or
//! serialise (that is `crate::write`).
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

use crate::error::Result;
pub use crate::feature::Feature;
use crate::feature::Features;
use crate::history::History;
use crate::model::{ControlRow, Force, Moment, Zone};
use crate::natural::natural_cmp;
use crate::read::incidents::Incidents;
use crate::topology::Topology;
use geo::MultiPolygon;
use rayon::prelude::*;
use std::sync::OnceLock;

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

    /// Whether the layer is made from the shared arcs of the snapshot:
    /// the dissolved areas and the contact lines.
    #[must_use]
    pub fn needs_topology(self) -> bool {
        matches!(self, LayerKind::Areas | LayerKind::Frontlines)
    }

    /// Build this layer: its features, sorted by id (numbers in ids
    /// compare as numbers).
    ///
    /// # Errors
    ///
    /// Only internal errors; data problems were reported when reading.
    pub(crate) fn build<'s>(self, snapshot: &'s Snapshot<'_>) -> Result<Layer<'s>> {
        fn sorted(mut features: Vec<Feature>) -> Box<dyn Features> {
            features.par_sort_by(|a, b| natural_cmp(&a.id, &b.id));
            Box::new(features)
        }
        let features: Box<dyn Features + 's> = match self {
            LayerKind::Control => Box::new(control::build(snapshot)),
            LayerKind::Areas => sorted(areas::build(snapshot)),
            LayerKind::Frontlines => sorted(frontlines::build(snapshot)),
            LayerKind::Changes => Box::new(changes::build(snapshot)?),
            LayerKind::Incidents => Box::new(incidents::build(snapshot)),
            LayerKind::Timeline => Box::new(timeline::build(snapshot)),
            LayerKind::Labels => sorted(labels::build(snapshot)),
        };
        Ok(Layer { kind: self, features })
    }
}

/// A built layer: its features in output order.
pub(crate) struct Layer<'s> {
    /// Which layer.
    pub kind: LayerKind,
    /// Its features, sorted by id.
    pub features: Box<dyn Features + 's>,
}

impl std::fmt::Debug for Layer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layer")
            .field("kind", &self.kind)
            .field("features", &self.features.len())
            .finish()
    }
}

/// What a snapshot is made of: the model, the dates and the geometry
/// options (the project's, see `crate::build`).
#[derive(Debug, Clone)]
pub(crate) struct Inputs<'a> {
    /// The zones.
    pub zones: &'a [Zone],
    /// The forces the control rows refer to.
    pub forces: &'a [Force],
    /// The control history.
    pub control: &'a [ControlRow],
    /// The incidents.
    pub incidents: &'a Incidents,
    /// D: the map date.
    pub as_of: Moment,
    /// S: start of the recent window (`None`: no lower bound).
    pub since: Option<Moment>,
    /// Snap tolerance of the shared arcs, in metres.
    pub snap_m: f64,
    /// Simplification of the shared arcs, in metres (`None`: none).
    pub simplify_m: Option<f64>,
}

/// The model seen at a date: the input every layer is built from.
#[derive(Debug)]
pub struct Snapshot<'a> {
    /// The zones.
    pub zones: &'a [Zone],
    /// The forces.
    pub forces: &'a [Force],
    /// The incidents.
    pub incidents: &'a Incidents,
    /// Control rows indexed per zone.
    pub history: History<'a>,
    /// D: the map date.
    pub as_of: Moment,
    /// S: start of the recent window (`None`: no lower bound).
    pub since: Option<Moment>,
    snap_m: f64,
    simplify_m: Option<f64>,
    topology: OnceLock<Topology>,
    simplified: OnceLock<Vec<MultiPolygon<f64>>>,
    areas: OnceLock<Vec<f64>>,
}

impl<'a> Snapshot<'a> {
    /// The snapshot of `inputs`.
    pub(crate) fn new(inputs: Inputs<'a>) -> Self {
        Snapshot {
            zones: inputs.zones,
            forces: inputs.forces,
            incidents: inputs.incidents,
            history: History::new(inputs.control, inputs.zones.len()),
            as_of: inputs.as_of,
            since: inputs.since,
            snap_m: inputs.snap_m,
            simplify_m: inputs.simplify_m,
            topology: OnceLock::new(),
            simplified: OnceLock::new(),
            areas: OnceLock::new(),
        }
    }

    /// The zones as shared arcs (snapped with the project's tolerance, and
    /// simplified when `--simplify` is set), built once per snapshot.
    pub fn topology(&self) -> &Topology {
        self.topology.get_or_init(|| {
            let zones: Vec<(String, MultiPolygon<f64>)> =
                self.zones.iter().map(|z| (z.id.clone(), z.geometry.clone())).collect();
            let t = Topology::build(&zones, self.snap_m);
            match self.simplify_m {
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
            self.zones.get(i).map(|z| &z.geometry)
        }
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
        let geometries: Vec<&MultiPolygon<f64>> =
            (0..self.zones.len()).map(|i| self.zone_geometry(i).unwrap_or(&empty)).collect();
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
        self.simplify_m.is_some_and(|m| m > 0.0)
    }

    /// The state of every zone as of D.
    #[must_use]
    pub fn states(&self) -> Vec<Option<&'a crate::model::ControlRow>> {
        (0..self.zones.len()).map(|i| self.history.state_as_of(i, &self.as_of)).collect()
    }

    /// The snap tolerance of the shared arcs, in metres.
    pub(crate) fn snap_m(&self) -> f64 {
        self.snap_m
    }

    /// Whether a moment falls in the recent window [S, D].
    #[must_use]
    pub fn in_window(&self, m: &Moment) -> bool {
        m.key() <= self.as_of.end() && self.since.as_ref().is_none_or(|s| m.key() >= s.key())
    }
}
