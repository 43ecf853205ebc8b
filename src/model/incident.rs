//! Incidents: dated events at a place.

use super::date::Moment;
use geo::Point;

/// How exactly an incident's position is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LocationPrecision {
    /// Coordinates of the event itself.
    Point,
    /// Only a zone was named; placed at the zone's interior point.
    Zone,
    /// The source says the point is an admin-area centroid or similar.
    Approximate,
}

impl LocationPrecision {
    /// The value used in outputs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LocationPrecision::Point => "point",
            LocationPrecision::Zone => "zone",
            LocationPrecision::Approximate => "approximate",
        }
    }
}

/// One incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// Stable id (the `id` column, or `incident-<line>`).
    pub id: String,
    /// When it happened.
    pub date: Moment,
    /// Where, in WGS84 lon/lat.
    pub point: Point<f64>,
    /// How exactly the position is known.
    pub precision: LocationPrecision,
    /// The zone named in `place`, if the position came from it.
    pub place_zone: Option<usize>,
    /// Its record among those read with it: the reader keeps the records
    /// (the input columns, typed on demand) beside the incidents.
    pub record: usize,
    /// 1-based line in the file.
    pub line: u64,
}
