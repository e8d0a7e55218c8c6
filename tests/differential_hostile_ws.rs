//! WebSockets against the hostile server (`tests/servers/hostile.py`, ours): frames the
//! protocol forbids (a reserved opcode, RSV bits without an extension, a masked server
//! frame, a close reason that is not UTF-8) and a handshake never answered.
//!
//! As in `differential_hostile.rs`, rk6's console lines are asserted against k6 v1.1's,
//! written down from its runs on this server, and k6 is run too when installed and must
//! still print them. The unanswered handshake takes k6's full 60 s.

mod common;

use std::time::Duration;

use common::hostile::{mask_addrs, Hostile};
use common::*;

/// `k6/ws`: every event in order, then what `ws.connect` returned.
const WS: &str = r#"
import ws from 'k6/ws';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const t0 = Date.now();
  const res = ws.connect(`${__ENV.HOSTILE.replace('http', 'ws')}${__ENV.FAULT}`, {}, (s) => {
    s.on('open', () => console.log('open'));
    s.on('message', (m) => console.log(`message ${m}`));
    s.on('error', (e) => console.log(`error ${e.error()}`));
    s.on('close', (c) => console.log(`close ${c}`));
    s.setTimeout(() => s.close(), 2000);
  });
  console.log(`status=${res.status} secs=${Math.round((Date.now() - t0) / 1000)}`);
  check(res, { 'is 101': (r) => r.status === 101 });
}
"#;

/// `k6/experimental/websockets`: the same through the `WebSocket` class.
const WEBSOCKET: &str = r#"
import { WebSocket } from 'k6/experimental/websockets';
export const options = { iterations: 1 };
export default function () {
  const s = new WebSocket(`${__ENV.HOSTILE.replace('http', 'ws')}${__ENV.FAULT}`);
  s.onopen = () => console.log('open');
  s.onmessage = (m) => console.log(`message ${m.data}`);
  s.onerror = (e) => console.log(`error ${e.error}`);
  s.onclose = (e) => console.log(`close code=${e.code}`);
  setTimeout(() => s.close(), 2000);
}
"#;

/// The `WebSocket` class left to its handshake (k6 v1.1 hung past 150 s when the script
/// called `close()` while the handshake was pending; rk6 does not, see the README).
const WEBSOCKET_WAITING: &str = r#"
import { WebSocket } from 'k6/experimental/websockets';
export const options = { iterations: 1 };
export default function () {
  const s = new WebSocket(`${__ENV.HOSTILE.replace('http', 'ws')}${__ENV.FAULT}`);
  s.onerror = (e) => console.log(`error ${e.error}`);
  s.onclose = (e) => console.log(`close code=${e.code}`);
}
"#;

/// Runs `src` against `fault` under `tool`: exit code and console lines (with every
/// `127.0.0.1:PORT` written `ADDR`).
fn run(tool: Tool, server: &Hostile, src: &str, fault: &str) -> (i32, Vec<String>) {
    let (dir, _) = script("ws.js", src);
    let out = Run::new(tool)
        .args(["run", "-q", "--no-summary", "ws.js"])
        .env("HOSTILE", server.url())
        .env("FAULT", fault)
        .cwd(dir.dir())
        .timeout(Duration::from_secs(120))
        .output();
    let lines = out
        .console_messages()
        .iter()
        .map(|l| mask_addrs(l))
        .collect();
    (out.code, lines)
}

/// rk6 prints `k6_lines` (recorded from k6) for `fault`, and so does k6 when installed
/// (run alongside: the unanswered handshake takes each a minute).
fn same_as_k6(src: &str, fault: &str, k6_lines: &[&str]) {
    let server = Hostile::start();
    let want = (
        0,
        k6_lines.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
    );
    let (rk6, k6) = std::thread::scope(|s| {
        let k6 = k6_available().then(|| s.spawn(|| run(Tool::K6, &server, src, fault)));
        let rk6 = run(Tool::Rk6, &server, src, fault);
        (rk6, k6.map(|t| t.join().expect("k6 run")))
    });
    assert_eq!(
        rk6, want,
        "rk6 (left) vs k6's recorded lines (right) for {fault}"
    );
    if let Some(k6) = k6 {
        assert_eq!(
            k6, want,
            "k6 no longer prints what was recorded for {fault}"
        );
    }
}

const REFUSED_FRAMES: [&str; 4] = [
    "/ws/bad-opcode",
    "/ws/rsv",
    "/ws/masked",
    "/ws/bad-close-utf8",
];

#[test]
fn k6_ws_reports_a_forbidden_frame_as_k6_does() {
    for fault in REFUSED_FRAMES {
        same_as_k6(
            WS,
            fault,
            &[
                "open",
                "error websocket: close sent",
                "close 1001",
                "status=101 secs=0",
            ],
        );
    }
}

#[test]
fn the_websocket_class_closes_without_a_code_on_a_forbidden_frame() {
    for fault in REFUSED_FRAMES {
        same_as_k6(WEBSOCKET, fault, &["open", "close code=undefined"]);
    }
}

/// k6's dialer gives the handshake 60 s; `ws.connect` then returns status 0 and logs no
/// error (k6 v1.1: 60.2 s, 40 MB), the `WebSocket` class reports the read's i/o timeout.
/// Both modules wait at once: one minute for the whole test.
#[test]
fn an_unanswered_handshake_is_given_up_after_60_s() {
    std::thread::scope(|s| {
        let class = s.spawn(|| {
            same_as_k6(
                WEBSOCKET_WAITING,
                "/ws/hang",
                &[
                    "error read tcp ADDR->ADDR: i/o timeout",
                    "close code=undefined",
                ],
            )
        });
        same_as_k6(WS, "/ws/hang", &["status=0 secs=60"]);
        class.join().expect("the WebSocket class's run");
    });
}
