//! The headless-Chromium client the dashboard and report tests use
//! (`common/browser.rs`), tested against tiny pages written to a temp dir (file://) and
//! served from loopback (http://): evaluation, waiting, the problems a page reports
//! (console errors and warnings, uncaught exceptions, failed loads), drawn canvases,
//! screenshots, failures that must be loud, and chromium gone after drop or a panic.
//! Without chromium each test prints `skipping: chromium not installed` and passes.

mod common;

use std::cell::Cell;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::thread;
use std::time::{Duration, Instant};

use common::browser::{canvas_drawn_js, Browser};
use common::{file_url, Scripts};
use serde_json::json;

/// Writes `html` as `name` in `dir` and returns its file:// URL.
fn page(dir: &Scripts, name: &str, html: &str) -> String {
    file_url(&dir.write(name, html))
}

/// The message of a panic `f` raises; fails the test when it does not panic.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn eval_computes_values_reads_the_dom_and_awaits_promises() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let dir = Scripts::new();
    b.open(&page(&dir, "dom.html", "<title>t</title><p id=x>hello</p>"));
    assert_eq!(b.eval("1 + 2 * 3"), json!(7));
    assert_eq!(
        b.eval("document.getElementById('x').textContent"),
        json!("hello")
    );
    assert_eq!(
        b.eval("({ a: [1, 'b'], c: null })"),
        json!({ "a": [1, "b"], "c": null })
    );
    assert_eq!(b.eval("undefined"), json!(null));
    assert_eq!(
        b.eval("new Promise((r) => setTimeout(() => r('later'), 50))"),
        json!("later")
    );
    assert_eq!(
        b.eval("[window.innerWidth, window.innerHeight]"),
        json!([1400, 1800])
    );
}

#[test]
fn eval_panics_with_the_exception_and_the_browser_stays_usable() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let msg = panic_message(|| {
        b.eval("throw new Error('nope')");
    });
    assert!(msg.contains("Error: nope"), "{msg}");
    assert!(msg.contains("throw new Error('nope')"), "{msg}");
    let msg = panic_message(|| {
        b.eval("Promise.reject(new TypeError('rejected'))");
    });
    assert!(
        msg.contains("threw Uncaught (in promise) TypeError: rejected\n"),
        "{msg}"
    );
    let msg = panic_message(|| {
        b.eval("throw 'a plain string'");
    });
    assert!(msg.contains("threw Uncaught a plain string\n"), "{msg}");
    assert_eq!(b.eval("40 + 2"), json!(42));
    // An exception in eval is the test's, not the page's.
    assert_eq!(b.problems(), Vec::<String>::new());
}

#[test]
fn console_errors_and_warnings_are_problems_with_their_place() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let dir = Scripts::new();
    let html = "<!doctype html>
<title>console</title>
<script>
console.log('just saying'); console.info('fyi'); console.debug('dbg');
console.error('bad thing', 42, null, {a: 1});
console.warn('careful');
</script>";
    b.open(&page(&dir, "console.html", html));
    // An event that arrives while a command waits for its answer is kept.
    b.eval("console.error('during eval'); console.assert(1 === 2, 'asserted'); 1");
    let problems = b.problems();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        problems[0].starts_with("console.error: bad thing 42 null Object (file://"),
        "{problems:#?}"
    );
    assert!(problems[0].ends_with("console.html:5:9)"), "{problems:#?}");
    assert!(
        problems[1].starts_with("console.warn: careful ("),
        "{problems:#?}"
    );
    assert!(problems[1].ends_with("console.html:6:9)"), "{problems:#?}");
    assert_eq!(problems[2], "console.error: during eval");
    assert_eq!(problems[3], "console.assert: asserted");
}

#[test]
fn uncaught_exceptions_and_unhandled_rejections_are_problems() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let dir = Scripts::new();
    let html = "<!doctype html>
<script>
Promise.reject(new Error('later'));
throw new Error('boom');
</script>
<script>setTimeout(() => { null.x; }, 10);</script>";
    b.open(&page(&dir, "throws.html", html));
    assert!(b.wait_for(
        "new Promise((r) => setTimeout(() => r(true), 100))",
        secs(5)
    ));
    let problems = b.problems();
    let has = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(has("Uncaught Error: boom (file://"), "{problems:#?}");
    assert!(has("throws.html:4:7)"), "{problems:#?}");
    assert!(has("Uncaught (in promise) Error: later ("), "{problems:#?}");
    assert!(
        has("TypeError: Cannot read properties of null"),
        "{problems:#?}"
    );
}

#[test]
fn a_clean_page_has_no_problems() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let dir = Scripts::new();
    let html = "<!doctype html><title>clean</title>
<script>console.log('fine'); console.info('all good');</script><p>ok</p>";
    b.open(&page(&dir, "clean.html", html));
    assert_eq!(b.eval("document.title"), json!("clean"));
    assert_eq!(b.problems(), Vec::<String>::new());
}

#[test]
fn wait_for_polls_until_true_counts_throws_as_false_and_gives_up_in_time() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let dir = Scripts::new();
    b.open(&page(&dir, "wait.html", "<!doctype html><body></body>"));
    let start = Instant::now();
    b.eval(
        "setTimeout(() => {
           window.ready = true;
           document.body.insertAdjacentHTML('beforeend', '<p id=late>here</p>');
         }, 500)",
    );
    assert!(b.wait_for("window.ready === true", secs(10)));
    assert!(
        start.elapsed() >= Duration::from_millis(450),
        "returned before the timer"
    );
    // Throws (no #late yet) until the same timer has run.
    assert!(b.wait_for(
        "document.querySelector('#late').textContent === 'here'",
        secs(5)
    ));

    let start = Instant::now();
    assert!(!b.wait_for("window.never === true", Duration::from_millis(300)));
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < secs(3),
        "{waited:?}"
    );
}

