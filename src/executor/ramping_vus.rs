//! `ramping-vus`: the number of looping VUs follows linear stages from `startVUs`.
//!
//! VU `i` loops while the planned VU count is above `i`; when the count drops it may finish
//! its current iteration within `gracefulRampDown` (else it is interrupted) and idles, and
//! resumes if the count rises again.

use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use rk6_runtime::duration::format as fmt_dur;
use serde_json::Value;

use super::config::ScenarioJson;
use super::rules::{self, Raw};
use super::{BarState, BarView, Executor, ExecutorType, RunCtx};
use crate::config_types::{ConfigError, FieldType, Fields, Stage};
use crate::execution_segment::Segment;

/// This executor type as the registry lists it.
pub static TYPE: ExecutorType = ExecutorType {
    name: "ramping-vus",
    fields: FIELDS,
    check,
    build: RampingVus::build,
};

/// The config's own fields and their Go types (`lib/executor/ramping_vus.go`).
const FIELDS: Fields = &[
    ("gracefulRampDown", FieldType::NullDuration),
    ("stages", FieldType::Stages),
    ("startVUs", FieldType::NullInt),
];

/// k6's checks of a `ramping-vus` config.
fn check(errors: &mut Vec<String>, f: &Raw) {
    let start = f.int("startVUs").unwrap_or(1);
    if start < 0 {
        errors.push("the number of start VUs can't be negative".into());
    }
    let targets: Vec<i64> = f
        .get("stages")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .map(|s| s.get("target").and_then(Value::as_i64).unwrap_or(0))
                .collect()
        })
        .unwrap_or_default();
    if targets.iter().copied().fold(start, i64::max) <= 0 {
        errors.push(
            "either startVUs or one of the stages' target values must be greater than 0".into(),
        );
    }
    rules::stages(errors, f);
    if start > rules::MAX_CONCURRENT_VUS {
        errors.push(format!(
            "the startVUs exceed max limit of {}",
            rules::MAX_CONCURRENT_VUS
        ));
    }
    for (i, t) in targets.iter().enumerate() {
        if *t > rules::MAX_CONCURRENT_VUS {
            errors.push(format!(
                "target for stage {} exceeds max limit of {}",
                i + 1,
                rules::MAX_CONCURRENT_VUS
            ));
        }
    }
}

#[derive(Debug, Clone)]
pub struct RampingVus {
    pub start_vus: u64,
    pub stages: Vec<(Duration, u64)>,
    pub graceful_ramp_down: Duration,
}

/// `(duration, target)` pairs of k6's VU stages (the `stages` option or a scenario's).
pub fn vu_stages(stages: &[Stage]) -> Result<Vec<(Duration, u64)>, ConfigError> {
    stages
        .iter()
        .map(|s| Ok((s.duration.get("stage duration")?, s.target)))
        .collect()
}

impl RampingVus {
    fn build(f: &ScenarioJson) -> Result<Box<dyn Executor>, ConfigError> {
        Ok(Box::new(RampingVus {
            start_vus: f.u64("startVUs")?.unwrap_or(1),
            stages: vu_stages(&f.stages::<Stage>()?)?,
            graceful_ramp_down: f
                .dur("gracefulRampDown")?
                .unwrap_or(Duration::from_secs(30)),
        }))
    }

    pub fn total_duration(&self) -> Duration {
        self.stages.iter().map(|s| s.0).sum()
    }

    /// Planned VUs `t` into the scenario.
    pub fn vus_at(&self, t: Duration) -> u64 {
        let mut from = self.start_vus;
        let mut offset = Duration::ZERO;
        for (d, target) in &self.stages {
            if t < offset + *d {
                let frac = (t - offset).as_secs_f64() / d.as_secs_f64().max(f64::MIN_POSITIVE);
                let v = from as f64 + (*target as f64 - from as f64) * frac;
                // Ramping up adds a VU only once it is fully due; ramping down keeps it until gone.
                return if *target >= from {
                    v.floor() as u64
                } else {
                    v.ceil() as u64
                };
            }
            offset += *d;
            from = *target;
        }
        from
    }

