//! End-to-end `k6/ws` and the VU event loop (`setTimeout`/`setInterval`, async functions)
//! against a WebSocket echo server not written by us (Python `websockets`), each expectation
//! as k6 v1.1 behaves. `RK6_E2E_TOOL=k6 cargo test --test cli_ws` runs them against k6.

mod common;

use common::ws_echo::WsEcho;
use common::*;

fn run_ws(echo: &WsEcho, src: &str) -> (Output, Scripts) {
    let dir = Scripts::new();
    dir.write("w.js", src);
    let out = Run::rk6()
        .env("WS_URL", echo.url())
        .args(["run", "-q", "--summary-export", "sum.json", "w.js"])
        .cwd(dir.dir())
        .output();
    (out, dir)
}

#[test]
fn socket_events_timers_and_metrics_behave_like_k6() {
    let echo = WsEcho::start();
    let (out, dir) = run_ws(
        &echo,
        r#"
import ws from 'k6/ws';
export const options = { iterations: 1 };
export default function () {
  const res = ws.connect(__ENV.WS_URL, { tags: { t: 'x' } }, (socket) => {
    const seen = [];
    socket.on('open', () => {
      socket.send('hello');
      socket.sendBinary(new Uint8Array([1, 2, 3]).buffer);
      socket.ping();
    });
    socket.on('message', (m) => seen.push(`text:${m}`));
    socket.on('binaryMessage', (b) => seen.push(`binary:${new Uint8Array(b).join(',')}`));
    socket.on('pong', () => seen.push('pong'));
    let ticks = 0;
    socket.setInterval(() => { ticks++; }, 20);
    socket.setTimeout(() => { seen.push(`ticks>=2:${ticks >= 2}`); socket.close(); }, 120);
    socket.on('close', (code) => console.log(`${seen.sort().join(' ')} close=${code}`));
  });
  console.log(`status=${res.status} url=${res.url === __ENV.WS_URL} error=${JSON.stringify(res.error)}`);
}
"#,
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![
            "binary:1,2,3 pong text:hello ticks>=2:true close=1001".to_string(),
            "status=101 url=true error=\"\"".to_string(),
        ]
    );
    let ex = Export::read(&dir.path("sum.json"));
    assert_eq!(ex.num("ws_sessions", "count"), 1.0);
    assert_eq!(ex.num("ws_msgs_sent", "count"), 2.0);
    assert_eq!(ex.num("ws_msgs_received", "count"), 2.0);
    assert!(ex.num("ws_ping", "max") > 0.0);
    assert!(ex.num("ws_session_duration", "min") >= 120.0);
    // The WebSocket bytes are on the wire too.
    assert!(ex.num("data_sent", "count") > 100.0);
}

#[test]
fn failed_handshakes_return_a_response_and_do_not_throw() {
    let echo = WsEcho::start();
    let (out, _d) = run_ws(
        &echo,
        r#"
import ws from 'k6/ws';
export const options = { iterations: 1 };
export default function () {
  let called = false;
  const r = ws.connect('ws://127.0.0.1:1/', {}, () => { called = true; });
  console.log(`status=${r.status} error=${r.error} called=${called}`);
}
"#,
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["status=0 error=dial tcp 127.0.0.1:1: connect: connection refused called=false"]
    );
}

#[test]
fn a_server_that_drops_the_connection_fires_error_then_close_1006() {
    let echo = WsEcho::start();
    let (out, _d) = run_ws(
        &echo,
        r#"
import ws from 'k6/ws';
export const options = { iterations: 1 };
export default function () {
  const r = ws.connect(`${__ENV.WS_URL}drop`, {}, function (s) {
    s.on('open', () => s.send('hi'));
    s.on('error', (e) => console.log('error: ' + e.error()));
    s.on('close', (code) => console.log('close: ' + code));
    s.setTimeout(() => { console.log('still open'); s.close(); }, 3000);
  });
  console.log('status ' + r.status + (r.error ? ' ' + r.error : ''));
}
"#,
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![
            "error: websocket: close 1006 (abnormal closure): unexpected EOF",
            "close: 1006",
            "status 101"
        ]
    );
}

#[test]
fn a_plain_http_answer_to_the_upgrade_is_returned_as_the_response() {
    let t = Target::start();
    let dir = Scripts::new();
    dir.write(
        "w.js",
        r#"
import ws from 'k6/ws';
export const options = { iterations: 1 };
export default function () {
  let called = false;
  const r = ws.connect(`${__ENV.BASE_URL.replace('http', 'ws')}/status/404`, {}, () => { called = true; });
  console.log(`status=${r.status} error=${r.error} called=${called}`);
}
"#,
    );
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "w.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["status=404 error= called=false"]
    );
}

#[test]
fn timers_and_async_functions_keep_the_iteration_alive() {
    let echo = WsEcho::start();
    let (out, dir) = run_ws(
        &echo,
        r#"
import { setTimeout as later } from 'k6/timers';
export const options = { iterations: 2 };
export default async function () {
  const t0 = Date.now();
  let n = 0;
  const id = setInterval(() => { n++; if (n === 3) clearInterval(id); }, 30);
  later(() => console.log(`timeout after ${Date.now() - t0 >= 60}`), 70);
  const gone = setTimeout(() => console.log('never'), 5);
  clearTimeout(gone);
  await new Promise((r) => setTimeout(r, 150));
  console.log(`intervals=${n}`);
}
"#,
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![
            "timeout after true",
            "intervals=3",
            "timeout after true",
            "intervals=3"
        ]
    );
    let ex = Export::read(&dir.path("sum.json"));
    assert!(ex.num("iteration_duration", "min") >= 150.0);
}

