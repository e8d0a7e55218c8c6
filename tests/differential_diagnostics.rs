//! Diagnostics that used to vanish (issue 24, item 8), under k6 v1.1 and rk6: unhandled
//! promise rejections in every phase, `handleSummary` results k6 refuses, and runaway
//! recursion. Each case carries what k6 printed when measured, so rk6 is held to it even
//! without k6; with `k6` on PATH both tools must also agree line for line (fields included),
//! on the exit code, the iterations counted and the files written. Runaway recursion is
//! rk6-only: k6 never ends it (it grows to GBs until killed).

mod common;

use std::time::Duration;

use common::*;

/// What one run showed.
#[derive(Debug, PartialEq)]
struct Seen {
    code: i32,
    /// Error, warning and console lines as logged, fields included, without the time, with the
    /// script's directory as `DIR` and without k6's bytecode offsets.
    lines: Vec<String>,
    /// `iterations` of the summary export, when one was written.
    iterations: Option<f64>,
    /// Files the run wrote next to the script (name, content), the export left out.
    files: Vec<(String, String)>,
    /// Whether `sum.json` (`--summary-export`) was written.
    exported: bool,
    /// stdout without the default summary's banner lines, and whether that summary was there.
    stdout: String,
    summary: bool,
}

fn seen(tool: Tool, src: &str) -> Seen {
    let (dir, _) = script("s.js", src);
    let out = Run::new(tool)
        .args([
            "run",
            "-q",
            "--no-color",
            "--summary-export",
            "sum.json",
            "s.js",
        ])
        .cwd(dir.dir())
        .timeout(Duration::from_secs(30))
        .output();
    let lines = out
        .log_lines()
        .into_iter()
        .filter(|l| l.level == "error" || l.level == "warning" || l.raw.ends_with("source=console"))
        .map(|l| {
            let line = l.raw[l.raw.find(" level=").unwrap_or(0) + 1..].to_string();
            without_k6_offsets(&line.replace(&file_url(dir.dir()), "DIR"))
                .replace(&arg(dir.dir()), "DIR")
        })
        .collect();
    let export = dir.path("sum.json");
    let iterations = export
        .exists()
        .then(|| Export::read(&export))
        .and_then(|e| e.json["metrics"]["iterations"]["count"].as_f64());
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir.dir())
        .expect("script dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "s.js" && n != "sum.json")
        .map(|n| {
            let body = std::fs::read(dir.path(&n)).unwrap_or_default();
            (n, String::from_utf8_lossy(&body).into_owned())
        })
        .collect();
    files.sort();
    let summary = out.stdout.contains("TOTAL RESULTS");
    Seen {
        code: out.code,
        lines,
        iterations,
        files,
        exported: export.exists(),
        stdout: if summary { String::new() } else { out.stdout },
        summary,
    }
}

/// Runs `src` under rk6 (and k6 when present, which must agree); returns rk6's.
fn like_k6(src: &str, what: &str) -> Seen {
    let rk6 = seen(Tool::Rk6, src);
    if k6_available() {
        let k6 = seen(Tool::K6, src);
        assert_eq!(rk6, k6, "rk6 (left) vs k6 (right) for {what}\n{src}");
    } else {
        eprintln!("skipping the k6 half: k6 not installed");
    }
    rk6
}

const ITERATION: &str = "executor=shared-iterations scenario=default";

/// One unhandled-rejection case: the script, then k6's exit code, error lines (without
/// `level=error msg=`) and iterations.
struct Rejection {
    what: &'static str,
    src: &'static str,
    code: i32,
    errors: &'static [&'static str],
    iterations: Option<f64>,
}

