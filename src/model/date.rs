//! Dates and date-times as they appear in conflict spreadsheets.
//!
//! A [`Moment`] is either a calendar date (`2021-04-25`) or a date-time
//! (`2021-04-25T22:00:00+03:00`). Moments order by their wall-clock time as
//! written: the tables describe one place, and a truce "until Sunday 22:00"
//! means local time. The offset, when given, is kept for output.
//!
//! [`DateParser`] reads the forms people type and export: ISO 8601, `25 April
//! 2021`, `25-Apr-2021`, ACLED's `9-May-20`, `2021/04/25`, and day-first or
//! month-first slashed dates once the column has told which (see
//! [`SlashOrder::detect`]). This module does not know about files or columns;
//! readers turn a [`DateError`] into a located diagnostic.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::cmp::Ordering;
use std::fmt;

/// A date or date-time from the input, ordered by wall-clock time.
#[derive(Debug, Clone)]
pub struct Moment {
    key: NaiveDateTime,
    date_only: bool,
    offset_seconds: Option<i32>,
}

impl Moment {
    /// A calendar date (midnight at its start, for ordering).
    #[must_use]
    pub fn from_date(date: NaiveDate) -> Self {
        Moment { key: date.and_time(NaiveTime::MIN), date_only: true, offset_seconds: None }
    }

    /// A wall-clock date-time with an optional UTC offset in seconds.
    #[must_use]
    pub fn from_datetime(datetime: NaiveDateTime, offset_seconds: Option<i32>) -> Self {
        Moment { key: datetime, date_only: false, offset_seconds }
    }

    /// The calendar date.
    #[must_use]
    pub fn date(&self) -> NaiveDate {
        self.key.date()
    }

    /// The wall-clock time used for ordering.
    #[must_use]
    pub fn key(&self) -> NaiveDateTime {
        self.key
    }

    /// Whether this is a date without a time of day.
    #[must_use]
    pub fn is_date_only(&self) -> bool {
        self.date_only
    }

    /// The last instant of this moment's extent: the end of the day for a date,
    /// the moment itself for a date-time. "As of 2021-04-25" includes all of
    /// that day.
    #[must_use]
    pub fn end(&self) -> NaiveDateTime {
        // the last nanosecond of the day (a leap second aside): the start of
        // the next day less one nanosecond, without date arithmetic (this
        // runs for every streamed incident)
        const LAST: NaiveTime = match NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999) {
            Some(t) => t,
            None => NaiveTime::MIN,
        };
        if self.date_only {
            self.key.date().and_time(LAST)
        } else {
            self.key
        }
    }

    /// This moment moved by a number of days (dates stay dates).
    #[must_use]
    pub fn add_days(&self, days: i64) -> Self {
        Moment { key: self.key + chrono::Duration::days(days), ..self.clone() }
    }

    /// ISO 8601 text: `2021-04-25`, `2021-04-25T22:00:00`, `2021-04-25T22:00:00+03:00`.
    #[must_use]
    pub fn to_iso(&self) -> String {
        self.iso().as_str().to_string()
    }

    /// [`Moment::to_iso`] held inline: no allocation (a stream writes the
    /// date of every incident).
    #[must_use]
    pub fn iso(&self) -> IsoText {
        let mut text = IsoText { bytes: [0; 40], len: 0 };
        // the longest form (a six-digit year with a time and an offset)
        // is 31 bytes: this cannot fail
        let _ = self.write_iso(&mut text);
        text
    }
}

impl PartialEq for Moment {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Moment {}
impl PartialOrd for Moment {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Moment {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key).then(other.date_only.cmp(&self.date_only))
    }
}

