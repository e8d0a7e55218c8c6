//! Timestamps as k6's outputs print them: Go's RFC3339Nano (UTC, trailing zeros of the
//! fraction dropped) and Unix seconds/ms/µs/ns.

use std::time::{SystemTime, UNIX_EPOCH};

/// Go's `time.RFC3339Nano` in UTC: `2026-11-23T04:48:01.13882826Z`.
pub fn rfc3339_nano(t: SystemTime) -> String {
    let s = humantime::format_rfc3339_nanos(t).to_string();
    match s.rsplit_once('.') {
        Some((head, frac)) => {
            let digits = frac.trim_end_matches('Z').trim_end_matches('0');
            if digits.is_empty() {
                format!("{head}Z")
            } else {
                format!("{head}.{digits}Z")
            }
        }
        None => s,
    }
}

/// Go's `time.RFC3339` in UTC (whole seconds).
pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// Nanoseconds since the Unix epoch.
pub fn unix_nanos(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn fractions_lose_trailing_zeros_like_go() {
        let t = UNIX_EPOCH + Duration::new(1_795_409_281, 138_828_260);
        assert_eq!(rfc3339_nano(t), "2026-11-23T04:48:01.13882826Z");
        let whole = UNIX_EPOCH + Duration::new(1_795_409_281, 0);
        assert_eq!(rfc3339_nano(whole), "2026-11-23T04:48:01Z");
        assert_eq!(rfc3339(t), "2026-11-23T04:48:01Z");
        assert_eq!(unix_nanos(t), 1_795_409_281_138_828_260);
    }
}
