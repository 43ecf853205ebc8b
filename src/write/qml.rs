//! QGIS styles: a `.qml` beside each layer with the same base name
//! (`control.qml` next to `control.geojson`), so QGIS opens the layers styled.
//!
//! The style is chosen from what the layer's features carry, so new layers
//! are styled without changes here: polygons with a `fill` get a categorized
//! renderer on `force` (or `to_force`), one category per value in the data
//! with its colour, contested values (forces joined by `|`) hatched in the
//! second force's colour over the first's; points with a `marker-color` get
//! one category per `type`; lines a single dark stroke. Layers with a `name`
//! are labelled (in `--lang` when a `name:xx` property exists).
//! It reads features only; colours were decided by the layers.

use super::{escape, Context, Handed, Staged, Writer};
use crate::error::Result;
use crate::feature::Feature;
use crate::style;
use geo::Geometry;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Writes a QGIS style beside each layer (`control.qml`).
#[derive(Debug)]
pub(crate) struct QmlWriter;

impl Writer for QmlWriter {
    fn wants_owned(&self) -> bool {
        true
    }

    fn layer(&self, cx: &Context<'_>, handed: &Handed<'_, '_>) -> Result<Vec<Staged>> {
        let p = cx.snapshot;
        let forces: BTreeMap<&str, &str> =
            p.forces.iter().map(|f| (f.id.as_str(), f.color.as_str())).collect();
        let features = handed.owned.as_deref().ok_or_else(|| {
            crate::error::Error::internal("a layer came without its owned features")
        })?;
        let name = format!("{}.qml", handed.layer.kind.name());
        let qml = style(features, &forces, cx.settings.lang.as_deref());
        Ok(vec![Staged::bytes(cx, &name, qml.as_bytes(), features.len())?])
    }

    fn finish(&self, _: &Context<'_>) -> Result<Vec<Staged>> {
        Ok(Vec::new())
    }
}

/// `#rrggbb` and an alpha (0..1) as QGIS's `r,g,b,a`.
fn qcolor(hex: &str, alpha: f64) -> String {
    let h = style::normalize_color(hex).unwrap_or_else(|| "#7f7f7f".into());
    let c = |i: usize| h.get(i..i + 2).and_then(|x| u8::from_str_radix(x, 16).ok()).unwrap_or(127);
    format!("{},{},{},{}", c(1), c(3), c(5), (alpha.clamp(0.0, 1.0) * 255.0).round() as u8)
}

fn options(out: &mut String, opts: &[(&str, String)]) {
    out.push_str("<Option type=\"Map\">");
    for (k, v) in opts {
        let _ = write!(out, "<Option name=\"{k}\" type=\"QString\" value=\"{}\"/>", escape(v));
    }
    out.push_str("</Option>");
    // QGIS before 3.26 reads the older <prop> form
    for (k, v) in opts {
        let _ = write!(out, "<prop k=\"{k}\" v=\"{}\"/>", escape(v));
    }
}

fn symbol_layer(out: &mut String, class: &str, opts: &[(&str, String)], sub: Option<&str>) {
    let _ = write!(out, "<layer class=\"{class}\" enabled=\"1\" locked=\"0\" pass=\"0\">");
    options(out, opts);
    if let Some(sub) = sub {
        out.push_str(sub);
    }
    out.push_str("</layer>");
}

fn line_opts(color: &str, width: &str, dash: bool) -> Vec<(&'static str, String)> {
    vec![
        ("line_color", color.to_string()),
        ("line_width", width.to_string()),
        ("line_width_unit", "MM".into()),
        ("line_style", if dash { "dash" } else { "solid" }.into()),
        ("capstyle", "round".into()),
        ("joinstyle", "round".into()),
    ]
}

/// A fill symbol: solid colour, or the first colour hatched with the others.
fn fill_symbol(name: &str, colors: &[String], opacity: f64, dashed: bool) -> String {
    let mut s = format!(
        "<symbol type=\"fill\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
    );
    let base = colors.first().map_or("#bbbbbb", String::as_str);
    symbol_layer(
        &mut s,
        "SimpleFill",
        &[
            ("color", qcolor(base, opacity)),
            ("style", "solid".into()),
            ("outline_color", "51,51,51,255".into()),
            ("outline_style", if dashed { "dash" } else { "solid" }.into()),
            ("outline_width", "0.3".into()),
            ("outline_width_unit", "MM".into()),
        ],
        None,
    );
    for (i, c) in colors.iter().enumerate().skip(1) {
        let mut sub = format!(
            "<symbol type=\"line\" name=\"@{name}@{i}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
        );
        symbol_layer(&mut sub, "SimpleLine", &line_opts(&qcolor(c, 1.0), "1", false), None);
        sub.push_str("</symbol>");
        symbol_layer(
            &mut s,
            "LinePatternFill",
            &[
                ("angle", format!("{}", 45 + 90 * (i - 1))),
                ("distance", "2.5".into()),
                ("distance_unit", "MM".into()),
                ("line_width", "1".into()),
                ("line_width_unit", "MM".into()),
                ("color", qcolor(c, 1.0)),
            ],
            Some(&sub),
        );
    }
    s.push_str("</symbol>");
    s
}

fn marker_symbol(name: &str, color: &str, size: f64) -> String {
    let mut s = format!(
        "<symbol type=\"marker\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
    );
    symbol_layer(
        &mut s,
        "SimpleMarker",
        &[
            ("name", "circle".into()),
            ("color", qcolor(color, 0.9)),
            ("outline_color", "255,255,255,255".into()),
            ("outline_width", "0.4".into()),
            ("outline_width_unit", "MM".into()),
            ("size", format!("{size}")),
            ("size_unit", "MM".into()),
        ],
        None,
    );
    s.push_str("</symbol>");
    s
}

