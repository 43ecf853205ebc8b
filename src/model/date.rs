//! Dates and date-times as they appear in conflict spreadsheets.
//!
//! A [`Moment`] is either a calendar date (`2021-04-25`) or a date-time
//! (`2021-04-25T22:00:00+03:00`). Moments order by their wall-clock time as
//! written: the tables describe one place, and a truce "until Sunday 22:00"
//! means local time. The offset, when given, is kept for output.
//!
//! A moment's text is ISO 8601 ([`Moment::to_iso`]), read back by
//! `parse_iso`; the other forms people type are read by
//! `crate::read::date`, which turns a [`DateError`] into a located
//! diagnostic.

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

/// ISO 8601 dates and date-times; `None` if the value is not ISO-shaped.
pub(crate) fn parse_iso(s: &str) -> Option<Result<Moment, DateError>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
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
