//! The hostile server of `tests/servers/hostile.py` (ours, Python stdlib only): one fault
//! per path — broken heads, broken bodies, bombs, hangs, invalid WebSocket frames. It binds
//! a free loopback port itself and names it on its first line; killed on drop.

use super::KillOnDrop;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

pub struct Hostile {
    child: KillOnDrop,
    pub port: u16,
}

impl Hostile {
    pub fn start() -> Hostile {
        let script = super::repo_root()
            .join("tests")
            .join("servers")
            .join("hostile.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn python3 tests/servers/hostile.py");
        // "ready PORT" once it listens; read on a thread so a server that never says it
        // cannot hang the test.
        let (tx, rx) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(out).read_line(&mut line);
                let _ = tx.send(line);
            });
        }
        let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
        let port = line
            .trim()
            .strip_prefix("ready ")
            .and_then(|p| p.parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hostile server did not start: {line:?}");
        };
        Hostile {
            child: KillOnDrop(child),
            port,
        }
    }

    /// `http://127.0.0.1:PORT`, what the scripts read as `__ENV.HOSTILE`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// `127.0.0.1:PORT` (any port) as `ADDR`: local ports differ from run to run.
pub fn mask_addrs(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("127.0.0.1:") {
        out.push_str(&rest[..at]);
        out.push_str("ADDR");
        rest = rest[at + "127.0.0.1:".len()..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}
