//! k6's duration syntax: Go's `time.ParseDuration` (`1h30m`, `2.5s`, `500ms`, `1us`) plus
//! days (`2d`), and a bare number meaning milliseconds. Also Go's `Duration.String()`.

use std::time::Duration;

/// Go's longest duration (`int64` nanoseconds, ~292 years), in seconds: longer ones are
/// invalid in k6, and would overflow a `Duration` built from a float.
const MAX_SECS: f64 = i64::MAX as f64 / 1e9;

/// Parses a k6 duration string.
pub fn parse(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("invalid duration \"{s}\""));
    }
    if let Ok(ms) = t.parse::<f64>() {
        if ms < 0.0 || !ms.is_finite() {
            return Err(format!("invalid duration \"{s}\": negative"));
        }
        if ms / 1000.0 > MAX_SECS {
            return Err(format!("time: invalid duration \"{s}\""));
        }
        return Ok(Duration::from_secs_f64(ms / 1000.0));
    }
    let mut total = 0f64;
    let mut rest = t;
    let neg = rest.starts_with('-');
    rest = rest.trim_start_matches(['-', '+']);
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(format!("invalid duration \"{s}\""));
        }
        let n: f64 = rest[..num_len]
            .parse()
            .map_err(|_| format!("invalid duration \"{s}\""))?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let secs = match unit {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            "" => return Err(format!("time: missing unit in duration \"{s}\"")),
            u => return Err(format!("time: unknown unit \"{u}\" in duration \"{s}\"")),
        };
        total += n * secs;
    }
    if neg && total > 0.0 {
        return Err(format!("invalid duration \"{s}\": negative"));
    }
    if !total.is_finite() || total > MAX_SECS {
        return Err(format!("time: invalid duration \"{s}\""));
    }
    Ok(Duration::from_secs_f64(total))
}

/// The error k6's `ParseExtendedDuration` gives for `s` (`None` when `s` is a valid
/// duration), worded like Go's `time.ParseDuration` and `strconv.ParseInt`: a number is
/// milliseconds; with a `d`, what precedes it must be an integer count of days and what
/// follows it a Go duration.
pub fn k6_parse_error(s: &str) -> Option<String> {
    // Go's `time.ParseDuration`: a sign, then no days, no bare numbers (but "0").
    let go = |part: &str| -> Option<String> {
        let unsigned = part.strip_prefix(['-', '+']).unwrap_or(part);
        if unsigned.contains('d') {
            return Some(format!("time: unknown unit \"d\" in duration \"{part}\""));
        }
        if unsigned != "0" && unsigned.parse::<f64>().is_ok() {
            return Some(format!("time: missing unit in duration \"{part}\""));
        }
        match parse(unsigned) {
            Ok(_) => None,
            Err(e) if e.starts_with("time: ") => Some(e),
            Err(_) => Some(format!("time: invalid duration \"{part}\"")),
        }
    };
    if s.parse::<f64>().is_ok() {
        return None;
    }
    let Some(d) = s.find('d') else {
        return go(s);
    };
    if d + 1 < s.len() {
        let hours = &s[d + 1..];
        if let Some(e) = go(hours) {
            return Some(e);
        }
        if hours.starts_with('-') && parse(&hours[1..]).is_ok_and(|h| !h.is_zero()) {
            return Some(format!("invalid time format '{hours}'"));
        }
    }
    s[..d]
        .parse::<i64>()
        .err()
        .map(|_| format!("strconv.ParseInt: parsing \"{}\": invalid syntax", &s[..d]))
}

/// Go's `Duration.String()`: `30s`, `10m0s`, `1m30s`, `2.5s`, `500ms`, `0s`.
pub fn format(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".to_string();
    }
    if nanos < 1_000 {
        return format!("{nanos}ns");
    }
    if nanos < 1_000_000 {
        return format!("{}µs", trim_float(nanos as f64 / 1e3));
    }
    if nanos < 1_000_000_000 {
        return format!("{}ms", trim_float(nanos as f64 / 1e6));
    }
    let total_secs = d.as_secs();
    let h = total_secs / 3600;
    let m = (total_secs % 3600) / 60;
    let s = (nanos % 60_000_000_000) as f64 / 1e9;
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    out.push_str(&format!("{}s", trim_float(s)));
    out
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.9}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn k6_parse_errors_are_worded_like_go() {
        use super::k6_parse_error as e;
        assert_eq!(e("1m30s"), None);
        assert_eq!(e("1500"), None);
        assert_eq!(e("2d"), None);
        assert_eq!(e("2d3h"), None);
        assert_eq!(e("fails").unwrap(), "time: invalid duration \"fails\"");
        assert_eq!(
            e("99999999999999999999h").unwrap(),
            "time: invalid duration \"99999999999999999999h\""
        );
        assert!(super::parse("2562047h").is_ok());
        assert!(super::parse("2562048h").is_err());
        assert!(super::parse("1e300").is_err());
        assert_eq!(
            e("3x").unwrap(),
            "time: unknown unit \"x\" in duration \"3x\""
        );
        assert_eq!(
            e("invalid").unwrap(),
            "strconv.ParseInt: parsing \"invali\": invalid syntax"
        );
    }

    use super::*;

    #[test]
    fn parses_go_durations_days_and_bare_milliseconds() {
        assert_eq!(parse("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("2.5s").unwrap(), Duration::from_millis(2500));
        assert_eq!(parse("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse("2d").unwrap(), Duration::from_secs(172800));
        assert_eq!(parse("1500").unwrap(), Duration::from_millis(1500));
        assert!(parse("abc").is_err());
        assert!(parse("10").is_ok());
        assert!(parse("5x").is_err());
    }

    #[test]
    fn formats_like_go() {
        assert_eq!(format(Duration::from_secs(30)), "30s");
        assert_eq!(format(Duration::from_secs(600)), "10m0s");
        assert_eq!(format(Duration::from_secs(90)), "1m30s");
        assert_eq!(format(Duration::from_millis(2500)), "2.5s");
        assert_eq!(format(Duration::from_millis(500)), "500ms");
        assert_eq!(format(Duration::ZERO), "0s");
        assert_eq!(format(Duration::from_secs(3600 + 120 + 3)), "1h2m3s");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text gets an answer, never a panic, from both parsers.
        #[test]
        fn any_text_is_answered(s in ".{0,24}") {
            let _ = parse(&s);
            let _ = k6_parse_error(&s);
        }

        /// Go's `Duration.String()` output parses back to the same duration.
        #[test]
        fn formatted_durations_round_trip(ns in 0u64..(i64::MAX as u64)) {
            let d = Duration::from_nanos(ns);
            let text = format(d);
            prop_assert_eq!(k6_parse_error(&text), None);
            let back = parse(&text).map_err(TestCaseError::fail)?;
            // Float seconds lose a little past ~2^53 ns; k6's own parser works in ints.
            let diff = back.as_nanos().abs_diff(d.as_nanos());
            prop_assert!(diff <= d.as_nanos() / (1u128 << 50) + 1, "{} -> {:?}", text, back);
        }

        /// A sign is Go's: `-X` is valid exactly when `X` is.
        #[test]
        fn negatives_are_valid_like_their_magnitude(ns in 1u64..1_000_000_000_000) {
            let text = format(Duration::from_nanos(ns));
            prop_assert_eq!(k6_parse_error(&format!("-{text}")), None);
        }
    }
}
