//! Delimited text tables: delimiter sniffing, header→column map, positions.
//!
//! A [`Table`] is a small CSV loaded in memory with each record's start line
//! (from the record's byte offset, so quoted multi-line fields do not shift
//! later lines); its records are read in parallel pieces by the record
//! reader the stream uses too (`read::records`). It knows its delimiter
//! and whether numbers use a decimal comma. It does not interpret columns;
//! the `control`, `incidents` and `forces` readers do.

use super::decode::{decode_declared, guessed_windows_1252, Encoding};
use super::records::{Parser, QuoteScan, Text};
use crate::error::{Diagnostic, Diagnostics, Location};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// A record of a table with the line it starts on.
///
/// The fields are kept in one text buffer with their end offsets (two
/// allocations per record, not one per cell: a country's incidents have
/// millions of records).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// 1-based line where the record starts.
    pub line: u64,
    /// The fields, trimmed of surrounding whitespace, one after another.
    text: Box<str>,
    /// Where each field ends in `text`.
    ends: Box<[u32]>,
}

/// Fields of one record by 0-based column: a [`Row`] of a loaded table, or
/// a `csv::StringRecord` read by a streaming reader. Values are trimmed and a
/// missing field reads as `""`.
pub trait Fields {
    /// The trimmed field at a 0-based column, or `""` when the record is short.
    fn field(&self, column: usize) -> &str;
}

impl Fields for Row {
    fn field(&self, column: usize) -> &str {
        self.get(column)
    }
}

impl Fields for csv::StringRecord {
    fn field(&self, column: usize) -> &str {
        self.get(column).map_or("", str::trim)
    }
}

impl Row {
    /// A row of `fields`, each trimmed; a line break inside a field reads as
    /// `\n`, whatever the file uses. `None` when the record is longer than
    /// 4 GiB.
    pub fn new<'f>(line: u64, fields: impl IntoIterator<Item = &'f str>) -> Option<Row> {
        Row::with_capacity(line, fields, 0)
    }

    /// A row of a record read by the record reader, its text allocated once.
    fn from_record(line: u64, record: &Text<'_>) -> Option<Row> {
        Row::with_capacity(line, record.fields(), record.text_len())
    }

    fn with_capacity<'f>(
        line: u64,
        fields: impl IntoIterator<Item = &'f str>,
        capacity: usize,
    ) -> Option<Row> {
        let fields = fields.into_iter();
        let mut text = String::with_capacity(capacity);
        let mut ends = Vec::with_capacity(fields.size_hint().0);
        for f in fields {
            let f = f.trim();
            if f.contains('\r') {
                text.push_str(&f.replace("\r\n", "\n"));
            } else {
                text.push_str(f);
            }
            ends.push(u32::try_from(text.len()).ok()?);
        }
        Some(Row { line, text: text.into_boxed_str(), ends: ends.into_boxed_slice() })
    }

    /// The field at a 0-based column, or `""` when the row is short.
    #[must_use]
    pub fn get(&self, column: usize) -> &str {
        let Some(end) = self.ends.get(column) else { return "" };
        let start = column.checked_sub(1).and_then(|c| self.ends.get(c)).map_or(0, |s| *s);
        self.text.get(start as usize..*end as usize).unwrap_or("")
    }

    /// The non-empty field at a column, if any.
    #[must_use]
    pub fn value(&self, column: Option<usize>) -> Option<&str> {
        column.map(|c| self.get(c)).filter(|s| !s.is_empty())
    }

    /// The number of fields.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no fields.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The fields in order.
    #[must_use]
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.ends.len()).map(|c| self.get(c))
    }
}

/// A delimited table read into memory.
#[derive(Debug, Clone)]
pub struct Table {
    /// The path as shown in messages.
    pub path: PathBuf,
    /// Column names, trimmed.
    pub headers: Vec<String>,
    /// The records after the header.
    pub rows: Vec<Row>,
    /// The field delimiter that was used.
    pub delimiter: u8,
    /// Whether numbers use a decimal comma (`36,97`).
    pub decimal_comma: bool,
    /// The text encoding that was detected.
    pub encoding: Encoding,
}

