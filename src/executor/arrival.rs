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
/// Computed lazily, so a long soak holds no per-iteration schedule in memory, and yielded
/// per integration step as `(offset, count)`, so a rate far above what any machine can
/// start (10^9/s) costs one item per step, not one per iteration.
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

impl<F> Schedule<F> {
    /// The scenario's end, as an offset from its start: nothing starts at or after it.
    pub fn end(&self) -> Duration {
        Duration::from_secs_f64(self.end)
    }
}

impl<F: Fn(f64) -> f64> Iterator for Schedule<F> {
    type Item = (f64, u64);

    fn next(&mut self) -> Option<(f64, u64)> {
        while self.t < self.end {
            if self.area >= self.next {
                // Every start whose integral mark this step has passed.
                let n = (self.area - self.next).floor() + 1.0;
                self.next += n;
                return Some((self.t, n as u64));
            }
            // Trapezoid step.
            let r = &self.rate_at;
            self.area += (r(self.t) + r(self.t + STEP_SECS)) * 0.5 * STEP_SECS;
            self.t += STEP_SECS;
        }
        None
    }
}

/// The VUs an arrival-rate scenario may use: those initialised so far (up to `pool`),
/// which of them are idle, and the ids left for initialising more mid-test.
struct Pool {
    vus: Vec<rk6_runtime::VuHandle>,
    /// Idle VUs as a stack: the one that finished last starts the next iteration. Below
    /// full load that keeps reusing the same few VUs, whose thread, stack and heap are
    /// still in the CPU's caches, instead of cycling through every VU (and waking its
    /// thread).
    idle: Vec<usize>,
    spare_ids: Vec<u64>,
    size: usize,
}

impl Pool {
    fn new(ctx: &RunCtx, size: usize) -> Pool {
        let vus: Vec<rk6_runtime::VuHandle> = ctx.vus.iter().take(size).cloned().collect();
        let idle = (0..vus.len()).rev().collect();
        let mut spare_ids = ctx.more.as_ref().map(|m| m.ids.clone()).unwrap_or_default();
        spare_ids.reverse();
        Pool {
            vus,
            idle,
            spare_ids,
            size,
        }
    }

    /// A free VU, initialising one more if none is idle and the pool may grow (the
    /// iteration then starts late by the init time, which iteration_start_lag shows).
    async fn acquire(&mut self, ctx: &RunCtx) -> Option<usize> {
        if let Some(i) = self.idle.pop() {
            return Some(i);
        }
        if self.vus.len() >= self.size {
            return None;
        }
        let (more, id) = (ctx.more.as_ref()?, self.spare_ids.pop()?);
        match more.pool.create_vu(more.config.clone(), id).await {
            Ok((vu, _)) => {
                self.vus.push(vu);
                more.config
                    .test
                    .vus_initialized
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Some(self.vus.len() - 1)
            }
            Err(e) => {
                Logger::error(&e.to_string(), &[]);
                None
            }
        }
    }
}

/// Runs the schedule on a pool of `pool` VUs of `ctx`. No iteration starts at or after
/// the scenario's end, however far behind the schedule the generator has fallen.
pub async fn run<F: Fn(f64) -> f64>(
    ctx: &RunCtx,
    pool: usize,
    starts: Schedule<F>,
    executor: &str,
) {
    let mut pool = Pool::new(ctx, pool);
    let begin = Instant::now();
    let end = begin + starts.end();
    // Running iterations are futures of this task, not spawned tasks: a spawned task per
    // iteration woke another thread of the runtime for every start (and its completion),
    // on top of the VU's thread.
    let mut running = FuturesUnordered::new();
    let mut warned = Warned::default();
    let mut stop = ctx.stop.clone();
    // The global index of the next scheduled start: with --execution-segment, this
    // instance runs its stripe of the global schedule.
    let mut index = 0u64;
    'schedule: for (offset, n) in starts {
        let mine = ctx.stripe.count_in(index, index + n);
        index += n;
        if mine == 0 {
            continue;
        }
        let at = begin + Duration::from_secs_f64(offset);
        let next_start = tokio::time::sleep_until(at.into());
        tokio::pin!(next_start);
        // Until the next start: collect the VUs whose iteration ended.
        loop {
            tokio::select! {
                biased;
                Some(i) = running.next(), if !running.is_empty() => pool.idle.push(i),
                () = &mut next_start => break,
                _ = stop.wait_for(|s| *s) => break 'schedule,
            }
        }
        if *ctx.interrupt.borrow() || Instant::now() >= end {
            break;
        }
        for started in 0..mine {
            let Some(i) = pool.acquire(ctx).await else {
                warned.insufficient(ctx, pool.size, executor);
                ctx.emit_dropped(mine - started);
                break;
            };
            warned.behind(ctx, emit_lag(ctx, at), executor);
            let vu = pool.vus[i].clone();
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
    }
    while running.next().await.is_some() {}
}

/// The warnings an arrival-rate scenario gives once each.
#[derive(Default)]
struct Warned {
    insufficient: bool,
    behind: bool,
}

impl Warned {
    fn insufficient(&mut self, ctx: &RunCtx, pool: usize, executor: &str) {
        if std::mem::replace(&mut self.insufficient, true) {
            return;
        }
        Logger::warn(
            &format!("Insufficient VUs, reached {pool} active VUs and cannot initialize more"),
            &[("executor", executor), ("scenario", &ctx.job.scenario)],
        );
    }

    fn behind(&mut self, ctx: &RunCtx, lag: Duration, executor: &str) {
        if lag <= Duration::from_secs(1) || std::mem::replace(&mut self.behind, true) {
            return;
        }
        Logger::warn(
            &format!(
                "The test is falling behind its schedule: an iteration started {:.1}s late; the load generator is overloaded and the requested rate is not being met (see iteration_start_lag)",
                lag.as_secs_f64()
            ),
            &[("executor", executor), ("scenario", &ctx.job.scenario)],
        );
    }
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

    fn starts(s: impl Iterator<Item = (f64, u64)>) -> Vec<f64> {
        s.flat_map(|(t, n)| std::iter::repeat_n(t, n as usize))
            .collect()
    }

    #[test]
    fn a_rate_beyond_any_machine_is_batched_per_step() {
        // 10^9/s over 1 s: 10^4 steps, not 10^9 items, and every start is counted.
        let s: Vec<(f64, u64)> = schedule(Duration::from_secs(1), |_| 1e9).collect();
        assert!(s.len() <= 10_001, "{}", s.len());
        let total: u64 = s.iter().map(|(_, n)| n).sum();
        assert!((total as f64 - 1e9).abs() < 1e9 * 1e-3, "{total}");
    }

    #[test]
    fn constant_rate_starts_on_an_even_grid_from_zero() {
        let s: Vec<f64> = starts(schedule(Duration::from_secs(3), |_| 40.0));
        assert_eq!(s.len(), 120);
        assert!(s[0].abs() < 1e-9);
        assert!((s[40] - 1.0).abs() < 0.001, "{}", s[40]);
    }

    #[test]
    fn ramping_rate_integrates_the_curve() {
        // 10/s rising linearly to 50/s over 2 s: 60 iterations.
        let s: Vec<f64> = starts(schedule(Duration::from_secs(2), |t| 10.0 + 20.0 * t));
        assert!((59..=61).contains(&s.len()), "{}", s.len());
    }
}
