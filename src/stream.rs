//! Streaming incidents: one CSV of any size in, GeoJSON or GeoJSONSeq out,
//! in constant memory.
//!
//! [`incidents`] reads the text in blocks of a few megabytes that end at a
//! record, found by following the quotes as `csv` reads them
//! (`QuoteScan`, shared with [`Table`](crate::read::Table)), and cuts each
//! block in pieces that the thread pool parses (`csv_core`), checks, tags
//! and renders apart, while one of its threads reads the next blocks and
//! writes the finished ones in order (rendering pieces as it waits). Each record is parsed with the same [`IncidentReader`] as
//! the in-memory reader, tagged with the same [`Tagger`] as the incidents
//! layer (zone, `zone_force`, `location_precision`, `marker-color`), and
//! written through THE GeoJSON [`FeatureWriter`]. Features keep the input
//! order. A bad row is
//! reported through [`StreamEvents::diagnostic`], counted and skipped; the
//! stream goes on. What this module does not do: sort features by id or reject
//! duplicate ids (both need the whole file in memory; `build` does them), and
//! decide what to print (the caller does).

use crate::error::{Diagnostic, Diagnostics, Error, Location, Result};
use crate::history::History;
use crate::layers::incidents::Tagger;
use crate::model::{ControlRow, Force, NameIndex, Zone};
use crate::project::{Config, Overrides, Project, Settings, Sources, ZoneFiles};
use crate::read::date::{DateParser, SlashOrder};
use crate::read::decode::Encoding;
use crate::read::incidents::{IncidentColumns, IncidentReader, Schema};
use crate::read::table::{sniff_delimiter, trim, Fields, QuoteScan};
use crate::spatial::ZoneIndex;
use crate::write::geojson::FeatureWriter;
pub use crate::write::geojson::Flavor;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Records read ahead to decide how slashed dates are ordered (`04/05/2021`).
const DATE_LOOKAHEAD: usize = 10_000;
/// Bytes of text per block: one is rendered while the next is read.
const BLOCK: usize = 1 << 21;
/// Bytes of text per piece of a block, parsed and rendered apart.
const PIECE: usize = 1 << 18;
/// Blocks being rendered at once: enough that the pool has work while a
/// thread writes one and reads the next.
const DEPTH: usize = 6;

/// Zones, control history and forces for the spatial join of a stream.
#[derive(Debug, Clone, Copy)]
pub struct Join<'a> {
    /// Zones (their order breaks ties on shared borders).
    pub zones: &'a [Zone],
    /// Names, ids and aliases of the zones, for a `place` column.
    pub names: &'a NameIndex,
    /// Control rows.
    pub control: &'a [ControlRow],
    /// Forces the control rows refer to.
    pub forces: &'a [Force],
}

/// Zones, control and forces read from files, owned; [`JoinData::join`]
/// lends them to a stream.
#[derive(Debug, Clone)]
pub struct JoinData {
    project: Project,
}

impl JoinData {
    /// Read the zones (`o.zones`, required), and the control history and
    /// forces when `o.control` / `o.forces` are given; paths are relative to
    /// the current folder. `o.zone_key`, `o.zones_crs` and `o.date_format`
    /// apply as in a project.
    ///
    /// # Errors
    ///
    /// A usage error for bad options or no zones, an I/O error for an
    /// unreadable file, and a data error listing every problem in the files.
    pub fn load(o: &Overrides) -> Result<(JoinData, Diagnostics)> {
        let settings = Settings::resolve(Config::default(), o)?;
        let Some(zones_path) = &o.zones else {
            return Err(Error::usage("a join needs --zones FILE"));
        };
        let read = |p: &str| std::fs::read(p).map_err(|e| Error::io(p, e));
        // Shapefiles and WKT tables are read by extension, as in a project.
        let (zones, zone_files) =
            ZoneFiles::read_any(Path::new(zones_path)).map_err(|e| Error::io(zones_path, e))?;
        let control = o.control.as_deref().map(read).transpose()?.unwrap_or_default();
        let forces = o.forces.as_deref().map(read).transpose()?;
        let sources = Sources { zones, zone_files, control, incidents: None, forces };
        let loaded = Project::from_sources(Path::new("."), settings, &sources);
        let warnings = loaded.diagnostics.into_result()?;
        Ok((JoinData { project: loaded.project }, warnings))
    }

    /// The join to put in [`StreamOptions::join`].
    #[must_use]
    pub fn join(&self) -> Join<'_> {
        let p = &self.project;
        Join { zones: &p.zones, names: &p.zone_names, control: &p.control, forces: &p.forces }
    }

    /// The validated settings (precision, date format) from the same options.
    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.project.settings
    }
}

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
/// use frontline::write::geojson::Flavor;
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

/// Bytes of text per block and per piece, and records read ahead (small
/// in tests, to cut anywhere).
#[derive(Debug, Clone, Copy)]
struct Sizes {
    block: usize,
    piece: usize,
    lookahead: usize,
}

impl Sizes {
    const DEFAULT: Sizes = Sizes { block: BLOCK, piece: PIECE, lookahead: DATE_LOOKAHEAD };
}

/// [`incidents_with`] in blocks and pieces of `sizes`.
fn stream<R: Read + Send, W: Write + Send>(
    reader: R,
    opts: &StreamOptions<'_>,
    writer: W,
    events: &mut dyn StreamEvents,
    sizes: Sizes,
) -> Result<StreamReport> {
    // The whole stream runs on a pool thread, which renders pieces while
    // it waits for a block: as many threads run as the pool has. A caller's
    // thread reading and writing beside the pool made one more, and the
    // kernel would leave a core idle while two of them shared the other.
    rayon::scope(|_| on_pool(reader, opts, writer, events, sizes))
}

