//! Browser tests: the demo page and an XSS-corpus page in headless Chromium
//! (`.ci/browser/test.mjs`, npm `playwright-core`), plus the checks that need
//! no browser (XML of the SVG and QGIS styles, escaping in the raw HTML).
//!
//! Skips with a message when Chromium, node or `.ci/browser/node_modules`
//! are missing, unless `FRONTLINE_REQUIRE_BROWSER=1` (CI) makes that a failure.
//! Install with `bash .ci/install-browser.sh`.

use crate::util::{repo, text, Workdir};
use std::path::{Path, PathBuf};
use std::process::Command;

const PAYLOADS: &[&str] = &[
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=1\">",
    "\"><svg onload=window.__pwned=1>",
    "' onmouseover='window.__pwned=1' x='",
    "</script><script>window.__pwned=1</script>",
    "javascript:window.__pwned=1",
    "\u{2028}</style><style>*{}</style>&amp;",
];

fn chromium() -> Option<PathBuf> {
    let p = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    p.exists().then_some(p)
}

fn browser_dir() -> PathBuf {
    repo().join(".ci/browser")
}

fn leaflet_dist() -> PathBuf {
    browser_dir().join("node_modules/leaflet/dist")
}

/// Whether the browser tools are there; a skip message otherwise (a panic when required).
fn browser_ready() -> bool {
    let missing: Vec<&str> = [
        (chromium().is_none(), "/usr/bin/chromium"),
        (Command::new("node").arg("--version").output().is_err(), "node"),
        (!browser_dir().join("node_modules/playwright-core").exists(), ".ci/browser/node_modules"),
    ]
    .into_iter()
    .filter_map(|(m, what)| m.then_some(what))
    .collect();
    if missing.is_empty() {
        return true;
    }
    let msg =
        format!("browser tests need {} (run bash .ci/install-browser.sh)", missing.join(", "));
    assert!(std::env::var("FRONTLINE_REQUIRE_BROWSER").as_deref() != Ok("1"), "{msg}");
    eprintln!("skipping: {msg}");
    false
}

fn build(w: &Workdir, project: &str, out: &str, extra: &[&str]) {
    let mut args = vec!["build", project, "--out", out];
    args.extend_from_slice(extra);
    let o = w.run(&args);
    let (_, err) = text(&o);
    assert!(o.status.success(), "build failed: {err}");
}

fn csv_line(fields: &[&str]) -> String {
    let mut wtr = csv::Writer::from_writer(Vec::new());
    wtr.write_record(fields).unwrap();
    String::from_utf8(wtr.into_inner().unwrap()).unwrap()
}

/// The demo with script payloads in every text that reaches the page.
fn xss_project(w: &Workdir, rel: &str) {
    w.demo(rel);
    let p = |i: usize| PAYLOADS[i % PAYLOADS.len()];
    // zone names (and a localized name)
    let zones_path = w.path().join(rel).join("zones.geojson");
    let mut zones: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&zones_path).unwrap()).unwrap();
    for (i, f) in zones["features"].as_array_mut().unwrap().iter_mut().enumerate() {
        f["properties"]["name"] = p(i).into();
        f["properties"]["aliases"] = serde_json::json!([]);
    }
    std::fs::write(&zones_path, zones.to_string()).unwrap();
    // force names
    let mut forces = String::from("id,name,color\n");
    for (i, id) in ["asayish", "ndf", "saa", "russia"].iter().enumerate() {
        forces.push_str(&csv_line(&[id, &format!("{}{id}", p(i + 2)), "#123456"]));
    }
    w.write(&format!("{rel}/forces.csv"), forces);
    // control: sources, notes, urls
    let mut control = String::from("zone,force,since,status,source,note,url\n");
    for (i, (zone, force)) in
        [("al-tay", "ndf"), ("kilo", "asayish|ndf"), ("hilaliya", "saa")].iter().enumerate()
    {
        let status = if force.contains('|') { "contested" } else { "held" };
        control.push_str(&csv_line(&[zone, force, "2021-04-01", status, p(i + 5), p(i + 1), p(5)]));
        control.push_str(&csv_line(&[
            zone,
            "asayish",
            "2021-04-10",
            "held",
            p(5),
            p(i + 3),
            "data:text/html,<script>window.__pwned=1</script>",
        ]));
    }
    w.write(&format!("{rel}/control.csv"), control);
    let mut incidents = String::from("id,date,lat,lon,type,note,source,url\n");
    for i in 0..PAYLOADS.len() {
        incidents.push_str(&csv_line(&[
            &format!("X-{i}"),
            "2021-04-10",
            "37.0345",
            &format!("41.22{i}"),
            p(i),
            p(i + 1),
            p(i + 2),
            p(5),
        ]));
    }
    w.write(&format!("{rel}/incidents.csv"), incidents);
    w.write(
        &format!("{rel}/frontline.toml"),
        format!("title = {:?}\nattribution = {:?}\n", p(0), p(1)),
    );
}

