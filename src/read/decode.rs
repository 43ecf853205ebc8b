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
//! This module does not split lines or fields; see `table`.

use std::borrow::Cow;

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
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF")
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF");
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
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        return (text, Encoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(rest);
        return (text, Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(rest);
        return (text, Encoding::Utf16Be);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), Encoding::Utf8),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text, Encoding::Windows1252)
        }
    }
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
