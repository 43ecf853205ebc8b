//! Tests: reading real incident exports (ACLED, UCDP GED) and peer fixtures
//! (csv2geojson, GDAL) through the library: counts, presets, diagnostics.

use crate::error::Diagnostics;
use crate::model::{LocationPrecision, NameIndex};
use crate::read::incidents::Incidents;
use crate::read::presets::Preset;
use crate::read::{incidents, Table};
use crate::test_data::shared_data;
use std::path::Path;

/// Read an incidents file without zones; `None` when the shared data is absent.
fn read(rel: &str, preset: Option<Preset>) -> Option<(Incidents, Diagnostics)> {
    let path = shared_data(rel)?;
    let bytes = std::fs::read(&path).unwrap();
    let mut d = Diagnostics::new();
    let shown = Path::new(path.file_name().unwrap());
    let t = Table::from_bytes(shown, &bytes, &mut d).expect("a table");
    let inc = incidents::read(t, &[], &NameIndex::new(), None, preset, None, &mut d);
    Some((inc, d))
}

fn messages(d: &Diagnostics) -> Vec<String> {
    d.iter().map(ToString::to_string).collect()
}

#[test]
fn real_exports_read_without_errors() {
    for (rel, rows) in [
        ("acled-global-2020-05/acled.csv", 5_071),
        ("acled-asia-2015-legacy/acled.csv", 10_194),
        ("acled-africa-2016-legacy/acled.csv", 500),
        ("ucdp-ged191-mmr-bgd/ged191.csv", 3_194),
        ("ucdp-ged191-mmr-bgd/conflict_data_BGD_hxl.csv", 601),
    ] {
        let Some((inc, d)) = read(rel, None) else { return };
        let m = messages(&d);
        eprintln!(
            "{rel}: {} incidents, {} diagnostics: {:?}",
            inc.len(),
            m.len(),
            m.iter().take(5).collect::<Vec<_>>()
        );
        assert_eq!(d.error_count(), 0, "{rel}: {m:?}");
        assert_eq!(inc.len() + d.warning_count(), rows, "{rel}");
    }
}

#[test]
fn acled_global_export_maps_roles_and_precision() {
    let Some((inc, d)) = read("acled-global-2020-05/acled.csv", None) else { return };
    // PHL10453 has no coordinates: a documented skip with a located warning
    insta::assert_snapshot!(messages(&d).join("\n"), @r#"acled.csv:5072:23: warning: incident has no coordinates; skipped "PHL10453" — the ACLED export gives no latitude and longitude for this event"#);
    let syr = inc.iter().find(|i| i.id == "SYR77948").unwrap();
    let actors =
        format!("{} {}", inc.properties(syr).value("actor1"), inc.properties(syr).value("actor2"));
    assert!(actors.contains("Asayish"), "{actors}");
    assert_eq!(inc.properties(syr).value("type"), inc.properties(syr).value("event_type"));
    let approx = inc.iter().filter(|i| i.precision == LocationPrecision::Approximate).count();
    let prec3 = inc.iter().filter(|i| inc.properties(i).value("geo_precision") == 3).count();
    assert!(approx > 0 && approx == prec3, "{approx} approximate, {prec3} with geo_precision 3");
    // `9-May-20` dates
    assert!(inc.iter().all(|i| i.date.to_iso().starts_with("2020-0")));
}

#[test]
fn acled_legacy_schemas_read_by_alias() {
    let Some((inc, _)) = read("acled-asia-2015-legacy/acled.csv", None) else { return };
    assert!(inc.iter().all(|i| i.date.to_iso().starts_with("2015-")));
    assert!(inc.iter().any(|i| i.precision == LocationPrecision::Approximate));
    // multi-line NOTES keep their line breaks, and later rows keep their lines
    assert!(inc.iter().any(|i| inc
        .properties(i)
        .value("NOTES")
        .as_str()
        .is_some_and(|n| n.contains('\n'))));
    assert!(inc.windows(2).all(|w| w[0].line < w[1].line));
    let Some((inc, _)) = read("acled-africa-2016-legacy/acled.csv", None) else { return };
    assert!(
        inc.iter().all(|i| !inc.properties(i).contains_key("")),
        "the pandas index column is dropped"
    );
    assert!(
        inc.iter().all(|i| i.id.ends_with(|c: char| c.is_ascii_uppercase())),
        "event_id_cnty is the id"
    );
}

#[test]
fn ucdp_ged_maps_roles_and_keeps_date_end() {
    let Some((inc, _)) = read("ucdp-ged191-mmr-bgd/ged191.csv", Some(Preset::Ucdp)) else { return };
    let first = &inc[0];
    assert!(inc.properties(first).contains_key("date_end"));
    assert_eq!(inc.properties(first).value("fatalities"), inc.properties(first).value("best"));
    assert_eq!(inc.properties(first).value("actor1"), inc.properties(first).value("side_a"));
    let types: std::collections::BTreeSet<&str> =
        inc.iter().filter_map(|i| inc.properties(i).kind()).collect();
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        ["non-state conflict", "one-sided violence", "state-based conflict"]
    );
    let approx = inc.iter().filter(|i| i.precision == LocationPrecision::Approximate).count();
    let prec =
        inc.iter().filter(|i| inc.properties(i).value("where_prec").as_i64() >= Some(3)).count();
    assert_eq!(approx, prec);
    // the HDX copy has an HXL hashtag row under the header; its first event is on line 3
    let Some((hxl, _)) = read("ucdp-ged191-mmr-bgd/conflict_data_BGD_hxl.csv", None) else {
        return;
    };
    assert_eq!(hxl[0].line, 3);
}

