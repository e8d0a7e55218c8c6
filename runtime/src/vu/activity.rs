//! What every VU is doing right now, readable from any thread.
//!
//! A run that does not end (a host bug, a script stuck in a native call no interrupt can
//! reach) must say where it is stuck: the watchdog and SIGQUIT print [`snapshot`]. Each VU
//! notes the job it runs and the wait it is suspended in; the worker thread writes, the
//! reporting thread reads, through an uncontended lock taken twice per wait.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// One VU's current job and wait.
#[derive(Debug)]
pub(crate) struct Activity {
    vu: u64,
    now: Mutex<Doing>,
}

#[derive(Debug, Default, Clone)]
struct Doing {
    /// What the VU runs (`an iteration of scenario`, `setup()`), the scenario's name when
    /// it has one, and since when.
    job: Option<(&'static str, Option<Arc<str>>, Instant)>,
    /// The native wait it is suspended in (`an HTTP request`) and since when.
    wait: Option<(&'static str, Instant)>,
}

/// Every live VU's activity, for [`snapshot`].
static LIVE: Mutex<Vec<Weak<Activity>>> = Mutex::new(Vec::new());

impl Activity {
    /// A new VU's record, listed for [`snapshot`] while the VU lives.
    pub(crate) fn register(vu: u64) -> Arc<Activity> {
        let a = Arc::new(Activity {
            vu,
            now: Mutex::new(Doing::default()),
        });
        if let Ok(mut live) = LIVE.lock() {
            // Pruned only when full, so registering n VUs costs O(n) in all, not O(n²)
            // (5,000 VUs spent ~2 % of their start-up here).
            if live.len() == live.capacity() {
                live.retain(|w| w.strong_count() > 0);
            }
            live.push(Arc::downgrade(&a));
        }
        a
    }

    fn update(&self, f: impl FnOnce(&mut Doing)) {
        if let Ok(mut d) = self.now.lock() {
            f(&mut d);
        }
    }

    pub(crate) fn job_started(&self, what: &'static str, name: Option<Arc<str>>) {
        self.update(|d| {
            *d = Doing {
                job: Some((what, name, Instant::now())),
                wait: None,
            }
        });
    }

    pub(crate) fn job_ended(&self) {
        self.update(|d| *d = Doing::default());
    }

    pub(crate) fn waiting(&self, what: &'static str) {
        self.update(|d| d.wait = Some((what, Instant::now())));
    }

    pub(crate) fn resumed(&self) {
        self.update(|d| d.wait = None);
    }

    /// One line on what this VU does, or `None` when it is idle.
    fn describe(&self, now: Instant) -> Option<String> {
        let d = self.now.lock().ok()?.clone();
        let (what, name, since) = d.job?;
        let job = match name {
            Some(n) => format!("{what} \"{n}\""),
            None => what.to_string(),
        };
        let secs = |t: Instant| now.saturating_duration_since(t).as_secs_f64();
        let doing = match d.wait {
            Some((what, t)) => format!("waiting in {what} for {:.1}s", secs(t)),
            None => "running JavaScript (not waiting on anything)".to_string(),
        };
        Some(format!(
            "VU {}: {job} for {:.1}s, {doing}",
            self.vu,
            secs(since)
        ))
    }
}

/// What every busy VU is doing, longest-running first; at most `max` lines plus a count of
/// the rest.
pub fn snapshot(max: usize) -> Vec<String> {
    let now = Instant::now();
    let live: Vec<Arc<Activity>> = match LIVE.lock() {
        Ok(l) => l.iter().filter_map(Weak::upgrade).collect(),
        Err(_) => return Vec::new(),
    };
    let mut busy: Vec<(Duration, String)> = live
        .iter()
        .filter_map(|a| {
            let since = a.now.lock().ok()?.job.as_ref()?.2;
            Some((now.saturating_duration_since(since), a.describe(now)?))
        })
        .collect();
    busy.sort_by_key(|b| std::cmp::Reverse(b.0));
    let more = busy.len().saturating_sub(max);
    let mut lines: Vec<String> = busy.into_iter().take(max).map(|(_, l)| l).collect();
    if more > 0 {
        lines.push(format!("and {more} more busy VUs"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_vu_names_its_job_and_wait_and_an_idle_one_is_left_out() {
        let a = Activity::register(9_001);
        let idle = Activity::register(9_002);
        a.job_started("an iteration of scenario", Some(Arc::from("slow")));
        a.waiting("an HTTP request");
        let lines = snapshot(usize::MAX);
        let mine: Vec<&String> = lines.iter().filter(|l| l.starts_with("VU 9001:")).collect();
        assert_eq!(mine.len(), 1, "{lines:?}");
        assert!(
            mine[0].contains("an iteration of scenario \"slow\""),
            "{}",
            mine[0]
        );
        assert!(
            mine[0].contains("waiting in an HTTP request"),
            "{}",
            mine[0]
        );
        assert!(
            !lines.iter().any(|l| l.starts_with("VU 9002:")),
            "{lines:?}"
        );
        a.resumed();
        let lines = snapshot(usize::MAX);
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("VU 9001:") && l.contains("running JavaScript")),
            "{lines:?}"
        );
        drop(idle);
    }
}