/// The delimiter that splits the header line into the most fields, among
/// `,` `;` tab `|`, counting only outside quotes.
#[must_use]
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = first_data_line(text);
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let mut in_quotes = false;
        let mut n = 0;
        for b in header.bytes() {
            if b == b'"' {
                in_quotes = !in_quotes;
            } else if b == d && !in_quotes {
                n += 1;
            }
        }
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

/// The first line that is not blank and not a `#` comment.
fn first_data_line(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#')).unwrap_or("")
}

/// `str::trim`, without its look at every end for the text that has no
/// white space there (a printable ASCII byte at both ends: nearly every
/// field; white space other than ASCII is never a single byte).
pub(crate) fn trim(s: &str) -> &str {
    let solid = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if solid(s.as_bytes().first()) && solid(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Parse a number, accepting a decimal comma when the table uses one.
#[must_use]
pub fn parse_number(s: &str, decimal_comma: bool) -> Option<f64> {
    let s = trim(s);
    if s.is_empty() {
        return None;
    }
    let v: f64 = if decimal_comma && s.contains(',') && !s.contains('.') {
        s.replacen(',', ".", 1).parse().ok()?
    } else {
        s.parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// Line numbers from byte offsets.
///
/// A record's line is computed from its byte offset (`csv`'s own
/// `Position::line` is wrong after blank lines and with CRLF: it reports
/// the line where the previous record ended): skip the line breaks before
/// the record, then count the newlines before it.
struct LineIndex<'a> {
    text: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let text = text.as_bytes();
        LineIndex { text, newlines: memchr_all(text) }
    }
}

impl LineIndex<'_> {
    /// The line of the record read from `byte`, for records met in order:
    /// `cursor` counts the newlines already passed and only moves forward
    /// (a binary search per record costs more than the walk over a
    /// country's millions of rows).
    fn line_after(&self, byte: u64, cursor: &mut usize) -> u64 {
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX);
        while self.text.get(at).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            at += 1;
        }
        if cursor.checked_sub(1).and_then(|c| self.newlines.get(c)).is_some_and(|n| *n >= at) {
            // behind the cursor (never for records in order): search
            *cursor = self.newlines.partition_point(|n| *n < at);
        }
        while self.newlines.get(*cursor).is_some_and(|n| *n < at) {
            *cursor += 1;
        }
        *cursor as u64 + 1
    }

    /// The 1-based line of a byte offset (no skipping of line breaks).
    fn line_of(&self, byte: usize) -> u64 {
        self.newlines.partition_point(|n| *n < byte) as u64 + 1
    }
}

/// Where a quote that is never closed opens: the byte offset, if the text
/// ends inside a quoted field. See [`scan_quotes`].
#[cfg(test)]
fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    scan_quotes(text, delimiter, usize::MAX).0
}

/// The [`QuoteScan`] of a whole table: where a quote that is never closed
/// opens (the byte offset, if the text ends inside a quoted field), and the
/// offsets where records start about every `piece` bytes (just after a line
/// break outside quotes), so that the pieces between them can be parsed
/// apart.
fn scan_quotes(text: &str, delimiter: u8, piece: usize) -> (Option<usize>, Vec<usize>) {
    let mut scan = QuoteScan::new(delimiter, piece);
    let mut cuts = Vec::new();
    scan.scan(text.as_bytes(), 0, &mut cuts);
    if cuts.last() == Some(&text.len()) {
        cuts.pop(); // nothing to parse after it
    }
    (scan.unclosed(), cuts)
}

/// Bytes of text per piece parsed in parallel.
const PIECE: usize = 1 << 22;

/// A record as read, before the header and the row checks.
#[derive(Debug, PartialEq, Eq)]
enum Record {
    /// A record with a non-empty field.
    Row(Row),
    /// A record that could not be read: its line and the error.
    Unreadable(u64, String),
}

