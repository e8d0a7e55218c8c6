//! Regressions found by running grafana/k6's own examples and test scripts, each run under
//! k6 v1.1 and rk6: the same exit code, and the same lines where they are deterministic.
//! Skipped (passing) without `k6` on PATH; every run is bounded by the harness's timeout.

mod common;

use std::time::{Duration, Instant};

use common::*;

/// The exit code, the error lines and the console lines of `tool run -q`.
fn outcome(tool: Tool, src: &str) -> (i32, Vec<String>, Duration) {
    let (code, lines, took, _) = outcome_with(tool, src, &[]);
    (code, lines, took)
}

/// Runs `src` under both tools and asserts the same exit code and lines; returns rk6's.
fn same_outcome(src: &str, what: &str) -> (i32, Vec<String>) {
    let (k6, rk6) = (outcome(Tool::K6, src), outcome(Tool::Rk6, src));
    assert_eq!(
        (rk6.0, &rk6.1),
        (k6.0, &k6.1),
        "rk6 (left) vs k6 (right) for {what}"
    );
    (rk6.0, rk6.1)
}

/// [`outcome`] with more arguments before the script, and the summary export (`sum.json`)
/// when the run wrote one. The script's directory is masked as `DIR` in lines.
fn outcome_with(
    tool: Tool,
    src: &str,
    args: &[&str],
) -> (i32, Vec<String>, Duration, Option<Export>) {
    let (dir, path) = script("s.js", src);
    let started = Instant::now();
    let out = Run::new(tool)
        .args(["run", "-q", "--summary-export", "sum.json"])
        .args(args)
        .arg(&path)
        .cwd(dir.dir())
        .timeout(Duration::from_secs(30))
        .output();
    let lines = out
        .console_and_error_lines()
        .into_iter()
        .map(|line| {
            without_k6_offsets(&line.replace(&file_url(dir.dir()), "DIR"))
                .replace(&arg(dir.dir()), "DIR")
        })
        .collect();
    let export = dir
        .path("sum.json")
        .exists()
        .then(|| Export::read(&dir.path("sum.json")));
    (out.code, lines, started.elapsed(), export)
}

/// A Rate threshold with `abortOnFail` in a `stages` test stops it (exit 99) instead of
/// leaving VUs waiting for their turn forever.
#[test]
fn abort_on_fail_under_stages_ends_the_run_like_k6() {
    if !k6_available() {
        return;
    }
    let src = r#"
import { Rate } from 'k6/metrics';
const failed = new Rate('failed_requests');
export const options = {
  stages: [{ duration: '3s', target: 2 }, { duration: '3s', target: 0 }],
  thresholds: { failed_requests: [{ threshold: 'rate<0.1', abortOnFail: true }] },
};
export default function () { failed.add(1); }
"#;
    let (k6, rk6) = (outcome(Tool::K6, src), outcome(Tool::Rk6, src));
    assert_eq!((rk6.0, &rk6.1), (k6.0, &k6.1), "rk6 (left) vs k6 (right)");
    assert!(rk6.2 < Duration::from_secs(10), "rk6 took {:?}", rk6.2);
}

/// Module syntax anywhere on a line (bundler output) makes an ES module.
#[test]
fn module_syntax_after_code_on_the_same_line_is_a_module_like_k6() {
    if !k6_available() {
        return;
    }
    for src in [
        "var a = 1; export default function () { console.log('a', a); }\n",
        "const o = { iterations: 1 }; export const options = o; export default function () { console.log(options.iterations); }\n",
    ] {
        same_outcome(src, src);
    }
}

const BUSY: &str = r#"
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '2s', gracefulStop: '1s' } } };
export default function () { while (true) { try { } catch (e) {} } }
"#;

/// A VU stuck in a CPU loop is interrupted at `gracefulStop`, as k6 interrupts its VM: the
/// run ends after duration + gracefulStop, with k6's warning that no iteration finished.
#[test]
fn a_busy_vu_is_interrupted_at_graceful_stop_like_k6() {
    if !k6_available() {
        return;
    }
    let (k6, rk6) = (outcome(Tool::K6, BUSY), outcome(Tool::Rk6, BUSY));
    assert_eq!((rk6.0, &rk6.1), (k6.0, &k6.1), "rk6 (left) vs k6 (right)");
    assert!(rk6.2 < Duration::from_secs(4), "rk6 took {:?}", rk6.2);
}