impl Moment {
    /// Write the ISO 8601 text: chrono's `format` parses its pattern on
    /// every call, and `write!` with padded fields costs more than the rest
    /// of an incident's date, so the fields are written as digits. Years
    /// outside 0..=9999 keep chrono's form.
    fn write_iso(&self, f: &mut impl fmt::Write) -> fmt::Result {
        use chrono::{Datelike, Timelike};
        let k = &self.key;
        let (year, month, day) = (k.year(), k.month(), k.day());
        match u32::try_from(year).ok().filter(|y| *y <= 9999) {
            Some(y) => {
                let mut text = *b"0000-00-00";
                put_digits(&mut text[..4], y);
                put_digits(&mut text[5..7], month);
                put_digits(&mut text[8..], day);
                f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)?;
            }
            None => write!(f, "{}", k.format("%Y-%m-%d"))?,
        }
        if self.date_only {
            return Ok(());
        }
        let mut text = *b"T00:00:00";
        put_digits(&mut text[1..3], k.hour());
        put_digits(&mut text[4..6], k.minute());
        put_digits(&mut text[7..], k.second());
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)?;
        match self.offset_seconds {
            None => Ok(()),
            Some(0) => f.write_str("Z"),
            Some(s) => {
                let sign = if s < 0 { '-' } else { '+' };
                let a = s.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
            }
        }
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.iso().as_str())
    }
}

/// A moment's ISO 8601 text ([`Moment::iso`]), held inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoText {
    bytes: [u8; 40],
    len: usize,
}

impl IsoText {
    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.bytes.get(..self.len).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default()
    }
}

impl fmt::Write for IsoText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Write `n` into `out` as decimal digits, zero-padded on the left (the
/// digits that do not fit are dropped).
fn put_digits(out: &mut [u8], mut n: u32) {
    for d in out.iter_mut().rev() {
        // n % 10 < 10: the cast cannot truncate
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not a date in any known form.
    Unrecognised,
    /// A real-looking date that does not exist, like `2021-02-30`.
    Impossible,
    /// `04/05/2021` with no way to tell day from month.
    Ambiguous,
    /// The value does not match the declared `date_format`.
    FormatMismatch(String),
}

impl DateError {
    /// The message and hint for a diagnostic.
    #[must_use]
    pub fn describe(&self) -> (&'static str, String) {
        match self {
            DateError::Unrecognised => (
                "unrecognised date",
                "write dates as 2021-04-25 or 2021-04-25T22:00:00+03:00, or set date_format in frontline.toml".into(),
            ),
            DateError::Impossible => ("impossible date", "this day does not exist in the calendar".into()),
            DateError::Ambiguous => (
                "ambiguous date",
                "day and month cannot be told apart; set date_format = \"%d/%m/%Y\" (or \"%m/%d/%Y\") in frontline.toml".into(),
            ),
            DateError::FormatMismatch(fmt) => (
                "date does not match date_format",
                format!("date_format is \"{fmt}\""),
            ),
        }
    }
}

/// How to read `a/b/yyyy` dates in one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SlashOrder {
    /// Not known: an `a/b/yyyy` value with both parts ≤ 12 is ambiguous.
    #[default]
    Unknown,
    /// `25/04/2021`.
    DayFirst,
    /// `04/25/2021`.
    MonthFirst,
}

impl SlashOrder {
    /// Decide the order from all values of a column: a first part above 12
    /// means day-first, a second part above 12 means month-first. Returns
    /// `None` when the column contradicts itself.
    pub fn detect<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<SlashOrder> {
        let (mut day_first, mut month_first) = (false, false);
        for v in values {
            if let Some((a, b, _)) = split_numeric(v.trim()) {
                if a.len() <= 2 && b.len() <= 2 {
                    let (a, b) = (a.parse::<u32>().unwrap_or(0), b.parse::<u32>().unwrap_or(0));
                    day_first |= a > 12 && b <= 12;
                    month_first |= b > 12 && a <= 12;
                }
            }
        }
        match (day_first, month_first) {
            (true, true) => None,
            (true, false) => Some(SlashOrder::DayFirst),
            (false, true) => Some(SlashOrder::MonthFirst),
            (false, false) => Some(SlashOrder::Unknown),
        }
    }
}

/// Reads dates in the forms spreadsheets use.
#[derive(Debug, Clone, Default)]
pub struct DateParser {
    format: Option<String>,
    order: SlashOrder,
}

impl DateParser {
    /// A parser for the known unambiguous forms.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Use a declared `strftime` format (e.g. `%d/%m/%Y`) before anything else.
    #[must_use]
    pub fn with_format(mut self, format: Option<String>) -> Self {
        self.format = format;
        self
    }

    /// How to read slashed numeric dates.
    #[must_use]
    pub fn with_order(mut self, order: SlashOrder) -> Self {
        self.order = order;
        self
    }

    /// Parse one value.
    ///
    /// # Errors
    ///
    /// A [`DateError`] saying why the value is not a date.
    pub fn parse(&self, value: &str) -> Result<Moment, DateError> {
        let s = crate::read::table::trim(value);
        if let Some(fmt) = &self.format {
            if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
                return Ok(Moment::from_datetime(dt, None));
            }
            if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
                return Ok(Moment::from_date(d));
            }
            // ISO stays readable even with a declared format.
            return parse_iso(s).ok_or_else(|| DateError::FormatMismatch(fmt.clone()))?;
        }
        if let Some(r) = parse_iso(s) {
            return r;
        }
        if let Some(r) = self.parse_numeric(s) {
            return r;
        }
        if let Some(r) = parse_named_month(s) {
            return r;
        }
        Err(DateError::Unrecognised)
    }

    fn parse_numeric(&self, s: &str) -> Option<Result<Moment, DateError>> {
        let (date_part, time_part) = match s.split_once([' ', 'T']) {
            Some((d, t)) => (d, Some(t.trim())),
            None => (s, None),
        };
        let (a, b, c) = split_numeric(date_part)?;
        let num = |x: &str| x.parse::<u32>().ok();
        let (y, m, d) = if a.len() == 4 {
            (num(a)? as i32, num(b)?, num(c)?)
        } else if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
            let (a, b) = (num(a)?, num(b)?);
            let year = num(c)? as i32;
            match self.order {
                SlashOrder::DayFirst => (year, b, a),
                SlashOrder::MonthFirst => (year, a, b),
                SlashOrder::Unknown if a > 12 => (year, b, a),
                SlashOrder::Unknown if b > 12 => (year, a, b),
                SlashOrder::Unknown if a == b => (year, a, b),
                SlashOrder::Unknown => return Some(Err(DateError::Ambiguous)),
            }
        } else {
            return None;
        };
        let Some(date) = NaiveDate::from_ymd_opt(y, m, d) else {
            return Some(Err(DateError::Impossible));
        };
        match time_part {
            None => Some(Ok(Moment::from_date(date))),
            Some(t) => {
                let t = t.trim();
                let time = NaiveTime::parse_from_str(t, "%H:%M:%S")
                    .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
                    .ok()?;
                Some(Ok(Moment::from_datetime(date.and_time(time), None)))
            }
        }
    }
}

