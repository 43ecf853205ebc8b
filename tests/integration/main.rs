//! Integration tests: run the `frontline` binary on real projects.
// why: test helpers outside #[test] functions panic on purpose; not every module uses every helper
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr,
    dead_code
)]

mod browser;
mod build;
mod check;
mod cli;
mod golden;
mod util;
mod validators;