/// Ctrl-C stops VUs stuck in a CPU loop within a second: the summary, exit 105.
#[test]
fn ctrl_c_interrupts_a_busy_vu_within_a_second() {
    let (dir, path) = script("busy.js", BUSY);
    let tools: &[Tool] = if k6_available() {
        &[Tool::K6, Tool::Rk6]
    } else {
        &[Tool::Rk6]
    };
    for &tool in tools {
        let bin = match tool {
            Tool::Rk6 => rk6_bin(),
            Tool::K6 => k6_bin().expect("k6"),
        };
        let mut child = std::process::Command::new(bin)
            .args(["run", "--address=", "-q"])
            .arg(&path)
            .current_dir(dir.dir())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(1000));
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let took = wait_at_most(&mut child, Duration::from_secs(10));
        let out = child.wait_with_output().expect("output");
        assert_eq!(out.status.code(), Some(105), "{tool:?}");
        assert!(
            took < Duration::from_secs(1),
            "{tool:?} took {took:?} after Ctrl-C"
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("TOTAL RESULTS"),
            "{tool:?}: no summary"
        );
    }
}

/// `export default async () => {}` (and `async x => …`) is an expression, not a broken
/// async function declaration; `async` before a line break stays an identifier.
#[test]
fn export_default_async_arrow_runs_like_k6() {
    if !k6_available() {
        return;
    }
    for src in [
        "export default async () => { console.log('arrow'); }\n",
        "export default async x => { console.log('param', typeof x); }\n",
        "export default async function () { console.log('declaration'); }\n",
        "export default async\nfunction f() { console.log('never'); }\n",
    ] {
        same_outcome(src, &format!("{src:?}"));
    }
}

/// A URL without a path stays so in `res.url` and in the `url`/`name` tags thresholds
/// select on.
#[test]
fn a_url_without_path_is_tagged_as_written_like_k6() {
    if !k6_available() {
        return;
    }
    let t = Target::start();
    let base = t.base_url();
    let src = format!(
        r#"
import http from 'k6/http';
export const options = {{ iterations: 1, thresholds: {{
  'http_reqs{{name:{base}}}': ['count==1'], 'http_reqs{{url:{base}?a=1}}': ['count==1'] }} }};
export default function () {{ console.log(http.get('{base}').url); http.get('{base}?a=1'); }}
"#
    );
    let (k6, rk6) = (
        outcome_with(Tool::K6, &src, &[]),
        outcome_with(Tool::Rk6, &src, &[]),
    );
    assert_eq!((rk6.0, &rk6.1), (k6.0, &k6.1), "rk6 (left) vs k6 (right)");
    assert_eq!(rk6.0, 0);
}

/// Threshold keys are parsed like k6's: braces inside a tag value are fine, and a metric
/// a threshold names is exported (and shown) without samples.
#[test]
fn threshold_keys_and_metrics_without_samples_like_k6() {
    if !k6_available() {
        return;
    }
    let src = r#"
import { Counter, Trend } from 'k6/metrics';
const one = new Counter('one'); const two = new Counter('two'); const tt = new Trend('tt');
export const options = { iterations: 1, thresholds: {
  'http_req_duration{name:http://${}.com}': ['max < 1000'], 'one{tag:xyz}': [], 'tt{a:b}': ['p(95)<1'] } };
export default function () { two.add(42); }
"#;
    let (k6, rk6) = (
        outcome_with(Tool::K6, src, &[]),
        outcome_with(Tool::Rk6, src, &[]),
    );
    assert_eq!((rk6.0, &rk6.1), (k6.0, &k6.1), "rk6 (left) vs k6 (right)");
    let (k6, rk6) = (k6.3.expect("k6 export"), rk6.3.expect("rk6 export"));
    for m in [
        "one",
        "one{tag:xyz}",
        "tt",
        "tt{a:b}",
        "http_req_duration{name:http://${}.com}",
    ] {
        assert_eq!(
            rk6.metric_names().contains(m),
            k6.metric_names().contains(m),
            "{m}"
        );
    }
    assert_eq!(rk6.thresholds(), k6.thresholds());
    for bad in ["one{tag:xyz", "one{tag:xyz}x", "one{tag}", "one}{"] {
        let src = format!("export const options = {{ thresholds: {{ '{bad}': [] }} }};\nexport default function () {{}}\n");
        same_outcome(&src, bad);
    }
}