fn assert_xml(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let opts =
        roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    let doc = roxmltree::Document::parse_with_options(&text, opts)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let root = doc.root_element().tag_name().name();
    assert!(root == "svg" || root == "qgis", "{}: root <{root}>", path.display());
    if root == "qgis" {
        // a categorized renderer with one symbol per category
        let cats = doc.descendants().filter(|n| n.has_tag_name("category")).count();
        let symbols = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("symbol") && !n.attribute("name").unwrap_or("@").starts_with('@')
            })
            .count();
        assert!(
            cats > 0 && cats == symbols,
            "{}: {cats} categories, {symbols} symbols",
            path.display()
        );
    }
}

#[test]
fn svg_and_qml_are_xml_and_html_is_escaped_without_a_browser() {
    let w = Workdir::new();
    xss_project(&w, "x");
    build(&w, "x", "out", &["--format", "html,svg,qml"]);
    for f in ["map.svg", "control.qml", "incidents.qml"] {
        assert_xml(&w.path().join("out").join(f));
    }
    let html = w.read("out/map.html");
    assert!(!html.contains("window.__pwned=1</script>"), "a payload reached the page unescaped");
    assert!(!html.contains("onerror=\""), "a payload reached the page unescaped");
    // CDN page by default: SRI hashes and a CSP that allows only unpkg
    assert!(html.contains("integrity=\"sha256-20nQCchB9co0qIjJZRGuk2/Z9VM+kNiyxNV1lvTlZBo=\""));
    assert!(html.contains("script-src 'sha256-"), "CSP pins the inline script by hash");
    let svg = w.read("out/map.svg");
    assert!(
        svg.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;"),
        "title escaped in the SVG"
    );
}

#[test]
fn svg_size_lang_and_rtl() {
    let w = Workdir::new();
    w.demo("q");
    build(&w, "q", "out", &["--format", "svg,html", "--size", "800x800", "--lang", "ckb"]);
    let svg = w.read("out/map.svg");
    assert!(svg.contains("width=\"800\" height=\"800\""));
    assert!(svg.contains("xml:lang=\"ckb\"") && svg.contains("direction=\"rtl\""));
    assert!(svg.contains("گەڕەکی تەی"), "al-Tay's Sorani name labels the zone");
    assert!(svg.contains("ئاسایش"), "the legend names the Asayish in Sorani");
    let html = w.read("out/map.html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ckb\" dir=\"rtl\">"));
    let o = w.run(&["build", "q", "--out", "o2", "--format", "svg", "--size", "12x5"]);
    assert_eq!(o.status.code(), Some(2), "bad --size is a usage error");
    let o = w.run(&["build", "q", "--out", "o2", "--format", "html", "--leaflet", "/nonexistent"]);
    assert_eq!(o.status.code(), Some(2), "missing --leaflet folder is a usage error");
    let o = w.run(&["build", "q", "--out", "o2", "--format", "html", "--basemap", "javascript:x"]);
    assert_eq!(o.status.code(), Some(2), "non-http basemap is a usage error");
}

#[test]
fn pages_work_in_headless_chromium() {
    if !browser_ready() {
        return;
    }
    let w = Workdir::new();
    w.demo("q");
    let dist = leaflet_dist();
    let dist = dist.to_str().unwrap();
    build(&w, "q", "demo", &["--format", "all", "--leaflet", dist]);
    build(&w, "q", "demo/rtl", &["--format", "html,svg", "--leaflet", dist, "--lang", "ckb"]);
    xss_project(&w, "x");
    build(&w, "x", "xss", &["--format", "html,svg", "--leaflet", dist]);
    let out = Command::new("node")
        .arg(browser_dir().join("test.mjs"))
        .arg(w.path().join("demo"))
        .arg(w.path().join("xss"))
        .current_dir(browser_dir())
        .output()
        .expect("run node");
    let (stdout, stderr) = text(&out);
    eprintln!("{stdout}");
    assert!(out.status.success(), "browser checks failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn topojson_stores_shared_borders_once() {
    fn walk(v: &serde_json::Value, out: &mut Vec<i64>) {
        match v {
            serde_json::Value::Number(n) => out.push(n.as_i64().unwrap()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let w = Workdir::new();
    w.demo("q");
    build(&w, "q", "out", &["--format", "geojson,topojson"]);
    let topo: serde_json::Value = serde_json::from_str(&w.read("out/control.topojson")).unwrap();
    assert_eq!(topo["type"], "Topology");
    assert!(topo["transform"]["scale"][0].as_f64().unwrap() > 0.0, "quantized");
    let arcs = topo["arcs"].as_array().unwrap().len();
    let mut refs: Vec<i64> = Vec::new();
    for g in topo["objects"]["control"]["geometries"].as_array().unwrap() {
        walk(&g["arcs"], &mut refs);
    }
    let used: std::collections::BTreeSet<i64> =
        refs.iter().map(|r| if *r < 0 { !*r } else { *r }).collect();
    assert_eq!(used.len(), arcs, "every arc is used");
    assert!(refs.len() > arcs, "shared borders are referenced twice but stored once");
    let geo = std::fs::metadata(w.path().join("out/control.geojson")).unwrap().len();
    let tj = std::fs::metadata(w.path().join("out/control.topojson")).unwrap().len();
    eprintln!("control: topojson {tj} bytes, geojson {geo} bytes");
    assert!(tj < geo, "TopoJSON is smaller than the GeoJSON ({tj} vs {geo})");
}
