//! Property names: text, or a name escaped once for writers that repeat it
//! on millions of features.

use super::escape::push_str;

/// A property name as the GeoJSON writer takes it: a `&str` (escaped on
/// every feature) or a [`Key`] escaped once.
pub trait PropKey {
    /// Append the name as a JSON string and the `:` after it.
    fn push_key(&self, buf: &mut Vec<u8>);
}

impl PropKey for &str {
    fn push_key(&self, buf: &mut Vec<u8>) {
        push_str(buf, self);
        buf.push(b':');
    }
}

/// A property name escaped once, for writers that repeat the same names
/// on millions of features (a streamed CSV's columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    name: String,
    json: Vec<u8>,
}

impl Key {
    /// The key `name`.
    #[must_use]
    pub fn new(name: &str) -> Self {
        let mut json = Vec::with_capacity(name.len() + 3);
        name.push_key(&mut json);
        Key { name: name.to_string(), json }
    }

    /// The name, unescaped.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl PropKey for &Key {
    fn push_key(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.json);
    }
}

/// A feature's property name: text, or a [`Key`] escaped once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name<'a> {
    /// Text, escaped when written.
    Text(&'a str),
    /// A name escaped once.
    Key(&'a Key),
}

impl<'a> Name<'a> {
    /// The name, unescaped.
    pub fn as_str(&self) -> &'a str {
        match self {
            Name::Text(s) => s,
            Name::Key(k) => k.name(),
        }
    }
}

impl PropKey for Name<'_> {
    fn push_key(&self, buf: &mut Vec<u8>) {
        match self {
            Name::Text(s) => s.push_key(buf),
            Name::Key(k) => k.push_key(buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_escaped_once_write_as_text_keys() {
        let names =
            ["a", "event_date", "quo\"te", &"x".repeat(29), &"y".repeat(30), &"z".repeat(70)];
        for name in names {
            let (mut key, mut text) = (b"{".to_vec(), b"{".to_vec());
            (&Key::new(name)).push_key(&mut key);
            name.push_key(&mut text);
            assert_eq!(String::from_utf8(key).unwrap(), String::from_utf8(text).unwrap());
        }
    }
}