/// [`stream`], on a thread of the pool.
fn on_pool(
    reader: impl Read + Send,
    opts: &StreamOptions<'_>,
    writer: impl Write + Send,
    events: &mut dyn StreamEvents,
    sizes: Sizes,
) -> Result<StreamReport> {
    let io_in = |e: std::io::Error| Error::io(&opts.path, e);
    let mut report = StreamReport::default();

    let empty_names = NameIndex::new();
    let (zones, names, control, forces) = match &opts.join {
        Some(j) => (j.zones, j.names, j.control, j.forces),
        None => (&[][..], &empty_names, &[][..], &[][..]),
    };
    // The zones are indexed and the control rows sorted on other threads
    // while this one reads the header and looks ahead at the dates.
    let (mut index, mut history) = (None, None);
    let begun = rayon::in_place_scope(|scope| {
        scope.spawn(|_| index = Some(ZoneIndex::new(zones)));
        scope.spawn(|_| history = Some(History::new(control, zones.len())));
        begin(reader, opts, sizes, &mut report, events)
    });
    let (mut blocks, headers, columns, dates) = begun?;
    let (Some(index), Some(history)) = (index, history) else {
        return Err(Error::internal("the zones were not indexed"));
    };
    let tagger = Tagger::with_index(zones, index, &history, forces);
    let delimiter = blocks.delimiter;
    let incident_reader = IncidentReader {
        path: &opts.path,
        columns,
        dates,
        decimal_comma: delimiter != b',',
        zones,
        names,
        crs: None,
    };
    let schema = Schema::new(&headers, &incident_reader.columns, incident_reader.decimal_comma);

    let out = std::io::BufWriter::with_capacity(1 << 17, writer);
    let mut fw = FeatureWriter::begin(out, opts.precision, opts.flavor, None)
        .map_err(|e| Error::io("-", e))?;
    let rows = Rows {
        reader: &incident_reader,
        tagger: &tagger,
        schema: &schema,
        width: headers.len(),
        delimiter,
        parsers: Mutex::new(Vec::new()),
        precision: opts.precision,
        flavor: opts.flavor,
        spare: Mutex::new(Vec::new()),
    };
    let io_out = |e: std::io::Error| Error::io("-", e);
    // Blocks of text: up to DEPTH are parsed, tagged and rendered in pieces
    // on the pool; this thread helps until the oldest is done, hands the
    // pool the next block, then writes the oldest: blocks are written in
    // input order.
    let mut result: Result<()> = Ok(());
    rayon::in_place_scope(|scope| {
        let mut pending = VecDeque::with_capacity(DEPTH);
        let mut spare = Vec::new();
        let mut more = true;
        result = (|| {
            // read blocks until DEPTH are being rendered
            let mut fill = |blocks: &mut Blocks<'_>,
                            pending: &mut VecDeque<_>,
                            spare: &mut Vec<u8>|
             -> Result<()> {
                while more && pending.len() < DEPTH {
                    let Some(block) = blocks.next(std::mem::take(spare)).map_err(io_in)? else {
                        more = false;
                        break;
                    };
                    let (done, rendered) = std::sync::mpsc::sync_channel(1);
                    let rows = &rows;
                    scope.spawn(move |_| {
                        // the receiver is gone only when the stream failed
                        let _ = done.send((rows.render(&block), block.bytes));
                    });
                    pending.push_back(rendered);
                }
                Ok(())
            };
            fill(&mut blocks, &mut pending, &mut spare)?;
            while let Some(oldest) = pending.pop_front() {
                let (pieces, bytes) =
                    helping(&oldest).ok_or_else(|| Error::internal("a block was not rendered"))?;
                spare = bytes;
                // the next block goes to the pool before this one is written
                fill(&mut blocks, &mut pending, &mut spare)?;
                let pieces = pieces.map_err(io_out)?;
                rows.write_rendered(&mut fw, pieces, &mut report, events).map_err(io_out)?;
                events.progress(blocks.offset, report.features);
            }
            Ok(())
        })();
    });
    result?;
    fw.finish().map_err(io_out)?;
    report.bytes = blocks.offset;
    events.progress(report.bytes, report.features);
    Ok(report)
}

