//! The corpus of broken inputs in `tests/fixtures/broken/`: each file,
//! named `<input>--<quirk>.<ext>`, replaces that input of the demo project.
//! `check` must exit 1 with located messages about that file, `build` must
//! exit 1 and leave the previous outputs byte-identical, and nothing may
//! panic.

use crate::util::{repo, text, Workdir};

#[test]
fn broken_inputs_give_located_errors_and_keep_last_outputs() {
    let dir = repo().join("tests/fixtures/broken");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let w = Workdir::new();
    let mut report = Vec::new();
    for name in &names {
        let (input, _) = name.split_once("--").expect("<input>--<quirk>.<ext>");
        let target =
            if input == "zones" { "zones.geojson".to_string() } else { format!("{input}.csv") };
        let case = format!("case-{name}");
        w.demo(&case);
        assert!(w.run(&["build", &case]).status.success());
        let before = std::fs::read(w.path().join(&case).join("out/control.geojson")).unwrap();
        std::fs::copy(dir.join(name), w.path().join(&case).join(&target)).unwrap();

        let o = w.run(&["check", &case]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: check should fail\n{out}{err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        let about: Vec<&str> = out.lines().filter(|l| l.starts_with(target.as_str())).collect();
        assert!(!about.is_empty(), "{name}: no message about {target}:\n{out}");
        report.push(format!("{name}:"));
        report.extend(about.iter().map(|l| format!("  {l}")));

        let o = w.run(&["build", &case]);
        assert_eq!(o.status.code(), Some(1), "{name}: build should fail");
        assert!(!text(&o).1.contains("panicked"), "{name}");
        let after = std::fs::read(w.path().join(&case).join("out/control.geojson")).unwrap();
        assert!(before == after, "{name}: a failed build changed the last good output");
    }
    insta::assert_snapshot!(report.join("\n"), @r#"
    control--ambiguous-dates.csv:
      control.csv:2:3: ambiguous date "04/05/2021" — day and month cannot be told apart; set date_format = "%d/%m/%Y" (or "%m/%d/%Y") in frontline.toml
      control.csv:3:3: ambiguous date "05/04/2021" — day and month cannot be told apart; set date_format = "%d/%m/%Y" (or "%m/%d/%Y") in frontline.toml
    control--binary.csv:
      control.csv: file contains binary data — this does not look like a text table; export it as CSV
    control--conflicting-rows.csv:
      control.csv:3: conflicting control rows for the same zone and date "2021-04-20" — line 2 gives a different state; keep one of them
    control--empty.csv:
      control.csv: file is empty — add a header line zone,force,since and rows
    control--impossible-date.csv:
      control.csv:2:3: impossible date "2021-02-30" — this day does not exist in the calendar
    control--missing-column.csv:
      control.csv:1: missing required column "force" — columns found: zone, since
    control--unclosed-quote.csv:
      control.csv:2: unclosed quote — the quoted field that opens on this line runs to the end of the file (2 lines); close it with " or remove the stray quote
    control--utf16-no-bom.csv:
      control.csv: file contains binary data — this looks like UTF-16 without a byte-order mark; save it as "CSV UTF-8", or set encoding = "utf-16le" in frontline.toml
    forces--duplicate-id.csv:
      forces.csv:4:1: duplicate force id "ndf" — line 2 has the same id
    incidents--header-only-garbage.csv:
      incidents.csv: file contains binary data — this does not look like a text table; export it as CSV
    incidents--several-bad-cells.csv:
      incidents.csv:2:2: impossible date "2021-13-01" — this day does not exist in the calendar
      incidents.csv:2:4: longitude out of range "410.2" — longitude must be between -180 and 180 degrees (WGS84)
    incidents--swallowed-rows.csv:
      incidents.csv:2:5: quoted field swallowed other rows — a quote opened here closes 2 lines later, taking in 2 rows; check for a stray " in this cell
    zones--binary.geojson:
      zones.geojson:1:1: invalid JSON "expected value at line 1 column 1" — the file may be truncated; re-export it from your GIS
    zones--duplicate-id.geojson:
      zones.geojson: feature 1: duplicate zone id "kilo" — feature 0 has the same id; zone ids must be unique
    zones--empty.geojson:
      zones.geojson: file is empty — export the zones from your GIS as GeoJSON
    zones--no-features.geojson:
      zones.geojson: no zones in file — add Polygon features
    zones--point-geometry.geojson:
      zones.geojson: feature 0: zone geometry must be Polygon or MultiPolygon "Point" — points and lines cannot be coloured as areas
    zones--self-intersecting.geojson:
      zones.geojson: feature 0: invalid polygon "polygon at index 0 is invalid: exterior ring has a self-intersection" — run with --repair to resolve it, or fix it in your GIS (QGIS: Vector ▸ Geometry Tools ▸ Fix Geometries)
    zones--truncated.geojson:
      zones.geojson:1:60: invalid JSON "EOF while parsing a string at line 1 column 60" — the file may be truncated; re-export it from your GIS
    zones--unclosed-ring.geojson:
      zones.geojson: feature 0: ring 0 is not closed — the last position must repeat the first; run with --repair to close it
    "#);
}