/// The records of a table's text in order, read in pieces of about `piece`
/// bytes in parallel (a country's incidents are hundreds of megabytes), and
/// where a quote that is never closed opens.
fn read_records(
    text: &str,
    delimiter: u8,
    piece: usize,
    lines: &LineIndex<'_>,
) -> (Option<usize>, Vec<Record>) {
    let (unclosed, cuts) = scan_quotes(text, delimiter, piece);
    let starts = std::iter::once(0).chain(cuts.iter().copied());
    let ends = cuts.iter().copied().chain(std::iter::once(text.len()));
    let bounds: Vec<(usize, usize)> = starts.zip(ends).collect();
    let pieces: Vec<Vec<Record>> = bounds
        .par_iter()
        .map(|&(start, end)| {
            read_piece(text.get(start..end).unwrap_or(""), start, delimiter, lines)
        })
        .collect();
    let mut records = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for p in pieces {
        records.extend(p);
    }
    (unclosed, records)
}

/// Read the records of `piece`, which starts at byte `offset` of the text
/// `lines` indexes; records whose fields are all empty are left out.
fn read_piece(piece: &str, offset: usize, delimiter: u8, lines: &LineIndex<'_>) -> Vec<Record> {
    // a byte-order mark is dropped at the start of the text only, as `csv`
    // reading the whole text would
    let mut parser = Parser::new(delimiter, offset == 0);
    let text = piece.as_bytes();
    let mut cursor = lines.newlines.partition_point(|n| *n < offset);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(end) = parser.next(text, at) {
        let start = std::mem::replace(&mut at, end);
        let line = lines.line_after(start.saturating_add(offset) as u64, &mut cursor);
        let record = match parser.record() {
            Ok(record) => record,
            Err(e) => {
                out.push(Record::Unreadable(line, e.to_string()));
                continue;
            }
        };
        match Row::from_record(line, &record) {
            Some(row) if row.fields().all(str::is_empty) => {}
            Some(row) => out.push(Record::Row(row)),
            None => out.push(Record::Unreadable(line, "record longer than 4 GiB".into())),
        }
    }
    out
}

/// Report quoted fields that swallowed whole rows: a field spanning lines
/// where a later line has as many delimiters as a row (a stray quote that
/// another stray quote closed far below). Such records are dropped.
fn swallowed_rows(
    path: &Path,
    headers: &[String],
    rows: &mut Vec<Row>,
    delimiter: u8,
    diags: &mut Diagnostics,
) {
    let needed = headers.len().saturating_sub(1);
    if needed < 2 {
        return;
    }
    let d = char::from(delimiter);
    rows.retain(|row| {
        if !row.text.contains('\n') {
            return true; // no field spans lines
        }
        let bad = row.fields().enumerate().find_map(|(c, f)| {
            let rows_inside = f.lines().skip(1).filter(|l| l.matches(d).count() >= needed).count();
            (rows_inside > 0).then_some((c, rows_inside, f.lines().count()))
        });
        let Some((column, inside, spans)) = bad else { return true };
        diags.push(
            Diagnostic::error(
                Location::Cell { path: path.to_path_buf(), line: row.line, column: column as u64 + 1 },
                "quoted field swallowed other rows",
            )
            .with_hint(format!(
                "a quote opened here closes {} later, taking in {}; check for a stray \" in this cell",
                crate::error::plural(spans.saturating_sub(1), "line"),
                crate::error::plural(inside, "row")
            )),
        );
        false
    });
}

fn memchr_all(text: &[u8]) -> Vec<usize> {
    memchr::memchr_iter(b'\n', text).collect()
}

