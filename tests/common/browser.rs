//! A headless Chromium driven over the Chrome DevTools Protocol (CDP), for tests that
//! must assert on a rendered page (the web dashboard, the HTML report) rather than on
//! its HTML source.
//!
//! Owns: finding and starting chromium with a fresh profile, one page attached over one
//! synchronous WebSocket, navigation, evaluation, screenshots, and collecting what the
//! page reports as wrong (console errors and warnings, uncaught exceptions, failed loads).
//! Not for: anything about rk6 itself, or driving input (clicks are `eval` calls).
//!
//! Nothing here can hang a test: every socket read has a short timeout, every command
//! has a time limit, and the [`Browser`] as a whole has a hard deadline ([`LIFETIME`]).
//! Chromium and its helper processes are killed when the `Browser` drops, also when the
//! test panics, and with the test process itself (`PR_SET_PDEATHSIG`).
//!
//! ```ignore
//! let Some(mut b) = Browser::launch() else { return };
//! b.open(&format!("{base}/dashboard/"));
//! assert!(b.wait_for("document.querySelectorAll('.card').length > 3", secs(10)));
//! assert!(b.canvas_is_drawn("#charts canvas"));
//! assert_eq!(b.problems(), Vec::<String>::new());
//! ```

use std::collections::HashSet;
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

pub use chromium::chromium_bin;
use chromium::Chromium;
use problems::{describe_problem, exception_text};

mod chromium;
mod problems;

/// How long one `Browser` may live; any call past it panics.
pub const LIFETIME: Duration = Duration::from_secs(300);
/// How long one CDP command may take to answer.
const COMMAND_LIMIT: Duration = Duration::from_secs(30);
/// How long `open` waits for the page's load event.
const LOAD_LIMIT: Duration = Duration::from_secs(30);
/// The socket read timeout: how often a wait looks at its clock.
const POLL: Duration = Duration::from_millis(100);
/// The page's viewport, in CSS pixels.
const VIEWPORT: (u32, u32) = (1400, 1800);

/// A headless Chromium with one page (a 1400×1800 viewport, no scrollbars), for
/// asserting on what a page renders.
/// Use one per test; it is killed, with its profile removed, when dropped.
pub struct Browser {
    cdp: WebSocket<TcpStream>,
    session: String,
    next_id: u64,
    problems: Vec<String>,
    /// Loader ids of navigations whose `load` lifecycle event has been seen.
    loaded: HashSet<String>,
    crashed: bool,
    deadline: Instant,
    process: Chromium,
}

impl Browser {
    /// Starts chromium with a blank page. `None` (after printing `skipping: chromium not
    /// installed`) when there is no chromium; panics when one is there but will not start.
    /// The `Browser` must be dropped on the thread that launched it: chromium is killed
    /// when that thread ends.
    pub fn launch() -> Option<Browser> {
        let Some(bin) = chromium_bin() else {
            // CI installs Chromium: there, a missing browser is a failure, not a skip.
            assert!(
                std::env::var_os("RK6_REQUIRE_BROWSER").is_none(),
                "RK6_REQUIRE_BROWSER is set but no chromium was found"
            );
            println!("skipping: chromium not installed");
            return None;
        };
        let deadline = Instant::now() + LIFETIME;
        let (process, ws_url) = Chromium::start(&bin);
        let cdp = connect(&ws_url, &process);
        let mut b = Browser {
            cdp,
            session: String::new(),
            next_id: 0,
            problems: Vec::new(),
            loaded: HashSet::new(),
            crashed: false,
            deadline,
            process,
        };
        b.attach_page();
        Some(b)
    }