/// Wait for a value from `rx`, running the pool's pending work meanwhile
/// (pieces of this block or of the next ones); when there is none, the
/// rest of the block is running on another thread, so wait a little and
/// look again.
fn helping<T>(rx: &std::sync::mpsc::Receiver<T>) -> Option<T> {
    use std::sync::mpsc::{RecvTimeoutError, TryRecvError};
    loop {
        match rx.try_recv() {
            Ok(value) => return Some(value),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {}
        }
        if rayon::yield_now() == Some(rayon::Yield::Executed) {
            continue;
        }
        match rx.recv_timeout(std::time::Duration::from_micros(200)) {
            Ok(value) => return Some(value),
            Err(RecvTimeoutError::Disconnected) => return None,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// Open a stream: its encoding, its header and columns, and the order of
/// its slashed dates from a look at the first rows (unless a format is given).
fn begin<'r, R: Read + Send + 'r>(
    reader: R,
    opts: &StreamOptions<'_>,
    sizes: Sizes,
    report: &mut StreamReport,
    events: &mut dyn StreamEvents,
) -> Result<(Blocks<'r>, Vec<String>, IncidentColumns, DateParser)> {
    let mut blocks = open(reader, opts, sizes, report, events)?;
    let (headers, data) = read_header(&mut blocks, opts, report, events)?;
    let mut header_diags = Diagnostics::new();
    let Some(columns) =
        IncidentColumns::from_headers(&opts.path, &headers, None, &mut header_diags)
    else {
        return Err(Error::new(crate::ErrorKind::Data(header_diags)));
    };
    let mut dates = DateParser::new().with_format(opts.date_format.clone());
    if opts.date_format.is_none() {
        let values = blocks
            .peek_column(data, columns.date(), sizes.lookahead)
            .map_err(|e| Error::io(&opts.path, e))?;
        match SlashOrder::detect(values.iter().map(String::as_str)) {
            Some(order) => dates = dates.with_order(order),
            None => emit(
                Diagnostic::error(file(opts), "dates mix day-first and month-first forms")
                    .with_hint("give --date-format, e.g. --date-format %d/%m/%Y"),
                report,
                events,
            ),
        }
    }
    blocks.drop_front(data);
    Ok((blocks, headers, columns, dates))
}

/// A rendered piece of a block: its features, their count and problems.
type Rendered = (Vec<u8>, usize, Side);

/// Parses, tags and renders records.
struct Rows<'r, 'a> {
    reader: &'r IncidentReader<'a>,
    tagger: &'r Tagger<'a>,
    schema: &'r Schema,
    width: usize,
    delimiter: u8,
    /// Parsers of pieces already rendered, to reset for the next ones (a
    /// reset is cheaper than a build; `csv_core`'s `Clone` loses the
    /// parser's tables).
    parsers: Mutex<Vec<Parser>>,
    precision: u8,
    flavor: Flavor,
    /// Buffers of pieces already written, to render the next ones into.
    spare: Mutex<Vec<Vec<u8>>>,
}

impl Rows<'_, '_> {
    /// Write one record as a feature, or report it and count it skipped.
    /// `line` gives the record's line; it is asked only when needed (a
    /// problem, an id made from the line): counting lines costs.
    fn write<W: Write>(
        &self,
        rec: &Text<'_>,
        mut line: impl FnMut() -> u64,
        fw: &mut FeatureWriter<W>,
        report: &mut StreamReport,
        events: &mut dyn StreamEvents,
    ) -> std::io::Result<()> {
        let reader = self.reader;
        if let Some(extra) = ragged(rec, self.width) {
            let line = line();
            emit(
                Diagnostic::error(
                    Location::Record { path: reader.path.to_path_buf(), line },
                    format!("row has {extra} fields but the header has {}", self.width),
                )
                .with_hint("a field containing the delimiter must be quoted"),
                report,
                events,
            );
            report.skipped += 1;
            return Ok(());
        }
        let mut diags = Diagnostics::new();
        let mut located = reader.locate(rec, 0, &mut diags);
        if !diags.is_empty() {
            // a problem: read the record again, on its line
            diags = Diagnostics::new();
            located = reader.locate(rec, line(), &mut diags);
        }
        let Some(at) = located else {
            for d in diags.iter() {
                emit(d.clone(), report, events);
            }
            report.skipped += 1;
            return Ok(());
        };
        let id = reader.id_with(rec, line);
        let kind = self.schema.kind(rec);
        let tags = self.tagger.tag(&at.date, at.point, at.precision, at.place_zone, kind);
        let tag_values = tags.entries();
        // the coordinates' numbers, parsed once
        let known = at.columns.map(|(lat, lon)| [(lat, at.point.y()), (lon, at.point.x())]);
        let known = known.as_ref().map_or(&[][..], |k| &k[..]);
        let props = self.schema.entries_known(rec, &tag_values, known);
        fw.write_parts(&id, Some(&geo::Geometry::Point(at.point)), props)?;
        report.features += 1;
        Ok(())
    }

    /// Render a block's pieces in parallel, each with its features, count
    /// and problems, in input order.
    fn render(&self, block: &Block) -> std::io::Result<Vec<Rendered>> {
        block
            .pieces
            .par_iter()
            .map(|(range, line)| {
                let text = block.bytes.get(range.clone()).unwrap_or_default();
                let mut buf = self.spare.lock().ok().and_then(|mut s| s.pop()).unwrap_or_default();
                buf.clear();
                buf.reserve(text.len() * 2);
                self.render_piece(text, *line, buf)
            })
            .collect()
    }

    /// Parse the records of a piece of text starting at a record on `line`
    /// and render them into `buf`. Records are checked to be UTF-8 here,
    /// each whole: a record that is not skips only itself.
    fn render_piece(&self, text: &[u8], line: u64, buf: Vec<u8>) -> std::io::Result<Rendered> {
        let mut fw = FeatureWriter::fragment(buf, self.precision, self.flavor);
        let mut side = Side::default();
        let (report, diags) = (&mut side.report, &mut side.diagnostics);
        let mut parser = match self.parsers.lock().ok().and_then(|mut p| p.pop()) {
            Some(mut p) => {
                p.reset();
                p
            }
            None => Parser::new(self.delimiter, false),
        };
        let mut lines = LineCursor::new(line);
        let mut at = 0;
        loop {
            let start = at;
            let Some(end) = parser.next(text, at) else { break };
            at = end;
            match parser.record() {
                Ok(rec) if rec.is_blank() => {}
                Ok(rec) => {
                    self.write(&rec, || lines.line_at(text, start), &mut fw, report, diags)?;
                }
                Err(e) => {
                    let line = lines.line_at(text, start);
                    emit(not_utf8(self.reader.path, line, e.to_string()), report, diags);
                    report.skipped += 1;
                }
            }
        }
        if let Ok(mut parsers) = self.parsers.lock() {
            parsers.push(parser);
        }
        let (bytes, count) = fw.into_fragment();
        Ok((bytes, count, side))
    }

    /// Write rendered pieces in order, report their problems and keep
    /// their buffers for the next pieces.
    fn write_rendered<W: Write>(
        &self,
        fw: &mut FeatureWriter<W>,
        pieces: Vec<Rendered>,
        report: &mut StreamReport,
        events: &mut dyn StreamEvents,
    ) -> std::io::Result<()> {
        let mut done = Vec::with_capacity(pieces.len());
        for (bytes, count, side) in pieces {
            fw.append(&bytes, count)?;
            side.merge_into(report, events);
            done.push(bytes);
        }
        if let Ok(mut spare) = self.spare.lock() {
            spare.extend(done);
        }
        Ok(())
    }
}

/// A record parsed and checked to be UTF-8 once, whole: its fields are
/// slices of that text (a field boundary is never inside a character, as
/// delimiters and quotes are ASCII).
struct Text<'r> {
    text: &'r str,
    /// Where each field ends in `text`.
    ends: &'r [usize],
}

impl Text<'_> {
    /// Whether every field is empty or white space (such a record is
    /// skipped, as in a [`Table`](crate::read::Table)).
    fn is_blank(&self) -> bool {
        (0..self.ends.len()).all(|c| self.field(c).is_empty())
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn fields(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len()).map(|c| self.field(c))
    }
}

impl Fields for Text<'_> {
    fn field(&self, column: usize) -> &str {
        let Some(&end) = self.ends.get(column) else { return "" };
        let start = column.checked_sub(1).and_then(|c| self.ends.get(c)).map_or(0, |s| *s);
        self.text.get(start..end).map_or("", trim)
    }
}

/// Counts and problems gathered away from the caller's [`StreamEvents`]
/// (on another thread), merged in input order.
#[derive(Debug, Default)]
struct Side {
    report: StreamReport,
    diagnostics: Diagnostics,
}

impl Side {
    fn merge_into(self, report: &mut StreamReport, events: &mut dyn StreamEvents) {
        report.add_counts(&self.report);
        for d in self.diagnostics.iter() {
            events.diagnostic(d);
        }
    }
}

/// A `csv_core` reader and the buffers of the record it reads, over text
/// given as one slice from a record start (a piece, or the head of the
/// stream, which grows as it is read).
struct Parser {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    outlen: usize,
    nends: usize,
    /// Whether nothing was read yet and a byte-order mark must not be
    /// dropped (`csv_core` drops one at the start of what it reads: right
    /// at the start of the stream, wrong at the start of a piece).
    keep_bom: bool,
    /// The delimiter, for [`split_record`]; `None` when `csv_core` reads
    /// every record (at the start of the stream, where it drops a
    /// byte-order mark, or with a delimiter that is a quote or line break).
    fast: Option<u8>,
    /// Whether the record read is in `fast_out` and `fast_ends` (read by
    /// [`split_record`]), not in `out` and `ends`.
    split: bool,
    fast_out: Vec<u8>,
    fast_ends: Vec<usize>,
}

/// What [`Parser::read`] got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parsed {
    /// A whole record ([`Parser::record`]).
    Record,
    /// The end of the input given, inside or before a record: give more,
    /// or an empty input at the end of the text.
    More,
    /// The end of the text.
    End,
}

impl Parser {
    /// A `csv_core` reader of fields split by `delimiter`, as `csv` reads
    /// them (quotes, `""`, CRLF).
    fn core(delimiter: u8) -> csv_core::Reader {
        csv_core::ReaderBuilder::new().delimiter(delimiter).build()
    }

    /// A parser with a fresh `core` at the start of the stream, or of a
    /// piece of it.
    fn new(delimiter: u8, at_stream_start: bool) -> Self {
        let odd = matches!(delimiter, b'"' | b'\n' | b'\r');
        Parser {
            core: Parser::core(delimiter),
            out: vec![0; 1024],
            ends: vec![0; 64],
            outlen: 0,
            nends: 0,
            keep_bom: !at_stream_start,
            fast: (!at_stream_start && !odd).then_some(delimiter),
            split: false,
            fast_out: Vec::with_capacity(1024),
            fast_ends: Vec::with_capacity(64),
        }
    }

