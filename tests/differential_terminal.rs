//! What a person sees on a terminal: k6 and rk6 run side by side in real pseudo-terminals
//! (tmux panes, 160×60), and their screens are compared with colours kept: the banner and
//! header colours, the redrawn progress bar mid-run, log lines in logrus' terminal form,
//! no stale progress block above the summary, the summary's colours and the final block.
//! Numbers and alignment padding are masked, since timings differ between two runs.
//! Skipped (passing) without `k6` or `tmux` on PATH.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

/// A tmux server of its own (so it never touches a user's sessions), killed on drop.
struct Pane {
    socket: String,
}

impl Pane {
    /// Runs `cmd` in a new 160×60 pane; the shell prints `EXIT=<code>` when it ends.
    fn start(name: &str, cwd: &std::path::Path, cmd: &str) -> Pane {
        let socket = format!("rk6-test-{}-{name}", std::process::id());
        let script = format!(
            "cd '{}' && timeout 60 {cmd}; echo EXIT=$?; sleep 120",
            cwd.display()
        );
        let ok = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "160", "-y", "60", "-s", "t", &script])
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .status()
            .expect("run tmux")
            .success();
        assert!(ok, "tmux could not start a session");
        Pane { socket }
    }

    /// The screen, colours included (`capture-pane -e`), without trailing empty lines.
    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-e", "-t", "t"])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    /// Waits (at most 60 s) for the command to end; its exit code.
    fn wait_exit(&self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = self.screen();
            if let Some(code) = screen.lines().find_map(|l| l.strip_prefix("EXIT=")) {
                return code.trim().parse().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "no exit after 60 s:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A screen with numbers, bar fills and alignment padding masked, empty lines dropped,
/// and `EXIT=` left out: what must be equal between two runs of the same test.
fn masked(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("EXIT="))
        .map(|l| {
            let mut out = String::new();
            let mut last = ' ';
            let mut chars = l.chars();
            while let Some(c) = chars.next() {
                if c == '\x1b' {
                    // Colours are kept verbatim, digits included; resets are dropped, as
                    // tmux re-emits them around line ends that depend on value widths.
                    let mut seq = String::from(c);
                    for e in chars.by_ref() {
                        seq.push(e);
                        if e.is_ascii_alphabetic() {
                            break;
                        }
                    }
                    if !["\x1b[0m", "\x1b[39m", "\x1b[49m", "\x1b[22m"].contains(&seq.as_str()) {
                        out.push_str(&seq);
                        last = 'm';
                    }
                    continue;
                }
                let c = match c {
                    '0'..='9' | 'µ' => 'N',
                    // Bars fill with time.
                    '=' if last == '=' || last == '[' => continue,
                    '-' if last == '-' => continue,
                    c => c,
                };
                if (c == ' ' && last == ' ') || (c == 'N' && last == 'N') {
                    continue;
                }
                out.push(c);
                last = c;
            }
            // `1.2ms` and `999µs` both read `Ns` once masked.
            out.trim()
                .replace("N.N", "N")
                .replace("Nms", "Ns")
                .replace("Ns", "N")
        })
        .collect()
}

const SCRIPT: &str = r#"
import http from 'k6/http';
import { check, sleep } from 'k6';
export const options = { vus: 3, duration: '3s', thresholds: { checks: ['rate>0.9'] } };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/get`);
  check(r, { 'is 200': (r) => r.status === 200 });
  if (__ITER == 1 && __VU == 1) console.log('iteration', __ITER, { a: 1 });
  sleep(0.5);
}
"#;

/// Runs the script under both tools in panes; returns (k6, rk6) screens at ~1.6 s and at
/// the end, and the exit codes.
fn screens(extra: &str) -> [(String, String, i32); 2] {
    let t = Target::start();
    let (dir, _) = script("tty.js", SCRIPT);
    let k6 = k6_bin().expect("k6");
    let base = t.base_url();
    // `--address=`: two runs at once would compete for the default REST API port.
    let cmd = |bin: &str| format!("{bin} run --address= {extra} -e BASE_URL={base} tty.js");
    let panes = [
        Pane::start("k6", dir.dir(), &cmd(&k6.display().to_string())),
        Pane::start("rk6", dir.dir(), &cmd(&rk6_bin().display().to_string())),
    ];
    std::thread::sleep(Duration::from_millis(1600));
    let mid: Vec<String> = panes.iter().map(Pane::screen).collect();
    let codes: Vec<i32> = panes.iter().map(Pane::wait_exit).collect();
    let mut out = panes
        .iter()
        .zip(mid)
        .zip(codes)
        .map(|((p, m), c)| (m, p.screen(), c));
    let k = out.next().expect("k6 screens");
    let r = out.next().expect("rk6 screens");
    [k, r]
}

#[test]
fn terminal_screens_match_k6_with_and_without_colour() {
    if !k6_available() || !tmux_available() {
        eprintln!("skipped: needs k6 and tmux");
        return;
    }
    for extra in ["", "--no-color"] {
        let [(k_mid, k_end, k_code), (r_mid, r_end, r_code)] = screens(extra);
        assert_eq!(r_code, k_code, "exit codes ({extra})");
        // Mid-run: the block is a redrawn bar at the bottom, after the log line.
        let tail = |s: &str| {
            let m = masked(s);
            m[m.len().saturating_sub(3)..].to_vec()
        };
        assert_eq!(
            tail(&r_mid),
            tail(&k_mid),
            "mid-run screen ({extra}); rk6:\n{r_mid}\nk6:\n{k_mid}"
        );
        if extra.is_empty() {
            assert!(r_mid.contains("\x1b[2m---"), "a faint bar:\n{r_mid}");
            assert!(r_end.contains("\x1b[33m         /\\"), "a yellow logo");
        }
        assert_eq!(
            masked(&r_end),
            masked(&k_end),
            "final screen ({extra}); rk6:\n{r_end}\nk6:\n{k_end}"
        );
    }
}
