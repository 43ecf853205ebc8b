//! Gathering a feature's properties in output order.

use super::{Name, PropValue};
use serde_json::Value;

/// Properties in output order, gathered as a JSON object map gathers them:
/// [`Props::insert`] replaces the value of a name already there in its
/// place, [`Props::or_insert`] adds only a name not there yet.
#[derive(Debug, Default)]
pub(crate) struct Props<'a>(Vec<(Name<'a>, PropValue<'a>)>);

impl<'a> Props<'a> {
    /// Gather into `buf` (emptied; its room is kept).
    pub(crate) fn new(mut buf: Vec<(Name<'a>, PropValue<'a>)>) -> Self {
        buf.clear();
        Props(buf)
    }

    /// Add a name known not to be there yet.
    pub(crate) fn push(&mut self, name: &'a str, value: PropValue<'a>) {
        self.0.push((Name::Text(name), value));
    }

    /// Set `name` to `value`: in its place when it is there, else last.
    pub(crate) fn insert(&mut self, name: &'a str, value: PropValue<'a>) {
        match self.0.iter_mut().find(|(k, _)| k.as_str() == name) {
            Some(taken) => taken.1 = value,
            None => self.0.push((Name::Text(name), value)),
        }
    }

    /// Add `name` only when it is not there yet.
    pub(crate) fn or_insert(&mut self, name: &'a str, value: PropValue<'a>) {
        if !self.0.iter().any(|(k, _)| k.as_str() == name) {
            self.0.push((Name::Text(name), value));
        }
    }

    /// A control row's extra columns (`url`, analyst fields …) as text,
    /// empty cells null, where a name is not taken yet.
    pub(crate) fn or_insert_extra(&mut self, extra: &'a [(String, String)]) {
        for (k, v) in extra {
            if !k.is_empty() {
                self.or_insert(k, if v.is_empty() { PropValue::Null } else { PropValue::Str(v) });
            }
        }
    }

    /// The properties gathered.
    pub(crate) fn into_vec(self) -> Vec<(Name<'a>, PropValue<'a>)> {
        self.0
    }
}

/// A derived measure (area, length) rounded for output to `decimals`
/// (never `-0`; `null` when not finite).
#[must_use]
pub(crate) fn measure(v: f64, decimals: i32) -> PropValue<'static> {
    let f = 10f64.powi(decimals);
    let rounded = (v * f).round() / f + 0.0;
    if rounded.is_finite() {
        PropValue::Float(rounded)
    } else {
        PropValue::Null
    }
}

/// [`measure`] as a JSON value.
#[must_use]
pub(crate) fn round_measure(v: f64, decimals: i32) -> Value {
    measure(v, decimals).to_value()
}
