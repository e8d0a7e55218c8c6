//! Differential tests for k6 options that change what a test does rather than what it
//! reports: `rps`, `minIterationDuration`, `blockHostnames`/`blacklistIPs`/`localIPs`, the
//! logging flags, unknown and odd option values, and flags that k6 refuses. Each runs the
//! same script or flags under k6 v1.1 and rk6; nothing k6 honours may be silently ignored.
//! Skipped (passing) without `k6` on PATH.

mod common;

use common::diff::*;
use common::*;

const RPS: &str = r#"
import http from 'k6/http';
export const options = { vus: 10, duration: '3s', OPTS };
export default function () { http.get(`${__ENV.BASE_URL}/get`); }
"#;

/// `rps` caps all VUs together, from every source k6 reads it from.
#[test]
fn rps_caps_requests_from_every_source_like_k6() {
    if !k6_available() {
        return;
    }
    let t = Target::start();
    let sources: [(&str, &str, &[&str]); 4] = [
        ("options", "rps: 5", &[]),
        ("env", "tags: {}", &["-e", "UNUSED=1"]),
        ("flag", "tags: {}", &["--rps", "5"]),
        ("config", "tags: {}", &["-c", "rps.json"]),
    ];
    for (source, opts, args) in sources {
        let (dir, path) = script("rps.js", &RPS.replace("OPTS", opts));
        dir.write("rps.json", r#"{"rps": 5}"#);
        let run = |tool: Tool| {
            let mut r = Run::new(tool)
                .target(&t)
                .args(["run", "-q"])
                .args(args.iter());
            if source == "env" {
                r = r.env("K6_RPS", "5");
            }
            r.arg(&path).cwd(dir.dir()).output()
        };
        let (k6, rk6) = std::thread::scope(|s| {
            let k = s.spawn(|| run(Tool::K6));
            let r = run(Tool::Rk6);
            (k.join().expect("k6 run"), r)
        });
        let count = |o: &Output| -> f64 {
            o.summary_value("http_reqs")
                .and_then(|v| v.split_whitespace().next().map(str::to_string))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no http_reqs\n{}", o.dump()))
        };
        let (k, r) = (count(&k6), count(&rk6));
        assert!(k < 40.0, "{source}: k6 is not capped: {k}\n{}", k6.dump());
        assert!(
            (r - k).abs() <= (k * 0.05).max(1.0),
            "{source}: rk6 sent {r} requests where k6 sent {k}\n{}",
            rk6.dump()
        );
    }
}

/// `minIterationDuration` pads iterations without counting the wait in
/// `iteration_duration`.
#[test]
fn min_iteration_duration_pads_iterations_like_k6() {
    let (_dir, path) = script(
        "min.js",
        "export const options = { vus: 1, duration: '3s', minIterationDuration: '700ms' };\nexport default function () {}\n",
    );
    let Some((k6, rk6)) = run_pair_if_k6(&path, &["-q"]) else {
        return;
    };
    let mut d = Diff::default();
    let (ke, re) = exports(&k6, &rk6);
    d.check(
        "iterations",
        ke.num("iterations", "count"),
        re.num("iterations", "count"),
    );
    d.check(
        "iteration_duration leaves the padding out",
        ke.num("iteration_duration", "avg") < 100.0,
        re.num("iteration_duration", "avg") < 100.0,
    );
    d.finish(&k6, &rk6);
}

fn run_pair_if_k6(path: &std::path::Path, args: &[&str]) -> Option<(Side, Side)> {
    if !k6_available() {
        return None;
    }
    let t = Target::start();
    Some(run_pair(&t, path, args))
}

/// Blocked names (1111) and blacklisted addresses (1110) on requests, redirect hops,
/// batch items and WebSockets; `localIPs` source addresses per VU.
#[test]
fn dial_policy_matches_k6() {
    let Some((k6, rk6)) = run_suite_pair(
        "dial_policy.js",
        &["-q", "--local-ips", "127.0.0.2-127.0.0.3"],
    ) else {
        return;
    };
    let mut d = Diff::default();
    compare_all_checks_pass(&mut d, &k6, &rk6);
    let warnings = |o: &Output| -> Vec<String> {
        let mut w: Vec<String> = o
            .log_lines()
            .into_iter()
            .filter(|l| l.level == "warning")
            // rk6 lower-cases a URL's host as WHATWG URLs do; k6 keeps it as written.
            .map(|l| {
                l.raw
                    .split_once(" level=")
                    .map(|(_, r)| r.to_ascii_lowercase())
                    .unwrap_or_default()
            })
            .collect();
        w.sort();
        w
    };
    d.check(
        "Request Failed warnings",
        warnings(&k6.out),
        warnings(&rk6.out),
    );
    d.finish(&k6, &rk6);
}

/// Replaces log timestamps (`time="…"`, `"time":"…"`) so two runs compare equal.
fn mask_times(text: &str) -> String {
    let mut out = text.to_string();
    for open in ["time=\"", "\"time\":\""] {
        let mut from = 0;
        while let Some(at) = out[from..].find(open) {
            let start = from + at + open.len();
            let Some(len) = out[start..].find('"') else {
                break;
            };
            out.replace_range(start..start + len, "T");
            from = start + 1;
        }
    }
    out
}

/// `tool run -q --no-summary ARGS script.js` from a fresh directory holding `src` and
/// `files`; the directory is returned so the caller can read what the run wrote there.
fn run_quiet(tool: Tool, src: &str, args: &[&str], files: &[(&str, &str)]) -> (Scripts, Output) {
    let (dir, path) = script("script.js", src);
    for (name, text) in files {
        dir.write(name, text);
    }
    let out = Run::new(tool)
        .args(["run", "-q", "--no-summary"])
        .args(args.iter())
        .arg(&path)
        .cwd(dir.dir())
        .output();
    (dir, out)
}

const LOGS: &str = r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  console.log('hello world');
  console.log({ a: 1, b: 'x' });
  console.warn('a warning');
  console.error('an error');
  http.get('http://127.0.0.1:1/nope');
}
"#;

