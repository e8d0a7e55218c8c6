//! End-to-end `k6/http` transport behaviour, each asserted as k6 v1.1 behaves:
//! `--http-debug`, `batchPerHost`, `hosts` overrides, connection reuse options, and
//! responses that break off (a raw misbehaving peer in the test itself).
//! `RK6_E2E_TOOL=k6 cargo test --test cli_http_transport` runs them against k6.

mod common;

use common::*;

#[test]
fn http_debug_logs_requests_and_responses_like_k6() {
    let t = Target::start();
    let (dir, _) = script(
        "dbg.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  http.post(`${__ENV.BASE_URL}/post`, 'hello=world', { headers: { 'X-Test': 'abc' } });
}
"#,
    );
    let run = |flag: &str| {
        Run::rk6()
            .target(&t)
            .args(["run", "-q", "--no-summary", flag, "dbg.js"])
            .cwd(dir.dir())
            .output()
    };
    let head = format!(
        r#"level=info msg="Request:\nPOST /post HTTP/1.1\nHost: {}\nUser-Agent: Grafana k6/1.1.0\nContent-Length: 11\nX-Test: abc\nAccept-Encoding: gzip\n\n"#,
        t.host()
    );
    let out = run("--http-debug");
    out.assert_code(0)
        .assert_stderr_has(&format!(r#"{head}\n" group= iter=0 request_id="#))
        .assert_stderr_has(r#"level=info msg="Response:\nHTTP/1.1 200 OK\nContent-Length: "#)
        .assert_stderr_has("scenario=default source=http-debug vu=1");
    assert!(!out.stderr.contains("hello=world"), "{}", out.dump());
    let out = run("--http-debug=full");
    out.assert_code(0)
        .assert_stderr_has(&format!(r#"{head}hello=world\n" group= iter=0"#));
}

#[test]
fn batch_per_host_limits_concurrency_to_one_host() {
    let out = run_script(
        "bph.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1, batchPerHost: Number(__ENV.PER_HOST) };
export default function () {
  const reqs = [];
  for (let i = 0; i < 6; i++) reqs.push(`${__ENV.BASE_URL}/delay/1`);
  const t0 = Date.now();
  const res = http.batch(reqs);
  console.log(`${res.filter((r) => r.status === 200).length} ${Date.now() - t0}`);
}
"#,
        &["-q", "--no-summary", "-e", "PER_HOST=2"],
    );
    out.assert_code(0);
    let msg = out.console_messages().join("");
    let (ok, ms) = msg.split_once(' ').expect("two fields");
    assert_eq!(ok, "6");
    // Three waves of two one-second requests cannot take less than three seconds.
    assert!(ms.parse::<u64>().expect("ms") >= 2900, "{msg}");
}

#[test]
fn hosts_option_maps_names_to_addresses() {
    let t = Target::start();
    let (dir, _) = script(
        "hosts.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1, hosts: { 'rk6.test': __ENV.TARGET } };
export default function () {
  const r = http.get('http://rk6.test/headers');
  console.log(`${r.status} ${r.json('headers.Host')} ${r.remote_ip}`);
}
"#,
    );
    let out = Run::rk6()
        .target(&t)
        .env("TARGET", t.host())
        .args(["run", "-q", "--no-summary", "hosts.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert_eq!(out.console_messages(), vec!["200 rk6.test 127.0.0.1"]);
}

#[test]
fn connection_reuse_options_open_new_connections() {
    let src = r#"
import http from 'k6/http';
export const options = { vus: 1, iterations: 2 };
export default function () {
  const a = http.get(`${__ENV.BASE_URL}/get`);
  const b = http.get(`${__ENV.BASE_URL}/get`);
  console.log(`iter=${__ITER} first=${a.timings.connecting > 0} second=${b.timings.connecting > 0}`);
}
"#;
    let out = run_script("reuse.js", src, &["-q", "--no-summary"]);
    assert_eq!(
        out.console_messages(),
        vec![
            "iter=0 first=true second=false",
            "iter=1 first=false second=false"
        ]
    );
    let out = run_script(
        "reuse.js",
        src,
        &["-q", "--no-summary", "--no-connection-reuse"],
    );
    assert_eq!(
        out.console_messages(),
        vec![
            "iter=0 first=true second=true",
            "iter=1 first=true second=true"
        ]
    );
    let src_vu = src.replace(
        "iterations: 2 }",
        "iterations: 2, noVUConnectionReuse: true }",
    );
    let out = run_script("reuse.js", &src_vu, &["-q", "--no-summary"]);
    assert_eq!(
        out.console_messages(),
        vec![
            "iter=0 first=true second=false",
            "iter=1 first=true second=false"
        ]
    );
}

/// A raw peer that misbehaves after reading the request: `short` sends a head promising
/// 100 bytes and 5 of them then closes, `reset` does the same and resets the connection,
/// `close` closes without answering, `bighdr` sends a 2 MB header, `once` answers in full
/// (keep-alive, as far as the head says) and closes.
fn misbehaving_peer(mode: &'static str) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut c) = conn else { continue };
            let mut buf = [0u8; 65536];
            let _ = c.read(&mut buf);
            let head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello";
            match mode {
                "short" => {
                    let _ = c.write_all(head);
                }
                "reset" => {
                    let _ = c.write_all(head);
                    let _ = socket2::SockRef::from(&c).set_linger(Some(std::time::Duration::ZERO));
                }
                "once" => {
                    let _ = c.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                }
                "bighdr" => {
                    let mut r = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
                    r.extend(std::iter::repeat_n(b'a', 2 << 20));
                    r.extend(b"\r\nContent-Length: 2\r\n\r\nok");
                    let _ = c.write_all(&r);
                }
                _ => {}
            }
        }
    });
    port
}

#[test]
fn a_kept_alive_connection_the_server_dropped_is_replaced_not_failed() {
    let port = misbehaving_peer("once");
    let out = run_script(
        "dropped.js",
        r#"
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { iterations: 1 };
export default function () {
  for (let i = 0; i < 3; i++) {
    const r = http.get(`http://127.0.0.1:${__ENV.PORT}/`);
    console.log(`status=${r.status} error=${r.error} new=${r.timings.connecting > 0}`);
    sleep(0.2);
  }
  // Without the pause the next request often finds the connection closing under it:
  // Go sends a GET again on a new connection then.
  let failed = 0;
  for (let i = 0; i < 200; i++) {
    if (http.get(`http://127.0.0.1:${__ENV.PORT}/`).status !== 200) failed++;
  }
  console.log(`failed=${failed}`);
}
"#,
        &["-q", "--no-summary", "-e", &format!("PORT={port}")],
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        [vec!["status=200 error= new=true"; 3], vec!["failed=0"]].concat(),
        "{}",
        out.dump()
    );
}

#[test]
fn responses_that_break_off_fail_like_k6() {
    let ports: Vec<String> = ["short", "reset", "close", "bighdr"]
        .into_iter()
        .map(|m| misbehaving_peer(m).to_string())
        .collect();
    let out = run_script(
        "broken.js",
        r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  for (const p of __ENV.PORTS.split(',')) {
    const r = http.get(`http://127.0.0.1:${p}/`);
    console.log(`status=${r.status} code=${r.error_code} error=${r.error} body=${r.body}`);
  }
}
"#,
        &[
            "-q",
            "--no-summary",
            "-e",
            &format!("PORTS={}", ports.join(",")),
        ],
    );
    out.assert_code(0)
        .assert_stderr_has(r#"msg="Request Failed" error="unexpected EOF""#)
        .assert_stderr_has(r#": read: connection reset by peer""#)
        .assert_stderr_has(&format!(
            r#"msg="Request Failed" error="Get \"http://127.0.0.1:{}/\": EOF""#,
            ports[2]
        ));
    assert_eq!(
        out.console_messages(),
        vec![
            "status=0 code=1000 error=unexpected EOF body=hello",
            "status=0 code=1220 error=read: connection reset by peer body=hello",
            "status=0 code=1000 error=EOF body=null",
            "status=200 code=0 error= body=ok",
        ]
    );
}
