//! Golden files: each `tests/golden/<case>/` holds `input/` (a project),
//! `args` (the command line; `{repo}` is the repository root) and
//! `expected/` (output layers, `stderr.txt`, `exit-code`). Outputs are
//! compared byte for byte. `FRONTLINE_BLESS=1` rewrites `expected/`.

use crate::util::{copy_dir, repo, Workdir};
use std::path::Path;

#[test]
fn golden_cases() {
    let bless = std::env::var_os("FRONTLINE_BLESS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(repo().join("tests/golden"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("args").exists())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no golden cases found");
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(e) = run_case(case, bless) {
            failures.push(format!("{}: {e}", case.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(failures.is_empty(), "golden cases failed:\n{}", failures.join("\n"));
}

fn run_case(case: &Path, bless: bool) -> Result<(), String> {
    let w = Workdir::new();
    if case.join("input").is_dir() {
        copy_dir(&case.join("input"), &w.path().join("input"));
    }
    let args_text = std::fs::read_to_string(case.join("args")).unwrap();
    let repo = repo();
    let args: Vec<String> = args_text
        .split_whitespace()
        .map(|a| a.replace("{repo}", &repo.to_string_lossy()))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = w.run(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&*repo.to_string_lossy(), "{repo}");
    let code = format!("{}\n", out.status.code().unwrap_or(-1));
    let expected = case.join("expected");
    let produced_dir = w.path().join("out");
    let mut produced: Vec<(String, Vec<u8>)> =
        vec![("stderr.txt".into(), stderr.into_bytes()), ("exit-code".into(), code.into_bytes())];
    if produced_dir.is_dir() {
        let mut files: Vec<_> =
            std::fs::read_dir(&produced_dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            produced.push((
                f.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&f).unwrap(),
            ));
        }
    }
    if bless {
        let _ = std::fs::remove_dir_all(&expected);
        std::fs::create_dir_all(&expected).unwrap();
        for (name, bytes) in &produced {
            std::fs::write(expected.join(name), bytes).unwrap();
        }
        return Ok(());
    }
    let mut expected_names: Vec<String> = std::fs::read_dir(&expected)
        .map_err(|e| format!("no expected/ ({e}); run with FRONTLINE_BLESS=1"))?
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    expected_names.sort();
    let mut produced_names: Vec<String> = produced.iter().map(|(n, _)| n.clone()).collect();
    produced_names.sort();
    if expected_names != produced_names {
        return Err(format!(
            "files differ: expected {expected_names:?}, produced {produced_names:?}"
        ));
    }
    for (name, bytes) in &produced {
        let want = std::fs::read(expected.join(name)).unwrap();
        if &want != bytes {
            return Err(format!(
                "{name} differs:\n--- expected\n{}\n--- produced\n{}",
                String::from_utf8_lossy(&want).chars().take(3000).collect::<String>(),
                String::from_utf8_lossy(bytes).chars().take(3000).collect::<String>()
            ));
        }
    }
    Ok(())
}
