//! Streaming incidents: one CSV of any size in, GeoJSON or GeoJSONSeq out,
//! in constant memory.
//!
//! [`incidents`] reads one record at a time (a reused `csv::StringRecord`),
//! parses it with the same [`IncidentReader`] as the in-memory reader, tags it
//! with the same [`Tagger`] as the incidents layer (zone, `zone_force`,
//! `location_precision`, `marker-color`), and writes it at once through THE
//! GeoJSON [`FeatureWriter`]. Features keep the input order. A bad row is
//! reported through [`StreamEvents::diagnostic`], counted and skipped; the
//! stream goes on. What this module does not do: sort features by id or reject
//! duplicate ids (both need the whole file in memory; `build` does them), and
//! decide what to print (the caller does).

use crate::error::{Diagnostic, Diagnostics, Error, Location, Result};
use crate::history::History;
use crate::layers::incidents::Tagger;
use crate::model::date::SlashOrder;
use crate::model::{ControlRow, DateParser, Force, NameIndex, Zone};
use crate::project::{Config, Overrides, Project, Settings, Sources, ZoneFiles};
use crate::read::decode::Encoding;
use crate::read::incidents::{IncidentColumns, IncidentReader, Schema};
use crate::read::table::{sniff_delimiter, Fields};
use crate::write::geojson::{FeatureWriter, Flavor};
use rayon::prelude::*;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Records read ahead to decide how slashed dates are ordered (`04/05/2021`).
const DATE_LOOKAHEAD: usize = 10_000;
/// Records per batch: one is rendered while the next is read.
const BATCH: usize = 1 << 13;
/// Records per parallel piece of a batch.
const PIECE: usize = 1 << 10;

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

/// What a stream tells its caller while it runs.
pub trait StreamEvents {
    /// A problem with the input (a skipped row, an encoding guess).
    fn diagnostic(&mut self, diagnostic: &Diagnostic);
    /// Called after each batch of 8,192 records with the input bytes read.
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
pub fn incidents<R: Read, W: Write>(
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
/// # Errors
///
/// I/O errors (reading or writing), and a data error when the header lacks
/// a date or location column (nothing is written then).
pub fn incidents_with<R: Read, W: Write>(
    reader: R,
    opts: &StreamOptions<'_>,
    writer: W,
    events: &mut dyn StreamEvents,
) -> Result<StreamReport> {
    let shown = opts.path.clone();
    let io_in = |e: std::io::Error| Error::io(shown.clone(), e);
    let mut report = StreamReport::default();

    let (mut csv, lines, delimiter) = open_csv(reader, opts, &mut report, events)?;
    let mut rec = csv::ByteRecord::new();
    let (headers, ahead) = read_head(&mut csv, &mut rec, &lines, opts, &mut report, events)?;
    let mut header_diags = Diagnostics::new();
    let Some(columns) =
        IncidentColumns::from_headers(&opts.path, &headers, None, &mut header_diags)
    else {
        return Err(Error::new(crate::ErrorKind::Data(header_diags)));
    };
    let mut dates = DateParser::new().with_format(opts.date_format.clone());
    if opts.date_format.is_none() {
        let values = ahead.iter().map(|(r, _)| r.field(columns.date()));
        match SlashOrder::detect(values) {
            Some(order) => dates = dates.with_order(order),
            None => emit(
                Diagnostic::error(file(opts), "dates mix day-first and month-first forms")
                    .with_hint("give --date-format, e.g. --date-format %d/%m/%Y"),
                &mut report,
                events,
            ),
        }
    }

    let empty_names = NameIndex::new();
    let (zones, names, control, forces) = match &opts.join {
        Some(j) => (j.zones, j.names, j.control, j.forces),
        None => (&[][..], &empty_names, &[][..], &[][..]),
    };
    let history = History::new(control, zones.len());
    let tagger = Tagger::new(zones, &history, forces);
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
    let rows =
        Rows { reader: &incident_reader, tagger: &tagger, schema: &schema, width: headers.len() };
    let io_out = |e: std::io::Error| Error::io("-", e);
    // Batches: while one is parsed, tagged and rendered on the thread pool,
    // this thread writes the one before and reads the one after; batches
    // are written in input order.
    let mut batch: Vec<(csv::ByteRecord, u64)> =
        ahead.into_iter().map(|(r, line)| (r.into_byte_record(), line)).collect();
    let mut read_side = Side::default();
    let mut spare = Vec::new();
    let mut written: Vec<Rendered> = Vec::new();
    loop {
        if batch.is_empty() {
            let (next, read) =
                read_batch(&mut csv, &lines, opts, std::mem::take(&mut spare)).map_err(io_in)?;
            read_side.merge(read);
            if next.is_empty() {
                break;
            }
            batch = next;
        }
        let mut rendered = None;
        let mut next = Ok((Vec::new(), Side::default()));
        let mut wrote = Ok(());
        let reuse = std::mem::take(&mut spare);
        let previous = std::mem::take(&mut written);
        let this_read = std::mem::take(&mut read_side);
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| rendered = Some(rows.render(&mut batch, opts.precision, opts.flavor)));
            wrote = write_rendered(&mut fw, previous, &mut report, events);
            this_read.merge_into(&mut report, events);
            next = read_batch(&mut csv, &lines, opts, reuse);
        });
        wrote.map_err(io_out)?;
        written =
            rendered.ok_or_else(|| Error::internal("a batch was not rendered"))?.map_err(io_out)?;
        let (next, read) = next.map_err(io_in)?;
        read_side = read;
        events.progress(lines.lock().map_or(0, |l| l.consumed), report.features);
        spare = std::mem::replace(&mut batch, next);
        if batch.is_empty() {
            break;
        }
    }
    write_rendered(&mut fw, written, &mut report, events).map_err(io_out)?;
    read_side.merge_into(&mut report, events);
    fw.finish().map_err(io_out)?;
    report.bytes = lines.lock().map_or(0, |l| l.consumed);
    events.progress(report.bytes, report.features);
    Ok(report)
}