impl Table {
    /// Read a table from a file. Problems go to `diags`; `None` when nothing
    /// usable could be read.
    pub fn read_path(path: &Path, shown: &Path, diags: &mut Diagnostics) -> Option<Table> {
        match std::fs::read(path) {
            Ok(bytes) => Table::from_bytes(shown, &bytes, diags),
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        Location::File { path: shown.to_path_buf() },
                        "cannot read file",
                    )
                    .with_value(e.to_string()),
                );
                None
            }
        }
    }

    /// Read a table from bytes; `path` is only used in messages.
    pub fn from_bytes(path: &Path, bytes: &[u8], diags: &mut Diagnostics) -> Option<Table> {
        Table::from_bytes_with(path, bytes, None, diags)
    }

    /// Read a table from bytes in a declared encoding (`None`: detect).
    #[allow(clippy::too_many_lines)]
    pub fn from_bytes_with(
        path: &Path,
        bytes: &[u8],
        declared: Option<Encoding>,
        diags: &mut Diagnostics,
    ) -> Option<Table> {
        let file = || Location::File { path: path.to_path_buf() };
        if bytes.contains(&0) && !bytes.starts_with(b"\xFF\xFE") && !bytes.starts_with(b"\xFE\xFF")
        {
            let utf16 = bytes.len() >= 4
                && (bytes.iter().skip(1).step_by(2).all(|b| *b == 0)
                    || bytes.iter().step_by(2).all(|b| *b == 0));
            let hint = if utf16 {
                "this looks like UTF-16 without a byte-order mark; save it as \"CSV UTF-8\", or set encoding = \"utf-16le\" in frontline.toml"
            } else {
                "this does not look like a text table; export it as CSV"
            };
            if !(utf16 && declared.is_some()) {
                diags.push(Diagnostic::error(file(), "file contains binary data").with_hint(hint));
                return None;
            }
        }
        let (text, encoding, invalid_at) = decode_declared(bytes, declared);
        if let Some(at) = invalid_at {
            let line = bytes.iter().take(at).filter(|b| **b == b'\n').count() as u64 + 1;
            diags.push(
                Diagnostic::error(
                    Location::Record { path: path.to_path_buf(), line },
                    "file is not valid UTF-8",
                )
                .with_hint("encoding is declared as utf-8; re-save the file as UTF-8, or declare encoding = \"windows-1252\""),
            );
        }
        if encoding == Encoding::Windows1252 && declared.is_none() {
            diags.push(guessed_windows_1252(path));
        }
        if text.contains('\0') {
            diags.push(
                Diagnostic::error(file(), "file contains binary data")
                    .with_hint("this does not look like a text table; export it as CSV"),
            );
            return None;
        }
        if text.trim().is_empty() {
            diags.push(
                Diagnostic::error(file(), "file is empty").with_hint("add a header line and rows"),
            );
            return None;
        }
        let delimiter = sniff_delimiter(&text);
        let lines = LineIndex::new(&text);
        let (unclosed, records) = read_records(&text, delimiter, PIECE, &lines);
        let mut headers: Option<Vec<String>> = None;
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            let row = match record {
                Record::Row(row) => row,
                Record::Unreadable(line, error) => {
                    diags.push(
                        Diagnostic::error(
                            Location::Record { path: path.to_path_buf(), line },
                            "unreadable record",
                        )
                        .with_value(error),
                    );
                    continue;
                }
            };
            let line = row.line;
            match &headers {
                None => {
                    if row.get(0).starts_with('#') {
                        continue; // a comment line before the header
                    }
                    headers = Some(row.fields().map(str::to_string).collect());
                }
                Some(h) => {
                    // An HXL hashtag row right under the header.
                    if rows.is_empty()
                        && row.fields().filter(|f| !f.is_empty()).all(|f| f.starts_with('#'))
                    {
                        continue;
                    }
                    if row.len() > h.len() && row.fields().skip(h.len()).any(|f| !f.is_empty()) {
                        diags.push(
                            Diagnostic::error(
                                Location::Record { path: path.to_path_buf(), line },
                                format!(
                                    "row has {} fields but the header has {}",
                                    row.len(),
                                    h.len()
                                ),
                            )
                            .with_hint("a field containing the delimiter must be quoted"),
                        );
                        continue;
                    }
                    rows.push(row);
                }
            }
        }
        if let Some(open) = unclosed {
            let line = lines.line_of(open);
            let rest = text.get(open..).unwrap_or("").lines().count();
            diags.push(
                Diagnostic::error(
                    Location::Record { path: path.to_path_buf(), line },
                    "unclosed quote",
                )
                .with_hint(format!(
                    "the quoted field that opens on this line runs to the end of the file ({}); close it with \" or remove the stray quote",
                    crate::error::plural(rest, "line")
                )),
            );
            // The record holding the open quote swallowed the rest of the file.
            rows.retain(|r| r.line < line);
        }
        let headers = headers.unwrap_or_default();
        swallowed_rows(path, &headers, &mut rows, delimiter, diags);
        let decimal_comma = delimiter != b',';
        Some(Table { path: path.to_path_buf(), headers, rows, delimiter, decimal_comma, encoding })
    }

    /// The 0-based index of the first column whose name matches one of
    /// `names` (case-insensitive, ignoring spaces, `_` and `-`).
    #[must_use]
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        super::presets::find_column(&self.headers, names)
    }

    /// The location of a cell, with a 1-based column.
    #[must_use]
    pub fn cell(&self, row: &Row, column: usize) -> Location {
        Location::Cell { path: self.path.clone(), line: row.line, column: column as u64 + 1 }
    }

    /// The location of a whole row.
    #[must_use]
    pub fn record(&self, row: &Row) -> Location {
        Location::Record { path: self.path.clone(), line: row.line }
    }

    /// Report a missing required column, listing the columns found.
    pub fn missing_column(&self, name: &str, diags: &mut Diagnostics) {
        diags.push(missing_column(&self.path, &self.headers, name));
    }
}

