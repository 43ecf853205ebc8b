//! Shared borders: arcs between zones of different groups, per group pair.
//!
//! Owns [`Topology::shared_borders`](super::Topology::shared_borders): which
//! arcs are contact lines, how they are oriented (first group of the pair on
//! the left) and how consecutive arcs are chained into long lines. It does
//! not compute lengths or styles; the frontlines layer does.

use std::collections::{BTreeMap, HashMap};

use geo::{Coord, LineString, MultiLineString};

use super::Topology;

/// The border between two groups (e.g. the contact line between two forces).
#[derive(Debug, Clone, PartialEq)]
pub struct Border {
    /// The two groups, sorted (`groups.0 < groups.1`).
    pub groups: (String, String),
    /// Indices of the zones on either side of the border, sorted, unique.
    pub zones: Vec<usize>,
    /// Indices of the arcs making up the border, sorted.
    pub arcs: Vec<usize>,
    /// The border as lines, consecutive arcs chained; each line has
    /// `groups.0` on its left.
    pub lines: MultiLineString<f64>,
}

/// Hashable key of a node position.
fn key(c: Coord<f64>) -> (u64, u64) {
    (c.x.to_bits(), c.y.to_bits())
}

/// See [`Topology::shared_borders`](super::Topology::shared_borders).
pub(super) fn shared_borders<'g>(
    topo: &Topology,
    group: impl Fn(usize) -> Option<&'g str>,
) -> Vec<Border> {
    // (group a, group b) → (arc index, forward), with a < b and a on the left.
    let mut pairs: BTreeMap<(&str, &str), Vec<(usize, bool)>> = BTreeMap::new();
    for (i, arc) in topo.arcs.iter().enumerate() {
        let (Some(l), Some(r)) = (arc.left, arc.right) else { continue };
        let (Some(gl), Some(gr)) = (group(l), group(r)) else { continue };
        if gl < gr {
            pairs.entry((gl, gr)).or_default().push((i, true));
        } else if gr < gl {
            pairs.entry((gr, gl)).or_default().push((i, false));
        }
    }
    pairs
        .into_iter()
        .map(|((a, b), arcs)| {
            let mut zones: Vec<usize> = arcs
                .iter()
                .filter_map(|&(i, _)| topo.arcs.get(i))
                .flat_map(|arc| arc.left.into_iter().chain(arc.right))
                .collect();
            zones.sort_unstable();
            zones.dedup();
            let mut indices: Vec<usize> = arcs.iter().map(|&(i, _)| i).collect();
            indices.sort_unstable();
            Border {
                groups: (a.to_string(), b.to_string()),
                zones,
                arcs: indices,
                lines: chain(topo, &arcs),
            }
        })
        .collect()
}

/// Chains directed arcs into lines, joining at nodes where exactly one arc
/// of the set ends and exactly one starts.
fn chain(topo: &Topology, arcs: &[(usize, bool)]) -> MultiLineString<f64> {
    let directed = topo.directed(arcs);

    let mut outgoing: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    let mut incoming: HashMap<(u64, u64), usize> = HashMap::new();
    for (i, coords) in directed.iter().enumerate() {
        if let (Some(&s), Some(&e)) = (coords.first(), coords.last()) {
            outgoing.entry(key(s)).or_default().push(i);
            *incoming.entry(key(e)).or_default() += 1;
        }
    }
    let joinable = |c: Coord<f64>| {
        incoming.get(&key(c)).copied().unwrap_or(0) == 1
            && outgoing.get(&key(c)).map_or(0, Vec::len) == 1
    };
    let next_of = |c: Coord<f64>| -> Option<usize> {
        if joinable(c) {
            outgoing.get(&key(c)).and_then(|v| v.first().copied())
        } else {
            None
        }
    };

    let mut used = vec![false; directed.len()];
    let mut lines: Vec<LineString<f64>> = Vec::new();
    // First open chains (starting where no join is possible), then cycles.
    let starts: Vec<usize> = (0..directed.len())
        .filter(|&i| directed.get(i).and_then(|c| c.first()).is_some_and(|&s| !joinable(s)))
        .chain(0..directed.len())
        .collect();
    for start in starts {
        if used.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut line: Vec<Coord<f64>> = Vec::new();
        let mut cur = Some(start);
        while let Some(i) = cur {
            let Some(flag) = used.get_mut(i) else { break };
            if *flag {
                break;
            }
            *flag = true;
            let Some(coords) = directed.get(i) else { break };
            let skip = usize::from(!line.is_empty());
            line.extend(coords.iter().skip(skip));
            cur = coords.last().and_then(|&e| next_of(e));
        }
        lines.push(LineString::new(line));
    }
    MultiLineString::new(lines)
}

#[cfg(test)]
mod tests {
    use geo::{polygon, MultiPolygon};

    use super::*;

    #[test]
    fn borders_of_two_groups_are_chained() {
        // Three squares in a row: a | b | c, groups x, y, y. The border x|y
        // is one arc; then split b/c vertically into two zones of y above
        // an x zone below: two arcs chained into one line.
        let sq = |x0: f64, y0: f64| {
            MultiPolygon::new(vec![polygon![
                (x: x0, y: y0), (x: x0 + 1.0, y: y0), (x: x0 + 1.0, y: y0 + 1.0), (x: x0, y: y0 + 1.0)
            ]])
        };
        let bottom = MultiPolygon::new(vec![polygon![
            (x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)
        ]]);
        let zones = vec![
            ("bottom".to_string(), bottom),
            ("tl".to_string(), sq(0.0, 1.0)),
            ("tr".to_string(), sq(1.0, 1.0)),
        ];
        let topo = Topology::build(&zones, 0.0);
        let groups = ["x", "y", "y"];
        let borders = topo.shared_borders(|z| groups.get(z).copied());
        assert_eq!(borders.len(), 1);
        let b = &borders[0];
        assert_eq!(b.groups, ("x".to_string(), "y".to_string()));
        assert_eq!(b.zones, vec![0, 1, 2]);
        assert_eq!(b.arcs.len(), 2);
        assert_eq!(b.lines.0.len(), 1);
        let line: Vec<(f64, f64)> = b.lines.0[0].0.iter().map(|c| (c.x, c.y)).collect();
        // x (bottom) on the left: walking west along y = 1.
        assert_eq!(line, vec![(2.0, 1.0), (1.0, 1.0), (0.0, 1.0)]);
    }
}
