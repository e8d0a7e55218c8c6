//! Runs rk6 and signals it mid-run, as a user's Ctrl-C or a CI runner's kill would.

use std::time::Duration;

use super::{rk6_bin, Scripts};

/// Runs rk6 with `args` in `dir`, sends `signal` after `delay` and returns (exit code,
/// stdout, stderr); the run must end within 15 s of the signal.
pub fn signalled_run(
    dir: &Scripts,
    args: &[&str],
    env: &[(&str, String)],
    delay: Duration,
    signal: i32,
) -> (Option<i32>, String, String) {
    let mut cmd = std::process::Command::new(rk6_bin());
    cmd.args(args)
        .env("NO_COLOR", "1")
        .current_dir(dir.dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start rk6");
    let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(child.stdout.take().map(|s| Box::new(s) as _));
    let err = drain(child.stderr.take().map(|s| Box::new(s) as _));
    std::thread::sleep(delay);
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, signal) };
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for rk6") {
            break Some(status);
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    let status = status.unwrap_or_else(|| {
        panic!("rk6 {args:?} still ran 15 s after signal {signal}; killed\n{stdout}\n{stderr}")
    });
    (status.code(), stdout, stderr)
}
