//! The records of a stream's pieces: each is checked to be UTF-8, parsed
//! with the incidents reader, tagged and rendered as a feature, or reported
//! and counted as skipped. Pieces are rendered apart and written in order.

use super::blocks::{Block, LineCursor};
use super::{emit, StreamEvents, StreamReport};
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::feature::{recycle, Properties};
use crate::layers::incidents::{self, Tagger};
use crate::read::incidents::{IncidentReader, Schema};
use crate::read::records::{Parser, Text};
use crate::read::table::Fields;
use crate::write::geojson::{FeatureWriter, Flavor};
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// A rendered piece of a block: its features, their count and problems.
pub(super) type Rendered = (Vec<u8>, usize, Side);

/// Parses, tags and renders records.
pub(super) struct Rows<'r, 'a> {
    pub(super) reader: &'r IncidentReader<'a>,
    pub(super) tagger: &'r Tagger<'a>,
    pub(super) schema: &'r Schema,
    pub(super) width: usize,
    pub(super) delimiter: u8,
    /// Parsers of pieces already rendered, to reset for the next ones (a
    /// reset is cheaper than a build; `csv_core`'s `Clone` loses the
    /// parser's tables).
    pub(super) parsers: Mutex<Vec<Parser>>,
    pub(super) precision: u8,
    pub(super) flavor: Flavor,
    /// Buffers of pieces already written, to render the next ones into.
    pub(super) spare: Mutex<Vec<Vec<u8>>>,
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
        room: &mut Properties<'static>,
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
        let feature = incidents::feature(&id, at.point, props, recycle(std::mem::take(room)));
        fw.write_ref(&feature, None)?;
        *room = recycle(feature.properties);
        report.features += 1;
        Ok(())
    }

    /// Render a block's pieces in parallel, each with its features, count
    /// and problems, in input order.
    pub(super) fn render(&self, block: &Block) -> std::io::Result<Vec<Rendered>> {
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
        let mut room = Vec::new();
        let mut at = 0;
        loop {
            let start = at;
            let Some(end) = parser.next(text, at) else { break };
            at = end;
            match parser.record() {
                Ok(rec) if rec.is_blank() => {}
                Ok(rec) => {
                    let line = || lines.line_at(text, start);
                    self.write(&rec, line, &mut fw, &mut room, report, diags)?;
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
    pub(super) fn write_rendered<W: Write>(
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

/// Counts and problems gathered away from the caller's [`StreamEvents`]
/// (on another thread), merged in input order.
#[derive(Debug, Default)]
pub(super) struct Side {
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

/// A record with bytes that are not UTF-8 (past the first block, which
/// decided the encoding).
pub(super) fn not_utf8(path: &Path, line: u64, value: String) -> Diagnostic {
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
