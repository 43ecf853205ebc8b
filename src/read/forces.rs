//! Reading `forces.csv`: id, name, color, aliases, bloc, and `name:xx` columns.

use super::table::Table;
use crate::error::{Diagnostic, Diagnostics};
use crate::model::Force;
use crate::style;
use std::collections::BTreeMap;

/// Read forces from a table. Forces without a colour get palette colours.
pub fn read(table: &Table, diags: &mut Diagnostics) -> Vec<Force> {
    let Some(id_col) = table.column(&["id", "force"]) else {
        table.missing_column("id", diags);
        return Vec::new();
    };
    let name_col = table.column(&["name"]);
    let color_col = table.column(&["color", "colour", "fill"]);
    let aliases_col = table.column(&["aliases", "alias"]);
    let bloc_col = table.column(&["bloc", "side", "camp"]);
    let lang_cols: Vec<(String, usize)> = table
        .headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.strip_prefix("name:").map(|l| (l.to_string(), i)))
        .collect();
    let mut forces: Vec<Force> = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for row in &table.rows {
        let id = row.get(id_col).to_string();
        if id.is_empty() {
            diags.push(Diagnostic::error(table.cell(row, id_col), "force has no id"));
            continue;
        }
        if let Some(first) = seen.get(&id) {
            diags.push(
                Diagnostic::error(table.cell(row, id_col), "duplicate force id")
                    .with_value(&id)
                    .with_hint(format!("line {first} has the same id")),
            );
            continue;
        }
        seen.insert(id.clone(), row.line);
        let color = match row.value(color_col) {
            None => String::new(),
            Some(c) => match style::normalize_color(c) {
                Some(c) => c,
                None => {
                    diags.push(
                        Diagnostic::error(
                            table.cell(row, color_col.unwrap_or(0)),
                            "invalid colour",
                        )
                        .with_value(c)
                        .with_hint("write colours as #rrggbb, e.g. #0072b2"),
                    );
                    String::new()
                }
            },
        };
        forces.push(Force {
            name: row.value(name_col).unwrap_or(&id).to_string(),
            id,
            color,
            aliases: row.value(aliases_col).map(split_list).unwrap_or_default(),
            bloc: row.value(bloc_col).map(String::from),
            names: lang_cols
                .iter()
                .filter_map(|(l, c)| row.value(Some(*c)).map(|v| (l.clone(), v.to_string())))
                .collect(),
        });
    }
    assign_colors(&mut forces);
    forces
}

/// Split a `|`- or `;`-separated list.
#[must_use]
pub fn split_list(s: &str) -> Vec<String> {
    s.split(['|', ';']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// Give forces without a colour the palette colours, in id order, skipping
/// colours already taken.
pub fn assign_colors(forces: &mut [Force]) {
    let taken: Vec<String> = forces.iter().map(|f| f.color.to_ascii_lowercase()).collect();
    let mut order: Vec<usize> =
        (0..forces.len()).filter(|i| forces.get(*i).is_some_and(|f| f.color.is_empty())).collect();
    order.sort_by(|a, b| forces.get(*a).map(|f| &f.id).cmp(&forces.get(*b).map(|f| &f.id)));
    let mut n = 0;
    for i in order {
        let mut color = style::nth_color(n).to_ascii_lowercase();
        let mut tries = 0;
        while taken.contains(&color) && tries < style::palette().len() {
            n += 1;
            tries += 1;
            color = style::nth_color(n).to_ascii_lowercase();
        }
        n += 1;
        if let Some(f) = forces.get_mut(i) {
            f.color = color;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn reads_forces_and_fills_colours() {
        let mut d = Diagnostics::new();
        let t = Table::from_bytes(
            Path::new("forces.csv"),
            "id,name,color,aliases,name:ar\nndf,National Defence Forces,,NDF|الدفاع الوطني,الدفاع الوطني\nasayish,Asayish,#0072B2,,\nndf,dup,,,\nx,X,red,,\n".as_bytes(),
            &mut d,
        )
        .unwrap();
        let f = read(&t, &mut d);
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].aliases, vec!["NDF", "الدفاع الوطني"]);
        assert_eq!(f[0].names, vec![("ar".to_string(), "الدفاع الوطني".to_string())]);
        assert_eq!(f[1].color, "#0072b2");
        // ndf and x get palette colours in id order, skipping asayish's blue
        assert_eq!(f[0].color, "#e69f00");
        assert_eq!(f[2].color, "#009e73");
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            vec![
                "forces.csv:4:1: duplicate force id \"ndf\" — line 2 has the same id",
                "forces.csv:5:3: invalid colour \"red\" — write colours as #rrggbb, e.g. #0072b2",
            ]
        );
    }
}
