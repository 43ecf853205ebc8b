//! Armed forces and actors.

/// An armed force or actor that can hold zones.
#[derive(Debug, Clone, PartialEq)]
pub struct Force {
    /// Stable id used in outputs (`asayish`).
    pub id: String,
    /// Display name (`Asayish`).
    pub name: String,
    /// Fill colour as `#rrggbb`.
    pub color: String,
    /// Other spellings, in any script.
    pub aliases: Vec<String>,
    /// Alliance or camp, if given (`government`).
    pub bloc: Option<String>,
    /// Names in other languages, keyed by language code (`ar`, `ckb`).
    pub names: Vec<(String, String)>,
}
