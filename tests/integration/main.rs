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
// why: coordinates computed exactly (rounded output) are compared exactly
#![allow(clippy::float_cmp, clippy::format_push_string)]

mod browser;
mod build;
mod check;
mod cli;
mod dynamics;
mod examples;
mod golden;
mod layering;
mod readme;
mod regression;
mod simplify;
mod stream;
mod topology;
mod util;
mod validators;
mod zones;
