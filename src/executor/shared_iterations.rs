//! `shared-iterations`: a fixed number of iterations shared by a pool of VUs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{for_each_vu, RunCtx};

#[derive(Debug, Clone)]
pub struct SharedIterations {
    pub vus: u64,
    pub iterations: u64,
    pub max_duration: Duration,
}

impl SharedIterations {
    pub fn validate(&self) -> Result<(), String> {
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
                rk6_runtime::duration::format(self.max_duration)
            ));
        }
        Ok(())
    }

    pub async fn run(&self, ctx: &RunCtx) {
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
