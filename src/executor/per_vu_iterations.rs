//! `per-vu-iterations`: each VU runs the same number of iterations.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{for_each_vu, RunCtx};

#[derive(Debug, Clone)]
pub struct PerVuIterations {
    pub vus: u64,
    pub iterations: u64,
    pub max_duration: Duration,
}

impl PerVuIterations {
    pub fn validate(&self) -> Result<(), String> {
        if self.vus == 0 {
            return Err("the number of VUs must be more than 0".into());
        }
        if self.iterations == 0 {
            return Err("the number of iterations must be more than 0".into());
        }
        if self.max_duration < Duration::from_secs(1) {
            return Err(format!(
                "the maxDuration must be at least 1s, but is {}",
                rk6_runtime::duration::format(self.max_duration)
            ));
        }
        Ok(())
    }

    pub async fn run(&self, ctx: &RunCtx) {
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
