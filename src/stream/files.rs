//! Where a stream's bytes come from and go to: stdin or a file in, stdout
//! or a file written atomically out, and the input decoded to UTF-8 text
//! (its encoding guessed from the first 64 KiB) with its delimiter sniffed.

use super::blocks::Blocks;
use super::pipeline::Sizes;
use super::{emit, incidents_with, StreamEvents, StreamOptions, StreamReport};
use crate::error::{Error, Result};
use crate::read::decode::{decode_reader, guessed_windows_1252, Encoding};
use crate::read::table::sniff_delimiter;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Blocks of the input's text (see [`decode_reader`]) with the delimiter sniffed
/// from the first read.
pub(super) fn open<'r, R: Read + Send + 'r>(
    reader: R,
    opts: &StreamOptions<'_>,
    sizes: Sizes,
    report: &mut StreamReport,
    events: &mut dyn StreamEvents,
) -> Result<Blocks<'r>> {
    let io_in = |e: std::io::Error| Error::io(&opts.path, e);
    let (text, encoding) = decode_reader(reader).map_err(io_in)?;
    if encoding == Encoding::Windows1252 {
        emit(guessed_windows_1252(&opts.path), report, events);
    }
    let mut text = BufReader::with_capacity(1 << 16, text);
    let head = text.fill_buf().map_err(io_in)?;
    let delimiter = sniff_delimiter(&String::from_utf8_lossy(head));
    Ok(Blocks::new(text, delimiter, sizes))
}

/// Stream `input` (`-`: stdin) into `output` (`-`: stdout).
pub(super) fn stream_file(
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
