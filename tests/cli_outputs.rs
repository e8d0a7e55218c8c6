//! End-to-end `--out`: k6's JSON and CSV files (nothing lost: point counts equal the
//! summary's), gzip, several outputs at once, unknown types; InfluxDB v1 against a real
//! InfluxDB 1.6 and v2 (`xk6-influxdb`) against VictoriaMetrics (Debian packages the suite
//! starts on loopback); a store killed mid-run costs warnings, never the run or the files.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::influx::{Influx1, Victoria};
use common::peer::TlsPeer;
use common::*;
use serde_json::Value;

const SCRIPT: &str = r#"
import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 2, iterations: 20, tags: { testid: 'out1' } };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/get`);
  check(r, { 'status 200': (x) => x.status === 200 });
}
"#;

/// Lines of a JSON output file (gunzipped when it ends in `.gz`).
fn json_lines(path: &std::path::Path) -> Vec<Value> {
    let text = if path.extension().is_some_and(|e| e == "gz") {
        let out = Command::new("gzip")
            .arg("-dc")
            .arg(path)
            .output()
            .expect("gzip");
        String::from_utf8_lossy(&out.stdout).into_owned()
    } else {
        std::fs::read_to_string(path).expect("read json output")
    };
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
        .collect()
}

/// Points per metric name.
fn point_counts(lines: &[Value]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for l in lines.iter().filter(|l| l["type"] == "Point") {
        *out.entry(l["metric"].as_str().unwrap_or("").to_string())
            .or_default() += 1;
    }
    out
}

/// Runs [`SCRIPT`] against a fresh target with `args` and `env`; returns its directory.
fn run_suite(args: &[&str], env: &[(&str, String)]) -> (Scripts, Output) {
    let t = Target::start();
    let dir = Scripts::new();
    dir.write("s.js", SCRIPT);
    let out = run_with(&t, &dir, args, env);
    (dir, out)
}

fn run_with(t: &Target, dir: &Scripts, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut run = Run::rk6()
        .target(t)
        .args(["run", "--summary-export", "sum.json"]);
    for a in args {
        run = run.arg(a);
    }
    for (k, v) in env {
        run = run.env(k, v);
    }
    run.arg("s.js").cwd(dir.dir()).output()
}

#[test]
fn json_and_csv_files_hold_every_sample() {
    let (dir, out) = run_suite(
        &[
            "--out",
            "json=o.json",
            "--out",
            "json=o.json.gz",
            "-o",
            "csv=o.csv",
        ],
        &[],
    );
    out.assert_code(0)
        .assert_stdout_has("output: json (o.json), json (o.json.gz), csv (o.csv)");
    let ex = Export::read(&dir.path("sum.json"));
    let reqs = ex.num("http_reqs", "count") as u64;
    assert_eq!(reqs, 20);
    for file in ["o.json", "o.json.gz"] {
        let lines = json_lines(&dir.path(file));
        let counts = point_counts(&lines);
        assert_eq!(counts["http_reqs"], reqs, "{file}");
        assert_eq!(counts["checks"], 20, "{file}");
        assert_eq!(counts["iterations"], 20, "{file}");
        let metric_lines: Vec<&str> = lines
            .iter()
            .filter(|l| l["type"] == "Metric")
            .map(|l| l["metric"].as_str().unwrap_or(""))
            .collect();
        let mut unique = metric_lines.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            metric_lines.len(),
            "one Metric line per metric"
        );
        let first_req = lines
            .iter()
            .find(|l| l["metric"] == "http_reqs" && l["type"] == "Point")
            .expect("an http_reqs point");
        assert_eq!(first_req["data"]["tags"]["testid"], "out1");
        assert_eq!(first_req["data"]["tags"]["status"], "200");
        assert_eq!(first_req["data"]["value"], 1);
        let dur = lines
            .iter()
            .find(|l| l["metric"] == "http_req_duration" && l["type"] == "Metric")
            .expect("http_req_duration declared");
        assert_eq!(dur["data"]["type"], "trend");
        assert_eq!(dur["data"]["contains"], "time");
        assert_eq!(
            dur["data"]["submetrics"][0]["name"],
            "http_req_duration{expected_response:true}"
        );
    }
    let csv = std::fs::read_to_string(dir.path("o.csv")).expect("csv");
    let mut rows = csv.lines();
    assert_eq!(
        rows.next(),
        Some("metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata")
    );
    let http_rows: Vec<&str> = rows.filter(|r| r.starts_with("http_reqs,")).collect();
    assert_eq!(http_rows.len() as u64, reqs);
    assert!(http_rows[0].contains(",1.000000,"), "{}", http_rows[0]);
    assert!(http_rows[0].ends_with(",testid=out1,"), "{}", http_rows[0]);
}

#[test]
fn unknown_output_type_exits_255() {
    let out = run_script(
        "u.js",
        "export default function () {}\n",
        &["--out", "bogus=x"],
    );
    out.assert_code(255)
        .assert_stderr_has("invalid output type 'bogus', available types are:");
}

#[test]
fn influxdb_v1_receives_every_point() {
    if !rk6_only() {
        return;
    }
    let influx = Influx1::start();
    let (dir, out) = run_suite(
        &[
            "--out",
            &format!("influxdb={}/rk6db", influx.url()),
            "--out",
            "json=o.json",
        ],
        &[],
    );
    out.assert_code(0).assert_stdout_has(&format!(
        "output: InfluxDBv1 ({}), json (o.json)",
        influx.url()
    ));
    let ex = Export::read(&dir.path("sum.json"));
    assert_eq!(
        influx.count_reaching("rk6db", "http_reqs", ex.num("http_reqs", "count") as u64),
        ex.num("http_reqs", "count") as u64
    );
    assert_eq!(influx.count_reaching("rk6db", "checks", 20), 20);
    // k6's shape: url is a field (tagsAsFields default), status and testid are tags.
    let keys = influx.query("rk6db", "SHOW TAG KEYS FROM \"http_reqs\"");
    let keys = keys.to_string();
    assert!(
        keys.contains("\"status\"") && keys.contains("\"testid\""),
        "{keys}"
    );
    assert!(!keys.contains("\"url\""), "{keys}");
    let fields = influx
        .query("rk6db", "SHOW FIELD KEYS FROM \"http_reqs\"")
        .to_string();
    assert!(
        fields.contains("\"url\"") && fields.contains("\"value\""),
        "{fields}"
    );
}

#[test]
fn a_store_killed_mid_run_loses_no_file_output() {
    if !rk6_only() {
        return;
    }
    let t = Target::start();
    let mut influx = Influx1::start();
    let dir = Scripts::new();
    dir.write(
        "s.js",
        "import http from 'k6/http';\nimport { sleep } from 'k6';\nexport const options = { vus: 2, duration: '4s' };\nexport default function () { http.get(`${__ENV.BASE_URL}/get`); sleep(0.05); }\n",
    );
    let url = format!("influxdb={}/killed", influx.url());
    let killer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        influx.kill();
    });
    let out = run_with(&t, &dir, &["--out", &url, "--out", "json=o.json"], &[]);
    killer.join().expect("killer");
    out.assert_code(0)
        .assert_stderr_has("level=error msg=\"Couldn't write stats\"")
        .assert_stderr_has("output=InfluxDBv1")
        .assert_stderr_has("InfluxDBv1 could not deliver");
    let ex = Export::read(&dir.path("sum.json"));
    let counts = point_counts(&json_lines(&dir.path("o.json")));
    assert_eq!(counts["http_reqs"], ex.num("http_reqs", "count") as u64);
}

#[test]
fn xk6_influxdb_writes_through_the_v2_api() {
    if !rk6_only() {
        return;
    }
    let vm = Victoria::start();
    let (dir, out) = run_suite(
        &["--out", &format!("xk6-influxdb={}", vm.url())],
        &[
            ("K6_INFLUXDB_ORGANIZATION", "org".to_string()),
            ("K6_INFLUXDB_BUCKET", "k6".to_string()),
            ("K6_INFLUXDB_TOKEN", "secret-token".to_string()),
        ],
    );
    out.assert_code(0);
    assert!(!out.stderr.contains("secret-token"), "{}", out.dump());
    let ex = Export::read(&dir.path("sum.json"));
    let want = ex.num("http_reqs", "count") as usize;
    // Fresh data becomes visible within about a second of a flush.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let (series, points) = loop {
        let series = vm.export("{__name__=\"http_reqs_value\"}");
        let points: usize = series
            .iter()
            .map(|s| s["values"].as_array().map_or(0, Vec::len))
            .sum();
        if points >= want || std::time::Instant::now() > deadline {
            break (series, points);
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert_eq!(points, want);
    assert_eq!(series[0]["metric"]["testid"], "out1");
}

#[test]
fn xk6_influxdb_lines_pass_influxdbs_strict_parser() {
    if !rk6_only() {
        return;
    }
    let t = Target::start();
    let influx = Influx1::start();
    let _ = influx.query("", "CREATE DATABASE \"strict\"");
    let shim = common::influx::V2Shim::start(&influx);
    let dir = Scripts::new();
    // Tags that need escaping (spaces, commas, equals signs) in the line protocol.
    dir.write(
        "s.js",
        SCRIPT.replace("testid: 'out1'", "testid: 'a b,c=d'"),
    );
    let out = run_with(
        &t,
        &dir,
        &["--out", &format!("xk6-influxdb={}", shim.url())],
        &[
            ("K6_INFLUXDB_ORGANIZATION", "org".to_string()),
            ("K6_INFLUXDB_BUCKET", "strict".to_string()),
            ("K6_INFLUXDB_TOKEN", "t".to_string()),
        ],
    );
    out.assert_code(0);
    assert!(
        !out.stderr.contains("Couldn't write stats"),
        "{}",
        out.dump()
    );
    assert_eq!(influx.count_reaching("strict", "http_reqs", 20), 20);
    let tags = influx
        .query(
            "strict",
            "SHOW TAG VALUES FROM \"http_reqs\" WITH KEY = \"testid\"",
        )
        .to_string();
    assert!(tags.contains("a b,c=d"), "{tags}");
}

#[test]
fn k6_out_environment_variable_selects_an_output() {
    let (dir, out) = run_suite(&[], &[("K6_OUT", "json=env.json,csv=env.csv".to_string())]);
    out.assert_code(0)
        .assert_stdout_has("output: json (env.json), csv (env.csv)");
    let counts = point_counts(&json_lines(&dir.path("env.json")));
    assert_eq!(counts["http_reqs"], 20);
    let csv = std::fs::read_to_string(dir.path("env.csv")).expect("csv output");
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("http_reqs,")).count(),
        20
    );
}

#[test]
fn csv_time_format_and_file_name_come_from_the_environment() {
    let (dir, out) = run_suite(
        &["--out", "csv"],
        &[
            ("K6_CSV_FILENAME", "env.csv".to_string()),
            ("K6_CSV_TIME_FORMAT", "rfc3339_nano".to_string()),
            ("K6_CSV_SAVE_INTERVAL", "2s".to_string()),
        ],
    );
    out.assert_code(0)
        .assert_stdout_has("output: csv (env.csv)");
    let csv = std::fs::read_to_string(dir.path("env.csv")).expect("env.csv");
    let row = csv.lines().nth(1).expect("a data row");
    let ts = row.split(',').nth(1).expect("timestamp");
    assert!(
        ts.starts_with("20") && ts.ends_with('Z') && ts.contains('T'),
        "{row}"
    );
}

#[test]
fn vu_iter_and_script_metadata_reach_json_and_csv_as_metadata_not_tags() {
    let t = Target::start();
    let dir = Scripts::new();
    dir.write(
        "s.js",
        r#"
import http from 'k6/http';
import exec from 'k6/execution';
export const options = { vus: 1, iterations: 2 };
export default function () {
  if (exec.vu.iterationInInstance === 1) { exec.vu.metrics.metadata.trace_id = 'abc'; }
  http.get(`${__ENV.BASE_URL}/get`);
  delete exec.vu.metrics.metadata.trace_id;
}
"#,
    );
    let out = run_with(
        &t,
        &dir,
        &[
            "-q",
            "--system-tags=vu,iter,method,status",
            "--out",
            "json=o.json",
            "--out",
            "csv=o.csv",
        ],
        &[],
    );
    out.assert_code(0);
    let metadata: Vec<BTreeMap<String, String>> = json_lines(&dir.path("o.json"))
        .iter()
        .filter(|l| l["type"] == "Point" && l["metric"] == "http_reqs")
        .map(|l| {
            assert!(l["data"]["tags"].get("vu").is_none(), "vu is no tag: {l}");
            serde_json::from_value(l["data"]["metadata"].clone()).expect("metadata object")
        })
        .collect();
    let expected = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        metadata,
        vec![
            expected(&[("vu", "1"), ("iter", "0")]),
            expected(&[("vu", "1"), ("iter", "1"), ("trace_id", "abc")]),
        ]
    );
    let csv = std::fs::read_to_string(dir.path("o.csv")).expect("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("metric_name,timestamp,metric_value,method,status,extra_tags,metadata")
    );
    let http_reqs: Vec<&str> = lines.filter(|l| l.starts_with("http_reqs,")).collect();
    assert_eq!(http_reqs.len(), 2, "{csv}");
    assert!(http_reqs[0].ends_with(",GET,200,,vu=1&iter=0"), "{csv}");
    let last: std::collections::BTreeSet<&str> = http_reqs[1]
        .rsplit(',')
        .next()
        .unwrap_or("")
        .split('&')
        .collect();
    assert_eq!(
        last,
        ["iter=1", "trace_id=abc", "vu=1"].into_iter().collect()
    );
}

/// `insecure` (`K6_INFLUXDB_INSECURE`) skips certificate checks for an `https://` InfluxDB.
/// The peer is nginx with a certificate from a CA nobody trusts, proxying to the built-in
/// target (which has no `/write`): without `insecure` the writes fail on the certificate,
/// with it they reach the server and fail on its 404.
#[test]
fn influxdb_insecure_skips_certificate_verification() {
    if !rk6_only() {
        return;
    }
    let t = Target::start();
    let peer = TlsPeer::start(&t);
    let dir = Scripts::new();
    dir.write(
        "s.js",
        "export const options = { iterations: 1 };\nexport default function () {}\n",
    );
    let url = format!("influxdb={}/db", TlsPeer::url(peer.tls12));
    let strict = run_with(&t, &dir, &["-q", "--out", &url], &[]);
    strict
        .assert_code(0)
        .assert_stderr_has("Couldn't write stats");
    assert!(strict.stderr.contains("certificate"), "{}", strict.dump());
    let insecure = run_with(
        &t,
        &dir,
        &["-q", "--out", &url],
        &[("K6_INFLUXDB_INSECURE", "true".to_string())],
    );
    insecure
        .assert_code(0)
        .assert_stderr_has("Couldn't write stats");
    assert!(
        !insecure.stderr.contains("certificate"),
        "{}",
        insecure.dump()
    );
    assert!(insecure.stderr.contains("404"), "{}", insecure.dump());
}

/// An InfluxDB that refuses every connection: the run and the JSON file are unaffected,
/// each batch is retried a bounded number of times, and the final warning counts exactly
/// the points that never arrived (all of them).
#[test]
fn a_refusing_store_costs_a_counted_warning_and_nothing_else() {
    if !rk6_only() {
        return;
    }
    let (dir, out) = run_suite(
        &[
            "-q",
            "--out",
            "influxdb=http://127.0.0.1:1/db",
            "--out",
            "json=o.json",
        ],
        &[("K6_INFLUXDB_PUSH_INTERVAL", "200ms".to_string())],
    );
    out.assert_code(0)
        .assert_stderr_has("level=error msg=\"Couldn't write stats\"");
    let points: u64 = point_counts(&json_lines(&dir.path("o.json")))
        .values()
        .sum();
    let warning = out
        .stderr
        .lines()
        .find(|l| l.contains("could not deliver"))
        .unwrap_or_else(|| panic!("no undelivered warning\n{}", out.dump()));
    let undelivered: u64 = warning
        .split("could not deliver ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {warning}"));
    assert_eq!(undelivered, points, "{warning}");
}
