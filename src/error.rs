//! Errors and data diagnostics.
//!
//! Two kinds of failure exist and are kept apart:
//!
//! * a [`Diagnostic`] is a problem *in the user's data* (an unknown zone, a bad
//!   date, an unclosed ring). Readers push them into a [`Diagnostics`] sink and
//!   keep going, so that `check` can list every problem at once;
//! * an [`Error`] stops the operation: I/O failures, bad options, or data that
//!   had error-level diagnostics ([`ErrorKind::Data`]).
//!
//! This module does not print anything; the binary decides how to render.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is wrong; `build` writes nothing.
    Error,
    /// frontline made a lenient choice or suspects a mistake; the build goes on.
    Warning,
}

/// Where in the user's input a problem is.
///
/// Paths are kept as the user gave them (relative to the project folder when
/// they come from a project), so messages read like `control.csv:14:1`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// One cell of a CSV file: 1-based line (of the record's start) and column.
    Cell {
        /// The file.
        path: PathBuf,
        /// 1-based line where the record starts.
        line: u64,
        /// 1-based field index.
        column: u64,
    },
    /// A whole CSV record.
    Record {
        /// The file.
        path: PathBuf,
        /// 1-based line where the record starts.
        line: u64,
    },
    /// A feature of a GeoJSON file, by 0-based index in its `features` array.
    Feature {
        /// The file.
        path: PathBuf,
        /// 0-based feature index.
        index: usize,
    },
    /// A whole file.
    File {
        /// The file.
        path: PathBuf,
    },
}

impl Location {
    /// The file this location is in.
    #[must_use]
    pub fn path(&self) -> &Path {
        match self {
            Location::Cell { path, .. }
            | Location::Record { path, .. }
            | Location::Feature { path, .. }
            | Location::File { path } => path,
        }
    }

    /// The 1-based line, if the location has one.
    #[must_use]
    pub fn line(&self) -> Option<u64> {
        match self {
            Location::Cell { line, .. } | Location::Record { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The 1-based column, if the location has one.
    #[must_use]
    pub fn column(&self) -> Option<u64> {
        match self {
            Location::Cell { column, .. } => Some(*column),
            _ => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Cell { path, line, column } => {
                write!(f, "{}:{line}:{column}", path.display())
            }
            Location::Record { path, line } => write!(f, "{}:{line}", path.display()),
            Location::Feature { path, index } => write!(f, "{}: feature {index}", path.display()),
            Location::File { path } => write!(f, "{}", path.display()),
        }
    }
}

/// One problem found in the input data.
///
/// Its `Display` is the one-line message users see:
/// `control.csv:14:1: unknown zone "Tai" — did you mean "al-Tay"?`
/// (warnings add `warning: ` after the location).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is.
    pub location: Location,
    /// Lowercase message without trailing period, e.g. `unknown zone`.
    pub message: String,
    /// The offending value, shown in double quotes after the message.
    pub value: Option<String>,
    /// What to do about it, shown after ` — `.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error-level diagnostic.
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            location,
            message: message.into(),
            value: None,
            hint: None,
        }
    }

    /// A warning-level diagnostic.
    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(location, message) }
    }

    /// Attach the offending value.
    #[must_use]
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Attach a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this is an error (not a warning).
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A JSON object for `check --format json`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "severity": self.severity,
            "file": self.location.path().display().to_string(),
            "line": self.location.line(),
            "column": self.location.column(),
            "feature": match &self.location { Location::Feature { index, .. } => Some(*index), _ => None },
            "message": self.message,
            "value": self.value,
            "hint": self.hint,
            "text": self.to_string(),
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location)?;
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(value) = &self.value {
            write!(f, " \"{}\"", escape_value(value))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, " — {hint}")?;
        }
        Ok(())
    }
}

