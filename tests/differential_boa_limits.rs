//! Limits of the JS engine that k6 (goja) does not have: values nested 100,000 deep from
//! `JSON.parse`, and the memory of building big strings. The JSON cases run the same script
//! under k6 v1.1 and rk6 (skipped, passing, without `k6` on PATH); the memory cases bound
//! rk6's peak RSS generously, far below what the old code took.

mod common;

use std::time::Duration;

use common::*;

/// The exit code and the console and error lines of `tool run -q` on `src`.
fn outcome(tool: Tool, src: &str, env: &[(&str, String)]) -> (i32, Vec<String>, Output) {
    let (dir, path) = script("s.js", src);
    let mut run = Run::new(tool)
        .args(["run", "-q", "--no-summary", "-a", ""])
        .arg(&path)
        .cwd(dir.dir())
        .timeout(Duration::from_secs(60));
    for (k, v) in env {
        run = run.env(k, v);
    }
    let out = run.output();
    let lines = out.console_and_error_lines();
    (out.code, lines, out)
}

/// Parses arrays and objects 10,000 and 100,000 deep, in init and in an iteration, and
/// reports the depth it walks back down (iteratively: only the parser is under test);
/// stringifies 10,000 levels (Boa's serialiser recurses natively: k6 goes deeper, see
/// `robustness.rs` for the RangeError past the native stack floor).
const DEEP_PARSE: &str = r#"
function text(kind, n) {
  return kind === 'arr' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n);
}
function depth(v) {
  let d = 0;
  while (v !== null && typeof v === 'object') { d++; v = Array.isArray(v) ? v[0] : v.a; }
  return d;
}
function check(where) {
  for (const kind of ['arr', 'obj']) {
    for (const n of [10000, 100000]) {
      try { console.log(`${where} ${kind} ${n}: depth ${depth(JSON.parse(text(kind, n)))}`); }
      catch (e) { console.log(`${where} ${kind} ${n}: ${e.name}`); }
    }
  }
  const v = JSON.parse(text('obj', 10000));
  console.log(`${where} stringify 10000: ${JSON.stringify(v).length}`);
}
check('init');
export const options = { iterations: 1 };
export default function () { check('default'); }
"#;

#[test]
fn json_parse_nests_as_deep_as_k6() {
    if !k6_available() {
        println!("skipping: k6 not installed");
        return;
    }
    let (k6_code, k6_lines, _) = outcome(Tool::K6, DEEP_PARSE, &[]);
    let (rk6_code, rk6_lines, _) = outcome(Tool::Rk6, DEEP_PARSE, &[]);
    assert_eq!(
        (rk6_code, &rk6_lines),
        (k6_code, &k6_lines),
        "rk6 (left) vs k6 (right)"
    );
    assert_eq!(rk6_code, 0);
    assert!(
        rk6_lines.contains(&"info default obj 100000: depth 100000".to_string()),
        "{rk6_lines:?}"
    );
}

/// Builds a 20 MiB string one way (`MODE`) and, for `post`, sends it as a request body.
const BUILD_STRING: &str = r#"
import http from 'k6/http';
const N = 20 * 1024 * 1024;
export const options = { iterations: 1 };
export default function () {
  let s;
  if (__ENV.MODE === 'repeat') s = 'p'.repeat(N);
  if (__ENV.MODE === 'join') s = new Array(N + 1).join('p');
  if (__ENV.MODE === 'post') {
    s = 'p'.repeat(N);
    console.log(`status ${http.post(`${__ENV.BASE_URL}/post`, s).status}`);
  }
  console.log(`length ${s.length}`);
}
"#;

/// Peak RSS of rk6 building the string by `mode`; k6's and the old rk6's are in the
/// assertion messages of the callers.
fn peak_rss_mb(mode: &str) -> u64 {
    let t = Target::start();
    let env = [("MODE", mode.to_string()), ("BASE_URL", t.base_url())];
    let (code, lines, out) = outcome(Tool::Rk6, BUILD_STRING, &env);
    assert_eq!(code, 0, "{}", out.dump());
    assert!(
        lines.contains(&"info length 20971520".to_string()),
        "{lines:?}"
    );
    if mode == "post" {
        assert!(lines.contains(&"info status 200".to_string()), "{lines:?}");
    }
    out.peak_rss_kb / 1024
}

#[test]
fn repeating_a_20_mib_string_costs_about_its_size() {
    // k6: 57 MB; rk6 held a slice per repetition: 546 MB.
    let mb = peak_rss_mb("repeat");
    assert!(mb < 150, "peak RSS {mb} MB");
}

#[test]
fn joining_20_million_pieces_costs_about_the_result() {
    // k6: 144 MB; rk6 held every piece twice: 1,366 MB.
    let mb = peak_rss_mb("join");
    assert!(mb < 250, "peak RSS {mb} MB");
}

#[test]
fn posting_a_20_mib_body_stays_near_k6() {
    // k6: 185 MB (the target echoes the body back); rk6 was 547 MB.
    let mb = peak_rss_mb("post");
    assert!(mb < 330, "peak RSS {mb} MB");
}
