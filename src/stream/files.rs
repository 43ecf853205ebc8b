//! Where a stream's bytes come from and go to: stdin or a file in, stdout
//! or a file written atomically out, and the input decoded to UTF-8 text
//! (its encoding guessed from the first 64 KiB) with its delimiter sniffed.

use super::blocks::Blocks;
use super::pipeline::Sizes;
use super::{emit, file, incidents_with, StreamEvents, StreamOptions, StreamReport};
use crate::error::{Diagnostic, Error, Result};
use crate::read::decode::Encoding;
use crate::read::table::sniff_delimiter;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Blocks of the input's text (see [`decoded`]) with the delimiter sniffed
/// from the first read.
pub(super) fn open<'r, R: Read + Send + 'r>(
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
