//! J1: 1.97 s vs 2.17 s with `csv_core` reading every record (1M rows).
//!
//! Those are medians of 15 interleaved runs of `frontline incidents` on
//! bench/run.sh's 1M-row file, on 2 cores shared with other jobs (CPU time
//! 1.31 s vs 1.44 s); `check` of a project with those incidents, whose
//! table reader splits records here too, took 3.77 s vs 3.94 s. The common
//! records (fields unquoted, or quoted from their first byte, ended by a
//! line break) are split with memchr; `csv_core` reads any other. The
//! property tests below hold the two, and `csv`, to the same records.

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
pub(super) fn split_record(
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

#[cfg(test)]
mod tests {
    use super::super::Parser;
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

        #[test]
        fn prop_split_records_as_csv_reads_them(
            rows in proptest::collection::vec(
                (proptest::collection::vec(("[a é,;\"\r\n]{0,6}", proptest::bool::ANY), 1..6), 0usize..4),
                0..20,
            ),
            last_break: bool,
            semicolon: bool,
        ) {
            // records of quoted and unquoted fields ended by LF, CRLF, CR or
            // a blank line, the last maybe without a line break
            let delimiter = if semicolon { b';' } else { b',' };
            let mut text = Vec::new();
            for (i, (fields, end)) in rows.iter().enumerate() {
                for (c, (field, quoted)) in fields.iter().enumerate() {
                    if c > 0 {
                        text.push(delimiter);
                    }
                    if *quoted {
                        text.push(b'"');
                        text.extend_from_slice(field.replace('"', "\"\"").as_bytes());
                        text.push(b'"');
                    } else {
                        let bare = field.trim_start_matches('"').bytes();
                        text.extend(bare.filter(|b| ![delimiter, b'\r', b'\n'].contains(b)));
                    }
                }
                if i + 1 < rows.len() || last_break {
                    text.extend_from_slice(["\n", "\r\n", "\r", "\n\n"][*end].as_bytes());
                }
            }
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_slice());
            let mut expected = Vec::new();
            for record in reader.byte_records() {
                let record = record.unwrap();
                let start = record.position().unwrap().byte() as usize;
                expected.push((start, record.iter().map(<[u8]>::to_vec).collect::<Vec<_>>()));
            }
            let mut parser = Parser::new(delimiter, false);
            let (mut got, mut split) = (Vec::new(), 0);
            let mut at = 0;
            while let Some(end) = parser.next(&text, at) {
                let start = std::mem::replace(&mut at, end);
                split += usize::from(parser.split);
                let (out, ends) = if parser.split {
                    (&parser.fast_out[..], &parser.fast_ends[..])
                } else {
                    (&parser.out[..], &parser.ends[..parser.nends])
                };
                let fields = ends
                    .iter()
                    .scan(0, |from, &to| Some(out[std::mem::replace(from, to)..to].to_vec()))
                    .collect::<Vec<_>>();
                got.push((start, fields));
            }
            proptest::prop_assert_eq!(&got, &expected);
            // only a last record without a line break is left to csv_core
            proptest::prop_assert!(split + 1 >= got.len(), "{split} of {}", got.len());
        }
    }
}
