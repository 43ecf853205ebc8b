//! Zones, control history and forces read from files for the spatial join
//! of a stream (`frontline incidents --zones …`): the project's own reading
//! of them, without incidents. This module does not stream (see
//! [`crate::stream`]).

use super::{Config, Overrides, Project, Settings, Sources, ZoneFiles};
use crate::error::{Diagnostics, Error, Result};
use crate::model::{ControlRow, Force, NameIndex, Zone};
use std::path::Path;

/// Zones, control history and forces for the spatial join of a stream.
#[derive(Debug, Clone, Copy)]
pub struct Join<'a> {
    /// Zones (their order breaks ties on shared borders).
    pub zones: &'a [Zone],
    /// Names, ids and aliases of the zones, for a `place` column.
    pub names: &'a NameIndex,
    /// Control rows.
    pub control: &'a [ControlRow],
    /// Forces the control rows refer to.
    pub forces: &'a [Force],
}

/// Zones, control and forces read from files, owned; [`JoinData::join`]
/// lends them to a stream.
#[derive(Debug, Clone)]
pub struct JoinData {
    project: Project,
}

impl JoinData {
    /// Read the zones (`o.zones`, required), and the control history and
    /// forces when `o.control` / `o.forces` are given; paths are relative to
    /// the current folder. `o.zone_key`, `o.zones_crs` and `o.date_format`
    /// apply as in a project.
    ///
    /// # Errors
    ///
    /// A usage error for bad options or no zones, an I/O error for an
    /// unreadable file, and a data error listing every problem in the files.
    pub fn load(o: &Overrides) -> Result<(JoinData, Diagnostics)> {
        let settings = Settings::resolve(Config::default(), o)?;
        let Some(zones_path) = &o.zones else {
            return Err(Error::usage("a join needs --zones FILE"));
        };
        let read = |p: &str| std::fs::read(p).map_err(|e| Error::io(p, e));
        // Shapefiles and WKT tables are read by extension, as in a project.
        let (zones, zone_files) =
            ZoneFiles::read_any(Path::new(zones_path)).map_err(|e| Error::io(zones_path, e))?;
        let control = o.control.as_deref().map(read).transpose()?.unwrap_or_default();
        let forces = o.forces.as_deref().map(read).transpose()?;
        let sources = Sources { zones, zone_files, control, incidents: None, forces };
        let loaded = Project::from_sources(Path::new("."), settings, &sources);
        let warnings = loaded.diagnostics.into_result()?;
        Ok((JoinData { project: loaded.project }, warnings))
    }

    /// The join to put in [`StreamOptions::join`](crate::stream::StreamOptions::join).
    #[must_use]
    pub fn join(&self) -> Join<'_> {
        let p = &self.project;
        Join { zones: &p.zones, names: &p.zone_names, control: &p.control, forces: &p.forces }
    }

    /// The validated settings (precision, date format) from the same options.
    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.project.settings
    }
}
