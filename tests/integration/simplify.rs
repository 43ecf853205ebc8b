//! `--simplify METERS` on real neighbourhood polygons: smaller output, and
//! neighbours still meet on identical border coordinates (each shared border
//! is simplified once), with contact lines on those borders. When
//! `mapshaper` is on the PATH, its `-simplify interval=… keep-shapes` is run
//! on the same file and the sizes are printed side by side.

use crate::util::{shared_data, text, Workdir};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

type Pt = (i64, i64);

/// Positions as integers of 1e-6° (the output precision), so equal means identical.
fn pt(c: &Value) -> Pt {
    let f = |v: &Value| (v.as_f64().unwrap() * 1e6).round() as i64;
    (f(&c[0]), f(&c[1]))
}

/// Every ring (or line) of a geometry as lists of points.
fn parts(g: &Value) -> Vec<Vec<Pt>> {
    let c = &g["coordinates"];
    match g["type"].as_str().unwrap() {
        "Polygon" | "MultiLineString" => c
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_array().unwrap().iter().map(pt).collect())
            .collect(),
        "MultiPolygon" => c
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p.as_array().unwrap().iter())
            .map(|r| r.as_array().unwrap().iter().map(pt).collect())
            .collect(),
        "LineString" => vec![c.as_array().unwrap().iter().map(pt).collect()],
        other => panic!("unexpected {other}"),
    }
}

fn segment(a: Pt, b: Pt) -> (Pt, Pt) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

struct Borders {
    /// segment → the zones whose rings use it
    owners: BTreeMap<(Pt, Pt), BTreeSet<String>>,
    vertices: usize,
}

fn borders(control: &Value) -> Borders {
    let mut owners: BTreeMap<(Pt, Pt), BTreeSet<String>> = BTreeMap::new();
    let mut vertices = 0;
    for (i, f) in control["features"].as_array().unwrap().iter().enumerate() {
        let id = f["id"].as_str().map_or_else(|| i.to_string(), String::from);
        for ring in parts(&f["geometry"]) {
            vertices += ring.len();
            for w in ring.windows(2) {
                owners.entry(segment(w[0], w[1])).or_default().insert(id.clone());
            }
        }
    }
    Borders { owners, vertices }
}

impl Borders {
    /// Pairs of zones that share at least one identical segment.
    fn neighbours(&self) -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for ids in self.owners.values() {
            let ids: Vec<&String> = ids.iter().collect();
            for (i, a) in ids.iter().enumerate() {
                for b in &ids[i + 1..] {
                    out.insert(((*a).clone(), (*b).clone()));
                }
            }
        }
        out
    }

    /// Length (in degrees) of segments used by one zone only: the outer
    /// boundary, plus any gap or sliver between neighbours.
    fn unshared_length(&self) -> f64 {
        self.owners
            .iter()
            .filter(|(_, ids)| ids.len() == 1)
            .map(|((a, b), _)| (((a.0 - b.0) as f64).hypot((a.1 - b.1) as f64)) / 1e6)
            .sum()
    }
}

fn mapshaper(input: &std::path::Path, w: &Workdir, interval: &str) -> Option<(u64, usize)> {
    let out = w.path().join("mapshaper.geojson");
    let o = Command::new("mapshaper")
        .arg("-i")
        .arg(input)
        .args([
            "-simplify",
            &format!("interval={interval}"),
            "keep-shapes",
            "-o",
            "precision=0.000001",
        ])
        .arg(&out)
        .output();
    match o {
        Ok(o) if o.status.success() => {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
            Some((std::fs::metadata(&out).unwrap().len(), borders(&v).vertices))
        }
        _ => {
            eprintln!("skipping the mapshaper comparison: mapshaper not on the PATH");
            None
        }
    }
}

#[test]
fn simplify_keeps_neighbours_meeting_on_real_boundaries() {
    for file in ["amsterdam.geojson", "san-francisco.geojson", "middle_east_countries.geojson"] {
        let Some(path) = shared_data(&format!("neighborhoods-click-that-hood/{file}")) else {
            return;
        };
        let text_in = std::fs::read_to_string(&path).unwrap();
        let fc: Value = serde_json::from_str(&text_in).unwrap();
        let w = Workdir::new();
        w.write("c/zones.geojson", &text_in);
        w.write("c/frontline.toml", "zone_key = \"name\"\n");
        let mut control = String::from("zone,force,since\n");
        for (i, f) in fc["features"].as_array().unwrap().iter().enumerate() {
            let name = f["properties"]["name"].as_str().unwrap().replace('"', "\"\"");
            control.push_str(&format!(
                "\"{name}\",{},2021-01-01\n",
                ["north", "south", "east"][i % 3]
            ));
        }
        w.write("c/control.csv", control);

        let mut sizes = Vec::new();
        let mut layers = Vec::new();
        for (out, simplify) in [("plain", None), ("simple", Some("20"))] {
            let mut args = vec!["build", "c", "--repair", "--out", out];
            args.extend(simplify.iter().flat_map(|m| ["--simplify", *m]));
            let o = w.run(&args);
            assert!(o.status.success(), "{file}: {:?}", text(&o));
            let raw = w.read(&format!("{out}/control.geojson"));
            sizes.push(raw.len());
            let fl: Value =
                serde_json::from_str(&w.read(&format!("{out}/frontlines.geojson"))).unwrap();
            layers.push((serde_json::from_str::<Value>(&raw).unwrap(), fl));
            crate::validators::validators_present().then(|| crate::validators::validate(&w, out));
        }
        let (before, after) = (borders(&layers[0].0), borders(&layers[1].0));
        assert!(sizes[1] < sizes[0], "{file}: simplified {} ≥ {} bytes", sizes[1], sizes[0]);
        assert!(after.vertices < before.vertices, "{file}");
        // every pair of neighbours still shares identical border coordinates
        assert_eq!(before.neighbours(), after.neighbours(), "{file}: neighbours lost or gained");
        // no gaps or slivers: the segments used by one zone only (the outer
        // boundary) do not grow; a gap would add both of its sides
        let (ub, ua) = (before.unshared_length(), after.unshared_length());
        assert!(ua <= ub * 1.001, "{file}: unshared length {ub:.5}° → {ua:.5}°");
        // contact lines lie on the borders: each of their segments is a zone segment
        for f in layers[1].1["features"].as_array().unwrap() {
            for line in parts(&f["geometry"]) {
                for s in line.windows(2) {
                    assert!(
                        after.owners.get(&segment(s[0], s[1])).is_some_and(|o| o.len() == 2),
                        "{file}: contact line segment {s:?} is not a shared border"
                    );
                }
            }
        }
        let ms = mapshaper(&path, &w, "20")
            .map_or_else(String::new, |(bytes, v)| format!("; mapshaper -simplify interval=20 keep-shapes: {bytes} bytes (input properties only), {v} vertices"));
        eprintln!(
            "{file}: control.geojson {} → {} bytes with --simplify 20, {} → {} vertices{ms}",
            sizes[0], sizes[1], before.vertices, after.vertices
        );
    }
}