const REJECTIONS: &[Rejection] = &[
    Rejection {
        what: "a rejection in default, per iteration",
        src: "export const options = { iterations: 2 };\nexport default function () {\n  Promise.reject(new Error('boom'));\n}\n",
        code: 0,
        errors: &[
            r#""Uncaught (in promise) Error: boom\n\tat default (DIR/s.js:3:18)\n" ITER"#,
            r#""Uncaught (in promise) Error: boom\n\tat default (DIR/s.js:3:18)\n" ITER"#,
        ],
        iterations: Some(2.0),
    },
    Rejection {
        what: "a rejection in an async default, after its await",
        src: "export const options = { iterations: 1 };\nexport default async function () {\n  Promise.reject(new Error('boom'));\n  await null;\n  console.log('after');\n}\n",
        code: 0,
        errors: &[r#""Uncaught (in promise) Error: boom\n\tat default (DIR/s.js:3:18)\n" ITER"#],
        iterations: Some(1.0),
    },
    Rejection {
        what: "an async default that throws",
        src: "export const options = { iterations: 1 };\nexport default async function () {\n  throw new Error('late');\n}\n",
        code: 0,
        errors: &[r#""Uncaught (in promise) Error: late\n\tat default (DIR/s.js:3:9)\n" ITER"#],
        iterations: Some(1.0),
    },
    Rejection {
        what: "a non-Error value",
        src: "export const options = { iterations: 1 };\nexport default function () {\n  Promise.reject(42);\n  console.log('after');\n}\n",
        code: 0,
        errors: &[r#""Uncaught (in promise) 42" ITER"#],
        iterations: Some(1.0),
    },
    Rejection {
        what: "a plain object, rejected from a timer",
        src: "export const options = { iterations: 1 };\nexport default function () {\n  setTimeout(() => Promise.reject({ a: 1 }), 10);\n}\n",
        code: 0,
        errors: &[r#""Uncaught (in promise) [object Object]" ITER"#],
        iterations: Some(1.0),
    },
    Rejection {
        what: "a rejection handled in the same turn",
        src: "export const options = { iterations: 2 };\nexport default function () {\n  const p = Promise.reject(new Error('boom'));\n  p.catch((e) => console.log('caught', e.message));\n}\n",
        code: 0,
        errors: &[],
        iterations: Some(2.0),
    },
    Rejection {
        what: "a rejected promise returned after being handled",
        src: "export const options = { iterations: 1 };\nexport default function () {\n  const p = Promise.reject(new Error('boom'));\n  p.catch(() => {});\n  return p;\n}\n",
        code: 0,
        errors: &[],
        iterations: Some(1.0),
    },
    Rejection {
        what: "a rejection in setup",
        src: "export const options = { iterations: 1 };\nexport function setup() {\n  Promise.reject(new Error('boom'));\n}\nexport default function () {}\n",
        code: 255,
        errors: &[r#""Uncaught (in promise) Error: boom\n\tat setup (DIR/s.js:3:18)\n""#],
        iterations: None,
    },
    Rejection {
        what: "a rejection in teardown",
        src: "export const options = { iterations: 1 };\nexport default function () {}\nexport function teardown() {\n  Promise.reject(new Error('boom'));\n}\n",
        code: 255,
        errors: &[r#""Uncaught (in promise) Error: boom\n\tat teardown (DIR/s.js:4:18)\n""#],
        iterations: Some(1.0),
    },
    Rejection {
        what: "a rejection in the init code",
        src: "export const options = { iterations: 1 };\nPromise.reject(new Error('boom'));\nexport default function () {}\n",
        code: 255,
        errors: &[r#""could not initialize 's.js': could not load JS test 'DIR/s.js': Uncaught (in promise) Error: boom\n\tat DIR/s.js:2:16\n""#],
        iterations: None,
    },
    Rejection {
        what: "a rejection in handleSummary, whose result is still written",
        src: "export const options = { iterations: 1 };\nexport default function () {}\nexport function handleSummary() {\n  Promise.reject(new Error('boom'));\n  return { stdout: 'written\\n' };\n}\n",
        code: 0,
        errors: &[r#""Uncaught (in promise) Error: boom\n\tat handleSummary (DIR/s.js:4:18)\n""#],
        iterations: None,
    },
];

/// k6's event loop reports a rejection nobody handled once everything queued has run:
/// per iteration (which still counts), as a plain error in setup, teardown and init (exit
/// 255, no hint), and a rejection handled in the same turn is never reported.
#[test]
fn unhandled_rejections_are_reported_like_k6() {
    for case in REJECTIONS {
        let rk6 = like_k6(case.src, case.what);
        let errors: Vec<String> = rk6
            .lines
            .iter()
            .filter_map(|l| l.strip_prefix("level=error msg="))
            .map(|l| l.replace(ITERATION, "ITER"))
            .collect();
        assert_eq!(rk6.code, case.code, "{}: {rk6:#?}", case.what);
        assert_eq!(errors, case.errors, "{}: {rk6:#?}", case.what);
        if case.code == 0 && case.iterations.is_some() {
            assert_eq!(rk6.iterations, case.iterations, "{}", case.what);
        }
    }
}

/// `handleSummary` values k6 refuses, with the Go type it names for each, and what is
/// written then: nothing at all, not even `--summary-export`.
const REFUSED: &[(&str, &str, &str)] = &[
    ("{ stdout: 42 }", "stdout", "int64"),
    ("{ stdout: 2 ** 53 }", "stdout", "int64"),
    ("{ stdout: 1.5 }", "stdout", "float64"),
    ("{ stdout: -0 }", "stdout", "float64"),
    ("{ stdout: true }", "stdout", "bool"),
    ("{ stdout: null }", "stdout", "<nil>"),
    ("{ stdout: undefined }", "stdout", "<nil>"),
    ("{ stdout: [1, 2] }", "stdout", "[]interface {}"),
    (
        "{ 'file.txt': { a: 1 } }",
        "file.txt",
        "map[string]interface {}",
    ),
    (
        "{ stdout: () => 1 }",
        "stdout",
        "func(sobek.FunctionCall) sobek.Value",
    ),
    ("{ stdout: new Date(0) }", "stdout", "time.Time"),
    ("{ stdout: new Map() }", "stdout", "[][2]interface {}"),
    ("{ stdout: 10n }", "stdout", "*big.Int"),
    ("{ 'x.bin': new Int8Array(1) }", "x.bin", "[]int8"),
    ("{ 'x.bin': new Float64Array(1) }", "x.bin", "[]float64"),
    ("{ stdout: Promise.resolve(1) }", "stdout", "*sobek.Promise"),
    (
        "{ 'a.txt': 'A', stdout: 42, 'b.txt': 'B' }",
        "stdout",
        "int64",
    ),
];

#[test]
fn handle_summary_values_k6_refuses_are_reported_like_k6() {
    for (value, key, go_type) in REFUSED {
        let src = format!(
            "export const options = {{ iterations: 1 }};\nexport default function () {{}}\nexport function handleSummary() {{ return {value}; }}\n"
        );
        let rk6 = like_k6(&src, value);
        let expected = format!(
            r#"level=error msg="failed to handle the end-of-test summary" error="error handling summary object {key}: invalid type {go_type}, it needs to be a string or ArrayBuffer""#
        );
        assert_eq!(rk6.code, 0, "{value}");
        assert_eq!(rk6.lines, vec![expected], "{value}");
        assert_eq!(rk6.files, Vec::<(String, String)>::new(), "{value}");
        assert!(
            !rk6.exported && !rk6.summary && rk6.stdout.is_empty(),
            "{value}: {rk6:#?}"
        );
    }
}

/// What k6 accepts or treats specially: binary values (the bytes of a view only), a
/// symbol (its description), a falsy result (the default summary), a result that is not a
/// plain object (an error, nothing written), an object with no enumerable keys.
#[test]
fn handle_summary_results_k6_accepts_are_written_like_k6() {
    /// A returned value; the files then written, stdout, and whether the default summary
    /// was printed.
    type Written = (&'static [(&'static str, &'static str)], &'static str, bool);
    let cases: &[(&str, Written)] = &[
        (
            "{ 'u8.bin': new Uint8Array([65, 66]) }",
            (&[("u8.bin", "AB")], "", false),
        ),
        (
            "{ 'ab.bin': new Uint8Array([67]).buffer }",
            (&[("ab.bin", "C")], "", false),
        ),
        (
            "{ stdout: new Uint8Array([65, 66, 10]).subarray(1) }",
            (&[], "B\n", false),
        ),
        (
            "{ stdout: Symbol('sym'), 'a.txt': 'A' }",
            (&[("a.txt", "A")], "sym", false),
        ),
        ("null", (&[], "", true)),
        ("0", (&[], "", true)),
        ("{}", (&[], "", false)),
    ];
    for (value, (files, stdout, summary)) in cases {
        let src = format!(
            "export const options = {{ iterations: 1 }};\nexport default function () {{}}\nexport function handleSummary() {{ return {value}; }}\n"
        );
        let rk6 = like_k6(&src, value);
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_string()))
            .collect();
        assert_eq!((rk6.code, &rk6.files), (0, &files), "{value}");
        assert_eq!(
            (rk6.stdout.as_str(), rk6.summary),
            (*stdout, *summary),
            "{value}"
        );
        assert!(rk6.lines.is_empty(), "{value}: {:?}", rk6.lines);
    }
    for value in ["5", "'text'", "['a']", "new Date(0)"] {
        let src = format!(
            "export const options = {{ iterations: 1 }};\nexport default function () {{}}\nexport function handleSummary() {{ return {value}; }}\n"
        );
        let rk6 = like_k6(&src, value);
        assert_eq!(
            rk6.lines,
            vec![
                r#"level=error msg="failed to handle the end-of-test summary" error="handleSummary() should return a map with string keys""#
            ],
            "{value}"
        );
        assert!(!rk6.exported, "{value}");
    }
}

/// Runaway recursion is stopped with a RangeError naming where it recursed, in the init
/// code (ES module and CommonJS: exit 107 like any init exception), in setup (107) and per
/// iteration (logged, the run goes on). k6 never ends these runs, so there is nothing to
/// compare; the runs must end quickly.
#[test]
fn runaway_recursion_is_a_range_error_naming_the_place() {
    let rec = "function f() { return f(); }\n";
    let cases = [
        (format!("{rec}f();\nexport default function () {{}}\n"), 107, "at f (DIR/s.js:1:24)", "hint=\"script exception\""),
        (format!("{rec}f();\nmodule.exports.default = function () {{}};\n"), 107, "at f (DIR/s.js:1:", "hint=\"script exception\""),
        (format!("{rec}export function setup() {{ f(); }}\nexport default function () {{}}\n"), 107, "at f (DIR/s.js:1:24)", "hint=\"script exception\""),
        (format!("export const options = {{ iterations: 2 }};\n{rec}export default function () {{ f(); }}\n"), 0, "at f (DIR/s.js:2:24)", "source=stacktrace"),
    ];
    for (src, code, frame, field) in cases {
        let out = seen(Tool::Rk6, &src);
        assert_eq!(out.code, code, "{src}\n{out:#?}");
        let errors: Vec<&String> = out
            .lines
            .iter()
            .filter(|l| l.starts_with("level=error"))
            .collect();
        assert_eq!(
            errors.len(),
            if code == 0 { 2 } else { 1 },
            "{src}\n{out:#?}"
        );
        for e in errors {
            assert!(
                e.starts_with(
                    r#"level=error msg="RangeError: Maximum call stack size exceeded\n\t"#
                ) && e.contains(frame)
                    && e.ends_with(field),
                "{src}\n{e}"
            );
        }
        if code == 0 {
            assert_eq!(out.iterations, Some(2.0));
        }
    }
}

/// Global timers an iteration leaves behind when it ends early (an exception, a rejection,
/// gracefulStop) are each reported, in the order they were due, under k6's ids: they count
/// up from 1 for the VU's whole life. A socket's own timers are not reported.
#[test]
fn timers_lost_to_an_early_end_are_reported_like_k6() {
    let thrown = "export const options = { iterations: 2 };
export default function () {
  const a = setTimeout(() => {}, 1); const b = setInterval(() => {}, 100000); clearInterval(b);
  console.log(a, b);
  setInterval(() => {}, 100000);
  setTimeout(() => {}, 100000);
  if (__ITER === 0) throw new Error('x');
  Promise.reject(1);
}
";
    let rk6 = like_k6(thrown, "timers left by a throw and a rejection");
    let warnings: Vec<&str> = rk6
        .lines
        .iter()
        .filter_map(|l| l.strip_prefix("level=warning msg="))
        .collect();
    let lost = |name: &str, id: u32| {
        format!("\"{name} {id} was stopped because the VU iteration was interrupted\"")
    };
    assert_eq!(
        warnings,
        [
            lost("setTimeout", 1),
            lost("setInterval", 3),
            lost("setTimeout", 4),
            lost("setTimeout", 5),
            lost("setInterval", 7),
            lost("setTimeout", 8),
        ],
        "{rk6:#?}"
    );
    let stopped = "export const options = { scenarios: { s: { executor: 'shared-iterations',
  maxDuration: '1s', iterations: 1, gracefulStop: '1s' } } };
export default function () { setTimeout(() => console.log('never'), 3000); }
";
    let rk6 = like_k6(stopped, "a timer left at gracefulStop");
    assert!(
        rk6.lines
            .contains(&format!("level=warning msg={}", lost("setTimeout", 1))),
        "{rk6:#?}"
    );
}
