//! Features: what the layers yield and every writer consumes, at the bottom
//! of the crate (readers, layers and writers use it; it uses none of them).
//!
//! A layer is a [`Features`]: it hands out its features one by one as
//! [`FeatureRef`]s, borrowed from the model where that is cheap (a zone's
//! polygon, a record's fields), in the order they are written. An owned
//! [`Feature`] is what a program gets from [`crate::layers`], and converts
//! into a `geojson::Feature`.

mod escape;
mod key;
mod props;
mod value;

pub use escape::push_str;
pub use key::{Key, Name, PropKey};
pub(crate) use props::{measure, round_measure, Props};
pub use value::PropValue;

use geo::{Geometry, MultiPolygon, Point};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::io;
use std::ops::Range;

/// One output feature: a stable id, a geometry in WGS84 and ordered properties.
///
/// ```
/// let feature = frontline::Feature {
///     id: "al-tay".into(),
///     geometry: Some(geo::Geometry::Point(geo::Point::new(41.23, 37.04))),
///     properties: serde_json::Map::new(),
/// };
/// let geojson = geojson::Feature::from(feature);
/// assert_eq!(geojson.id, Some(geojson::feature::Id::String("al-tay".into())));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Stable id (zone id, force id, incident id …).
    pub id: String,
    /// The geometry; `None` writes `"geometry": null`.
    pub geometry: Option<Geometry<f64>>,
    /// Properties in output order.
    pub properties: Map<String, Value>,
}

impl From<Feature> for geojson::Feature {
    fn from(f: Feature) -> Self {
        geojson::Feature {
            bbox: None,
            geometry: f.geometry.as_ref().map(|g| geojson::Geometry::new(g.into())),
            id: Some(geojson::feature::Id::String(f.id)),
            properties: Some(f.properties),
            foreign_members: None,
        }
    }
}

/// The geometry of a borrowed feature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape<'a> {
    /// No geometry (`"geometry": null`).
    None,
    /// A point.
    Point(Point<f64>),
    /// Zone `i` of the snapshot as drawn: writers may render it once for
    /// every feature and layer that shows it.
    Zone(usize, &'a MultiPolygon<f64>),
    /// Any other geometry.
    Geometry(&'a Geometry<f64>),
}

impl Shape<'_> {
    /// The geometry, owned.
    pub(crate) fn to_geometry(self) -> Option<Geometry<f64>> {
        match self {
            Shape::None => None,
            Shape::Point(p) => Some(Geometry::Point(p)),
            Shape::Zone(_, mp) => Some(Geometry::MultiPolygon(mp.clone())),
            Shape::Geometry(g) => Some(g.clone()),
        }
    }
}

/// Properties of a borrowed feature, in output order (names unique).
pub(crate) type Properties<'a> = Vec<(Name<'a>, PropValue<'a>)>;

/// A feature borrowed from the model.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeatureRef<'a> {
    /// Stable id.
    pub id: &'a str,
    /// The geometry.
    pub shape: Shape<'a>,
    /// Properties in output order.
    pub properties: Properties<'a>,
}

impl FeatureRef<'_> {
    /// The feature, owned.
    pub(crate) fn to_feature(&self) -> Feature {
        Feature {
            id: self.id.to_string(),
            geometry: self.shape.to_geometry(),
            properties: self
                .properties
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), v.to_value()))
                .collect(),
        }
    }
}

/// An empty list of properties with the room of `v`, for the next feature
/// (whose properties borrow from other data).
pub(crate) fn recycle<'b>(mut v: Properties<'_>) -> Properties<'b> {
    v.clear();
    // an in-place collect: std reuses the allocation here (not promised,
    // but safe either way: at worst a new, empty vector), the lifetime changes
    #[allow(clippy::unnecessary_filter_map)] // `filter` could not change the lifetime
    v.into_iter().filter_map(|_| None).collect()
}

/// A layer's features, in the order they are written.
pub(crate) trait Features: Send + Sync {
    /// How many there are.
    fn len(&self) -> usize;

    /// Hand features `range` to `f`, in order.
    ///
    /// # Errors
    ///
    /// The first error `f` returns.
    fn each(
        &self,
        range: Range<usize>,
        f: &mut dyn FnMut(&FeatureRef<'_>) -> io::Result<()>,
    ) -> io::Result<()>;

    /// Every feature, owned, in order (made in parallel).
    fn collect_owned(&self) -> Vec<Feature> {
        /// Features per run made on one thread.
        const RUN: usize = 1024;
        let runs: Vec<Range<usize>> =
            (0..self.len()).step_by(RUN).map(|s| s..(s + RUN).min(self.len())).collect();
        let owned: Vec<Vec<Feature>> = runs
            .into_par_iter()
            .map(|run| {
                let mut out = Vec::with_capacity(run.len());
                // collecting cannot fail
                let _ = self.each(run, &mut |f| {
                    out.push(f.to_feature());
                    Ok(())
                });
                out
            })
            .collect();
        owned.concat()
    }
}

/// One item of a layer that shows itself as one feature.
pub(crate) trait Row: Send + Sync {
    /// The feature, its properties gathered into `properties` (empty).
    fn feature<'s>(&'s self, properties: Properties<'s>) -> FeatureRef<'s>;
}

impl<T: Row> Features for Vec<T> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn each(
        &self,
        range: Range<usize>,
        f: &mut dyn FnMut(&FeatureRef<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut room = Vec::new();
        for row in self.get(range).unwrap_or_default() {
            let feature = row.feature(recycle(room));
            f(&feature)?;
            room = recycle(feature.properties);
        }
        Ok(())
    }
}

impl Row for Feature {
    fn feature<'s>(&'s self, mut properties: Properties<'s>) -> FeatureRef<'s> {
        properties.extend(self.properties.iter().map(|(k, v)| (Name::Text(k), PropValue::Json(v))));
        FeatureRef {
            id: &self.id,
            shape: self.geometry.as_ref().map_or(Shape::None, Shape::Geometry),
            properties,
        }
    }
}
