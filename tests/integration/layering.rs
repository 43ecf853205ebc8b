//! Data flows one way: read → model → snapshot → layers → writers. This test
//! reads `src/` and fails on any `crate::` path from one top-level module
//! to another that the table below does not allow (tests inside a module
//! are left out: they may use anything).

use crate::util::repo;
use std::collections::BTreeSet;
use std::path::Path;

/// Each module and the modules it may use, bottom first. A module not
/// listed may use nothing.
const ALLOWED: &[(&str, &[&str])] = &[
    ("feature", &[]),
    ("error", &[]),
    ("natural", &[]),
    ("area", &[]),
    ("crs", &["error"]),
    ("model", &["error"]),
    ("spatial", &["model"]),
    ("style", &["model"]),
    ("history", &["model"]),
    ("topology", &[]),
    ("read", &["error", "feature", "model", "crs", "spatial", "style", "natural"]),
    ("project", &["error", "model", "read", "crs"]),
    (
        "layers",
        &[
            "error", "feature", "model", "history", "read", "spatial", "style", "topology",
            "natural", "area",
        ],
    ),
    ("write", &["error", "feature", "model", "layers", "project", "style", "topology", "natural"]),
    (
        "stream",
        &["error", "feature", "model", "history", "layers", "project", "read", "spatial", "write"],
    ),
    (
        "build",
        &["error", "feature", "model", "history", "layers", "project", "read", "write", "natural"],
    ),
    ("diff", &["build", "error", "history", "layers", "model", "project", "style", "write"]),
    ("watch", &["build", "error", "project"]),
    ("init", &["error"]),
];

/// The text of a file without its comments and its test modules.
fn code(text: &str) -> String {
    if text.lines().any(|l| l.trim() == "#![cfg(test)]") {
        return String::new();
    }
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        if line.trim() == "#[cfg(test)]" {
            // skip the item: `mod x;`, or a block up to its closing brace
            let indent = line.len() - line.trim_start().len();
            for item in lines.by_ref() {
                let trimmed = item.trim_start();
                if trimmed.starts_with("#[") || trimmed.starts_with("//") {
                    continue;
                }
                if trimmed.ends_with(';') && !trimmed.ends_with("{;") {
                    break;
                }
                if trimmed.ends_with('{') {
                    let close = format!("{}}}", " ".repeat(indent));
                    for inner in lines.by_ref() {
                        if inner == close {
                            break;
                        }
                    }
                    break;
                }
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The top-level modules named by `crate::` paths in `code`.
fn uses(code: &str) -> BTreeSet<String> {
    code.match_indices("crate::")
        .map(|(at, m)| {
            let rest = code.get(at + m.len()..).unwrap_or_default();
            rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>()
        })
        .filter(|m| !m.is_empty() && m.chars().next().is_some_and(char::is_lowercase))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn modules_use_only_what_is_below_them() {
    let src = repo().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for path in &files {
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        let module = first.strip_suffix(".rs").unwrap_or(&first).to_string();
        if matches!(module.as_str(), "bin" | "lib" | "test_data") {
            continue;
        }
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == module) else {
            wrong.push(format!("{}: module {module} is not in the table", rel.display()));
            continue;
        };
        seen.insert(module.clone());
        let text = std::fs::read_to_string(path).unwrap();
        for used in uses(&code(&text)) {
            // the real-data lookup exists only in tests
            if used != module && used != "test_data" && !allowed.contains(&used.as_str()) {
                wrong.push(format!("{}: {module} uses {used}", rel.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layering:\n{}", wrong.join("\n"));
    for (m, _) in ALLOWED {
        assert!(seen.contains(*m), "the table lists {m}, which src/ does not have");
    }
}

#[test]
fn the_layering_check_sees_imports_and_skips_tests() {
    let text = "use crate::model::Zone;\n// crate::write in a comment\nfn f() { crate::style::x(); }\n#[cfg(test)]\nmod tests {\n    use crate::write::X;\n}\nuse crate::feature::Feature;\n";
    let found: Vec<String> = uses(&code(text)).into_iter().collect();
    assert_eq!(found, ["feature", "model", "style"]);
}
