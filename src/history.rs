//! The state of each zone at a date, its control periods, and what changed.
//!
//! A zone's state at D is its row with the latest `since <= D` (and `until`
//! after D, if given). [`History`] keeps each zone's rows sorted by `since`
//! so a lookup is a binary search. It knows nothing of geometry or output.

use crate::model::{ControlRow, Moment};
use chrono::NaiveDateTime;

/// Control rows indexed per zone and sorted by `since`.
#[derive(Debug, Clone)]
pub struct History<'a> {
    rows: &'a [ControlRow],
    per_zone: Vec<Vec<usize>>,
}

/// One control period of a zone: a row and when it ends.
#[derive(Debug, Clone, Copy)]
pub struct Period<'a> {
    /// The row in effect during the period.
    pub row: &'a ControlRow,
    /// When the period starts (the row's `since`, or the `until` of a lapsed state).
    pub start: &'a Moment,
    /// When the period ends; `None` while it is still open.
    pub end: Option<&'a Moment>,
}

impl<'a> History<'a> {
    /// Index `rows` for `zone_count` zones.
    #[must_use]
    pub fn new(rows: &'a [ControlRow], zone_count: usize) -> Self {
        let mut per_zone = vec![Vec::new(); zone_count];
        for (i, r) in rows.iter().enumerate() {
            if let Some(v) = per_zone.get_mut(r.zone) {
                v.push(i);
            }
        }
        for v in &mut per_zone {
            v.sort_by(|a, b| {
                let (ra, rb) = (rows.get(*a), rows.get(*b));
                ra.map(|r| &r.since).cmp(&rb.map(|r| &r.since)).then(a.cmp(b))
            });
        }
        History { rows, per_zone }
    }

    /// The zone's rows sorted by `since`.
    pub fn rows_of(&self, zone: usize) -> impl Iterator<Item = &'a ControlRow> + '_ {
        self.per_zone.get(zone).into_iter().flatten().filter_map(|i| self.rows.get(*i))
    }

    /// The state of `zone` at the instant `t`: among its rows with
    /// `since <= t` whose `until` (if given) is after `t`, the one with the
    /// latest `since`. When a temporary state (a claim with an `until`)
    /// lapses, the state before it applies again.
    #[must_use]
    pub fn state_at(&self, zone: usize, t: NaiveDateTime) -> Option<&'a ControlRow> {
        self.state_index_at(zone, t).and_then(|i| self.rows.get(i))
    }

    /// Like [`History::state_at`], but the index of the row in the rows
    /// given to [`History::new`] (to look up something derived per row).
    #[must_use]
    pub fn state_index_at(&self, zone: usize, t: NaiveDateTime) -> Option<usize> {
        let idx = self.per_zone.get(zone)?;
        let n = idx.partition_point(|i| self.rows.get(*i).is_some_and(|r| r.since.key() <= t));
        idx.get(..n)?.iter().rev().copied().find(|i| {
            self.rows.get(*i).is_some_and(|r| r.until.as_ref().is_none_or(|u| u.key() > t))
        })
    }

    /// The rows, as given to [`History::new`].
    #[must_use]
    pub fn rows(&self) -> &'a [ControlRow] {
        self.rows
    }

    /// The state of `zone` as of a date (a date includes its whole day).
    #[must_use]
    pub fn state_as_of(&self, zone: usize, as_of: &Moment) -> Option<&'a ControlRow> {
        self.state_at(zone, as_of.end())
    }

    /// The control periods of a zone, in order: the state changes at every
    /// `since` and `until`; consecutive instants with the same row form one
    /// period. A lapsed claim gives the earlier row a second period.
    #[must_use]
    pub fn periods(&self, zone: usize) -> Vec<Period<'a>> {
        let mut cuts: Vec<&'a Moment> = Vec::new();
        for r in self.rows_of(zone) {
            cuts.push(&r.since);
            if let Some(u) = &r.until {
                cuts.push(u);
            }
        }
        cuts.sort();
        cuts.dedup_by(|a, b| a.key() == b.key());
        let mut out: Vec<Period<'a>> = Vec::new();
        for (i, start) in cuts.iter().enumerate() {
            let end = cuts.get(i + 1).copied();
            let Some(row) = self.state_at(zone, start.key()) else { continue };
            if let Some(last) = out.last_mut() {
                if std::ptr::eq(last.row, row) && last.end.is_some_and(|e| e.key() == start.key()) {
                    last.end = end;
                    continue;
                }
            }
            out.push(Period { row, start, end });
        }
        out
    }
}

