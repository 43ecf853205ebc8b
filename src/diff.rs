//! `frontline diff`: what changed between two dates, for a terminal (text),
//! for machines (JSON) or as the `changes` layer (GeoJSON through the one
//! writer). The comparison is [`History::change_between`] via
//! [`crate::layers::changes`]; this module only renders it. `--from` is S and
//! `--to` is D, with the same defaults and the same "a date includes its
//! whole day" rule as `build`.
//!
//! [`History::change_between`]: crate::history::History::change_between

use crate::error::{Error, Result};
use crate::history::ZoneChange;
use crate::layers::{changes, LayerKind, Snapshot};
use crate::model::ControlRow;
use crate::project::Project;
use crate::style::{force_key, force_name};
use crate::write::geojson::{write_layer, Flavor};
use crate::write::Context;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

/// How `diff` renders its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// One line per changed zone, with names and dates.
    Text,
    /// A JSON object with `from`, `to` and `changes`.
    Json,
    /// The `changes` layer for the window, as a GeoJSON `FeatureCollection`.
    GeoJson,
}

impl DiffFormat {
    /// Parse `text`, `json` or `geojson`.
    ///
    /// # Errors
    ///
    /// A usage error for any other name.
    pub fn parse(name: &str) -> Result<DiffFormat> {
        match name.to_ascii_lowercase().as_str() {
            "text" => Ok(DiffFormat::Text),
            "json" => Ok(DiffFormat::Json),
            "geojson" => Ok(DiffFormat::GeoJson),
            _ => Err(Error::usage(format!(
                "unknown diff format \"{name}\" — use text, json or geojson"
            ))),
        }
    }
}

/// What changed between S (the project's `since`) and D (its `as_of`),
/// rendered in `format`.
///
/// # Examples
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use frontline::{diff, DiffFormat};
/// use frontline::{Overrides, Project};
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qamishli");
/// let overrides = Overrides {
///     since: Some("2021-04-20".into()),
///     as_of: Some("2021-04-27".into()),
///     ..Overrides::default()
/// };
/// let (project, _) = Project::load(&dir, &overrides)?;
/// let text = diff(&project, DiffFormat::Text)?;
/// assert!(text.contains("al-Tay (al-tay): Asayish | National Defence Forces (contested) → Asayish, 2021-04-24"));
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// A usage error when there is no date or S is after D.
pub fn diff(project: &Project, format: DiffFormat) -> Result<String> {
    crate::build::on_pool(project, || diff_here(project, format))
}

fn diff_here(project: &Project, format: DiffFormat) -> Result<String> {
    let snapshot = crate::build::snapshot(project)?;
    match format {
        DiffFormat::Text => Ok(text(&snapshot)),
        DiffFormat::Json => {
            let v = to_json(&snapshot);
            serde_json::to_string_pretty(&v)
                .map(|s| s + "\n")
                .map_err(|e| Error::internal(format!("rendering the diff as JSON: {e}")))
        }
        DiffFormat::GeoJson => {
            let layer = LayerKind::Changes.build(&snapshot)?;
            // what a build's GeoJSON writer reads, with nowhere to write to
            let cx = Context::new(&snapshot, &project.settings, Path::new(""));
            let (bytes, _) = write_layer(
                Vec::new(),
                &*layer.features,
                &cx.zones,
                &cx.meta,
                cx.settings.precision,
                Flavor::Collection,
            )
            .map_err(|e| Error::internal(format!("rendering changes: {e}")))?;
            String::from_utf8(bytes).map_err(|e| Error::internal(format!("rendering changes: {e}")))
        }
    }
}

/// A state in words: `Asayish`, `Asayish | National Defence Forces
/// (contested)`, `National Defence Forces (claimed)` or `no state`.
fn describe(p: &Snapshot<'_>, row: Option<&ControlRow>) -> String {
    match row {
        None => "no state".into(),
        Some(r) => match r.status {
            crate::model::Status::Held => force_name(r, p.forces),
            other => format!("{} ({other})", force_name(r, p.forces)),
        },
    }
}

fn text(s: &Snapshot<'_>) -> String {
    let list = changes::zone_changes(s);
    let window = match &s.since {
        Some(from) => format!("from {from} to {}", s.as_of),
        None => format!("up to {} (since all: every zone with a state is new)", s.as_of),
    };
    let mut out = match list.len() {
        0 => format!("no zone changed {window}\n"),
        1 => format!("1 zone changed {window}:\n"),
        n => format!("{n} zones changed {window}:\n"),
    };
    for c in &list {
        let Some(zone) = s.zones.get(c.zone) else { continue };
        let _ = write!(
            out,
            "{} ({}): {} → {}, {}",
            zone.name,
            zone.id,
            describe(s, c.from),
            describe(s, c.to),
            c.date
        );
        if let Some(src) = c.to.and_then(|r| r.source.as_deref()) {
            let _ = write!(out, " ({src})");
        }
        out.push('\n');
    }
    out
}

fn to_json(s: &Snapshot<'_>) -> Value {
    let state = |r: Option<&ControlRow>| {
        (
            r.map_or(Value::Null, |r| force_key(r, s.forces).into()),
            r.map_or(Value::Null, |r| force_name(r, s.forces).into()),
            r.map_or(Value::Null, |r| r.status.as_str().into()),
        )
    };
    let item = |c: &ZoneChange<'_>| {
        let zone = s.zones.get(c.zone);
        let (from_force, from_force_name, from_status) = state(c.from);
        let (to_force, to_force_name, to_status) = state(c.to);
        json!({
            "zone": zone.map(|z| z.id.clone()),
            "name": zone.map(|z| z.name.clone()),
            "from_force": from_force,
            "from_force_name": from_force_name,
            "from_status": from_status,
            "to_force": to_force,
            "to_force_name": to_force_name,
            "to_status": to_status,
            "date": c.date.to_iso(),
            "source": c.to.and_then(|r| r.source.clone()),
        })
    };
    json!({
        "from": s.since.as_ref().map(crate::model::Moment::to_iso),
        "to": s.as_of.to_iso(),
        "changes": changes::zone_changes(s).iter().map(item).collect::<Vec<_>>(),
    })
}