/// Keep a value on one line and of readable length in a message.
fn escape_value(value: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A sink that collects diagnostics while readers keep going.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty sink.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Add all diagnostics of another sink.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Whether any error-level diagnostic was pushed.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of error-level diagnostics.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    #[must_use]
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Whether the sink is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of diagnostics.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics in the order they were found, sorted by file and position.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sort by location so that reports read top to bottom.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| a.location.cmp(&b.location));
    }

    /// The report `check` prints: one line per diagnostic, then a summary
    /// line such as `2 errors, 1 warning`.
    #[must_use]
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for d in &self.items {
            let _ = writeln!(out, "{d}");
        }
        let _ = writeln!(
            out,
            "{}, {}",
            plural(self.error_count(), "error"),
            plural(self.warning_count(), "warning")
        );
        out
    }

    /// The report `check --format json` prints.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "errors": self.error_count(),
            "warnings": self.warning_count(),
            "diagnostics": self.items.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
        })
    }

    /// Turn into an error if any error-level diagnostic exists.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Data`] carrying all diagnostics when there is an error.
    pub fn into_result(self) -> Result<Diagnostics> {
        if self.has_errors() {
            Err(Error::new(ErrorKind::Data(self)))
        } else {
            Ok(self)
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error type of this crate. Cheap to move: the kind is boxed.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    #[error("{}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The input data has problems; every one of them is listed.
    #[error("{} in the input data", plural(.0.error_count(), "problem"))]
    Data(Diagnostics),
    /// An option (flag or `frontline.toml` key) has a bad value.
    #[error("{0}")]
    Usage(String),
    /// The CRS cannot be handled by this build.
    #[error("{0}")]
    Crs(String),
    /// A bug in frontline.
    #[error("internal error: {0} — this is a bug in frontline, please report it")]
    Internal(String),
}

/// `1 problem`, `2 problems`.
#[must_use]
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl Error {
    /// Wrap a kind.
    #[must_use]
    pub fn new(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Unwrap the kind.
    #[must_use]
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::new(ErrorKind::Io { path: path.into(), source })
    }

    /// A usage error (bad option value).
    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Usage(message.into()))
    }

    /// A bug.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal(message.into()))
    }

    /// A single data diagnostic as an error.
    #[must_use]
    pub fn data(diagnostic: Diagnostic) -> Self {
        let mut d = Diagnostics::new();
        d.push(diagnostic);
        Error::new(ErrorKind::Data(d))
    }

    /// The location of the first data problem, if this is a data error.
    #[must_use]
    pub fn location(&self) -> Option<&Location> {
        match &*self.0 {
            ErrorKind::Data(d) => d.iter().find(|d| d.is_error()).map(|d| &d.location),
            _ => None,
        }
    }

    /// The data diagnostics, if this is a data error.
    #[must_use]
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match &*self.0 {
            ErrorKind::Data(d) => Some(d),
            _ => None,
        }
    }

    /// Whether this is an I/O error.
    #[must_use]
    pub fn is_io(&self) -> bool {
        matches!(&*self.0, ErrorKind::Io { .. })
    }

    /// Whether this error comes from a bad option (exit code 2).
    #[must_use]
    pub fn is_usage(&self) -> bool {
        matches!(&*self.0, ErrorKind::Usage(_))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_reads_path_line_column_message_value_and_hint() {
        let d = Diagnostic::error(
            Location::Cell { path: "control.csv".into(), line: 14, column: 1 },
            "unknown zone",
        )
        .with_value("Tai")
        .with_hint("did you mean \"al-Tay\"?");
        insta::assert_snapshot!(d.to_string(), @r#"control.csv:14:1: unknown zone "Tai" — did you mean "al-Tay"?"#);
    }

    #[test]
    fn warning_and_feature_locations() {
        let d = Diagnostic::warning(
            Location::Feature { path: "zones.geojson".into(), index: 3 },
            "ring is clockwise",
        );
        insta::assert_snapshot!(d.to_string(), @"zones.geojson: feature 3: warning: ring is clockwise");
    }

    #[test]
    fn values_stay_on_one_line() {
        let d =
            Diagnostic::error(Location::File { path: "a.csv".into() }, "bad").with_value("x\ny\"z");
        assert_eq!(d.to_string(), "a.csv: bad \"x\\ny\\\"z\"");
    }

    #[test]
    fn data_error_counts_only_errors() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::warning(Location::File { path: "a".into() }, "w"));
        assert!(d.clone().into_result().is_ok());
        d.push(Diagnostic::error(Location::File { path: "a".into() }, "e"));
        let err = d.into_result().unwrap_err();
        assert_eq!(err.to_string(), "1 problem in the input data");
        assert_eq!(err.location(), Some(&Location::File { path: "a".into() }));
    }
}
