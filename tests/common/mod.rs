//! Shared helpers for the end-to-end suites (`tests/cli_*.rs`, `tests/differential.rs`).
//!
//! Owns: starting and stopping the built-in target (`rk6 target`) as a child process,
//! running `rk6` or the real `k6` with a clean, deterministic environment and a hard
//! time limit, writing temporary scripts, and reading the `--summary-export` JSON and
//! the text summary; `browser` drives a headless Chromium for tests of rendered pages.
//! Not for: asserting anything about rk6 itself.

#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

pub use export::Export;
#[allow(unused_imports)]
pub use output::{summary_value, LogLine, Output};

pub mod auth_gate;
pub mod browser;
pub mod diff;
mod export;
pub mod grpc_server;
pub mod hostile;
pub mod influx;
pub mod otlp_receiver;
mod output;
pub mod peer;
pub mod prometheus;
pub mod py_server;
pub mod rest_api;
pub mod server;
pub mod signal;
pub mod sse_server;
pub mod ws_echo;

/// Path of the rk6 binary under test.
pub fn rk6_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rk6"))
}

/// Root of this repository (where `Cargo.toml` and `tests/` live).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A child process (a server a test started) killed and reaped when dropped, so no test
/// leaves one running, whatever fails.
pub struct KillOnDrop(pub Child);

impl std::ops::Deref for KillOnDrop {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for KillOnDrop {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits for `child` to exit, at most `limit`; kills it past that. How long it took.
pub fn wait_at_most(child: &mut Child, limit: Duration) -> Duration {
    let start = Instant::now();
    while child.try_wait().ok().flatten().is_none() && start.elapsed() < limit {
        thread::sleep(Duration::from_millis(20));
    }
    let took = start.elapsed();
    let _ = child.kill();
    took
}

/// A script shipped with the suite, in `tests/scripts/`.
pub fn suite_script(name: &str) -> PathBuf {
    repo_root().join("tests").join("scripts").join(name)
}

/// The shared compatibility corpus (`../shared/compat`), if this checkout has it.
/// A user's fresh clone does not; callers print a note and skip.
pub fn compat_dir() -> Option<PathBuf> {
    let dir = repo_root().join("..").join("shared").join("compat");
    dir.is_dir().then_some(dir)
}

/// A running `rk6 target` (the httpbin-compatible server), killed on drop.
pub struct Target {
    child: KillOnDrop,
    addr: SocketAddr,
}

impl Target {
    /// Starts the target on a free loopback port and waits until it accepts connections.
    pub fn start() -> Target {
        let mut last_err = String::new();
        // Another process may grab the port between our probe and the child's bind;
        // the child then exits, and we try again with a new port.
        for _ in 0..5 {
            match Self::try_start() {
                Ok(t) => return t,
                Err(e) => last_err = e,
            }
        }
        panic!("could not start `rk6 target`: {last_err}");
    }

    fn try_start() -> Result<Target, String> {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            l.local_addr().map_err(|e| e.to_string())?.port()
        };
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("loopback addr");
        let mut child = Command::new(rk6_bin())
            .args(["target", "--listen", &addr.to_string()])
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawn rk6 target: {e}"))?;

        // Wait for the "listening" line that names our port, then keep draining stderr
        // so the child never blocks on a full pipe.
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::channel::<String>();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    // Nobody listens any more: keep draining silently.
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let needle = format!("127.0.0.1:{port}");
        let mut seen = Vec::new();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("target exited with {status}: {}", seen.join("\n")));
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(line) if line.contains("listening") && line.contains(&needle) => break,
                Ok(line) => seen.push(line),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    thread::sleep(Duration::from_millis(50));
                }
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "target did not report listening: {}",
                    seen.join("\n")
                ));
            }
        }
        // The line is printed around bind time; make sure connections are accepted.
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("target exited with {status}"));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err("target never accepted a connection".into());
            }
            thread::sleep(Duration::from_millis(20));
        }
        Ok(Target {
            child: KillOnDrop(child),
            addr,
        })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash), what scripts read as `__ENV.BASE_URL`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The WebSocket echo endpoint, what scripts read as `__ENV.WS_URL`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws/echo", self.addr)
    }

    /// `127.0.0.1:PORT`, as it appears in a `Host` header.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }
}