/// `a/b/c`, `a.b.c` or `a-b-c` with all-digit parts.
fn split_numeric(s: &str) -> Option<(&str, &str, &str)> {
    let sep = s.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let mut parts = s.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let digits = |x: &str| !x.is_empty() && x.len() <= 4 && x.bytes().all(|b| b.is_ascii_digit());
    (digits(a) && digits(b) && digits(c)).then_some((a, b, c))
}

/// ISO 8601 dates and date-times; `None` if the value is not ISO-shaped.
fn parse_iso(s: &str) -> Option<Result<Moment, DateError>> {
    let bytes = s.as_bytes();
    let iso_shaped = bytes.len() >= 10
        && bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-')
        && bytes.iter().take(4).all(u8::is_ascii_digit);
    if !iso_shaped {
        return None;
    }
    if bytes.len() == 10 {
        // fast path for plain YYYY-MM-DD (streamed files have millions)
        let digits = |r: std::ops::Range<usize>| {
            bytes
                .get(r)
                .filter(|d| d.iter().all(u8::is_ascii_digit))
                .map(|d| d.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0')))
        };
        if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
            return Some(match NaiveDate::from_ymd_opt(y as i32, m, d) {
                Some(d) => Ok(Moment::from_date(d)),
                None => Err(iso_error(s)),
            });
        }
        return Some(match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Ok(Moment::from_date(d)),
            Err(_) => Err(iso_error(s)),
        });
    }
    let normalized = s.replacen(' ', "T", 1);
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(&normalized) {
        return Some(Ok(Moment::from_datetime(
            dt.naive_local(),
            Some(dt.offset().local_minus_utc()),
        )));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M%:z"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(&normalized, fmt) {
            return Some(Ok(Moment::from_datetime(dt, None)));
        }
    }
    if let Ok(dt) = chrono::DateTime::parse_from_str(&normalized, "%Y-%m-%dT%H:%M%:z") {
        return Some(Ok(Moment::from_datetime(
            dt.naive_local(),
            Some(dt.offset().local_minus_utc()),
        )));
    }
    Some(Err(iso_error(s)))
}

