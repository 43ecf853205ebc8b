//! Reading dates in the forms people type and export: ISO 8601, `25 April
//! 2021`, `25-Apr-2021`, ACLED's `9-May-20`, `2021/04/25`, and day-first or
//! month-first slashed dates once the column has told which (see
//! [`SlashOrder::detect`]). This module does not know about files or columns;
//! readers turn a [`DateError`] into a located diagnostic.

use crate::model::date::{parse_iso, DateError};
use crate::model::Moment;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

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
        let s = super::table::trim(value);
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
    }
}