/// A rendered piece of a batch: its features, their count and problems.
type Rendered = (Vec<u8>, usize, Side);

/// Write rendered pieces in order and report their problems.
fn write_rendered<W: Write>(
    fw: &mut FeatureWriter<W>,
    pieces: Vec<Rendered>,
    report: &mut StreamReport,
    events: &mut dyn StreamEvents,
) -> std::io::Result<()> {
    for (bytes, count, side) in pieces {
        fw.append(&bytes, count)?;
        side.merge_into(report, events);
    }
    Ok(())
}

/// Parses, tags and writes records.
struct Rows<'r, 'a> {
    reader: &'r IncidentReader<'a>,
    tagger: &'r Tagger<'a>,
    schema: &'r Schema,
    width: usize,
}

impl Rows<'_, '_> {
    /// Write one record as a feature, or report it and count it skipped.
    fn write<W: Write>(
        &self,
        rec: &Text<'_>,
        line: u64,
        fw: &mut FeatureWriter<W>,
        report: &mut StreamReport,
        events: &mut dyn StreamEvents,
    ) -> std::io::Result<()> {
        let reader = self.reader;
        if rec.is_blank() {
            return Ok(());
        }
        if let Some(extra) = ragged(rec, self.width) {
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
        let Some(at) = reader.locate(rec, line, &mut diags) else {
            for d in diags.iter() {
                emit(d.clone(), report, events);
            }
            report.skipped += 1;
            return Ok(());
        };
        let id = reader.id(rec, line);
        let kind = self.schema.kind(rec);
        let tags = self.tagger.tag(&at.date, at.point, at.precision, at.place_zone, kind);
        let tag_values = tags.entries();
        let props = self.schema.entries(rec, &tag_values);
        fw.write_parts(&id, Some(&geo::Geometry::Point(at.point)), props)?;
        report.features += 1;
        Ok(())
    }
}

impl Rows<'_, '_> {
    /// Render a batch in parallel pieces, each with its features, count and
    /// problems, in input order. Records are checked to be UTF-8 here, off
    /// the reading thread, and handed back as bytes for the next batch.
    fn render(
        &self,
        batch: &mut [(csv::ByteRecord, u64)],
        precision: u8,
        flavor: Flavor,
    ) -> std::io::Result<Vec<Rendered>> {
        batch
            .par_chunks_mut(PIECE)
            .map(|piece| {
                let capacity = piece.iter().map(|(r, _)| r.as_slice().len()).sum::<usize>();
                let mut fw =
                    FeatureWriter::fragment(Vec::with_capacity(capacity * 2), precision, flavor);
                let mut side = Side::default();
                for (rec, line) in piece {
                    let (report, diags) = (&mut side.report, &mut side.diagnostics);
                    match std::str::from_utf8(rec.as_slice()) {
                        Ok(text) => {
                            self.write(&Text { text, rec }, *line, &mut fw, report, diags)?;
                        }
                        Err(e) => {
                            emit(not_utf8(self.reader.path, *line, e.to_string()), report, diags);
                            report.skipped += 1;
                        }
                    }
                }
                let (bytes, count) = fw.into_fragment();
                Ok((bytes, count, side))
            })
            .collect()
    }
}

/// A record read as bytes and checked to be UTF-8 once, whole: its fields
/// are slices of that text (a field boundary is never inside a character,
/// as delimiters and quotes are ASCII).
struct Text<'r> {
    text: &'r str,
    rec: &'r csv::ByteRecord,
}

