//! Control history rows: who holds a zone from when.

use super::date::Moment;
use std::fmt;

/// The kind of control a row states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Status {
    /// Held by one force (the default).
    #[default]
    Held,
    /// Fought over by several forces.
    Contested,
    /// Claimed by a force, not confirmed as held.
    Claimed,
}

impl Status {
    /// Parse the `status` column (empty means `held`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Status> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "held" | "control" | "controlled" => Some(Status::Held),
            "contested" | "disputed" => Some(Status::Contested),
            "claimed" => Some(Status::Claimed),
            _ => None,
        }
    }

    /// The lowercase name used in outputs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Held => "held",
            Status::Contested => "contested",
            Status::Claimed => "claimed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of `control.csv`, resolved to zone and force indices.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlRow {
    /// Index of the zone in the project.
    pub zone: usize,
    /// Indices of the forces, sorted by force id (several when contested).
    pub forces: Vec<usize>,
    /// Held, contested or claimed.
    pub status: Status,
    /// When this state begins.
    pub since: Moment,
    /// When it ends, if given.
    pub until: Option<Moment>,
    /// Where the information comes from.
    pub source: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// Other columns, carried through.
    pub extra: Vec<(String, String)>,
    /// 1-based line of the row in the file.
    pub line: u64,
}
