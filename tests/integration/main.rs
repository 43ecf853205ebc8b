//! Integration tests: run the `frontline` binary on real projects.

mod build;
mod check;
mod cli;
mod golden;
mod stream;
mod util;
mod validators;