impl Text<'_> {
    fn is_blank(&self) -> bool {
        self.rec.as_slice().iter().all(u8::is_ascii_whitespace)
    }
}

impl Fields for Text<'_> {
    fn field(&self, column: usize) -> &str {
        self.rec.range(column).and_then(|r| self.text.get(r)).map_or("", str::trim)
    }
}

/// Counts and problems gathered away from the caller's [`StreamEvents`]
/// (on another thread, or while reading ahead), merged in input order.
#[derive(Debug, Default)]
struct Side {
    report: StreamReport,
    diagnostics: Diagnostics,
}

impl Side {
    /// Add another side's counts and problems after this one's.
    fn merge(&mut self, other: Side) {
        self.report.add_counts(&other.report);
        self.diagnostics.extend(other.diagnostics);
    }

    fn merge_into(self, report: &mut StreamReport, events: &mut dyn StreamEvents) {
        report.add_counts(&self.report);
        for d in self.diagnostics.iter() {
            events.diagnostic(d);
        }
    }
}

/// Read up to [`BATCH`] records into `batch`, reusing its records (and
/// their allocations) from a batch already written; unreadable records are
/// reported in the side.
fn read_batch<R: Read>(
    csv: &mut csv::Reader<R>,
    lines: &Mutex<LineCounter>,
    opts: &StreamOptions<'_>,
    mut batch: Vec<(csv::ByteRecord, u64)>,
) -> std::io::Result<(Vec<(csv::ByteRecord, u64)>, Side)> {
    let mut side = Side::default();
    let mut n = 0;
    for (rec, line) in &mut batch {
        match next_record(csv, rec, lines, opts, &mut side.report, &mut side.diagnostics)? {
            Some(l) => *line = l,
            None => break,
        }
        n += 1;
    }
    if n < batch.len() {
        batch.truncate(n);
        return Ok((batch, side));
    }
    while batch.len() < BATCH {
        let mut rec = csv::ByteRecord::with_capacity(512, 32);
        match next_record(csv, &mut rec, lines, opts, &mut side.report, &mut side.diagnostics)? {
            Some(line) => batch.push((rec, line)),
            None => break,
        }
    }
    Ok((batch, side))
}

/// The header (after comment lines), and the first records (up to
/// [`DATE_LOOKAHEAD`], or one with a declared date format) to decide the
/// date order from. An HXL hashtag row under the header is skipped.
type Head = (Vec<String>, VecDeque<(csv::StringRecord, u64)>);

fn read_head<R: Read>(
    csv: &mut csv::Reader<R>,
    raw: &mut csv::ByteRecord,
    lines: &Mutex<LineCounter>,
    opts: &StreamOptions<'_>,
    report: &mut StreamReport,
    events: &mut dyn StreamEvents,
) -> Result<Head> {
    let mut headers: Option<Vec<String>> = None;
    let mut ahead = VecDeque::new();
    let mut hxl_checked = false;
    while let Some(line) =
        next_record(csv, raw, lines, opts, report, events).map_err(|e| Error::io(&opts.path, e))?
    {
        let rec = match csv::StringRecord::from_byte_record(raw.clone()) {
            Ok(rec) => rec,
            Err(e) => {
                emit(not_utf8(&opts.path, line, e.utf8_error().to_string()), report, events);
                report.skipped += 1;
                continue;
            }
        };
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if headers.is_none() {
            if !rec.field(0).starts_with('#') {
                headers = Some(rec.iter().map(|f| f.trim().to_string()).collect());
            }
            continue;
        }
        let is_hxl = !hxl_checked
            && rec.iter().map(str::trim).filter(|f| !f.is_empty()).all(|f| f.starts_with('#'));
        hxl_checked = true;
        if is_hxl {
            continue;
        }
        ahead.push_back((rec, line));
        if opts.date_format.is_some() || ahead.len() >= DATE_LOOKAHEAD {
            break;
        }
    }
    match headers {
        Some(h) => Ok((h, ahead)),
        None => Err(Error::data(
            Diagnostic::error(file(opts), "file is empty").with_hint("add a header line and rows"),
        )),
    }
}

