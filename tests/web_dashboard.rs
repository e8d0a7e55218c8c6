//! The web dashboard and the HTML report (`K6_WEB_DASHBOARD*`, `--out web-dashboard`,
//! `--report`): k6's switches and header line, bad input (a taken port, an unwritable
//! export, Ctrl-C, a run without requests), and the pages as headless Chromium renders them
//! (no console problems, charts drawn, the per-endpoint table equal to the
//! `--summary-export` counts, the live counter rising while a test runs).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::browser::Browser;
use common::*;

/// A port nothing listens on right now.
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// Two named endpoints, one answering 503, a check, a group and a custom Trend.
const SHOP: &str = r#"
import http from 'k6/http';
import { check, group } from 'k6';
import { Trend } from 'k6/metrics';
const basket = new Trend('basket_time', true);
export const options = {
  vus: 2, iterations: 12,
  thresholds: { http_req_duration: ['p(95)<5000'], checks: ['rate>0.99'] },
};
export default function () {
  const B = __ENV.BASE_URL;
  group('browse', () => {
    const r = http.get(`${B}/get?item=${__ITER}`, { tags: { name: 'item' } });
    check(r, { 'item is 200': (x) => x.status === 200 });
  });
  const t = Date.now();
  http.post(`${B}/status/503`, 'x', { tags: { name: 'checkout' } });
  basket.add(Date.now() - t);
}
"#;

/// Where a test keeps its screenshots: beside the build, for a person to look at.
fn shot(name: &str) -> PathBuf {
    let dir = repo_root().join("target").join("web-dashboard-shots");
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}

/// Opens `url` and waits for the page's first full render.
fn open_page(b: &mut Browser, url: &str) {
    b.open(url);
    assert!(
        b.wait_for(
            "document.body.dataset.ready === '1'",
            Duration::from_secs(20)
        ),
        "the page never rendered: {:?}",
        b.problems()
    );
}