/// `exec.test.abort()` in the init context exits 108; in an iteration, the iteration still
/// counts and a check whose function aborted fails.
#[test]
fn abort_in_init_and_in_a_check_like_k6() {
    if !k6_available() {
        return;
    }
    let init = "import exec from 'k6/execution';\nexec.test.abort('bye from init');\nexport default function () {}\n";
    let (k6, rk6) = (outcome(Tool::K6, init), outcome(Tool::Rk6, init));
    assert_eq!(rk6.0, 108);
    assert_eq!(rk6.0, k6.0);
    let in_check = r#"
import exec from 'k6/execution';
import { check } from 'k6';
export const options = { vus: 1, iterations: 3 };
export default function () { check(1, { before: () => true }); check(1, { aborts: () => exec.test.abort('x') }); }
"#;
    let (k6, rk6) = (
        outcome_with(Tool::K6, in_check, &[]),
        outcome_with(Tool::Rk6, in_check, &[]),
    );
    assert_eq!(rk6.0, k6.0, "exit code, rk6 (left) vs k6 (right)");
    let (k6, rk6) = (k6.3.expect("k6 export"), rk6.3.expect("rk6 export"));
    assert_eq!(rk6.metric_names(), k6.metric_names());
    for (m, f) in [
        ("iterations", "count"),
        ("checks", "passes"),
        ("checks", "fails"),
    ] {
        assert_eq!(rk6.num(m, f), k6.num(m, f), "{m}.{f}");
    }
}

/// A timeout due at the same instant as an interval's next tick runs first: intervals are
/// armed again only after their callback ran, as in k6.
#[test]
fn interval_cleared_by_a_timeout_fires_like_k6() {
    if !k6_available() {
        return;
    }
    let src = r#"
export const options = { iterations: 1 };
export default function () {
  let n = 0;
  const id = setInterval(() => { n++; console.log('tick ' + n); }, 500);
  setTimeout(() => { clearInterval(id); console.log('cleared after ' + n); }, 1000);
}
"#;
    same_outcome(src, "an interval cleared by a timeout");
}

