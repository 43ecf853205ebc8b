//! Natural order of ids: `2` before `10`, `row-9` before `row-10`.

use std::cmp::Ordering;

/// Compare ids so that `2` comes before `10` and `row-9` before `row-10`.
///
/// Runs of ASCII digits compare by their value (of any length: leading
/// zeros are skipped, then the longer run is the greater), everything else
/// byte by byte; ids that are equal so (`01` and `1`) compare as bytes, so
/// the order is total. Nothing is allocated.
#[must_use]
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let (dx, rx) = x.split_at(digits(x));
                let (dy, ry) = y.split_at(digits(y));
                let (tx, ty) = (without_leading_zeros(dx), without_leading_zeros(dy));
                let o = tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty));
                if o != Ordering::Equal {
                    return o;
                }
                x = rx;
                y = ry;
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = x.get(1..).unwrap_or_default();
                y = y.get(1..).unwrap_or_default();
            }
        }
    }
}

/// The length of the run of ASCII digits `s` starts with.
fn digits(s: &[u8]) -> usize {
    s.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// `digits` without its leading zeros.
fn without_leading_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|c| **c == b'0').count();
    digits.get(zeros..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn natural_order_of_ids() {
        let mut ids = vec!["row-10", "row-9", "b", "a", "2", "10", "01"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, vec!["01", "2", "10", "a", "b", "row-9", "row-10"]);
    }

    #[test]
    fn equal_numbers_fall_back_to_bytes() {
        assert_eq!(natural_cmp("01", "1"), Ordering::Less);
        assert_eq!(natural_cmp("a1b", "a01b"), Ordering::Greater);
        assert_eq!(natural_cmp("a007", "a7"), Ordering::Less);
        assert_eq!(natural_cmp("x", "x"), Ordering::Equal);
    }

    /// Ids made of digits, a few letters and separators, and now and then
    /// a character outside ASCII.
    fn id() -> impl Strategy<Value = String> {
        "([0-9]{1,3}|0{1,2}[0-9]|[ab]|-|_|é|\u{661}){0,6}"
    }

    /// Numbers of a few digits and of up to 39.
    fn number() -> impl Strategy<Value = u128> {
        prop_oneof![0u128..1000, any::<u128>()]
    }

    proptest! {
        /// A total order: antisymmetric, equal only for equal ids, and
        /// transitive.
        #[test]
        fn prop_total_order(a in id(), b in id(), c in id()) {
            prop_assert_eq!(natural_cmp(&a, &b), natural_cmp(&b, &a).reverse());
            prop_assert_eq!(natural_cmp(&a, &b) == Ordering::Equal, a == b);
            let ids = [&a, &b, &c];
            for (i, j, k) in [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)] {
                let (x, y, z) = (ids[i], ids[j], ids[k]);
                if natural_cmp(x, y).is_le() && natural_cmp(y, z).is_le() {
                    prop_assert!(natural_cmp(x, z).is_le(), "{:?} {:?} {:?}", x, y, z);
                }
            }
        }

        /// Between the same prefix and suffix, digit runs of different
        /// values compare as their numbers, whatever their leading zeros and
        /// lengths (beyond 64 bits too).
        #[test]
        fn prop_digit_runs_compare_as_numbers(
            prefix in "(([0-9]{1,3}|[ab]|-|é){0,4}[ab_é-])?",
            suffix in "(([ab]|-|é)([0-9]|[ab]|-){0,4})?",
            (m, n) in (number(), number()),
            (zm, zn) in (0usize..3, 0usize..3),
        ) {
            prop_assume!(m != n);
            let a = format!("{prefix}{}{m}{suffix}", "0".repeat(zm));
            let b = format!("{prefix}{}{n}{suffix}", "0".repeat(zn));
            prop_assert_eq!(natural_cmp(&a, &b), m.cmp(&n), "{} {}", a, b);
        }
    }
}
