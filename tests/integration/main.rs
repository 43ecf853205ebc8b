//! Integration tests: run the `frontline` binary on real projects.
// why: test helpers outside `#[test]` fns may unwrap, panic and print (clippy's
// allow-*-in-tests only covers `#[test]` bodies); not every helper is used by every module
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    clippy::print_stdout,
    clippy::indexing_slicing,
    dead_code
)]

mod build;
mod check;
mod cli;
mod dynamics;
mod golden;
mod util;
mod validators;
