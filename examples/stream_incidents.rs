//! Stream an incidents CSV from stdin to GeoJSONSeq on stdout with the
//! library, in constant memory; bad rows are reported on stderr and skipped.
//!
//! Usage: `cargo run --example stream_incidents < incidents.csv > incidents.geojsonseq`
#![allow(clippy::print_stderr, clippy::exit)] // why: a command-line example reports on stderr

use frontline::stream::Flavor;
use frontline::stream::{incidents_with, StreamOptions};
use frontline::Diagnostics;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

/// Returns whether every row was written.
fn run() -> Result<bool, frontline::Error> {
    let mut opts = StreamOptions::new("-");
    opts.flavor = Flavor::Sequence;
    let mut problems = Diagnostics::new();
    let report = incidents_with(std::io::stdin(), &opts, std::io::stdout(), &mut problems)?;
    for d in problems.iter() {
        eprintln!("{d}");
    }
    eprintln!("{} features, {} rows skipped", report.features, report.skipped);
    Ok(!report.has_errors())
}
