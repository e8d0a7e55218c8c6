//! Drives a `run` of rk6 or k6 through its REST API, as k6-operator and k6's client
//! commands do: the process runs in the background with its API on a free loopback port,
//! its output goes to files, it is killed on drop and every wait is bounded.
//!
//! Owns: starting such a run, raw HTTP requests to its API (status, content type, body),
//! running the client commands (`status`, `stats`, …) against it, signalling it and
//! collecting its exit code and output. Not for: asserting anything.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{k6_bin, rk6_bin, KillOnDrop, Tool};

/// The operator's start body (`k6-operator`'s starter job), byte for byte.
pub const OPERATOR_START: &str =
    r#"{"data":{"attributes":{"paused":false,"stopped":false},"id":"default","type":"status"}}"#;
/// The operator's stop body (its stopper job).
pub const OPERATOR_STOP: &str =
    r#"{"data":{"attributes":{"paused":false,"stopped":true},"id":"default","type":"status"}}"#;

/// An HTTP answer: status code, `Content-Type` (empty when none) and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub code: u16,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_default()
    }
}

/// A loopback address nobody listens on (yet).
pub fn free_addr() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind probe");
    l.local_addr().expect("addr").to_string()
}

/// One request with `Connection: close`; `None` when nothing answers.
pub fn request(addr: &str, method: &str, path: &str, body: &str) -> Option<Answer> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let code = head.split(' ').nth(1)?.parse().ok()?;
    let content_type = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-type")
                .then(|| v.trim().to_string())
        })
        .unwrap_or_default();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    Some(Answer {
        code,
        content_type,
        body: if chunked {
            dechunked(body)
        } else {
            body.to_string()
        },
    })
}

/// An HTTP/1.1 chunked body's data (Go chunks bodies past its write buffer).
fn dechunked(mut raw: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = raw.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        raw = rest[n..].strip_prefix("\r\n").unwrap_or(&rest[n..]);
    }
    out
}

/// A background `run` with its API at `addr`.
pub struct ApiRun {
    pub tool: Tool,
    pub addr: String,
    child: KillOnDrop,
    dir: PathBuf,
    started: Instant,
    limit: Duration,
}

/// How a run ended: its exit code and output.
#[derive(Debug)]
pub struct Ended {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

fn bin(tool: Tool) -> PathBuf {
    match tool {
        Tool::Rk6 => rk6_bin(),
        Tool::K6 => k6_bin().expect("k6 on PATH"),
    }
}

fn command(tool: Tool, dir: &Path) -> Command {
    let mut cmd = Command::new(bin(tool));
    cmd.current_dir(dir)
        .env("K6_NO_USAGE_REPORT", "true")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

impl ApiRun {
    /// `run --address ADDR ARGS…` in `dir`, killed after `limit`; returns once the API
    /// answers `/v1/status`.
    pub fn start(tool: Tool, dir: &Path, args: &[&str], limit: Duration) -> ApiRun {
        let addr = free_addr();
        let out = std::fs::File::create(dir.join(format!("{}.stdout", tool.name()))).expect("out");
        let err = std::fs::File::create(dir.join(format!("{}.stderr", tool.name()))).expect("err");
        let child = command(tool, dir)
            .args(["run", "--address", &addr])
            .args(args)
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn");
        let run = ApiRun {
            tool,
            addr,
            child: KillOnDrop(child),
            dir: dir.to_path_buf(),
            started: Instant::now(),
            limit,
        };
        run.wait_for(|| run.get("/v1/status").is_some_and(|a| a.code == 200));
        run
    }

    /// Polls `done` every 50 ms until it holds or the run's time limit passes.
    pub fn wait_for(&self, mut done: impl FnMut() -> bool) -> bool {
        while self.started.elapsed() < self.limit {
            if done() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn get(&self, path: &str) -> Option<Answer> {
        request(&self.addr, "GET", path, "")
    }

    pub fn send(&self, method: &str, path: &str, body: &str) -> Answer {
        request(&self.addr, method, path, body).unwrap_or_else(|| Answer {
            code: 0,
            content_type: String::new(),
            body: format!("{} did not answer {method} {path}", self.tool.name()),
        })
    }

    /// `/v1/status`'s attributes (null when the API is gone).
    pub fn status(&self) -> serde_json::Value {
        self.get("/v1/status")
            .map(|a| a.json()["data"]["attributes"].clone())
            .unwrap_or_default()
    }

    /// Waits until `/v1/status` reports `status`.
    pub fn wait_status(&self, status: u64) -> bool {
        self.wait_for(|| self.status()["status"] == status)
    }

    /// A client command (`status`, `stats`, …) against this run: (exit code, stdout, stderr).
    pub fn client(&self, args: &[&str]) -> (Option<i32>, String, String) {
        client(self.tool, &self.addr, args)
    }

    /// Sends `signal` and waits (within the time limit) for the process to end.
    pub fn signal_and_wait(self, signal: i32) -> Ended {
        // SAFETY: sends a signal to our own child process.
        unsafe { libc::kill(self.child.id() as i32, signal) };
        self.wait()
    }

    /// Waits for the process to end by itself (killed at the time limit).
    pub fn wait(mut self) -> Ended {
        let left = self.limit.saturating_sub(self.started.elapsed());
        super::wait_at_most(&mut self.child, left);
        let code = self.child.wait().ok().and_then(|s| s.code());
        let read = |ext: &str| {
            std::fs::read_to_string(self.dir.join(format!("{}.{ext}", self.tool.name())))
                .unwrap_or_default()
        };
        Ended {
            code,
            stdout: read("stdout"),
            stderr: read("stderr"),
        }
    }
}

/// A client command of `tool` against `addr`, within 20 s: (exit code, stdout, stderr).
pub fn client(tool: Tool, addr: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = |name: &str| std::fs::File::create(dir.path().join(name)).expect("file");
    let child = command(tool, dir.path())
        .args(args)
        .args(["--address", addr])
        .stdout(file("out"))
        .stderr(file("err"))
        .spawn()
        .expect("spawn client");
    let mut child = KillOnDrop(child);
    super::wait_at_most(&mut child, Duration::from_secs(20));
    let code = child.wait().ok().and_then(|s| s.code());
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
    (code, read("out"), read("err"))
}

/// A logfmt error line without its `time=` field.
pub fn without_time(line: &str) -> String {
    match line.find(" level=") {
        Some(i) if line.starts_with("time=") => line[i + 1..].to_string(),
        _ => line.to_string(),
    }
}
