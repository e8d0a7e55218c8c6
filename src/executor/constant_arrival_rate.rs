//! `constant-arrival-rate`: iterations start at a fixed rate, whatever the response times
//! (an open model), on a pool of up to `maxVUs` VUs; missing VUs mean dropped iterations.

use std::time::Duration;

use super::{arrival, RunCtx};

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
    pub fn validate(&self) -> Result<(), String> {
        if self.rate <= 0.0 {
            return Err("the iteration rate must be more than 0".into());
        }
        if self.time_unit.is_zero() {
            return Err("the timeUnit must be more than 0".into());
        }
        if self.duration < Duration::from_secs(1) {
            return Err(format!(
                "the duration must be at least 1s, but is {}",
                rk6_runtime::duration::format(self.duration)
            ));
        }
        if self.max_vus < self.pre_allocated_vus {
            return Err("maxVUs can't be less than preAllocatedVUs".into());
        }
        Ok(())
    }

    /// Iterations per second.
    pub fn per_second(&self) -> f64 {
        self.rate / self.time_unit.as_secs_f64()
    }

    pub async fn run(&self, ctx: &RunCtx) {
        let per_second = self.per_second();
        let starts = arrival::schedule(self.duration, |_| per_second);
        arrival::run(ctx, self.max_vus as usize, starts, "constant-arrival-rate").await;
    }
}
