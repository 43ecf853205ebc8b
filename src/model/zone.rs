//! Zones: the areas whose control is mapped.

use geo::MultiPolygon;
use serde_json::{Map, Value};

/// An area (neighbourhood, village, district) with a stable key.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// The unique key (`id` property, feature id, or the `zone_key` property).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Other spellings and scripts.
    pub aliases: Vec<String>,
    /// The area in WGS84 lon/lat.
    pub geometry: MultiPolygon<f64>,
    /// Other input properties, carried into the zone layers.
    pub properties: Map<String, Value>,
    /// Index of the feature in the input file.
    pub feature_index: usize,
}
