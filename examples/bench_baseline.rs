//! The floor for `frontline incidents`: the least a CSV → GeoJSON converter
//! must do (read each record, parse two coordinates, write one feature with
//! every column as a JSON string) and nothing more: no type detection, no
//! dates, no diagnostics, no rounding. `bench/run.sh` times it beside
//! frontline on the same file.
//!
//! Usage: `cargo run --release --example bench_baseline -- incidents.csv > out.geojson`
#![allow(clippy::print_stderr, clippy::exit)] // why: a command-line example reports on stderr

use std::io::{BufWriter, Write};

type BoxResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> BoxResult<()> {
    let path = std::env::args().nth(1).ok_or("usage: bench_baseline FILE.csv")?;
    let mut csv = csv::Reader::from_path(path)?;
    let headers = csv.headers()?.clone();
    let col =
        |name: &str| headers.iter().position(|h| h == name).ok_or(format!("no {name} column"));
    let (lat, lon) = (col("latitude")?, col("longitude")?);
    let mut out = BufWriter::with_capacity(1 << 17, std::io::stdout().lock());
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let mut rec = csv::StringRecord::new();
    let mut first = true;
    while csv.read_record(&mut rec)? {
        let y: f64 = rec.get(lat).unwrap_or("").parse()?;
        let x: f64 = rec.get(lon).unwrap_or("").parse()?;
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        write!(out, "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}},\"properties\":{{")?;
        for (i, (h, v)) in headers.iter().zip(rec.iter()).enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut out, h)?;
            out.write_all(b":")?;
            serde_json::to_writer(&mut out, v)?;
        }
        out.write_all(b"}}")?;
    }
    out.write_all(b"\n]}\n")?;
    out.flush()?;
    Ok(())
}