/// Which load tester to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Rk6,
    K6,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::Rk6 => "rk6",
            Tool::K6 => "k6",
        }
    }
}

/// The tool the CLI suite drives: rk6 unless `RK6_E2E_TOOL=k6`.
pub fn under_test() -> Tool {
    match std::env::var("RK6_E2E_TOOL").as_deref() {
        Ok("k6") => Tool::K6,
        _ => Tool::Rk6,
    }
}

/// For tests of rk6-only commands (`target`, `demo`): false (with a note) when the
/// suite is pointed at the real k6.
pub fn rk6_only() -> bool {
    let ok = under_test() == Tool::Rk6;
    if !ok {
        println!("skipping: rk6-only command");
    }
    ok
}

/// The real k6 on PATH (or `RK6_TEST_K6`), if installed.
pub fn k6_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RK6_TEST_K6") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("k6"))
        .find(|p| p.is_file())
}

/// Whether differential tests can run; prints the skip note when they cannot.
pub fn k6_available() -> bool {
    let ok = k6_bin().is_some();
    if !ok {
        println!("skipping: k6 not installed");
    }
    ok
}

/// Builder for one run of rk6 or k6 with a deterministic environment.
pub struct Run {
    tool: Tool,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    cwd: Option<PathBuf>,
    timeout: Duration,
    /// A signal sent once, this long after the start (a user's Ctrl-C, a CI kill).
    signal: Option<(Duration, i32)>,
}

impl Run {
    /// The tool under test: rk6, or the real k6 when `RK6_E2E_TOOL=k6` (used to check
    /// that the CLI suite's expectations really are k6's behaviour).
    pub fn rk6() -> Run {
        Run::new(under_test())
    }

    pub fn k6() -> Run {
        Run::new(Tool::K6)
    }

    pub fn new(tool: Tool) -> Run {
        Run {
            tool,
            args: Vec::new(),
            envs: Vec::new(),
            cwd: None,
            timeout: Duration::from_secs(60),
            signal: None,
        }
    }

