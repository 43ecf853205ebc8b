//! Reading `control.csv`: who holds each zone from when.
//!
//! Zone and force references are resolved by id, name or alias through
//! [`NameIndex`]; an unknown one is an error with a "did you mean" hint.
//! Without `forces.csv`, every force named here becomes a force of its own.
//! Two rows for one zone and one `since` that disagree are an error naming
//! both lines.

use super::forces::split_list;
use super::table::{Row, Table};
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::model::{ControlRow, Force, Lookup, Moment, NameIndex, Status};
use crate::read::date::{DateParser, SlashOrder};
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::collections::hash_map::Entry;

/// The forces a project knows, and whether new ones may be added.
#[derive(Debug, Default)]
pub struct ForceRegistry {
    /// The forces.
    pub forces: Vec<Force>,
    /// Names, ids and aliases of the forces.
    pub names: NameIndex,
    /// Whether unknown names create forces (no `forces.csv`).
    pub implicit: bool,
}

impl ForceRegistry {
    /// A registry over forces read from `forces.csv`.
    #[must_use]
    pub fn from_forces(forces: Vec<Force>) -> Self {
        let mut names = NameIndex::new();
        for (i, f) in forces.iter().enumerate() {
            names.insert(&f.name, i);
            names.insert(&f.id, i);
            for a in &f.aliases {
                names.insert(a, i);
            }
        }
        ForceRegistry { forces, names, implicit: false }
    }

    /// A registry that learns forces from `control.csv`.
    #[must_use]
    pub fn implicit() -> Self {
        ForceRegistry { implicit: true, ..Self::default() }
    }

    /// Resolve a force name, creating it when the registry is implicit.
    fn resolve(&mut self, name: &str) -> Lookup {
        match self.names.lookup(name) {
            Lookup::Missing if self.implicit => {
                let i = self.forces.len();
                self.forces.push(Force {
                    id: name.to_string(),
                    name: name.to_string(),
                    color: String::new(),
                    aliases: Vec::new(),
                    bloc: None,
                    names: Vec::new(),
                });
                self.names.insert(name, i);
                Lookup::Found(i)
            }
            other => other,
        }
    }
}

/// Column names accepted for each field.
const ZONE: &[&str] = &["zone", "zone_id", "area", "neighbourhood", "neighborhood"];
const FORCE: &[&str] = &["force", "forces", "controller", "held_by", "actor"];
const SINCE: &[&str] = &["since", "from", "start", "date"];
const UNTIL: &[&str] = &["until", "to", "end"];
const STATUS: &[&str] = &["status", "state"];
const SOURCE: &[&str] = &["source", "sources"];
const NOTE: &[&str] = &["note", "notes", "comment"];

/// Read control rows.
pub fn read(
    table: &Table,
    zones: &NameIndex,
    forces: &mut ForceRegistry,
    date_format: Option<&str>,
    diags: &mut Diagnostics,
) -> Vec<ControlRow> {
    let (Some(zone_col), Some(force_col), Some(since_col)) =
        (table.column(ZONE), table.column(FORCE), table.column(SINCE))
    else {
        for (name, names) in [("zone", ZONE), ("force", FORCE), ("since", SINCE)] {
            if table.column(names).is_none() {
                table.missing_column(name, diags);
            }
        }
        return Vec::new();
    };
    let until_col = table.column(UNTIL);
    let status_col = table.column(STATUS);
    let source_col = table.column(SOURCE);
    let note_col = table.column(NOTE);
    let known = [
        Some(zone_col),
        Some(force_col),
        Some(since_col),
        until_col,
        status_col,
        source_col,
        note_col,
    ];
    let extra_cols: Vec<usize> =
        (0..table.headers.len()).filter(|c| !known.contains(&Some(*c))).collect();

    let parser = date_parser(table, &[Some(since_col), until_col], date_format, diags);
    let cols = Columns {
        zone: zone_col,
        force: force_col,
        since: since_col,
        until: until_col,
        status: status_col,
        source: source_col,
        note: note_col,
        extra: &extra_cols,
    };
    // Forces first, in file order (an implicit registry learns them as they
    // come); then the rest of every row, in parallel.
    let mut found = Diagnostics::new();
    // A control file names the same few forces thousands of times: a cell
    // resolved once is not resolved again (a cell with a problem is, and
    // reported on every row it is on).
    let mut resolved: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    let named: Vec<Option<Vec<usize>>> = table
        .rows
        .iter()
        .map(|row| {
            let cell = row.get(force_col);
            if let Some(ids) = resolved.get(cell) {
                return Some(ids.clone());
            }
            let ids = row_forces(table, row, forces, force_col, &mut found)?;
            resolved.insert(cell, ids.clone());
            Some(ids)
        })
        .collect();
    let (chunks, more): (Vec<Vec<ControlRow>>, Vec<Diagnostics>) = table
        .rows
        .par_chunks(ROWS_PER_TASK)
        .zip(named.par_chunks(ROWS_PER_TASK))
        .map(|(rows, named)| {
            let mut found = Diagnostics::new();
            let rows = rows
                .iter()
                .zip(named)
                .filter_map(|(row, named)| {
                    read_row(table, row, zones, named.as_deref(), &parser, &cols, &mut found)
                })
                .collect();
            (rows, found)
        })
        .unzip();
    for d in more {
        found.extend(d);
    }
    found.sort(); // in file order, as one pass would have found them
    diags.extend(found);
    // moved, not cloned (`concat` clones every row, then drops the chunks)
    let mut rows = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        rows.extend(chunk);
    }
    check_conflicts(table, &rows, diags);
    rows
}

