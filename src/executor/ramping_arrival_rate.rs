//! `ramping-arrival-rate`: like constant-arrival-rate, with the rate following linear
//! stages from `startRate`.

use std::time::Duration;

use futures_util::future::BoxFuture;
use rk6_runtime::duration::format as fmt_dur;

use super::config::ScenarioJson;
use super::rules::{self, Raw};
use super::{arrival, max_vus_fact, BarState, BarView, Executor, ExecutorType, RunCtx};
use crate::config_types::{ConfigError, DurationOpt, FieldType, Fields};
use crate::execution_segment::Segment;

/// This executor type as the registry lists it.
pub static TYPE: ExecutorType = ExecutorType {
    name: "ramping-arrival-rate",
    fields: FIELDS,
    check,
    build: RampingArrivalRate::build,
};

/// The config's own fields and their Go types (`lib/executor/ramping_arrival_rate.go`).
const FIELDS: Fields = &[
    ("maxVUs", FieldType::NullInt),
    ("preAllocatedVUs", FieldType::NullInt),
    ("stages", FieldType::Stages),
    ("startRate", FieldType::NullInt),
    ("timeUnit", FieldType::NullDuration),
];

/// k6's checks of a `ramping-arrival-rate` config.
fn check(errors: &mut Vec<String>, f: &Raw) {
    if f.int("startRate").unwrap_or(0) < 0 {
        errors.push("the startRate value can't be negative".into());
    }
    rules::time_unit(errors, f);
    rules::stages(errors, f);
    rules::pre_allocated(errors, f);
}

#[derive(Debug, Clone)]
pub struct RampingArrivalRate {
    /// Iterations per `time_unit` at the start.
    pub start_rate: f64,
    pub time_unit: Duration,
    /// (duration, target rate per `time_unit`).
    pub stages: Vec<(Duration, f64)>,
    pub pre_allocated_vus: u64,
    pub max_vus: u64,
}

/// An arrival-rate stage: the target is a rate, which may be fractional.
#[derive(Debug, Clone, serde::Deserialize)]
struct RateStage {
    duration: DurationOpt,
    #[serde(default)]
    target: f64,
}

impl RampingArrivalRate {
    fn build(f: &ScenarioJson) -> Result<Box<dyn Executor>, ConfigError> {
        let stages = f
            .stages::<RateStage>()?
            .into_iter()
            .map(|s| Ok((s.duration.get("stage duration")?, s.target)))
            .collect::<Result<Vec<_>, ConfigError>>()?;
        Ok(Box::new(RampingArrivalRate {
            start_rate: f.f64("startRate")?.unwrap_or(0.0),
            time_unit: f.dur("timeUnit")?.unwrap_or(Duration::from_secs(1)),
            stages,
            pre_allocated_vus: f.u64("preAllocatedVUs")?.unwrap_or(0),
            max_vus: f.max_vus_or_pre_allocated()?,
        }))
    }

    pub fn total_duration(&self) -> Duration {
        self.stages.iter().map(|s| s.0).sum()
    }

    /// The highest rate of the curve, per `time_unit`.
    pub fn max_rate(&self) -> f64 {
        self.stages
            .iter()
            .map(|s| s.1)
            .fold(self.start_rate, f64::max)
    }

    /// Iterations per second `t` seconds into the scenario.
    pub fn per_second_at(&self, t: f64) -> f64 {
        let unit = self.time_unit.as_secs_f64();
        let (mut from, mut offset) = (self.start_rate, 0.0);
        for (d, target) in &self.stages {
            let len = d.as_secs_f64();
            if t < offset + len {
                let frac = if len > 0.0 { (t - offset) / len } else { 1.0 };
                return (from + (target - from) * frac) / unit;
            }
            offset += len;
            from = *target;
        }
        from / unit
    }

    async fn run_all(&self, ctx: &RunCtx) {
        let starts = arrival::schedule(self.total_duration(), |t| self.per_second_at(t));
        arrival::run(ctx, self.max_vus as usize, starts, TYPE.name).await;
    }
}

impl Executor for RampingArrivalRate {
    fn kind(&self) -> &'static str {
        TYPE.name
    }

    fn validate(&self) -> Result<(), String> {
        if self.stages.is_empty() {
            return Err("at least one stage has to be specified".into());
        }
        if self.time_unit.is_zero() {
            return Err("the timeUnit must be more than 0".into());
        }
        if self.max_vus < self.pre_allocated_vus {
            return Err("maxVUs can't be less than preAllocatedVUs".into());
        }
        Ok(())
    }

    fn segment(&mut self, seg: &Segment) {
        let stripe = seg.stripe();
        self.pre_allocated_vus = stripe.scale(self.pre_allocated_vus);
        self.max_vus = stripe.scale(self.max_vus);
    }

    fn max_vus(&self) -> u64 {
        self.max_vus.max(self.pre_allocated_vus)
    }

    fn initial_vus(&self) -> u64 {
        self.pre_allocated_vus.min(self.max_vus())
    }

    fn duration(&self) -> Duration {
        self.total_duration()
    }

    fn describe(&self) -> (String, Vec<String>) {
        (
            format!(
                "Up to {:.2} iterations/s for {} over {} stages",
                self.max_rate() / self.time_unit.as_secs_f64(),
                fmt_dur(self.total_duration()),
                self.stages.len()
            ),
            vec![max_vus_fact(self.pre_allocated_vus, self.max_vus)],
        )
    }

    fn run_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("duration", fmt_dur(self.total_duration())),
            ("maxVUs", self.max_vus.to_string()),
            ("numStages", self.stages.len().to_string()),
            ("preAllocatedVUs", self.pre_allocated_vus.to_string()),
        ]
    }

    fn bar(&self, view: &BarView) -> BarState {
        let total = self.total_duration();
        BarState {
            frac: view.frac_of(total),
            vus: view.busy_vus(self.max_vus),
            time: view.time(total, fmt_dur(total)),
            extra: format!(
                "{:.2} iters/s",
                self.per_second_at(view.since.as_secs_f64())
            ),
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
    fn rate_follows_linear_stages() {
        let r = RampingArrivalRate {
            start_rate: 10.0,
            time_unit: Duration::from_secs(1),
            stages: vec![
                (Duration::from_secs(2), 50.0),
                (Duration::from_secs(1), 50.0),
                (Duration::from_secs(1), 0.0),
            ],
            pre_allocated_vus: 4,
            max_vus: 20,
        };
        assert_eq!(r.per_second_at(0.0), 10.0);
        assert_eq!(r.per_second_at(1.0), 30.0);
        assert_eq!(r.per_second_at(2.5), 50.0);
        assert_eq!(r.per_second_at(3.5), 25.0);
        assert_eq!(r.max_rate(), 50.0);
    }
}
