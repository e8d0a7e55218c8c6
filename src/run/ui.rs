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

/// Elapsed time in a fixed width set by `max` (k6's fixed-length durations): `1.0s` under
/// 10 s, `01.0s` under a minute, `0m01.0s` / `00m01.0s` by the minutes' digits, `1h00m01.0s`.
fn clock(d: Duration, max: Duration) -> String {
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

/// A scenario's progress: fraction done, VU column, time column and what follows it.
struct ScenarioProgress {
    frac: f64,
    vus: String,
    time: String,
    extra: String,
}

/// A scenario's progress `since` its start.
fn scenario_progress(s: &Scenario, p: &Progress, since: Duration, done: bool) -> ScenarioProgress {
    let finished = p.complete.load(Ordering::Relaxed) + p.interrupted.load(Ordering::Relaxed);
    let frac_of = |d: Duration| since.as_secs_f64() / d.as_secs_f64().max(0.001);
    // Running: `elapsed/total` in the scenario's own fixed width; done: the total.
    let time = |total: Duration, shown: String| {
        if done {
            fmt_dur(total)
        } else {
            format!("{}/{shown}", clock(since, total))
        }
    };
    let progress = |frac: f64, vus: String, time: String, extra: String| ScenarioProgress {
        frac,
        vus,
        time,
        extra,
    };
    match &s.executor {
        Executor::SharedIterations(e) => progress(
            finished as f64 / e.iterations.max(1) as f64,
            format!("{} VUs", e.vus),
            format!(
                "{}/{}",
                clock(since, e.max_duration),
                fmt_dur(e.max_duration)
            ),
            format!("{finished}/{} shared iters", e.iterations),
        ),
        Executor::PerVuIterations(e) => progress(
            finished as f64 / (e.iterations * e.vus).max(1) as f64,
            format!("{} VUs", e.vus),
            format!(
                "{}/{}",
                clock(since, e.max_duration),
                fmt_dur(e.max_duration)
            ),
            format!(
                "{finished}/{} iters, {} per VU",
                e.iterations * e.vus,
                e.iterations
            ),
        ),
        Executor::ConstantVus(e) => progress(
            frac_of(e.duration),
            format!("{} VUs", e.vus),
            time(e.duration, fmt_dur(e.duration)),
            String::new(),
        ),
        Executor::RampingVus(e) => {
            let total = e.total_duration();
            progress(
                frac_of(total),
                busy_vus(p, e.max_vus()),
                time(total, clock(total, total)),
                String::new(),
            )
        }
        Executor::ConstantArrivalRate(e) => progress(
            frac_of(e.duration),
            busy_vus(p, e.max_vus),
            time(e.duration, fmt_dur(e.duration)),
            format!("{:.2} iters/s", e.per_second()),
        ),
        Executor::ExternallyControlled(e) => progress(
            frac_of(e.duration),
            busy_vus(p, e.max_vus),
            time(e.duration, fmt_dur(e.duration)),
            String::new(),
        ),
        Executor::RampingArrivalRate(e) => {
            let total = e.total_duration();
            progress(
                frac_of(total),
                busy_vus(p, e.max_vus),
                time(total, fmt_dur(total)),
                format!("{:.2} iters/s", e.per_second_at(since.as_secs_f64())),
            )
        }
    }
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

/// One progress block: the `running (...)` line and a line per scenario.
pub fn progress_block(
    elapsed: Duration,
    scenarios: &[Scenario],
    progress: &[Arc<Progress>],
    max_vus: u64,
) -> String {
    let max_duration = scenarios
        .iter()
        .map(Scenario::max_duration)
        .max()
        .unwrap_or_default();
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
        clock(elapsed, max_duration)
    );
    // k6 pads names to at least 4 characters (the width of its hidden `init` bar).
    let width = scenarios
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let rows: Vec<(&str, u64, bool, ScenarioProgress)> = scenarios
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
            let sp = scenario_progress(s, p, since, done);
            let pct = if done {
                100
            } else {
                ((sp.frac * 100.0) as u64).min(100)
            };
            (s.name.as_str(), pct, done, sp)
        })
        .collect();
    let column = |f: fn(&ScenarioProgress) -> &String| {
        rows.iter()
            .map(|r| f(&r.3).chars().count())
            .max()
            .unwrap_or(0)
    };
    let (vus_width, time_width) = (column(|p| &p.vus), column(|p| &p.time));
    for (name, pct, done, sp) in &rows {
        let mark = if *done { '✓' } else { ' ' };
        let (vus, time) = (&sp.vus, &sp.time);
        // k6 lines the time column up across scenarios when anything follows it.
        let right = if sp.extra.is_empty() {
            time.clone()
        } else {
            format!("{time:<time_width$}  {}", sp.extra)
        };
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
    fn clocks_take_the_width_of_the_longest_duration_like_k6() {
        let s = Duration::from_secs;
        assert_eq!(clock(s(1), s(2)), "1.0s");
        assert_eq!(clock(s(1), s(32)), "01.0s");
        assert_eq!(clock(s(1), s(101)), "0m01.0s");
        assert_eq!(clock(s(61), s(630)), "01m01.0s");
        assert_eq!(clock(s(3661), s(7200)), "1h01m01.0s");
        assert_eq!(clock(Duration::from_millis(1949), s(5)), "1.9s");
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
