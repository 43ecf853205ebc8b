//! Build a project's layers with the library, as `frontline build` does.
//!
//! ```sh
//! cargo run --example build_project -- examples/qamishli target/qamishli-0422 2021-04-22
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)] // a command-line example prints

use frontline::{Overrides, Project};
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
    // Anything the CLI can set can be set here; unset values come from frontline.toml.
    let overrides = Overrides { as_of: args.next(), ..Overrides::default() };
    let (project, warnings) = Project::load(&dir, &overrides)?;
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
