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
    /// Zone `z`'s entries are `entries[starts[z]..starts[z + 1]]`.
    starts: Vec<usize>,
    /// Every zone's rows in turn, each zone's sorted by `since`, with their
    /// `since` and `until` instants beside them: a lookup (once per
    /// streamed incident) reads one small run of one array instead of rows
    /// and lists spread over memory.
    entries: Vec<Entry>,
}

/// A row of a zone, with its `since` and `until` (`None`: open).
#[derive(Debug, Clone, Copy)]
struct Entry {
    since: NaiveDateTime,
    until: Option<NaiveDateTime>,
    row: usize,
}

/// A moment at which a zone's mapped state (status and forces, see
/// [`same_state`]) changes.
#[derive(Debug, Clone, Copy)]
pub struct Transition<'a> {
    /// When the new state begins (a `since`, or the `until` that ended a state).
    pub at: &'a Moment,
    /// The state just before (`None`: no state).
    #[cfg_attr(not(test), allow(dead_code))] // the invariants' tests read both states
    pub from: Option<&'a ControlRow>,
    /// The state from `at` on (`None`: no state, a row lapsed).
    #[cfg_attr(not(test), allow(dead_code))]
    pub to: Option<&'a ControlRow>,
}

/// How a zone's state at D differs from its state at S.
#[derive(Debug, Clone, Copy)]
pub struct ZoneChange<'a> {
    /// The zone index.
    pub zone: usize,
    /// The state at S (`None`: no state, or no S).
    pub from: Option<&'a ControlRow>,
    /// The state at D (`None`: no state).
    pub to: Option<&'a ControlRow>,
    /// The latest transition in (S, D].
    pub date: &'a Moment,
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
        // every zone's rows in turn, each zone's by `since` (then input order)
        let mut order: Vec<(usize, &ControlRow)> =
            rows.iter().enumerate().filter(|(_, r)| r.zone < zone_count).collect();
        order.sort_unstable_by(|(a, ra), (b, rb)| {
            (ra.zone, &ra.since).cmp(&(rb.zone, &rb.since)).then(a.cmp(b))
        });
        let starts = (0..=zone_count).map(|z| order.partition_point(|(_, r)| r.zone < z)).collect();
        let entries = order
            .iter()
            .map(|(i, r)| Entry {
                since: r.since.key(),
                until: r.until.as_ref().map(Moment::key),
                row: *i,
            })
            .collect();
        History { rows, starts, entries }
    }

    /// Zone `zone`'s entries, sorted by `since`.
    fn entries_of(&self, zone: usize) -> &[Entry] {
        let range = self.starts.get(zone).zip(self.starts.get(zone + 1));
        range.and_then(|(a, b)| self.entries.get(*a..*b)).unwrap_or_default()
    }

    /// The zone's rows sorted by `since`.
    pub fn rows_of(&self, zone: usize) -> impl Iterator<Item = &'a ControlRow> + '_ {
        self.entries_of(zone).iter().filter_map(|e| self.rows.get(e.row))
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
        let entries = self.entries_of(zone);
        let n = entries.partition_point(|e| e.since <= t);
        let open = entries.get(..n)?.iter().rposition(|e| e.until.is_none_or(|u| u > t))?;
        entries.get(open).map(|e| e.row)
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

    /// Every `since` and `until` of a zone, sorted, one per instant: the
    /// only instants at which its state can change.
    fn cuts(&self, zone: usize) -> Vec<&'a Moment> {
        let mut cuts: Vec<&'a Moment> = Vec::new();
        for r in self.rows_of(zone) {
            cuts.push(&r.since);
            if let Some(u) = &r.until {
                cuts.push(u);
            }
        }
        cuts.sort();
        cuts.dedup_by(|a, b| a.key() == b.key());
        cuts
    }

    /// The moments at which a zone's mapped state changes, in order. A new
    /// row that repeats the same status and forces (say, a fresh source) is
    /// not a transition.
    #[must_use]
    pub fn transitions(&self, zone: usize) -> Vec<Transition<'a>> {
        let mut out = Vec::new();
        let mut before: Option<&'a ControlRow> = None;
        for at in self.cuts(zone) {
            let now = self.state_at(zone, at.key());
            if !same_state(before, now) {
                out.push(Transition { at, from: before, to: now });
            }
            before = now;
        }
        out
    }

    /// How a zone's state as of `to` (D) differs from its state as of
    /// `from` (S; both dates include their whole day), or `None` when it
    /// shows the same. Without S every zone with a state at D has changed
    /// from no state. The date is the latest transition in (S, D]: when
    /// the state at D began, or the `until` that ended the last state.
    #[must_use]
    pub fn change_between(
        &self,
        zone: usize,
        from: Option<&Moment>,
        to: &Moment,
    ) -> Option<ZoneChange<'a>> {
        let before = from.and_then(|s| self.state_as_of(zone, s));
        let after = self.state_as_of(zone, to);
        if same_state(before, after) {
            return None;
        }
        let lower = from.map(Moment::end);
        let date = self
            .transitions(zone)
            .into_iter()
            .rfind(|t| t.at.key() <= to.end() && lower.is_none_or(|l| t.at.key() > l))?
            .at;
        Some(ZoneChange { zone, from: before, to: after, date })
    }

    /// The control periods of a zone, in order: the state changes at every
    /// `since` and `until`; consecutive instants with the same row form one
    /// period. A lapsed claim gives the earlier row a second period.
    #[must_use]
    pub fn periods(&self, zone: usize) -> Vec<Period<'a>> {
        let cuts = self.cuts(zone);
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
    use crate::model::Status;
    use crate::read::date::DateParser;

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
            sinces in proptest::collection::vec((0u32..60, proptest::option::of(1u32..20), 0usize..4), 0..24),
            probe in 0u32..80,
        ) {
            // rows of three zones interleaved, and some of a zone that is
            // not there (index 3), which no lookup may see
            let mut rows = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for (i, (s, len, zone)) in sinces.iter().enumerate() {
                if seen.insert((*zone, *s)) {
                    let until = len.map(|l| day(s + l));
                    rows.push(row(*zone, i, &day(*s), until.as_deref()));
                }
            }
            let h = History::new(&rows, 3);
            let t = d(&day(probe));
            for zone in 0..4 {
                // naive: among the zone's rows with since <= t and until
                // after t, the latest since
                let naive = rows.iter()
                    .filter(|r| zone < 3 && r.zone == zone)
                    .filter(|r| r.since.key() <= t.end() && r.until.as_ref().is_none_or(|u| u.key() > t.end()))
                    .max_by_key(|r| r.since.key());
                proptest::prop_assert_eq!(h.state_as_of(zone, &t).map(|r| r.forces.clone()), naive.map(|r| r.forces.clone()));
                proptest::prop_assert_eq!(h.rows_of(zone).count(), rows.iter().filter(|r| zone < 3 && r.zone == zone).count());
            }
        }
    }

    /// Rows on distinct days with few forces and statuses, so that repeated
    /// states, lapsing claims and gaps all occur.
    fn random_rows(spec: &[(u32, usize, u8, Option<u32>)]) -> Vec<ControlRow> {
        let mut rows = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (s, force, status, len) in spec {
            if seen.insert(*s) {
                let mut r = row(0, *force, &day(*s), len.map(|l| day(s + l)).as_deref());
                r.status = match status {
                    0 => Status::Held,
                    1 => Status::Contested,
                    _ => Status::Claimed,
                };
                rows.push(r);
            }
        }
        rows
    }

    fn day(n: u32) -> String {
        let base = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
        (base + chrono::Duration::days(i64::from(n))).format("%Y-%m-%d").to_string()
    }

    fn rows_strategy(
    ) -> impl proptest::strategy::Strategy<Value = Vec<(u32, usize, u8, Option<u32>)>> {
        proptest::collection::vec(
            (0u32..40, 0usize..3, 0u8..3, proptest::option::weighted(0.3, 1u32..10)),
            0..10,
        )
    }

    #[test]
    fn a_claim_inside_the_window_is_no_change() {
        let mut claim = row(0, 2, "2021-04-21", Some("2021-04-23"));
        claim.status = Status::Claimed;
        let rows = vec![row(0, 1, "2012-07-19", None), claim];
        let h = History::new(&rows, 1);
        assert!(h.change_between(0, Some(&d("2021-04-20")), &d("2021-04-27")).is_none());
        let c = h.change_between(0, Some(&d("2021-04-20")), &d("2021-04-22")).unwrap();
        assert_eq!((c.date.to_iso(), c.to.unwrap().forces.clone()), ("2021-04-21".into(), vec![2]));
        // the lapse is the change, dated by the `until`
        let c = h.change_between(0, Some(&d("2021-04-22")), &d("2021-04-27")).unwrap();
        assert_eq!((c.date.to_iso(), c.to.unwrap().forces.clone()), ("2021-04-23".into(), vec![1]));
        // no S: the current state counts as new, dated when it (re)began
        let c = h.change_between(0, None, &d("2021-04-27")).unwrap();
        assert!(c.from.is_none());
        assert_eq!(c.date.to_iso(), "2021-04-23");
    }

    #[test]
    fn a_new_row_with_the_same_state_is_no_transition() {
        let rows = vec![row(0, 1, "2021-01-01", None), row(0, 1, "2021-02-01", None)];
        let h = History::new(&rows, 1);
        let t = h.transitions(0);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].at.to_iso(), "2021-01-01");
        assert_eq!(h.periods(0).len(), 2, "periods still follow rows (sources differ)");
    }

    proptest::proptest! {
        #[test]
        fn prop_state_at_a_change_date_is_the_new_one_and_the_day_before_the_old(
            spec in rows_strategy(),
        ) {
            let rows = random_rows(&spec);
            let h = History::new(&rows, 1);
            let ts = h.transitions(0);
            for t in &ts {
                proptest::prop_assert!(same_state(h.state_as_of(0, t.at), t.to));
                proptest::prop_assert!(same_state(h.state_as_of(0, &t.at.add_days(-1)), t.from));
                proptest::prop_assert!(!same_state(t.from, t.to));
            }
            for w in ts.windows(2) {
                proptest::prop_assert!(w[0].at < w[1].at);
                proptest::prop_assert!(same_state(w[0].to, w[1].from));
            }
        }

        #[test]
        fn prop_periods_are_contiguous_disjoint_and_cover_the_states(spec in rows_strategy()) {
            let rows = random_rows(&spec);
            let h = History::new(&rows, 1);
            let periods = h.periods(0);
            for w in periods.windows(2) {
                let end = w[0].end.expect("only the last period may be open");
                proptest::prop_assert!(end.key() <= w[1].start.key(), "overlap");
                proptest::prop_assert!(w[0].start.key() < end.key());
            }
            for n in 0..60 {
                let t = d(&day(n));
                let covering: Vec<_> = periods
                    .iter()
                    .filter(|p| p.start.key() <= t.end() && p.end.is_none_or(|e| e.key() > t.end()))
                    .collect();
                let state = h.state_as_of(0, &t);
                proptest::prop_assert_eq!(covering.len(), usize::from(state.is_some()));
                if let (Some(p), Some(r)) = (covering.first(), state) {
                    proptest::prop_assert!(std::ptr::eq(p.row, r));
                }
            }
        }

        #[test]
        fn prop_change_between_matches_the_two_states(
            spec in rows_strategy(),
            s in 0u32..50,
            len in 0u32..20,
        ) {
            let rows = random_rows(&spec);
            let h = History::new(&rows, 1);
            let (from, to) = (d(&day(s)), d(&day(s + len)));
            let before = h.state_as_of(0, &from);
            let after = h.state_as_of(0, &to);
            match h.change_between(0, Some(&from), &to) {
                None => proptest::prop_assert!(same_state(before, after)),
                Some(c) => {
                    proptest::prop_assert!(!same_state(before, after));
                    proptest::prop_assert!(c.date.key() > from.end() && c.date.key() <= to.end());
                    proptest::prop_assert!(same_state(h.state_as_of(0, c.date), after));
                    // nothing changes after the date
                    for n in 0..=len {
                        let m = d(&day(s + n));
                        if m.key() >= c.date.key() {
                            proptest::prop_assert!(same_state(h.state_as_of(0, &m), after));
                        }
                    }
                }
            }
        }
    }
}
