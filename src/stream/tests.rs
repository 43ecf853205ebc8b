//! Streams of whole inputs: order, lines, encodings, and blocks and pieces
//! of any size giving the same output.

use super::pipeline::{stream, Sizes};
use super::*;
use std::io::Read;

fn run(csv: &[u8], flavor: Flavor) -> (String, StreamReport, Vec<String>) {
    run_sized(csv, flavor, Sizes::DEFAULT, usize::MAX)
}

/// A stream in blocks and pieces of `sizes`, its input read at most
/// `step` bytes at a time.
fn run_sized(
    csv: &[u8],
    flavor: Flavor,
    sizes: Sizes,
    step: usize,
) -> (String, StreamReport, Vec<String>) {
    let mut opts = StreamOptions::new("incidents.csv");
    opts.flavor = flavor;
    let mut out = Vec::new();
    let mut d = Diagnostics::new();
    let input = Trickle { rest: csv, step };
    let report = stream(input, &opts, &mut out, &mut d, sizes).unwrap();
    (String::from_utf8(out).unwrap(), report, d.iter().map(ToString::to_string).collect())
}

/// Gives at most `step` bytes per read, as a pipe may.
struct Trickle<'a> {
    rest: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.rest.len().min(self.step).min(buf.len());
        let (head, rest) = self.rest.split_at(n);
        buf[..n].copy_from_slice(head);
        self.rest = rest;
        Ok(n)
    }
}

/// A CSV of generated rows: good and bad, quoted notes over lines, `""`,
/// quotes inside unquoted fields, CRLF, blank and ragged rows, a byte
/// that is not UTF-8, and maybe an HXL row and an unclosed quote.
fn generated(rows: &[(usize, usize, usize)], hxl: bool, unclosed: bool) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut csv = String::from("# exported\nid,date,lat,lon,note\r\n");
    if hxl {
        csv.push_str("#id,#date,#geo+lat,#geo+lon,\n");
    }
    let mut bytes = Vec::new();
    for (i, (kind, note, end)) in rows.iter().enumerate() {
        let note =
            ["x", "\"a\nb\"", "\"a\r\nb, \"\"c\"\"\"", "50°46'06.6\"N", "\"\n\n\"", " é "][*note];
        let end = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\r\n\n\r\n", "\r"][*end];
        match kind {
            0 => write!(csv, "{i},2021-04-25,37.5,41,{note}{end}"),
            1 => write!(csv, "{i},04/05/2021,95,41,{note}{end}"),
            2 => write!(csv, "{i},2021-04-25,37,41,{note},extra{end}"),
            3 => write!(csv, ",,,,{end}"),
            _ => {
                bytes.extend_from_slice(csv.as_bytes());
                bytes.extend_from_slice(b"\xE9,2021-04-25,37,41,x\n");
                csv.clear();
                Ok(())
            }
        }
        .unwrap();
    }
    if unclosed {
        csv.push_str("99,2021-04-25,37,41,\"open\n1,2\n");
    }
    bytes.extend_from_slice(csv.as_bytes());
    bytes
}

