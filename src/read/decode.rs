//! Turning file bytes into text: UTF-8 (with or without BOM), UTF-16 LE/BE
//! with BOM (Excel's "Unicode text"), and Windows-1252 as the fallback for
//! bytes that are not UTF-8. Transcoding keeps every newline, so line numbers
//! still match what the user sees in an editor.
//!
//! A declared encoding (`encoding = "windows-1252"` in `frontline.toml`,
//! `--encoding`) replaces the guess: Windows-1252 is then the silent
//! fallback for files that are not UTF-8 (a project mixes files from several
//! machines), UTF-16 is read without a BOM, and UTF-8 makes invalid bytes an
//! error. A byte-order mark always wins, because it cannot be wrong.
//!
//! The guess is the same for a file read whole and for a stream, which
//! looks at its first 64 KiB: a byte-order mark, else UTF-8 when the bytes
//! are, else Windows-1252.
//!
//! This module does not split lines or fields; see `table`.

use crate::error::{Diagnostic, Location};
use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Text decoded from a file, and how it was encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without BOM.
    pub text: String,
    /// The encoding that was detected.
    pub encoding: Encoding,
}

/// Encodings frontline reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without BOM.
    Utf8,
    /// UTF-8 with BOM.
    Utf8Bom,
    /// UTF-16 little-endian with BOM.
    Utf16Le,
    /// UTF-16 big-endian with BOM.
    Utf16Be,
    /// Windows-1252, guessed because the bytes are not UTF-8.
    Windows1252,
}

impl Encoding {
    /// A name for messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

impl Encoding {
    /// The `encoding_rs` codec that reads the text after any byte-order mark.
    fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }

    /// Parse a declared encoding name: `utf-8`, `utf-16le`, `utf-16be`,
    /// `windows-1252` (also `cp1252`, `latin1`, `iso-8859-1`, which Excel
    /// users mean when they say "ANSI").
    #[must_use]
    pub fn parse(name: &str) -> Option<Encoding> {
        let key: String = name
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "utf8" => Some(Encoding::Utf8),
            "utf8bom" | "utf8sig" => Some(Encoding::Utf8Bom),
            "utf16" | "utf16le" | "unicode" => Some(Encoding::Utf16Le),
            "utf16be" => Some(Encoding::Utf16Be),
            "windows1252" | "cp1252" | "latin1" | "iso88591" | "ansi" => {
                Some(Encoding::Windows1252)
            }
            _ => None,
        }
    }
}

/// Decode bytes in a declared encoding; a byte-order mark still wins.
/// Returns the text (borrowed when the bytes are UTF-8 already), the
/// encoding and, for a declared UTF-8 file that is not valid UTF-8, the
/// byte offset of the first invalid byte (the text is then decoded lossily).
#[must_use]
pub fn decode_declared(
    bytes: &[u8],
    declared: Option<Encoding>,
) -> (Cow<'_, str>, Encoding, Option<usize>) {
    let has_bom = bom(bytes).is_some();
    let decoded = |enc: &'static encoding_rs::Encoding, encoding| {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        (text, encoding, None)
    };
    match declared {
        None => {
            let (text, encoding) = decode_borrowed(bytes);
            (text, encoding, None)
        }
        Some(_) if has_bom => {
            let (text, encoding) = decode_borrowed(bytes);
            (text, encoding, None)
        }
        // Declared as the fallback: UTF-8 files stay UTF-8, others are 1252.
        Some(Encoding::Windows1252) => match std::str::from_utf8(bytes) {
            Ok(text) => (Cow::Borrowed(text), Encoding::Utf8, None),
            Err(_) => decoded(encoding_rs::WINDOWS_1252, Encoding::Windows1252),
        },
        Some(Encoding::Utf16Le) => decoded(encoding_rs::UTF_16LE, Encoding::Utf16Le),
        Some(Encoding::Utf16Be) => decoded(encoding_rs::UTF_16BE, Encoding::Utf16Be),
        Some(Encoding::Utf8 | Encoding::Utf8Bom) => match std::str::from_utf8(bytes) {
            Ok(text) => (Cow::Borrowed(text), Encoding::Utf8, None),
            Err(e) => (String::from_utf8_lossy(bytes), Encoding::Utf8, Some(e.valid_up_to())),
        },
    }
}

/// Decode bytes. Never fails: bytes that are neither UTF-8 nor UTF-16 are
/// read as Windows-1252 (every byte maps to a character), and the caller
/// warns about the guess.
#[must_use]
pub fn decode(bytes: &[u8]) -> Decoded {
    let (text, encoding) = decode_borrowed(bytes);
    Decoded { text: text.into_owned(), encoding }
}

/// [`decode`], borrowing the bytes when they are UTF-8 already (a
/// country's incidents are hundreds of megabytes).
#[must_use]
pub fn decode_borrowed(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    match detect(bytes, false) {
        (encoding, Some(text)) => (Cow::Borrowed(text), encoding),
        (encoding, None) => {
            let body = bom(bytes).map_or(bytes, |(_, rest)| rest);
            let (text, _) = encoding.codec().decode_without_bom_handling(body);
            (text, encoding)
        }
    }
}

