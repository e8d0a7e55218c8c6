//! Runs rk6 and signals it mid-run, as a user's Ctrl-C or a CI runner's kill would.

use std::time::Duration;

use super::{Run, Scripts, Tool};

/// Runs rk6 with `args` in `dir`, sends `signal` after `delay` and returns (exit code,
/// stdout, stderr); the run must end within 15 s of the signal.
pub fn signalled_run(
    dir: &Scripts,
    args: &[&str],
    env: &[(&str, String)],
    delay: Duration,
    signal: i32,
) -> (Option<i32>, String, String) {
    let mut run = Run::new(Tool::Rk6)
        .args(args)
        .cwd(dir.dir())
        .signal_after(delay, signal)
        .timeout(delay + Duration::from_secs(15));
    for (k, v) in env {
        run = run.env(k, v);
    }
    let out = run.output();
    (Some(out.code).filter(|c| *c >= 0), out.stdout, out.stderr)
}