fn line_symbol(name: &str, color: &str) -> String {
    let mut s = format!(
        "<symbol type=\"line\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
    );
    symbol_layer(&mut s, "SimpleLine", &line_opts(&qcolor(color, 1.0), "1.2", false), None);
    s.push_str("</symbol>");
    s
}

fn text_prop<'a>(f: &'a Feature, key: &str) -> Option<&'a str> {
    f.properties.get(key).and_then(Value::as_str)
}

/// The style of one layer.
#[must_use]
pub(crate) fn style(
    features: &[Feature],
    forces: &BTreeMap<&str, &str>,
    lang: Option<&str>,
) -> String {
    let kind = features.iter().find_map(|f| match &f.geometry {
        Some(Geometry::Polygon(_) | Geometry::MultiPolygon(_)) => Some("fill"),
        Some(Geometry::LineString(_) | Geometry::MultiLineString(_)) => Some("line"),
        Some(Geometry::Point(_) | Geometry::MultiPoint(_)) => Some("marker"),
        _ => None,
    });
    let has = |k: &str| features.iter().any(|f| f.properties.contains_key(k));
    let mut renderer = String::new();
    match kind {
        Some("fill") => {
            let field = ["force", "to_force"].into_iter().find(|k| has(k)).unwrap_or("force");
            // value -> (colours, opacity, dashed)
            let mut cats: BTreeMap<String, (Vec<String>, f64, bool)> = BTreeMap::new();
            for f in features {
                let value = text_prop(f, field).unwrap_or_default().to_string();
                let status = text_prop(f, "status").or_else(|| text_prop(f, "to_status"));
                let fill = text_prop(f, "fill").map(String::from);
                let colors: Vec<String> = if value.contains('|') {
                    value
                        .split('|')
                        .filter_map(|id| forces.get(id))
                        .map(|c| (*c).to_string())
                        .collect()
                } else {
                    fill.or_else(|| forces.get(value.as_str()).map(|c| (*c).to_string()))
                        .into_iter()
                        .collect()
                };
                let opacity = f
                    .properties
                    .get("fill-opacity")
                    .and_then(Value::as_f64)
                    .unwrap_or(if value.is_empty() { 0.2 } else { 0.6 });
                cats.entry(value).or_insert((colors, opacity, status == Some("claimed")));
            }
            categorized(&mut renderer, field, &cats, |name, (colors, opacity, dashed)| {
                fill_symbol(name, colors, *opacity, *dashed)
            });
        }
        Some("marker") if has("marker-color") => {
            let field = if has("type") { "type" } else { "event_type" };
            let mut cats: BTreeMap<String, (Vec<String>, f64, bool)> = BTreeMap::new();
            for f in features {
                let value = text_prop(f, field).unwrap_or_default().to_string();
                let color = text_prop(f, "marker-color").unwrap_or("#7f7f7f").to_string();
                cats.entry(value).or_insert((vec![color], 1.0, false));
            }
            categorized(&mut renderer, field, &cats, |name, (colors, _, _)| {
                marker_symbol(name, colors.first().map_or("#7f7f7f", String::as_str), 3.0)
            });
        }
        Some("marker") => single(&mut renderer, &marker_symbol("0", "#333333", 1.0)),
        Some("line") => single(&mut renderer, &line_symbol("0", "#111111")),
        _ => single(&mut renderer, &fill_symbol("0", &["#bbbbbb".into()], 0.3, false)),
    }
    let labeling = if has("name") { labeling(lang, features) } else { String::new() };
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"{}\">\n{renderer}\n{labeling}</qgis>\n",
        u8::from(!labeling.is_empty())
    )
}

fn single(out: &mut String, symbol: &str) {
    let _ = write!(
        out,
        "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><symbols>{symbol}</symbols></renderer-v2>"
    );
}

type Cat = (Vec<String>, f64, bool);

fn categorized(
    out: &mut String,
    field: &str,
    cats: &BTreeMap<String, Cat>,
    symbol: impl Fn(&str, &Cat) -> String,
) {
    let _ = write!(
        out,
        "<renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n<categories>\n",
        escape(field)
    );
    for (i, value) in cats.keys().enumerate() {
        let label = if value.is_empty() { "no information" } else { value.as_str() };
        let _ = writeln!(
            out,
            "<category symbol=\"{i}\" value=\"{}\" label=\"{}\" render=\"true\"/>",
            escape(value),
            escape(label)
        );
    }
    out.push_str("</categories>\n<symbols>\n");
    for (i, cat) in cats.values().enumerate() {
        out.push_str(&symbol(&i.to_string(), cat));
        out.push('\n');
    }
    out.push_str("</symbols>\n</renderer-v2>");
}

fn labeling(lang: Option<&str>, features: &[Feature]) -> String {
    let localized = lang
        .map(|l| format!("name:{l}"))
        .filter(|k| features.iter().any(|f| f.properties.contains_key(k.as_str())));
    let (field, is_expr) = match &localized {
        Some(k) => (format!("coalesce(\"{k}\", \"name\")"), 1),
        None => ("name".to_string(), 0),
    };
    format!(
        "<labeling type=\"simple\"><settings calloutType=\"simple\"><text-style fieldName=\"{}\" isExpression=\"{is_expr}\" fontSize=\"9\" fontWeight=\"75\" textColor=\"17,17,17,255\" fontFamily=\"Noto Sans\"><text-buffer bufferDraw=\"1\" bufferSize=\"1\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\"/></text-style><placement placement=\"1\" offsetType=\"0\"/><rendering obstacle=\"1\" fontLimitPixelSize=\"0\"/></settings></labeling>\n",
        escape(&field)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qgis_colours() {
        assert_eq!(qcolor("#D55E00", 0.6), "213,94,0,153");
    }
}