/// Turn a reader's bytes into UTF-8 text as they stream: a UTF-8 BOM is
/// dropped, UTF-16 with BOM and bytes that are not UTF-8 (read as
/// Windows-1252) are transcoded. The guess looks at the first 64 KiB.
pub(crate) fn decode_reader<'r, R: Read + Send + 'r>(
    reader: R,
) -> std::io::Result<(Box<dyn Read + Send + 'r>, Encoding)> {
    let mut raw = BufReader::with_capacity(1 << 16, reader);
    let head = raw.fill_buf()?;
    let (encoding, _) = detect(head, true);
    let mark = bom(head).map_or(0, |(_, rest)| head.len() - rest.len());
    let builder = encoding_rs_io::DecodeReaderBytesBuilder::new;
    let text: Box<dyn Read + Send + 'r> = match encoding {
        Encoding::Utf8 => Box::new(raw),
        Encoding::Utf8Bom => {
            raw.consume(mark);
            Box::new(raw)
        }
        Encoding::Utf16Le | Encoding::Utf16Be => Box::new(builder().build(raw)),
        Encoding::Windows1252 => {
            Box::new(builder().encoding(Some(encoding_rs::WINDOWS_1252)).build(raw))
        }
    };
    Ok((text, encoding))
}

/// How `bytes` are encoded, all of a text or (`head`) its first bytes: as
/// the byte-order mark they start with says, else UTF-8 when they are (a
/// character cut at the end of a head still is), else Windows-1252. With
/// the text when it is UTF-8 and whole, to borrow.
fn detect(bytes: &[u8], head: bool) -> (Encoding, Option<&str>) {
    if let Some((encoding, _)) = bom(bytes) {
        return (encoding, None);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if !head => (Encoding::Utf8, Some(text)),
        Ok(_) => (Encoding::Utf8, None),
        Err(e) if head && e.error_len().is_none() => (Encoding::Utf8, None),
        Err(_) => (Encoding::Windows1252, None),
    }
}

/// The encoding the byte-order mark at the start of `bytes` names, and the
/// bytes after the mark.
fn bom(bytes: &[u8]) -> Option<(Encoding, &[u8])> {
    let marks: [(&[u8], Encoding); 3] = [
        (b"\xEF\xBB\xBF", Encoding::Utf8Bom),
        (b"\xFF\xFE", Encoding::Utf16Le),
        (b"\xFE\xFF", Encoding::Utf16Be),
    ];
    marks.into_iter().find_map(|(mark, encoding)| Some((encoding, bytes.strip_prefix(mark)?)))
}

/// The warning for a file guessed to be Windows-1252.
pub(crate) fn guessed_windows_1252(path: &Path) -> Diagnostic {
    Diagnostic::warning(
        Location::File { path: path.to_path_buf() },
        "file is not UTF-8; read as Windows-1252",
    )
    .with_hint("save it as UTF-8 (\"CSV UTF-8\" in Excel) to be sure accents and scripts are right")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_boms_and_fallback() {
        assert_eq!(decode(b"a,b\n").encoding, Encoding::Utf8);
        let d = decode(b"\xEF\xBB\xBFzone\n");
        assert_eq!((d.text.as_str(), d.encoding), ("zone\n", Encoding::Utf8Bom));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("al-Ṭay\r\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let d = decode(&utf16);
        assert_eq!((d.text.as_str(), d.encoding), ("al-Ṭay\r\n", Encoding::Utf16Le));
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("حي طي".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&utf16be).text, "حي طي");
        let d = decode(b"Qamishl\xEE");
        assert_eq!((d.text.as_str(), d.encoding), ("Qamishlî", Encoding::Windows1252));
    }

    #[test]
    fn a_stream_and_a_whole_file_are_read_alike() {
        let plain = "id,name\n1,Qamishlî\n2,حي طي\n";
        let little: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(plain.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let big: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(plain.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let cases: [(Vec<u8>, Encoding); 5] = [
            (plain.as_bytes().to_vec(), Encoding::Utf8),
            ([b"\xEF\xBB\xBF".as_slice(), plain.as_bytes()].concat(), Encoding::Utf8Bom),
            (little, Encoding::Utf16Le),
            (big, Encoding::Utf16Be),
            (b"id,name\n1,Qamishl\xEE\n".to_vec(), Encoding::Windows1252),
        ];
        for (bytes, encoding) in cases {
            let whole = decode(&bytes);
            let (mut reader, streamed) = decode_reader(bytes.as_slice()).unwrap();
            let mut text = String::new();
            reader.read_to_string(&mut text).unwrap();
            assert_eq!((streamed, &text), (encoding, &whole.text));
            assert_eq!(whole.encoding, encoding);
        }
        // a character cut at the end of a stream's first read is still UTF-8
        assert_eq!(detect("é".as_bytes().get(..1).unwrap(), true).0, Encoding::Utf8);
        assert_eq!(detect("é".as_bytes().get(..1).unwrap(), false).0, Encoding::Windows1252);
    }

    #[test]
    fn declared_encodings() {
        assert_eq!(Encoding::parse("Windows-1252"), Some(Encoding::Windows1252));
        assert_eq!(Encoding::parse("latin1"), Some(Encoding::Windows1252));
        assert_eq!(Encoding::parse("UTF_8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("ebcdic"), None);
        // 1252 is declared as the fallback: valid UTF-8 stays UTF-8
        let (text, encoding, _) = decode_declared("é".as_bytes(), Some(Encoding::Windows1252));
        assert_eq!((&*text, encoding), ("é", Encoding::Utf8));
        assert!(matches!(text, Cow::Borrowed(_)), "UTF-8 is not copied");
        let (text, encoding, _) = decode_declared(b"caf\xE9", Some(Encoding::Windows1252));
        assert_eq!((&*text, encoding), ("café", Encoding::Windows1252));
        let (_, encoding, bad) = decode_declared(b"ok\n\xEE", Some(Encoding::Utf8));
        assert_eq!((encoding, bad), (Encoding::Utf8, Some(3)));
        // a BOM wins over the declaration
        let (text, encoding, _) = decode_declared(b"\xEF\xBB\xBFx", Some(Encoding::Windows1252));
        assert_eq!((&*text, encoding), ("x", Encoding::Utf8Bom));
    }
}
