//! Use the layers in your own program: load a project with typed options,
//! build its layers in memory on a thread pool of your own, and hand one
//! to anything that reads `geojson` types.
//!
//! ```sh
//! cargo run --example layers_in_memory -- examples/qamishli 2021-04-22
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)] // a command-line example prints

use chrono::NaiveDate;
use frontline::{LayerKind, Project, Since};
use std::path::PathBuf;
use std::sync::Arc;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "examples/qamishli".into()));
    let pool = Arc::new(rayon::ThreadPoolBuilder::new().num_threads(2).build()?);
    let mut builder = Project::builder(&dir).since(Since::All).thread_pool(pool);
    if let Some(date) = args.next() {
        builder = builder.as_of(NaiveDate::parse_from_str(&date, "%Y-%m-%d")?);
    }
    let (project, _warnings) = builder.load()?;
    let layers = frontline::layers(&project)?;
    for (kind, features) in layers.iter() {
        println!("{}: {} features", kind.name(), features.len());
    }
    // who holds what, as the control layer says
    for f in layers.get(LayerKind::Control) {
        let text = |k: &str| f.properties.get(k).and_then(|v| v.as_str()).unwrap_or("-");
        println!("  {} {} {}", f.id, text("force"), text("status"));
    }
    // any program that reads geojson types can take a layer as it is
    let areas: geojson::FeatureCollection = layers.feature_collection(LayerKind::Areas);
    println!("areas as GeoJSON: {} bytes", areas.to_string().len());
    Ok(())
}