/// `--log-format`, `--log-output` and `--console-output`: the same lines, fields and files.
#[test]
fn log_formats_and_destinations_match_k6() {
    if !k6_available() {
        return;
    }
    let cases: [&[&str]; 7] = [
        &["--log-format", "json"],
        &["--log-format", "raw"],
        &["--log-format", "xml"],
        &["--log-output", "none"],
        &["--log-output", "file=out.log,level=warning"],
        &["--log-format", "json", "--log-output", "file=out.log"],
        &["--console-output", "console.log"],
    ];
    for args in cases {
        let run = |tool: Tool| {
            let (dir, out) = run_quiet(tool, LOGS, args, &[("out.log", "kept\n")]);
            let file = |name: &str| std::fs::read_to_string(dir.path(name)).unwrap_or_default();
            (
                out.code,
                mask_times(&out.stderr),
                mask_times(&file("out.log")),
                mask_times(&file("console.log")),
            )
        };
        let (k6, rk6) = std::thread::scope(|s| {
            let k = s.spawn(|| run(Tool::K6));
            (k.join().expect("k6 run"), run(Tool::Rk6))
        });
        assert_eq!(
            rk6, k6,
            "rk6 (left) vs k6 (right) for {args:?}: exit, stderr, log file, console file"
        );
    }
}

const PLAIN: &str = "export const options = { iterations: 1 };\nexport default function () {}\n";

/// Flag values k6 refuses: the same exit code and message.
#[test]
fn refused_flag_values_match_k6() {
    if !k6_available() {
        return;
    }
    let cases: [&[&str]; 12] = [
        &["--local-ips", "bogus"],
        &["--local-ips", "127.0.0.3-127.0.0.2"],
        &["--blacklist-ip", "127.0.0.1"],
        &["--block-hostnames", "a.*.com"],
        &["--traces-output", "bogus"],
        &["--compatibility-mode", "bogus"],
        &["--log-output", "bogus"],
        &["--log-output", "file"],
        &["--log-output", "file=x.log,foo=1"],
        &["--console-output", "/nonexistent/dir/c.log"],
        &["-t", "bogus"],
        &["--rps", "abc"],
    ];
    for args in cases {
        let run = |tool: Tool| {
            let (_dir, out) = run_quiet(tool, PLAIN, args, &[]);
            (out.code, out.error_messages())
        };
        let (k6, rk6) = (run(Tool::K6), run(Tool::Rk6));
        assert_eq!(rk6.0, k6.0, "exit code for {args:?}: rk6 {rk6:?} k6 {k6:?}");
        if args[0] != "--rps" && args[0] != "-t" {
            assert_eq!(rk6.1, k6.1, "error lines for {args:?}");
        }
    }
}

/// Accepted flags whose effect is invisible or refused loudly are still accepted (exit 0).
#[test]
fn accepted_ci_flags_match_k6() {
    if !k6_available() {
        return;
    }
    let cases: [&[&str]; 8] = [
        &["--no-usage-report"],
        &["--compatibility-mode", "base"],
        &["--traces-output", "none"],
        &["-t", "js"],
        &["--profiling-enabled"],
        &["--batch", "5", "--batch-per-host", "2"],
        &["--no-vu-connection-reuse"],
        &["-p", "--address", ""],
    ];
    for args in cases {
        if args[0] == "-p" {
            continue; // paused without an API never resumes, under both tools
        }
        let run = |tool: Tool| run_quiet(tool, PLAIN, args, &[]).1.code;
        assert_eq!(run(Tool::Rk6), run(Tool::K6), "exit code for {args:?}");
    }
}

