//! The progress block `rk6 run` keeps on stdout while a test runs, as k6 draws it: a
//! `running (…)` line and one bar per scenario with its status mark, its progress and
//! right-hand columns aligned across bars. Off a terminal the bar is a percentage and a
//! block is printed every second; on a terminal it is a 38-cell bar (narrower if the
//! terminal is), redrawn in place ten times a second by [`rk6_runtime::term`].

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use rk6_runtime::duration::format as fmt_dur;

use crate::executor::{Executor, Progress, Scenario};

/// A bar's status mark (k6's `pb.Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Running,
    Waiting,
    Stopping,
    Done,
    Interrupted,
}

impl Status {
    fn mark(self, color: bool) -> String {
        let (c, sgr) = match self {
            Status::Running => (' ', None),
            Status::Waiting => ('•', Some(("2", "22"))),
            Status::Stopping => ('↓', None),
            Status::Done => ('✓', Some(("32", "0"))),
            Status::Interrupted => ('✗', Some(("31", "0"))),
        };
        match sgr.filter(|_| color) {
            Some((on, off)) => format!("\x1b[{on}m{c}\x1b[{off}m"),
            None => c.to_string(),
        }
    }
}

/// One scenario's bar before layout.
struct Bar {
    name: String,
    status: Status,
    frac: f64,
    right: Vec<String>,
}

/// One rendering of the whole block.
pub struct Frame {
    running: String,
    bars: Vec<Bar>,
}

/// k6's bar widths: 40 cells with the brackets, never under 8 (then a percentage).
const BAR_WIDTH: usize = 40;
const MIN_BAR_WIDTH: usize = 8;
/// Left texts are cut at 30 characters.
const MAX_LEFT: usize = 30;

/// The block `elapsed` into the test. `stopped_at` is when the whole test was told to stop
/// (a scenario still running then ends interrupted).
pub fn frame(
    elapsed: Duration,
    scenarios: &[Scenario],
    progress: &[Arc<Progress>],
    max_vus: u64,
    stopped_at: Option<Duration>,
) -> Frame {
    let max_duration = scenarios
        .iter()
        .map(Scenario::max_duration)
        .max()
        .unwrap_or_default();
    let sum = |f: fn(&Progress) -> &std::sync::atomic::AtomicU64| -> u64 {
        progress.iter().map(|p| f(p).load(Ordering::Relaxed)).sum()
    };
    let (active, complete, interrupted) = (
        sum(|p| &p.active),
        sum(|p| &p.complete),
        sum(|p| &p.interrupted),
    );
    let running = format!(
        "running ({}), {active}/{max_vus} VUs, {complete} complete and {interrupted} interrupted iterations",
        clock(elapsed, max_duration)
    );
    let bars = scenarios
        .iter()
        .zip(progress)
        .map(|(s, p)| bar(s, p, elapsed, stopped_at))
        .collect();
    Frame { running, bars }
}

/// How this run shows its progress: nothing (`-q`), a block a second, or on a terminal
/// a block redrawn in place ten times a second.
pub struct Display {
    quiet: bool,
    tty: bool,
    color: bool,
}

impl Display {
    pub fn new(quiet: bool) -> Self {
        Display {
            quiet,
            tty: rk6_runtime::term::stdout_is_tty(),
            color: rk6_runtime::term::stdout_color(),
        }
    }

    /// How often the block is drawn.
    pub fn interval(&self) -> Duration {
        if self.tty {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(1)
        }
    }

    /// Draws the block as it is now.
    pub fn show(&self, f: &Frame) {
        if self.quiet {
        } else if self.tty {
            rk6_runtime::term::show_block(&f.terminal(rk6_runtime::term::columns(), self.color));
        } else {
            rk6_runtime::term::out(&f.plain());
        }
    }

    /// Stops redrawing: what is written next (the summary) takes the block's place.
    pub fn stop(&self) {
        rk6_runtime::term::end_block();
    }

    /// The last block, printed once after the summary, as k6 does.
    pub fn last(&self, f: &Frame) -> String {
        if self.quiet {
            String::new()
        } else if self.tty {
            let lines = f.terminal(rk6_runtime::term::columns(), self.color);
            rk6_runtime::term::final_block(&lines)
        } else {
            f.plain()
        }
    }
}

/// A scenario's bar: waiting for its start time, running, stopping gracefully or ended.
fn bar(s: &Scenario, p: &Progress, elapsed: Duration, stopped_at: Option<Duration>) -> Bar {
    let done = p.done.load(Ordering::Relaxed);
    let at = if done {
        Duration::from_millis(p.finished_ms.load(Ordering::Relaxed)).min(elapsed)
    } else {
        elapsed
    };
    if !done && at < s.start_time {
        let left = s.start_time - at;
        return Bar {
            name: s.name.clone(),
            status: Status::Waiting,
            frac: 0.0,
            right: vec!["waiting".into(), clock(left, s.start_time)],
        };
    }
    let since = at.saturating_sub(s.start_time);
    let status = match (done, stopped_at) {
        (true, Some(stop)) if at >= stop => Status::Interrupted,
        (true, _) if p.cut_short.load(Ordering::Relaxed) => Status::Interrupted,
        (true, _) => Status::Done,
        (false, _) if since >= s.executor.duration() => Status::Stopping,
        _ => Status::Running,
    };
    // An interrupted scenario keeps its running columns (`02.4s/10s`), as in k6.
    let sp = scenario_progress(s, p, since, status == Status::Done);
    // An interrupted scenario's bar stays where it was stopped, as in k6.
    let frac = if status == Status::Done {
        1.0
    } else {
        sp.frac.clamp(0.0, 1.0)
    };
    let mut right = vec![sp.vus, sp.time];
    if !sp.extra.is_empty() {
        right.push(sp.extra);
    }
    Bar {
        name: s.name.clone(),
        status,
        frac,
        right,
    }
}