/// A CSV reader over decoded text (see [`decoded`]) with the delimiter
/// sniffed from the first block, and the line counter it feeds.
type Opened<'r> =
    (csv::Reader<Tracked<BufReader<Box<dyn Read + 'r>>>>, Arc<Mutex<LineCounter>>, u8);

fn open_csv<'r, R: Read + 'r>(
    reader: R,
    opts: &StreamOptions<'_>,
    report: &mut StreamReport,
    events: &mut dyn StreamEvents,
) -> Result<Opened<'r>> {
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
    let lines = Arc::new(Mutex::new(LineCounter::default()));
    let tracked = Tracked { inner: text, lines: Arc::clone(&lines) };
    let csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .comment(None)
        .buffer_capacity(1 << 16)
        .from_reader(tracked);
    Ok((csv, lines, delimiter))
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
    let stdin = input == Path::new("-");
    let reader: Box<dyn Read> = if stdin {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(input).map_err(|e| Error::io(input, e))?)
    };
    if output == Path::new("-") {
        return incidents_with(reader, &opts, std::io::stdout().lock(), events);
    }
    let mut file = crate::write::atomic::AtomicFile::create(output)?;
    let report = incidents_with(reader, &opts, &mut file, events)?;
    file.commit()?;
    Ok(report)
}

/// Read the next record and its start line; an unreadable record is
/// reported and skipped. `None` at the end of input.
fn next_record<R: Read>(
    csv: &mut csv::Reader<R>,
    rec: &mut csv::ByteRecord,
    lines: &Mutex<LineCounter>,
    opts: &StreamOptions<'_>,
    report: &mut StreamReport,
    events: &mut dyn StreamEvents,
) -> std::io::Result<Option<u64>> {
    loop {
        match csv.read_byte_record(rec) {
            Ok(false) => return Ok(None),
            Ok(true) => {
                let line = line_of(lines, rec.position());
                return Ok(Some(line));
            }
            Err(e) => {
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(std::io::Error::other(e));
                }
                let line = line_of(lines, e.position());
                emit(
                    Diagnostic::error(
                        Location::Record { path: opts.path.clone(), line },
                        "unreadable record",
                    )
                    .with_value(e.to_string()),
                    report,
                    events,
                );
                report.skipped += 1;
            }
        }
    }
}

/// The number of fields when a record has non-empty fields past the header.
/// A record with bytes that are not UTF-8 (past the first block, which
/// decided the encoding).
fn not_utf8(path: &Path, line: u64, value: String) -> Diagnostic {
    Diagnostic::error(Location::Record { path: path.to_path_buf(), line }, "unreadable record")
        .with_value(value)
        .with_hint(
            "the record is not UTF-8 text; save the whole file as UTF-8 (\"CSV UTF-8\" in Excel)",
        )
}

fn ragged(rec: &Text<'_>, width: usize) -> Option<usize> {
    let len = rec.rec.len();
    (len > width && (width..len).any(|i| !rec.field(i).is_empty())).then_some(len)
}

fn file(opts: &StreamOptions<'_>) -> Location {
    Location::File { path: opts.path.clone() }
}

