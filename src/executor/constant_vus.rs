//! `constant-vus`: a fixed number of VUs looping for a duration.

use std::time::{Duration, Instant};

use super::{for_each_vu, RunCtx};

#[derive(Debug, Clone)]
pub struct ConstantVus {
    pub vus: u64,
    pub duration: Duration,
}

impl ConstantVus {
    pub fn validate(&self) -> Result<(), String> {
        if self.vus == 0 {
            return Err("the number of VUs must be more than 0".into());
        }
        if self.duration < Duration::from_secs(1) {
            return Err(format!(
                "the duration must be at least 1s, but is {}",
                rk6_runtime::duration::format(self.duration)
            ));
        }
        Ok(())
    }

    pub async fn run(&self, ctx: &RunCtx) {
        let deadline = Instant::now() + self.duration;
        for_each_vu(ctx, self.vus as usize, |_, vu| async move {
            ctx.iterate_while(vu, move || Instant::now() < deadline)
                .await;
        })
        .await;
    }
}
