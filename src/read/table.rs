//! Delimited text tables: delimiter sniffing, header→column map, positions.
//!
//! A [`Table`] is a small CSV loaded in memory with each record's start line
//! (from `csv`'s own positions, so quoted multi-line fields do not shift
//! later lines). It knows its delimiter and whether numbers use a decimal
//! comma. It does not interpret columns; the `control`, `incidents` and
//! `forces` readers do.

use super::decode::{decode, Encoding};
use crate::error::{Diagnostic, Diagnostics, Location};
use std::path::{Path, PathBuf};

/// A record of a table with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line where the record starts.
    pub line: u64,
    /// The fields, trimmed of surrounding whitespace.
    pub fields: Vec<String>,
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
    /// The field at a 0-based column, or `""` when the row is short.
    #[must_use]
    pub fn get(&self, column: usize) -> &str {
        self.fields.get(column).map_or("", String::as_str)
    }

    /// The non-empty field at a column, if any.
    #[must_use]
    pub fn value(&self, column: Option<usize>) -> Option<&str> {
        column.map(|c| self.get(c)).filter(|s| !s.is_empty())
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

/// Parse a number, accepting a decimal comma when the table uses one.
#[must_use]
pub fn parse_number(s: &str, decimal_comma: bool) -> Option<f64> {
    let s = s.trim();
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
/// `csv`'s own `Position::line` is wrong after blank lines and with CRLF
/// (it reports the line where the previous record ended), so the line is
/// computed from the record's byte offset: skip the line breaks before the
/// record, then count the newlines before it.
struct LineIndex<'a> {
    text: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let text = text.as_bytes();
        LineIndex { text, newlines: memchr_all(text) }
    }

    fn line_at(&self, byte: u64) -> u64 {
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX);
        while self.text.get(at).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            at += 1;
        }
        self.newlines.partition_point(|n| *n < at) as u64 + 1
    }
}

fn memchr_all(text: &[u8]) -> Vec<usize> {
    text.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i).collect()
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
        let file = || Location::File { path: path.to_path_buf() };
        let decoded = decode(bytes);
        if decoded.encoding == Encoding::Windows1252 {
            diags.push(
                Diagnostic::warning(file(), "file is not UTF-8; read as Windows-1252")
                    .with_hint("save it as UTF-8 (\"CSV UTF-8\" in Excel) to be sure accents and scripts are right"),
            );
        }
        if decoded.text.contains('\0') {
            diags.push(
                Diagnostic::error(file(), "file contains binary data")
                    .with_hint("this does not look like a text table; export it as CSV"),
            );
            return None;
        }
        let text = decoded.text;
        if text.trim().is_empty() {
            diags.push(
                Diagnostic::error(file(), "file is empty").with_hint("add a header line and rows"),
            );
            return None;
        }
        let delimiter = sniff_delimiter(&text);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .comment(None)
            .from_reader(text.as_bytes());
        let lines = LineIndex::new(&text);
        let mut headers: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                    diags.push(
                        Diagnostic::error(
                            Location::Record { path: path.to_path_buf(), line },
                            "unreadable record",
                        )
                        .with_value(e.to_string()),
                    );
                    continue;
                }
            }
            let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
            let fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
            if fields.iter().all(String::is_empty) {
                continue;
            }
            match &headers {
                None => {
                    if fields.first().is_some_and(|f| f.starts_with('#')) {
                        continue; // a comment line before the header
                    }
                    headers = Some(fields);
                }
                Some(h) => {
                    // An HXL hashtag row right under the header.
                    if rows.is_empty()
                        && fields.iter().filter(|f| !f.is_empty()).all(|f| f.starts_with('#'))
                    {
                        continue;
                    }
                    if fields.len() > h.len() && fields.iter().skip(h.len()).any(|f| !f.is_empty())
                    {
                        diags.push(
                            Diagnostic::error(
                                Location::Record { path: path.to_path_buf(), line },
                                format!(
                                    "row has {} fields but the header has {}",
                                    fields.len(),
                                    h.len()
                                ),
                            )
                            .with_hint("a field containing the delimiter must be quoted"),
                        );
                        continue;
                    }
                    rows.push(Row { line, fields });
                }
            }
        }
        let headers = headers.unwrap_or_default();
        let decimal_comma = delimiter != b',';
        Some(Table {
            path: path.to_path_buf(),
            headers,
            rows,
            delimiter,
            decimal_comma,
            encoding: decoded.encoding,
        })
    }

    /// The 0-based index of the first column whose name matches one of
    /// `names` (case-insensitive, ignoring spaces, `_` and `-`).
    #[must_use]
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        find_column(&self.headers, names)
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

/// The 0-based index of the first header that matches one of `names`
/// (case-insensitive, ignoring spaces, `_` and `-`); earlier names win.
#[must_use]
pub fn find_column(headers: &[String], names: &[&str]) -> Option<usize> {
    let key = |s: &str| {
        s.chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    names.iter().find_map(|n| {
        let n = key(n);
        headers.iter().position(|h| key(h) == n)
    })
}

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
    fn column_lookup_ignores_case_and_separators() {
        let (t, _) = table("Event_Date,LATITUDE, Long itude\n");
        let t = t.unwrap();
        assert_eq!(t.column(&["event date"]), Some(0));
        assert_eq!(t.column(&["lat", "latitude"]), Some(1));
        assert_eq!(t.column(&["longitude"]), Some(2));
        assert_eq!(t.column(&["x"]), None);
    }

    proptest::proptest! {
        #[test]
        fn prop_reader_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let mut d = Diagnostics::new();
            let _ = Table::from_bytes(Path::new("f.csv"), &bytes, &mut d);
        }
    }
}