struct Columns<'a> {
    zone: usize,
    force: usize,
    since: usize,
    until: Option<usize>,
    status: Option<usize>,
    source: Option<usize>,
    note: Option<usize>,
    extra: &'a [usize],
}

/// A date parser for the given columns, with the slash order decided by
/// their values; contradictory columns are reported.
pub(crate) fn date_parser(
    table: &Table,
    columns: &[Option<usize>],
    date_format: Option<&str>,
    diags: &mut Diagnostics,
) -> DateParser {
    let parser = DateParser::new().with_format(date_format.map(String::from));
    if date_format.is_some() {
        return parser;
    }
    let values = table.rows.iter().flat_map(|r| columns.iter().flatten().map(move |c| r.get(*c)));
    match SlashOrder::detect(values) {
        Some(order) => parser.with_order(order),
        None => {
            // Name one cell of each form, so the user can see the clash.
            let first = |want: SlashOrder| {
                table.rows.iter().find_map(|r| {
                    columns.iter().flatten().find_map(|c| {
                        let v = r.get(*c);
                        (SlashOrder::detect([v]) == Some(want)).then_some((r, *c, v))
                    })
                })
            };
            let (day, month) = (first(SlashOrder::DayFirst), first(SlashOrder::MonthFirst));
            let location = month.map_or_else(
                || Location::File { path: table.path.clone() },
                |(r, c, _)| table.cell(r, c),
            );
            let mut d = Diagnostic::error(location, "dates mix day-first and month-first forms");
            if let Some((_, _, v)) = month {
                d = d.with_value(v);
            }
            let day_line = day.map_or(String::new(), |(r, _, v)| {
                format!("line {} has the day first (\"{v}\"); ", r.line)
            });
            diags.push(d.with_hint(format!(
                "{day_line}set date_format in frontline.toml, e.g. date_format = \"%d/%m/%Y\""
            )));
            parser
        }
    }
}

/// Parse a date cell, reporting a problem.
pub(crate) fn parse_date(
    table: &Table,
    row: &Row,
    column: usize,
    parser: &DateParser,
    diags: &mut Diagnostics,
) -> Option<Moment> {
    let value = row.get(column);
    match parser.parse(value) {
        Ok(m) => Some(m),
        Err(e) => {
            let (message, hint) = e.describe();
            let message = if value.is_empty() { "missing date" } else { message };
            diags.push(
                Diagnostic::error(table.cell(row, column), message)
                    .with_value(value)
                    .with_hint(hint),
            );
            None
        }
    }
}

/// Rows read per parallel task.
const ROWS_PER_TASK: usize = 2048;

