//! Open-model scheduling shared by the arrival-rate executors: iterations start on an
//! absolute schedule derived from a rate curve (no drift: each start time is computed from
//! the scenario start, not from the previous iteration), each on a free VU of the pool; when
//! none is free the iteration is dropped and counted in `dropped_iterations`.

use std::time::{Duration, Instant, SystemTime};

use futures_util::stream::{FuturesUnordered, StreamExt as _};

use rk6_runtime::log::Logger;
use rk6_runtime::metrics::{builtin, Sample};

use super::{count_active, count_iteration, RunCtx};

/// Integration step for turning a rate curve into start times.
const STEP_SECS: f64 = 0.0001;

/// Start offsets (seconds from the scenario start) of every iteration for `rate_at(t)`
/// iterations per second over `duration`: iteration k starts when the integral reaches k.
/// Computed lazily, so a long soak holds no per-iteration schedule in memory.
pub fn schedule<F: Fn(f64) -> f64>(duration: Duration, rate_at: F) -> Schedule<F> {
    Schedule {
        end: duration.as_secs_f64(),
        rate_at,
        t: 0.0,
        area: 0.0,
        next: 0.0,
    }
}

/// The iterator [`schedule`] returns.
pub struct Schedule<F> {
    end: f64,
    rate_at: F,
    t: f64,
    area: f64,
    next: f64,
}

impl<F: Fn(f64) -> f64> Iterator for Schedule<F> {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        while self.t < self.end {
            if self.area >= self.next {
                self.next += 1.0;
                return Some(self.t);
            }
            // Trapezoid step.
            let r = &self.rate_at;
            self.area += (r(self.t) + r(self.t + STEP_SECS)) * 0.5 * STEP_SECS;
            self.t += STEP_SECS;
        }
        None
    }
}

/// Runs the schedule on a pool of `pool` VUs of `ctx`.
pub async fn run(ctx: &RunCtx, pool: usize, starts: impl Iterator<Item = f64>, executor: &str) {
    let mut vus: Vec<rk6_runtime::VuHandle> = ctx.vus.iter().take(pool).cloned().collect();
    // Idle VUs as a stack: the one that finished last starts the next iteration. Below
    // full load that keeps reusing the same few VUs, whose thread, stack and heap are still
    // in the CPU's caches, instead of cycling through every VU (and waking its thread).
    let mut idle: Vec<usize> = (0..vus.len()).rev().collect();
    let mut spare_ids = ctx.more.as_ref().map(|m| m.ids.clone()).unwrap_or_default();
    spare_ids.reverse();
    let begin = Instant::now();
    // Running iterations are futures of this task, not spawned tasks: a spawned task per
    // iteration woke another thread of the runtime for every start (and its completion),
    // on top of the VU's thread.
    let mut running = FuturesUnordered::new();
    let mut warned = false;
    let mut behind_warned = false;
    // With --execution-segment, this instance runs its stripe of the global schedule.
    let starts = starts
        .enumerate()
        .filter(|(i, _)| ctx.stripe.takes(*i as u64))
        .map(|(_, t)| t);
    let mut stop = ctx.stop.clone();
    'schedule: for offset in starts {
        let at = begin + Duration::from_secs_f64(offset);
        let next_start = tokio::time::sleep_until(at.into());
        tokio::pin!(next_start);
        // Until the next start: collect the VUs whose iteration ended.
        loop {
            tokio::select! {
                biased;
                Some(i) = running.next(), if !running.is_empty() => idle.push(i),
                () = &mut next_start => break,
                _ = stop.wait_for(|s| *s) => break 'schedule,
            }
        }
        if *ctx.interrupt.borrow() {
            break;
        }
        let mut free = idle.pop();
        if free.is_none() && vus.len() < pool {
            // Initialise one more VU for this iteration (it starts late by the init time,
            // which iteration_start_lag shows).
            if let (Some(more), Some(id)) = (&ctx.more, spare_ids.pop()) {
                match more.pool.create_vu(more.config.clone(), id).await {
                    Ok((vu, _)) => {
                        vus.push(vu);
                        more.config
                            .test
                            .vus_initialized
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        free = Some(vus.len() - 1);
                    }
                    Err(e) => Logger::error(&e.to_string(), &[]),
                }
            }
        }
        let Some(i) = free else {
            if !warned {
                warned = true;
                Logger::warn(
                    &format!(
                        "Insufficient VUs, reached {pool} active VUs and cannot initialize more"
                    ),
                    &[("executor", executor), ("scenario", &ctx.job.scenario)],
                );
            }
            ctx.emit_dropped(1);
            continue;
        };
        let lag = emit_lag(ctx, at);
        if lag > Duration::from_secs(1) && !behind_warned {
            behind_warned = true;
            Logger::warn(
                &format!(
                    "The test is falling behind its schedule: an iteration started {:.1}s late; the load generator is overloaded and the requested rate is not being met (see iteration_start_lag)",
                    lag.as_secs_f64()
                ),
                &[("executor", executor), ("scenario", &ctx.job.scenario)],
            );
        }
        let vu = vus[i].clone();
        let (job, interrupt) = (ctx.job.clone(), ctx.interrupt.clone());
        let (progress, test) = (&ctx.progress, &ctx.test);
        count_active(progress, test, true);
        running.push(async move {
            let out = vu.run(rk6_runtime::Job::Iteration(job), interrupt).await;
            count_iteration(progress, test, &out);
            count_active(progress, test, false);
            i
        });
    }
    while running.next().await.is_some() {}
}

/// `iteration_start_lag` (beyond k6): how late the iteration starts after its scheduled
/// time, so a generator that falls behind (coordinated omission) shows in the results.
fn emit_lag(ctx: &RunCtx, scheduled: Instant) -> Duration {
    let lag = Instant::now().saturating_duration_since(scheduled);
    let sample = Sample {
        metric: builtin::ITERATION_START_LAG,
        time: SystemTime::now(),
        value: lag.as_secs_f64() * 1000.0,
        tags: ctx.job.tags.clone(),
        metadata: None,
    };
    let _ = ctx.samples.send(vec![sample]);
    lag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_rate_starts_on_an_even_grid_from_zero() {
        let s: Vec<f64> = schedule(Duration::from_secs(3), |_| 40.0).collect();
        assert_eq!(s.len(), 120);
        assert!(s[0].abs() < 1e-9);
        assert!((s[40] - 1.0).abs() < 0.001, "{}", s[40]);
    }

    #[test]
    fn ramping_rate_integrates_the_curve() {
        // 10/s rising linearly to 50/s over 2 s: 60 iterations.
        let s: Vec<f64> = schedule(Duration::from_secs(2), |t| 10.0 + 20.0 * t).collect();
        assert!((59..=61).contains(&s.len()), "{}", s.len());
    }
}
