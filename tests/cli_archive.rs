//! k6 archives both ways, against the real k6 v1.1: an archive k6 made runs under rk6 with
//! k6's results, an archive rk6 made runs under k6 (and `k6 inspect` reads it), both tools
//! pack the same listing and `metadata.json`, `inspect --execution-requirements` agrees on
//! `maxVUs`/`totalDuration`, an archive runs without the project it came from, and a
//! broken archive is a clear error, never a panic.

mod common;

use std::path::{Path, PathBuf};

use common::diff::*;
use common::*;
use serde_json::Value;

/// A project whose script imports a module that imports another, and opens a data file.
fn project() -> Scripts {
    let dir = Scripts::new();
    dir.write(
        "script.js",
        r#"import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { greet } from './lib/a.js';
const users = JSON.parse(open('./data/users.json'));
const hits = new Counter('hits');
export const options = {
  vus: Number(__ENV.MYVUS || 2),
  iterations: 6,
  thresholds: { hits: ['count>0'] },
};
export default function () {
  const res = http.get(`${__ENV.BASE_URL}/get`);
  check(res, { 'status 200': (r) => r.status === 200 });
  check(greet(users.users[0]), { 'greets from the nested module': (g) => g === 'hi a!' });
  check(__ENV.FOO, { 'archived env': (v) => v === 'bar' });
  hits.add(1);
}
"#,
    );
    dir.write(
        "lib/a.js",
        "import { bang } from './b.js';\nexport function greet(n) { return bang(`hi ${n}`); }\n",
    );
    dir.write("lib/b.js", "export function bang(s) { return s + '!'; }\n");
    dir.write("data/users.json", r#"{"users":["a","b"]}"#);
    dir
}

/// `<tool> archive script.js -e FOO=bar <extra> -O <out>` from the project directory.
fn archive_with(tool: Tool, dir: &Scripts, out: &str, extra: &[&str]) -> Output {
    let out = Run::new(tool)
        .args(["archive", "script.js", "-e", "FOO=bar"])
        .args(extra)
        .args(["-O", out])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert_eq!(out.stdout, "", "{} archive printed on stdout", out.tool);
    out
}

/// (name, type, mode, link) of every entry, and the content of every regular one.
fn listing(path: &Path) -> Vec<(String, char, u32, String, Vec<u8>)> {
    let bytes = std::fs::read(path).expect("read archive");
    let mut tar = tar::Archive::new(&bytes[..]);
    let mut out = Vec::new();
    for e in tar.entries().expect("entries") {
        let mut e = e.expect("entry");
        let h = e.header().clone();
        let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        let link = h
            .link_name()
            .ok()
            .flatten()
            .map(|l| l.display().to_string())
            .unwrap_or_default();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).expect("entry data");
        let kind = h.entry_type().as_byte() as char;
        out.push((name, kind, h.mode().unwrap_or(0), link, data));
    }
    out
}

fn run_archive_pair(archive: &Path) -> (Side, Side) {
    let target = Target::start();
    run_pair(&target, archive, &[])
}

fn compare_runs(k6: &Side, rk6: &Side) {
    let mut d = Diff::default();
    compare_all_checks_pass(&mut d, k6, rk6);
    compare_values(
        &mut d,
        k6,
        rk6,
        &[
            ("iterations", "count"),
            ("hits", "count"),
            ("http_reqs", "count"),
        ],
    );
    d.finish(k6, rk6);
}

#[test]
fn an_archive_k6_made_runs_under_rk6_as_under_k6() {
    if !k6_available() {
        return;
    }
    let dir = project();
    archive_with(Tool::K6, &dir, "k6.tar", &[]);
    let (k6, rk6) = run_archive_pair(&dir.path("k6.tar"));
    compare_runs(&k6, &rk6);
    assert_eq!(rk6.out.code, 0, "{}", rk6.out.dump());
}

#[test]
fn an_archive_rk6_made_runs_under_k6_as_under_rk6() {
    if !k6_available() {
        return;
    }
    let dir = project();
    archive_with(Tool::Rk6, &dir, "rk6.tar", &[]);
    Run::k6()
        .args(["inspect", "rk6.tar"])
        .cwd(dir.dir())
        .output()
        .assert_code(0);
    let (k6, rk6) = run_archive_pair(&dir.path("rk6.tar"));
    compare_runs(&k6, &rk6);
    assert_eq!(k6.out.code, 0, "{}", k6.out.dump());
}