    /// Read on from `input` (empty: the end of the text): how far it got
    /// and the bytes of `input` used.
    fn read(&mut self, input: &[u8]) -> (Parsed, usize) {
        use csv_core::ReadRecordResult as R;
        // a mark is kept by giving its first byte alone
        let mut limit =
            if self.keep_bom && input.starts_with(b"\xEF\xBB\xBF") { 1 } else { input.len() };
        if !input.is_empty() {
            self.keep_bom = false;
        }
        let mut used = 0;
        loop {
            let (res, nin, nout, nend) = self.core.read_record(
                input.get(used..limit).unwrap_or_default(),
                self.out.get_mut(self.outlen..).unwrap_or_default(),
                self.ends.get_mut(self.nends..).unwrap_or_default(),
            );
            used += nin;
            self.outlen += nout;
            self.nends += nend;
            match res {
                R::InputEmpty if limit < input.len() => limit = input.len(),
                R::InputEmpty => return (Parsed::More, used),
                R::OutputFull => self.out.resize(self.out.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::Record => return (Parsed::Record, used),
                R::End => return (Parsed::End, used),
            }
        }
    }

    /// The next record of the whole text `text` from offset `at`: where it
    /// ends (the next record's start), `None` at the end.
    fn next(&mut self, text: &[u8], mut at: usize) -> Option<usize> {
        self.clear();
        if let Some(end) = self.split(text, at) {
            return Some(end);
        }
        loop {
            let (parsed, used) = self.read(text.get(at..).unwrap_or_default());
            at += used;
            match parsed {
                Parsed::Record => return Some(at),
                Parsed::End => return None,
                Parsed::More => {}
            }
        }
    }

    /// The record at `at` read by [`split_record`], if this parser may and
    /// the record is one it reads: where it ends. `None` leaves the parser
    /// as it was, for `csv_core` to read the record.
    fn split(&mut self, text: &[u8], at: usize) -> Option<usize> {
        let delimiter = self.fast?;
        let (out, ends) = (&mut self.fast_out, &mut self.fast_ends);
        out.clear();
        ends.clear();
        let end = split_record(text, at, delimiter, out, ends);
        self.split = end.is_some();
        end
    }

    /// The parser as new, at the start of a piece.
    fn reset(&mut self) {
        self.core.reset();
        self.keep_bom = true;
        self.clear();
    }

    /// Forget the record read, to read the next.
    fn clear(&mut self) {
        self.outlen = 0;
        self.nends = 0;
        self.split = false;
    }

    /// The record read, or why it is not UTF-8.
    fn record(&self) -> std::result::Result<Text<'_>, std::str::Utf8Error> {
        let (out, ends) = if self.split {
            (self.fast_out.as_slice(), self.fast_ends.as_slice())
        } else {
            (self.out.as_slice(), self.ends.get(..self.nends).unwrap_or_default())
        };
        let len = ends.last().map_or(0, |e| *e);
        let bytes = out.get(..len).unwrap_or_default();
        // the SIMD check, and the standard one for the error's position
        let text = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => std::str::from_utf8(bytes)?,
        };
        Ok(Text { text, ends })
    }
}

/// The record of `text` that `csv_core` reads from `at` (at a record
/// start, the reader's state being one at a record start), read without
/// its per-byte automaton for the common forms: fields unquoted, or quoted
/// from their first byte with `""` for a quote, the record ending in a line
/// break. Its fields go to `out` (concatenated, unquoted) and where each
/// ends to `ends`, as `csv_core` gives them; returns where `csv_core` would
/// stop (just after the first line break byte ending the record). `None`
/// when the text ends before the record does (a quote left open, no final
/// line break, nothing but line breaks): `csv_core` reads such a record.
///
/// The rules are `csv_core`'s (quoting on, `""` escapes, CRLF mode: `\r`,
/// `\n` or both end a record; blank lines are skipped; a quote inside an
/// unquoted field is text; after a closing quote, text up to the next
/// delimiter or line break is appended to the field).
fn split_record(
    text: &[u8],
    at: usize,
    delimiter: u8,
    out: &mut Vec<u8>,
    ends: &mut Vec<usize>,
) -> Option<usize> {
    let mut pos = at + text.get(at..)?.iter().take_while(|b| matches!(b, b'\n' | b'\r')).count();
    text.get(pos)?;
    loop {
        // at the start of a field
        if text.get(pos) == Some(&b'"') {
            pos += 1;
            loop {
                let rest = text.get(pos..)?;
                let q = memchr::memchr(b'"', rest)?;
                out.extend_from_slice(rest.get(..q)?);
                pos += q + 1;
                if text.get(pos) != Some(&b'"') {
                    break;
                }
                out.push(b'"');
                pos += 1;
            }
        }
        // in an unquoted field, or after a closing quote
        let rest = text.get(pos..)?;
        let n = memchr::memchr3(delimiter, b'\n', b'\r', rest)?;
        out.extend_from_slice(rest.get(..n)?);
        ends.push(out.len());
        pos += n + 1;
        if rest.get(n) != Some(&delimiter) {
            return Some(pos);
        }
    }
}

/// The 1-based lines of records met in order in a text, from the line of
/// its first byte.
struct LineCursor {
    /// Offset up to which newlines are counted.
    at: usize,
    /// The line at `at`.
    line: u64,
}

impl LineCursor {
    fn new(line: u64) -> Self {
        LineCursor { at: 0, line }
    }

    /// The line of the record that `csv_core` starts reading at `start`:
    /// the line breaks there are skipped (they end the record before, or
    /// are blank lines), then the newlines before are counted (as
    /// [`Table`](crate::read::Table) does).
    fn line_at(&mut self, text: &[u8], start: usize) -> u64 {
        let mut start = start;
        while matches!(text.get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        if let Some(between) = text.get(self.at..start) {
            self.line += newlines(between);
            self.at = start;
        }
        self.line
    }
}

fn newlines(text: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', text).count() as u64
}

/// Text of the stream in pieces that start at records, each with its line.
struct Block {
    bytes: Vec<u8>,
    pieces: Vec<(Range<usize>, u64)>,
}

/// Reads the decoded text in blocks that end at record starts, found by a
/// [`QuoteScan`] (the quotes followed as `csv` reads them), cut in pieces
/// that are parsed apart.
struct Blocks<'r> {
    src: BufReader<Box<dyn Read + Send + 'r>>,
    delimiter: u8,
    sizes: Sizes,
    /// Text read and not yet handed out; it starts at a record.
    buf: Vec<u8>,
    /// The scan of `buf[..scanned]`.
    scan: QuoteScan,
    scanned: usize,
    /// Record starts about every piece's bytes in `buf[..scanned]`.
    cuts: Vec<usize>,
    /// The line `buf` starts on.
    line: u64,
    /// Bytes of text handed out before `buf`.
    offset: u64,
    eof: bool,
}

