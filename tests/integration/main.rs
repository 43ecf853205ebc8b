//! Integration tests: run the `frontline` binary on real projects.
// why: helpers outside `#[test]` functions may unwrap and panic like the tests themselves
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]
// why: coordinates computed exactly (rounded output) are compared exactly
#![allow(clippy::float_cmp, clippy::format_push_string)]

mod build;
mod check;
mod cli;
mod dynamics;
mod examples;
mod golden;
mod incidents;
mod regression;
mod topology;
mod util;
mod validators;
