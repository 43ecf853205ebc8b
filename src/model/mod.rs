//! The in-memory model of a project: zones, forces, control history, incidents.
//!
//! Readers (`crate::read`) build these from files and report problems; layers
//! (`crate::layers`) turn them into features. The model itself does no I/O.

pub mod control;
pub mod date;
pub mod force;
pub mod incident;
pub mod names;
pub mod zone;

pub use control::{ControlRow, Status};
pub use date::{DateError, IsoText, Moment};
pub use force::Force;
pub use incident::{Incident, LocationPrecision};
pub use names::{Lookup, NameIndex};
pub use zone::Zone;