impl<'r> Blocks<'r> {
    fn new(src: BufReader<Box<dyn Read + Send + 'r>>, delimiter: u8, sizes: Sizes) -> Self {
        Blocks {
            src,
            delimiter,
            sizes,
            buf: Vec::new(),
            scan: QuoteScan::new(delimiter, sizes.piece),
            scanned: 0,
            cuts: Vec::new(),
            line: 1,
            offset: 0,
            eof: false,
        }
    }

    /// Read until `buf` holds `want` bytes, or to the end of input.
    fn fill(&mut self, want: usize) -> std::io::Result<()> {
        while !self.eof && self.buf.len() < want {
            let need = want - self.buf.len();
            self.buf.reserve(need);
            let n = (&mut self.src).take(need as u64).read_to_end(&mut self.buf)?;
            self.eof = n < need;
        }
        Ok(())
    }

    /// The next record of the text from `at`, reading more as needed: where
    /// it ends, `None` at the end of input. Its fields are in `parser`.
    fn peek(&mut self, parser: &mut Parser, mut at: usize) -> std::io::Result<Option<usize>> {
        parser.clear();
        if at >= self.buf.len() {
            self.fill(self.buf.len() + self.sizes.block)?;
        }
        // a record whole in the text read so far, split fast (the look
        // ahead at the dates reads ten thousand of them)
        if let Some(end) = parser.split(&self.buf, at) {
            return Ok(Some(end));
        }
        loop {
            if at >= self.buf.len() {
                self.fill(self.buf.len() + self.sizes.block)?;
            }
            let (parsed, used) = parser.read(self.buf.get(at..).unwrap_or_default());
            at += used;
            match parsed {
                Parsed::Record => return Ok(Some(at)),
                Parsed::End => return Ok(None),
                Parsed::More => {}
            }
        }
    }

    /// A column's values in the first `n` records from `at` that are UTF-8
    /// and not blank (read ahead; nothing is reported).
    fn peek_column(&mut self, at: usize, column: usize, n: usize) -> std::io::Result<Vec<String>> {
        let mut parser = Parser::new(self.delimiter, false);
        let mut values = Vec::new();
        let mut at = at;
        while values.len() < n {
            let Some(end) = self.peek(&mut parser, at)? else { break };
            at = end;
            if let Ok(rec) = parser.record() {
                if !rec.is_blank() {
                    values.push(rec.field(column).to_string());
                }
            }
        }
        Ok(values)
    }

    /// Hand out the text before `at` (a record start) to no one.
    fn drop_front(&mut self, at: usize) {
        let at = at.min(self.buf.len());
        self.line += newlines(self.buf.get(..at).unwrap_or_default());
        self.offset += at as u64;
        self.buf.drain(..at);
        self.scan = QuoteScan::new(self.delimiter, self.sizes.piece);
        self.scanned = 0;
        self.cuts.clear();
    }

    /// The next block of about a block's bytes (more when a record is
    /// longer), ending at a record start or at the end of input; `spare`
    /// is a block's buffer to reuse. `None` at the end of input.
    fn next(&mut self, spare: Vec<u8>) -> std::io::Result<Option<Block>> {
        let mut want = self.sizes.block;
        let end = loop {
            self.fill(want)?;
            self.scan.scan(&self.buf, self.scanned, &mut self.cuts);
            self.scanned = self.buf.len();
            if self.eof {
                break self.buf.len();
            }
            if self.scan.last_start() > 0 {
                break self.scan.last_start();
            }
            // one record longer than the block
            want = self.buf.len().saturating_mul(2);
        };
        if end == 0 {
            return Ok(None);
        }
        let bounds: Vec<usize> = std::iter::once(0)
            .chain(self.cuts.iter().copied().filter(|c| *c < end))
            .chain(std::iter::once(end))
            .collect();
        let mut pieces = Vec::with_capacity(bounds.len());
        for w in bounds.windows(2) {
            if let [start, end] = *w {
                pieces.push((start..end, self.line));
                self.line += newlines(self.buf.get(start..end).unwrap_or_default());
            }
        }
        let mut rest = spare;
        rest.clear();
        rest.extend_from_slice(self.buf.get(end..).unwrap_or_default());
        let mut bytes = std::mem::replace(&mut self.buf, rest);
        bytes.truncate(end);
        self.scan.shift(end);
        self.scanned -= end;
        self.cuts.clear();
        self.offset += end as u64;
        Ok(Some(Block { bytes, pieces }))
    }
}

/// The header (after comment and blank lines) and where the records after
/// it start in the text (past an HXL hashtag row under it). Records before
/// that which are not UTF-8 are reported and skipped.
fn read_header(
    blocks: &mut Blocks<'_>,
    opts: &StreamOptions<'_>,
    report: &mut StreamReport,
    events: &mut dyn StreamEvents,
) -> Result<(Vec<String>, usize)> {
    let mut parser = Parser::new(blocks.delimiter, true);
    let mut lines = LineCursor::new(1);
    let mut headers: Option<Vec<String>> = None;
    let mut at = 0;
    while let Some(end) = blocks.peek(&mut parser, at).map_err(|e| Error::io(&opts.path, e))? {
        let start = std::mem::replace(&mut at, end);
        let line = lines.line_at(&blocks.buf, start);
        let rec = match parser.record() {
            Ok(rec) => rec,
            Err(e) => {
                emit(not_utf8(&opts.path, line, e.to_string()), report, events);
                report.skipped += 1;
                continue;
            }
        };
        if rec.is_blank() {
            continue;
        }
        let Some(h) = headers else {
            if !rec.field(0).starts_with('#') {
                headers = Some(rec.fields().map(str::to_string).collect());
            }
            continue;
        };
        let is_hxl = rec.fields().filter(|f| !f.is_empty()).all(|f| f.starts_with('#'));
        return Ok((h, if is_hxl { end } else { start }));
    }
    match headers {
        Some(h) => Ok((h, at)),
        None => Err(Error::data(
            Diagnostic::error(file(opts), "file is empty").with_hint("add a header line and rows"),
        )),
    }
}

/// Blocks of the input's text (see [`decoded`]) with the delimiter sniffed
/// from the first read.
fn open<'r, R: Read + Send + 'r>(
    reader: R,
    opts: &StreamOptions<'_>,
    sizes: Sizes,
    report: &mut StreamReport,
    events: &mut dyn StreamEvents,
) -> Result<Blocks<'r>> {
    let io_in = |e: std::io::Error| Error::io(&opts.path, e);
    let (text, encoding) = decoded(reader).map_err(io_in)?;
    if encoding == Encoding::Windows1252 {
        emit(
            Diagnostic::warning(file(opts), "file is not UTF-8; read as Windows-1252").with_hint(
                "save it as UTF-8 (\"CSV UTF-8\" in Excel) to be sure accents and scripts are right",
            ),
            report,
            events,
        );
    }
    let mut text = BufReader::with_capacity(1 << 16, text);
    let head = text.fill_buf().map_err(io_in)?;
    let delimiter = sniff_delimiter(&String::from_utf8_lossy(head));
    Ok(Blocks::new(text, delimiter, sizes))
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
    let report = stream_file(input, output, &opts, events);
    // Ten thousand zones with their rings and names are freed in the
    // background: the caller is about to print and exit.
    if let Some(data) = join {
        rayon::spawn(move || drop(data));
    }
    report
}

