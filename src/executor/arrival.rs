//! Open-model scheduling shared by the arrival-rate executors: iterations start on an
//! absolute schedule derived from a rate curve (no drift: each start time is computed from
//! the scenario start, not from the previous iteration), each on a free VU of the pool; when
//! none is free the iteration is dropped and counted in `dropped_iterations`.

use std::time::{Duration, Instant, SystemTime};

use rk6_runtime::log::Logger;
use rk6_runtime::metrics::{builtin, Sample};

use super::{count_active, count_iteration, RunCtx};

/// Integration step for turning a rate curve into start times.
const STEP_SECS: f64 = 0.0001;

/// Start offsets (seconds from the scenario start) of every iteration for `rate_at(t)`
/// iterations per second over `duration`: iteration k starts when the integral reaches k.
pub fn schedule(duration: Duration, rate_at: impl Fn(f64) -> f64) -> Vec<f64> {
    let end = duration.as_secs_f64();
    let mut starts = Vec::new();
    let (mut t, mut area) = (0.0f64, 0.0f64);
    let mut next = 0.0f64;
    while t < end {
        while area >= next {
            starts.push(t);
            next += 1.0;
        }
        // Trapezoid step.
        area += (rate_at(t) + rate_at(t + STEP_SECS)) * 0.5 * STEP_SECS;
        t += STEP_SECS;
    }
    starts
}

/// Runs the schedule on a pool of `pool` VUs of `ctx`.
pub async fn run(ctx: &RunCtx, pool: usize, starts: Vec<f64>, executor: &str) {
    let (idle_tx, mut idle_rx) = tokio::sync::mpsc::unbounded_channel::<usize>();
    for i in 0..pool.min(ctx.vus.len()) {
        let _ = idle_tx.send(i);
    }
    let begin = Instant::now();
    let mut running = tokio::task::JoinSet::new();
    let mut warned = false;
    for offset in starts {
        let at = begin + Duration::from_secs_f64(offset);
        let mut stop = ctx.stop.clone();
        tokio::select! {
            _ = tokio::time::sleep_until(at.into()) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        if *ctx.interrupt.borrow() {
            break;
        }
        let Ok(i) = idle_rx.try_recv() else {
            if !warned {
                warned = true;
                Logger::warn(
                    &format!(
                        "Insufficient VUs, reached {pool} active VUs and cannot initialize more"
                    ),
                    &[("executor", executor), ("scenario", &ctx.job.scenario)],
                );
            }
            emit_dropped(ctx);
            continue;
        };
        let vu = ctx.vus[i].clone();
        let (job, interrupt, idle) = (ctx.job.clone(), ctx.interrupt.clone(), idle_tx.clone());
        let (progress, test) = (ctx.progress.clone(), ctx.test.clone());
        running.spawn(async move {
            count_active(&progress, &test, true);
            let out = vu.run(rk6_runtime::Job::Iteration(job), interrupt).await;
            count_iteration(&progress, &test, &out);
            count_active(&progress, &test, false);
            let _ = idle.send(i);
        });
    }
    while running.join_next().await.is_some() {}
}

fn emit_dropped(ctx: &RunCtx) {
    let sample = Sample {
        metric: builtin::DROPPED_ITERATIONS,
        time: SystemTime::now(),
        value: 1.0,
        tags: ctx.job.tags.clone(),
    };
    let _ = ctx.samples.send(vec![sample]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_rate_starts_on_an_even_grid_from_zero() {
        let s = schedule(Duration::from_secs(3), |_| 40.0);
        assert_eq!(s.len(), 120);
        assert!(s[0].abs() < 1e-9);
        assert!((s[40] - 1.0).abs() < 0.001, "{}", s[40]);
    }

    #[test]
    fn ramping_rate_integrates_the_curve() {
        // 10/s rising linearly to 50/s over 2 s: 60 iterations.
        let s = schedule(Duration::from_secs(2), |t| 10.0 + 20.0 * t);
        assert!((59..=61).contains(&s.len()), "{}", s.len());
    }
}