/// Unknown options warn with k6's text, naming the first sorted unknown key; a BigInt is a
/// number; `base` mode has no `global`.
#[test]
fn unknown_options_and_odd_values_match_k6() {
    let src = r#"
export const options = { vus: 2n, zeta: 1, alpha: 2, iterations: 4 };
export default function () { console.log(`typeof global: ${typeof global}`); }
"#;
    let (_dir, path) = script("odd.js", src);
    let Some((k6, rk6)) = run_pair_if_k6(&path, &["-q", "--compatibility-mode", "base"]) else {
        return;
    };
    let mut d = Diff::default();
    let lines = |s: &Side| -> Vec<String> {
        let mut l: Vec<String> = s
            .out
            .log_lines()
            .into_iter()
            .map(|l| mask_times(&l.raw))
            .collect();
        l.sort();
        l
    };
    d.check("log lines", lines(&k6), lines(&rk6));
    d.check("exit", k6.out.code, rk6.out.code);
    d.finish(&k6, &rk6);
}

/// A function in options is an error under both (k6 exits 255).
#[test]
fn a_function_in_options_is_refused_like_k6() {
    let src = "export const options = { iterations: 1, foo: function () {} };\nexport default function () {}\n";
    let (_dir, path) = script("fn.js", src);
    let Some((k6, rk6)) = run_pair_if_k6(&path, &["-q"]) else {
        return;
    };
    assert_eq!(
        rk6.out.code,
        k6.out.code,
        "{}\n{}",
        rk6.out.dump(),
        k6.out.dump()
    );
    rk6.out.assert_stderr_has("json: unsupported type");
}

const SECRETS: &str = r#"
import secrets from 'k6/secrets';
export const options = { iterations: 1 };
const show = async (what, p) => {
  try { console.log(`${what}: ${(await p).length} chars`); } catch (e) { console.log(`${what}: ${e}`); }
};
export default async function () {
  await show('default', secrets.get('k'));
  await show('missing', secrets.get('nope'));
  for (const name of ['a', 'b', 'file', 'mock', 'default']) {
    await show(`source ${name}`, secrets.source(name).get('k'));
  }
}
"#;

/// Every `--secret-source` form k6 accepts: which source is the default, which names
/// exist, the rejection texts, and k6's startup errors (exit 255).
#[test]
fn secret_source_forms_match_k6() {
    if !k6_available() {
        return;
    }
    let cases: [&[&str]; 11] = [
        &[],
        &["--secret-source", "file=s.txt"],
        &["--secret-source", "file=name=a,filename=s.txt"],
        &["--secret-source", "mock=k=mockvalue,k2=x"],
        &[
            "--secret-source",
            "mock=name=b,k=mockb",
            "--secret-source",
            "file=name=a,s.txt",
        ],
        &[
            "--secret-source",
            "mock=name=b,default,k=mockb",
            "--secret-source",
            "file=name=a,s.txt",
        ],
        &["--secret-source", "file=missing.txt"],
        &["--secret-source", "bogus=x"],
        &["--secret-source", "file"],
        &["--secret-source", "file=s.txt,foo=1"],
        &["--secret-source", "mock=k"],
    ];
    for args in cases {
        let run = |tool: Tool| {
            let files = [("s.txt", "k=fromfile\nother=1\n")];
            let (_dir, out) = run_quiet(tool, SECRETS, args, &files);
            let lines: Vec<String> = out
                .log_lines()
                .into_iter()
                .map(|l| format!("{} {}", l.level, l.msg))
                .collect();
            (out.code, lines)
        };
        let (k6, rk6) = std::thread::scope(|s| {
            let k = s.spawn(|| run(Tool::K6));
            (k.join().expect("k6 run"), run(Tool::Rk6))
        });
        assert_eq!(rk6, k6, "rk6 (left) vs k6 (right) for {args:?}");
    }
}

/// `--address` on a port already taken: "Error from API server" naming the address, exit
/// 106, as k6.
#[test]
fn a_rest_api_port_in_use_fails_like_k6() {
    if !k6_available() {
        return;
    }
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let run = |tool: Tool| {
        let (_dir, out) = run_quiet(tool, PLAIN, &["--address", &addr], &[]);
        let lines: Vec<String> = out
            .log_lines()
            .into_iter()
            .map(|l| mask_times(&l.raw))
            .collect();
        (out.code, lines)
    };
    assert_eq!(run(Tool::Rk6), run(Tool::K6), "rk6 (left) vs k6 (right)");
}

