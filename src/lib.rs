//! frontline: turn curated conflict spreadsheets into map layers.
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

pub mod error;
pub mod topology;

pub use error::{Diagnostic, Diagnostics, Error, ErrorKind, Location, Result, Severity};
