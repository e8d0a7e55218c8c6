//! What `rk6 run` prints on stdout besides the summary: k6's banner, the execution header
//! and the once-a-second progress blocks (plain text, as k6 prints them off a terminal).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use rk6_runtime::duration::format as fmt_dur;

use crate::executor::{Executor, Progress, Scenario};

const BANNER: &str = "
         /\\      Grafana   /‾‾/  
    /\\  /  \\     |\\  __   /  /   
   /  \\/    \\    | |/ /  /   ‾‾\\ 
  /          \\   |   (  |  (‾)  |
 / __________ \\  |_|\\_\\  \\_____/ 
";

/// Banner plus the execution header, ending with a blank line.
/// (`percent` is the instance's share of the test: 100 unless `--execution-segment`.)
pub fn header(script: &str, outputs: &str, scenarios: &[Scenario], percent: f64) -> String {
    let max_vus: u64 = scenarios.iter().map(|s| s.executor.max_vus()).sum();
    let max_dur = scenarios
        .iter()
        .map(Scenario::max_duration)
        .max()
        .unwrap_or_default();
    let max_dur = Duration::from_millis((max_dur.as_millis() as u64).div_ceil(100) * 100);
    let plural = if scenarios.len() == 1 { "" } else { "s" };
    let mut out = format!(
        "{BANNER}\n     execution: local\n        script: {script}\n        output: {outputs}\n\n     scenarios: ({percent:.2}%) {} scenario{plural}, {max_vus} max VUs, {} max duration (incl. graceful stop):\n",
        scenarios.len(),
        fmt_dur(max_dur)
    );
    for s in scenarios {
        out.push_str(&format!(
            "              * {}: {}\n",
            s.name,
            s.description()
        ));
    }
    out.push('\n');
    out
}

/// `MMmSS.Ss` (or `SS.Ss` for tests shorter than a minute), as k6's progress shows time.
fn clock(d: Duration, long: bool) -> String {
    let secs = d.as_secs_f64();
    if long {
        let m = (secs / 60.0).floor();
        format!("{:02}m{:04.1}s", m as u64, secs - m * 60.0)
    } else {
        format!("{secs:04.1}s")
    }
}

/// A scenario's percentage, VU column and right-hand text, `since` its start.
fn scenario_progress(
    s: &Scenario,
    p: &Progress,
    since: Duration,
    done: bool,
    long: bool,
) -> (u64, String, String) {
    let finished = p.complete.load(Ordering::Relaxed) + p.interrupted.load(Ordering::Relaxed);
    let frac_of = |d: Duration| since.as_secs_f64() / d.as_secs_f64().max(0.001);
    let (frac, vus, right) = match &s.executor {
        Executor::SharedIterations(e) => (
            finished as f64 / e.iterations.max(1) as f64,
            format!("{} VUs", e.vus),
            format!(
                "{}/{}  {finished}/{} shared iters",
                clock(since, long),
                fmt_dur(e.max_duration),
                e.iterations
            ),
        ),
        Executor::PerVuIterations(e) => (
            finished as f64 / (e.iterations * e.vus).max(1) as f64,
            format!("{} VUs", e.vus),
            format!(
                "{}/{}  {finished}/{} iters, {} per VU",
                clock(since, long),
                fmt_dur(e.max_duration),
                e.iterations * e.vus,
                e.iterations
            ),
        ),
        Executor::ConstantVus(e) => (
            frac_of(e.duration),
            format!("{} VUs", e.vus),
            if done {
                fmt_dur(e.duration)
            } else {
                format!("{:.1}s/{}", since.as_secs_f64(), fmt_dur(e.duration))
            },
        ),
        Executor::RampingVus(e) => (
            frac_of(e.total_duration()),
            busy_vus(p, e.max_vus()),
            if done {
                fmt_dur(e.total_duration())
            } else {
                format!("{}/{}", clock(since, long), fmt_dur(e.total_duration()))
            },
        ),
        Executor::ConstantArrivalRate(e) => {
            arrival_progress(p, since, e.duration, e.max_vus, e.per_second(), done, long)
        }
        Executor::ExternallyControlled(e) => (
            frac_of(e.duration),
            busy_vus(p, e.max_vus),
            if done {
                fmt_dur(e.duration)
            } else {
                format!("{}/{}", clock(since, long), fmt_dur(e.duration))
            },
        ),
        Executor::RampingArrivalRate(e) => {
            let rate = e.per_second_at(since.as_secs_f64());
            arrival_progress(p, since, e.total_duration(), e.max_vus, rate, done, long)
        }
    };
    let pct = if done {
        100
    } else {
        ((frac * 100.0) as u64).min(100)
    };
    (pct, vus, right)
}

/// On a terminal, a progress block that overwrites the previous one (`previous` lines tall),
/// each line cleared to its end like k6's; returns the text and its height.
pub fn redraw(block: &str, previous: usize) -> (String, usize) {
    let mut out = String::new();
    if previous > 0 {
        out.push_str(&format!("\x1b[{previous}A"));
    }
    let mut lines = 0;
    for line in block.split_inclusive('\n') {
        out.push_str(line.trim_end_matches('\n'));
        out.push_str("\x1b[0K\n");
        lines += 1;
    }
    (out, lines)
}

/// `03/10 VUs`: busy VUs zero-padded to the width of the maximum, as k6 shows them.
fn busy_vus(p: &Progress, max: u64) -> String {
    let digits = max.to_string().len();
    let active = p.active.load(Ordering::Relaxed);
    format!("{active:0digits$}/{max} VUs")
}

/// Arrival-rate executors: `X.XX iters/s` with the VUs in use.
fn arrival_progress(
    p: &Progress,
    since: Duration,
    duration: Duration,
    max_vus: u64,
    rate: f64,
    done: bool,
    long: bool,
) -> (f64, String, String) {
    let time = if done {
        fmt_dur(duration)
    } else {
        format!("{}/{}", clock(since, long), fmt_dur(duration))
    };
    (
        since.as_secs_f64() / duration.as_secs_f64().max(0.001),
        busy_vus(p, max_vus),
        format!("{time}  {rate:.2} iters/s"),
    )
}

/// One progress block: the `running (...)` line and a line per scenario.
pub fn progress_block(
    elapsed: Duration,
    scenarios: &[Scenario],
    progress: &[Arc<Progress>],
    max_vus: u64,
) -> String {
    let long = scenarios
        .iter()
        .map(Scenario::max_duration)
        .max()
        .unwrap_or_default()
        >= Duration::from_secs(60);
    let active: u64 = progress
        .iter()
        .map(|p| p.active.load(Ordering::Relaxed))
        .sum();
    let complete: u64 = progress
        .iter()
        .map(|p| p.complete.load(Ordering::Relaxed))
        .sum();
    let interrupted: u64 = progress
        .iter()
        .map(|p| p.interrupted.load(Ordering::Relaxed))
        .sum();
    let mut out = format!(
        "\nrunning ({}), {active}/{max_vus} VUs, {complete} complete and {interrupted} interrupted iterations\n",
        clock(elapsed, long)
    );
    // k6 pads names to at least 4 characters (the width of its hidden `init` bar).
    let width = scenarios
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let rows: Vec<(&str, u64, bool, String, String)> = scenarios
        .iter()
        .zip(progress)
        .map(|(s, p)| {
            let done = p.done.load(Ordering::Relaxed);
            let at = if done {
                Duration::from_millis(p.finished_ms.load(Ordering::Relaxed)).min(elapsed)
            } else {
                elapsed
            };
            let since = at.saturating_sub(s.start_time);
            let (pct, vus, right) = scenario_progress(s, p, since, done, long);
            (s.name.as_str(), pct, done, vus, right)
        })
        .collect();
    let vus_width = rows.iter().map(|r| r.3.chars().count()).max().unwrap_or(0);
    for (name, pct, done, vus, right) in rows {
        let mark = if done { '✓' } else { ' ' };
        out.push_str(&format!(
            "{name:<width$} {mark} [{pct:>4}% ] {vus:<vus_width$}  {right}\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::constant_vus::ConstantVus;

    #[test]
    fn header_matches_k6_layout() {
        let s = vec![Scenario::shortcut(Executor::ConstantVus(ConstantVus {
            vus: 2,
            duration: Duration::from_millis(2500),
        }))];
        let h = header("dur.js", "-", &s, 100.0);
        assert!(h.contains("\n     scenarios: (100.00%) 1 scenario, 2 max VUs, 32.5s max duration (incl. graceful stop):\n              * default: 2 looping VUs for 2.5s (gracefulStop: 30s)\n\n"));
        assert!(h.starts_with("\n         /\\      Grafana   /‾‾/  \n"));
    }

    #[test]
    fn terminal_redraw_moves_up_over_the_previous_block() {
        let (first, n) = redraw("\nrunning\ndefault\n", 0);
        assert_eq!(n, 3);
        assert_eq!(first, "\x1b[0K\nrunning\x1b[0K\ndefault\x1b[0K\n");
        let (second, _) = redraw("\nrunning\ndefault\n", n);
        assert!(second.starts_with("\x1b[3A"));
    }

    #[test]
    fn progress_lines_look_like_k6() {
        let s = vec![Scenario::shortcut(Executor::ConstantVus(ConstantVus {
            vus: 2,
            duration: Duration::from_millis(2500),
        }))];
        let p = vec![Arc::new(Progress::default())];
        p[0].active.store(2, Ordering::Relaxed);
        p[0].complete.store(2, Ordering::Relaxed);
        let b = progress_block(Duration::from_secs(1), &s, &p, 2);
        assert_eq!(b, "\nrunning (01.0s), 2/2 VUs, 2 complete and 0 interrupted iterations\ndefault   [  40% ] 2 VUs  1.0s/2.5s\n");
    }
}