/// Tell an impossible ISO date (`2021-02-30`) from garbage.
fn iso_error(s: &str) -> DateError {
    let part = |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<u32>().ok());
    match (part(0..4), part(5..7), part(8..10)) {
        (Some(_), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => {
            DateError::Impossible
        }
        (Some(_), Some(m), Some(d)) if m > 12 || d > 31 => DateError::Impossible,
        _ => DateError::Unrecognised,
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    let lower = lower.trim_end_matches('.');
    if lower.len() < 3 {
        return None;
    }
    let lower = if lower == "sept" { "sep" } else { lower };
    MONTHS
        .iter()
        .position(|m| *m == lower || (lower.len() == 3 && m.starts_with(lower)))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// `25 April 2021`, `25-Apr-2021`, `9-May-20`, `01-January-2015`, `April 25, 2021`.
fn parse_named_month(s: &str) -> Option<Result<Moment, DateError>> {
    let parts: Vec<&str> = s.split([' ', '-', ',', '/']).filter(|p| !p.is_empty()).collect();
    if parts.len() != 3 {
        return None;
    }
    let (p0, p1, p2) = (*parts.first()?, *parts.get(1)?, *parts.get(2)?);
    let (day, month, year) = if let Some(m) = month_number(p1) {
        (p0, m, p2)
    } else if let Some(m) = month_number(p0) {
        (p1, m, p2)
    } else {
        return None;
    };
    let day: u32 = day.parse().ok()?;
    if !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = match year.len() {
        4 => year.parse().ok()?,
        // ACLED's `9-May-20`: 00–49 are 20xx, 50–99 are 19xx (a fixed pivot,
        // so the same file always reads the same way).
        2 => {
            let y: i32 = year.parse().ok()?;
            if y < 50 {
                2000 + y
            } else {
                1900 + y
            }
        }
        _ => return None,
    };
    Some(
        NaiveDate::from_ymd_opt(year, month, day)
            .map(Moment::from_date)
            .ok_or(DateError::Impossible),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        DateParser::new().parse(s).map_or_else(|e| format!("{e:?}"), |m| m.to_iso())
    }

    #[test]
    fn reads_the_forms_people_type() {
        assert_eq!(iso("2021-04-25"), "2021-04-25");
        assert_eq!(iso(" 2021-04-25 "), "2021-04-25");
        assert_eq!(iso("2021-04-25T22:00:00+03:00"), "2021-04-25T22:00:00+03:00");
        assert_eq!(iso("2021-04-25 22:00"), "2021-04-25T22:00:00");
        assert_eq!(iso("2021-04-25T19:00:00Z"), "2021-04-25T19:00:00Z");
        assert_eq!(iso("25 April 2021"), "2021-04-25");
        assert_eq!(iso("25-Apr-2021"), "2021-04-25");
        assert_eq!(iso("9-May-20"), "2020-05-09");
        assert_eq!(iso("01-January-2015"), "2015-01-01");
        assert_eq!(iso("April 25, 2021"), "2021-04-25");
        assert_eq!(iso("2021/04/25"), "2021-04-25");
        assert_eq!(iso("25/04/2021"), "2021-04-25");
        assert_eq!(iso("04/25/2021"), "2021-04-25");
        assert_eq!(iso("2015/04/05 12:30:00"), "2015-04-05T12:30:00");
    }

    #[test]
    fn rejects_what_cannot_be_read() {
        assert_eq!(iso("2021-02-30"), "Impossible");
        assert_eq!(iso("31 February 2021"), "Impossible");
        assert_eq!(iso("04/05/2021"), "Ambiguous");
        assert_eq!(iso("yesterday"), "Unrecognised");
        assert_eq!(iso(""), "Unrecognised");
        assert_eq!(iso("2021-13-01"), "Impossible");
    }

    #[test]
    fn column_decides_slash_order() {
        assert_eq!(SlashOrder::detect(["04/05/2021", "25/04/2021"]), Some(SlashOrder::DayFirst));
        assert_eq!(SlashOrder::detect(["04/05/2021", "04/25/2021"]), Some(SlashOrder::MonthFirst));
        assert_eq!(SlashOrder::detect(["13/05/2021", "04/25/2021"]), None);
        let p = DateParser::new().with_order(SlashOrder::DayFirst);
        assert_eq!(p.parse("04/05/2021").unwrap().to_iso(), "2021-05-04");
    }

    #[test]
    fn declared_format_wins() {
        let p = DateParser::new().with_format(Some("%m/%d/%Y".into()));
        assert_eq!(p.parse("04/05/2021").unwrap().to_iso(), "2021-04-05");
        assert_eq!(p.parse("2021-04-05").unwrap().to_iso(), "2021-04-05");
        assert!(matches!(p.parse("5 May 2021"), Err(DateError::FormatMismatch(_))));
    }

    #[test]
    fn moments_order_by_wall_clock() {
        let p = DateParser::new();
        let d = p.parse("2021-04-25").unwrap();
        let t = p.parse("2021-04-25T22:00:00+03:00").unwrap();
        assert!(d < t);
        assert!(t.key() <= d.end());
        assert!(p.parse("2021-04-26").unwrap().key() > t.key());
    }

    proptest::proptest! {
        #[test]
        fn prop_parser_never_panics(s in "\\PC{0,30}") {
            let _ = DateParser::new().parse(&s);
        }

        #[test]
        fn prop_iso_roundtrip(y in 1900i32..2100, m in 1u32..=12, d in 1u32..=28) {
            let text = format!("{y:04}-{m:02}-{d:02}");
            proptest::prop_assert_eq!(DateParser::new().parse(&text).unwrap().to_iso(), text);
        }

        #[test]
        fn prop_end_is_the_next_day_less_a_nanosecond(y in -262_000i32..262_000, doy in 1u32..=365) {
            let date = NaiveDate::from_yo_opt(y, doy).unwrap();
            let expected = date.and_time(NaiveTime::MIN) + chrono::Duration::days(1)
                - chrono::Duration::nanoseconds(1);
            proptest::prop_assert_eq!(Moment::from_date(date).end(), expected);
        }

        #[test]
        fn prop_iso_text_is_chronos(
            y in -262_000i32..262_000,
            doy in 1u32..=365,
            secs in 0u32..86_400,
            date_only: bool,
            offset in proptest::option::of(-50_400i32..50_400),
        ) {
            // the digits written by hand are chrono's `%Y-%m-%dT%H:%M:%S`
            let date = NaiveDate::from_yo_opt(y, doy).unwrap();
            let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap();
            let m = Moment { key: date.and_time(time), date_only, offset_seconds: offset };
            let expected = m.key.format(if date_only { "%Y-%m-%d" } else { "%Y-%m-%dT%H:%M:%S" }).to_string();
            let text = m.to_iso();
            let rest = text.strip_prefix(&expected);
            proptest::prop_assert!(rest.is_some(), "{} vs {}", text, expected);
            let rest = rest.unwrap_or_default();
            match (date_only, offset) {
                (true, _) | (false, None) => proptest::prop_assert_eq!(rest, ""),
                (false, Some(0)) => proptest::prop_assert_eq!(rest, "Z"),
                (false, Some(_)) => proptest::prop_assert_eq!(rest.len(), 6),
            }
        }
    }
}
