//! What a scenario's progress bar shows, as each executor reports it: the fraction done
//! and the VU, time and extra columns (k6's executors each fill in their own bar). The
//! drawing, status marks and alignment stay in `run::progress`.

use std::sync::atomic::Ordering;
use std::time::Duration;

use rk6_runtime::duration::format as fmt_dur;

use super::Progress;

/// A scenario's progress at one moment, as an executor reads it for its bar.
pub struct BarView<'a> {
    pub progress: &'a Progress,
    /// Time since the scenario started.
    pub since: Duration,
    /// The scenario ended normally: time columns show the total, not `elapsed/total`.
    pub done: bool,
}

/// A scenario's bar columns: fraction done, VU column, time column and what follows it.
pub struct BarState {
    pub frac: f64,
    pub vus: String,
    pub time: String,
    pub extra: String,
}

impl BarView<'_> {
    /// Iterations finished so far, interrupted ones included.
    pub fn finished(&self) -> u64 {
        self.progress.complete.load(Ordering::Relaxed)
            + self.progress.interrupted.load(Ordering::Relaxed)
    }

    /// The part of `total` that has elapsed.
    pub fn frac_of(&self, total: Duration) -> f64 {
        self.since.as_secs_f64() / total.as_secs_f64().max(0.001)
    }

    /// Running: `elapsed/shown` in the scenario's own fixed width; done: the total.
    pub fn time(&self, total: Duration, shown: String) -> String {
        if self.done {
            fmt_dur(total)
        } else {
            format!("{}/{shown}", clock(self.since, total))
        }
    }

    /// `elapsed/max` whether running or done (iteration-based executors keep it).
    pub fn elapsed_of(&self, max: Duration) -> String {
        format!("{}/{}", clock(self.since, max), fmt_dur(max))
    }

    /// `03/10 VUs`: busy VUs zero-padded to the width of the maximum, as k6 shows them.
    pub fn busy_vus(&self, max: u64) -> String {
        let digits = max.to_string().len();
        let active = self.progress.active.load(Ordering::Relaxed);
        format!("{active:0digits$}/{max} VUs")
    }
}

/// Elapsed time in a fixed width set by `max` (k6's fixed-length durations): `1.0s` under
/// 10 s, `01.0s` under a minute, `0m01.0s` / `00m01.0s` by the minutes' digits, `1h00m01.0s`.
pub fn clock(d: Duration, max: Duration) -> String {
    let tenths = |d: Duration| (d.as_millis() as u64 + 50) / 100;
    let (t, mt) = (tenths(d), tenths(max));
    let (h, m, s) = (t / 36_000, (t / 600) % 60, t % 600);
    let (mh, mm, ms) = (mt / 36_000, (mt / 600) % 60, mt % 600);
    let digits = |n: u64| n.to_string().len();
    let secs = |w: usize| format!("{:0w$}.{}s", s / 10, s % 10);
    if mh > 0 {
        format!("{h:0w$}h{m:02}m{}", secs(2), w = digits(mh))
    } else if mm > 0 {
        format!("{m:0w$}m{}", secs(2), w = digits(mm))
    } else {
        secs(digits(ms / 10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_take_the_width_of_the_longest_duration_like_k6() {
        let s = Duration::from_secs;
        assert_eq!(clock(s(1), s(2)), "1.0s");
        assert_eq!(clock(s(1), s(32)), "01.0s");
        assert_eq!(clock(s(1), s(101)), "0m01.0s");
        assert_eq!(clock(s(61), s(630)), "01m01.0s");
        assert_eq!(clock(s(3661), s(7200)), "1h01m01.0s");
        assert_eq!(clock(Duration::from_millis(1949), s(5)), "1.9s");
    }
}