/// Durations k6 cannot decode are refused (104) with Go's wording: in a `--config` file even
/// when the script replaces that option, and in the script's options.
#[test]
fn undecodable_durations_are_refused_like_k6() {
    if !k6_available() {
        return;
    }
    let dir = Scripts::new();
    let cfg = dir.write("bad.json", r#"{"duration": "fails"}"#);
    let cfg = arg(&cfg);
    let script = "export const options = { iterations: 1, duration: __ENV.DURATION };\nexport default function () {}\n";
    let (k6, rk6) = (
        outcome_with(Tool::K6, script, &["--config", &cfg]),
        outcome_with(Tool::Rk6, script, &["--config", &cfg]),
    );
    assert_eq!((rk6.0, &rk6.1), (k6.0, &k6.1), "rk6 (left) vs k6 (right)");
    assert_eq!(rk6.0, 104);
    // Flags are decoded before anything else (exit 255), and a duration past Go's ~292
    // years is invalid rather than a crash.
    let plain = "export default function () {}\n";
    for flag in ["99999999999999999999h", "fails", "2562048h"] {
        let (k6, rk6) = (
            outcome_with(Tool::K6, plain, &["-d", flag]),
            outcome_with(Tool::Rk6, plain, &["-d", flag]),
        );
        assert_eq!(
            (rk6.0, &rk6.1),
            (k6.0, &k6.1),
            "rk6 (left) vs k6 (right) for -d {flag}"
        );
    }
    for bad in [
        "duration: 'fails'",
        "setupTimeout: '3x'",
        "scenarios: { a: { executor: 'constant-vus', duration: '1s', gracefulStop: '1q' } }",
    ] {
        let src = format!("export const options = {{ {bad} }};\nexport default function () {{}}\n");
        same_outcome(&src, bad);
    }
}

/// Cipher suites k6 knows but rustls lacks are warned about, not refused: the others are
/// offered and the request succeeds as under k6. Unknown names are refused by both.
#[test]
fn known_cipher_suites_rustls_lacks_do_not_refuse_the_test() {
    if !k6_available() {
        return;
    }
    let t = Target::start();
    let peer = common::peer::TlsPeer::start(&t);
    let url = common::peer::TlsPeer::url(peer.tls12);
    let src = format!(
        r#"
import http from 'k6/http';
import {{ check }} from 'k6';
export const options = {{ iterations: 1, insecureSkipTLSVerify: true,
  tlsCipherSuites: ['TLS_RSA_WITH_RC4_128_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] }};
export default function () {{
  const r = http.get('{url}/get');
  check(r, {{ ok: (r) => r.status === 200 }});
  console.log(r.tls_cipher_suite);
}}
"#
    );
    let (k6, rk6) = (
        outcome_with(Tool::K6, &src, &[]),
        outcome_with(Tool::Rk6, &src, &[]),
    );
    assert_eq!((rk6.0, &rk6.1), (k6.0, &k6.1), "rk6 (left) vs k6 (right)");
    assert_eq!(rk6.3.expect("export").num("checks", "fails"), 0.0);
    let unknown = src.replace("TLS_RSA_WITH_RC4_128_SHA", "TLS_NOPE");
    let (k6, rk6) = (outcome(Tool::K6, &unknown), outcome(Tool::Rk6, &unknown));
    assert_eq!(rk6.0, k6.0);
}

/// An async iteration whose promise rejects is logged as k6 logs an unhandled rejection:
/// "Uncaught (in promise) …", without `source=stacktrace`.
#[test]
fn a_rejected_async_iteration_is_logged_as_uncaught_in_promise_like_k6() {
    if !k6_available() {
        return;
    }
    let src = r#"
export const options = { iterations: 2 };
export default async function () {
  if (__ITER === 0) await Promise.reject('plain reason');
  await Promise.reject({ toString() { return 'object reason'; } });
}
"#;
    let (_, lines) = same_outcome(src, "a rejected async iteration");
    assert_eq!(lines.len(), 2, "{lines:?}");
}

/// A VU whose init code fails (an exception or `exec.test.abort()`) still ends the run with
/// `handleSummary` (or the empty summary) and the summary export, then k6's error, hint and
/// exit code.
#[test]
fn a_failed_vu_init_still_reports_like_k6() {
    if !k6_available() {
        return;
    }
    for init in ["throw new Error('boom');", "exec.test.abort();"] {
        let src = format!(
            "import exec from 'k6/execution';\nif (__VU == 1) {{ {init} }}\nexport default function () {{}}\nexport function handleSummary(d) {{ console.log('summary of ' + Object.keys(d.metrics).length); return {{}}; }}\n"
        );
        let (k6, rk6) = (
            outcome_with(Tool::K6, &src, &[]),
            outcome_with(Tool::Rk6, &src, &[]),
        );
        assert_eq!(
            (rk6.0, &rk6.1),
            (k6.0, &k6.1),
            "rk6 (left) vs k6 (right) for {init}"
        );
        let src = src.replace("export function handleSummary", "function unused");
        let (k6, rk6) = (
            outcome_with(Tool::K6, &src, &[]),
            outcome_with(Tool::Rk6, &src, &[]),
        );
        let names = |o: &Option<Export>| o.as_ref().map(Export::metric_names);
        assert_eq!(names(&rk6.3), names(&k6.3), "exports for {init}");
        assert!(rk6.3.is_some(), "no export for {init}");
    }
}

/// A response with more headers than hyper's default of 100 is read like k6 reads it.
#[test]
fn responses_with_hundreds_of_headers_are_read_like_k6() {
    if !k6_available() {
        return;
    }
    let t = Target::start();
    let src = format!(
        r#"
import http from 'k6/http';
export const options = {{ iterations: 1 }};
export default function () {{
  for (const n of [99, 150, 900]) {{
    const q = Array.from({{ length: n }}, (_, i) => `h${{i}}=v${{i}}`).join('&');
    const r = http.get(`{}/response-headers?${{q}}`);
    console.log(n, r.status, r.error_code, Object.keys(r.headers).length > n);
  }}
}}
"#,
        t.base_url()
    );
    let (_, lines) = same_outcome(&src, "responses with many headers");
    assert_eq!(lines.len(), 3, "{lines:?}");
}
