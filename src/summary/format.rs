//! Number formatting of k6's summary: plain numbers (`toFixed(6)` without trailing zeros),
//! truncated percentages, base-1000 data sizes and humanized durations.

/// JS `toFixed(p)` followed by dropping trailing zeros (`26.856092`, `6`).
pub fn plain(v: f64) -> String {
    fixed_no_trailing(v, 6)
}

fn fixed_no_trailing(v: f64, prec: usize) -> String {
    let s = format!("{v:.prec$}");
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" {
            "0".to_string()
        } else {
            t.to_string()
        }
    } else {
        s
    }
}

fn trunc_to(v: f64, prec: i32) -> f64 {
    let m = 10f64.powi(prec);
    (v * m).trunc() / m
}

/// Rate as a percentage truncated to 2 decimals (`66.66%`).
pub fn percent(rate: f64) -> String {
    format!("{:.2}%", (rate * 10000.0).trunc() / 100.0)
}

/// Bytes in base-1000 units (`912 B`, `1.8 kB`, `8.0 kB`).
pub fn bytes(v: f64) -> String {
    if v < 10.0 {
        return format!("{} B", plain(v.trunc()));
    }
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let e = ((v.ln() / 1000f64.ln()).floor() as usize).min(UNITS.len() - 1);
    let val = (v / 1000f64.powi(e as i32) * 10.0 + 0.5).floor() / 10.0;
    if val < 10.0 {
        format!("{val:.1} {}", UNITS[e])
    } else {
        format!("{val:.0} {}", UNITS[e])
    }
}

/// A duration given in ms, as k6's summary prints it; `unit` is `summaryTimeUnit`.
pub fn duration(ms: f64, unit: &str) -> String {
    match unit {
        "s" => return format!("{:.2}s", ms / 1000.0),
        "ms" => return format!("{ms:.2}ms"),
        "us" => return format!("{:.2}µs", ms * 1000.0),
        _ => {}
    }
    if ms == 0.0 {
        return "0s".to_string();
    }
    if ms < 0.001 {
        return format!("{}ns", (ms * 1_000_000.0).trunc());
    }
    if ms < 1.0 {
        return format!("{}µs", fixed_no_trailing(trunc_to(ms * 1000.0, 2), 2));
    }
    if ms < 1000.0 {
        return format!("{}ms", fixed_no_trailing(trunc_to(ms, 2), 2));
    }
    let secs_prec = if ms > 60_000.0 { 0 } else { 2 };
    let mut out = format!(
        "{}s",
        fixed_no_trailing(
            trunc_to((ms % 60_000.0) / 1000.0, secs_prec),
            secs_prec as usize
        )
    );
    let minutes = (ms / 60_000.0).trunc() as u64;
    if minutes < 1 {
        return out;
    }
    out = format!("{}m{out}", minutes % 60);
    let hours = minutes / 60;
    if hours < 1 {
        return out;
    }
    format!("{hours}h{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_drop_trailing_zeros() {
        assert_eq!(plain(26.8560921), "26.856092");
        assert_eq!(plain(6.0), "6");
        assert_eq!(plain(0.5), "0.5");
    }

    #[test]
    fn percentages_truncate() {
        assert_eq!(percent(2.0 / 3.0), "66.66%");
        assert_eq!(percent(1.0), "100.00%");
        assert_eq!(percent(0.0), "0.00%");
    }

    #[test]
    fn data_uses_base_1000() {
        assert_eq!(bytes(912.0), "912 B");
        assert_eq!(bytes(1800.0), "1.8 kB");
        assert_eq!(bytes(8000.0), "8.0 kB");
        assert_eq!(bytes(298.0), "298 B");
        assert_eq!(bytes(2700.0), "2.7 kB");
        assert_eq!(bytes(5788.83), "5.8 kB");
        assert_eq!(bytes(3.0), "3 B");
    }

    #[test]
    fn durations_humanize_like_k6() {
        assert_eq!(duration(0.27663, ""), "276.63µs");
        assert_eq!(duration(44.04, ""), "44.04ms");
        assert_eq!(duration(43.70001, ""), "43.7ms");
        assert_eq!(duration(1500.0, ""), "1.5s");
        assert_eq!(duration(90_000.0, ""), "1m30s");
        assert_eq!(duration(0.0, ""), "0s");
        assert_eq!(duration(28.781, "ms"), "28.78ms");
        assert_eq!(duration(0.0005, ""), "500ns");
    }
}
