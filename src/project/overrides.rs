//! What the command line (or another program) may set on top of `frontline.toml`.

/// Values that override `frontline.toml`: the same keys as the file, set
/// from flags (`--as-of` sets `as_of`, `--repair` sets `repair`, …). `None`
/// keeps the file's value. The values are raw as typed;
/// [`Project::load`](super::Project::load) validates the merge once, before
/// any work, and reports bad values as usage errors.
pub type Overrides = super::Config;