/// The forces a row names, resolved and in id order; `None` when one is
/// missing, unknown or ambiguous (reported).
fn row_forces(
    table: &Table,
    row: &Row,
    forces: &mut ForceRegistry,
    column: usize,
    diags: &mut Diagnostics,
) -> Option<Vec<usize>> {
    let mut ok = true;
    let names = split_list(row.get(column));
    let mut force_ids = Vec::new();
    if names.is_empty() {
        ok = false;
        diags.push(
            Diagnostic::error(table.cell(row, column), "missing force").with_hint(
                "name the force that holds the zone (several joined by | when contested)",
            ),
        );
    }
    for name in &names {
        match forces.resolve(name) {
            Lookup::Found(f) => {
                if !force_ids.contains(&f) {
                    force_ids.push(f);
                }
            }
            Lookup::Ambiguous(_) => {
                ok = false;
                diags.push(
                    Diagnostic::error(table.cell(row, column), "force name is ambiguous")
                        .with_value(name)
                        .with_hint("several forces have this name or alias; use the force id"),
                );
            }
            Lookup::Missing | Lookup::Dropped => {
                ok = false;
                let hint = forces.names.did_you_mean(name).unwrap_or_else(|| {
                    "forces are matched by id, name or alias from forces.csv".into()
                });
                diags.push(
                    Diagnostic::error(table.cell(row, column), "unknown force")
                        .with_value(name)
                        .with_hint(hint),
                );
            }
        }
    }
    force_ids.sort_by(|a, b| {
        let id = |i: &usize| forces.forces.get(*i).map(|f| f.id.as_str());
        id(a).cmp(&id(b))
    });
    ok.then_some(force_ids)
}

/// A control row from a table row whose forces are resolved already
/// (`None`: they were reported).
#[allow(clippy::too_many_arguments)]
fn read_row(
    table: &Table,
    row: &Row,
    zones: &NameIndex,
    force_ids: Option<&[usize]>,
    parser: &DateParser,
    cols: &Columns<'_>,
    diags: &mut Diagnostics,
) -> Option<ControlRow> {
    let mut ok = force_ids.is_some();
    let zone_text = row.get(cols.zone);
    let zone = match zones.lookup(zone_text) {
        Lookup::Found(z) => Some(z),
        // the zone's own error says why; its rows are not errors again
        Lookup::Dropped => return None,
        Lookup::Ambiguous(_) => {
            diags.push(
                Diagnostic::error(table.cell(row, cols.zone), "zone name is ambiguous")
                    .with_value(zone_text)
                    .with_hint("several zones have this name or alias; use the zone id"),
            );
            None
        }
        Lookup::Missing => {
            let mut d = Diagnostic::error(
                table.cell(row, cols.zone),
                if zone_text.is_empty() { "missing zone" } else { "unknown zone" },
            )
            .with_value(zone_text);
            if let Some(h) = zones.did_you_mean(zone_text) {
                d = d.with_hint(h);
            } else {
                d = d.with_hint("zones are matched by id, name or alias from the zones file");
            }
            diags.push(d);
            None
        }
    };
    let status_text = cols.status.map_or("", |c| row.get(c));
    let status = Status::parse(status_text).unwrap_or_else(|| {
        ok = false;
        diags.push(
            Diagnostic::error(table.cell(row, cols.status.unwrap_or(0)), "unknown status")
                .with_value(status_text)
                .with_hint("use held, contested or claimed"),
        );
        Status::Held
    });
    let force_ids = force_ids.unwrap_or_default();
    if ok && status != Status::Contested && force_ids.len() > 1 {
        ok = false;
        diags.push(
            Diagnostic::error(
                table.cell(row, cols.force),
                format!("{status} zone names several forces"),
            )
            .with_value(row.get(cols.force))
            .with_hint("set status to contested, or name one force"),
        );
    }
    let since = parse_date(table, row, cols.since, parser, diags);
    let until = match cols.until.filter(|c| !row.get(*c).is_empty()) {
        Some(c) => parse_date(table, row, c, parser, diags).map(Some),
        None => Some(None),
    };
    let (Some(zone), Some(since), Some(until), true) = (zone, since, until, ok) else {
        return None;
    };
    if let Some(u) = &until {
        if *u <= since {
            diags.push(
                Diagnostic::error(
                    table.cell(row, cols.until.unwrap_or(0)),
                    "until is not after since",
                )
                .with_value(u.to_iso())
                .with_hint(format!("since is {since}")),
            );
            return None;
        }
    }
    Some(ControlRow {
        zone,
        forces: force_ids.to_vec(),
        status,
        since,
        until,
        source: row.value(cols.source).map(String::from),
        note: row.value(cols.note).map(String::from),
        extra: cols
            .extra
            .iter()
            .filter_map(|c| Some((table.headers.get(*c)?.clone(), row.get(*c).to_string())))
            .collect(),
        line: row.line,
    })
}

