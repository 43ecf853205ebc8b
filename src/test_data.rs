//! Where tests find the real third-party data, shared by the unit tests
//! and the integration tests (which include this file).

use std::path::PathBuf;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether an environment switch such as `FRONTLINE_REQUIRE_REAL_DATA` is on
/// (set to anything but empty or `0`).
pub fn switched_on(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| !v.is_empty() && v != "0")
}

/// `rel` inside the folder of real third-party data: `FRONTLINE_SHARED_DATA`,
/// or `../shared/data/real` beside the repository. When it is absent the
/// caller skips (`None`, with a `skipping:` message), unless
/// `FRONTLINE_REQUIRE_REAL_DATA=1` makes that a failure.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let base = std::env::var_os("FRONTLINE_SHARED_DATA")
        .map_or_else(|| repo().join("../shared/data/real"), PathBuf::from);
    let p = base.join(rel);
    if p.exists() {
        return Some(p);
    }
    let msg = format!(
        "{} not found (set FRONTLINE_SHARED_DATA to the real-data folder; see tests/README.md)",
        p.display()
    );
    assert!(!switched_on("FRONTLINE_REQUIRE_REAL_DATA"), "real data is required: {msg}");
    eprintln!("skipping: {msg}");
    None
}
