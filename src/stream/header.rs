//! The head of a stream: its header (past comment lines and an HXL row),
//! its incident columns, and the order of its slashed dates, decided from
//! a look ahead at the first records. Nothing past the header is reported
//! here but records that are not UTF-8.

use super::blocks::{Blocks, LineCursor};
use super::files::open;
use super::pipeline::Sizes;
use super::rows::not_utf8;
use super::{emit, StreamEvents, StreamOptions, StreamReport};
use crate::error::{Diagnostic, Diagnostics, Error, Location, Result};
use crate::read::date::{DateParser, SlashOrder};
use crate::read::incidents::IncidentColumns;
use crate::read::records::Parser;
use crate::read::table::Fields;
use std::io::Read;

/// Open a stream: its encoding, its header and columns, and the order of
/// its slashed dates from a look at the first rows (unless a format is given).
pub(super) fn begin<'r, R: Read + Send + 'r>(
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

/// The header (after comment and blank lines) and where the records after
/// it start in the text (past an HXL hashtag row under it). Records before
/// that which are not UTF-8 are reported and skipped.
pub(super) fn read_header(
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

/// The input as a whole, in messages.
fn file(opts: &StreamOptions<'_>) -> Location {
    Location::File { path: opts.path.clone() }
}
