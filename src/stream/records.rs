//! Reading one CSV record at a time from text given as one slice, as
//! `csv` reads it: common records split with memchr, any other through
//! `csv_core`. This module does not find where pieces of text start (see
//! [`QuoteScan`](crate::read::table)) nor check fields.

use crate::read::table::{trim, Fields};

/// A `csv_core` reader and the buffers of the record it reads, over text
/// given as one slice from a record start (a piece, or the head of the
/// stream, which grows as it is read).
pub(super) struct Parser {
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
pub(super) enum Parsed {
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
    pub(super) fn new(delimiter: u8, at_stream_start: bool) -> Self {
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
    pub(super) fn read(&mut self, input: &[u8]) -> (Parsed, usize) {
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
    pub(super) fn next(&mut self, text: &[u8], mut at: usize) -> Option<usize> {
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
    pub(super) fn split(&mut self, text: &[u8], at: usize) -> Option<usize> {
        let delimiter = self.fast?;
        let (out, ends) = (&mut self.fast_out, &mut self.fast_ends);
        out.clear();
        ends.clear();
        let end = split_record(text, at, delimiter, out, ends);
        self.split = end.is_some();
        end
    }

    /// The parser as new, at the start of a piece.
    pub(super) fn reset(&mut self) {
        self.core.reset();
        self.keep_bom = true;
        self.clear();
    }

    /// Forget the record read, to read the next.
    pub(super) fn clear(&mut self) {
        self.outlen = 0;
        self.nends = 0;
        self.split = false;
    }

    /// The record read, or why it is not UTF-8.
    pub(super) fn record(&self) -> std::result::Result<Text<'_>, std::str::Utf8Error> {
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

/// A record parsed and checked to be UTF-8 once, whole: its fields are
/// slices of that text (a field boundary is never inside a character, as
/// delimiters and quotes are ASCII).
pub(super) struct Text<'r> {
    text: &'r str,
    /// Where each field ends in `text`.
    ends: &'r [usize],
}

impl Text<'_> {
    /// Whether every field is empty or white space (such a record is
    /// skipped, as in a [`Table`](crate::read::Table)).
    pub(super) fn is_blank(&self) -> bool {
        (0..self.ends.len()).all(|c| self.field(c).is_empty())
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn fields(&self) -> impl Iterator<Item = &str> + '_ {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    }
}