impl Frame {
    /// The block as printed off a terminal: a blank line, then percentages.
    pub fn plain(&self) -> String {
        let mut out = format!("\n{}\n", self.running);
        for line in self.lines(0, false) {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// The block's lines on a terminal `columns` wide (the blank first line is the
    /// terminal writer's): bars as wide as fit, up to k6's 38 cells.
    pub fn terminal(&self, columns: usize, color: bool) -> Vec<String> {
        let longest = self
            .lines(BAR_WIDTH, false)
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        let width = (BAR_WIDTH + columns)
            .saturating_sub(longest + 1)
            .clamp(MIN_BAR_WIDTH, BAR_WIDTH);
        let width = if width > MIN_BAR_WIDTH { width } else { 0 };
        let mut lines = vec![self.running.clone()];
        lines.extend(self.lines(width, color));
        lines
    }

    /// One line per bar; `width` 0 draws percentages.
    fn lines(&self, width: usize, color: bool) -> Vec<String> {
        // k6 counts its hidden 4-character `init` bar among the left texts.
        let left = self
            .bars
            .iter()
            .map(|b| b.name.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(4, MAX_LEFT);
        // Columns 0 and 1 are padded to their widest value among bars where they are not
        // the last column.
        let mut pad = [0usize; 2];
        for b in &self.bars {
            for (i, col) in b
                .right
                .iter()
                .enumerate()
                .take(b.right.len().saturating_sub(1))
            {
                if let Some(p) = pad.get_mut(i) {
                    *p = (*p).max(col.len());
                }
            }
        }
        self.bars
            .iter()
            .map(|b| {
                let mut line = format!(
                    "{:<left$} {} {}",
                    cut(&b.name, left),
                    b.status.mark(color),
                    progress(b.frac, width, color)
                );
                for (i, col) in b.right.iter().enumerate() {
                    let w = pad.get(i).copied().unwrap_or(0) + 1;
                    // Go pads by bytes; the columns are ASCII.
                    line.push_str(&format!(" {col:<w$}"));
                }
                line
            })
            .collect()
    }
}

/// A left text cut to `max` characters with an ellipsis, as k6 does.
fn cut(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let mut s: String = name.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// `[ 50% ]` when `width` is 0, else `[====>-----]` filling `width - 2` cells, the rest
/// faint on a colour terminal.
fn progress(frac: f64, width: usize, color: bool) -> String {
    if width == 0 {
        return format!("[ {:>3.0}% ]", frac * 100.0);
    }
    let space = width - 2;
    let filled = (space as f64 * frac) as usize;
    let fill = match filled {
        0 => String::new(),
        f if f < space => format!("{}>", "=".repeat(f - 1)),
        f => "=".repeat(f),
    };
    let rest = "-".repeat(space - filled.min(space));
    if color {
        format!("[{fill}\x1b[2m{rest}\x1b[22m]")
    } else {
        format!("[{fill}{rest}]")
    }
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

/// `03/10 VUs`: busy VUs zero-padded to the width of the maximum, as k6 shows them.
fn busy_vus(p: &Progress, max: u64) -> String {
    let digits = max.to_string().len();
    let active = p.active.load(Ordering::Relaxed);
    format!("{active:0digits$}/{max} VUs")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::constant_vus::ConstantVus;

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
        let f = frame(Duration::from_secs(1), &s, &p, 2, None);
        assert_eq!(f.plain(), "\nrunning (01.0s), 2/2 VUs, 2 complete and 0 interrupted iterations\ndefault   [  40% ] 2 VUs  1.0s/2.5s\n");
        let t = f.terminal(160, true);
        assert_eq!(
            t[1],
            format!(
                "default   [==============>\x1b[2m{}\x1b[22m] 2 VUs  1.0s/2.5s",
                "-".repeat(23)
            )
        );
        // A narrow terminal narrows the bar; a very narrow one falls back to percentages.
        assert_eq!(
            f.terminal(50, false)[1],
            format!("default   [=======>{}] 2 VUs  1.0s/2.5s", "-".repeat(12))
        );
        assert_eq!(
            f.terminal(20, false)[1],
            "default   [  40% ] 2 VUs  1.0s/2.5s"
        );
    }

    #[test]
    fn finished_and_waiting_scenarios_are_marked_like_k6() {
        let mut late = Scenario::shortcut(Executor::ConstantVus(ConstantVus {
            vus: 1,
            duration: Duration::from_secs(2),
        }));
        late.name = "late".into();
        late.start_time = Duration::from_secs(3);
        let early = Scenario::shortcut(Executor::ConstantVus(ConstantVus {
            vus: 3,
            duration: Duration::from_secs(1),
        }));
        let p = vec![Arc::new(Progress::default()), Arc::new(Progress::default())];
        p[0].done.store(true, Ordering::Relaxed);
        p[0].finished_ms.store(1000, Ordering::Relaxed);
        let f = frame(Duration::from_millis(2100), &[early, late], &p, 4, None);
        let t = f.terminal(160, true);
        assert_eq!(
            t[1],
            format!(
                "default \x1b[32m✓\x1b[0m [{}\x1b[2m\x1b[22m] 3 VUs    1s",
                "=".repeat(38)
            )
        );
        assert_eq!(
            t[2],
            format!(
                "late    \x1b[2m•\x1b[22m [\x1b[2m{}\x1b[22m] waiting  0.9s",
                "-".repeat(38)
            )
        );
    }
}
