//! A project built in code: typed options over the folder's
//! `frontline.toml`, checked once when the project is loaded.

use super::{Format, Overrides, Project, Since};
use crate::error::{Diagnostics, Result};
use chrono::NaiveDate;
use geo::MultiPolygon;
use rayon::ThreadPool;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Options for loading a project, typed: dates are dates, formats are
/// [`Format`]s. Start with [`Project::builder`].
///
/// ```
/// use chrono::NaiveDate;
/// use frontline::{Format, Project, Since};
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qamishli");
/// let (project, _warnings) = Project::builder(&dir)
///     .as_of(NaiveDate::from_ymd_opt(2021, 4, 23).unwrap())
///     .since(Since::All)
///     .formats(&[Format::GeoJson, Format::TopoJson])
///     .precision(5)
///     .load()?;
/// assert_eq!(project.settings.formats, [Format::GeoJson, Format::TopoJson]);
/// # Ok::<(), frontline::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ProjectBuilder {
    dir: PathBuf,
    overrides: Overrides,
    zones: Option<String>,
    pool: Option<Arc<ThreadPool>>,
}

impl ProjectBuilder {
    pub(super) fn new(dir: &Path) -> Self {
        ProjectBuilder {
            dir: dir.to_path_buf(),
            overrides: Overrides::default(),
            zones: None,
            pool: None,
        }
    }

    /// Start from these overrides (the command line's) instead of none.
    pub fn overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }

    /// The map date D (default: the latest date in the data).
    pub fn as_of(mut self, date: NaiveDate) -> Self {
        self.overrides.as_of = Some(date.format("%Y-%m-%d").to_string());
        self
    }

    /// The start of the recent window S (default: seven days before D).
    pub fn since(mut self, since: Since) -> Self {
        self.overrides.since = match since {
            Since::Default => None,
            Since::All => Some("all".into()),
            Since::Date(m) => Some(m.to_iso()),
        };
        self
    }

    /// The formats `build` writes (default: GeoJSON).
    pub fn formats(mut self, formats: &[Format]) -> Self {
        self.overrides.formats = Some(formats.iter().map(|f| f.name().to_string()).collect());
        self
    }

    /// Decimals of output coordinates (default 6).
    pub fn precision(mut self, decimals: u8) -> Self {
        self.overrides.precision = Some(decimals);
        self
    }

    /// Snap tolerance of shared borders, in metres (default 1).
    pub fn snap_m(mut self, metres: f64) -> Self {
        self.overrides.snap = Some(metres);
        self
    }

    /// Simplify the zones by this many metres, neighbours kept meeting.
    pub fn simplify_m(mut self, metres: f64) -> Self {
        self.overrides.simplify = Some(metres);
        self
    }

    /// The map's title.
    pub fn title(mut self, title: &str) -> Self {
        self.overrides.title = Some(title.to_string());
        self
    }

    /// Zones from the program instead of the folder's zones file: each an
    /// id (the `id` property), a name and its polygons in WGS84 lon/lat.
    /// They are read as the zones file would be, under its name in
    /// diagnostics and with the project's zone options (so a `zone_key` or
    /// `zones_crs` in `frontline.toml` applies to them too), and the
    /// folder's control history, incidents and forces refer to them.
    ///
    /// ```
    /// use geo::{polygon, MultiPolygon};
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("control.csv"), "zone,force,since\nnorth,A,2024-01-01\n")?;
    /// let square = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
    /// let (project, _) = frontline::Project::builder(dir.path())
    ///     .zones([("north", "North", MultiPolygon(vec![square]))])
    ///     .load()?;
    /// assert_eq!(project.zones[0].id, "north");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn zones<I, S, N>(mut self, zones: I) -> Self
    where
        I: IntoIterator<Item = (S, N, MultiPolygon<f64>)>,
        S: Into<String>,
        N: Into<String>,
    {
        let features = zones
            .into_iter()
            .map(|(id, name, geometry)| {
                let mut properties = serde_json::Map::new();
                properties.insert("id".into(), serde_json::Value::String(id.into()));
                properties.insert("name".into(), serde_json::Value::String(name.into()));
                geojson::Feature {
                    bbox: None,
                    geometry: Some(geojson::Geometry::new(geojson::Value::from(&geometry))),
                    id: None,
                    properties: Some(properties),
                    foreign_members: None,
                }
            })
            .collect();
        let collection = geojson::FeatureCollection { bbox: None, features, foreign_members: None };
        self.zones = Some(collection.to_string());
        self
    }

    /// Run the work of this project (`build`, `layers`) on `pool` instead of
    /// rayon's global pool.
    pub fn thread_pool(mut self, pool: Arc<ThreadPool>) -> Self {
        self.pool = Some(pool);
        self
    }

    /// Load the project, failing on any error-level problem.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Data`](crate::ErrorKind::Data) with every problem in the
    /// files, or a usage error (a bad option) or an I/O error.
    pub fn load(self) -> Result<(Project, Diagnostics)> {
        let pool = self.pool.clone();
        let loaded = self.read()?;
        let warnings = loaded.diagnostics.into_result()?;
        let mut project = loaded.project;
        project.settings.pool = pool;
        Ok((project, warnings))
    }

    /// Every problem in the project's files, none fatal.
    ///
    /// # Errors
    ///
    /// A usage error (a bad option) or an I/O error.
    pub fn check(self) -> Result<Diagnostics> {
        Ok(self.read()?.diagnostics)
    }

    /// Read the project, on the builder's thread pool when it has one.
    fn read(self) -> Result<super::Loaded> {
        let ProjectBuilder { dir, overrides, zones, pool } = self;
        let read = move || Project::read_with(&dir, &overrides, zones);
        match pool {
            Some(pool) => pool.install(read),
            None => read(),
        }
    }
}
