//! grafana/k6's own examples and `internal/cmd/testdata` scripts (v1.1.0), adapted to local
//! servers in `tests/upstream/` (see its README), run under k6 v1.1 and rk6 against the same
//! servers. Judged per script: the exit code, whether a summary export was written, metric
//! names, check names and counts (exact where the manifest says the run is deterministic),
//! threshold verdicts (except timing-dependent ones the manifest names) and error lines.
//!
//! A manifest entry's `rk6_differs` maps an aspect (`exit`, `metrics`, `checks`,
//! `thresholds`, `errors`) to why rk6 differs there today: that aspect is reported, not
//! judged. Entries with `skip` (a browser, Redis) are listed and not run.
//!
//! Every run is bounded (90 s); a run that hangs fails the test naming its script. Skipped
//! (passing) without `k6` on PATH.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use common::server::Server;
use common::ws_echo::WsEcho;
use common::*;

/// Scripts run at once: each is a few VUs for a few seconds.
const WORKERS: usize = 3;

struct Entry {
    name: String,
    script: String,
    args: Vec<String>,
    env: BTreeMap<String, String>,
    needs: Vec<String>,
    exact_checks: bool,
    timing_thresholds: Vec<String>,
    differs: BTreeMap<String, String>,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The manifest's runnable entries, and the skipped ones with their reasons.
fn manifest(dir: &Path) -> (Vec<Entry>, Vec<(String, String)>) {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("read manifest.json");
    let all: Value = serde_json::from_str(&text).expect("manifest.json is JSON");
    let (mut run, mut skipped) = (Vec::new(), Vec::new());
    for e in all.as_array().expect("manifest is an array") {
        let name = e["name"].as_str().expect("entry name").to_string();
        if let Some(why) = e["skip"].as_str() {
            skipped.push((name, why.to_string()));
            continue;
        }
        run.push(Entry {
            name,
            script: e["script"].as_str().expect("entry script").to_string(),
            args: strings(&e["args"]),
            env: string_map(&e["env"]),
            needs: strings(&e["needs"]),
            exact_checks: e["checks"] == "exact",
            timing_thresholds: strings(&e["timing_thresholds"]),
            differs: string_map(&e["rk6_differs"]),
        });
    }
    (run, skipped)
}

/// The servers the entries need, started once for the whole run.
struct Servers {
    env: Vec<(String, String)>,
    _httpbin: Option<Server>,
    _tls: Option<Server>,
    _ws: Option<WsEcho>,
    _grpc: Option<Server>,
}

impl Servers {
    fn start(entries: &[Entry], dir: &Path) -> Servers {
        let needs = |what: &str| entries.iter().any(|e| e.needs.iter().any(|n| n == what));
        let mut env = Vec::new();
        let httpbin = needs("httpbin").then(Server::httpbin);
        if let Some(s) = &httpbin {
            env.push(("HTTPBIN".to_string(), s.http_url()));
        }
        let tls = needs("httpbin_tls").then(Server::httpbin_tls);
        if let Some(s) = &tls {
            env.push(("HTTPBIN_TLS".to_string(), s.https_url()));
        }
        let ws = needs("ws").then(WsEcho::start);
        if let Some(s) = &ws {
            env.push(("WS_ECHO".to_string(), s.url()));
        }
        let grpc = needs("grpc").then(|| Server::grpc_route_guide(&dir.join("servers")));
        if let Some(s) = &grpc {
            env.push(("GRPC_ADDR".to_string(), s.addr.to_string()));
        }
        Servers {
            env,
            _httpbin: httpbin,
            _tls: tls,
            _ws: ws,
            _grpc: grpc,
        }
    }
}

/// What one tool did with one script.
struct Outcome {
    code: i32,
    export: Option<Export>,
    /// Distinct error lines: how often one repeats depends on how many iterations ran.
    errors: BTreeSet<String>,
}

fn run_one(tool: Tool, e: &Entry, dir: &Path, out: &Path, env: &[(String, String)]) -> Outcome {
    let export = out.join(format!("{}.{}.json", e.name, tool.name()));
    let _ = std::fs::remove_file(&export);
    let mut run = Run::new(tool)
        .args(["run", "-q", "--summary-export"])
        .arg(&export)
        .args(&e.args)
        .arg(&e.script)
        .cwd(dir)
        .timeout(Duration::from_secs(90));
    for (k, v) in env.iter().map(|(k, v)| (k, v)).chain(e.env.iter()) {
        run = run.env(k, v);
    }
    let o = run.output();
    let errors = o
        .log_lines()
        .into_iter()
        .filter(|l| l.level == "error")
        .map(|l| {
            let msg = without_k6_offsets(&l.msg);
            // k6 lists native frames (`at go.k6.io/k6/...`, `at Group-fm (native)`).
            msg.lines()
                .filter(|f| !f.contains("(native)"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    Outcome {
        code: o.code,
        export: export.exists().then(|| Export::read(&export)),
        errors,
    }
}

/// Check path -> (passes, fails), from the export's group tree.
fn checks(export: &Export) -> BTreeMap<String, (u64, u64)> {
    fn walk(group: &Value, path: &str, acc: &mut BTreeMap<String, (u64, u64)>) {
        for (name, c) in group["checks"].as_object().into_iter().flatten() {
            let n = |f: &str| c[f].as_u64().unwrap_or(0);
            acc.insert(format!("{path}::{name}"), (n("passes"), n("fails")));
        }
        for (name, g) in group["groups"].as_object().into_iter().flatten() {
            walk(g, &format!("{path}::{name}"), acc);
        }
    }
    let mut acc = BTreeMap::new();
    walk(&export.json["root_group"], "", &mut acc);
    acc
}

/// Differences between k6 (`a`) and rk6 (`b`) on `e`, as `aspect: what` lines.
fn compare(e: &Entry, a: &Outcome, b: &Outcome) -> Vec<(&'static str, String)> {
    let mut d = Vec::new();
    if a.code != b.code {
        d.push(("exit", format!("exit code {} vs {}", a.code, b.code)));
    }
    match (&a.export, &b.export) {
        (Some(x), Some(y)) => compare_exports(e, x, y, &mut d),
        (None, None) => {}
        (x, _) => d.push((
            "exit",
            format!(
                "only {} wrote a summary export",
                if x.is_some() { "k6" } else { "rk6" }
            ),
        )),
    }
    if a.errors != b.errors {
        d.push((
            "errors",
            format!("error lines\n  k6:  {:?}\n  rk6: {:?}", a.errors, b.errors),
        ));
    }
    d
}

fn compare_exports(e: &Entry, x: &Export, y: &Export, d: &mut Vec<(&'static str, String)>) {
    // `vus`/`vus_max` are sampled once a second: a run of about a second may end before
    // either tool's first sample, so their presence is not judged.
    let sampled = |n: &String| n != "vus" && n != "vus_max";
    let names =
        |e: &Export| -> BTreeSet<String> { e.metric_names().into_iter().filter(sampled).collect() };
    let (mx, my) = (names(x), names(y));
    if mx != my {
        let only = |p: &BTreeSet<String>, q: &BTreeSet<String>| {
            p.difference(q).cloned().collect::<Vec<_>>().join(", ")
        };
        d.push((
            "metrics",
            format!(
                "metrics only in k6: [{}], only in rk6: [{}]",
                only(&mx, &my),
                only(&my, &mx)
            ),
        ));
    }
    let (cx, cy) = (checks(x), checks(y));
    let same_checks = if e.exact_checks {
        cx == cy
    } else {
        cx.keys().eq(cy.keys())
    };
    if !same_checks {
        d.push(("checks", format!("checks {cx:?} vs {cy:?}")));
    }
    let timing = |m: &str| e.timing_thresholds.iter().any(|t| t == m);
    let (tx, ty) = (x.thresholds(), y.thresholds());
    for m in tx.keys().chain(ty.keys()).collect::<BTreeSet<_>>() {
        if !timing(m) && tx.get(m) != ty.get(m) {
            d.push((
                "thresholds",
                format!("thresholds on {m}: {:?} vs {:?}", tx.get(m), ty.get(m)),
            ));
        }
    }
}

#[test]
fn k6_examples_and_testdata_give_k6_results() {
    if !k6_available() {
        return;
    }
    let dir = repo_root().join("tests").join("upstream");
    let (entries, skipped) = manifest(&dir);
    for (name, why) in &skipped {
        eprintln!("not run: {name}: {why}");
    }
    let servers = Servers::start(&entries, &dir);
    let out = Scripts::new();
    let queue = Arc::new(Mutex::new(entries.into_iter().collect::<Vec<_>>()));
    let report = Arc::new(Mutex::new(Vec::new()));
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            let (queue, report, env, dir, out) =
                (queue.clone(), report.clone(), &servers.env, &dir, out.dir());
            s.spawn(move || loop {
                let Some(e) = queue.lock().unwrap_or_else(|p| p.into_inner()).pop() else {
                    break;
                };
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let k6 = run_one(Tool::K6, &e, dir, out, env);
                    let rk6 = run_one(Tool::Rk6, &e, dir, out, env);
                    compare(&e, &k6, &rk6)
                }));
                let lines = match result {
                    Ok(d) => d
                        .into_iter()
                        .map(|(aspect, what)| match e.differs.get(aspect) {
                            Some(why) => (false, format!("known ({why}): {what}")),
                            None => (true, what),
                        })
                        .collect(),
                    // A hang or a broken run: Run::output names the script and the tool.
                    Err(p) => vec![(true, panic_text(&p))],
                };
                report
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((e.script.clone(), lines));
            });
        }
    });
    let report = report.lock().unwrap_or_else(|p| p.into_inner());
    let mut failures = Vec::new();
    for (script, lines) in report.iter() {
        for (judged, line) in lines {
            eprintln!("{script}: {line}");
            if *judged {
                failures.push(format!("{script}: {line}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} difference(s) from k6:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panicked".to_string())
}
