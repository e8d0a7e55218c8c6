//! `constant-arrival-rate`: iterations start at a fixed rate, whatever the response times
//! (an open model), on a pool of up to `maxVUs` VUs; missing VUs mean dropped iterations.

use std::time::Duration;

use futures_util::future::BoxFuture;
use rk6_runtime::duration::format as fmt_dur;

use super::config::ScenarioJson;
use super::rules::{self, Raw};
use super::{arrival, max_vus_fact, BarState, BarView, Executor, ExecutorType, RunCtx};
use crate::config_types::{ConfigError, FieldType, Fields};
use crate::execution_segment::Segment;

/// This executor type as the registry lists it.
pub static TYPE: ExecutorType = ExecutorType {
    name: "constant-arrival-rate",
    fields: FIELDS,
    check,
    build: ConstantArrivalRate::build,
};

/// The config's own fields and their Go types (`lib/executor/constant_arrival_rate.go`).
const FIELDS: Fields = &[
    ("duration", FieldType::NullDuration),
    ("maxVUs", FieldType::NullInt),
    ("preAllocatedVUs", FieldType::NullInt),
    ("rate", FieldType::NullInt),
    ("timeUnit", FieldType::NullDuration),
];

/// k6's checks of a `constant-arrival-rate` config.
fn check(errors: &mut Vec<String>, f: &Raw) {
    match f.int("rate") {
        None => errors.push("the iteration rate isn't specified".into()),
        Some(r) if r <= 0 => errors.push("the iteration rate must be more than 0".into()),
        Some(_) => {}
    }
    rules::time_unit(errors, f);
    rules::duration_at_least_1s(errors, f);
    rules::pre_allocated(errors, f);
}

#[derive(Debug, Clone)]
pub struct ConstantArrivalRate {
    /// Iterations per `time_unit`.
    pub rate: f64,
    pub time_unit: Duration,
    pub duration: Duration,
    pub pre_allocated_vus: u64,
    pub max_vus: u64,
}

impl ConstantArrivalRate {
    fn build(f: &ScenarioJson) -> Result<Box<dyn Executor>, ConfigError> {
        Ok(Box::new(ConstantArrivalRate {
            rate: f.f64("rate")?.unwrap_or(0.0),
            time_unit: f.dur("timeUnit")?.unwrap_or(Duration::from_secs(1)),
            duration: f.dur("duration")?.unwrap_or(Duration::ZERO),
            pre_allocated_vus: f.u64("preAllocatedVUs")?.unwrap_or(0),
            max_vus: f.max_vus_or_pre_allocated()?,
        }))
    }

    /// Iterations per second.
    pub fn per_second(&self) -> f64 {
        self.rate / self.time_unit.as_secs_f64()
    }

    async fn run_all(&self, ctx: &RunCtx) {
        let per_second = self.per_second();
        let starts = arrival::schedule(self.duration, |_| per_second);
        arrival::run(ctx, self.max_vus as usize, starts, TYPE.name).await;
    }
}

impl Executor for ConstantArrivalRate {
    fn kind(&self) -> &'static str {
        TYPE.name
    }

    fn validate(&self) -> Result<(), String> {
        if self.rate <= 0.0 {
            return Err("the iteration rate must be more than 0".into());
        }
        if self.time_unit.is_zero() {
            return Err("the timeUnit must be more than 0".into());
        }
        if self.duration < Duration::from_secs(1) {
            return Err(format!(
                "the duration must be at least 1s, but is {}",
                fmt_dur(self.duration)
            ));
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
        self.duration
    }

    fn describe(&self) -> (String, Vec<String>) {
        (
            format!(
                "{:.2} iterations/s for {}",
                self.per_second(),
                fmt_dur(self.duration)
            ),
            vec![max_vus_fact(self.pre_allocated_vus, self.max_vus)],
        )
    }

    fn run_fields(&self) -> Vec<(&'static str, String)> {
        let ticker = self.time_unit.div_f64(self.rate.max(f64::MIN_POSITIVE));
        vec![
            ("duration", fmt_dur(self.duration)),
            ("maxVUs", self.max_vus.to_string()),
            ("preAllocatedVUs", self.pre_allocated_vus.to_string()),
            ("tickerPeriod", fmt_dur(ticker)),
        ]
    }

    fn bar(&self, view: &BarView) -> BarState {
        BarState {
            frac: view.frac_of(self.duration),
            vus: view.busy_vus(self.max_vus),
            time: view.time(self.duration, fmt_dur(self.duration)),
            extra: format!("{:.2} iters/s", self.per_second()),
        }
    }

    fn run<'a>(&'a self, ctx: &'a RunCtx) -> BoxFuture<'a, ()> {
        Box::pin(self.run_all(ctx))
    }
}
