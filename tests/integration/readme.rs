//! The README's tables against the code's own lists, read from the binary:
//! every layer a build writes has a row in "Output layers", every format
//! `--format` accepts has a row in "Formats" and is named in `frontline
//! build --help`, and neither table has a row the code does not make.
//!
//! The two lists come from running `frontline`, not from the library's
//! types, so that this test does not depend on what the library exports.
//! If the binary changes how it reports them, only [`code_layers`] and
//! [`code_formats`] need to follow.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn frontline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run frontline")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// The layers: the `<layer>.geojson` files a build of the demo writes.
fn code_layers() -> BTreeSet<String> {
    let out = tempfile::tempdir().expect("tempdir");
    let demo = repo().join("examples/qamishli");
    let o = frontline(&["build", path_str(&demo), "--out", path_str(out.path())]);
    assert!(o.status.success(), "building the demo failed:\n{}", text(&o.stderr));
    let layers: BTreeSet<String> = std::fs::read_dir(out.path())
        .expect("read the output folder")
        .filter_map(|e| {
            let name = e.expect("a folder entry").file_name().into_string().ok()?;
            name.strip_suffix(".geojson").map(str::to_string)
        })
        .collect();
    assert!(!layers.is_empty(), "the demo build wrote no .geojson file");
    layers
}

/// The formats, as `frontline build` lists them when given one it does not
/// know (`known formats: a, b, all`, or clap's `[possible values: a, b]`).
fn code_formats() -> BTreeSet<String> {
    let out = tempfile::tempdir().expect("tempdir");
    let demo = repo().join("examples/qamishli");
    let o = frontline(&[
        "build",
        path_str(&demo),
        "--out",
        path_str(out.path()),
        "--format",
        "no-such-format",
    ]);
    assert_eq!(o.status.code(), Some(2), "an unknown format is a usage error");
    let stderr = text(&o.stderr);
    let list = ["known formats:", "possible values:"]
        .iter()
        .find_map(|marker| stderr.split_once(marker).map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("no list of formats in the error:\n{stderr}"));
    let list = list.lines().next().unwrap_or_default();
    let formats: BTreeSet<String> = list
        .split(',')
        .map(|f| f.trim().trim_end_matches(']').trim().to_string())
        .filter(|f| !f.is_empty() && f != "all")
        .collect();
    assert!(!formats.is_empty(), "empty list of formats in:\n{stderr}");
    formats
}

/// The lines of the README section that starts with `heading`, up to the
/// next heading of the same or a higher level.
fn section(readme: &str, heading: &str) -> Vec<String> {
    let level = heading.chars().take_while(|c| *c == '#').count();
    let mut lines = readme.lines().skip_while(|l| l.trim_end() != heading);
    assert!(lines.next().is_some(), "README.md has no `{heading}` section");
    lines
        .take_while(|l| {
            let hashes = l.chars().take_while(|c| *c == '#').count();
            !(hashes > 0 && hashes <= level && l.trim_start_matches('#').starts_with(' '))
        })
        .map(str::to_string)
        .collect()
}

/// The first code span of the first cell of each row of the section's
/// tables (the header row and the separator have none).
fn first_column(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| {
            let cell = l.trim().strip_prefix('|')?.split('|').next()?;
            let span = cell.split('`').nth(1)?;
            Some(span.to_string())
        })
        .collect()
}

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).expect("read README.md")
}

#[test]
fn readme_layer_table_lists_every_layer() {
    let files = first_column(&section(&readme(), "## Output layers"));
    let listed: BTreeSet<String> = files
        .iter()
        .map(|f| {
            f.strip_suffix(".geojson")
                .unwrap_or_else(|| panic!("layer table row `{f}` is not a .geojson file"))
                .to_string()
        })
        .collect();
    assert_eq!(listed.len(), files.len(), "a layer is listed twice: {files:?}");
    assert_eq!(listed, code_layers(), "README's layer table (left) against the layers built");
}

#[test]
fn readme_format_table_lists_every_format() {
    let names = first_column(&section(&readme(), "## Formats"));
    let listed: BTreeSet<String> = names.iter().cloned().collect();
    assert_eq!(listed.len(), names.len(), "a format is listed twice: {names:?}");
    assert_eq!(listed, code_formats(), "README's format table (left) against `--format`");
}

#[test]
fn build_help_names_every_format() {
    let o = frontline(&["build", "--help"]);
    assert!(o.status.success());
    let help = text(&o.stdout);
    // the `--format` entry: its line and any continuation lines before the next flag
    let entry: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("--format"))
        .enumerate()
        .take_while(|(i, l)| *i == 0 || !l.trim_start().starts_with('-'))
        .map(|(_, l)| l)
        .collect();
    let entry = entry.join("\n");
    assert!(!entry.is_empty(), "no --format in `frontline build --help`:\n{help}");
    let words: BTreeSet<&str> =
        entry.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let missing: Vec<String> =
        code_formats().into_iter().filter(|f| !words.contains(f.as_str())).collect();
    assert!(missing.is_empty(), "`--format` help leaves out {missing:?}:\n{entry}");
}
