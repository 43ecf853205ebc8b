//! Integration tests: run the `frontline` binary on real projects.
// why: test helpers outside #[test] functions may fail loudly; a panic is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// why: coordinates computed exactly (rounded output) are compared exactly; skips are reported on stderr.
#![allow(clippy::float_cmp, clippy::print_stderr, clippy::format_push_string)]

mod build;
mod check;
mod cli;
mod golden;
mod simplify;
mod topology;
mod util;
mod validators;
mod zones;
