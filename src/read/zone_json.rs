//! Zones GeoJSON read typed, borrowed and in parallel: `check` of 10k zones
//! takes 0.10 s with it and 0.25 s through `serde_json::Value`s (the way
//! the `geojson` crate reads), the 10k-zone build 0.43 s and 0.59 s
//! (medians of 7, 2 cores).
//!
//! [`split`] walks the document once and keeps each feature as raw JSON text;
//! [`Feature::parse`] then reads one feature (on any thread) into its id,
//! properties and geometry text, and [`polygons`] reads a geometry's
//! coordinates straight into rings, with no `serde_json::Value` per number.
//! Anything unusual — a document or feature that is not the plain shape, a
//! geometry that is not a Polygon or `MultiPolygon` of positions — is left
//! to the caller's `Value` path, which owns every diagnostic; this module
//! reports nothing, so both paths read the same file the same way.

use geo::Coord;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;

/// The top level of a document, typed.
#[derive(Deserialize)]
struct Root<'a> {
    #[serde(rename = "type", default)]
    kind: Option<Value>,
    #[serde(borrow, default)]
    features: Option<&'a RawValue>,
    #[serde(default)]
    crs: Option<Value>,
}

/// The top level of a document whose features were cut out by [`scan`].
#[derive(Deserialize)]
struct Members {
    #[serde(rename = "type", default)]
    kind: Option<Value>,
    #[serde(default)]
    crs: Option<Value>,
}

/// A document split into its parts.
pub(crate) struct Document<'a> {
    /// The `type` member.
    pub kind: Option<Value>,
    /// The `crs` member.
    pub crs: Option<Value>,
    /// Each element of `features` as JSON text (checked when it is parsed);
    /// `None` when `features` is missing or not an array.
    pub features: Option<Vec<&'a str>>,
}

/// Split a document into its members and raw features; `None` when it is
/// not a JSON object of the plain shape (the caller then reads it as a
/// `Value`, and reports what is wrong).
pub(crate) fn split(text: &str) -> Option<Document<'_>> {
    if let Some((members, features)) = scan(text) {
        let m: Members = from_object(&members)?;
        return Some(Document { kind: m.kind, crs: m.crs, features: Some(features) });
    }
    let root: Root<'_> = from_object(text)?;
    let features: Option<Vec<&RawValue>> =
        root.features.and_then(|f| serde_json::from_str(f.get()).ok());
    let features = features.map(|f| f.into_iter().map(RawValue::get).collect());
    Some(Document { kind: root.kind, crs: root.crs, features })
}

/// Cut a document's `features` array into its elements at the bytes,
/// without parsing them (they are parsed in parallel later): the rest of
/// the document (with `"features":[]`) and each element's text. `None`
/// when the top level is not an object with one `features` array, or the
/// brackets do not balance; the elements' own JSON is checked when each is
/// parsed.
fn scan(text: &str) -> Option<(String, Vec<&str>)> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    let mut found: Option<(usize, usize, Vec<&str>)> = None;
    loop {
        i = skip_ws(b, i);
        match b.get(i)? {
            b'}' => break,
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return None,
        }
        let key_end = skip_string(b, i)?;
        let key = text.get(i + 1..key_end - 1)?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        if key == "features" {
            if found.is_some() || b.get(i) != Some(&b'[') {
                return None;
            }
            let start = i;
            let mut elements = Vec::new();
            i += 1;
            loop {
                i = skip_ws(b, i);
                match b.get(i)? {
                    b']' => break,
                    b',' => i += 1,
                    _ => {
                        let end = skip_value(b, i)?;
                        elements.push(text.get(i..end)?);
                        i = end;
                    }
                }
            }
            i += 1;
            found = Some((start, i, elements));
        } else {
            i = skip_value(b, i)?;
        }
    }
    let (start, end, elements) = found?;
    let members = format!("{}[]{}", text.get(..start)?, text.get(end..)?);
    Some((members, elements))
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The index after the string that starts (with its quote) at `i`.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut at = i + 1;
    loop {
        at += memchr::memchr2(b'"', b'\\', b.get(at..)?)?;
        if b.get(at) == Some(&b'"') {
            return Some(at + 1);
        }
        at += 2; // an escaped character
    }
}

/// The index after the value that starts at `i`: a string, an object or
/// array (brackets balanced, strings skipped), or a literal or number.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = i;
            loop {
                // to the next quote or bracket, in a tight loop (digits and
                // commas of coordinates are most of a zones file)
                let stop = |c: &u8| matches!(c, b'"' | b'{' | b'}' | b'[' | b']');
                at += b.get(at..)?.iter().position(stop)?;
                match b.get(at)? {
                    b'"' => {
                        at = skip_string(b, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
        }
        _ => {
            let rest = b.get(i..)?;
            let len = rest
                .iter()
                .position(|c| matches!(c, b',' | b'}' | b']') || c.is_ascii_whitespace())
                .unwrap_or(rest.len());
            // a stray `}` or `]` is no value (and must not stall the scan)
            (len > 0).then_some(i + len)
        }
    }
}

/// One feature, typed.
#[derive(Deserialize)]
struct Typed<'a> {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<Value>,
    #[serde(borrow, default)]
    geometry: Option<&'a RawValue>,
}

