//! k6's own checks of segment and sequence text (`lib/execution_segment.go`), with its
//! words: values are Go `big.Rat`s (signed decimals, exponents, fractions, integer
//! percentages), printed with two decimals. These run before rk6 builds its stripes, so a
//! value k6 refuses is refused with k6's message.

/// A signed rational, as `big.Rat` holds it (num/den, den > 0), small enough for i128.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct BigRat {
    num: i128,
    den: i128,
}

impl BigRat {
    fn cmp(self, o: BigRat) -> std::cmp::Ordering {
        (self.num * o.den).cmp(&(o.num * self.den))
    }

    /// `big.Rat.FloatString(2)`: rounded half away from zero.
    fn float_string(self) -> String {
        let neg = self.num < 0;
        let scaled = self.num.abs() * 100;
        let (mut q, r) = (scaled / self.den, scaled % self.den);
        if r * 2 >= self.den {
            q += 1;
        }
        format!(
            "{}{}.{:02}",
            if neg && q != 0 { "-" } else { "" },
            q / 100,
            q % 100
        )
    }

    /// Go's `big.Rat.SetString`: `a/b`, or a decimal with an optional exponent.
    fn parse(s: &str) -> Option<BigRat> {
        if let Some((a, b)) = s.split_once('/') {
            let num: i128 = go_int(a)?;
            let den: i128 = b.parse().ok().filter(|d| *d > 0 && !b.starts_with('+'))?;
            return Some(BigRat { num, den });
        }
        let (mantissa, exp) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
            None => (s, 0),
        };
        let (sign, digits) = match mantissa.strip_prefix('-') {
            Some(d) => (-1, d),
            None => (1, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
            return None;
        }
        let scale = exp - i32::try_from(frac.len()).ok()?;
        let mut num: i128 = format!("{int}{frac}").parse().ok()?;
        let mut den: i128 = 1;
        let pow = 10i128.checked_pow(scale.unsigned_abs())?;
        if scale >= 0 {
            num = num.checked_mul(pow)?;
        } else {
            den = pow;
        }
        Some(BigRat {
            num: sign * num,
            den,
        })
    }
}

/// A decimal or fraction as Go's `big.Rat` reads it, as (numerator, denominator).
pub(super) fn parts(s: &str) -> Option<(i128, i128)> {
    BigRat::parse(s).map(|r| (r.num, r.den))
}

/// Go's `big.Int.SetString(s, 10)`: an optional sign and decimal digits.
fn go_int(s: &str) -> Option<i128> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// k6's `stringToRat`.
fn to_rat(s: &str) -> Result<BigRat, String> {
    if let Some(p) = s.strip_suffix('%') {
        let num = go_int(p).ok_or_else(|| format!("'{s}' is not a valid percentage"))?;
        return Ok(BigRat { num, den: 100 });
    }
    BigRat::parse(s).ok_or_else(|| {
        format!("'{s}' is not a valid percentage, decimal, fraction or interval value")
    })
}

/// k6's `NewExecutionSegment` checks.
fn check_segment(from: BigRat, to: BigRat) -> Result<(), String> {
    use std::cmp::Ordering::*;
    let zero = BigRat { num: 0, den: 1 };
    if from.cmp(zero) == Less {
        return Err(format!(
            "segment start value must be at least 0 but was {}",
            from.float_string()
        ));
    }
    if from.cmp(to) != Less {
        return Err(format!(
            "segment start({}) must be less than its end({})",
            from.float_string(),
            to.float_string()
        ));
    }
    if to.cmp(BigRat { num: 1, den: 1 }) == Greater {
        return Err(format!(
            "segment end value can't be more than 1 but was {}",
            to.float_string()
        ));
    }
    Ok(())
}

/// k6's `NewExecutionSegmentFromString` (an empty text is the whole test).
pub(super) fn check_segment_text(text: &str) -> Result<(), String> {
    let text = if text.is_empty() { "1" } else { text };
    let (from, to) = match text.split_once(':') {
        Some((a, b)) => (to_rat(a)?, b),
        None => (BigRat { num: 0, den: 1 }, text),
    };
    check_segment(from, to_rat(to)?)
}

/// k6's `NewExecutionSegmentSequenceFromString`.
pub(super) fn check_sequence_text(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Ok(());
    }
    let points: Vec<&str> = text.split(',').collect();
    if points.len() < 2 {
        return Err(format!(
            "at least 2 points are needed for an execution segment sequence, {} given",
            points.len()
        ));
    }
    let mut start = to_rat(points[0])?;
    for p in &points[1..] {
        let end = to_rat(p)?;
        check_segment(start, end)?;
        start = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k6s_words_for_bad_segments() {
        // Measured with k6 v1.1 (`executionSegment` / `executionSegmentSequence` options).
        let cases = [
            (
                "0.5:0.25",
                "segment start(0.50) must be less than its end(0.25)",
            ),
            ("1:0", "segment start(1.00) must be less than its end(0.00)"),
            (
                "-1:1",
                "segment start value must be at least 0 but was -1.00",
            ),
            (
                "x",
                "'x' is not a valid percentage, decimal, fraction or interval value",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(check_segment_text(text).unwrap_err(), want, "{text}");
        }
        assert_eq!(
            check_sequence_text("0,0,1").unwrap_err(),
            "segment start(0.00) must be less than its end(0.00)"
        );
        assert!(check_segment_text("1/3:2/3").is_ok());
        assert!(check_segment_text("50%").is_ok());
        assert!(check_sequence_text("0,1/3,2/3,1").is_ok());
    }

    #[test]
    fn two_decimals_round_half_away_from_zero() {
        assert_eq!(BigRat { num: 1, den: 8 }.float_string(), "0.13");
        assert_eq!(BigRat { num: -1, den: 8 }.float_string(), "-0.13");
        assert_eq!(BigRat::parse("1e-3").unwrap().float_string(), "0.00");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text gets an answer, never a panic.
        #[test]
        fn any_text_is_answered(s in ".{0,24}") {
            let _ = check_segment_text(&s);
            let _ = check_sequence_text(&s);
        }

        /// k6's rule: `a/n:b/n` is valid exactly when 0 <= a < b <= n.
        #[test]
        fn fractions_follow_k6s_bounds(a in 0u32..20, b in 0u32..20, n in 1u32..20) {
            let ok = check_segment_text(&format!("{a}/{n}:{b}/{n}")).is_ok();
            prop_assert_eq!(ok, a < b && b <= n);
        }

        /// A sequence of increasing points within 0..=1 is valid; its own segments are too.
        #[test]
        fn increasing_sequences_are_valid(mut points in prop::collection::btree_set(0u32..=100, 2..6)) {
            points.insert(0);
            let list: Vec<String> = points.iter().map(|p| format!("{p}/100")).collect();
            prop_assert!(check_sequence_text(&list.join(",")).is_ok());
            for w in list.windows(2) {
                let text = format!("{}:{}", w[0], w[1]);
                prop_assert!(check_segment_text(&text).is_ok(), "{}", text);
            }
        }
    }
}
