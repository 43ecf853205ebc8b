//! CSV records as `csv` reads them, from text given as one slice: where
//! records start ([`QuoteScan`], so that pieces of a text can be read
//! apart) and each record's fields ([`Parser`]), the common records split
//! by the fast path in `split`, any other through `csv_core`. Both the
//! table reader and the stream read their records here. This module does
//! not interpret fields, nor check them beyond UTF-8.

mod split;

use super::table::{trim, Fields};
use split::split_record;

/// A `csv_core` reader and the buffers of the record it reads, over text
/// given as one slice from a record start (a piece, or the head of the
/// stream, which grows as it is read).
pub(crate) struct Parser {
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
pub(crate) enum Parsed {
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
    pub(crate) fn new(delimiter: u8, at_stream_start: bool) -> Self {
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
    pub(crate) fn read(&mut self, input: &[u8]) -> (Parsed, usize) {
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
    pub(crate) fn next(&mut self, text: &[u8], mut at: usize) -> Option<usize> {
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
    pub(crate) fn split(&mut self, text: &[u8], at: usize) -> Option<usize> {
        let delimiter = self.fast?;
        let (out, ends) = (&mut self.fast_out, &mut self.fast_ends);
        out.clear();
        ends.clear();
        let end = split_record(text, at, delimiter, out, ends);
        self.split = end.is_some();
        end
    }

    /// The parser as new, at the start of a piece.
    pub(crate) fn reset(&mut self) {
        self.core.reset();
        self.keep_bom = true;
        self.clear();
    }

    /// Forget the record read, to read the next.
    pub(crate) fn clear(&mut self) {
        self.outlen = 0;
        self.nends = 0;
        self.split = false;
    }

    /// The record read, or why it is not UTF-8.
    pub(crate) fn record(&self) -> std::result::Result<Text<'_>, std::str::Utf8Error> {
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

/// A record parsed and checked to be UTF-8 once, whole: its fields are
/// slices of that text (a field boundary is never inside a character, as
/// delimiters and quotes are ASCII).
pub(crate) struct Text<'r> {
    text: &'r str,
    /// Where each field ends in `text`.
    ends: &'r [usize],
}

impl Text<'_> {
    /// Whether every field is empty or white space (such a record is
    /// skipped, as in a [`Table`](crate::read::Table)).
    pub(crate) fn is_blank(&self) -> bool {
        (0..self.ends.len()).all(|c| self.field(c).is_empty())
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The bytes of all its fields, as read (untrimmed).
    pub(crate) fn text_len(&self) -> usize {
        self.text.len()
    }

    pub(crate) fn fields(&self) -> impl Iterator<Item = &str> + '_ {
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

/// Where a quote scan stands, between the bytes it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    /// At the start of a field.
    Start,
    /// In a field that did not start with a quote.
    Unquoted,
    /// In a quoted field opened at this offset.
    Quoted(usize),
    /// Just after a quote in a quoted field opened at this offset.
    QuoteInQuoted(usize),
}

/// The quotes of a text followed as `csv` reads them (a quote opens a
/// quoted field only at the start of a field, `""` inside one is a literal
/// quote, a quote in the middle of an unquoted field is text), over text
/// that comes in chunks (a stream): each call goes on from where the last one stopped, so a chunk
/// may end anywhere, even inside a quoted field or between `\r` and `\n`.
/// Offsets are into the text given to [`QuoteScan::scan`]; when its front
/// is dropped, [`QuoteScan::shift`] moves them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QuoteScan {
    delimiter: u8,
    piece: usize,
    state: QuoteState,
    /// The next cut comes at a record start at or after this offset.
    next_cut: usize,
    /// The last record start seen (0 when none).
    last_start: usize,
}

impl QuoteScan {
    /// A scan at the start of a record, cutting about every `piece` bytes.
    pub(crate) fn new(delimiter: u8, piece: usize) -> Self {
        QuoteScan { delimiter, piece, state: QuoteState::Start, next_cut: piece, last_start: 0 }
    }

    /// Scan `bytes[from..]`, where `bytes[..from]` is what earlier calls
    /// scanned, pushing to `cuts` the record starts at least `piece` bytes
    /// after the previous cut (a cut may be `bytes.len()`).
    pub(crate) fn scan(&mut self, bytes: &[u8], from: usize, cuts: &mut Vec<usize>) {
        let delimiter = self.delimiter;
        let boundary = |b: u8| b == delimiter || b == b'\n' || b == b'\r';
        let mut state = self.state;
        let mut i = from;
        while let Some(rest) = bytes.get(i..).filter(|r| !r.is_empty()) {
            let b = match state {
                // Inside a quoted field only a quote matters.
                QuoteState::Quoted(o) => {
                    let Some(skip) = memchr::memchr(b'"', rest) else { break };
                    i += skip + 1;
                    state = QuoteState::QuoteInQuoted(o);
                    continue;
                }
                QuoteState::QuoteInQuoted(o) => {
                    let b = rest.first().copied().unwrap_or_default();
                    state = match b {
                        b'"' => QuoteState::Quoted(o),
                        b if boundary(b) => QuoteState::Start,
                        _ => QuoteState::Unquoted,
                    };
                    b
                }
                // Outside quotes only a newline and a quote opening a field
                // matter; whether a quote opens one is told by the byte
                // before it (the text starts at a field).
                QuoteState::Start | QuoteState::Unquoted => {
                    let Some(skip) = memchr::memchr2(b'"', b'\n', rest) else { break };
                    i += skip;
                    let b = bytes.get(i).copied().unwrap_or_default();
                    let at_start =
                        i.checked_sub(1).and_then(|p| bytes.get(p)).is_none_or(|p| boundary(*p));
                    state = match b {
                        b'"' if at_start => QuoteState::Quoted(i),
                        b'\n' => QuoteState::Start,
                        _ => QuoteState::Unquoted,
                    };
                    b
                }
            };
            i += 1;
            if b == b'\n' && matches!(state, QuoteState::Start) {
                self.last_start = i;
                if i >= self.next_cut {
                    cuts.push(i);
                    self.next_cut = i.saturating_add(self.piece);
                }
            }
        }
        self.state = state;
    }

    /// The last record start scanned (just after a line break outside
    /// quotes), 0 when none.
    pub(crate) fn last_start(&self) -> usize {
        self.last_start
    }

    /// Where the quoted field the scan is in opened, if it is in one.
    pub(crate) fn unclosed(&self) -> Option<usize> {
        match self.state {
            QuoteState::Quoted(o) => Some(o),
            _ => None,
        }
    }

    /// Drop the first `by` bytes from the offsets: the text's front was
    /// removed up to a record start (at most [`QuoteScan::last_start`]),
    /// where the next piece begins.
    pub(crate) fn shift(&mut self, by: usize) {
        self.state = match self.state {
            QuoteState::Quoted(o) => QuoteState::Quoted(o.saturating_sub(by)),
            QuoteState::QuoteInQuoted(o) => QuoteState::QuoteInQuoted(o.saturating_sub(by)),
            s => s,
        };
        self.next_cut = self.piece;
        self.last_start = self.last_start.saturating_sub(by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn prop_a_scan_in_chunks_is_the_scan_of_the_whole(
            text in "[aé1,\" \r\n]{0,300}",
            ends in proptest::collection::vec(0usize..300, 0..8),
            piece in 1usize..40,
        ) {
            let bytes = text.as_bytes();
            let mut whole = QuoteScan::new(b',', piece);
            let mut whole_cuts = Vec::new();
            whole.scan(bytes, 0, &mut whole_cuts);
            // the same text given a chunk at a time, cut anywhere (inside
            // quotes, between CR and LF, inside a character)
            let mut ends: Vec<usize> = ends.into_iter().map(|e| e.min(bytes.len())).collect();
            ends.push(bytes.len());
            ends.sort_unstable();
            let mut chunked = QuoteScan::new(b',', piece);
            let mut cuts = Vec::new();
            let mut from = 0;
            for end in ends {
                chunked.scan(&bytes[..end], from, &mut cuts);
                proptest::prop_assert!(chunked.last_start() <= end);
                from = end;
            }
            proptest::prop_assert_eq!(cuts, whole_cuts);
            proptest::prop_assert_eq!(chunked.last_start(), whole.last_start());
            proptest::prop_assert_eq!(chunked.unclosed(), whole.unclosed());
            let last = whole.last_start();
            proptest::prop_assert!(last == 0 || bytes[last - 1] == b'\n');
        }
    }
}