    async fn run_all(&self, ctx: &RunCtx) {
        let start = Instant::now();
        let end = start + self.total_duration();
        let (planned_tx, planned_rx) = tokio::sync::watch::channel(self.vus_at(Duration::ZERO));
        // The controller owns the sender: when it ends (the schedule is over or the test
        // is stopping), VUs waiting for their turn see the channel close and end too.
        let controller = async move {
            while Instant::now() < end && !*ctx.stop.borrow() {
                let _ = planned_tx.send(self.vus_at(start.elapsed()));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            // The last stage's target: a ramp down to 0 at the end is a ramp-down like any
            // other (gracefulRampDown), VUs still planned then are left to gracefulStop.
            let _ = planned_tx.send(self.vus_at(self.total_duration()));
        };
        let loops = ctx
            .vus
            .iter()
            .take(self.max_vus() as usize)
            .enumerate()
            .map(|(i, vu)| {
                let mut planned = planned_rx.clone();
                async move {
                    loop {
                        if planned
                            .wait_for(|n| *n > i as u64 || Instant::now() >= end)
                            .await
                            .is_err()
                        {
                            return;
                        }
                        if !ctx.may_start(end) {
                            return;
                        }
                        ctx.vu_active(true);
                        crate::verbose::vu_handle("Start", &ctx.job.scenario, TYPE.name, i);
                        let still_planned = planned.clone();
                        let (interrupt_tx, interrupt_rx) = tokio::sync::watch::channel(false);
                        let iterations = ctx.iterate_while_interruptible(
                            vu,
                            move || Instant::now() < end && *still_planned.borrow() > i as u64,
                            interrupt_rx,
                        );
                        let guard =
                            self.ramp_down_guard(ctx, planned.clone(), i as u64, &interrupt_tx);
                        tokio::pin!(iterations);
                        tokio::select! {
                            _ = &mut iterations => {}
                            _ = guard => { iterations.await; }
                        }
                        ctx.vu_active(false);
                        crate::verbose::vu_handle("Graceful stop", &ctx.job.scenario, TYPE.name, i);
                    }
                }
            });
        tokio::join!(controller, futures_util::future::join_all(loops));
    }
}

impl RampingVus {
    /// Interrupts VU `i`'s iteration (through `interrupt`) when the scenario is interrupted,
    /// or when a stage ramps the VU count down to `i` or below and the iteration is still
    /// running `gracefulRampDown` later. Ends once it has sent the interrupt.
    async fn ramp_down_guard(
        &self,
        ctx: &RunCtx,
        mut planned: tokio::sync::watch::Receiver<u64>,
        i: u64,
        interrupt: &tokio::sync::watch::Sender<bool>,
    ) {
        let mut scenario_interrupt = ctx.interrupt.clone();
        loop {
            let ramped = tokio::select! {
                _ = scenario_interrupt.wait_for(|x| *x) => None,
                r = planned.wait_for(|n| *n <= i) => Some(r.is_ok()),
            };
            match ramped {
                None => break,
                Some(false) => {
                    // The controller is gone: only the scenario's interrupt is left.
                    let _ = scenario_interrupt.wait_for(|x| *x).await;
                    break;
                }
                Some(true) => {}
            }
            let give_up = tokio::select! {
                _ = scenario_interrupt.wait_for(|x| *x) => true,
                _ = tokio::time::sleep(self.graceful_ramp_down) => *planned.borrow() <= i,
            };
            if give_up {
                break;
            }
        }
        let _ = interrupt.send(true);
    }
}

impl Executor for RampingVus {
    fn kind(&self) -> &'static str {
        TYPE.name
    }

    fn validate(&self) -> Result<(), String> {
        if self.stages.is_empty() {
            return Err("at least one stage has to be specified".into());
        }
        if self.max_vus() == 0 {
            return Err(
                "either startVUs or one of the stages' target values must be greater than 0".into(),
            );
        }
        Ok(())
    }

    fn segment(&mut self, seg: &Segment) {
        let stripe = seg.stripe();
        self.start_vus = stripe.scale(self.start_vus);
        for s in &mut self.stages {
            s.1 = stripe.scale(s.1);
        }
    }

    fn max_vus(&self) -> u64 {
        self.stages
            .iter()
            .map(|s| s.1)
            .fold(self.start_vus, u64::max)
    }

    fn duration(&self) -> Duration {
        self.total_duration()
    }

    /// A last stage down to 0 ramps every VU down: they get gracefulRampDown, cut short by
    /// gracefulStop. Otherwise VUs still planned at the end get gracefulStop.
    fn graceful_time(&self, graceful_stop: Duration) -> Duration {
        if self.stages.last().is_some_and(|s| s.1 == 0) {
            self.graceful_ramp_down.min(graceful_stop)
        } else {
            graceful_stop
        }
    }

    fn describe(&self) -> (String, Vec<String>) {
        let head = format!(
            "Up to {} looping VUs for {} over {} stages",
            self.max_vus(),
            fmt_dur(self.total_duration()),
            self.stages.len()
        );
        let ramp_down = format!("gracefulRampDown: {}", fmt_dur(self.graceful_ramp_down));
        (head, vec![ramp_down])
    }

    fn run_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("duration", fmt_dur(self.total_duration())),
            ("maxVUs", self.max_vus().to_string()),
            ("numStages", self.stages.len().to_string()),
            ("startVUs", self.start_vus.to_string()),
        ]
    }

    fn bar(&self, view: &BarView) -> BarState {
        let total = self.total_duration();
        BarState {
            frac: view.frac_of(total),
            vus: view.busy_vus(self.max_vus()),
            time: view.time(total, super::bar::clock(total, total)),
            extra: String::new(),
        }
    }

    fn run<'a>(&'a self, ctx: &'a RunCtx) -> BoxFuture<'a, ()> {
        Box::pin(self.run_all(ctx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planned_vus_follow_stages() {
        let r = RampingVus {
            start_vus: 0,
            stages: vec![(Duration::from_secs(10), 10), (Duration::from_secs(10), 0)],
            graceful_ramp_down: Duration::from_secs(30),
        };
        assert_eq!(r.vus_at(Duration::ZERO), 0);
        assert_eq!(r.vus_at(Duration::from_secs(5)), 5);
        assert_eq!(r.vus_at(Duration::from_millis(9999)), 9);
        assert_eq!(r.vus_at(Duration::from_secs(15)), 5);
        assert_eq!(r.vus_at(Duration::from_secs(25)), 0);
        assert_eq!(r.max_vus(), 10);
        assert_eq!(r.total_duration(), Duration::from_secs(20));
    }
}