fn report_data(path: &Path) -> serde_json::Value {
    let html = std::fs::read_to_string(path).expect("report written");
    let start = html
        .find(r#"<script id="rk6-data" type="application/json">"#)
        .expect("data block");
    let rest = &html[start..];
    let json = &rest[rest.find('>').expect(">") + 1..rest.find("</script>").expect("end")];
    serde_json::from_str(json).expect("the data block is JSON")
}

#[test]
fn k6s_ci_recipe_leaves_report_html_and_the_header_names_the_dashboard() {
    let t = Target::start();
    let (dir, _) = script("shop.js", SHOP);
    let port = free_port().to_string();
    let out = Run::rk6()
        .target(&t)
        .cwd(dir.dir())
        .env("K6_WEB_DASHBOARD", "true")
        .env("K6_WEB_DASHBOARD_PORT", &port)
        .env("K6_WEB_DASHBOARD_EXPORT", "report.html")
        .args(["run", "shop.js"])
        .timeout(Duration::from_secs(60))
        .output();
    out.assert_code(0)
        .assert_stdout_line(&format!(" web dashboard: http://127.0.0.1:{port}"))
        .assert_stdout_line("        output: -");
    let data = report_data(&dir.path("report.html"));
    assert_eq!(data["state"], "finished");
    assert_eq!(data["title"], "shop.js");
    assert_eq!(data["aggregated"]["requests"], 24, "{}", data["aggregated"]);
    // The target's /get answers a JSON document of a few hundred bytes.
    let item = data["endpoints"]
        .as_array()
        .and_then(|e| e.iter().find(|x| x["name"] == "item").cloned())
        .unwrap_or_default();
    assert!(
        item["avg_size"].as_f64().is_some_and(|s| s > 100.0),
        "{item}"
    );
    // k6 prints the same header line for the same switches.
    if k6_available() {
        let port = free_port().to_string();
        let k6 = Run::k6()
            .target(&t)
            .cwd(dir.dir())
            .env("K6_WEB_DASHBOARD", "true")
            .env("K6_WEB_DASHBOARD_PORT", &port)
            .args(["run", "shop.js"])
            .timeout(Duration::from_secs(60))
            .output();
        k6.assert_code(0)
            .assert_stdout_line(&format!(" web dashboard: http://127.0.0.1:{port}"));
    }
}

#[test]
fn a_config_files_web_dashboard_starts_it() {
    let t = Target::start();
    let (dir, _) = script("shop.js", SHOP);
    let port = free_port();
    dir.write("cfg.json", r#"{"webDashboard": true}"#);
    let out = Run::rk6()
        .target(&t)
        .cwd(dir.dir())
        .env("K6_WEB_DASHBOARD_PORT", port.to_string())
        .args(["run", "-c", "cfg.json", "shop.js"])
        .timeout(Duration::from_secs(60))
        .output();
    out.assert_code(0)
        .assert_stdout_line(&format!(" web dashboard: http://127.0.0.1:{port}"));
}

#[test]
fn a_taken_port_is_a_warning_naming_the_address_and_the_test_runs() {
    let t = Target::start();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let (dir, _) = script("shop.js", SHOP);
    let out = Run::rk6()
        .target(&t)
        .cwd(dir.dir())
        .env("K6_WEB_DASHBOARD", "true")
        .env("K6_WEB_DASHBOARD_PORT", port.to_string())
        .args(["run", "-q", "shop.js"])
        .timeout(Duration::from_secs(60))
        .output();
    out.assert_code(0);
    assert!(
        out.stderr.contains("Error from Web dashboard")
            && out.stderr.contains(&format!("127.0.0.1:{port}"))
            && out.stderr.contains("address already in use"),
        "{}",
        out.dump()
    );
    assert!(out.stdout.contains("http_reqs"), "{}", out.dump());
}

#[test]
fn an_unwritable_export_stops_the_run_before_any_load() {
    let t = Target::start();
    let (dir, _) = script(
        "s.js",
        "export function setup() { console.log('SETUP RAN'); }\nexport default function () {}\n",
    );
    let out = Run::rk6()
        .target(&t)
        .cwd(dir.dir())
        .args(["run", "--report", "/nonexistent-dir/r.html", "s.js"])
        .timeout(Duration::from_secs(60))
        .output();
    assert_ne!(out.code, 0, "{}", out.dump());
    assert!(
        out.stderr.contains("/nonexistent-dir/r.html"),
        "{}",
        out.dump()
    );
    assert!(!out.stderr.contains("SETUP RAN") && !out.stdout.contains("SETUP RAN"));
}

#[test]
fn ctrl_c_still_writes_the_report() {
    let t = Target::start();
    let dir = Scripts::new();
    dir.write(
        "long.js",
        "import http from 'k6/http';\nimport { sleep } from 'k6';\nexport const options = { vus: 2, duration: '60s' };\nexport default function () { http.get(`${__ENV.BASE_URL}/get`); sleep(0.1); }\n",
    );
    let env = [("BASE_URL", t.base_url())];
    let (code, stdout, _) = common::signal::signalled_run(
        &dir,
        &["run", "--report", "r.html", "long.js"],
        &env,
        Duration::from_secs(3),
        libc::SIGINT,
    );
    assert_eq!(code, Some(105), "{stdout}");
    let data = report_data(&dir.path("r.html"));
    assert_eq!(data["state"], "finished");
    assert!(data["aggregated"]["requests"].as_u64().unwrap_or(0) > 0);
    assert!(data["summary"]
        .as_str()
        .is_some_and(|s| s.contains("http_reqs")));
}

#[test]
fn the_report_renders_and_its_endpoint_table_equals_the_summary_export() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let t = Target::start();
    let (dir, _) = script("shop.js", SHOP);
    let out = Run::rk6()
        .target(&t)
        .cwd(dir.dir())
        .args([
            "run",
            "-q",
            "--report",
            "r.html",
            "--summary-export",
            "s.json",
            "shop.js",
        ])
        .timeout(Duration::from_secs(60))
        .output();
    out.assert_code(0);
    let export = Export::read(&dir.path("s.json"));
    open_page(&mut b, &file_url(&dir.path("r.html")));
    assert_eq!(b.problems(), Vec::<String>::new());
    assert!(
        b.eval("document.querySelectorAll('canvas').length")
            .as_u64()
            >= Some(7)
    );
    assert!(b.canvas_is_drawn("canvas"), "a chart is blank");
    let rows = b.eval(
        "[...document.querySelectorAll('#endpoints-table tbody tr')].map(r => [r.cells[1].textContent.trim(), Number(r.querySelector('[data-col=requests]').textContent.replace(/[^0-9]/g, ''))])",
    );
    let count = |name: &str| {
        rows.as_array()
            .into_iter()
            .flatten()
            .find(|r| r[0] == name)
            .and_then(|r| r[1].as_f64())
    };
    let http_reqs = export.metrics()["http_reqs"]["count"].as_f64();
    assert_eq!(count("Aggregated"), http_reqs, "{rows}");
    assert_eq!(
        count("item").zip(count("checkout")).map(|(a, c)| a + c),
        http_reqs,
        "{rows}"
    );
    let failures = b.eval("document.querySelector('#failures-table tbody').textContent");
    assert!(
        failures.as_str().is_some_and(|s| s.contains("503")),
        "{failures}"
    );
    let csv = b.eval("window.rk6StatsCsv()");
    let csv = csv.as_str().unwrap_or_default();
    assert!(
        csv.starts_with("\"Type\",\"Name\",\"Request Count\""),
        "{csv}"
    );
    assert!(csv.contains("\"Aggregated\""), "{csv}");
    b.screenshot(&shot("report.png"));
}

#[test]
fn the_report_of_a_run_without_requests_still_opens() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let (dir, _) = script("empty.js", "export default function () {}\n");
    Run::rk6()
        .cwd(dir.dir())
        .args(["run", "-q", "--report", "r.html", "empty.js"])
        .timeout(Duration::from_secs(60))
        .output()
        .assert_code(0);
    open_page(&mut b, &file_url(&dir.path("r.html")));
    assert_eq!(b.problems(), Vec::<String>::new());
    let text = b.eval("document.querySelector('#endpoints-table').textContent");
    assert!(
        text.as_str().is_some_and(|s| s.contains("no requests")),
        "{text}"
    );
}

