//! `externally-controlled`: VUs are started and stopped at run time through the REST API
//! (`PATCH /v1/status {"vus": N}`), up to `maxVUs`, for `duration` (0 = until stopped).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use rk6_runtime::duration::format as fmt_dur;

use super::config::ScenarioJson;
use super::rules::Raw;
use super::{BarState, BarView, Executor, ExecutorType, RunCtx};
use crate::config_types::{ConfigError, FieldType, Fields};
use crate::execution_segment::Segment;

/// This executor type as the registry lists it.
pub static TYPE: ExecutorType = ExecutorType {
    name: "externally-controlled",
    fields: FIELDS,
    check,
    build: ExternallyControlled::build,
};

/// The config's own fields and their Go types (`lib/executor/externally_controlled.go`).
const FIELDS: Fields = &[
    ("duration", FieldType::NullDuration),
    ("maxVUs", FieldType::NullInt),
    ("vus", FieldType::NullInt),
];

/// k6's checks of an `externally-controlled` config.
fn check(errors: &mut Vec<String>, f: &Raw) {
    let vus = f.int("vus").unwrap_or(0);
    let max_vus = f.int("maxVUs").unwrap_or(vus);
    if vus < 0 {
        errors.push("the number of VUs can't be negative".into());
    }
    if max_vus < vus {
        errors.push(format!(
            "the number of active VUs ({vus}) must be less than or equal to the number of maxVUs ({max_vus})"
        ));
    }
    match f.nanos("duration") {
        None => errors.push("the duration must be specified, for infinite duration use 0".into()),
        Some(ns) if ns < 0 => {
            errors.push("the duration can't be negative, for infinite duration use 0".into())
        }
        Some(_) => {}
    }
    if f.get("gracefulStop").is_some() {
        errors.push("gracefulStop is not supported by the externally controlled executor".into());
    }
}

#[derive(Debug, Clone)]
pub struct ExternallyControlled {
    pub vus: u64,
    pub max_vus: u64,
    pub duration: Duration,
    /// The live target, shared with the REST API.
    pub target: Arc<AtomicU64>,
}

impl ExternallyControlled {
    fn build(f: &ScenarioJson) -> Result<Box<dyn Executor>, ConfigError> {
        let vus = f.u64("vus")?.unwrap_or(1);
        Ok(Box::new(ExternallyControlled {
            vus,
            max_vus: f.u64("maxVUs")?.unwrap_or(vus),
            duration: f.dur("duration")?.unwrap_or_default(),
            target: Default::default(),
        }))
    }

    async fn run_all(&self, ctx: &RunCtx) {
        let forever = self.duration.is_zero();
        let deadline = Instant::now() + self.duration;
        let target = self.target.clone();
        target.store(self.vus, Ordering::Relaxed);
        // Every VU up to maxVUs waits its turn; it counts as active only while it runs.
        let loops = ctx
            .vus
            .iter()
            .take(self.max_vus as usize)
            .enumerate()
            .map(|(i, vu)| {
                let target = target.clone();
                async move {
                    let i = i as u64;
                    let in_time = move || forever || Instant::now() < deadline;
                    loop {
                        if *ctx.stop.borrow() || !in_time() {
                            return;
                        }
                        if target.load(Ordering::Relaxed) > i {
                            let t = target.clone();
                            ctx.vu_active(true);
                            ctx.iterate_while(vu, move || {
                                in_time() && t.load(Ordering::Relaxed) > i
                            })
                            .await;
                            ctx.vu_active(false);
                        } else {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
            });
        futures_util::future::join_all(loops).await;
    }
}

impl Executor for ExternallyControlled {
    fn kind(&self) -> &'static str {
        TYPE.name
    }

    fn validate(&self) -> Result<(), String> {
        if self.max_vus < self.vus {
            return Err("maxVUs should be greater than or equal to vus".into());
        }
        Ok(())
    }

    fn segment(&mut self, seg: &Segment) {
        let stripe = seg.stripe();
        self.vus = stripe.scale(self.vus);
        self.max_vus = stripe.scale(self.max_vus);
    }

    fn max_vus(&self) -> u64 {
        self.max_vus
    }

    fn duration(&self) -> Duration {
        self.duration
    }

    /// k6 adds no graceful stop to an externally controlled scenario.
    fn graceful_time(&self, _graceful_stop: Duration) -> Duration {
        Duration::ZERO
    }

    fn has_graceful_stop(&self) -> bool {
        false
    }

    /// Duration 0 runs until the test is stopped.
    fn unbounded(&self) -> bool {
        self.duration.is_zero()
    }

    fn describe(&self) -> (String, Vec<String>) {
        let head = format!(
            "Externally controlled execution with {} VUs, {} max VUs, {} duration",
            self.vus,
            self.max_vus,
            fmt_dur(self.duration)
        );
        (head, Vec::new())
    }

    fn run_fields(&self) -> Vec<(&'static str, String)> {
        vec![("duration", fmt_dur(self.duration))]
    }

    fn bar(&self, view: &BarView) -> BarState {
        BarState {
            frac: view.frac_of(self.duration),
            vus: view.busy_vus(self.max_vus),
            time: view.time(self.duration, fmt_dur(self.duration)),
            extra: String::new(),
        }
    }

    /// The REST API's `PATCH /v1/status {"vus": N}` moves this executor's target; the API
    /// starts out showing the scenario's own VUs and maxVUs.
    fn attach_control(&mut self, control: &crate::api::Control) {
        self.target = control.vus.clone();
        control.vus.store(self.vus, Ordering::Relaxed);
        control.vus_max.store(self.max_vus, Ordering::Relaxed);
    }

    fn run<'a>(&'a self, ctx: &'a RunCtx) -> BoxFuture<'a, ()> {
        Box::pin(self.run_all(ctx))
    }
}