/// csv2geojson's inputs with a date column added: our points must be its points.
#[test]
fn csv2geojson_coordinates_match_exactly() {
    let Some(dir) = shared_data("csv2geojson-fixtures") else { return };
    for (input, expected) in [
        ("simple.csv", "simple.geojson"),
        ("simple.tsv", "simple.geojson"),
        ("simple.pipe.dsv", "simple.geojson"),
        ("simple.semicolon.dsv", "simple.geojson"),
        ("space_column.csv", "simple_space.geojson"),
        ("lng.csv", "lng.geojson"),
        ("includeLatLon.csv", "includeLatLon.geojson"),
    ] {
        let text = std::fs::read_to_string(dir.join(input)).unwrap();
        let delimiter = crate::read::table::sniff_delimiter(&text);
        let d = char::from(delimiter);
        let dated: String = text
            .lines()
            .enumerate()
            .map(
                |(i, l)| {
                    if i == 0 {
                        format!("date{d}{l}\n")
                    } else {
                        format!("2021-04-25{d}{l}\n")
                    }
                },
            )
            .collect();
        let mut diags = Diagnostics::new();
        let t = Table::from_bytes(Path::new(input), dated.as_bytes(), &mut diags).unwrap();
        let inc = incidents::read(t, &[], &NameIndex::new(), None, None, None, &mut diags);
        assert!(diags.is_empty(), "{input}: {:?}", messages(&diags));
        let want: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(expected)).unwrap()).unwrap();
        let want: Vec<(f64, f64)> = want["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let c = &f["geometry"]["coordinates"];
                (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
            })
            .collect();
        let got: Vec<(f64, f64)> = inc.iter().map(|i| (i.point.x(), i.point.y())).collect();
        assert_eq!(got, want, "{input}");
    }
}