/// Archives `script` with both tools and compares their entries and `metadata.json`.
fn compare_archives(dir: &Scripts, script: &str, flags: &[&str]) {
    let archive = |tool: Tool, out: &str| {
        let run = Run::new(tool)
            .args(["archive", script, "-e", "FOO=bar"])
            .args(flags)
            .args(["-O", out])
            .cwd(dir.dir())
            .output();
        run.assert_code(0);
        assert_eq!(run.stdout, "", "{} archive printed on stdout", run.tool);
    };
    archive(Tool::K6, "k6.tar");
    archive(Tool::Rk6, "rk6.tar");
    let strip = |l: Vec<(String, char, u32, String, Vec<u8>)>| {
        l.into_iter()
            .filter(|e| e.0 != "metadata.json")
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(listing(&dir.path("rk6.tar"))),
        strip(listing(&dir.path("k6.tar"))),
        "entries of {script}"
    );
    let text = |name: &str| {
        let entry = listing(&dir.path(name))
            .into_iter()
            .find(|e| e.0 == "metadata.json")
            .expect("metadata.json");
        let text = String::from_utf8(entry.4).expect("UTF-8 metadata");
        // The one field allowed to differ: which k6 version wrote it.
        text.lines()
            .filter(|l| !l.contains("\"k6version\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(text("rk6.tar"), text("k6.tar"), "metadata.json of {script}");
}

#[test]
fn rk6_packs_the_same_entries_and_metadata_as_k6() {
    if !k6_available() {
        return;
    }
    let dir = project();
    dir.write(
        "scenarios.js",
        r#"export const options = {
  scenarios: {
    a: { executor: 'constant-vus', vus: 2, duration: '90s', gracefulStop: '5s' },
    b: { executor: 'ramping-arrival-rate', timeUnit: '1s', preAllocatedVUs: 2, stages: [{ duration: 3000, target: 2 }] },
    c: { executor: 'shared-iterations', iterations: 2, exec: 'other', env: { A: '<' }, startTime: '1m' },
  },
  userAgent: 'a<b', dns: { ttl: '1m' }, setupTimeout: '90s', ext: { x: { y: '&' } },
};
export function other() {}
export default function () {}
"#,
    );
    let shortcuts = [
        "-u",
        "3",
        "--tag",
        "team=qa",
        "--paused",
        "--no-summary",
        "--quiet",
    ];
    compare_archives(&dir, "script.js", &shortcuts);
    compare_archives(
        &dir,
        "scenarios.js",
        &["--system-tags", "url,proto", "--rps", "5"],
    );
}

#[test]
fn execution_requirements_of_script_and_archive_match_k6() {
    if !k6_available() {
        return;
    }
    let dir = project();
    archive_with(Tool::K6, &dir, "k6.tar", &["-e", "MYVUS=3"]);
    /// `inspect --execution-requirements <flags> <file>` with `env` set.
    struct Case<'a> {
        file: &'a str,
        flags: &'a [&'a str],
        env: Option<(&'a str, &'a str)>,
    }
    let cases = [
        Case {
            file: "script.js",
            flags: &[],
            env: None,
        },
        Case {
            file: "k6.tar",
            flags: &[],
            env: None,
        },
        // The archive's options stand: the script's are not evaluated again.
        Case {
            file: "k6.tar",
            flags: &["-e", "MYVUS=5"],
            env: None,
        },
        Case {
            file: "k6.tar",
            flags: &[],
            env: Some(("K6_VUS", "4")),
        },
    ];
    for Case { file, flags, env } in cases {
        let inspect = |tool: Tool| {
            let mut run = Run::new(tool).args(["inspect", "--execution-requirements"]);
            if let Some((k, v)) = env {
                run = run.env(k, v);
            }
            let out = run.args(flags).arg(file).cwd(dir.dir()).output();
            out.assert_code(0);
            serde_json::from_str::<Value>(&out.stdout).expect("inspect JSON")
        };
        let (k, r) = (inspect(Tool::K6), inspect(Tool::Rk6));
        for key in ["maxVUs", "totalDuration", "vus"] {
            assert_eq!(r[key], k[key], "{key} of {file} {flags:?} {env:?}");
        }
    }
}