/// A feature's parts.
pub(crate) struct Feature<'a> {
    /// The feature `id`.
    pub id: Option<Value>,
    /// The `properties` object (empty when missing or not an object).
    pub properties: Map<String, Value>,
    /// The geometry (`None` when missing or null).
    pub geometry: Option<Geometry<'a>>,
}

/// A geometry as raw JSON text, or as a value when its feature had to be
/// read as one.
pub(crate) enum Geometry<'a> {
    /// Not parsed yet.
    Raw(&'a RawValue),
    /// Parsed.
    Value(Value),
}

impl<'a> Feature<'a> {
    /// Read one feature from its JSON text. A feature that is not a plain
    /// object (repeated members, say) is read as a `Value`, as before;
    /// `None` when the text is not JSON at all.
    pub fn parse(raw: &'a str) -> Option<Feature<'a>> {
        match from_object::<Typed<'a>>(raw) {
            Some(t) => Some(Feature {
                id: t.id,
                properties: object(t.properties),
                geometry: t.geometry.map(Geometry::Raw),
            }),
            None => serde_json::from_str(raw).ok().map(Self::from_value),
        }
    }

    /// The parts of a feature already read as a `Value`.
    pub fn from_value(mut v: Value) -> Feature<'a> {
        let mut take = |k: &str| v.get_mut(k).map(Value::take);
        Feature {
            id: take("id"),
            properties: object(take("properties")),
            geometry: take("geometry").filter(|g| !g.is_null()).map(Geometry::Value),
        }
    }
}

/// A typed struct from a JSON object only (serde would also take an array
/// of the members in order, which GeoJSON does not allow).
fn from_object<'a, T: Deserialize<'a>>(text: &'a str) -> Option<T> {
    let text = text.trim_start();
    if text.starts_with('{') {
        serde_json::from_str(text).ok()
    } else {
        None
    }
}

fn object(v: Option<Value>) -> Map<String, Value> {
    match v {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// A geometry, typed.
#[derive(Deserialize)]
struct TypedGeometry {
    #[serde(rename = "type")]
    kind: String,
    coordinates: Nested,
}

/// Nested coordinate arrays: a position, or a list.
#[derive(Debug, PartialEq)]
enum Nested {
    Position(Coord<f64>),
    List(Vec<Nested>),
}

/// An array element: a number (inside a position) or a nested array.
enum Element {
    Number(f64),
    Nested(Nested),
}

impl<'de> Deserialize<'de> for Nested {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(NestedVisitor)
    }
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ElementVisitor)
    }
}

struct NestedVisitor;

impl<'de> Visitor<'de> for NestedVisitor {
    type Value = Nested;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of coordinates")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Nested, A::Error> {
        match seq.next_element::<Element>()? {
            None => Ok(Nested::List(Vec::new())),
            Some(Element::Number(x)) => {
                let y: f64 =
                    seq.next_element()?.ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<IgnoredAny>()?.is_some() {} // z, m
                Ok(Nested::Position(Coord { x, y }))
            }
            Some(Element::Nested(first)) => {
                let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(4) + 1);
                list.push(first);
                while let Some(next) = seq.next_element::<Nested>()? {
                    list.push(next);
                }
                Ok(Nested::List(list))
            }
        }
    }
}

struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Element;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or an array")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Element, E> {
        Ok(Element::Number(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Element, E> {
        Ok(Element::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Element, E> {
        Ok(Element::Number(v as f64))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
        NestedVisitor.visit_seq(seq).map(Element::Nested)
    }
}

/// The polygons (each a list of rings of positions) of a well-formed
/// Polygon or `MultiPolygon`; `None` for anything else, which the caller
/// reads as a `Value` to say what is wrong.
pub(crate) fn polygons(raw: &RawValue) -> Option<Vec<Vec<Vec<Coord<f64>>>>> {
    let g: TypedGeometry = from_object(raw.get())?;
    let Nested::List(items) = g.coordinates else { return None };
    match g.kind.as_str() {
        "Polygon" => Some(vec![rings(items)?]),
        "MultiPolygon" => items
            .into_iter()
            .map(|p| match p {
                Nested::List(r) => rings(r),
                Nested::Position(_) => None,
            })
            .collect(),
        _ => None,
    }
}

fn rings(items: Vec<Nested>) -> Option<Vec<Vec<Coord<f64>>>> {
    items
        .into_iter()
        .map(|ring| match ring {
            Nested::List(positions) => positions
                .into_iter()
                .map(|p| match p {
                    Nested::Position(c) => Some(c),
                    Nested::List(_) => None,
                })
                .collect(),
            Nested::Position(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    #[test]
    fn reads_polygons_and_multipolygons_with_any_number_form() {
        let p =
            polygons(&raw(r#"{"coordinates":[[[0,0],[1,0.5,9],[1e0,1],[0,0]]],"type":"Polygon"}"#));
        let c = |x, y| Coord { x, y };
        assert_eq!(p, Some(vec![vec![vec![c(0., 0.), c(1., 0.5), c(1., 1.), c(0., 0.)]]]));
        let m = polygons(&raw(
            r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[0,0]]],[[[2,2],[3,2],[2,2]],[]]]}"#,
        ));
        assert_eq!(m.map(|m| m.iter().map(Vec::len).collect::<Vec<_>>()), Some(vec![1, 2]));
    }

    #[test]
    fn leaves_anything_unusual_to_the_value_path() {
        for g in [
            r#"{"type":"Point","coordinates":[0,0]}"#,
            r#"{"type":"Polygon","coordinates":[[0,0],[1,1]]}"#,
            r#"{"type":"Polygon","coordinates":[[[0]]]}"#,
            r#"{"type":"Polygon","coordinates":[[["a",0]]]}"#,
            r#"{"type":"Polygon"}"#,
            r#"{"type":"MultiPolygon","coordinates":[[[0,0]]]}"#,
        ] {
            assert_eq!(polygons(&raw(g)), None, "{g}");
        }
    }

    #[test]
    fn features_keep_their_parts_either_way() {
        let typed = Feature::parse(
            r#"{"type":"Feature","id":3,"properties":{"name":"Tay"},"geometry":null}"#,
        )
        .unwrap();
        assert_eq!(typed.id, Some(Value::from(3)));
        assert_eq!(typed.properties.get("name"), Some(&Value::from("Tay")));
        assert!(typed.geometry.is_none());
        // a repeated member is not the plain shape: read as a value (last wins)
        let value =
            Feature::parse(r#"{"id":1,"id":2,"properties":[],"geometry":{"type":"Point"}}"#)
                .unwrap();
        assert_eq!(value.id, Some(Value::from(2)));
        assert!(value.properties.is_empty());
        assert!(matches!(value.geometry, Some(Geometry::Value(_))));
        let doc = split(r#"{"type":"FeatureCollection","features":[{"id":1},{"id":2}]}"#).unwrap();
        assert_eq!(doc.features.map(|f| f.len()), Some(2));
        assert!(split(r#"{"type":"FeatureCollection","features":{}}"#).unwrap().features.is_none());
        assert!(split("[1]").is_none());
        assert!(Feature::parse("[3, {}, null]").unwrap().id.is_none());
        assert!(Feature::parse("{\"id\":").is_none());
    }

    #[test]
    fn scan_cuts_features_at_the_brackets() {
        let text = r#" { "crs" : null, "features" : [ {"id":"a]","g":[[1,2]]} , {"id":"\"}"} ,3 ], "type":"FeatureCollection" } "#;
        let (members, features) = scan(text).unwrap();
        assert_eq!(features, vec![r#"{"id":"a]","g":[[1,2]]}"#, r#"{"id":"\"}"}"#, "3"]);
        assert_eq!(members, r#" { "crs" : null, "features" : [], "type":"FeatureCollection" } "#);
        // not the plain shape: left to serde
        for odd in [
            r#"{"features":[1],"features":[2]}"#,
            r#"{"features":{}}"#,
            "[1]",
            r#"{"features":[{]}"#,
        ] {
            assert!(scan(odd).is_none(), "{odd}");
        }
        assert_eq!(scan(r#"{"type":"Feature"}"#).map(|s| s.1), None);
    }

    proptest::proptest! {
        /// On JSON-like noise the scan ends (a stall would hang the test).
        #[test]
        fn prop_scan_ends_on_noise(text in r#"\{("features"|"type"|[\[\]{}",:\\ a1])*"#) {
            let _ = scan(&text);
        }

        /// On valid documents whose strings hold brackets, quotes and
        /// escapes, the scan cuts out exactly the elements serde finds.
        #[test]
        fn prop_scan_agrees_with_serde(
            elements in proptest::collection::vec((r#"[\[\]{}",:\\ a1]{0,8}"#, 0u8..4), 0..6),
            before in proptest::bool::ANY,
        ) {
            let texts: Vec<String> = elements
                .iter()
                .map(|(s, form)| {
                    let s = serde_json::to_string(s).unwrap();
                    match form {
                        0 => s,
                        1 => format!("{{\"id\":{s},\"g\":[[1,2],[{s}]]}}"),
                        2 => format!("[ {s} , {{ }} ]"),
                        _ => "-1.5e3".to_string(),
                    }
                })
                .collect();
            let features = format!("\"features\" : [ {} ]", texts.join(" ,\n"));
            let text = if before {
                format!(r#"{{ {features}, "type":"FeatureCollection", "crs":null }}"#)
            } else {
                format!(r#"{{"type":"FeatureCollection", {features} }}"#)
            };
            let (members, cut) = scan(&text).unwrap();
            proptest::prop_assert_eq!(cut, texts.iter().map(String::as_str).collect::<Vec<_>>());
            let v: Value = serde_json::from_str(&members).unwrap();
            proptest::prop_assert_eq!(v["features"].as_array().map(Vec::len), Some(0));
        }
    }
}