/// Settings k6 takes from outside the script's `options`: its default config file
/// (`~/.config/k6/config.json`), a config file's `out`, and `executionSegment` in the
/// script. Same iteration counts and output files under both.
#[test]
fn config_file_settings_and_script_segments_match_k6() {
    if !k6_available() {
        return;
    }
    let plain = "export default function () {}\n";
    let segmented = "export const options = { vus: 2, iterations: 10, executionSegment: '0:1/2', executionSegmentSequence: '0,1/2,1' };\nexport default function () {}\n";
    type Case<'a> = (&'a str, &'a str, &'a [&'a str]);
    let cases: [Case; 3] = [
        ("default config file", plain, &[]),
        ("config out", plain, &["-c", "out.json"]),
        ("script segment", segmented, &[]),
    ];
    for (name, src, args) in cases {
        let run = |tool: Tool| {
            let (dir, path) = script("s.js", src);
            dir.write("home/.config/k6/config.json", r#"{"iterations": 3}"#);
            dir.write(
                "out.json",
                r#"{"out": ["json=points.json"], "iterations": 2}"#,
            );
            let out = Run::new(tool)
                .args(["run", "--no-usage-report"])
                .args(args.iter())
                .arg(&path)
                .env("HOME", dir.path("home"))
                .env("XDG_CONFIG_HOME", dir.path("home/.config"))
                .cwd(dir.dir())
                .output();
            let points = std::fs::read_to_string(dir.path("points.json"))
                .map(|t| {
                    t.lines()
                        .filter(|l| l.contains("\"metric\":\"iterations\""))
                        .count()
                })
                .ok();
            (
                out.code,
                out.summary_value("iterations")
                    .map(|v| v.split_whitespace().next().unwrap_or("").to_string()),
                points,
            )
        };
        assert_eq!(
            run(Tool::Rk6),
            run(Tool::K6),
            "{name}: rk6 (left) vs k6 (right)"
        );
    }
}

/// A config file's `collectors`, which rk6 cannot honour, is refused.
#[test]
fn config_file_settings_rk6_cannot_honour_are_refused() {
    let cfg = r#"{"collectors": {"csv": {"file_name": "x.csv"}}}"#;
    let (dir, path) = script("s.js", PLAIN);
    dir.write("cfg.json", cfg);
    let out = Run::new(Tool::Rk6)
        .args(["run", "-q", "-c", "cfg.json"])
        .arg(&path)
        .cwd(dir.dir())
        .output();
    out.assert_code(104);
    out.assert_stderr_has("is not supported by rk6");
}

/// Boolean `K6_*` variables are read as strictly as k6 reads them: envconfig's `null.Bool`
/// takes only `true`/`false` (exit 104), Go's `ParseBool` its own words (exit 255).
#[test]
fn boolean_variables_are_as_strict_as_k6() {
    if !k6_available() {
        return;
    }
    let cases = [
        ("K6_NO_SETUP", "True"),
        ("K6_NO_SETUP", "1"),
        ("K6_PAUSED", "yes"),
        ("K6_LINGER", "1"),
        ("K6_WEB_DASHBOARD", "1"),
        ("K6_NO_SUMMARY", "bogus"),
        ("K6_NO_SUMMARY", "T"),
        ("K6_NO_THRESHOLDS", "0"),
        ("K6_INCLUDE_SYSTEM_ENV_VARS", "maybe"),
    ];
    for (k, v) in cases {
        let run = |tool: Tool| {
            let (dir, path) = script("s.js", PLAIN);
            let out = Run::new(tool)
                .args(["run", "-q", "--no-usage-report"])
                .arg(&path)
                .env(k, v)
                .cwd(dir.dir())
                .output();
            (out.code, out.error_messages())
        };
        assert_eq!(
            run(Tool::Rk6),
            run(Tool::K6),
            "{k}={v}: rk6 (left) vs k6 (right)"
        );
    }
}

/// k6's global flags (`-c`, `-a`, `--secret-source`, `-q`...) also work before `run`.
#[test]
fn global_flags_before_the_command_work_like_k6() {
    if !k6_available() {
        return;
    }
    let src = "import secrets from 'k6/secrets';\nexport default async function () { console.log(await secrets.get('k')); }\n";
    let run = |tool: Tool| {
        let (dir, path) = script("s.js", src);
        dir.write("cfg.json", r#"{"iterations": 2}"#);
        let out = Run::new(tool)
            .args([
                "--address=",
                "-c",
                "cfg.json",
                "--secret-source",
                "mock=k=v",
                "-q",
                "run",
            ])
            .arg(&path)
            .cwd(dir.dir())
            .output();
        (
            out.code,
            out.summary_value("iterations")
                .is_some_and(|v| v.starts_with("2 ")),
            out.console_messages(),
        )
    };
    assert_eq!(run(Tool::Rk6), run(Tool::K6), "rk6 (left) vs k6 (right)");
}
