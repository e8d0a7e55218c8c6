//! Differential tests for WebCrypto (`crypto.subtle`): grafana/k6's own webcrypto examples
//! (`tests/upstream/scripts/webcrypto_*.js`), rk6's edge cases (`webcrypto_edges.js`: wrong
//! usages, bad key data, wrong lengths, each failure's name, message and shape) and interop
//! (`webcrypto_interop.js`: what one tool signs or encrypts, the other verifies or
//! decrypts). Each runs under k6 v1.1 and rk6, comparing exit codes, check counts, console
//! lines (random values masked, JSON keys sorted: k6 prints JWKs in Go's random map order)
//! and error messages. Skipped (passing) without `k6` on PATH.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use common::diff::Diff;
use common::*;
use serde_json::Value;

/// Examples whose every console line is random (compared by count only).
const RANDOM_LINES: &[&str] = &["webcrypto_getRandomValues.js", "webcrypto_randomUUID.js"];

/// Both tools prefix an iteration's unhandled rejection with this; it is left out so the
/// comparison is about WebCrypto's errors, whether a script threw them or let them reject
/// (unhandled rejections themselves are held to k6 by `differential_diagnostics.rs`).
const UNCAUGHT: &str = "Uncaught (in promise) ";

fn upstream_dir() -> PathBuf {
    repo_root().join("tests").join("upstream").join("scripts")
}

/// `<tool> run -q <script>` from the script's directory, with a time limit.
fn run(tool: Tool, script: &Path, env: &[(&str, &str)]) -> Output {
    let dir = script.parent().expect("script dir");
    let mut r = Run::new(tool)
        .args(["run", "-q", "--no-summary"])
        .arg(script.file_name().expect("script name"))
        .cwd(dir)
        .timeout(Duration::from_secs(120));
    for (k, v) in env {
        r = r.arg("-e").arg(format!("{k}={v}"));
    }
    r.output()
}

/// Both tools on `script` at once.
fn run_both(script: &Path, env: &[(&str, &str)]) -> (Output, Output) {
    let (s, e) = (
        script.to_path_buf(),
        env.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>(),
    );
    let k6 = thread::spawn(move || {
        let env: Vec<(&str, &str)> = e.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        run(Tool::K6, &s, &env)
    });
    let rk6 = run(Tool::Rk6, script, env);
    (k6.join().expect("k6 run"), rk6)
}

/// `v` with object keys sorted, recursively.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let by_key: BTreeMap<String, Value> =
                m.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(by_key.into_iter().collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// A console line made comparable: JSON after the first `{` re-serialized with sorted keys;
/// long tokens (keys, signatures, base64), comma-separated byte lists and Go pointers masked.
fn masked(line: &str) -> String {
    let line = match line.find('{') {
        Some(at) => match serde_json::from_str::<Value>(&line[at..]) {
            Ok(v) => format!("{}{}", &line[..at], sorted(v)),
            Err(_) => line.to_string(),
        },
        None => line.to_string(),
    };
    let byte_list = line.matches(',').count() >= 8;
    let mut out = String::new();
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        let random = token.len() >= 20
            || token.starts_with("0xc")
            || (byte_list && !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()));
        out.push_str(if random { "…" } else { token });
        token.clear();
    };
    for c in line.chars() {
        if c.is_ascii_alphanumeric() || "_-+/=".contains(c) {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    // Random DER keys differ in length too: a byte list counts as one value.
    while out.contains("…,…") {
        out = out.replace("…,…", "…");
    }
    out
}

fn console(out: &Output, random: bool) -> Vec<String> {
    let lines = out.console_messages();
    if random {
        return lines.iter().map(|_| "…".to_string()).collect();
    }
    lines.iter().map(|l| masked(l)).collect()
}

fn errors(out: &Output) -> Vec<String> {
    out.error_messages()
        .iter()
        .map(|m| masked(m.strip_prefix(UNCAUGHT).unwrap_or(m)))
        .collect()
}

/// Exit code, console lines and error messages of one script under both tools.
fn compare_script(d: &mut Diff, script: &Path) -> (Output, Output) {
    let name = script
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let random = RANDOM_LINES.contains(&name.as_str());
    let (k6, rk6) = run_both(script, &[]);
    d.check(&format!("{name}: exit code"), k6.code, rk6.code);
    d.check(
        &format!("{name}: console"),
        console(&k6, random),
        console(&rk6, random),
    );
    d.check(&format!("{name}: errors"), errors(&k6), errors(&rk6));
    (k6, rk6)
}

fn finish(d: Diff, k6: &Output, rk6: &Output) {
    let side = |out: &Output| common::diff::Side {
        out: out.clone(),
        export: None,
        iterations_by_scenario: BTreeMap::new(),
    };
    d.finish(&side(k6), &side(rk6));
}

/// All 33 of grafana/k6's webcrypto examples (v1.1.0) log what k6 logs.
#[test]
fn upstream_webcrypto_examples_match_k6() {
    if !k6_available() {
        return;
    }
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(upstream_dir())
        .expect("upstream scripts")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("webcrypto_") && n.ends_with(".js"))
        })
        .collect();
    scripts.sort();
    assert_eq!(
        scripts.len(),
        33,
        "webcrypto examples in tests/upstream/scripts"
    );
    let mut d = Diff::default();
    let mut last = None;
    for script in &scripts {
        last = Some(compare_script(&mut d, script));
    }
    let (k6, rk6) = last.expect("at least one script");
    finish(d, &k6, &rk6);
}