    /// Opens a page target and enables the domains whose events the tests read.
    fn attach_page(&mut self) {
        let (width, height) = VIEWPORT;
        let target = self.call_on(None, "Target.createTarget", json!({ "url": "about:blank" }));
        let target_id = field_str(&target, "targetId");
        let attached = self.call_on(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        );
        self.session = field_str(&attached, "sessionId");
        for domain in ["Runtime", "Page", "Log", "Inspector"] {
            self.call(&format!("{domain}.enable"), json!({}));
        }
        self.call("Page.setLifecycleEventsEnabled", json!({ "enabled": true }));
        // Pages lay out to the full viewport width; screenshots have no scrollbar.
        self.call("Emulation.setScrollbarsHidden", json!({ "hidden": true }));
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        );
    }

    /// Navigates to `url` and waits for its load event; panics when the navigation fails
    /// (`net::ERR_…`) or the page does not load within 30 s.
    pub fn open(&mut self, url: &str) {
        self.loaded.clear();
        let nav = self.call("Page.navigate", json!({ "url": url }));
        if let Some(err) = nav.get("errorText").and_then(Value::as_str) {
            panic!("browser: could not open {url}: {err}");
        }
        // A navigation within the same document (`#fragment`) has no loader and no load.
        let Some(loader) = nav.get("loaderId").and_then(Value::as_str) else {
            return;
        };
        let until = Instant::now() + LOAD_LIMIT;
        while !self.loaded.contains(loader) {
            match self.next_message(until) {
                Some(msg) => self.on_message(msg),
                None => panic!("browser: {url} did not finish loading within {LOAD_LIMIT:?}"),
            }
        }
    }

    /// Evaluates `js` in the page (awaiting it when it is a promise) and returns its value
    /// as JSON (`Null` for `undefined`); panics with the exception's text if it throws.
    pub fn eval(&mut self, js: &str) -> Value {
        self.try_eval(js)
            .unwrap_or_else(|e| panic!("browser: eval threw {e}\n  script: {js}"))
    }

    /// Polls `js` about every 100 ms until it evaluates to `true` (exactly) or `timeout`
    /// passes; whether it became true. While `js` throws it counts as false; the last
    /// exception is printed when the time runs out.
    pub fn wait_for(&mut self, js: &str, timeout: Duration) -> bool {
        let until = Instant::now() + timeout;
        loop {
            let last_error = match self.try_eval(js) {
                Ok(Value::Bool(true)) => return true,
                Ok(_) => None,
                Err(e) => Some(e),
            };
            if Instant::now() >= until {
                if let Some(e) = last_error {
                    eprintln!("browser: wait_for gave up on `{js}`, which last threw {e}");
                }
                return false;
            }
            self.pump(POLL.min(until.saturating_duration_since(Instant::now())));
        }
    }

    /// Every console error, warning and failed assertion, uncaught exception or unhandled
    /// rejection, and browser log entry of level error or warning (a failed request, say;
    /// not the browser's own guess at `/favicon.ico`) seen so far, one line each, with
    /// `url:line:column` (1-based) where chromium gives a place.
    pub fn problems(&mut self) -> Vec<String> {
        // Events arrive in order: those the page sent before this round trip are in.
        self.call("Runtime.evaluate", json!({ "expression": "0" }));
        self.problems.clone()
    }

    /// Whether every canvas matching `selector` has at least one pixel that is not fully
    /// transparent; false when none matches. See [`canvas_drawn_js`] to wait for it.
    pub fn canvas_is_drawn(&mut self, selector: &str) -> bool {
        self.eval(&canvas_drawn_js(selector)) == Value::Bool(true)
    }

    /// Writes a PNG of the whole page (beyond the viewport) to `path`.
    pub fn screenshot(&mut self, path: &Path) {
        let metrics = self.call("Page.getLayoutMetrics", json!({}));
        let size = &metrics["cssContentSize"];
        let (Some(width), Some(height)) = (size["width"].as_f64(), size["height"].as_f64()) else {
            panic!("browser: Page.getLayoutMetrics gave no content size: {metrics}");
        };
        let shot = self.call(
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 },
            }),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(field_str(&shot, "data"))
            .unwrap_or_else(|e| panic!("browser: screenshot data is not base64: {e}"));
        std::fs::write(path, png)
            .unwrap_or_else(|e| panic!("browser: write screenshot {}: {e}", path.display()));
    }

    /// Chromium's process id (also its process group's).
    pub fn pid(&self) -> u32 {
        self.process.child.id()
    }

    /// `Runtime.evaluate`: the value, or the text of what went wrong.
    fn try_eval(&mut self, js: &str) -> Result<Value, String> {
        let params = json!({ "expression": js, "returnByValue": true, "awaitPromise": true });
        let session = self.session.clone();
        let reply = self.request(Some(&session), "Runtime.evaluate", params)?;
        if let Some(details) = reply.get("exceptionDetails") {
            return Err(exception_text(details));
        }
        Ok(reply["result"].get("value").cloned().unwrap_or(Value::Null))
    }

    /// A command to the page; panics when chromium answers with an error.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.call_on(Some(&session), method, params)
    }

    /// A command to `session` (`None`: the browser itself); panics on an error answer.
    fn call_on(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.request(session, method, params)
            .unwrap_or_else(|e| panic!("browser: {method} failed: {e}"))
    }

    /// Sends one command and reads until its answer, keeping the events that come first.
    /// `Err` carries chromium's error message; a silent chromium is a panic.
    fn request(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.send(&msg.to_string());
        let until = Instant::now() + COMMAND_LIMIT;
        loop {
            let Some(reply) = self.next_message(until) else {
                panic!(
                    "browser: no answer to {method} within {COMMAND_LIMIT:?}{}",
                    self.process.stderr_tail()
                );
            };
            if reply.get("id").and_then(Value::as_u64) != Some(id) {
                self.on_message(reply);
            } else if let Some(err) = reply.get("error") {
                return Err(format!("{} ({})", err["message"], err["code"]));
            } else {
                return Ok(reply.get("result").cloned().unwrap_or(Value::Null));
            }
        }
    }

    fn send(&mut self, text: &str) {
        let mut sent = self.cdp.send(Message::text(text));
        let until = Instant::now() + COMMAND_LIMIT;
        // A timed-out write leaves the frame queued; flushing finishes it.
        while matches!(&sent, Err(tungstenite::Error::Io(e)) if is_timeout(e))
            && Instant::now() < until
        {
            sent = self.cdp.flush();
        }
        if let Err(e) = sent {
            panic!(
                "browser: DevTools send failed: {e}{}",
                self.process.stderr_tail()
            );
        }
    }

    /// Handles every message that arrives within `time`.
    fn pump(&mut self, time: Duration) {
        let until = Instant::now() + time;
        while let Some(msg) = self.next_message(until) {
            self.on_message(msg);
        }
    }

    /// The next message from chromium, or `None` once `until` has passed.
    fn next_message(&mut self, until: Instant) -> Option<Value> {
        loop {
            if self.crashed {
                panic!("browser: the page crashed{}", self.process.stderr_tail());
            }
            if Instant::now() >= self.deadline {
                panic!("browser: past its hard deadline of {LIFETIME:?} after launch");
            }
            if Instant::now() >= until {
                return None;
            }
            match self.cdp.read() {
                Ok(Message::Text(text)) => {
                    return Some(serde_json::from_str(text.as_str()).unwrap_or_else(|e| {
                        panic!("browser: DevTools sent bad JSON ({e}): {}", text.as_str())
                    }))
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) if is_timeout(&e) => {}
                Err(e) => panic!(
                    "browser: DevTools connection lost: {e}{}",
                    self.process.stderr_tail()
                ),
            }
        }
    }

    /// Records what an event (or a stray answer) says about the page.
    fn on_message(&mut self, msg: Value) {
        let Some(method) = msg.get("method").and_then(Value::as_str) else {
            return;
        };
        let params = &msg["params"];
        match method {
            "Page.lifecycleEvent" if params["name"] == "load" => {
                self.loaded.insert(field_str(params, "loaderId"));
            }
            "Inspector.targetCrashed" => self.crashed = true,
            _ => {}
        }
        if let Some(problem) = describe_problem(method, params) {
            self.problems.push(problem);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if thread::panicking() && !self.problems.is_empty() {
            eprintln!(
                "browser: the page's problems:\n  {}",
                self.problems.join("\n  ")
            );
        }
    }
}

