//! The decoded text of a stream in blocks of about 2 MiB that end at a
//! record, cut in pieces at record starts, each with its line; and the
//! lines of records, counted only when asked.

use super::pipeline::Sizes;
use crate::read::records::{Parsed, Parser, QuoteScan};
use crate::read::table::Fields;
use std::io::{BufReader, Read};
use std::ops::Range;

/// The 1-based lines of records met in order in a text, from the line of
/// its first byte.
pub(super) struct LineCursor {
    /// Offset up to which newlines are counted.
    at: usize,
    /// The line at `at`.
    line: u64,
}

impl LineCursor {
    pub(super) fn new(line: u64) -> Self {
        LineCursor { at: 0, line }
    }

    /// The line of the record that `csv_core` starts reading at `start`:
    /// the line breaks there are skipped (they end the record before, or
    /// are blank lines), then the newlines before are counted (as
    /// [`Table`](crate::read::Table) does).
    pub(super) fn line_at(&mut self, text: &[u8], start: usize) -> u64 {
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
pub(super) struct Block {
    pub(super) bytes: Vec<u8>,
    pub(super) pieces: Vec<(Range<usize>, u64)>,
}

/// Reads the decoded text in blocks that end at record starts, found by a
/// [`QuoteScan`] (the quotes followed as `csv` reads them), cut in pieces
/// that are parsed apart.
pub(super) struct Blocks<'r> {
    src: BufReader<Box<dyn Read + Send + 'r>>,
    pub(super) delimiter: u8,
    sizes: Sizes,
    /// Text read and not yet handed out; it starts at a record.
    pub(super) buf: Vec<u8>,
    /// The scan of `buf[..scanned]`.
    scan: QuoteScan,
    scanned: usize,
    /// Record starts about every piece's bytes in `buf[..scanned]`.
    cuts: Vec<usize>,
    /// The line `buf` starts on.
    line: u64,
    /// Bytes of text handed out before `buf`.
    pub(super) offset: u64,
    eof: bool,
}

impl<'r> Blocks<'r> {
    pub(super) fn new(
        src: BufReader<Box<dyn Read + Send + 'r>>,
        delimiter: u8,
        sizes: Sizes,
    ) -> Self {
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
    pub(super) fn peek(
        &mut self,
        parser: &mut Parser,
        mut at: usize,
    ) -> std::io::Result<Option<usize>> {
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
    pub(super) fn peek_column(
        &mut self,
        at: usize,
        column: usize,
        n: usize,
    ) -> std::io::Result<Vec<String>> {
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
    pub(super) fn drop_front(&mut self, at: usize) {
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
    pub(super) fn next(&mut self, spare: Vec<u8>) -> std::io::Result<Option<Block>> {
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