#[test]
fn an_archive_runs_after_its_project_is_deleted() {
    let dir = project();
    archive_with(under_test(), &dir, "a.tar", &[]);
    let keep = Scripts::new();
    let tar: PathBuf = keep.path("moved.js");
    std::fs::copy(dir.path("a.tar"), &tar).expect("copy archive");
    drop(dir);
    let target = Target::start();
    let out = Run::rk6()
        .target(&target)
        .args(["run", "-q", "moved.js"])
        .cwd(keep.dir())
        .output();
    out.assert_code(0);
    out.assert_stdout_has("greets from the nested module");
}

/// A copy of `tar` with `edit` applied to each (name, bytes) regular entry.
fn rewritten(tar: &Path, edit: impl Fn(&str, Vec<u8>) -> (String, Vec<u8>)) -> Vec<u8> {
    let mut out = tar::Builder::new(Vec::new());
    for (name, kind, _, _, data) in listing(tar) {
        if kind != '0' {
            continue;
        }
        let (name, data) = edit(&name, data);
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        out.append_data(&mut h, name, &data[..]).expect("append");
    }
    out.into_inner().expect("tar bytes")
}

#[test]
fn a_broken_archive_is_a_clear_error_not_a_panic() {
    let dir = project();
    archive_with(under_test(), &dir, "a.tar", &[]);
    let good = dir.path("a.tar");
    let bytes = std::fs::read(&good).expect("archive");
    dir.write("truncated.tar", &bytes[..1300]);
    let prefix = rewritten(&good, |n, d| (n.replacen("file/", "weird/", 1), d));
    dir.write("prefix.tar", prefix);
    let wasm = rewritten(&good, |n, d| {
        if n != "metadata.json" {
            return (n.to_string(), d);
        }
        let mut m: Value = serde_json::from_slice(&d).expect("metadata");
        m["type"] = "wasm".into();
        (n.to_string(), serde_json::to_vec(&m).expect("json"))
    });
    dir.write("wasm.tar", wasm);
    let cases = [
        ("truncated.tar", "could not load test archive bundle"),
        ("prefix.tar", "unknown file prefix `weird`"),
        ("wasm.tar", "has an unsupported test type 'wasm'"),
    ];
    for (file, says) in cases {
        for cmd in ["run", "inspect"] {
            let out = Run::rk6().args([cmd, file]).cwd(dir.dir()).output();
            assert_eq!(out.code, 255, "{cmd} {file}\n{}", out.dump());
            out.assert_stderr_has(says);
            assert!(!out.stderr.contains("panicked"), "{}", out.dump());
        }
    }
}

#[test]
fn archive_to_stdout_writes_only_the_tar() {
    let dir = project();
    let out = Run::rk6()
        .args(["archive", "script.js", "-O", "-"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert!(out.stdout.starts_with("metadata.json"), "{}", out.dump());
}

#[test]
fn archive_exits_with_k6s_codes_for_what_it_refuses() {
    if !k6_available() {
        return;
    }
    let dir = project();
    dir.write("syntax.js", "export default function () {\n");
    dir.write(
        "threshold.js",
        "export const options = { thresholds: { nope: ['count>1'] } };\nexport default function () {}\n",
    );
    let cases: [&[&str]; 4] = [
        &["syntax.js"],
        &["threshold.js"],
        &["missing.js"],
        &["script.js", "--out", "json=x.json"],
    ];
    for args in cases {
        let code = |tool: Tool| {
            let out = Run::new(tool)
                .arg("archive")
                .args(args)
                .args(["-O", "refused.tar"])
                .cwd(dir.dir())
                .output();
            assert_eq!(out.stdout, "", "{}", out.dump());
            out.code
        };
        assert_eq!(code(Tool::Rk6), code(Tool::K6), "rk6 archive {args:?}");
    }
    assert!(!dir.path("refused.tar").exists());
}