#[test]
fn canvas_is_drawn_tells_drawn_canvases_from_blank_ones() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let dir = Scripts::new();
    let html = "<!doctype html>
<canvas class=drawn width=50 height=50></canvas>
<canvas class=drawn width=80 height=20></canvas>
<canvas class=blank width=50 height=50></canvas>
<canvas id=later width=50 height=50></canvas>
<script>
for (const c of document.querySelectorAll('.drawn')) {
  const g = c.getContext('2d'); g.fillStyle = '#c00'; g.fillRect(c.width - 2, c.height - 2, 1, 1);
}
setTimeout(() => document.getElementById('later').getContext('2d').fillRect(0, 0, 1, 1), 300);
</script>";
    b.open(&page(&dir, "canvas.html", html));
    assert!(b.canvas_is_drawn(".drawn"));
    assert!(!b.canvas_is_drawn(".blank"));
    assert!(!b.canvas_is_drawn("canvas"), "one blank canvas among them");
    assert!(!b.canvas_is_drawn("#nothing"), "no canvas at all");
    assert!(b.wait_for(&canvas_drawn_js("#later"), secs(5)));
}

#[test]
fn screenshot_writes_a_png_of_the_whole_page() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let dir = Scripts::new();
    let html = "<!doctype html><body style='margin:0'>
<div style='height:3000px;background:linear-gradient(#c00,#00c)'></div>";
    b.open(&page(&dir, "tall.html", html));
    let path = dir.path("shot.png");
    b.screenshot(&path);
    let png = std::fs::read(&path).expect("screenshot file");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be32 = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    let (width, height) = (be32(16), be32(20));
    assert_eq!(width, 1400, "the viewport's width, no scrollbar");
    assert_eq!(height, 3000, "the whole page, beyond the 1800 px viewport");
}

#[test]
fn http_pages_load_and_their_failed_requests_are_problems() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let base = serve(&[
        (
            "/",
            "text/html",
            "<!doctype html><title>served</title><img src=/missing.png>",
        ),
        ("/data.json", "application/json", r#"{"n": 5}"#),
    ]);
    b.open(&format!("{base}/"));
    assert_eq!(b.eval("document.title"), json!("served"));
    assert_eq!(
        b.eval("fetch('/data.json').then((r) => r.json()).then((j) => j.n)"),
        json!(5)
    );
    let problems = b.problems();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].contains("404"), "{problems:#?}");
    assert!(
        problems[0].contains(&format!("({base}/missing.png)")),
        "{problems:#?}"
    );
}

#[test]
fn open_panics_when_the_page_cannot_be_loaded() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let dir = Scripts::new();
    let missing = file_url(&dir.path("missing.html"));
    let msg = panic_message(|| b.open(&missing));
    assert!(
        msg.contains("ERR_FILE_NOT_FOUND") && msg.contains(&missing),
        "{msg}"
    );
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let msg = panic_message(|| b.open(&format!("http://{closed}/")));
    assert!(msg.contains("ERR_CONNECTION_REFUSED"), "{msg}");
}

#[test]
fn dropping_the_browser_ends_chromium_and_its_helpers() {
    let Some(b) = Browser::launch() else {
        return;
    };
    let group = b.pid();
    assert!(living_in_group(group) > 1, "chromium runs helper processes");
    drop(b);
    assert_eq!(gone_within(group, secs(5)), 0);
}

#[test]
fn a_test_that_panics_still_ends_chromium() {
    let group = Cell::new(None);
    let msg = panic_message(|| {
        if let Some(b) = Browser::launch() {
            group.set(Some(b.pid()));
            panic!("a failing assertion");
        }
    });
    let Some(group) = group.get() else {
        return;
    };
    assert_eq!(msg, "a failing assertion");
    assert_eq!(gone_within(group, secs(5)), 0);
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// How many processes of `group` still live after waiting up to `limit` for none.
fn gone_within(group: u32, limit: Duration) -> usize {
    let until = Instant::now() + limit;
    while living_in_group(group) > 0 && Instant::now() < until {
        thread::sleep(Duration::from_millis(50));
    }
    living_in_group(group)
}

/// The live (not zombie) processes in process group `group`.
fn living_in_group(group: u32) -> usize {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return 0;
    };
    procs
        .flatten()
        .filter_map(|p| std::fs::read_to_string(p.path().join("stat")).ok())
        .filter(|stat| {
            // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses.
            let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
            let fields: Vec<&str> = rest.split_whitespace().collect();
            fields.len() > 2 && fields[0] != "Z" && fields[2] == group.to_string()
        })
        .count()
}

/// A throwaway HTTP server on loopback: `routes` are (path, content type, body); other
/// paths get 404. One response per connection. Returns `http://127.0.0.1:PORT`.
fn serve(routes: &'static [(&'static str, &'static str, &'static str)]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("local addr"));
    thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            thread::spawn(move || answer(conn, routes));
        }
    });
    base
}

fn answer(mut conn: TcpStream, routes: &[(&str, &str, &str)]) {
    let _ = conn.set_read_timeout(Some(secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let (status, kind, body) = routes
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, kind, body)| ("200 OK", *kind, *body))
        .unwrap_or(("404 Not Found", "text/plain", "not found"));
    let _ = write!(
        conn,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}
