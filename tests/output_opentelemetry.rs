//! End-to-end `--out experimental-opentelemetry` against an OTLP/HTTP receiver decoding with
//! the official `opentelemetry-proto` package: metric names, OTLP types, units, data-point
//! totals and attributes against the summary; the same metric names and types as k6 v1.1
//! sends; the same over gRPC; a receiver killed mid-run costs warnings and a count, never
//! the run, the summary or a `--out json=` file beside it; k6's refusals of bad settings.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::otlp_receiver::{OtlpReceiver, Received};
use common::*;

const SCRIPT: &str = r#"
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const waiting = new Trend('my_waiting', true);
const items = new Counter('my_items');
const level = new Gauge('my_level');
const odd = new Rate('my_odd');
export const options = { vus: 2, iterations: 20, tags: { testid: 'otel1' } };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/get`);
  check(r, { 'status 200': (x) => x.status === 200 });
  waiting.add(r.timings.waiting, { kind: 'get' });
  items.add(2);
  level.add(7);
  odd.add(__ITER % 2);
  if (__ENV.SLEEP) sleep(Number(__ENV.SLEEP));
}
"#;

/// Runs `script` under `run` with the receiver's settings, a summary export and `args`.
fn run_into(run: Run, t: &Target, rx: &OtlpReceiver, dir: &Scripts, args: &[&str]) -> Output {
    let mut run = run
        .target(t)
        .args([
            "run",
            "--summary-export",
            "sum.json",
            "--out",
            "experimental-opentelemetry",
        ])
        .args(args)
        .arg("s.js")
        .cwd(dir.dir())
        .timeout(Duration::from_secs(90));
    for (k, v) in rx.env() {
        run = run.env(k, v);
    }
    run.output()
}

fn script_dir(src: &str) -> Scripts {
    let dir = Scripts::new();
    dir.write("s.js", src);
    dir
}

#[test]
fn otlp_metrics_carry_the_summarys_counts_types_and_tags() {
    if !rk6_only() {
        return;
    }
    let t = Target::start();
    let rx = OtlpReceiver::start();
    let dir = script_dir(SCRIPT);
    let out = run_into(Run::rk6(), &t, &rx, &dir, &[]);
    out.assert_code(0).assert_stdout_has(&format!(
        "output: opentelemetry (http, http://{}/v1/metrics)",
        rx.endpoint()
    ));
    let ex = Export::read(&dir.path("sum.json"));
    let got = rx.dump();
    assert_eq!(
        got.total("http_reqs"),
        ex.num("http_reqs", "count"),
        "{:#}",
        got.0
    );
    assert_eq!(got.total("iterations"), 20.0);
    assert_eq!(got.total("checks.total"), 20.0);
    assert_eq!(got.total("checks.occurred"), ex.num("checks", "passes"));
    assert_eq!(got.total("my_odd.total"), 20.0);
    // `__ITER` counts each VU's own iterations: the split between the VUs decides this one.
    assert_eq!(got.total("my_odd.occurred"), ex.num("my_odd", "passes"));
    assert_eq!(got.total("my_items"), 40.0);
    assert_eq!(
        got.total("my_waiting"),
        20.0,
        "a histogram counts every sample"
    );
    assert_eq!(got.total("http_req_duration"), ex.num("http_reqs", "count"));
    let types = got.types();
    for (name, kind) in [
        ("http_reqs", "sum"),
        ("http_req_duration", "histogram"),
        ("my_waiting", "histogram"),
        ("my_level", "gauge"),
        ("checks.total", "sum"),
        ("data_sent", "sum"),
    ] {
        assert_eq!(
            types.get(name).map(String::as_str),
            Some(kind),
            "{name}: {types:?}"
        );
    }
    assert_eq!(got.metric("http_req_duration")["unit"], "ms");
    assert_eq!(got.metric("my_waiting")["unit"], "ms");
    assert_eq!(got.metric("data_received")["unit"], "By");
    assert_eq!(got.metric("http_reqs")["unit"], "");
    assert_eq!(got.metric("http_reqs")["monotonic"], true);
    assert_eq!(got.metric("http_reqs")["temporality"], "cumulative");
    let req = got.points("http_reqs")[0]["attributes"].clone();
    assert_eq!(req["testid"], "otel1");
    assert_eq!(req["status"], "200");
    assert_eq!(req["method"], "GET");
    assert_eq!(req["scenario"], "default");
    assert!(
        req.get("vu").is_none() && req.get("iter").is_none(),
        "metadata is no attribute: {req}"
    );
    assert_eq!(got.points("my_waiting")[0]["attributes"]["kind"], "get");
    assert_eq!(got.points("my_level")[0]["value"], 7.0);
    assert_eq!(got.resource("service.name"), Some("k6"));
    assert_eq!(got.resource("service.version"), Some("1.1.0"));
}

#[test]
fn prefix_service_name_and_headers_come_from_k6s_variables() {
    if !rk6_only() {
        return;
    }
    let t = Target::start();
    let rx = OtlpReceiver::start();
    let dir = script_dir(SCRIPT);
    let mut run = Run::rk6();
    for (k, v) in [
        ("K6_OTEL_METRIC_PREFIX", "k6_"),
        ("K6_OTEL_SERVICE_NAME", "shop"),
        ("K6_OTEL_SERVICE_VERSION", "9.9"),
        ("K6_OTEL_HEADERS", "x-scope=a%20b"),
    ] {
        run = run.env(k, v);
    }
    run_into(run, &t, &rx, &dir, &[]).assert_code(0);
    let got = rx.dump();
    assert_eq!(got.total("k6_http_reqs"), 20.0, "{:#}", got.0);
    assert!(
        got.types().keys().all(|k| k.starts_with("k6_")),
        "{:?}",
        got.types()
    );
    assert_eq!(got.resource("service.name"), Some("shop"));
    assert_eq!(got.resource("service.version"), Some("9.9"));
}

/// Metric name → type, as one tool's run of a 2 s test left them at a receiver.
fn names_and_types(tool: Tool, t: &Target) -> (BTreeMap<String, String>, Received) {
    let rx = OtlpReceiver::start();
    let dir = script_dir(&SCRIPT.replace("iterations: 20", "duration: '2s'"));
    // k6 records samples every flush interval and exports at the interval: a run of a few
    // intervals lets both reach the receiver.
    let out = run_into(Run::new(tool).env("SLEEP", "0.1"), t, &rx, &dir, &[]);
    out.assert_code(0);
    let got = rx.dump();
    (got.types(), got)
}

#[test]
fn rk6_sends_the_metric_names_and_types_k6_sends() {
    if !k6_available() || !rk6_only() {
        return;
    }
    let t = Target::start();
    let (k6, k6_got) = names_and_types(Tool::K6, &t);
    let (rk6, rk6_got) = names_and_types(Tool::Rk6, &t);
    assert!(k6.contains_key("http_reqs"), "k6 sent: {:#}", k6_got.0);
    assert_eq!(
        rk6, k6,
        "rk6 (left) and k6 (right) differ\nrk6: {:#}",
        rk6_got.0
    );
    for key in ["service.name", "service.version"] {
        assert_eq!(rk6_got.resource(key), k6_got.resource(key), "{key}");
    }
    for name in ["http_req_duration", "data_sent", "my_waiting", "http_reqs"] {
        assert_eq!(
            rk6_got.metric(name)["unit"],
            k6_got.metric(name)["unit"],
            "{name}"
        );
    }
    let attrs = |r: &Received| -> Vec<String> {
        let mut keys: Vec<String> = r.points("http_reqs")[0]["attributes"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    };
    assert_eq!(attrs(&rk6_got), attrs(&k6_got), "http_reqs attribute keys");
}

#[test]
fn a_receiver_killed_mid_run_costs_warnings_not_the_run_or_the_json_file() {
    if !rk6_only() {
        return;
    }
    let t = Target::start();
    let mut rx = OtlpReceiver::start();
    let dir = script_dir(
        "import http from 'k6/http';\nimport { sleep } from 'k6';\nexport const options = { vus: 2, duration: '4s' };\nexport default function () { http.get(`${__ENV.BASE_URL}/get`); sleep(0.05); }\n",
    );
    let env = rx.env();
    let killer = {
        let before = rx.dump().requests();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1500));
            let seen = rx.dump().requests();
            rx.kill();
            (before, seen)
        })
    };
    let mut run = Run::rk6()
        .target(&t)
        .args([
            "run",
            "--summary-export",
            "sum.json",
            "--out",
            "experimental-opentelemetry",
        ])
        .args(["--out", "json=o.json", "s.js"])
        .cwd(dir.dir())
        .timeout(Duration::from_secs(60));
    for (k, v) in env {
        run = run.env(k, v);
    }
    let out = run.output();
    let (before, seen) = killer.join().expect("killer");
    assert!(seen > before, "the receiver got exports before it died");
    out.assert_code(0)
        .assert_stderr_has("Couldn't export metrics")
        .assert_stderr_has("output=OpenTelemetry")
        .assert_stderr_has("OpenTelemetry could not deliver");
    assert!(
        out.elapsed < Duration::from_secs(15),
        "a 4 s test took {:?} with a dead receiver",
        out.elapsed
    );
    assert!(out.stdout.contains("http_reqs"), "{}", out.dump());
    let ex = Export::read(&dir.path("sum.json"));
    let points = std::fs::read_to_string(dir.path("o.json"))
        .expect("o.json")
        .lines()
        .filter(|l| l.contains("\"type\":\"Point\"") && l.contains("\"metric\":\"http_reqs\""))
        .count();
    assert_eq!(points as f64, ex.num("http_reqs", "count"));
}

#[test]
fn grpc_k6s_default_transport_delivers_what_http_does() {
    if !rk6_only() {
        return;
    }
    let t = Target::start();
    let rx = OtlpReceiver::start();
    let dir = script_dir(SCRIPT);
    let mut run = Run::rk6()
        .target(&t)
        .args([
            "run",
            "--summary-export",
            "sum.json",
            "--out",
            "experimental-opentelemetry",
        ])
        .arg("s.js")
        .cwd(dir.dir())
        .timeout(Duration::from_secs(90));
    for (k, v) in rx.grpc_env() {
        run = run.env(k, v);
    }
    let out = run.output();
    out.assert_code(0).assert_stdout_has(&format!(
        "output: opentelemetry (grpc (insecure), 127.0.0.1:{})",
        rx.grpc_port
    ));
    let ex = Export::read(&dir.path("sum.json"));
    let got = rx.dump();
    assert!(got.requests() > 0, "{}", out.dump());
    assert_eq!(
        got.total("http_reqs"),
        ex.num("http_reqs", "count"),
        "{:#}",
        got.0
    );
    assert_eq!(got.total("checks.total"), 20.0);
    assert_eq!(
        got.types().get("my_waiting").map(String::as_str),
        Some("histogram")
    );
    assert_eq!(got.resource("service.name"), Some("k6"));
}

#[test]
fn settings_k6_refuses_exit_104_with_k6s_message() {
    for (env, message) in [
        (
            ("K6_OTEL_EXPORTER_TYPE", "bogus"),
            "unsupported exporter type \\\"bogus\\\", currently only \\\"grpc\\\" and \\\"http\\\" are supported",
        ),
        (
            ("K6_OTEL_HTTP_EXPORTER_ENDPOINT", "http://127.0.0.1:9"),
            "HTTP exporter endpoint must only be host and port, no scheme",
        ),
    ] {
        let (dir, script) = script("e.js", "export default function () {}\n");
        let out = Run::rk6()
            .env("K6_OTEL_EXPORTER_TYPE", "http")
            .env(env.0, env.1)
            .args(["run", "-q", "--out", "experimental-opentelemetry"])
            .arg(&script)
            .cwd(dir.dir())
            .output();
        out.assert_code(104)
            .assert_stderr_has("could not create the 'experimental-opentelemetry' output: error validating OpenTelemetry output config: ")
            .assert_stderr_has(message);
    }
}

#[test]
fn a_receiver_that_never_answers_holds_the_end_for_one_request_timeout() {
    if !rk6_only() {
        return;
    }
    let t = Target::start();
    let hostile = common::hostile::Hostile::start();
    let dir = script_dir(
        "import http from 'k6/http';\nimport { sleep } from 'k6';\nexport const options = { vus: 1, duration: '1s' };\nexport default function () { http.get(`${__ENV.BASE_URL}/get`); sleep(0.1); }\n",
    );
    let out = Run::rk6()
        .target(&t)
        .args(["run", "--out", "experimental-opentelemetry", "s.js"])
        .env("K6_OTEL_EXPORTER_TYPE", "http")
        .env("K6_OTEL_HTTP_EXPORTER_INSECURE", "true")
        .env(
            "K6_OTEL_HTTP_EXPORTER_ENDPOINT",
            format!("127.0.0.1:{}", hostile.port),
        )
        .env("K6_OTEL_HTTP_EXPORTER_URL_PATH", "/hang")
        .env("K6_OTEL_EXPORT_INTERVAL", "200ms")
        .cwd(dir.dir())
        .timeout(Duration::from_secs(60))
        .output();
    out.assert_code(0)
        .assert_stdout_has("http_reqs")
        .assert_stderr_has("OpenTelemetry could not deliver");
    // The run, then the last export's single attempt (5 s timeout), then a margin.
    assert!(
        out.elapsed < Duration::from_secs(9),
        "a 1 s test took {:?} with a hanging receiver",
        out.elapsed
    );
}