/// Stream `input` (`-`: stdin) into `output` (`-`: stdout).
fn stream_file(
    input: &Path,
    output: &Path,
    opts: &StreamOptions<'_>,
    events: &mut dyn StreamEvents,
) -> Result<StreamReport> {
    let stdin = input == Path::new("-");
    let reader: Box<dyn Read + Send> = if stdin {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(input).map_err(|e| Error::io(input, e))?)
    };
    if output == Path::new("-") {
        return incidents_with(reader, opts, std::io::stdout(), events);
    }
    let mut file = crate::write::atomic::AtomicFile::create(output)?;
    let report = incidents_with(reader, opts, &mut file, events)?;
    file.commit()?;
    Ok(report)
}

/// A record with bytes that are not UTF-8 (past the first block, which
/// decided the encoding).
fn not_utf8(path: &Path, line: u64, value: String) -> Diagnostic {
    Diagnostic::error(Location::Record { path: path.to_path_buf(), line }, "unreadable record")
        .with_value(value)
        .with_hint(
            "the record is not UTF-8 text; save the whole file as UTF-8 (\"CSV UTF-8\" in Excel)",
        )
}

/// The number of fields when a record has non-empty fields past the header.
fn ragged(rec: &Text<'_>, width: usize) -> Option<usize> {
    let len = rec.len();
    (len > width && (width..len).any(|i| !rec.field(i).is_empty())).then_some(len)
}

fn file(opts: &StreamOptions<'_>) -> Location {
    Location::File { path: opts.path.clone() }
}

