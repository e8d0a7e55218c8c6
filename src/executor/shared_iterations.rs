//! `shared-iterations`: a fixed number of iterations shared by a pool of VUs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use rk6_runtime::duration::format as fmt_dur;

use super::config::ScenarioJson;
use super::rules::{self, Raw};
use super::{for_each_vu, BarState, BarView, Executor, ExecutorType, RunCtx};
use crate::config_types::{ConfigError, FieldType, Fields};
use crate::execution_segment::Segment;

/// This executor type as the registry lists it.
pub static TYPE: ExecutorType = ExecutorType {
    name: "shared-iterations",
    fields: FIELDS,
    check,
    build: SharedIterations::build,
};

/// The config's own fields and their Go types (`lib/executor/shared_iterations.go`;
/// `per-vu-iterations` has the same).
pub(super) const FIELDS: Fields = &[
    ("iterations", FieldType::NullInt),
    ("maxDuration", FieldType::NullDuration),
    ("vus", FieldType::NullInt),
];

/// k6's checks of a `shared-iterations` config.
fn check(errors: &mut Vec<String>, f: &Raw) {
    let (vus, iterations) = (f.int("vus").unwrap_or(1), f.int("iterations").unwrap_or(1));
    rules::vus_positive(errors, vus);
    if iterations < vus {
        errors.push(format!(
            "the number of iterations ({iterations}) can't be less than the number of VUs ({vus})"
        ));
    }
    rules::max_duration(errors, f);
}

#[derive(Debug, Clone)]
pub struct SharedIterations {
    pub vus: u64,
    pub iterations: u64,
    pub max_duration: Duration,
    /// Set by [`Executor::segment`]: iterations split by VUs are numbered by that stripe.
    pub stripe: Option<crate::execution_segment::Stripe>,
}

impl SharedIterations {
    fn build(f: &ScenarioJson) -> Result<Box<dyn Executor>, ConfigError> {
        Ok(Box::new(SharedIterations {
            vus: f.u64("vus")?.unwrap_or(1),
            iterations: f.u64("iterations")?.unwrap_or(1),
            max_duration: f.dur("maxDuration")?.unwrap_or(Duration::from_secs(600)),
            stripe: None,
        }))
    }

    async fn run_all(&self, ctx: &RunCtx) {
        let deadline = Instant::now() + self.max_duration;
        let taken = Arc::new(AtomicU64::new(0));
        let total = self.iterations;
        for_each_vu(ctx, self.vus as usize, |_, vu| {
            let taken = taken.clone();
            async move {
                ctx.iterate_while(vu, move || {
                    Instant::now() < deadline && taken.fetch_add(1, Ordering::Relaxed) < total
                })
                .await;
            }
        })
        .await;
        // Iterations no VU started before `maxDuration` ran out are dropped.
        ctx.emit_dropped(total.saturating_sub(taken.load(Ordering::Relaxed)));
    }
}

impl Executor for SharedIterations {
    fn kind(&self) -> &'static str {
        TYPE.name
    }

    fn validate(&self) -> Result<(), String> {
        if self.vus == 0 {
            return Err("the number of VUs must be more than 0".into());
        }
        if self.iterations < self.vus {
            return Err(format!(
                "the number of iterations ({}) can't be less than the number of VUs ({})",
                self.iterations, self.vus
            ));
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
        let stripe = seg.stripe_by_vus(self.vus);
        self.iterations = stripe.scale(self.iterations);
        self.vus = seg.stripe().scale(self.vus);
        self.stripe = Some(stripe);
    }

    fn iteration_stripe(&self) -> Option<(u64, Vec<u64>)> {
        self.stripe.as_ref().map(|s| (s.lcd, s.offsets.clone()))
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
                "{} iterations shared among {} VUs",
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
        let finished = view.finished();
        BarState {
            frac: finished as f64 / self.iterations.max(1) as f64,
            vus: format!("{} VUs", self.vus),
            time: view.elapsed_of(self.max_duration),
            extra: format!("{finished}/{} shared iters", self.iterations),
        }
    }

    fn run<'a>(&'a self, ctx: &'a RunCtx) -> BoxFuture<'a, ()> {
        Box::pin(self.run_all(ctx))
    }
}
