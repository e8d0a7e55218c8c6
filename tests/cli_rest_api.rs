//! k6's REST API v1 and client commands, differentially: the same script runs under k6
//! (when installed) and rk6 with `--paused --address 127.0.0.1:PORT`, both are driven
//! with k6-operator's exact bodies, and what they answer is compared — status codes,
//! content types, status attributes, error documents, metric ids/types/samples, groups
//! and checks, setup round trips, the `status`/`stats` commands' YAML — as is `--linger`
//! (serves until SIGTERM, then the summary and the test's exit code) and a stop through
//! the API (exit 103). Without k6 the rk6 side is still checked against k6's recorded
//! answers where they are fixed.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::rest_api::{client, free_addr, without_time, ApiRun, OPERATOR_START, OPERATOR_STOP};
use common::{k6_bin, Scripts, Tool};
use serde_json::{json, Value};

/// Comparable observations of one tool, by name.
type Facts = BTreeMap<String, Value>;

/// The tools to drive: rk6, and k6 when it is installed.
fn tools() -> Vec<Tool> {
    let mut t = vec![Tool::Rk6];
    if k6_bin().is_some() {
        t.push(Tool::K6);
    } else {
        println!("k6 not installed: checking rk6 alone");
    }
    t
}

/// Panics with every fact on which rk6 differs from k6.
fn compare(k6: &Facts, rk6: &Facts) {
    let names: BTreeSet<&String> = k6.keys().chain(rk6.keys()).collect();
    let diffs: Vec<String> = names
        .into_iter()
        .filter(|n| k6.get(*n) != rk6.get(*n))
        .map(|n| format!("{n}:\n   k6: {:?}\n  rk6: {:?}", k6.get(n), rk6.get(n)))
        .collect();
    assert!(
        diffs.is_empty(),
        "rk6 differs from k6:\n{}",
        diffs.join("\n")
    );
}

/// Runs `observe` for each tool and compares the facts; rk6's facts are returned.
fn differential(observe: impl Fn(Tool) -> Facts) -> Facts {
    let mut by_tool: Vec<(Tool, Facts)> = tools().into_iter().map(|t| (t, observe(t))).collect();
    let rk6 = by_tool.remove(0).1;
    if let Some((_, k6)) = by_tool.pop() {
        compare(&k6, &rk6);
    }
    rk6
}

const SCRIPT: &str = r#"
import { check, group } from 'k6';
import { Counter, Trend, Rate, Gauge } from 'k6/metrics';
const c = new Counter('my_counter');
const t = new Trend('my_trend', true);
const r = new Rate('my_rate');
const g = new Gauge('my_gauge');
export const options = {
  scenarios: { default: { executor: 'shared-iterations', vus: 2, iterations: 8 } },
  thresholds: { 'iteration_duration{scenario:default}': ['p(95)<10000'], my_counter: ['count>100'] },
};
export function setup() { return { n: 2, token: 'abc' }; }
export default function () {
  group('g1', () => {
    check(1, { 'is one': (v) => v === 1 });
    group('inner', () => { check(2, { 'two fails': () => false }); });
  });
  c.add(1); t.add(12.5); r.add(true); r.add(false); g.add(7);
}
export function teardown(data) { console.log('teardown ' + JSON.stringify(data)); }
"#;

fn answer_fact(a: &common::rest_api::Answer) -> Value {
    json!([a.code, a.content_type, a.body])
}

/// Code and the first error's status and title (the detail is the parser's own text).
fn error_title(a: &common::rest_api::Answer) -> Value {
    let e = &a.json()["errors"][0];
    json!([a.code, e["status"], e["title"]])
}

/// A metric's shape: type, contains, tainted, sample keys.
fn metric_shape(m: &Value) -> Value {
    let a = &m["attributes"];
    let keys: Vec<&String> = a["sample"]
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    json!([a["type"], a["contains"], a["tainted"], keys])
}