/// Turn raw input into UTF-8 text: a UTF-8 BOM is dropped, UTF-16 with BOM
/// and bytes that are not UTF-8 (read as Windows-1252) are transcoded as
/// they stream. The guess looks at the first 64 KiB.
fn decoded<'r, R: Read + Send + 'r>(
    reader: R,
) -> std::io::Result<(Box<dyn Read + Send + 'r>, Encoding)> {
    let mut raw = BufReader::with_capacity(1 << 16, reader);
    let head = raw.fill_buf()?;
    let bom_builder = || encoding_rs_io::DecodeReaderBytesBuilder::new();
    if head.starts_with(b"\xEF\xBB\xBF") {
        raw.consume(3);
        return Ok((Box::new(raw), Encoding::Utf8Bom));
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        let enc = if head.starts_with(b"\xFF\xFE") { Encoding::Utf16Le } else { Encoding::Utf16Be };
        return Ok((Box::new(bom_builder().build(raw)), enc));
    }
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // a character cut at the end of the block is still UTF-8
        Err(e) => e.error_len().is_none(),
    };
    if utf8 {
        Ok((Box::new(raw), Encoding::Utf8))
    } else {
        let r = bom_builder().encoding(Some(encoding_rs::WINDOWS_1252)).build(raw);
        Ok((Box::new(r), Encoding::Windows1252))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(csv: &[u8], flavor: Flavor) -> (String, StreamReport, Vec<String>) {
        run_sized(csv, flavor, Sizes::DEFAULT, usize::MAX)
    }

    /// A stream in blocks and pieces of `sizes`, its input read at most
    /// `step` bytes at a time.
    fn run_sized(
        csv: &[u8],
        flavor: Flavor,
        sizes: Sizes,
        step: usize,
    ) -> (String, StreamReport, Vec<String>) {
        let mut opts = StreamOptions::new("incidents.csv");
        opts.flavor = flavor;
        let mut out = Vec::new();
        let mut d = Diagnostics::new();
        let input = Trickle { rest: csv, step };
        let report = stream(input, &opts, &mut out, &mut d, sizes).unwrap();
        (String::from_utf8(out).unwrap(), report, d.iter().map(ToString::to_string).collect())
    }

    /// Gives at most `step` bytes per read, as a pipe may.
    struct Trickle<'a> {
        rest: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.rest.len().min(self.step).min(buf.len());
            let (head, rest) = self.rest.split_at(n);
            buf[..n].copy_from_slice(head);
            self.rest = rest;
            Ok(n)
        }
    }

    /// A CSV of generated rows: good and bad, quoted notes over lines, `""`,
    /// quotes inside unquoted fields, CRLF, blank and ragged rows, a byte
    /// that is not UTF-8, and maybe an HXL row and an unclosed quote.
    fn generated(rows: &[(usize, usize, usize)], hxl: bool, unclosed: bool) -> Vec<u8> {
        use std::fmt::Write as _;
        let mut csv = String::from("# exported\nid,date,lat,lon,note\r\n");
        if hxl {
            csv.push_str("#id,#date,#geo+lat,#geo+lon,\n");
        }
        let mut bytes = Vec::new();
        for (i, (kind, note, end)) in rows.iter().enumerate() {
            let note =
                ["x", "\"a\nb\"", "\"a\r\nb, \"\"c\"\"\"", "50°46'06.6\"N", "\"\n\n\"", " é "]
                    [*note];
            let end = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\r\n\n\r\n", "\r"][*end];
            match kind {
                0 => write!(csv, "{i},2021-04-25,37.5,41,{note}{end}"),
                1 => write!(csv, "{i},04/05/2021,95,41,{note}{end}"),
                2 => write!(csv, "{i},2021-04-25,37,41,{note},extra{end}"),
                3 => write!(csv, ",,,,{end}"),
                _ => {
                    bytes.extend_from_slice(csv.as_bytes());
                    bytes.extend_from_slice(b"\xE9,2021-04-25,37,41,x\n");
                    csv.clear();
                    Ok(())
                }
            }
            .unwrap();
        }
        if unclosed {
            csv.push_str("99,2021-04-25,37,41,\"open\n1,2\n");
        }
        bytes.extend_from_slice(csv.as_bytes());
        bytes
    }

    #[test]
    fn streams_rows_in_order_with_tags() {
        let (text, report, diags) = run(
            b"id,date,lat,lon,type,fatalities\n2,2021-04-25,37.05,41.22,clash,3\n1,2021-04-26,37,41,arrest,\n",
            Flavor::Sequence,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(report.features, 2);
        insta::assert_snapshot!(text.replace('\u{1e}', "<RS>"), @r##"
        <RS>{"type":"Feature","id":"2","geometry":{"type":"Point","coordinates":[41.22,37.05]},"properties":{"id":"2","date":"2021-04-25","lat":37.05,"lon":41.22,"type":"clash","fatalities":3,"zone":null,"zone_force":null,"location_precision":"point","marker-color":"#c0392b"}}
        <RS>{"type":"Feature","id":"1","geometry":{"type":"Point","coordinates":[41,37]},"properties":{"id":"1","date":"2021-04-26","lat":37,"lon":41,"type":"arrest","fatalities":null,"zone":null,"zone_force":null,"location_precision":"point","marker-color":"#8e44ad"}}
        "##);
    }

    #[test]
    fn bad_rows_are_reported_with_lines_and_skipped() {
        let (text, report, diags) = run(
            b"id,date,lat,lon\r\n\r\n1,2021-04-25,95,41\r\n2,2021-04-25,37,41\r\n\r\n3,someday,37,41\r\n4,2021-04-25,37,41,x\r\n",
            Flavor::Collection,
        );
        assert_eq!((report.features, report.skipped, report.errors), (1, 3, 3));
        insta::assert_snapshot!(diags.join("\n"), @r#"
        incidents.csv:3:3: latitude out of range "95" — latitude must be between -90 and 90 degrees (WGS84)
        incidents.csv:6:2: unrecognised date "someday" — write dates as 2021-04-25 or 2021-04-25T22:00:00+03:00, or set date_format in frontline.toml
        incidents.csv:7: row has 5 fields but the header has 4 — a field containing the delimiter must be quoted
        "#);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["features"][0]["id"], "2");
    }

    #[test]
    fn reads_bom_utf16_and_windows_1252() {
        let plain = "id,date,lat,lon,note\n1,2021-04-25,37,41,Qamishlî\n";
        let (expected, _, _) = run(plain.as_bytes(), Flavor::Sequence);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(plain.as_bytes());
        assert_eq!(run(&bom, Flavor::Sequence).0, expected);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(plain.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(run(&utf16, Flavor::Sequence).0, expected);
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(plain);
        let (text, report, diags) = run(&cp1252, Flavor::Sequence);
        assert_eq!(text, expected);
        assert_eq!(report.warnings, 1, "{diags:?}");
    }

    #[test]
    fn header_problems_are_errors_and_semicolons_work() {
        let mut out = Vec::new();
        let err = incidents(&b"id,lat,lon\n1,2,3\n"[..], &StreamOptions::new("i.csv"), &mut out)
            .unwrap_err();
        assert!(err.to_string().contains("date") || err.diagnostics().is_some());
        let (text, report, _) = run(b"date;lat;lon\n25/04/2021;37,5;41,25\n", Flavor::Sequence);
        assert_eq!(report.features, 1);
        assert!(text.contains("[41.25,37.5]") && text.contains(r#""date":"2021-04-25""#));
    }

    #[test]
    fn slashed_dates_use_the_lookahead_order() {
        let (text, report, _) =
            run(b"date,lat,lon\n04/05/2021,37,41\n25/04/2021,37,41\n", Flavor::Sequence);
        assert_eq!(report.features, 2);
        assert!(text.contains(r#""date":"2021-05-04""#), "{text}");
    }

    #[test]
    fn batches_keep_order_lines_and_diagnostics() {
        use std::fmt::Write as _;
        // more rows than a look-ahead plus several batches, with bad rows spread out
        let mut csv = String::from("id,date,lat,lon,note\n");
        for i in 0..30_000 {
            let lat = if i % 7_000 == 6_999 { "95" } else { "37.5" };
            let note = if i % 1_000 == 0 { "\"two\nlines\"" } else { "x" };
            writeln!(csv, "{i},2021-04-25,{lat},41,{note}").unwrap();
        }
        let (text, report, diags) = run(csv.as_bytes(), Flavor::Collection);
        assert_eq!((report.features, report.skipped), (29_996, 4));
        // line = 2 + row index + the extra lines of earlier multi-line notes
        let line = |i: usize| 2 + i + i.div_ceil(1_000);
        let expected: Vec<String> = [6_999, 13_999, 20_999, 27_999]
            .iter()
            .map(|i| format!("incidents.csv:{}:3: latitude out of range \"95\" — latitude must be between -90 and 90 degrees (WGS84)", line(*i)))
            .collect();
        assert_eq!(diags, expected);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let ids: Vec<usize> = v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().parse().unwrap())
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ids.len(), 29_996);
    }

    #[test]
    fn bytes_that_are_not_utf8_after_the_first_block_skip_their_row() {
        use std::fmt::Write as _;
        // the first 64 KiB decide the encoding (UTF-8 here); a later bad byte
        // makes only its own record unreadable
        let mut csv = String::from("id,date,lat,lon,note\r\n");
        for i in 0..3_000 {
            write!(csv, "{i},2021-04-25,37.5,41,Qamişlo\r\n\r\n").unwrap();
        }
        let mut bytes = csv.into_bytes();
        bytes.extend_from_slice(
            b"3000,2021-04-25,37.5,41,caf\xe9\r\n3001,2021-04-25,37.5,41,ok\r\n",
        );
        let (text, report, diags) = run(&bytes, Flavor::Sequence);
        assert_eq!((report.features, report.skipped, report.errors), (3_001, 1, 1));
        assert_eq!(diags.len(), 1);
        assert!(diags[0].starts_with("incidents.csv:6002: unreadable record"), "{}", diags[0]);
        assert!(text.ends_with("\"note\":\"ok\",\"zone\":null,\"zone_force\":null,\"location_precision\":\"point\",\"marker-color\":\"#7f7f7f\"}}\n"), "{}", text.lines().last().unwrap_or_default());
    }

    /// The records of `text` as a parser reads them from offset 0: where
    /// each ends, its field bytes and their ends.
    fn records(parser: &mut Parser, text: &[u8]) -> Vec<(usize, Vec<u8>, Vec<usize>)> {
        let mut records = Vec::new();
        let mut at = 0;
        while let Some(end) = parser.next(text, at) {
            assert!(end > at, "no progress at {at}");
            at = end;
            let (out, ends) = if parser.split {
                (parser.fast_out.clone(), parser.fast_ends.clone())
            } else {
                (parser.out.clone(), parser.ends[..parser.nends].to_vec())
            };
            let len = ends.last().copied().unwrap_or(0);
            records.push((end, out[..len].to_vec(), ends));
        }
        records
    }

    /// Text made mostly of the bytes that matter to a CSV parser.
    fn csv_bytes() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let byte = prop_oneof![
            4 => proptest::sample::select(b"a\",;\r\n\"\n,\xEF\xBB\xBF\xC3\xA9 ".to_vec()),
            1 => proptest::num::u8::ANY,
        ];
        proptest::collection::vec(byte, 0..200)
    }

    #[test]
    fn split_record_reads_common_records_and_leaves_the_rest() {
        let mut out = Vec::new();
        let mut ends = Vec::new();
        let mut split = |text: &[u8]| {
            out.clear();
            ends.clear();
            let end = split_record(text, 0, b',', &mut out, &mut ends);
            (end, String::from_utf8_lossy(&out).into_owned(), ends.clone())
        };
        assert_eq!(split(b"\r\na,\"b\"\"c\",\r\nx"), (Some(12), "ab\"c".into(), vec![1, 4, 4]));
        assert_eq!(split(b"a\"b,\"c\"d\n"), (Some(9), "a\"bcd".into(), vec![3, 5]));
        // no line break before the end, a quote left open, only line breaks
        assert_eq!(split(b"a,b").0, None);
        assert_eq!(split(b"\"a\nb\n").0, None);
        assert_eq!(split(b"\r\n\n").0, None);
    }

    proptest::proptest! {
        #[test]
        fn prop_split_record_reads_as_csv_core(
            text in csv_bytes(),
            semicolon: bool,
        ) {
            let delimiter = if semicolon { b';' } else { b',' };
            let mut core = Parser::new(delimiter, false);
            core.fast = None;
            let mut fast = Parser::new(delimiter, false);
            proptest::prop_assert_eq!(records(&mut fast, &text), records(&mut core, &text));
        }

        #[test]
        fn prop_stream_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let mut out = Vec::new();
            let _ = incidents(bytes.as_slice(), &StreamOptions::new("f.csv"), &mut out);
        }

        #[test]
        fn prop_reported_lines_count_the_newlines_before_the_row(
            rows in proptest::collection::vec((0usize..3, 0usize..5), 1..40),
            block in 1usize..200,
            piece in 1usize..100,
            step in 1usize..50,
            lookahead in 1usize..10,
        ) {
            use std::fmt::Write as _;
            // every row is bad (latitude 95), so each is reported with its line
            let mut csv = String::from("id,date,lat,lon,note\n");
            let mut expected = Vec::new();
            for (i, (note, end)) in rows.iter().enumerate() {
                expected.push(csv.matches('\n').count() + 1);
                let note = ["x", "\"a\nb\"", "\"a\r\nb\""][*note];
                let end = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\r\n\n\r\n"][*end];
                write!(csv, "{i},2021-04-25,95,41,{note}{end}").unwrap();
            }
            // cut anywhere: blocks end inside quoted fields and between CR and LF
            let sizes = Sizes { block, piece, lookahead };
            let (_, report, diags) = run_sized(csv.as_bytes(), Flavor::Sequence, sizes, step);
            proptest::prop_assert_eq!(report.skipped, rows.len());
            let lines: Vec<usize> = diags
                .iter()
                .map(|d| d.split(':').nth(1).unwrap().parse().unwrap())
                .collect();
            proptest::prop_assert_eq!(lines, expected);
        }

        #[test]
        fn prop_ids_from_lines_count_the_newlines_before_the_row(
            rows in proptest::collection::vec((proptest::bool::ANY, proptest::bool::ANY, 0usize..3, 0usize..5), 1..40),
            block in 1usize..200,
            piece in 1usize..100,
            step in 1usize..50,
        ) {
            use std::fmt::Write as _;
            // rows without an id get `row-<line>`; bad rows are reported on their line
            let mut csv = String::from("id,date,lat,lon,note\n");
            let (mut ids, mut bad_lines) = (Vec::new(), Vec::new());
            for (i, (no_id, bad, note, end)) in rows.iter().enumerate() {
                let line = csv.matches('\n').count() + 1;
                let id = if *no_id { String::new() } else { format!("r{i}") };
                if *bad {
                    bad_lines.push(line);
                } else {
                    ids.push(if *no_id { format!("row-{line}") } else { id.clone() });
                }
                let lat = if *bad { "95" } else { "37" };
                let note = ["x", "\"a\nb\"", "\"a\r\nb\""][*note];
                let end = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\r\n\n\r\n"][*end];
                write!(csv, "{id},2021-04-25,{lat},41,{note}{end}").unwrap();
            }
            let sizes = Sizes { block, piece, lookahead: 5 };
            let (text, _, diags) = run_sized(csv.as_bytes(), Flavor::Sequence, sizes, step);
            let lines: Vec<usize> = diags
                .iter()
                .map(|d| d.split(':').nth(1).unwrap().parse().unwrap())
                .collect();
            proptest::prop_assert_eq!(lines, bad_lines);
            let got: Vec<String> = text
                .lines()
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l.trim_start_matches('\u{1e}')).unwrap();
                    v["id"].as_str().unwrap().to_string()
                })
                .collect();
            proptest::prop_assert_eq!(got, ids);
        }

        #[test]
        fn prop_blocks_and_pieces_of_any_size_stream_the_same(
            rows in proptest::collection::vec((0usize..5, 0usize..6, 0usize..6), 0..40),
            hxl: bool,
            unclosed: bool,
            block in 1usize..300,
            piece in 1usize..100,
            step in 1usize..64,
            lookahead in 1usize..10,
        ) {
            let csv = generated(&rows, hxl, unclosed);
            let whole = run_sized(&csv, Flavor::Collection, Sizes { lookahead, ..Sizes::DEFAULT }, step);
            let cut = run_sized(&csv, Flavor::Collection, Sizes { block, piece, lookahead }, step);
            proptest::prop_assert_eq!(&whole, &cut);
        }
    }

    #[test]
    fn records_longer_than_a_block_and_small_reads_stream_the_same() {
        let rows: Vec<(usize, usize, usize)> =
            (0..300).map(|i| (i % 5, i % 6, (i / 6) % 6)).collect();
        let csv = generated(&rows, true, true);
        let whole = run(&csv, Flavor::Sequence);
        assert!(whole.1.features > 50 && whole.1.skipped > 50, "{:?}", whole.1);
        for (block, piece, step) in [(1, 1, 1), (7, 3, 5), (64, 1, 1 << 20), (1 << 20, 64, 3)] {
            // the first read decides the encoding: compare runs with the same reads
            let one =
                run_sized(&csv, Flavor::Sequence, Sizes { lookahead: 10, ..Sizes::DEFAULT }, step);
            let cut =
                run_sized(&csv, Flavor::Sequence, Sizes { block, piece, lookahead: 10 }, step);
            assert_eq!(cut, one);
        }
        // a pool of one thread reads, renders and writes alone, the same
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let sizes = Sizes { block: 64, piece: 16, lookahead: 10 };
        let alone = pool.install(|| run_sized(&csv, Flavor::Sequence, sizes, 7));
        assert_eq!(alone, run_sized(&csv, Flavor::Sequence, sizes, 7));
        // the quote left open at the end takes the rest of the text, as csv reads it
        assert!(whole.0.ends_with("\"note\":\"open\\n1,2\",\"zone\":null,\"zone_force\":null,\"location_precision\":\"point\",\"marker-color\":\"#7f7f7f\"}}\n"), "{}", whole.0.lines().last().unwrap_or_default());
    }
}
