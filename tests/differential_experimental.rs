//! `k6/experimental/fs`, `k6/experimental/csv` and `k6/experimental/streams` under k6
//! v1.1 and rk6: grafana/k6's own example scripts (`tests/upstream/scripts`) and edge
//! cases (`tests/scripts/experimental`), compared on exit code, check counts, console
//! lines and error lines. Skipped (passing) without `k6` on PATH; every run is bounded by
//! the harness's timeout.
//!
//! Error lines are compared without their stack frames (k6 adds bytecode offsets).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use common::*;

/// What one tool's run showed.
#[derive(Debug, PartialEq)]
struct Outcome {
    code: i32,
    checks: BTreeMap<String, (u64, u64)>,
    console: Vec<String>,
    errors: Vec<String>,
}

/// `tool run -q --summary-export` of `script`, from `dir`.
fn run(tool: Tool, dir: &Path, script: &str, limit: Duration) -> Outcome {
    let exports = Scripts::new();
    let export = exports.path(&format!("{}.json", tool.name()));
    let out = Run::new(tool)
        .args(["run", "-q", "--summary-export"])
        .arg(&export)
        .arg(script)
        .cwd(dir)
        .timeout(limit)
        .output();
    let checks = if export.exists() {
        Export::read(&export).checks()
    } else {
        BTreeMap::new()
    };
    Outcome {
        code: out.code,
        checks,
        console: out.console_messages(),
        errors: out.error_messages().iter().map(|m| error_text(m)).collect(),
    }
}

/// An error line's message without the stack.
fn error_text(msg: &str) -> String {
    msg.split("\n\tat ")
        .next()
        .unwrap_or(msg)
        .trim_end()
        .to_string()
}

/// Runs `script` under k6 and rk6 at once; `None` without k6.
fn pair(dir: &Path, script: &str, limit: Duration) -> Option<(Outcome, Outcome)> {
    if !k6_available() {
        return None;
    }
    Some(thread::scope(|s| {
        let k = s.spawn(|| run(Tool::K6, dir, script, limit));
        let r = s.spawn(|| run(Tool::Rk6, dir, script, limit));
        (k.join().expect("k6 run"), r.join().expect("rk6 run"))
    }))
}

fn upstream_dir() -> PathBuf {
    repo_root().join("tests/upstream/scripts")
}

fn edge_dir() -> PathBuf {
    repo_root().join("tests/scripts/experimental")
}

/// Asserts the same outcome, printing both when they differ.
fn assert_same(script: &str, k6: &Outcome, rk6: &Outcome) {
    assert_eq!(
        rk6, k6,
        "{script}: rk6 (left) vs k6 (right)\nrk6: {rk6:#?}\nk6: {k6:#?}"
    );
}

/// Runs `script` under both tools and asserts the same outcome; k6's, for more checks
/// (`None` without k6).
fn same_as_k6(dir: &Path, script: &str, limit: Duration) -> Option<Outcome> {
    let (k6, rk6) = pair(dir, script, limit)?;
    assert_same(script, &k6, &rk6);
    Some(k6)
}

const SHORT: Duration = Duration::from_secs(40);

#[test]
fn upstream_fs_example_reads_the_file_in_every_vu_like_k6() {
    let Some(k6) = same_as_k6(&upstream_dir(), "fs.js", SHORT) else {
        return;
    };
    assert_eq!(k6.code, 0, "{k6:#?}");
}

#[test]
fn upstream_csv_parse_example_logs_the_same_records_as_k6() {
    let Some(k6) = same_as_k6(&upstream_dir(), "csv-parse.js", SHORT) else {
        return;
    };
    assert_eq!(k6.console.len(), 10, "{k6:#?}");
}

#[test]
fn upstream_csv_parser_example_logs_the_same_rows_as_k6() {
    let Some(k6) = same_as_k6(&upstream_dir(), "csv-parser.js", SHORT) else {
        return;
    };
    assert_eq!(k6.console.len(), 10, "{k6:#?}");
}

#[test]
fn upstream_streams_example_receives_numbers_from_timers_like_k6() {
    let limit = Duration::from_secs(60);
    let Some(k6) = same_as_k6(&upstream_dir(), "streams.js", limit) else {
        return;
    };
    assert_eq!(k6.console.last().map(String::as_str), Some("we are done"));
}

#[test]
fn fs_reads_seeks_and_errors_match_k6() {
    same_as_k6(&edge_dir(), "fs_edges.js", SHORT);
}

#[test]
fn csv_options_parsers_and_errors_match_k6() {
    same_as_k6(&edge_dir(), "csv_edges.js", SHORT);
}

#[test]
fn csv_constructor_and_option_errors_match_k6() {
    let Some(k6) = same_as_k6(&edge_dir(), "csv_errors.js", SHORT) else {
        return;
    };
    assert_eq!(k6.code, 0, "{k6:#?}");
}

#[test]
fn streams_readers_strategies_and_errors_match_k6() {
    same_as_k6(&edge_dir(), "streams_edges.js", SHORT);
}

#[test]
fn files_and_records_are_shared_by_vus_with_their_own_offsets_like_k6() {
    let Some(k6) = same_as_k6(&edge_dir(), "shared_across_vus.js", SHORT) else {
        return;
    };
    assert_eq!(k6.checks.values().map(|c| c.1).sum::<u64>(), 0, "{k6:#?}");
}

/// A rejected `open()` awaited at the top level fails the init like k6: exit 107 and
/// the NotFoundError's text.
#[test]
fn a_missing_file_awaited_in_init_fails_the_script_like_k6() {
    let (dir, _) = script(
        "missing.js",
        "import { open } from 'k6/experimental/fs';\nawait open('missing.txt');\nexport default function () {}\n",
    );
    let Some(k6) = same_as_k6(dir.dir(), "missing.js", SHORT) else {
        return;
    };
    assert_eq!(k6.code, 107, "{k6:#?}");
}

/// Errors of the fs module that an async iteration does not catch are logged as k6 logs
/// unhandled rejections ("Uncaught (in promise) TypeError: ..."); the run goes on.
#[test]
fn uncaught_fs_errors_in_iterations_are_logged_like_k6() {
    let (dir, _) = script(
        "uncaught.js",
        r#"import { open, SeekMode } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';
export const options = { iterations: 3 };
const file = await open('uncaught.js');
export default async function () {
  if (__ITER === 0) await file.seek(-1, SeekMode.Start);
  if (__ITER === 1) await open('uncaught.js');
  if (__ITER === 2) await file.read(new Uint16Array(1));
}
"#,
    );
    let Some(k6) = same_as_k6(dir.dir(), "uncaught.js", SHORT) else {
        return;
    };
    assert_eq!(k6.errors.len(), 3, "{k6:#?}");
    assert!(k6.errors[0].starts_with("Uncaught (in promise) TypeError: offset"));
}

/// `import { scenario, vu } from 'k6/execution'` (k6's csv-parse example) binds views
/// that read the current iteration's values, as k6's bindings do.
#[test]
fn named_imports_of_k6_execution_read_live_values_like_k6() {
    let (dir, _) = script(
        "named.js",
        r#"import { scenario, vu, instance } from 'k6/execution';
export const options = { iterations: 3 };
export default function () {
  console.log(scenario.iterationInTest, vu.idInTest, vu.iterationInInstance, instance.vusInitialized, 'name' in scenario, Object.keys(scenario).sort().join(','));
}
"#,
    );
    let Some(k6) = same_as_k6(dir.dir(), "named.js", SHORT) else {
        return;
    };
    assert_eq!(k6.console.len(), 3, "{k6:#?}");
}
