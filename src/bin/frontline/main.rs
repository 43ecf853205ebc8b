//! The `frontline` command-line tool: parses arguments, calls the library,
//! prints, and chooses the exit code. No data logic lives here.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

mod args;
mod progress;

use args::{Cli, Command};
use clap::Parser;
use frontline::stream::Flavor;
use frontline::{Diagnostics, Error, ErrorKind};
use frontline::{DiffFormat, Outcome, Overrides, Project, Watcher};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { project, output } => {
            let mut overrides = project.overrides();
            output.apply(&mut overrides);
            let (p, warnings) = Project::load(&project.dir, &overrides)?;
            print_diagnostics(&warnings);
            let out = output.out.unwrap_or_else(|| project.dir.join("out"));
            let report = frontline::build(&p, &out)?;
            let since = report.since.as_deref().unwrap_or("all");
            eprintln!("as of {} (recent since {since}):", report.as_of);
            for (path, n) in &report.files {
                eprintln!("  wrote {} ({n} features)", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { project, format } => {
            let d = &frontline::check(&project.dir, &project.overrides())?;
            if format == "json" {
                write_stdout(&format!("{:#}\n", d.to_json()));
            } else {
                write_stdout(&d.to_text());
            }
            Ok(if d.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Incidents {
            input,
            out,
            format,
            zones,
            control,
            forces,
            zone_key,
            date_format,
            precision,
        } => {
            let o = Overrides {
                zones,
                control,
                forces,
                zone_key,
                date_format,
                precision,
                ..Overrides::default()
            };
            let flavor = if format == "geojsonseq" { Flavor::Sequence } else { Flavor::Collection };
            let mut events = progress::Progress::new(&input);
            let report = frontline::stream::incidents_files(&input, &out, &o, flavor, &mut events);
            events.finish();
            let report = report?;
            if report.has_errors() {
                eprintln!("{} written, {} skipped with errors", report.features, report.skipped);
            }
            Ok(if report.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Diff { project, from, to, format, precision } => {
            let mut overrides = project.overrides();
            overrides.since = from.or(overrides.since);
            overrides.as_of = to.or(overrides.as_of);
            overrides.precision = precision;
            let (p, warnings) = Project::load(&project.dir, &overrides)?;
            print_diagnostics(&warnings);
            write_stdout(&frontline::diff(&p, DiffFormat::parse(&format)?)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Watch { project, output } => {
            let mut overrides = project.overrides();
            output.apply(&mut overrides);
            let out = output.out.unwrap_or_else(|| project.dir.join("out"));
            let mut watcher = Watcher::new(&project.dir, overrides, &out)?;
            loop {
                print_outcome(&watcher.rebuild());
                eprintln!("watching {} files (Ctrl-C stops)", watcher.paths().len());
                watcher.wait_for_change();
            }
        }
        Command::Init { dir } => {
            for path in frontline::init(&dir)? {
                eprintln!("  wrote {}", path.display());
            }
            eprintln!("next: frontline build {}", dir.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Report one rebuild of `watch`.
fn print_outcome(outcome: &Outcome) {
    match outcome {
        Outcome::Built(report, warnings) => {
            print_diagnostics(warnings);
            let since = report.since.as_deref().unwrap_or("all");
            eprintln!(
                "built {} layers as of {} (recent since {since})",
                report.files.len(),
                report.as_of
            );
        }
        Outcome::Failed(e) => {
            if let Some(d) = e.diagnostics() {
                print_diagnostics(d);
            }
            eprintln!("error: {e}; kept the last good layers");
        }
    }
}

/// Print to stdout; a closed pipe is not an error.
fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_err() {
        // broken pipe (e.g. `| head`): nothing more to say
    }
}

fn print_diagnostics(d: &Diagnostics) {
    for diag in d.iter() {
        eprintln!("{diag}");
    }
}

fn is_broken_pipe(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Print an error and choose the exit code: 1 for data problems, 2 for usage.
fn report(e: &anyhow::Error) -> ExitCode {
    if let Some(err) = e.downcast_ref::<Error>() {
        match err.kind() {
            ErrorKind::Data(d) => {
                print_diagnostics(d);
                eprintln!("error: {err}; nothing was written");
                return ExitCode::from(1);
            }
            ErrorKind::Usage(_) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
            ErrorKind::Crs(_) => {
                eprintln!("error: {err}");
                return ExitCode::from(1);
            }
            _ => {}
        }
    }
    if e.downcast_ref::<Error>().is_some_and(is_broken_pipe) {
        return ExitCode::SUCCESS; // `| head`: the reader has seen enough
    }
    eprintln!("error: {e:#}");
    ExitCode::from(1)
}
