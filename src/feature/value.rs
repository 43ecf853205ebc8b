//! Property values as layers and readers hand them to writers, borrowed.

use super::escape::push_str;
use serde_json::Value;
use std::io;

/// A property value borrowed for writing: what the streaming incidents
/// writer produces without building a `serde_json::Map` per row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PropValue<'a> {
    /// `null`.
    Null,
    /// A JSON string.
    Str(&'a str),
    /// An integer.
    Int(i64),
    /// A finite float (written as `serde_json` writes it).
    Float(f64),
    /// Any JSON value.
    Json(&'a Value),
}

impl<'a> From<Option<&'a str>> for PropValue<'a> {
    /// Text, or `null` for none.
    fn from(text: Option<&'a str>) -> Self {
        text.map_or(PropValue::Null, PropValue::Str)
    }
}

impl PropValue<'_> {
    /// The owned JSON value (a non-finite float becomes `null`).
    #[must_use]
    pub fn to_value(self) -> Value {
        match self {
            PropValue::Null => Value::Null,
            PropValue::Str(s) => Value::String(s.to_string()),
            PropValue::Int(i) => Value::from(i),
            PropValue::Float(f) => {
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
            PropValue::Json(v) => v.clone(),
        }
    }

    /// Append the value as JSON.
    pub(crate) fn write_json(self, buf: &mut Vec<u8>) -> io::Result<()> {
        match self {
            PropValue::Str(s) => push_str(buf, s),
            PropValue::Int(i) => buf.extend_from_slice(itoa::Buffer::new().format(i).as_bytes()),
            PropValue::Float(f) if f.is_finite() => serde_json::to_writer(&mut *buf, &f)?,
            PropValue::Null | PropValue::Float(_) => buf.extend_from_slice(b"null"),
            PropValue::Json(v) => serde_json::to_writer(&mut *buf, v)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn prop_values_write_as_serde_json_writes_them(
            text in "\\PC{0,12}", i in proptest::num::i64::ANY, f in proptest::num::f64::ANY,
        ) {
            for v in [PropValue::Str(&text), PropValue::Int(i), PropValue::Float(f), PropValue::Null] {
                let mut buf = Vec::new();
                v.write_json(&mut buf).unwrap();
                proptest::prop_assert_eq!(String::from_utf8(buf).unwrap(), v.to_value().to_string());
            }
        }
    }
}