/// Wrong usages, bad key data, wrong lengths and the like fail with k6's names, messages
/// and error shapes.
#[test]
fn webcrypto_failures_match_k6() {
    if !k6_available() {
        return;
    }
    let mut d = Diff::default();
    let (k6, rk6) = compare_script(&mut d, &suite_script("webcrypto_edges.js"));
    d.check("edge cases ran", true, k6.console_messages().len() > 90);
    finish(d, &k6, &rk6);
}

/// The `blob:` line of a `MODE=make` run of the interop script.
fn interop_blob(tool: Tool) -> String {
    let out = run(
        tool,
        &suite_script("webcrypto_interop.js"),
        &[("MODE", "make")],
    );
    out.console_messages()
        .iter()
        .find_map(|l| l.strip_prefix("blob: ").map(str::to_string))
        .unwrap_or_else(|| panic!("no blob line\n{}", out.dump()))
}

/// Checks passed and failed in a `MODE=check` run, from the text summary.
fn interop_checks(tool: Tool, blob: &str) -> (Output, Option<String>) {
    let script = suite_script("webcrypto_interop.js");
    let out = Run::new(tool)
        .args(["run", "-q", "-e", "MODE=check", "-e"])
        .arg(format!("BLOB={blob}"))
        .arg(script.file_name().expect("script name"))
        .cwd(script.parent().expect("script dir"))
        .timeout(Duration::from_secs(120))
        .output();
    let value = out.summary_value("checks_succeeded");
    (out, value)
}

/// Signatures and ciphertexts made by rk6 verify and decrypt in k6, and the other way round;
/// exported PKCS#8 and JWK keys agree.
#[test]
fn webcrypto_signatures_and_ciphertexts_cross_between_k6_and_rk6() {
    if !k6_available() {
        return;
    }
    let mut d = Diff::default();
    let mut last = None;
    for (maker, checker) in [(Tool::Rk6, Tool::K6), (Tool::K6, Tool::Rk6)] {
        let blob = interop_blob(maker);
        let (out, succeeded) = interop_checks(checker, &blob);
        d.check(
            &format!("{} verifies what {} made", checker.name(), maker.name()),
            Some("100.00% 6 out of 6".to_string()),
            succeeded,
        );
        d.check(&format!("{} exit code", checker.name()), 0, out.code);
        last = Some(out);
    }
    let out = last.expect("two runs");
    finish(d, &out, &out);
}

/// `k6/experimental/webcrypto` was removed in k6 v1.1 (WebCrypto is global): importing it
/// fails with k6's message.
#[test]
fn experimental_webcrypto_import_fails_like_k6() {
    if !k6_available() {
        return;
    }
    let dir = Scripts::new();
    let script = dir.write(
        "experimental.js",
        "import { crypto } from 'k6/experimental/webcrypto';\nexport default function () { console.log(typeof crypto); }\n",
    );
    let (k6, rk6) = run_both(&script, &[]);
    let mut d = Diff::default();
    d.check("exit code", k6.code, rk6.code);
    let first = |o: &Output| {
        o.error_messages()
            .first()
            .map(|m| m.lines().next().unwrap_or_default().to_string())
    };
    d.check("error", first(&k6), first(&rk6));
    finish(d, &k6, &rk6);
}
