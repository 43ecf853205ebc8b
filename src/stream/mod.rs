//! Streaming incidents: one CSV of any size in, GeoJSON or GeoJSONSeq out,
//! in constant memory.
//!
//! [`incidents`] reads the text in blocks of a few megabytes that end at a
//! record, found by following the quotes as `csv` reads them, and cuts each
//! block in pieces that the thread pool parses, checks, tags and renders
//! apart, while one of its threads reads the next blocks and writes the
//! finished ones in order (rendering pieces as it waits). Records are read
//! by the same record reader as the table reader's. Each record is parsed
//! with the same incident reader as a project's incidents, tagged by the
//! same tagger as the incidents layer (zone, `zone_force`,
//! `location_precision`, `marker-color`), and written through the one
//! GeoJSON writer.
//! Features keep the input order. A bad row is reported through
//! [`StreamEvents::diagnostic`], counted and skipped; the stream goes on.
//! What this module does not do: sort features by id or reject duplicate
//! ids (both need the whole file in memory; `build` does them), and decide
//! what to print (the caller does).
//!
//! This file holds the public API; the work is in modules named for their
//! job: `pipeline` (the pool, blocks in flight, ordered writing), `blocks`
//! (blocks of text that end at a record, line counting), `header` (the
//! header, columns and date order), `rows` (checking, tagging and
//! rendering records) and `files` (opening files, decoding).

mod blocks;
mod files;
mod header;
mod pipeline;
mod rows;
#[cfg(test)]
mod tests;

use crate::error::{Diagnostic, Diagnostics, Result};
use crate::project::{Config, Overrides, Settings};
pub use crate::write::geojson::Flavor;
use files::stream_file;
use pipeline::{stream, Sizes};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub use crate::project::{Join, JoinData};

/// Options of [`incidents`].
#[derive(Debug, Clone)]
pub struct StreamOptions<'a> {
    /// The input's name in messages (`incidents.csv`, or `-` for stdin).
    pub path: PathBuf,
    /// GeoJSON collection or GeoJSONSeq.
    pub flavor: Flavor,
    /// Decimals of output coordinates.
    pub precision: u8,
    /// Declared date format (`%d/%m/%Y`), if any.
    pub date_format: Option<String>,
    /// Zones (and control) to tag incidents with; without them `zone` and
    /// `zone_force` are null.
    pub join: Option<Join<'a>>,
}

impl StreamOptions<'_> {
    /// Options with the defaults: GeoJSON, 6 decimals, no join.
    #[must_use]
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StreamOptions {
            path: path.into(),
            flavor: Flavor::Collection,
            precision: crate::project::DEFAULT_PRECISION,
            date_format: None,
            join: None,
        }
    }
}

/// What a stream did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamReport {
    /// Features written.
    pub features: usize,
    /// Records skipped because of an error (each reported).
    pub skipped: usize,
    /// Error-level diagnostics reported.
    pub errors: usize,
    /// Warnings reported.
    pub warnings: usize,
    /// Bytes of (decoded) input read.
    pub bytes: u64,
}

impl StreamReport {
    /// Add another report's feature, skip, error and warning counts.
    fn add_counts(&mut self, other: &StreamReport) {
        self.features += other.features;
        self.skipped += other.skipped;
        self.errors += other.errors;
        self.warnings += other.warnings;
    }

    /// Whether any error was reported (exit code 1).
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }
}

/// What a stream tells its caller while it runs (from a pool thread: the
/// stream reads, writes and reports there).
pub trait StreamEvents: Send {
    /// A problem with the input (a skipped row, an encoding guess).
    fn diagnostic(&mut self, diagnostic: &Diagnostic);
    /// Called after each block of text (about 2 MiB) with the input bytes read.
    fn progress(&mut self, _bytes: u64, _features: usize) {}
}

/// Collects diagnostics in memory (for tests and small inputs).
impl StreamEvents for Diagnostics {
    fn diagnostic(&mut self, diagnostic: &Diagnostic) {
        self.push(diagnostic.clone());
    }
}

/// Stream incidents from `reader` to `writer`, collecting diagnostics into
/// the returned report's counts only. See [`incidents_with`].
///
/// # Errors
///
/// I/O errors, and a data error when the header lacks a date or location column.
///
/// # Examples
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use frontline::stream::{incidents, StreamOptions};
/// use frontline::stream::Flavor;
/// let csv = "id,date,lat,lon,type\n1,2021-04-25,37.05,41.22,clash\n";
/// let mut opts = StreamOptions::new("incidents.csv");
/// opts.flavor = Flavor::Sequence;
/// let mut out = Vec::new();
/// let report = incidents(csv.as_bytes(), &opts, &mut out)?;
/// assert_eq!(report.features, 1);
/// assert!(String::from_utf8(out)?.contains(r##""marker-color":"#c0392b""##));
/// # Ok(()) }
/// ```
pub fn incidents<R: Read + Send, W: Write + Send>(
    reader: R,
    opts: &StreamOptions<'_>,
    writer: W,
) -> Result<StreamReport> {
    let mut diags = Diagnostics::new();
    incidents_with(reader, opts, writer, &mut diags)
}

/// Stream incidents, reporting problems and progress to `events` as they
/// are found.
///
/// The reader, the writer and `events` are used from a thread of rayon's
/// pool, hence `Send`: give `std::io::stdin()` and `std::io::stdout()`
/// rather than their locks (the stream buffers both).
///
/// # Errors
///
/// I/O errors (reading or writing), and a data error when the header lacks
/// a date or location column (nothing is written then).
pub fn incidents_with<R: Read + Send, W: Write + Send>(
    reader: R,
    opts: &StreamOptions<'_>,
    writer: W,
    events: &mut dyn StreamEvents,
) -> Result<StreamReport> {
    stream(reader, opts, writer, events, Sizes::DEFAULT)
}

/// Count a diagnostic and hand it to the caller.
#[allow(clippy::needless_pass_by_value)] // why: callers build the diagnostic in the call
fn emit(d: Diagnostic, report: &mut StreamReport, events: &mut dyn StreamEvents) {
    if d.is_error() {
        report.errors += 1;
    } else {
        report.warnings += 1;
    }
    events.diagnostic(&d);
}

/// Stream the file `input` (`-`: stdin) to `output` (`-`: stdout; a file is
/// written atomically, even when rows were skipped), tagging with the zones,
/// control and forces named in `o` when `o.zones` is set. `o.precision` and
/// `o.date_format` apply. Warnings from reading the zones go to `events`.
///
/// # Errors
///
/// As [`JoinData::load`] and [`incidents_with`].
pub fn incidents_files(
    input: &Path,
    output: &Path,
    o: &Overrides,
    flavor: Flavor,
    events: &mut dyn StreamEvents,
) -> Result<StreamReport> {
    let settings = Settings::resolve(Config::default(), o)?;
    let join = match o.zones {
        Some(_) => {
            let (data, warnings) = JoinData::load(o)?;
            for w in warnings.iter() {
                events.diagnostic(w);
            }
            Some(data)
        }
        None => None,
    };
    let opts = StreamOptions {
        path: input.to_path_buf(),
        flavor,
        precision: settings.precision,
        date_format: settings.date_format.clone(),
        join: join.as_ref().map(JoinData::join),
    };
    stream_file(input, output, &opts, events)
}
