//! The Prometheus remote-write and OpenTelemetry outputs through a TLS and authentication
//! gateway (nginx, `common/auth_gate.rs`) in front of the real receivers, as users reach
//! Mimir, Grafana Cloud or a collector: basic auth with extra headers, a bearer token,
//! a client certificate, the server verified against a CA file or not at all. Each
//! credential delivers what the summary counted; a missing one is refused loudly by the
//! gateway and costs errors, never the run. k6 v1.1 gets through the same gateway with the
//! same variables.

mod common;

use std::time::Duration;

use common::auth_gate::{AuthGate, Backend, TOKEN, USER};
use common::otlp_receiver::OtlpReceiver;
use common::prometheus::Prometheus;
use common::*;

const SCRIPT: &str = r#"
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { vus: 1, iterations: 6 };
// A run of a few export intervals: k6 hands samples to its OTLP exporter on a timer.
export default function () { http.get(`${__ENV.BASE_URL}/get`); sleep(0.2); }
"#;

/// Runs [`SCRIPT`] under `tool` with `--out <out>`, the tag `testid`, a summary export and
/// `env`.
fn run(tool: Tool, out: &str, testid: &str, env: &[(&str, String)]) -> (Scripts, Output) {
    let t = Target::start();
    let dir = Scripts::new();
    dir.write("s.js", SCRIPT);
    let mut run = Run::new(tool)
        .target(&t)
        .args(["run", "--summary-export", "sum.json", "--out", out])
        .args(["--tag", &format!("testid={testid}"), "s.js"])
        .cwd(dir.dir())
        .timeout(Duration::from_secs(60));
    for (k, v) in env {
        run = run.env(k, v);
    }
    let out = run.output();
    (dir, out)
}

/// The `http_reqs` count of a run's summary export.
fn reqs(dir: &Scripts) -> f64 {
    Export::read(&dir.path("sum.json")).num("http_reqs", "count")
}