#[test]
fn csv2geojson_bad_coordinates_are_located() {
    let Some(dir) = shared_data("csv2geojson-fixtures") else { return };
    let mut out = Vec::new();
    for input in ["bad_coord.csv", "degrees.csv", "geometry_null.csv"] {
        let text = std::fs::read_to_string(dir.join(input)).unwrap();
        let dated: String = text
            .lines()
            .enumerate()
            .map(|(i, l)| if i == 0 { format!("date,{l}\n") } else { format!("2021-04-25,{l}\n") })
            .collect();
        let mut d = Diagnostics::new();
        let t = Table::from_bytes(Path::new(input), dated.as_bytes(), &mut d).unwrap();
        let inc = incidents::read(t, &[], &NameIndex::new(), None, None, None, &mut d);
        assert!(inc.is_empty(), "{input}");
        out.extend(messages(&d));
    }
    insta::assert_snapshot!(out.join("\n"), @r#"
    bad_coord.csv:2:2: invalid latitude "foo" — write decimal degrees, e.g. 37.0522
    degrees.csv:2:2: invalid latitude "23°N" — write decimal degrees, e.g. 37.0522 for 37°03'08"; convert degrees, minutes and seconds first
    degrees.csv:2:3: invalid longitude "26°W" — write decimal degrees, e.g. 37.0522 for 37°03'08"; convert degrees, minutes and seconds first
    geometry_null.csv:1: missing required column "lat and lon (or wkt, or place)" — columns found: date, name
    "#);
}

/// GDAL's CSV driver fixtures: never a panic, and sensible diagnostics.
#[test]
fn gdal_csv_fixtures_read_or_are_reported() {
    let Some(dir) = shared_data("gdal-ogr-csv-fixtures") else { return };
    let names = sorted_names(&dir);
    let mut out = Vec::new();
    for name in names {
        let bytes = std::fs::read(dir.join(&name)).unwrap();
        let mut d = Diagnostics::new();
        let shown = Path::new(&name);
        let t = Table::from_bytes(shown, &bytes, &mut d);
        let shape = t.map_or("none".to_string(), |t| {
            format!("{} columns, {} rows", t.headers.len(), t.rows.len())
        });
        out.push(format!("{}: {shape}", name.to_string_lossy()));
        out.extend(messages(&d).into_iter().map(|m| format!("  {m}")));
    }
    insta::assert_snapshot!(out.join("\n"), @r#"
    double_quotes_in_middle_of_field.csv: 3 columns, 1 rows
    double_quotes_in_middle_of_field_bis.csv: 3 columns, 2 rows
    header_with_line_break.csv: 7 columns, 3 rows
    inf_nan.csv: 2 columns, 4 rows
    only_strings.csv: 3 columns, 3 rows
    testdatetime.csv: 2 columns, 7 rows
    testnull.csv: 5 columns, 1 rows
    testquoteheader1.csv: 3 columns, 1 rows
    testtypeautodetect.csv: 19 columns, 9 rows
    unbalanced_double_quotes.csv: 2 columns, 0 rows
      unbalanced_double_quotes.csv:2: unclosed quote — the quoted field that opens on this line runs to the end of the file (2 lines); close it with " or remove the stray quote
    wkt.csv: 3 columns, 3 rows
    "#);
}

/// What the reader makes of each messy file in `tests/fixtures/read/`
/// (one quirk per file, named for it).
#[test]
#[allow(clippy::too_many_lines)]
fn messy_fixtures_read_or_are_reported() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/read");
    let names = sorted_names(&dir);
    let mut out = Vec::new();
    for name in names {
        let bytes = std::fs::read(dir.join(&name)).unwrap();
        let mut d = Diagnostics::new();
        let shown = Path::new(&name);
        let Some(t) = Table::from_bytes(shown, &bytes, &mut d) else {
            out.push(format!("{}: unreadable", name.to_string_lossy()));
            out.extend(messages(&d).into_iter().map(|m| format!("  {m}")));
            continue;
        };
        out.push(format!(
            "{}: {}, {:?}{}",
            name.to_string_lossy(),
            t.encoding.name(),
            char::from(t.delimiter),
            if t.decimal_comma { ", decimal comma" } else { "" }
        ));
        let inc = incidents::read(t, &[], &NameIndex::new(), None, None, None, &mut d);
        for i in inc.iter() {
            let text =
                |k: &str| inc.properties(i).value(k).as_str().unwrap_or("").replace('\n', "\\n");
            out.push(format!(
                "  line {} {} {} ({}, {}) {}",
                i.line,
                i.id,
                i.date.to_iso(),
                i.point.x(),
                i.point.y(),
                text("note")
            ));
        }
        out.extend(messages(&d).into_iter().map(|m| format!("  {m}")));
    }
    insta::assert_snapshot!(out.join("\n"), @r#"
    binary-garbage.bin: unreadable
      binary-garbage.bin: file contains binary data — this does not look like a text table; export it as CSV
    blank-lines-only.csv: unreadable
      blank-lines-only.csv: file is empty — add a header line and rows
    bom-utf8.csv: UTF-8 with BOM, ','
      line 2 QAM-1 2021-04-25 (41.2205, 37.0345) al-Ṭay حي طي
    crlf.csv: UTF-8, ','
      line 2 QAM-1 2021-04-25 (41.2205, 37.0345) two\nlines
      line 5 QAM-2 2021-04-26 (41.2205, 37.0345) x
    dates-ambiguous.csv: UTF-8, ','
      dates-ambiguous.csv:2:2: ambiguous date "04/05/2021" — day and month cannot be told apart; set date_format = "%d/%m/%Y" (or "%m/%d/%Y") in frontline.toml
      dates-ambiguous.csv:3:2: ambiguous date "05/04/2021" — day and month cannot be told apart; set date_format = "%d/%m/%Y" (or "%m/%d/%Y") in frontline.toml
    dates-day-first.csv: UTF-8, ','
      line 2 QAM-1 2021-05-04 (41.2205, 37.0345) 
      line 3 QAM-2 2021-04-25 (41.2205, 37.0345) 
    dates-forms.csv: UTF-8, ','
      line 2 A 2021-04-25 (41, 37) 
      line 3 B 2021-04-25T22:00:00+03:00 (41, 37) 
      line 4 C 2021-04-25 (41, 37) 
      line 5 D 2021-04-25 (41, 37) 
      line 6 E 2021-04-25 (41, 37) 
      line 7 F 2020-05-09 (41, 37) 
      line 8 G 2021-04-25T22:00:00 (41, 37) 
    dates-impossible.csv: UTF-8, ','
      dates-impossible.csv:2:2: impossible date "2021-02-30" — this day does not exist in the calendar
      dates-impossible.csv:3:2: impossible date "31 April 2021" — this day does not exist in the calendar
    dates-mixed-order.csv: UTF-8, ','
      line 2 QAM-1 2021-04-25 (41.2205, 37.0345) 
      line 3 QAM-2 2021-04-25 (41.2205, 37.0345) 
      dates-mixed-order.csv:3:2: dates mix day-first and month-first forms "04/25/2021" — line 2 has the day first ("25/04/2021"); set date_format in frontline.toml, e.g. date_format = "%d/%m/%Y"
    empty.csv: unreadable
      empty.csv: file is empty — add a header line and rows
    header-only.csv: UTF-8, ','
    hxl-and-comment.csv: UTF-8, ','
      line 4 A 2021-04-25 (41, 37) 
    out-of-range.csv: UTF-8, ','
      out-of-range.csv:2:4: longitude out of range "241" — longitude must be between -180 and 180 degrees (WGS84)
    pipe-delimited.csv: UTF-8, '|', decimal comma
      line 2 QAM-1 2021-04-25 (41.2205, 37.0345) 
    ragged-row.csv: UTF-8, ','
      line 3 B 2021-04-25 (41, 37) 
      ragged-row.csv:2: row has 5 fields but the header has 4 — a field containing the delimiter must be quoted
    semicolon-decimal-comma.csv: UTF-8, ';', decimal comma
      line 2 QAM-1 2021-04-25 (41.2205, 37.0345) 
    several-bad-cells.csv: UTF-8, ','
      line 3 B 2021-04-25 (41, 37) 
      several-bad-cells.csv:2:2: unrecognised date "someday" — write dates as 2021-04-25 or 2021-04-25T22:00:00+03:00, or set date_format in frontline.toml
      several-bad-cells.csv:2:3: latitude out of range "95" — latitude must be between -90 and 90 degrees (WGS84)
      several-bad-cells.csv:2:4: invalid longitude "lon?" — write decimal degrees, e.g. 37.0522
    tab-delimited.tsv: UTF-8, '\t', decimal comma
      line 2 QAM-1 2021-04-25 (41.2205, 37.0345) 
    unclosed-quote.csv: UTF-8, ','
      line 2 A 2021-04-25 (41, 37) ok
      unclosed-quote.csv:3: unclosed quote — the quoted field that opens on this line runs to the end of the file (2 lines); close it with " or remove the stray quote
    utf16be.csv: UTF-16BE, ','
      line 2 QAM-1 2021-04-25 (41.2205, 37.0345) al-Ṭay حي طي
    utf16le-excel.csv: UTF-16LE, '\t', decimal comma
      line 2 QAM-1 2021-04-25 (41.2205, 37.0345) Qamişlo قامشلو
    windows-1252.csv: Windows-1252, ','
      line 2 QAM-1 2021-04-25 (41.2205, 37.0345) Qamishlî café – “quoted”
      windows-1252.csv: warning: file is not UTF-8; read as Windows-1252 — save it as UTF-8 ("CSV UTF-8" in Excel) to be sure accents and scripts are right
    "#);
}

/// The names of the files in `dir`, sorted.
fn sorted_names(dir: &Path) -> Vec<std::ffi::OsString> {
    let mut names: Vec<_> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    names
}
