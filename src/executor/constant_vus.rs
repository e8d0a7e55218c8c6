//! `constant-vus`: a fixed number of VUs looping for a duration.

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
    name: "constant-vus",
    fields: FIELDS,
    check,
    build: ConstantVus::build,
};

/// The config's own fields and their Go types (`lib/executor/constant_vus.go`).
const FIELDS: Fields = &[
    ("duration", FieldType::NullDuration),
    ("vus", FieldType::NullInt),
];

/// k6's checks of a `constant-vus` config.
fn check(errors: &mut Vec<String>, f: &Raw) {
    rules::vus_positive(errors, f.int("vus").unwrap_or(1));
    rules::duration_at_least_1s(errors, f);
}

#[derive(Debug, Clone)]
pub struct ConstantVus {
    pub vus: u64,
    pub duration: Duration,
}

impl ConstantVus {
    fn build(f: &ScenarioJson) -> Result<Box<dyn Executor>, ConfigError> {
        Ok(Box::new(ConstantVus {
            vus: f.u64("vus")?.unwrap_or(1),
            duration: f.dur("duration")?.unwrap_or(Duration::ZERO),
        }))
    }

    async fn run_all(&self, ctx: &RunCtx) {
        let deadline = Instant::now() + self.duration;
        for_each_vu(ctx, self.vus as usize, |_, vu| async move {
            ctx.iterate_while(vu, move || Instant::now() < deadline)
                .await;
        })
        .await;
    }
}

impl Executor for ConstantVus {
    fn kind(&self) -> &'static str {
        TYPE.name
    }

    fn validate(&self) -> Result<(), String> {
        if self.vus == 0 {
            return Err("the number of VUs must be more than 0".into());
        }
        if self.duration < Duration::from_secs(1) {
            return Err(format!(
                "the duration must be at least 1s, but is {}",
                fmt_dur(self.duration)
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
        self.duration
    }

    fn describe(&self) -> (String, Vec<String>) {
        (
            format!("{} looping VUs for {}", self.vus, fmt_dur(self.duration)),
            vec![],
        )
    }

    fn run_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("duration", fmt_dur(self.duration)),
            ("vus", self.vus.to_string()),
        ]
    }

    fn bar(&self, view: &BarView) -> BarState {
        BarState {
            frac: view.frac_of(self.duration),
            vus: format!("{} VUs", self.vus),
            time: view.time(self.duration, fmt_dur(self.duration)),
            extra: String::new(),
        }
    }

    fn run<'a>(&'a self, ctx: &'a RunCtx) -> BoxFuture<'a, ()> {
        Box::pin(self.run_all(ctx))
    }
}
