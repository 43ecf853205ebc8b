//! Readers: files in, model out, problems into a [`Diagnostics`](crate::Diagnostics) sink.
//!
//! Each reader keeps going after a bad row so that `check` can list every
//! problem at once; a bad row is reported and skipped, never guessed.
//! Readers do not compute layers.

pub mod control;
pub mod date;
pub mod decode;
pub mod forces;
pub mod incidents;
pub mod presets;
#[cfg(test)]
#[allow(clippy::print_stderr)] // says what each export read as
mod real_exports;
pub(crate) mod records;
pub mod sanity;
pub mod shapefile;
pub mod table;
mod zone_json;
pub mod zones;

pub use table::Table;
