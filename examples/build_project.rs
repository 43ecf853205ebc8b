//! Build a project's layers with the library, as `frontline build` does.
//!
//! ```sh
//! cargo run --example build_project -- examples/qamishli target/qamishli-0422 2021-04-22
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)] // a command-line example prints

use chrono::NaiveDate;
use frontline::Project;
use std::path::PathBuf;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        if let Some(d) =
            e.downcast_ref::<frontline::Error>().and_then(frontline::Error::diagnostics)
        {
            eprint!("{}", d.to_text());
        }
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "examples/qamishli".into()));
    let out = PathBuf::from(
        args.next().unwrap_or_else(|| dir.join("out").to_string_lossy().into_owned()),
    );
    // Options are typed and checked once, on load; unset values come from frontline.toml.
    let mut builder = Project::builder(&dir);
    if let Some(date) = args.next() {
        builder = builder.as_of(NaiveDate::parse_from_str(&date, "%Y-%m-%d")?);
    }
    let (project, warnings) = builder.load()?;
    for w in warnings.iter() {
        eprintln!("{w}");
    }
    let report = frontline::build(&project, &out)?;
    println!(
        "as of {}: {} zones, {} forces",
        report.as_of,
        project.zones.len(),
        project.forces.len()
    );
    for (path, features) in &report.files {
        println!("{} ({features} features)", path.display());
    }
    Ok(())
}
