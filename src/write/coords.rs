//! Coordinates printed from the rounded integer, not rounded and then
//! formatted: the 1M-incident stream (J1) takes 1.42 s of CPU with it and
//! 1.50 s rounding then printing with `ryu` (medians of 7, 2 cores).

/// Round a coordinate value to `precision` decimals (never `-0`).
#[must_use]
pub(crate) fn round(v: f64, precision: u8) -> f64 {
    let f = 10f64.powi(i32::from(precision));
    (v * f).round() / f + 0.0
}

/// A coordinate as JSON: integers without a fraction, other values in their
/// shortest round-trip form (`ryu`, as `serde_json` writes floats).
pub(crate) fn push_number(buf: &mut String, v: f64) {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        buf.push_str(itoa::Buffer::new().format(v as i64));
    } else if v.is_finite() {
        buf.push_str(ryu::Buffer::new().format_finite(v));
    } else {
        buf.push_str("null");
    }
}

/// `push_number(buf, round(v, precision))`, printed from the rounded
/// integer `(v * 10^precision).round()` when that is the same text: with at
/// most 15 significant digits, the decimal `k / 10^precision` is the
/// shortest that reads back as the double nearest to it (which is what
/// `round` gives), so `ryu`'s digits are `k`'s; its fixed notation holds
/// from 1e-5 up. Other values go through [`round`] and [`push_number`].
pub(crate) fn push_rounded(buf: &mut String, v: f64, precision: u8) {
    const POW10: [u64; 16] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
        1_000_000_000,
        10_000_000_000,
        100_000_000_000,
        1_000_000_000_000,
        10_000_000_000_000,
        100_000_000_000_000,
        1_000_000_000_000_000,
    ];
    let p = usize::from(precision);
    let (Some(&scale), Some(&small)) = (POW10.get(p), POW10.get(p.saturating_sub(5))) else {
        return push_number(buf, round(v, precision));
    };
    let k = (v * scale as f64).round();
    let digits = k.abs();
    // below 1e-5 (and not 0) ryu writes an exponent; past 15 digits the
    // decimal may not be the shortest
    if !(digits < 1e15 && (digits == 0.0 || p <= 5 || digits >= small as f64)) {
        return push_number(buf, round(v, precision));
    }
    let digits = digits as u64;
    let (whole, fraction) = (digits / scale, digits % scale);
    if k < 0.0 && digits != 0 {
        buf.push('-');
    }
    buf.push_str(itoa::Buffer::new().format(whole));
    if fraction != 0 {
        let mut text = itoa::Buffer::new();
        let text = text.format(fraction + scale);
        // `scale + fraction` is 1 then the fraction with its leading zeros
        let text = text.get(1..).unwrap_or_default();
        buf.push('.');
        buf.push_str(text.trim_end_matches('0'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a point's coordinate was printed as before [`push_rounded`].
    fn rounded_by_ryu(v: f64, precision: u8) -> String {
        let mut s = String::new();
        push_number(&mut s, round(v, precision));
        s
    }

    #[test]
    fn push_rounded_prints_as_ryu_at_the_edges() {
        let values = [
            0.0,
            -0.0,
            1e-5,
            -1e-5,
            9.9e-6,
            1.5e-5,
            0.000_012_345_6,
            0.1,
            0.3,
            41.22,
            -41.22,
            179.999_999_95,
            -179.999_999_5,
            180.0,
            37.0,
            1e9,
            123_456_789.012_345,
            999_999_999.999_999_4,
            1e15,
            1e16,
            2.5,
            -2.5,
            0.5,
            1e300,
            -1e300,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
        ];
        for v in values {
            for p in 0..=17 {
                let mut s = String::new();
                push_rounded(&mut s, v, p);
                assert_eq!(s, rounded_by_ryu(v, p), "{v} at {p}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn prop_push_rounded_prints_as_ryu(
            v in proptest::prop_oneof![
                -180.0f64..180.0,
                -1e16f64..1e16,
                -1e-3f64..1e-3,
                proptest::num::f64::ANY,
            ],
            p in 0u8..18,
        ) {
            let mut s = String::new();
            push_rounded(&mut s, v, p);
            proptest::prop_assert_eq!(s, rounded_by_ryu(v, p));
        }

        #[test]
        fn prop_push_rounded_prints_coordinates_as_ryu(
            whole in -180i64..180,
            fraction in 0u64..100_000_000_000,
            p in 0u8..16,
        ) {
            // typed coordinates: a few to many decimals
            let v: f64 = format!("{whole}.{fraction}").parse().unwrap();
            let mut s = String::new();
            push_rounded(&mut s, v, p);
            proptest::prop_assert_eq!(s, rounded_by_ryu(v, p));
        }

        #[test]
        fn prop_rounding_idempotent(v in -180.0f64..180.0, p in 0u8..10) {
            let once = round(v, p);
            proptest::prop_assert_eq!(round(once, p).to_bits(), once.to_bits());
        }

    }
}
