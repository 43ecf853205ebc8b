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
    /// A number as `serde_json` writes it already: the text of a float
    /// that [`PropValue::number`] found in its shortest form, copied as is.
    Number(&'a str),
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
            PropValue::Number(s) => s
                .parse()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::Null, Value::Number),
            PropValue::Json(v) => v.clone(),
        }
    }

    /// Append the value as JSON.
    pub(crate) fn write_json(self, buf: &mut Vec<u8>) -> io::Result<()> {
        match self {
            PropValue::Str(s) => push_str(buf, s),
            PropValue::Int(i) => buf.extend_from_slice(itoa::Buffer::new().format(i).as_bytes()),
            PropValue::Float(f) if f.is_finite() => serde_json::to_writer(&mut *buf, &f)?,
            PropValue::Number(s) => buf.extend_from_slice(s.as_bytes()),
            PropValue::Null | PropValue::Float(_) => buf.extend_from_slice(b"null"),
            PropValue::Json(v) => serde_json::to_writer(&mut *buf, v)?,
        }
        Ok(())
    }
}

impl<'a> PropValue<'a> {
    /// The float `value` read from `text`: the text itself when it is the
    /// form `serde_json` writes `value` in, which is then not formatted
    /// again (coordinate columns of a million rows), else the float.
    ///
    /// The text is that form when it is a plain decimal (`-`, digits, a
    /// point, digits) with no superfluous zero, of at least 0.0001 and of at
    /// most 15 significant digits: distinct decimals of 15 digits are
    /// distinct doubles, so no shorter decimal reads back as `value`.
    #[must_use]
    pub fn number(text: &'a str, value: f64) -> Self {
        fn digits(b: &[u8]) -> bool {
            !b.is_empty() && b.iter().all(u8::is_ascii_digit)
        }
        let b = text.as_bytes();
        let unsigned = b.strip_prefix(b"-").unwrap_or(b);
        let Some(point) = unsigned.iter().position(|c| *c == b'.') else {
            return PropValue::Float(value);
        };
        let (int, frac) = unsigned.split_at(point);
        let frac = frac.get(1..).unwrap_or_default();
        let shortest = digits(int)
            && digits(frac)
            && frac.last() != Some(&b'0')
            && match int {
                [b'0'] => {
                    let zeros = frac.iter().take_while(|c| **c == b'0').count();
                    zeros <= 3 && frac.len() - zeros <= 15
                }
                [b'0', ..] => false,
                _ => int.len() + frac.len() <= 15,
            };
        if shortest {
            PropValue::Number(text)
        } else {
            PropValue::Float(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_keeps_the_text_of_shortest_decimals_only() {
        let kept =
            |t: &str| matches!(PropValue::number(t, t.parse().unwrap()), PropValue::Number(_));
        for t in ["36.2546839", "-0.5", "0.0001", "100.25", "12345678901234.5"] {
            assert!(kept(t), "{t}");
        }
        for t in ["33.3796140", "0.00001", "1.", "01.5", "+1.5", "1e5", "123456789012345.6", "7"] {
            assert!(!kept(t), "{t}");
        }
    }

    proptest::proptest! {
        #[test]
        fn prop_number_text_is_written_as_serde_json_writes_its_value(
            text in "-?(0|[1-9][0-9]{0,16})(\\.[0-9]{0,17})?",
        ) {
            let value: f64 = text.parse().unwrap();
            let mut buf = Vec::new();
            let number = PropValue::number(&text, value);
            number.write_json(&mut buf).unwrap();
            let expected = serde_json::to_string(&value).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(buf).unwrap(), expected);
            proptest::prop_assert_eq!(number.to_value(), PropValue::Float(value).to_value());
        }

    }
}
