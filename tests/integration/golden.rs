//! Golden files: each `tests/golden/<case>/` holds `input/` (a project,
//! optional), `args` (the command line; `{repo}` is the repository root),
//! optionally `stdin` (bytes fed to the command's standard input) and
//! `expected/`: every file the command wrote under `out/`, `stdout.txt` (when
//! it printed anything), `stderr.txt` and `exit-code`. Outputs are compared
//! byte for byte, with the repository's path written as `{repo}`.
//!
//! Each case is a test of its own, named after its folder with `-` as `_`:
//! `cargo test --test integration golden::qamishli -- --exact`. A folder
//! that the list below does not name fails `every_case_folder_has_a_test`.
//! `FRONTLINE_BLESS=1` rewrites `expected/` of the cases that run (all of
//! them, or those the filter picks).

use crate::util::{copy_dir, repo, Workdir};
use std::path::{Path, PathBuf};

/// One `#[test]` per case, and the list of cases.
macro_rules! golden {
    ($($case:ident),* $(,)?) => {
        /// The registered cases, as test names.
        const CASES: &[&str] = &[$(stringify!($case)),*];
        $(
            #[test]
            fn $case() {
                run(stringify!($case));
            }
        )*
    };
}

golden! {
    // `build` to GeoJSON
    grid_changes,
    qamishli,
    qamishli_during_clashes,
    swapped_latlon,
    unknown_zone,
    utf16_excel_export,
    utm_zones,
    wkt_csv_zones,
    // `build` to the other formats
    qamishli_topojson,
    grid_changes_topojson,
    qamishli_html,
    qamishli_html_ckb_during_clashes,
    qamishli_all_formats,
    // `frontline incidents`
    incidents_qamishli_geojson,
    incidents_qamishli_geojsonseq,
    incidents_stdin_semicolon_decimal_comma,
    incidents_stdin_places,
    incidents_acled_shaped,
    incidents_ucdp_shaped,
    // `check --format json`
    check_json_qamishli,
    check_json_unknown_zone,
    check_json_repair_warnings,
}

/// The folder of a case: its test name with `-` for `_`.
fn folder(case: &str) -> PathBuf {
    repo().join("tests/golden").join(case.replace('_', "-"))
}

#[test]
fn every_case_folder_has_a_test() {
    let registered: Vec<PathBuf> = CASES.iter().map(|c| folder(c)).collect();
    let mut missing = Vec::new();
    for e in std::fs::read_dir(repo().join("tests/golden")).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() && !registered.contains(&p) {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            missing.push(format!(
                "tests/golden/{name}/ has no test: add `{}` to golden! {{ … }} in \
                 tests/integration/golden.rs (folder names use `-`, test names `_`)",
                name.replace('-', "_")
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    for (c, p) in CASES.iter().zip(&registered) {
        assert!(p.join("args").is_file(), "case {c}: {} has no args file", p.display());
    }
}

fn run(case: &str) {
    let bless = std::env::var_os("FRONTLINE_BLESS").is_some();
    if let Err(e) = run_case(&folder(case), bless) {
        panic!(
            "golden case {case} failed: {e}\n(if the change is intended: \
             FRONTLINE_BLESS=1 cargo test --test integration golden::{case} -- --exact)"
        );
    }
}

fn run_case(case: &Path, bless: bool) -> Result<(), String> {
    let w = Workdir::new();
    if case.join("input").is_dir() {
        copy_dir(&case.join("input"), &w.path().join("input"));
    }
    let args_text = std::fs::read_to_string(case.join("args"))
        .map_err(|e| format!("{}: {e}", case.join("args").display()))?;
    let repo = repo();
    let repo_text = repo.to_string_lossy().into_owned();
    let args: Vec<String> =
        args_text.split_whitespace().map(|a| a.replace("{repo}", &repo_text)).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = match std::fs::read(case.join("stdin")) {
        Ok(stdin) => w.run_with_stdin(&args, &stdin),
        Err(_) => w.run(&args),
    };
    let hide_repo = |bytes: &[u8]| replace(bytes, repo_text.as_bytes(), b"{repo}");
    let code = format!("{}\n", out.status.code().unwrap_or(-1));
    let mut produced: Vec<(String, Vec<u8>)> = vec![
        ("stderr.txt".into(), hide_repo(&out.stderr)),
        ("exit-code".into(), code.into_bytes()),
    ];
    if !out.stdout.is_empty() {
        produced.push(("stdout.txt".into(), hide_repo(&out.stdout)));
    }
    let produced_dir = w.path().join("out");
    if produced_dir.is_dir() {
        for (name, f) in files_under(&produced_dir) {
            produced.push((name, hide_repo(&std::fs::read(&f).unwrap())));
        }
    }
    let expected = case.join("expected");
    if bless {
        let _ = std::fs::remove_dir_all(&expected);
        for (name, bytes) in &produced {
            let p = expected.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        return Ok(());
    }
    if !expected.is_dir() {
        return Err("no expected/; run with FRONTLINE_BLESS=1".into());
    }
    let mut expected_names: Vec<String> =
        files_under(&expected).into_iter().map(|(n, _)| n).collect();
    expected_names.sort();
    let mut produced_names: Vec<String> = produced.iter().map(|(n, _)| n.clone()).collect();
    produced_names.sort();
    if expected_names != produced_names {
        return Err(format!(
            "files differ: expected {expected_names:?}, produced {produced_names:?}\n{}",
            String::from_utf8_lossy(&hide_repo(&out.stderr))
        ));
    }
    for (name, bytes) in &produced {
        let want = std::fs::read(expected.join(name)).unwrap();
        if &want != bytes {
            return Err(format!("{name} differs\n{}", first_difference(&want, bytes)));
        }
    }
    Ok(())
}

/// Every file under `dir`, as (`/`-separated path relative to `dir`, path), sorted.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, prefix: &str, found: &mut Vec<(String, PathBuf)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), &format!("{name}/"), found);
            } else {
                found.push((name, e.path()));
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, "", &mut found);
    found.sort();
    found
}

/// `bytes` with every `from` replaced by `to`.
fn replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if !from.is_empty() && bytes[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Where `want` and `got` first differ: the line, two lines before it, and
/// long lines cut (the differing one around the first differing byte).
fn first_difference(want: &[u8], got: &[u8]) -> String {
    let at = want.iter().zip(got).take_while(|(a, b)| a == b).count();
    let line = memchr::memchr_iter(b'\n', &want[..at]).count();
    let col = at - want[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let show = |bytes: &[u8]| -> String {
        let mut s = String::new();
        let first = line.saturating_sub(2);
        for (n, l) in bytes.split(|&b| b == b'\n').enumerate().skip(first).take(line + 1 - first) {
            let start = if n == line { col.saturating_sub(200) } else { 0 };
            let end = (start + 600).min(l.len());
            let cut = String::from_utf8_lossy(&l[start.min(end)..end]);
            let before = if start > 0 { "…" } else { "" };
            let after = if end < l.len() { "…" } else { "" };
            s.push_str(&format!("{:>6} | {before}{cut}{after}\n", n + 1));
        }
        s
    };
    format!(
        "first difference at byte {at}, line {} ({} bytes expected, {} produced)\n\
         --- expected\n{}--- produced\n{}",
        line + 1,
        want.len(),
        got.len(),
        show(want),
        show(got)
    )
}