/// Turn raw input into UTF-8 text: a UTF-8 BOM is dropped, UTF-16 with BOM
/// and bytes that are not UTF-8 (read as Windows-1252) are transcoded as
/// they stream. The guess looks at the first 64 KiB.
fn decoded<'r, R: Read + 'r>(reader: R) -> std::io::Result<(Box<dyn Read + 'r>, Encoding)> {
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

/// Counts lines in the bytes the CSV reader has seen, so that a record's
/// start line is exact (like `Table`'s line index) without keeping the file.
///
/// The reader hands every block it reads to the counter, which notes where
/// its newlines are; [`line_at`] passes them up to a record's start offset.
/// Only the newlines between the last record and the reader's look-ahead
/// are held.
///
/// [`line_at`]: LineCounter::line_at
#[derive(Debug, Default)]
struct LineCounter {
    /// Offsets of the `\n` bytes read but not yet passed, each with the
    /// number of `\r` right before it (up to 255) in the top byte.
    newlines: VecDeque<u64>,
    /// Bytes read so far.
    read: u64,
    /// `\r` bytes at the end of what was read (a CRLF cut between reads).
    trailing_cr: u64,
    /// Offset up to which newlines are counted (the last record's start).
    consumed: u64,
    /// Newlines before `consumed`.
    passed: u64,
}

/// The bits of a [`LineCounter`] entry that hold the offset.
const OFFSET: u64 = (1 << 56) - 1;

impl LineCounter {
    /// Note the newlines of the next bytes read.
    fn see(&mut self, bytes: &[u8]) {
        for i in memchr::memchr_iter(b'\n', bytes) {
            let head = bytes.get(..i).unwrap_or_default();
            let cr = head.iter().rev().take_while(|b| **b == b'\r').count() as u64;
            let cr = if cr == i as u64 { cr + self.trailing_cr } else { cr };
            self.newlines.push_back((self.read + i as u64) | (cr.min(255) << 56));
        }
        let cr = bytes.iter().rev().take_while(|b| **b == b'\r').count() as u64;
        self.trailing_cr = if cr == bytes.len() as u64 { self.trailing_cr + cr } else { cr };
        self.read += bytes.len() as u64;
    }

    /// The 1-based line of the record starting at byte `at`: skip line
    /// breaks at `at` (csv reports the end of the previous record after
    /// blank lines and CRLF), then count the newlines before.
    fn line_at(&mut self, at: u64) -> u64 {
        while let Some(&q) = self.newlines.front() {
            if q & OFFSET >= at {
                break;
            }
            self.passed += 1;
            self.newlines.pop_front();
        }
        let mut cursor = at;
        while let Some(&q) = self.newlines.front() {
            let (pos, cr) = (q & OFFSET, q >> 56);
            if pos < cursor || pos - cursor > cr {
                break;
            }
            self.passed += 1;
            self.newlines.pop_front();
            cursor = pos + 1;
        }
        self.consumed = self.consumed.max(cursor);
        self.passed + 1
    }
}

/// A reader that shows every byte it passes to a [`LineCounter`].
struct Tracked<R> {
    inner: R,
    lines: Arc<Mutex<LineCounter>>,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let (Some(read), Ok(mut lines)) = (buf.get(..n), self.lines.lock()) {
            lines.see(read);
        }
        Ok(n)
    }
}

/// The start line of a record at a csv position (0 when unknown).
fn line_of(lines: &Mutex<LineCounter>, at: Option<&csv::Position>) -> u64 {
    match (at, lines.lock()) {
        (Some(p), Ok(mut l)) => l.line_at(p.byte()),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(csv: &[u8], flavor: Flavor) -> (String, StreamReport, Vec<String>) {
        let mut opts = StreamOptions::new("incidents.csv");
        opts.flavor = flavor;
        let mut out = Vec::new();
        let mut d = Diagnostics::new();
        let report = incidents_with(csv.to_vec().as_slice(), &opts, &mut out, &mut d).unwrap();
        (String::from_utf8(out).unwrap(), report, d.iter().map(ToString::to_string).collect())
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

    proptest::proptest! {
        #[test]
        fn prop_stream_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let mut out = Vec::new();
            let _ = incidents(bytes.as_slice(), &StreamOptions::new("f.csv"), &mut out);
        }

        #[test]
        fn prop_reported_lines_count_the_newlines_before_the_row(
            rows in proptest::collection::vec((0usize..3, 0usize..5), 1..40)
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
            let (_, report, diags) = run(csv.as_bytes(), Flavor::Sequence);
            proptest::prop_assert_eq!(report.skipped, rows.len());
            let lines: Vec<usize> = diags
                .iter()
                .map(|d| d.split(':').nth(1).unwrap().parse().unwrap())
                .collect();
            proptest::prop_assert_eq!(lines, expected);
        }
    }
}