#[test]
fn experimental_websocket_class_runs_on_the_event_loop() {
    let echo = WsEcho::start();
    let (out, dir) = run_ws(
        &echo,
        r#"
import { WebSocket } from 'k6/experimental/websockets';
export const options = { iterations: 2 };
export default function () {
  const ws = new WebSocket(__ENV.WS_URL);
  ws.binaryType = 'arraybuffer';
  const seen = [];
  ws.onopen = () => {
    seen.push(`open rs=${ws.readyState}`);
    ws.send('hi');
    ws.send(new Uint8Array([7, 8]).buffer);
    ws.ping();
  };
  // Close once both echoes and the pong are in, whatever their order.
  const done = () => { if (seen.length === 4) ws.close(); };
  ws.onmessage = (e) => {
    seen.push(typeof e.data === 'string' ? `text ${e.data}` : `bin ${new Uint8Array(e.data).join(',')}`);
    done();
  };
  ws.addEventListener('pong', () => { seen.push('pong'); done(); });
  ws.onclose = () => console.log(`${seen.sort().join(' | ')} rs=${ws.readyState}`);
  const bad = new WebSocket('ws://127.0.0.1:1/');
  bad.onerror = (e) => console.log(`error: ${e.error}`);
}
"#,
    );
    out.assert_code(0);
    let msgs = out.console_messages();
    let expected_ok = "bin 7,8 | open rs=1 | pong | text hi rs=3";
    let expected_err = "error: dial tcp 127.0.0.1:1: connect: connection refused";
    assert_eq!(
        msgs.iter().filter(|m| *m == expected_ok).count(),
        2,
        "{msgs:?}"
    );
    assert_eq!(
        msgs.iter().filter(|m| *m == expected_err).count(),
        2,
        "{msgs:?}"
    );
    let ex = Export::read(&dir.path("sum.json"));
    assert_eq!(ex.num("ws_sessions", "count"), 4.0);
    // This module counts the ping and the close frame too.
    assert_eq!(ex.num("ws_msgs_sent", "count"), 8.0);
    assert_eq!(ex.num("ws_msgs_received", "count"), 4.0);
}

#[test]
fn the_built_in_target_streams_chunks_then_closes() {
    if !rk6_only() {
        return;
    }
    let t = Target::start();
    let dir = Scripts::new();
    dir.write(
        "s.js",
        r#"
import ws from 'k6/ws';
export const options = { iterations: 1 };
export default function () {
  const got = [];
  ws.connect(__ENV.WS_URL.replace('/ws/echo', '/ws/stream/4/20'), {}, (socket) => {
    socket.on('message', (m) => got.push(m));
    socket.on('close', (code) => console.log(`${got.join(',')} close=${code}`));
  });
}
"#,
    );
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "--no-summary", "s.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["chunk 0,chunk 1,chunk 2,chunk 3 close=1000"]
    );
}

#[test]
fn compression_deflate_is_negotiated_and_shrinks_the_wire() {
    let echo = WsEcho::start();
    let (out, dir) = run_ws(
        &echo,
        r#"
import ws from 'k6/ws';
import { WebSocket } from 'k6/experimental/websockets';
import { check } from 'k6';
export const options = { iterations: 1 };
const big = 'abcd'.repeat(10000);
export default function () {
  const res = ws.connect(__ENV.WS_URL, { compression: 'deflate' }, (socket) => {
    socket.on('open', () => socket.send(big));
    socket.on('message', (m) => { check(m, { 'ws echo intact': (x) => x === big }); socket.close(); });
  });
  check(res, {
    'ws 101': (r) => r.status === 101,
    'ws deflate negotiated': (r) => (r.headers['Sec-Websocket-Extensions'] || '').includes('permessage-deflate'),
  });
  const w = new WebSocket(__ENV.WS_URL, null, { compression: 'deflate' });
  w.onopen = () => w.send(big);
  w.onmessage = (e) => { check(e.data, { 'class echo intact': (x) => x === big }); w.close(); };
}
"#,
    );
    out.assert_code(0);
    let ex = Export::read(&dir.path("sum.json"));
    assert_eq!(ex.num("checks", "passes"), 4.0, "{}", out.dump());
    assert_eq!(ex.num("checks", "fails"), 0.0);
    // 40 kB went each way twice; compressed, the whole conversation is a few hundred bytes.
    assert!(ex.num("data_received", "count") < 5_000.0, "{}", out.dump());
    assert!(ex.num("data_sent", "count") < 5_000.0, "{}", out.dump());
}

#[test]
fn an_unknown_compression_algorithm_is_an_error_naming_it() {
    let echo = WsEcho::start();
    let (out, _d) = run_ws(
        &echo,
        r#"
import ws from 'k6/ws';
export const options = { iterations: 1 };
export default function () {
  const plain = ws.connect(__ENV.WS_URL, { compression: ' ' }, (s) => s.on('open', () => s.close()));
  console.log(`blank=${plain.status}`);
  try {
    ws.connect(__ENV.WS_URL, { compression: 'gzip' }, () => {});
  } catch (e) {
    console.log(String(e.message || e));
  }
}
"#,
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![
            "blank=101".to_string(),
            "unsupported compression algorithm 'gzip', supported algorithm is 'deflate'".into(),
        ]
    );
}
