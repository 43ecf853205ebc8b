//! Integration tests: run the `frontline` binary on real projects.
// why: helpers outside `#[test]` functions may unwrap and panic like the tests themselves
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]

mod build;
mod check;
mod cli;
mod golden;
mod incidents;
mod regression;
mod util;
mod validators;
