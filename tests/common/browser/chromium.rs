//! The chromium process behind a [`Browser`](super::Browser): finding the binary,
//! starting it with a fresh profile, draining its stderr (the DevTools address, and the
//! last lines for failure messages), and killing it with all its helpers.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{POLL, VIEWPORT};

/// How long chromium may take to print its DevTools address.
const STARTUP_LIMIT: Duration = Duration::from_secs(20);
/// How many of chromium's last stderr lines a failure message shows.
const STDERR_TAIL: usize = 15;

/// The chromium to test with: `RK6_TEST_CHROMIUM`, else `chromium`, `chromium-browser`
/// or `google-chrome` on `PATH`.
pub fn chromium_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RK6_TEST_CHROMIUM") {
        let p = PathBuf::from(p);
        if !p.is_file() {
            println!("RK6_TEST_CHROMIUM={} is not a file", p.display());
        }
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// The chromium process, its profile directory and the end of its stderr.
pub(super) struct Chromium {
    pub(super) child: Child,
    tail: Arc<Mutex<VecDeque<String>>>,
    /// Removed when dropped, after the process is gone.
    _profile: tempfile::TempDir,
}

impl Chromium {
    /// Starts `bin` and waits for its `DevTools listening on ws://…` line (the URL).
    pub(super) fn start(bin: &Path) -> (Chromium, String) {
        let profile = tempfile::Builder::new()
            .prefix("rk6-chromium-")
            .tempdir()
            .expect("temp dir for the chromium profile");
        let (width, height) = VIEWPORT;
        let mut cmd = Command::new(bin);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--no-proxy-server",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={width},{height}"))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Its own process group, so that drop can kill the helpers with it.
        .process_group(0);
        // SAFETY: prctl is async-signal-safe; it makes the kernel kill chromium when the
        // launching thread ends, so a test process that is killed leaves none behind.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("browser: could not start {}: {e}", bin.display()));
        let stderr = child.stderr.take().expect("piped stderr");
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let (tx, rx) = mpsc::channel();
        read_stderr(stderr, tx, Arc::clone(&tail));
        let mut process = Chromium {
            child,
            tail,
            _profile: profile,
        };
        let url = process.await_devtools_url(&rx);
        (process, url)
    }

    fn await_devtools_url(&mut self, rx: &mpsc::Receiver<String>) -> String {
        let until = Instant::now() + STARTUP_LIMIT;
        while Instant::now() < until {
            if let Ok(url) = rx.recv_timeout(POLL) {
                return url;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "browser: chromium exited at startup ({status}){}",
                    self.stderr_tail()
                );
            }
        }
        panic!(
            "browser: chromium printed no DevTools address within {STARTUP_LIMIT:?}{}",
            self.stderr_tail()
        );
    }

    /// The last lines chromium wrote to stderr, for a failure message.
    pub(super) fn stderr_tail(&self) -> String {
        let tail = self.tail.lock().map(|t| t.clone()).unwrap_or_default();
        let lines: Vec<_> = tail.iter().filter(|l| !l.contains("dbus")).collect();
        let start = lines.len().saturating_sub(STDERR_TAIL);
        let mut out = String::from("\n  chromium's stderr ends:");
        for line in &lines[start..] {
            out.push_str("\n    ");
            out.push_str(line);
        }
        out
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // Not yet reaped, so the group id is still chromium's own.
        let group = self.child.id() as libc::pid_t;
        // SAFETY: signalling a process group this process created.
        unsafe { libc::kill(-group, libc::SIGKILL) };
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Drains chromium's stderr on a thread: the DevTools URL goes to `url`, the last lines
/// to `tail`. The thread ends when chromium does.
fn read_stderr(stderr: ChildStderr, url: mpsc::Sender<String>, tail: Arc<Mutex<VecDeque<String>>>) {
    const MARK: &str = "DevTools listening on ";
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(at) = line.find(MARK) {
                let _ = url.send(line[at + MARK.len()..].trim().to_string());
            }
            if let Ok(mut t) = tail.lock() {
                if t.len() >= 4 * STDERR_TAIL {
                    t.pop_front();
                }
                t.push_back(line);
            }
        }
    });
}
