//! `externally-controlled`: VUs are started and stopped at run time through the REST API
//! (`PATCH /v1/status {"vus": N}`), up to `maxVUs`, for `duration` (0 = until stopped).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::RunCtx;

#[derive(Debug, Clone)]
pub struct ExternallyControlled {
    pub vus: u64,
    pub max_vus: u64,
    pub duration: Duration,
    /// The live target, shared with the REST API.
    pub target: Arc<AtomicU64>,
}

impl ExternallyControlled {
    pub fn validate(&self) -> Result<(), String> {
        if self.max_vus < self.vus {
            return Err("maxVUs should be greater than or equal to vus".into());
        }
        Ok(())
    }

    pub async fn run(&self, ctx: &RunCtx) {
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
