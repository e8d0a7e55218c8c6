//! `per-vu-iterations`: each VU runs the same number of iterations.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use rk6_runtime::duration::format as fmt_dur;

use super::config::ScenarioJson;
use super::rules::{self, Raw};
use super::{for_each_vu, BarState, BarView, Executor, ExecutorType, RunCtx};
use crate::config_types::ConfigError;
use crate::execution_segment::Segment;

/// This executor type as the registry lists it.
pub static TYPE: ExecutorType = ExecutorType {
    name: "per-vu-iterations",
    fields: super::shared_iterations::FIELDS,
    check,
    build: PerVuIterations::build,
};

/// k6's checks of a `per-vu-iterations` config.
fn check(errors: &mut Vec<String>, f: &Raw) {
    rules::vus_positive(errors, f.int("vus").unwrap_or(1));
    if f.int("iterations").unwrap_or(1) <= 0 {
        errors.push("the number of iterations must be more than 0".into());
    }
    rules::max_duration(errors, f);
}

#[derive(Debug, Clone)]
pub struct PerVuIterations {
    pub vus: u64,
    pub iterations: u64,
    pub max_duration: Duration,
}

impl PerVuIterations {
    fn build(f: &ScenarioJson) -> Result<Box<dyn Executor>, ConfigError> {
        Ok(Box::new(PerVuIterations {
            vus: f.u64("vus")?.unwrap_or(1),
            iterations: f.u64("iterations")?.unwrap_or(1),
            max_duration: f.dur("maxDuration")?.unwrap_or(Duration::from_secs(600)),
        }))
    }

    async fn run_all(&self, ctx: &RunCtx) {
        let deadline = Instant::now() + self.max_duration;
        let per_vu = self.iterations;
        for_each_vu(ctx, self.vus as usize, |_, vu| async move {
            let started = Arc::new(AtomicU64::new(0));
            let counter = started.clone();
            ctx.iterate_while(vu, move || {
                Instant::now() < deadline && counter.fetch_add(1, Ordering::Relaxed) < per_vu
            })
            .await;
            // This VU's iterations that `maxDuration` cut off before they started.
            ctx.emit_dropped(per_vu.saturating_sub(started.load(Ordering::Relaxed)));
        })
        .await;
    }
}

impl Executor for PerVuIterations {
    fn kind(&self) -> &'static str {
        TYPE.name
    }

    fn validate(&self) -> Result<(), String> {
        if self.vus == 0 {
            return Err("the number of VUs must be more than 0".into());
        }
        if self.iterations == 0 {
            return Err("the number of iterations must be more than 0".into());
        }
        if self.max_duration < Duration::from_secs(1) {
            return Err(format!(
                "the maxDuration must be at least 1s, but is {}",
                fmt_dur(self.max_duration)
            ));
        }
        Ok(())
    }

    fn segment(&mut self, seg: &Segment) {
        self.vus = seg.stripe().scale(self.vus);
    }

    fn max_vus(&self) -> u64 {
        self.vus
    }

    fn duration(&self) -> Duration {
        self.max_duration
    }

    fn describe(&self) -> (String, Vec<String>) {
        (
            format!(
                "{} iterations for each of {} VUs",
                self.iterations, self.vus
            ),
            vec![format!("maxDuration: {}", fmt_dur(self.max_duration))],
        )
    }

    fn run_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("iterations", self.iterations.to_string()),
            ("maxDuration", fmt_dur(self.max_duration)),
            ("vus", self.vus.to_string()),
        ]
    }

    fn bar(&self, view: &BarView) -> BarState {
        let (finished, total) = (view.finished(), self.iterations * self.vus);
        BarState {
            frac: finished as f64 / total.max(1) as f64,
            vus: format!("{} VUs", self.vus),
            time: view.elapsed_of(self.max_duration),
            extra: format!("{finished}/{total} iters, {} per VU", self.iterations),
        }
    }

    fn run<'a>(&'a self, ctx: &'a RunCtx) -> BoxFuture<'a, ()> {
        Box::pin(self.run_all(ctx))
    }
}
