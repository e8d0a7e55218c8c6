//! Starting one of the suite's Python servers (`tests/servers/*.py`): run with port `0`,
//! each prints the ports it bound as `PORT n` lines (`GRPC_PORT n` too); killed on drop,
//! and each ends itself after 10 minutes if nothing kills it.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{repo_root, KillOnDrop};

/// Starts `tests/servers/<script>` and returns it with the first `count` ports it printed,
/// in order; `hint` says what to install when it does not start within 20 s.
pub fn start(script: &str, count: usize, hint: &str) -> (KillOnDrop, Vec<u16>) {
    start_with_args(script, &[], count, hint)
}

/// [`start`] with `args` after the port.
pub fn start_with_args(
    script: &str,
    args: &[&OsStr],
    count: usize,
    hint: &str,
) -> (KillOnDrop, Vec<u16>) {
    let path = repo_root().join("tests").join("servers").join(script);
    let mut child = KillOnDrop(
        Command::new("python3")
            .arg(path)
            .arg("0")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs"),
    );
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some((_, p)) = line.split_once("PORT ") {
                let _ = tx.send(p.trim().parse::<u16>().ok());
            }
        }
    });
    let ports = (0..count)
        .map(|_| {
            rx.recv_timeout(Duration::from_secs(20))
                .ok()
                .flatten()
                .unwrap_or_else(|| panic!("{script} did not start ({hint})"))
        })
        .collect();
    (child, ports)
}
