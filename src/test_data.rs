//! Where tests find the real third-party data (ACLED and UCDP exports,
//! neighbourhood polygons, GDAL's CSV fixtures; tests/README.md, "Real
//! data"), and the switches that make a missing requirement fail. The unit
//! tests use it as `crate::test_data`, the integration tests include this
//! same file (`tests/integration/util.rs`), so both skip and fail alike.
// why: tests say on stderr what they skipped; a required folder that is missing fails the test
#![allow(clippy::print_stderr, clippy::panic)]

use std::path::PathBuf;

/// Whether an environment switch such as `FRONTLINE_REQUIRE_REAL_DATA` is on
/// (set to anything but empty or `0`).
pub fn switched_on(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| !v.is_empty() && v != "0")
}

/// `rel` inside the folder of real third-party data (`""` for the folder
/// itself): `FRONTLINE_SHARED_DATA`, or `../shared/data/real` beside the
/// repository. When it is absent the caller skips (`None`, with a
/// `skipping:` message), unless `FRONTLINE_REQUIRE_REAL_DATA=1` makes that
/// a failure.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let base = std::env::var_os("FRONTLINE_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real"),
        PathBuf::from,
    );
    let p = if rel.is_empty() { base } else { base.join(rel) };
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