/// The state of a zone reduced to what a map shows: status and forces.
#[must_use]
pub fn same_state(a: Option<&ControlRow>, b: Option<&ControlRow>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.status == b.status && a.forces == b.forces,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DateParser, Status};

    fn row(zone: usize, force: usize, since: &str, until: Option<&str>) -> ControlRow {
        let p = DateParser::new();
        ControlRow {
            zone,
            forces: vec![force],
            status: Status::Held,
            since: p.parse(since).unwrap(),
            until: until.map(|u| p.parse(u).unwrap()),
            source: None,
            note: None,
            extra: vec![],
            line: 0,
        }
    }

    fn d(s: &str) -> Moment {
        DateParser::new().parse(s).unwrap()
    }

    #[test]
    fn latest_since_wins_regardless_of_order() {
        let rows = vec![
            row(0, 2, "2021-04-24", None),
            row(0, 1, "2016-01-01", None),
            row(0, 3, "2021-04-25T22:00:00+03:00", None),
        ];
        let h = History::new(&rows, 1);
        assert!(h.state_as_of(0, &d("2015-12-31")).is_none());
        assert_eq!(h.state_as_of(0, &d("2021-04-23")).unwrap().forces, vec![1]);
        assert_eq!(h.state_as_of(0, &d("2021-04-24")).unwrap().forces, vec![2]);
        // a date includes its whole day, so the 22:00 change counts on the 25th
        assert_eq!(h.state_as_of(0, &d("2021-04-25")).unwrap().forces, vec![3]);
        assert_eq!(h.state_at(0, d("2021-04-25T21:59:00").key()).unwrap().forces, vec![2]);
    }

    #[test]
    fn until_ends_a_state_and_the_earlier_one_resumes() {
        let rows = vec![row(0, 1, "2021-04-20", Some("2021-04-25")), row(0, 2, "2012-01-01", None)];
        let h = History::new(&rows, 1);
        assert_eq!(h.state_as_of(0, &d("2021-04-24")).unwrap().forces, vec![1]);
        assert_eq!(h.state_as_of(0, &d("2021-04-25")).unwrap().forces, vec![2]);
        let p: Vec<(String, Option<String>, usize)> = h
            .periods(0)
            .iter()
            .map(|p| (p.start.to_iso(), p.end.map(Moment::to_iso), p.row.forces[0]))
            .collect();
        assert_eq!(
            p,
            vec![
                ("2012-01-01".into(), Some("2021-04-20".into()), 2),
                ("2021-04-20".into(), Some("2021-04-25".into()), 1),
                ("2021-04-25".into(), None, 2),
            ]
        );
        let only = vec![row(0, 1, "2021-04-20", Some("2021-04-25"))];
        let h = History::new(&only, 1);
        assert!(h.state_as_of(0, &d("2021-04-25")).is_none());
        assert_eq!(h.periods(0).len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn prop_state_at_date_matches_naive_scan(
            sinces in proptest::collection::vec((0u32..60, proptest::option::of(1u32..20)), 0..12),
            probe in 0u32..80,
        ) {
            let base = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
            let day = |n: u32| (base + chrono::Duration::days(i64::from(n))).format("%Y-%m-%d").to_string();
            let mut rows = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for (i, (s, len)) in sinces.iter().enumerate() {
                if seen.insert(*s) {
                    let until = len.map(|l| day(s + l));
                    rows.push(row(0, i, &day(*s), until.as_deref()));
                }
            }
            let h = History::new(&rows, 1);
            let t = d(&day(probe));
            // naive: among rows with since <= t and until after t, the latest since
            let naive = rows.iter()
                .filter(|r| r.since.key() <= t.end() && r.until.as_ref().is_none_or(|u| u.key() > t.end()))
                .max_by_key(|r| r.since.key());
            proptest::prop_assert_eq!(h.state_as_of(0, &t).map(|r| r.forces.clone()), naive.map(|r| r.forces.clone()));
        }
    }
}