/// Opens the browser-level DevTools WebSocket at `ws_url` (`ws://127.0.0.1:PORT/…`).
fn connect(ws_url: &str, process: &Chromium) -> WebSocket<TcpStream> {
    let fail = |what: String| -> ! {
        panic!(
            "browser: DevTools at {ws_url}: {what}{}",
            process.stderr_tail()
        )
    };
    let host = ws_url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| fail("not a ws:// URL".into()));
    let addr: SocketAddr = host
        .parse()
        .unwrap_or_else(|e| fail(format!("bad address: {e}")));
    let stream = TcpStream::connect_timeout(&addr, COMMAND_LIMIT)
        .unwrap_or_else(|e| fail(format!("connect: {e}")));
    let timeouts = |s: &TcpStream, read| {
        s.set_read_timeout(Some(read))
            .and_then(|_| s.set_write_timeout(Some(COMMAND_LIMIT)))
            .and_then(|_| s.set_nodelay(true))
            .unwrap_or_else(|e| fail(format!("socket options: {e}")));
    };
    timeouts(&stream, COMMAND_LIMIT);
    // Screenshots of long pages come as one large frame.
    let config = WebSocketConfig::default()
        .max_message_size(None)
        .max_frame_size(None);
    let (ws, _) = tungstenite::client::client_with_config(ws_url, stream, Some(config))
        .unwrap_or_else(|e| fail(format!("handshake: {e}")));
    timeouts(ws.get_ref(), POLL);
    ws
}

/// A JS expression: whether every canvas matching `selector` has a pixel that is not
/// fully transparent (false when none matches). Copying onto a fresh 2D canvas reads
/// WebGL canvases as well as 2D ones.
pub fn canvas_drawn_js(selector: &str) -> String {
    let selector = Value::from(selector);
    format!(
        r#"(() => {{
  const all = [...document.querySelectorAll({selector})];
  const drawn = (c) => {{
    if (!(c instanceof HTMLCanvasElement) || c.width === 0 || c.height === 0) return false;
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext('2d');
    ctx.drawImage(c, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
    return false;
  }};
  return all.length > 0 && all.every(drawn);
}})()"#
    )
}

fn field_str(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("browser: no `{key}` in DevTools answer {v}"))
        .to_string()
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}
