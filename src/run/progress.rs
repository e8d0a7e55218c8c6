//! The progress block `rk6 run` keeps on stdout while a test runs, as k6 draws it: a
//! `running (…)` line and one bar per scenario with its status mark, its progress and
//! right-hand columns aligned across bars. Off a terminal the bar is a percentage and a
//! block is printed every second; on a terminal it is a 38-cell bar (narrower if the
//! terminal is), redrawn in place ten times a second by [`rk6_runtime::term`].

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::executor::bar::clock;
use crate::executor::{BarView, Progress, Scenario};

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
    let sp = s.executor.bar(&BarView {
        progress: p,
        since,
        done: status == Status::Done,
    });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::constant_vus::ConstantVus;

    #[test]
    fn progress_lines_look_like_k6() {
        let s = vec![Scenario::shortcut(Box::new(ConstantVus {
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
        let mut late = Scenario::shortcut(Box::new(ConstantVus {
            vus: 1,
            duration: Duration::from_secs(2),
        }));
        late.name = "late".into();
        late.start_time = Duration::from_secs(3);
        let early = Scenario::shortcut(Box::new(ConstantVus {
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