/// What the API answers before the test starts (paused).
fn observe_paused(run: &ApiRun, f: &mut Facts) {
    let status = run.get("/v1/status").expect("status");
    f.insert("paused.status".into(), answer_fact(&status));
    for path in [
        "/",
        "/ping",
        "/v1/nope",
        "/v1/status/",
        "/v1/metrics/nope",
        "/v1/metrics/",
    ] {
        f.insert(
            format!("GET {path}"),
            answer_fact(&run.send("GET", path, "")),
        );
    }
    for (method, path) in [
        ("DELETE", "/v1/status"),
        ("GET", "/v1/teardown"),
        ("POST", "/v1/metrics"),
    ] {
        f.insert(
            format!("{method} {path}"),
            answer_fact(&run.send(method, path, "")),
        );
    }
    let patch = |body: &str| run.send("PATCH", "/v1/status", body);
    f.insert(
        "pause again".into(),
        answer_fact(&patch(r#"{"data":{"attributes":{"paused":true}}}"#)),
    );
    f.insert("bad json".into(), error_title(&patch("{bad")));
    f.insert(
        "vus without external".into(),
        answer_fact(&patch(r#"{"data":{"attributes":{"vus":3}}}"#)),
    );
    f.insert(
        "setup before".into(),
        answer_fact(&run.send("GET", "/v1/setup", "")),
    );
    let put = run.send("PUT", "/v1/setup", r#"{"token":"xyz","n":9}"#);
    f.insert("setup put".into(), answer_fact(&put));
    f.insert(
        "setup put null".into(),
        answer_fact(&run.send("PUT", "/v1/setup", "null")),
    );
    f.insert(
        "setup put bad".into(),
        error_title(&run.send("PUT", "/v1/setup", "{x")),
    );
    f.insert(
        "setup post".into(),
        answer_fact(&run.send("POST", "/v1/setup", "")),
    );
    f.insert(
        "setup after post".into(),
        answer_fact(&run.send("GET", "/v1/setup", "")),
    );
    f.insert(
        "groups paused".into(),
        answer_fact(&run.send("GET", "/v1/groups", "")),
    );
    f.insert(
        "client status paused".into(),
        json!(run.client(&["status"])),
    );
    // k6 emits the `vus` gauges each second while paused; both publish them by then.
    std::thread::sleep(Duration::from_millis(2200));
    let ids: BTreeSet<String> = metric_ids(&run.send("GET", "/v1/metrics", "").json());
    f.insert("metrics paused".into(), json!(ids));
}

fn metric_ids(doc: &Value) -> BTreeSet<String> {
    doc["data"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// What the API answers once the test ended and the run lingers.
fn observe_ended(run: &ApiRun, f: &mut Facts) {
    f.insert("ended status".into(), run.status());
    let metrics = run.send("GET", "/v1/metrics", "");
    f.insert(
        "metrics content type".into(),
        json!([metrics.code, metrics.content_type]),
    );
    for m in metrics.json()["data"].as_array().into_iter().flatten() {
        let id = m["id"].as_str().unwrap_or_default();
        f.insert(format!("metric {id}"), metric_shape(m));
    }
    let sample = |id: &str, key: &str| {
        let one = run.send("GET", &format!("/v1/metrics/{id}"), "").json();
        one["data"]["attributes"]["sample"][key].clone()
    };
    for (id, key) in [
        ("iterations", "count"),
        ("my_counter", "count"),
        ("my_rate", "rate"),
        ("my_gauge", "value"),
        ("my_trend", "avg"),
        ("checks", "rate"),
    ] {
        f.insert(format!("value {id} {key}"), sample(id, key));
    }
    let sub = run.send(
        "GET",
        "/v1/metrics/iteration_duration%7Bscenario:default%7D",
        "",
    );
    f.insert(
        "submetric by id".into(),
        json!([sub.code, sub.json()["data"]["id"]]),
    );
    f.insert("groups".into(), run.send("GET", "/v1/groups", "").json());
    let one = run.send("GET", "/v1/groups/9ccb03cc5acd728a2fe595bbd1f14da3", "");
    f.insert("group g1".into(), answer_fact(&one));
    f.insert(
        "group unknown".into(),
        answer_fact(&run.send("GET", "/v1/groups/x", "")),
    );
    f.insert("client status ended".into(), json!(run.client(&["status"])));
    f.insert("client stats".into(), stats_shape(&run.client(&["stats"])));
    let (code, out, err) = run.client(&["pause"]);
    f.insert(
        "client pause ended".into(),
        json!([code, out, without_time(err.trim())]),
    );
    let (code, _, err) = run.client(&["scale"]);
    f.insert(
        "client scale nothing".into(),
        json!([code, without_time(err.trim())]),
    );
}

/// `stats` output as YAML: exit code and each metric's keys, type and contains.
fn stats_shape((code, out, _): &(Option<i32>, String, String)) -> Value {
    let doc: Value = serde_norway::from_str(out).unwrap_or_default();
    let mut by_name = BTreeMap::new();
    for m in doc.as_array().into_iter().flatten() {
        let keys: Vec<&String> = m
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        let sample: Vec<&String> = m["sample"]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        let name = m["name"].as_str().unwrap_or_default().to_string();
        by_name.insert(
            name,
            json!([keys, m["type"], m["contains"], m["tainted"], sample]),
        );
    }
    json!([code, by_name])
}

/// The whole operator flow on one tool, lingering at the end until SIGTERM.
fn operator_flow(tool: Tool) -> Facts {
    let dir = Scripts::new();
    dir.write("s.js", SCRIPT);
    let run = ApiRun::start(
        tool,
        dir.dir(),
        &["--paused", "--linger", "s.js"],
        Duration::from_secs(60),
    );
    let mut f = Facts::new();
    observe_paused(&run, &mut f);
    let start = run.send("PATCH", "/v1/status", OPERATOR_START);
    f.insert(
        "start".into(),
        json!([start.code, start.json()["data"]["attributes"]["paused"]]),
    );
    assert!(
        run.wait_status(9),
        "{} never ended: {}",
        tool.name(),
        run.status()
    );
    // Past a periodic threshold run (every 2 s) and a fresh metrics snapshot in both.
    std::thread::sleep(Duration::from_millis(2100));
    observe_ended(&run, &mut f);
    let stop = run.send("PATCH", "/v1/status", OPERATOR_STOP);
    f.insert(
        "stop while lingering".into(),
        json!([stop.code, stop.json()["data"]["attributes"]["stopped"]]),
    );
    std::thread::sleep(Duration::from_millis(300));
    f.insert("still lingering".into(), json!(run.status()["status"]));
    let ended = run.signal_and_wait(libc::SIGTERM);
    f.insert("exit".into(), json!(ended.code));
    let stdout = ended.stdout.replace("rk6 is waiting", "k6 is waiting");
    let linger = stdout.find(
        "The test is done, but --linger was enabled, so k6 is waiting for Ctrl+C to continue...",
    );
    let summary = stdout.find("THRESHOLDS");
    f.insert(
        "linger line, then summary".into(),
        json!(linger.is_some() && summary > linger),
    );
    // setup()'s data, not the PUT's (the run's own setup() overwrote it); k6 does not
    // keep the keys' order here from run to run.
    let teardown = ended
        .stderr
        .lines()
        .find(|l| l.contains("teardown {"))
        .unwrap_or("");
    let keys = [r#"\"n\":2"#, r#"\"token\":\"abc\""#].map(|k| teardown.contains(k));
    f.insert("teardown data".into(), json!(keys));
    f
}

#[test]
fn operator_flow_answers_like_k6_from_pause_through_linger() {
    let rk6 = differential(operator_flow);
    // k6's recorded answers, which hold with or without k6 installed.
    assert_eq!(rk6["exit"], json!(99));
    assert_eq!(
        rk6["GET /v1/nope"],
        json!([404, "text/plain; charset=utf-8", "404 page not found\n"])
    );
    assert_eq!(
        rk6["pause again"][2],
        json!(
            r#"{"errors":[{"status":"500","title":"Pause error","detail":"execution is already paused"}]}"#
        )
    );
    assert_eq!(rk6["ended status"]["tainted"], json!(true));
    assert_eq!(rk6["teardown data"], json!([true, true]));
    assert_eq!(rk6["linger line, then summary"], json!(true));
}

/// With `--no-setup` the data a `PUT /v1/setup` stored is what the VUs and an API
/// teardown get, as in k6.
#[test]
fn no_setup_runs_hand_the_put_data_to_vus_and_teardown() {
    let script = r#"
export const options = { iterations: 1 };
export function setup() { return { from: 'setup' }; }
export default function (data) { console.log('vu ' + JSON.stringify(data)); }
export function teardown(data) { console.log('teardown ' + JSON.stringify(data)); }
"#;
    differential(|tool| {
        let dir = Scripts::new();
        dir.write("s.js", script);
        let args = [
            "--paused",
            "--linger",
            "--no-setup",
            "--no-teardown",
            "-q",
            "s.js",
        ];
        let run = ApiRun::start(tool, dir.dir(), &args, Duration::from_secs(40));
        let mut f = Facts::new();
        f.insert(
            "put".into(),
            answer_fact(&run.send("PUT", "/v1/setup", r#"{"from":"put2"}"#)),
        );
        run.send("PATCH", "/v1/status", OPERATOR_START);
        assert!(run.wait_status(9), "{} never ended", tool.name());
        f.insert(
            "teardown".into(),
            answer_fact(&run.send("POST", "/v1/teardown", "")),
        );
        let ended = run.signal_and_wait(libc::SIGTERM);
        f.insert("exit".into(), json!(ended.code));
        let logs: Vec<String> = ended
            .stderr
            .lines()
            .filter(|l| l.contains("msg=\"vu ") || l.contains("msg=\"teardown "))
            .map(without_time)
            .collect();
        f.insert("console".into(), json!(logs));
        f
    });
}

/// k6-operator's stopper body ends a running test: exit 103 and k6's log line.
#[test]
fn operator_stop_body_ends_a_running_test_with_exit_103() {
    let script = "import { sleep } from 'k6';\nexport const options = { vus: 1, duration: '30s' };\nexport default function () { sleep(0.05); }\n";
    differential(|tool| {
        let dir = Scripts::new();
        dir.write("s.js", script);
        let run = ApiRun::start(
            tool,
            dir.dir(),
            &["--paused", "-q", "s.js"],
            Duration::from_secs(40),
        );
        let mut f = Facts::new();
        run.send("PATCH", "/v1/status", OPERATOR_START);
        assert!(run.wait_status(7), "{} never ran", tool.name());
        std::thread::sleep(Duration::from_millis(300));
        f.insert("running".into(), run.status());
        let late = run.send(
            "PATCH",
            "/v1/status",
            r#"{"data":{"attributes":{"paused":true}}}"#,
        );
        f.insert(
            "pause after start".into(),
            json!([late.code, late.json()["errors"][0]["detail"]]),
        );
        let stop = run.send("PATCH", "/v1/status", OPERATOR_STOP);
        f.insert(
            "stop".into(),
            json!([stop.code, stop.json()["data"]["attributes"]["stopped"]]),
        );
        let ended = run.wait();
        f.insert("exit".into(), json!(ended.code));
        let line = ended
            .stderr
            .lines()
            .find(|l| l.contains("REST API"))
            .map(without_time);
        f.insert("log".into(), json!(line));
        f
    });
}

/// The client commands without a server: Go's connection error, exit 255.
#[test]
fn client_commands_without_a_server_fail_like_k6() {
    let addr = free_addr();
    differential(|tool| {
        let mut f = Facts::new();
        for cmd in ["status", "stats", "resume"] {
            let (code, out, err) = client(tool, &addr, &[cmd]);
            f.insert(cmd.into(), json!([code, out, without_time(err.trim())]));
        }
        f
    });
}

/// SIGTERM while a `--paused` test waits (a pod deleted before the operator started it):
/// k6's exit 105 with one error line.
#[test]
fn a_signal_while_paused_ends_the_run_with_exit_105() {
    let script =
        "export const options = { vus: 1, iterations: 1 };\nexport default function () {}\n";
    differential(|tool| {
        let dir = Scripts::new();
        dir.write("s.js", script);
        let run = ApiRun::start(
            tool,
            dir.dir(),
            &["--paused", "-q", "s.js"],
            Duration::from_secs(30),
        );
        assert!(run.wait_status(4), "{} never paused", tool.name());
        let ended = run.signal_and_wait(libc::SIGTERM);
        let errors = ended
            .stderr
            .lines()
            .filter(|l| l.contains("level=error"))
            .count();
        let mut f = Facts::new();
        f.insert("exit".into(), json!(ended.code));
        f.insert("error lines".into(), json!(errors));
        f
    });
}

/// The API answers while the script's init code still runs (k8s probes start at once).
#[test]
fn api_answers_while_the_init_code_runs() {
    let dir = Scripts::new();
    dir.write(
        "s.js",
        "const until = Date.now() + 5000; while (Date.now() < until) {}\nexport default function () {}\n",
    );
    let started = std::time::Instant::now();
    let run = ApiRun::start(
        Tool::Rk6,
        dir.dir(),
        &["-q", "s.js"],
        Duration::from_secs(30),
    );
    // Well before the init's 5 s end, with room for a busy CI machine.
    assert!(
        started.elapsed() < Duration::from_millis(3500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(run.status()["status"], json!(1), "{}", run.status());
    assert_eq!(run.wait().code, Some(0));
}