#[test]
fn the_live_dashboard_counts_requests_while_the_test_runs() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let t = Target::start();
    let dir = Scripts::new();
    dir.write(
        "live.js",
        "import http from 'k6/http';\nimport { sleep } from 'k6';\nexport const options = { vus: 2, duration: '8s' };\nexport default function () { http.get(`${__ENV.BASE_URL}/get`); sleep(0.05); }\n",
    );
    let port = free_port();
    let mut rk6 = KillOnDrop(
        std::process::Command::new(rk6_bin())
            .args(["run", "-q", "--out"])
            .arg(format!("web-dashboard=port={port}&period=3s"))
            .arg("live.js")
            .current_dir(dir.dir())
            .env("BASE_URL", t.base_url())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("rk6 starts"),
    );
    let url = format!("http://127.0.0.1:{port}/");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the dashboard never listened");
        std::thread::sleep(Duration::from_millis(100));
    }
    open_page(&mut b, &url);
    let requests = |b: &mut Browser| {
        b.eval(
            "Number(document.querySelector('#stat-requests').textContent.replace(/[^0-9]/g, ''))",
        )
        .as_u64()
        .unwrap_or(0)
    };
    assert!(b.wait_for(
        "Number(document.querySelector('#stat-requests').textContent.replace(/[^0-9]/g, '')) > 0",
        Duration::from_secs(6)
    ));
    let first = requests(&mut b);
    let rose = b.wait_for(
        &format!(
            "Number(document.querySelector('#stat-requests').textContent.replace(/[^0-9]/g, '')) > {first}"
        ),
        Duration::from_secs(6),
    );
    let later = requests(&mut b);
    assert!(rose, "the counter stood still: {first} then {later}");
    b.screenshot(&shot("dashboard.png"));
    assert_eq!(b.problems(), Vec::<String>::new());
    // The run is over once its 8 s are; with the page still open the dashboard stays up,
    // and closing the page lets rk6 exit.
    assert!(b.wait_for(
        "window.rk6Data && rk6Data.state === 'finished'",
        Duration::from_secs(20)
    ));
    // Every bucket arrived once: the time axis only ascends (updates every 3 s carry three
    // 1-second buckets each; a page that connected between two gets each bucket once).
    let ascending = b.eval("rk6Data.buckets.t.every((t, i, a) => i === 0 || a[i - 1] < t)");
    assert_eq!(ascending, serde_json::Value::Bool(true));
    let buckets = b.eval("rk6Data.buckets.t.length").as_u64().unwrap_or(0);
    assert!(
        (7..=12).contains(&buckets),
        "{buckets} one-second buckets for an 8-second run"
    );
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        rk6.try_wait().expect("try_wait").is_none(),
        "rk6 exited while the page was still open"
    );
    drop(b);
    let waited = wait_at_most(&mut rk6, Duration::from_secs(15));
    assert!(
        waited < Duration::from_secs(15),
        "rk6 did not exit once the page closed"
    );
}

#[test]
fn the_seed_scripts_reports_open_cleanly() {
    let Some(dir) = compat_dir() else {
        println!("skipping: ../shared/compat not present");
        return;
    };
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let t = Target::start();
    let echo = common::ws_echo::WsEcho::start();
    let out_dir = Scripts::new();
    for name in ["seed_generation_flow", "seed_minicrit", "seed_inference_ws"] {
        let report = out_dir.path(&format!("{name}.html"));
        let out = Run::rk6()
            .target(&t)
            .env("WS_URL", echo.url())
            .cwd(&dir)
            .args(["run", "-q", "--report"])
            .arg(&report)
            .arg(format!("{name}.js"))
            .timeout(Duration::from_secs(90))
            .output();
        assert!(report.exists(), "{name}: no report\n{}", out.dump());
        open_page(&mut b, &file_url(&report));
        assert_eq!(b.problems(), Vec::<String>::new(), "{name}");
        assert!(b.canvas_is_drawn("canvas"), "{name}: a chart is blank");
        let data = report_data(&report);
        let shown = b.eval(
            "Number(document.querySelector('#stat-requests').textContent.replace(/[^0-9]/g, ''))",
        );
        assert_eq!(
            shown.as_f64(),
            data["totals"]["http_reqs"]["count"].as_f64(),
            "{name}"
        );
        b.screenshot(&shot(&format!("{name}.png")));
    }
}