    /// Sends `signal` to the process `delay` after it starts.
    pub fn signal_after(mut self, delay: Duration, signal: i32) -> Run {
        self.signal = Some((delay, signal));
        self
    }

    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Run {
        self.args.push(a.as_ref().to_os_string());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    pub fn env(mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> Run {
        self.envs
            .push((k.as_ref().to_os_string(), v.as_ref().to_os_string()));
        self
    }

    /// Sets `BASE_URL` and `WS_URL` for the target.
    pub fn target(self, t: &Target) -> Run {
        self.env("BASE_URL", t.base_url()).env("WS_URL", t.ws_url())
    }

    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Run {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }

    pub fn timeout(mut self, d: Duration) -> Run {
        self.timeout = d;
        self
    }

    /// Runs to completion (killing it past the timeout, which fails the test).
    pub fn output(mut self) -> Output {
        let program = match self.tool {
            Tool::Rk6 => rk6_bin(),
            Tool::K6 => k6_bin().expect("k6 not installed (check k6_available() first)"),
        };
        let mut cmd = Command::new(&program);
        let mut args = self.args.clone();
        if args.first().map(|a| a == "run").unwrap_or(false) {
            // No REST API: parallel runs would fight over localhost:6565 (a test that
            // wants one passes its own `--address`, which comes later and wins).
            args.insert(1, OsString::from("--address="));
        }
        cmd.args(&args);
        // A deterministic environment: no K6_* options leaking in from the developer's shell.
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("K6_") {
                cmd.env_remove(&k);
            }
        }
        cmd.env("NO_COLOR", "1");
        cmd.env("K6_NO_USAGE_REPORT", "true");
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let start = Instant::now();
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", program.display()));
        let mut so = child.stdout.take().expect("stdout");
        let mut se = child.stderr.take().expect("stderr");
        let out_t = thread::spawn(move || {
            let mut b = Vec::new();
            let _ = so.read_to_end(&mut b);
            b
        });
        let err_t = thread::spawn(move || {
            let mut b = Vec::new();
            let _ = se.read_to_end(&mut b);
            b
        });
        let mut peak_rss_kb = 0;
        let status = loop {
            // A high-water mark: the last sample before the exit is the run's peak.
            peak_rss_kb = peak_rss_kb.max(vm_hwm_kb(child.id()));
            if let Some(s) = child.try_wait().expect("try_wait") {
                break Some(s);
            }
            if let Some((_, sig)) = self.signal.filter(|(d, _)| start.elapsed() >= *d) {
                // SAFETY: signalling our own child process.
                unsafe { libc::kill(child.id() as i32, sig) };
                self.signal = None;
            }
            if start.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            thread::sleep(Duration::from_millis(10));
        };
        let elapsed = start.elapsed();
        let stdout = String::from_utf8_lossy(&out_t.join().unwrap_or_default()).into_owned();
        let stderr = String::from_utf8_lossy(&err_t.join().unwrap_or_default()).into_owned();
        let out = Output {
            tool: self.tool.name(),
            code: status.and_then(|s| s.code()).unwrap_or(-1),
            stdout,
            stderr,
            elapsed,
            peak_rss_kb,
        };
        if status.is_none() {
            panic!(
                "{} {:?} did not finish within {:?}\n{}",
                self.tool.name(),
                args,
                self.timeout,
                out.dump()
            );
        }
        out
    }
}

/// The peak resident memory of process `pid` so far, in KiB (0 if unknown).
fn vm_hwm_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// `rk6 <args>` with `BASE_URL`/`WS_URL` of `target` and `NO_COLOR` set.
pub fn rk6(target: &Target, args: &[&str]) -> Output {
    Run::rk6().target(target).args(args).output()
}

/// `rk6 <args>` without a target.
pub fn rk6_plain(args: &[&str]) -> Output {
    Run::rk6().args(args).output()
}

/// A temporary directory holding test scripts and files; removed on drop.
pub struct Scripts {
    dir: tempfile::TempDir,
}

impl Scripts {
    pub fn new() -> Scripts {
        Scripts {
            dir: tempfile::Builder::new()
                .prefix("rk6-e2e-")
                .tempdir()
                .expect("tempdir"),
        }
    }

    /// Writes `contents` to `rel` (creating parent directories) and returns its path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, contents).expect("write script");
        p
    }

    /// A path inside the directory (not created).
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// Writes one script `name` into a fresh temp dir.
pub fn script(name: &str, contents: &str) -> (Scripts, PathBuf) {
    let s = Scripts::new();
    let p = s.write(name, contents);
    (s, p)
}

/// Path as an argument string.
pub fn arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Runs `script` (written as `name` in a temp dir, run from that dir) against a new
/// target with extra CLI `args` placed before the script name.
pub fn run_script(name: &str, src: &str, args: &[&str]) -> Output {
    let t = Target::start();
    let (dir, _) = script(name, src);
    Run::rk6()
        .target(&t)
        .arg("run")
        .args(args)
        .arg(name)
        .cwd(dir.dir())
        .output()
}

/// The file URL k6 prints for a script path.
pub fn file_url(p: &std::path::Path) -> String {
    format!("file://{}", p.display())
}

/// `line` without k6's bytecode offsets: `file.js:2:3(4)` -> `file.js:2:3`.
pub fn without_k6_offsets(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let follows_position = rest[..open].ends_with(|c: char| c.is_ascii_digit());
        out.push_str(&rest[..open]);
        if digits > 0 && follows_position && after[digits..].starts_with(')') {
            rest = &after[digits + 1..];
        } else {
            out.push('(');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
