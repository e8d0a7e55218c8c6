//! `ramping-arrival-rate`: like constant-arrival-rate, with the rate following linear
//! stages from `startRate`.

use std::time::Duration;

use super::{arrival, RunCtx};

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

impl RampingArrivalRate {
    pub fn validate(&self) -> Result<(), String> {
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

    pub async fn run(&self, ctx: &RunCtx) {
        let starts = arrival::schedule(self.total_duration(), |t| self.per_second_at(t));
        arrival::run(ctx, self.max_vus as usize, starts, "ramping-arrival-rate").await;
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