pub use super::presets::find_column;

/// The problem of a missing required column, listing the columns found.
#[must_use]
pub fn missing_column(path: &Path, headers: &[String], name: &str) -> Diagnostic {
    Diagnostic::error(
        Location::Record { path: path.to_path_buf(), line: 1 },
        "missing required column",
    )
    .with_value(name)
    .with_hint(format!("columns found: {}", headers.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::super::decode::decode;
    use super::*;

    fn table(text: &str) -> (Option<Table>, Diagnostics) {
        let mut d = Diagnostics::new();
        let t = Table::from_bytes(Path::new("t.csv"), text.as_bytes(), &mut d);
        (t, d)
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(sniff_delimiter("a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter("a|b|c\n"), b'|');
        assert_eq!(sniff_delimiter("\"a;b\",c\n"), b',');
    }

    #[test]
    fn lines_follow_multiline_fields() {
        let (t, d) = table("id,note\n1,\"two\nlines\"\n2,x\n");
        let t = t.unwrap();
        assert!(d.is_empty());
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 4]);
        assert_eq!(t.rows[0].get(1), "two\nlines");
    }

    #[test]
    fn lines_survive_blank_lines_and_crlf() {
        let (t, _) = table("a,b\r\n\r\n1,2\r\n\r\n\r\n3,4\r\n");
        assert_eq!(t.unwrap().rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3, 6]);
    }

    #[test]
    fn skips_comments_blank_lines_and_hxl_rows() {
        let (t, _) = table("# comment\nid,lat\n#id,#geo+lat\n\n1,36.9\n");
        let t = t.unwrap();
        assert_eq!(t.headers, vec!["id", "lat"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 5);
    }

    #[test]
    fn decimal_comma_with_semicolons() {
        let (t, _) = table("lat;lon\n36,97;41,23\n");
        let t = t.unwrap();
        assert!(t.decimal_comma);
        assert_eq!(parse_number(t.rows[0].get(0), t.decimal_comma), Some(36.97));
        assert_eq!(parse_number("1e3", false), Some(1000.0));
        assert_eq!(parse_number("NaN", false), None);
        assert_eq!(parse_number("inf", false), None);
    }

    #[test]
    fn reports_empty_binary_and_ragged() {
        assert!(table("").0.is_none());
        assert!(table("a\0b").0.is_none());
        let (t, d) = table("a,b\n1,2,3\n4,5\n");
        assert_eq!(t.unwrap().rows.len(), 1);
        assert_eq!(d.iter().next().unwrap().to_string(), "t.csv:2: row has 3 fields but the header has 2 — a field containing the delimiter must be quoted");
    }

    #[test]
    fn unclosed_quote_is_located_where_it_opens() {
        let (t, d) = table("id,txt\n1,\"foo\"\"\n2,bar\n");
        assert!(t.unwrap().rows.is_empty());
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @"t.csv:2: unclosed quote — the quoted field that opens on this line runs to the end of the file (2 lines); close it with \" or remove the stray quote");
        // a quote inside an unquoted field is text, as csv reads it
        assert_eq!(unclosed_quote("id,coord\n1,50°46'06.6\"N\n", b','), None);
        assert_eq!(unclosed_quote("a,\"b\"\"\"\n", b','), None);
    }

    #[test]
    fn stray_quotes_that_swallow_rows_are_reported() {
        let (t, d) = table("id,date,note\n1,2021-04-20,\"oops\n2,2021-04-21,fine\n3,2021-04-22,\"\n4,2021-04-23,x\n");
        let t = t.unwrap();
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![5]);
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @"t.csv:2:3: quoted field swallowed other rows — a quote opened here closes 2 lines later, taking in 2 rows; check for a stray \" in this cell");
        // a note over several lines with a few commas is fine
        let (t, d) = table("id,date,note\n1,2021-04-20,\"one, two\nthree\"\n");
        assert!(d.is_empty());
        assert_eq!(t.unwrap().rows.len(), 1);
    }

    #[test]
    fn utf16_without_bom_gets_a_hint() {
        let bytes: Vec<u8> = "zone,force\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut d = Diagnostics::new();
        assert!(Table::from_bytes(Path::new("t.csv"), &bytes, &mut d).is_none());
        assert!(d.iter().next().unwrap().to_string().contains("UTF-16 without a byte-order mark"));
        let mut d = Diagnostics::new();
        let t = Table::from_bytes_with(Path::new("t.csv"), &bytes, Some(Encoding::Utf16Le), &mut d);
        assert_eq!(t.unwrap().headers, vec!["zone", "force"]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn declared_windows_1252_reads_without_warning() {
        let mut d = Diagnostics::new();
        let t = Table::from_bytes_with(
            Path::new("t.csv"),
            b"zone\nQamishl\xEE\n",
            Some(Encoding::Windows1252),
            &mut d,
        )
        .unwrap();
        assert_eq!(t.rows[0].get(0), "Qamishlî");
        assert!(d.is_empty());
        let (_, d) = table("zone\nQamishl\u{EE}\n");
        assert!(d.is_empty());
        let mut d = Diagnostics::new();
        Table::from_bytes(Path::new("t.csv"), b"zone\nQamishl\xEE\n", &mut d).unwrap();
        assert!(d.iter().next().unwrap().to_string().contains("read as Windows-1252"));
    }

    #[test]
    fn column_lookup_ignores_case_and_separators() {
        let (t, _) = table("Event_Date,LATITUDE, Long itude\n");
        let t = t.unwrap();
        assert_eq!(t.column(&["event date"]), Some(0));
        assert_eq!(t.column(&["lat", "latitude"]), Some(1));
        assert_eq!(t.column(&["longitude"]), Some(2));
        assert_eq!(t.column(&["x"]), None);
    }

    /// The records of `text` read in one piece and cut at every line they can be.
    fn pieces_agree(text: &str) -> Vec<Record> {
        let lines = LineIndex::new(text);
        let delimiter = sniff_delimiter(text);
        let whole = read_records(text, delimiter, usize::MAX, &lines);
        let cut = read_records(text, delimiter, 1, &lines);
        assert_eq!(whole, cut, "{text:?}");
        whole.1
    }

    #[test]
    fn pieces_read_as_the_whole_text() {
        let text = "id,note\r\n1,\"two\r\nlines\"\r\n\r\n2,\"a \"\"quoted\"\"\nword\"\n3,x\"y\n\n4,\"open\n5,z\n";
        let records = pieces_agree(text);
        assert_eq!(records.len(), 5);
        let (_, cuts) = scan_quotes(text, b',', 1);
        assert_eq!(cuts, vec![9, 25, 27, 49, 55, 56]);
        // the real exports (ACLED, UCDP, GDAL's odd fixtures), cut every 4 KiB
        let Some(root) = crate::test_data::shared_data("") else { return };
        let mut files = 0;
        for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            for e in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
                if e.path().extension().is_none_or(|x| x != "csv") {
                    continue;
                }
                let text = decode(&std::fs::read(e.path()).unwrap()).text;
                let lines = LineIndex::new(&text);
                let d = sniff_delimiter(&text);
                let whole = read_records(&text, d, usize::MAX, &lines);
                assert_eq!(whole, read_records(&text, d, 4096, &lines), "{}", e.path().display());
                files += 1;
            }
        }
        assert!(files >= 20, "{files} files in {}", root.display());
    }

    #[test]
    fn rows_keep_trimmed_fields() {
        let row = Row::new(7, [" a ", "", "b\r\nc", "é "]).unwrap();
        assert_eq!(row.fields().collect::<Vec<_>>(), vec!["a", "", "b\nc", "é"]);
        assert_eq!(
            (row.len(), row.get(4), row.value(Some(1)), row.value(Some(3))),
            (4, "", None, Some("é"))
        );
        assert!(Row::default().is_empty() && Row::default().get(0).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn prop_reader_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let mut d = Diagnostics::new();
            let _ = Table::from_bytes(Path::new("f.csv"), &bytes, &mut d);
        }

        #[test]
        fn prop_csvish_text_never_panics(text in "[a1,;|\t\"\r\n# ]{0,200}") {
            let mut d = Diagnostics::new();
            let _ = Table::from_bytes(Path::new("f.csv"), text.as_bytes(), &mut d);
        }

        #[test]
        fn prop_pieces_read_as_the_whole_text(text in "[aé1,;\t\" \r\n]{0,300}") {
            pieces_agree(&text);
        }

        #[test]
        fn prop_rows_start_on_the_line_after_the_newlines_before_them(
            rows in proptest::collection::vec((0usize..3, 0usize..5), 1..40),
            piece in 1usize..64,
        ) {
            use std::fmt::Write as _;
            let mut text = String::from("id,note\n");
            let mut expected = Vec::new();
            for (i, (note, end)) in rows.iter().enumerate() {
                expected.push(text.matches('\n').count() as u64 + 1);
                let note = ["x", "\"a\nb\"", "\"a\r\nb\""][*note];
                let end = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\r\n\n\r\n"][*end];
                write!(text, "{i},{note}{end}").unwrap();
            }
            let lines = LineIndex::new(&text);
            let (_, records) = read_records(&text, b',', piece, &lines);
            let got: Vec<u64> = records
                .iter()
                .skip(1)
                .map(|r| match r { Record::Row(r) => r.line, Record::Unreadable(l, _) => *l })
                .collect();
            proptest::prop_assert_eq!(got, expected);
        }

        #[test]
        fn prop_row_fields_are_the_trimmed_inputs(
            fields in proptest::collection::vec("[ a\r\né,]{0,12}", 0..12)
        ) {
            let row = Row::new(1, fields.iter().map(String::as_str)).unwrap();
            proptest::prop_assert_eq!(row.len(), fields.len());
            for (i, f) in fields.iter().enumerate() {
                proptest::prop_assert_eq!(row.get(i), f.trim().replace("\r\n", "\n"));
            }
            proptest::prop_assert_eq!(row.get(fields.len()), "");
        }
    }
}