/// `sum(k6_http_reqs_total)` of the run tagged `testid`, once Prometheus answers it (up to
/// 5 s: a write acknowledged can be a moment from showing in queries).
fn prom_reqs(prom: &Prometheus, testid: &str) -> Option<f64> {
    let q = format!("sum(k6_http_reqs_total{{testid=\"{testid}\"}})");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let got = prom.value(&q);
        if got.is_some() || std::time::Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Remote write to `addr` through the gateway, every second, with `more`.
fn prw(addr: std::net::SocketAddr, more: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let mut env = vec![
        (
            "K6_PROMETHEUS_RW_SERVER_URL",
            format!("https://{addr}/api/v1/write"),
        ),
        ("K6_PROMETHEUS_RW_PUSH_INTERVAL", "1s".to_string()),
    ];
    env.extend_from_slice(more);
    env
}

/// The tools to run: rk6, and k6 when installed.
fn tools() -> Vec<Tool> {
    let mut t = vec![Tool::Rk6];
    if k6_available() {
        t.push(Tool::K6);
    }
    t
}

const SEND_FAILED: &str = "Failed to send the time series data to the endpoint";

#[test]
fn basic_auth_over_verified_tls_reaches_prometheus_for_k6_and_rk6() {
    if !rk6_only() {
        return;
    }
    let prom = Prometheus::start(false);
    let gate = AuthGate::start(Backend::Http(prom.http));
    let creds = |password: &str, more: &[(&'static str, String)]| {
        let mut env = vec![
            ("SSL_CERT_FILE", gate.path("ca.pem")),
            ("K6_PROMETHEUS_RW_USERNAME", USER.0.to_string()),
            ("K6_PROMETHEUS_RW_PASSWORD", password.to_string()),
        ];
        env.extend_from_slice(more);
        prw(gate.basic, &env)
    };
    for tool in tools() {
        let id = format!("basic-{tool:?}");
        let (dir, out) = run(tool, "experimental-prometheus-rw", &id, &creds(USER.1, &[]));
        out.assert_code(0);
        assert!(!out.stderr.contains("level=error"), "{}", out.dump());
        assert_eq!(prom_reqs(&prom, &id), Some(reqs(&dir)), "{tool:?}");
        // k6 replaces the request's headers with the configured ones after setting basic
        // auth: a header beside a user and password sends no credentials.
        let id = format!("basic-and-header-{tool:?}");
        let header = ("K6_PROMETHEUS_RW_HEADERS_X-Team", "perf".to_string());
        let (_, out) = run(
            tool,
            "experimental-prometheus-rw",
            &id,
            &creds(USER.1, &[header]),
        );
        out.assert_code(0)
            .assert_stderr_has(SEND_FAILED)
            .assert_stderr_has("401");
        assert_eq!(prom_reqs(&prom, &id), None);
    }
    let (_, out) = run(
        Tool::Rk6,
        "experimental-prometheus-rw",
        "wrong",
        &creds("guess", &[]),
    );
    out.assert_code(0)
        .assert_stderr_has(SEND_FAILED)
        .assert_stderr_has("401");
    assert_eq!(prom_reqs(&prom, "wrong"), None);
}

#[test]
fn a_bearer_token_and_a_header_pass_and_an_unknown_server_certificate_needs_skip_verify() {
    if !rk6_only() {
        return;
    }
    let prom = Prometheus::start(false);
    let gate = AuthGate::start(Backend::Http(prom.http));
    let token = ("K6_PROMETHEUS_RW_BEARER_TOKEN", TOKEN.to_string());
    let team = ("K6_PROMETHEUS_RW_HEADERS_X-Team", "perf".to_string());
    let (_, out) = run(
        Tool::Rk6,
        "experimental-prometheus-rw",
        "unverified",
        &prw(gate.bearer, &[token.clone(), team.clone()]),
    );
    out.assert_code(0)
        .assert_stderr_has(SEND_FAILED)
        .assert_stderr_has("certificate");
    assert_eq!(prom_reqs(&prom, "unverified"), None);
    let skip = (
        "K6_PROMETHEUS_RW_INSECURE_SKIP_TLS_VERIFY",
        "true".to_string(),
    );
    for tool in tools() {
        let id = format!("bearer-{tool:?}");
        let env = prw(gate.bearer, &[token.clone(), team.clone(), skip.clone()]);
        let (dir, out) = run(tool, "experimental-prometheus-rw", &id, &env);
        out.assert_code(0);
        assert!(!out.stderr.contains("level=error"), "{}", out.dump());
        assert_eq!(prom_reqs(&prom, &id), Some(reqs(&dir)), "{tool:?}");
    }
}

#[test]
fn a_client_certificate_opens_a_gate_that_refuses_without_one() {
    if !rk6_only() {
        return;
    }
    let prom = Prometheus::start(false);
    let gate = AuthGate::start(Backend::Http(prom.http));
    let ca = ("SSL_CERT_FILE", gate.path("ca.pem"));
    let (_, out) = run(
        Tool::Rk6,
        "experimental-prometheus-rw",
        "nocert",
        &prw(gate.client, std::slice::from_ref(&ca)),
    );
    out.assert_code(0)
        .assert_stderr_has(SEND_FAILED)
        .assert_stderr_has("400");
    assert_eq!(prom_reqs(&prom, "nocert"), None);
    let env = prw(
        gate.client,
        &[
            ca,
            (
                "K6_PROMETHEUS_RW_CLIENT_CERTIFICATE",
                gate.path("client.pem"),
            ),
            (
                "K6_PROMETHEUS_RW_CLIENT_CERTIFICATE_KEY",
                gate.path("client_key.pem"),
            ),
        ],
    );
    for tool in tools() {
        let id = format!("cert-{tool:?}");
        let (dir, out) = run(tool, "experimental-prometheus-rw", &id, &env);
        out.assert_code(0);
        assert!(!out.stderr.contains("level=error"), "{}", out.dump());
        assert_eq!(prom_reqs(&prom, &id), Some(reqs(&dir)), "{tool:?}");
    }
}

/// OTLP to `endpoint` (`host:port`) over `transport` with TLS, exporting every 200 ms, and
/// `more`.
fn otel(
    transport: &str,
    endpoint: String,
    more: &[(&'static str, String)],
) -> Vec<(&'static str, String)> {
    let var = if transport == "grpc" {
        "K6_OTEL_GRPC_EXPORTER_ENDPOINT"
    } else {
        "K6_OTEL_HTTP_EXPORTER_ENDPOINT"
    };
    let mut env = vec![
        ("K6_OTEL_EXPORTER_TYPE", transport.to_string()),
        (var, endpoint),
        ("K6_OTEL_EXPORT_INTERVAL", "200ms".to_string()),
        ("K6_OTEL_FLUSH_INTERVAL", "100ms".to_string()),
    ];
    env.extend_from_slice(more);
    env
}

/// Runs under each tool into a fresh receiver behind a fresh gateway on `listener`, and
/// checks the receiver got every request the summary counted.
fn otel_delivers(
    transport: &str,
    listener: fn(&AuthGate) -> std::net::SocketAddr,
    more: fn(&AuthGate) -> Vec<(&'static str, String)>,
) {
    for tool in tools() {
        let rx = OtlpReceiver::start();
        let backend = if transport == "grpc" {
            Backend::Grpc(([127, 0, 0, 1], rx.grpc_port).into())
        } else {
            Backend::Http(([127, 0, 0, 1], rx.port).into())
        };
        let gate = AuthGate::start(backend);
        let env = otel(transport, listener(&gate).to_string(), &more(&gate));
        let (dir, out) = run(tool, "experimental-opentelemetry", "otel", &env);
        out.assert_code(0);
        assert!(!out.stderr.contains("level=error"), "{}", out.dump());
        assert_eq!(
            rx.dump().total("http_reqs"),
            reqs(&dir),
            "{tool:?}: {}",
            out.dump()
        );
    }
}

#[test]
fn otlp_http_passes_a_bearer_gate_with_k6s_headers_and_ca_file() {
    if !rk6_only() {
        return;
    }
    otel_delivers(
        "http",
        |g| g.bearer,
        |g| {
            vec![
                ("K6_OTEL_TLS_CERTIFICATE", g.path("ca.pem")),
                (
                    "K6_OTEL_HEADERS",
                    format!("Authorization=Bearer%20{TOKEN},X-Team=perf"),
                ),
            ]
        },
    );
}

#[test]
fn otlp_grpc_passes_a_client_certificate_gate() {
    if !rk6_only() {
        return;
    }
    otel_delivers(
        "grpc",
        |g| g.client,
        |g| {
            vec![
                ("K6_OTEL_TLS_CERTIFICATE", g.path("ca.pem")),
                ("K6_OTEL_TLS_CLIENT_CERTIFICATE", g.path("client.pem")),
                ("K6_OTEL_TLS_CLIENT_KEY", g.path("client_key.pem")),
            ]
        },
    );
}

#[test]
fn otlp_grpc_skips_verification_when_asked_and_warns_at_a_closed_gate() {
    if !rk6_only() {
        return;
    }
    otel_delivers(
        "grpc",
        |g| g.basic,
        |_| {
            vec![
                ("K6_OTEL_TLS_INSECURE_SKIP_VERIFY", "true".to_string()),
                // rk6:s3cret
                (
                    "K6_OTEL_HEADERS",
                    "Authorization=Basic%20cms2OnMzY3JldA==".to_string(),
                ),
            ]
        },
    );
    let rx = OtlpReceiver::start();
    let gate = AuthGate::start(Backend::Grpc(([127, 0, 0, 1], rx.grpc_port).into()));
    let env = otel(
        "grpc",
        gate.bearer.to_string(),
        &[("K6_OTEL_TLS_CERTIFICATE", gate.path("ca.pem"))],
    );
    let (dir, out) = run(Tool::Rk6, "experimental-opentelemetry", "closed", &env);
    out.assert_code(0).assert_stdout_has("http_reqs");
    assert!(
        out.stderr.contains("level=warning") || out.stderr.contains("level=error"),
        "{}",
        out.dump()
    );
    assert!(reqs(&dir) > 0.0);
    assert_eq!(rx.dump().requests(), 0);
}
