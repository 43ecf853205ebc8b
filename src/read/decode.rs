//! Turning file bytes into text: UTF-8 (with or without BOM), UTF-16 LE/BE
//! with BOM (Excel's "Unicode text"), and Windows-1252 as the fallback for
//! bytes that are not UTF-8. Transcoding keeps every newline, so line numbers
//! still match what the user sees in an editor.
//!
//! This module does not split lines or fields; see `table`.

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

/// Decode bytes. Never fails: bytes that are neither UTF-8 nor UTF-16 are
/// read as Windows-1252 (every byte maps to a character), and the caller
/// warns about the guess.
#[must_use]
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        return Decoded { text: text.into_owned(), encoding: Encoding::Utf8Bom };
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(rest);
        return Decoded { text: text.into_owned(), encoding: Encoding::Utf16Le };
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(rest);
        return Decoded { text: text.into_owned(), encoding: Encoding::Utf16Be };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded { text: text.to_string(), encoding: Encoding::Utf8 },
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Decoded { text: text.into_owned(), encoding: Encoding::Windows1252 }
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
}