/// Rows for the same zone and `since` must agree.
fn check_conflicts(table: &Table, rows: &[ControlRow], diags: &mut Diagnostics) {
    let mut first: FxHashMap<(usize, chrono::NaiveDateTime), &ControlRow> =
        FxHashMap::with_capacity_and_hasher(rows.len(), FxBuildHasher);
    for r in rows {
        match first.entry((r.zone, r.since.key())) {
            Entry::Vacant(v) => {
                v.insert(r);
            }
            Entry::Occupied(o) => {
                let f = *o.get();
                let loc = Location::Record { path: table.path.clone(), line: r.line };
                if f.forces == r.forces && f.status == r.status && f.until == r.until {
                    diags.push(
                        Diagnostic::warning(loc, "duplicate control row")
                            .with_hint(format!("line {} says the same", f.line)),
                    );
                } else {
                    diags.push(
                        Diagnostic::error(
                            loc,
                            "conflicting control rows for the same zone and date",
                        )
                        .with_value(r.since.to_iso())
                        .with_hint(format!(
                            "line {} gives a different state; keep one of them",
                            f.line
                        )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn setup(csv: &str, implicit: bool) -> (Vec<ControlRow>, ForceRegistry, Diagnostics) {
        let mut d = Diagnostics::new();
        let t = Table::from_bytes(Path::new("control.csv"), csv.as_bytes(), &mut d).unwrap();
        let mut zones = NameIndex::new();
        for (i, names) in
            [["al-Tay", "al-tay", "Tayy"], ["Kilo", "kilo", "Kîlo"]].iter().enumerate()
        {
            for n in names {
                zones.insert(n, i);
            }
        }
        let mut forces = if implicit {
            ForceRegistry::implicit()
        } else {
            let f = |id: &str, name: &str| Force {
                id: id.into(),
                name: name.into(),
                color: String::new(),
                aliases: vec![],
                bloc: None,
                names: vec![],
            };
            ForceRegistry::from_forces(vec![
                f("ndf", "National Defence Forces"),
                f("asayish", "Asayish"),
            ])
        };
        let rows = read(&t, &zones, &mut forces, None, &mut d);
        (rows, forces, d)
    }

    #[test]
    fn resolves_names_and_sorts_contested_forces() {
        let (rows, forces, d) = setup(
            "zone,force,since,status,source\nTAYY,National Defence Forces,2016-01-01,,a\nal-Tay,ndf|asayish,2021-04-20,contested,b\n",
            false,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[1].forces.iter().map(|f| forces.forces[*f].id.as_str()).collect::<Vec<_>>(),
            ["asayish", "ndf"]
        );
        assert_eq!(rows[1].status, Status::Contested);
    }

    #[test]
    fn unknown_names_suggest_alternatives() {
        let (rows, _, d) = setup(
            "zone,force,since\nTai,ndf,2021-04-20\nkilo,asaysh,2021-04-20\nkilo,ndf,2021-02-30\nkilo,ndf|asayish,2021-04-21\n",
            false,
        );
        assert!(rows.is_empty());
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(msgs.join("\n"), @r#"
        control.csv:2:1: unknown zone "Tai" — did you mean "al-Tay"?
        control.csv:3:2: unknown force "asaysh" — did you mean "Asayish"?
        control.csv:4:3: impossible date "2021-02-30" — this day does not exist in the calendar
        control.csv:5:2: held zone names several forces "ndf|asayish" — set status to contested, or name one force
        "#);
    }

    #[test]
    fn conflicting_rows_name_both_lines() {
        let (_, _, d) = setup(
            "zone,force,since\nkilo,ndf,2021-04-20\nKîlo,asayish,2021-04-20\nkilo,ndf,2021-04-20\n",
            false,
        );
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(msgs, [
            "control.csv:3: conflicting control rows for the same zone and date \"2021-04-20\" — line 2 gives a different state; keep one of them",
            "control.csv:4: warning: duplicate control row — line 2 says the same",
        ]);
    }

    #[test]
    fn implicit_forces_are_learned() {
        let (rows, forces, d) =
            setup("zone,force,since\nkilo,NDF,2021-04-20\nal-tay,ndf,2021-04-20\n", true);
        assert!(d.is_empty());
        assert_eq!(forces.forces.len(), 1);
        assert_eq!(rows[1].forces, vec![0]);
    }
}