#[test]
fn streams_rows_in_order_with_tags() {
    let (text, report, diags) = run(
        b"id,date,lat,lon,type,fatalities\n2,2021-04-25,37.05,41.22,clash,3\n1,2021-04-26,37,41,arrest,\n",
        Flavor::Sequence,
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(report.features, 2);
    insta::assert_snapshot!(text.replace('\u{1e}', "<RS>"), @r##"
    <RS>{"type":"Feature","id":"2","geometry":{"type":"Point","coordinates":[41.22,37.05]},"properties":{"id":"2","date":"2021-04-25","lat":37.05,"lon":41.22,"type":"clash","fatalities":3,"zone":null,"zone_force":null,"location_precision":"point","marker-color":"#c0392b"}}
    <RS>{"type":"Feature","id":"1","geometry":{"type":"Point","coordinates":[41,37]},"properties":{"id":"1","date":"2021-04-26","lat":37,"lon":41,"type":"arrest","fatalities":null,"zone":null,"zone_force":null,"location_precision":"point","marker-color":"#8e44ad"}}
    "##);
}

#[test]
fn bad_rows_are_reported_with_lines_and_skipped() {
    let (text, report, diags) = run(
        b"id,date,lat,lon\r\n\r\n1,2021-04-25,95,41\r\n2,2021-04-25,37,41\r\n\r\n3,someday,37,41\r\n4,2021-04-25,37,41,x\r\n",
        Flavor::Collection,
    );
    assert_eq!((report.features, report.skipped, report.errors), (1, 3, 3));
    insta::assert_snapshot!(diags.join("\n"), @r#"
    incidents.csv:3:3: latitude out of range "95" — latitude must be between -90 and 90 degrees (WGS84)
    incidents.csv:6:2: unrecognised date "someday" — write dates as 2021-04-25 or 2021-04-25T22:00:00+03:00, or set date_format in frontline.toml
    incidents.csv:7: row has 5 fields but the header has 4 — a field containing the delimiter must be quoted
    "#);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["features"][0]["id"], "2");
}

#[test]
fn reads_bom_utf16_and_windows_1252() {
    let plain = "id,date,lat,lon,note\n1,2021-04-25,37,41,Qamishlî\n";
    let (expected, _, _) = run(plain.as_bytes(), Flavor::Sequence);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(plain.as_bytes());
    assert_eq!(run(&bom, Flavor::Sequence).0, expected);
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(plain.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    assert_eq!(run(&utf16, Flavor::Sequence).0, expected);
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(plain);
    let (text, report, diags) = run(&cp1252, Flavor::Sequence);
    assert_eq!(text, expected);
    assert_eq!(report.warnings, 1, "{diags:?}");
}

#[test]
fn header_problems_are_errors_and_semicolons_work() {
    let mut out = Vec::new();
    let err =
        incidents(&b"id,lat,lon\n1,2,3\n"[..], &StreamOptions::new("i.csv"), &mut out).unwrap_err();
    assert!(err.to_string().contains("date") || err.diagnostics().is_some());
    let (text, report, _) = run(b"date;lat;lon\n25/04/2021;37,5;41,25\n", Flavor::Sequence);
    assert_eq!(report.features, 1);
    assert!(text.contains("[41.25,37.5]") && text.contains(r#""date":"2021-04-25""#));
}

#[test]
fn slashed_dates_use_the_lookahead_order() {
    let (text, report, _) =
        run(b"date,lat,lon\n04/05/2021,37,41\n25/04/2021,37,41\n", Flavor::Sequence);
    assert_eq!(report.features, 2);
    assert!(text.contains(r#""date":"2021-05-04""#), "{text}");
}

#[test]
fn batches_keep_order_lines_and_diagnostics() {
    use std::fmt::Write as _;
    // more rows than a look-ahead plus several batches, with bad rows spread out
    let mut csv = String::from("id,date,lat,lon,note\n");
    for i in 0..30_000 {
        let lat = if i % 7_000 == 6_999 { "95" } else { "37.5" };
        let note = if i % 1_000 == 0 { "\"two\nlines\"" } else { "x" };
        writeln!(csv, "{i},2021-04-25,{lat},41,{note}").unwrap();
    }
    let (text, report, diags) = run(csv.as_bytes(), Flavor::Collection);
    assert_eq!((report.features, report.skipped), (29_996, 4));
    // line = 2 + row index + the extra lines of earlier multi-line notes
    let line = |i: usize| 2 + i + i.div_ceil(1_000);
    let expected: Vec<String> = [6_999, 13_999, 20_999, 27_999]
        .iter()
        .map(|i| format!("incidents.csv:{}:3: latitude out of range \"95\" — latitude must be between -90 and 90 degrees (WGS84)", line(*i)))
        .collect();
    assert_eq!(diags, expected);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<usize> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(ids.len(), 29_996);
}

#[test]
fn bytes_that_are_not_utf8_after_the_first_block_skip_their_row() {
    use std::fmt::Write as _;
    // the first 64 KiB decide the encoding (UTF-8 here); a later bad byte
    // makes only its own record unreadable
    let mut csv = String::from("id,date,lat,lon,note\r\n");
    for i in 0..3_000 {
        write!(csv, "{i},2021-04-25,37.5,41,Qamişlo\r\n\r\n").unwrap();
    }
    let mut bytes = csv.into_bytes();
    bytes.extend_from_slice(b"3000,2021-04-25,37.5,41,caf\xe9\r\n3001,2021-04-25,37.5,41,ok\r\n");
    let (text, report, diags) = run(&bytes, Flavor::Sequence);
    assert_eq!((report.features, report.skipped, report.errors), (3_001, 1, 1));
    assert_eq!(diags.len(), 1);
    assert!(diags[0].starts_with("incidents.csv:6002: unreadable record"), "{}", diags[0]);
    assert!(text.ends_with("\"note\":\"ok\",\"zone\":null,\"zone_force\":null,\"location_precision\":\"point\",\"marker-color\":\"#7f7f7f\"}}\n"), "{}", text.lines().last().unwrap_or_default());
}

proptest::proptest! {
    #[test]
    fn prop_stream_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
        let mut out = Vec::new();
        let _ = incidents(bytes.as_slice(), &StreamOptions::new("f.csv"), &mut out);
    }

    #[test]
    fn prop_reported_lines_count_the_newlines_before_the_row(
        rows in proptest::collection::vec((0usize..3, 0usize..5), 1..40),
        block in 1usize..200,
        piece in 1usize..100,
        step in 1usize..50,
        lookahead in 1usize..10,
    ) {
        use std::fmt::Write as _;
        // every row is bad (latitude 95), so each is reported with its line
        let mut csv = String::from("id,date,lat,lon,note\n");
        let mut expected = Vec::new();
        for (i, (note, end)) in rows.iter().enumerate() {
            expected.push(csv.matches('\n').count() + 1);
            let note = ["x", "\"a\nb\"", "\"a\r\nb\""][*note];
            let end = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\r\n\n\r\n"][*end];
            write!(csv, "{i},2021-04-25,95,41,{note}{end}").unwrap();
        }
        // cut anywhere: blocks end inside quoted fields and between CR and LF
        let sizes = Sizes { block, piece, lookahead };
        let (_, report, diags) = run_sized(csv.as_bytes(), Flavor::Sequence, sizes, step);
        proptest::prop_assert_eq!(report.skipped, rows.len());
        let lines: Vec<usize> = diags
            .iter()
            .map(|d| d.split(':').nth(1).unwrap().parse().unwrap())
            .collect();
        proptest::prop_assert_eq!(lines, expected);
    }

    #[test]
    fn prop_ids_from_lines_count_the_newlines_before_the_row(
        rows in proptest::collection::vec((proptest::bool::ANY, proptest::bool::ANY, 0usize..3, 0usize..5), 1..40),
        block in 1usize..200,
        piece in 1usize..100,
        step in 1usize..50,
    ) {
        use std::fmt::Write as _;
        // rows without an id get `row-<line>`; bad rows are reported on their line
        let mut csv = String::from("id,date,lat,lon,note\n");
        let (mut ids, mut bad_lines) = (Vec::new(), Vec::new());
        for (i, (no_id, bad, note, end)) in rows.iter().enumerate() {
            let line = csv.matches('\n').count() + 1;
            let id = if *no_id { String::new() } else { format!("r{i}") };
            if *bad {
                bad_lines.push(line);
            } else {
                ids.push(if *no_id { format!("row-{line}") } else { id.clone() });
            }
            let lat = if *bad { "95" } else { "37" };
            let note = ["x", "\"a\nb\"", "\"a\r\nb\""][*note];
            let end = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\r\n\n\r\n"][*end];
            write!(csv, "{id},2021-04-25,{lat},41,{note}{end}").unwrap();
        }
        let sizes = Sizes { block, piece, lookahead: 5 };
        let (text, _, diags) = run_sized(csv.as_bytes(), Flavor::Sequence, sizes, step);
        let lines: Vec<usize> = diags
            .iter()
            .map(|d| d.split(':').nth(1).unwrap().parse().unwrap())
            .collect();
        proptest::prop_assert_eq!(lines, bad_lines);
        let got: Vec<String> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l.trim_start_matches('\u{1e}')).unwrap();
                v["id"].as_str().unwrap().to_string()
            })
            .collect();
        proptest::prop_assert_eq!(got, ids);
    }

    #[test]
    fn prop_blocks_and_pieces_of_any_size_stream_the_same(
        rows in proptest::collection::vec((0usize..5, 0usize..6, 0usize..6), 0..40),
        hxl: bool,
        unclosed: bool,
        block in 1usize..300,
        piece in 1usize..100,
        step in 1usize..64,
        lookahead in 1usize..10,
    ) {
        let csv = generated(&rows, hxl, unclosed);
        let whole = run_sized(&csv, Flavor::Collection, Sizes { lookahead, ..Sizes::DEFAULT }, step);
        let cut = run_sized(&csv, Flavor::Collection, Sizes { block, piece, lookahead }, step);
        proptest::prop_assert_eq!(&whole, &cut);
    }
}

#[test]
fn records_longer_than_a_block_and_small_reads_stream_the_same() {
    let rows: Vec<(usize, usize, usize)> = (0..300).map(|i| (i % 5, i % 6, (i / 6) % 6)).collect();
    let csv = generated(&rows, true, true);
    let whole = run(&csv, Flavor::Sequence);
    assert!(whole.1.features > 50 && whole.1.skipped > 50, "{:?}", whole.1);
    for (block, piece, step) in [(1, 1, 1), (7, 3, 5), (64, 1, 1 << 20), (1 << 20, 64, 3)] {
        // the first read decides the encoding: compare runs with the same reads
        let one =
            run_sized(&csv, Flavor::Sequence, Sizes { lookahead: 10, ..Sizes::DEFAULT }, step);
        let cut = run_sized(&csv, Flavor::Sequence, Sizes { block, piece, lookahead: 10 }, step);
        assert_eq!(cut, one);
    }
    // a pool of one thread reads, renders and writes alone, the same
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let sizes = Sizes { block: 64, piece: 16, lookahead: 10 };
    let alone = pool.install(|| run_sized(&csv, Flavor::Sequence, sizes, 7));
    assert_eq!(alone, run_sized(&csv, Flavor::Sequence, sizes, 7));
    // the quote left open at the end takes the rest of the text, as csv reads it
    assert!(whole.0.ends_with("\"note\":\"open\\n1,2\",\"zone\":null,\"zone_force\":null,\"location_precision\":\"point\",\"marker-color\":\"#7f7f7f\"}}\n"), "{}", whole.0.lines().last().unwrap_or_default());
}
