//! End-to-end behaviour of the rest of the k6 API through the binary: jslib.k6.io imports
//! resolved offline (k6-utils, k6-summary's `textSummary`/`jUnit`, papaparse), remote
//! imports that cannot be, and `k6/data`'s `SharedArray`.

mod common;

use common::*;

#[test]
fn jslib_imports_run_offline() {
    if !rk6_only() {
        // k6 would fetch these from the internet, which the suite does not have.
        return;
    }
    let dir = Scripts::new();
    let src = std::fs::read_to_string(suite_script("jslib_offline.js")).expect("script");
    dir.write("j.js", src);
    let out = Run::rk6()
        .args(["run", "-q", "j.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0)
        .assert_stdout_has("     ✓ papaparse quoted field")
        .assert_stdout_has("     █ g")
        .assert_stdout_has("   ✓ checks...............: 100.00% 8 out of 8");
    assert!(!out.stdout.contains('✗'), "{}", out.dump());
    let junit = std::fs::read_to_string(dir.path("junit.xml")).expect("junit.xml");
    assert!(
        junit.contains("<testcase name=\"checks - rate&gt;0.5\" />"),
        "{junit}"
    );
}

#[test]
fn jslib_url_module_runs_offline_with_whatwg_semantics() {
    if !rk6_only() {
        return;
    }
    let dir = Scripts::new();
    let src = std::fs::read_to_string(suite_script("jslib_url.js")).expect("script");
    dir.write("u.js", src);
    let out = Run::rk6()
        .args(["run", "-q", "--summary-export", "sum.json", "u.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    let checks = Export::read(&dir.path("sum.json")).checks();
    assert_eq!(checks.len(), 11, "{}", out.dump());
    for (name, (passes, fails)) in checks {
        assert_eq!((passes, fails), (1, 0), "check {name}\n{}", out.dump());
    }
}

#[test]
fn unknown_remote_imports_fail_naming_the_url() {
    if !rk6_only() {
        return;
    }
    let out = run_script(
        "r.js",
        "import x from 'https://example.com/lib/1.0/index.js';\nexport default function () { x(); }\n",
        &["-q"],
    );
    out.assert_code(107)
        .assert_stderr_has("remote module 'https://example.com/lib/1.0/index.js' can't be loaded");
}

#[test]
fn shared_array_is_built_once_and_reads_like_k6() {
    let dir = Scripts::new();
    let src = std::fs::read_to_string(suite_script("shared_array.js")).expect("script");
    dir.write("s.js", src);
    let out = Run::rk6()
        .args(["run", "-q", "s.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0)
        .assert_stdout_has("checks_succeeded...................: 100.00% 72 out of 72");
    assert_eq!(out.console_messages(), vec!["building".to_string()]);
}

#[test]
fn webcrypto_digest_and_hmac_give_known_answers() {
    let dir = Scripts::new();
    let src = std::fs::read_to_string(suite_script("webcrypto.js")).expect("script");
    dir.write("w.js", src);
    let out = Run::rk6()
        .args(["run", "-q", "w.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0)
        .assert_stdout_has("checks_succeeded...................: 100.00% 9 out of 9");
}

#[test]
fn html_selections_answer_like_k6() {
    let t = Target::start();
    let dir = Scripts::new();
    let src = std::fs::read_to_string(suite_script("html_selection.js")).expect("script");
    dir.write("h.js", src);
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "h.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0)
        .assert_stdout_has("checks_succeeded...................: 100.00% 14 out of 14");
}

#[test]
fn secrets_come_from_sources_and_never_reach_the_log() {
    let dir = Scripts::new();
    dir.write("secrets.txt", "api_key=abc123secret\n");
    dir.write(
        "s.js",
        r#"
import secrets from 'k6/secrets';
export const options = { iterations: 1 };
export default async function () {
  const v = await secrets.get('api_key');
  console.log(`the key is ${v} (${v.length} chars)`);
  const w = await secrets.source('other').get('pw');
  console.log(`pw=${w}`);
  try { await secrets.get('missing'); } catch (e) { console.log(`missing: ${e}`); }
}
"#,
    );
    let out = Run::rk6()
        .args([
            "run",
            "-q",
            "--no-summary",
            "--secret-source=file=name=default,filename=secrets.txt",
            "--secret-source=mock=name=other,pw=hunter2",
            "s.js",
        ])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![
            "the key is ***SECRET_REDACTED*** (12 chars)",
            "pw=***SECRET_REDACTED***",
            "missing: no value",
        ]
    );
    assert!(!out.stderr.contains("abc123secret") && !out.stderr.contains("hunter2"));
}

#[test]
fn typescript_scripts_run_with_their_types_stripped() {
    let t = Target::start();
    let dir = Scripts::new();
    for f in ["typescript.ts", "ts_helper.ts"] {
        let src = std::fs::read_to_string(suite_script(f)).expect("script");
        dir.write(f, src);
    }
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "typescript.ts"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0)
        .assert_stdout_has("checks_succeeded...................: 100.00% 3 out of 3");
}

#[test]
fn typescript_syntax_errors_name_file_line_and_column() {
    if !rk6_only() {
        return;
    }
    let dir = Scripts::new();
    dir.write(
        "bad.ts",
        "const x: number = ;\nexport default function () {}\n",
    );
    let out = Run::rk6()
        .args(["run", "-q", "bad.ts"])
        .cwd(dir.dir())
        .output();
    out.assert_code(107)
        .assert_stderr_has(&format!("{}:1:19", file_url(&dir.path("bad.ts"))));
}

#[test]
fn absolute_paths_and_file_urls_import_like_relative_ones() {
    let s = Scripts::new();
    let lib = s.write("a dir/lib.js", "export const name = 'lib';\n");
    let abs = lib.display().to_string();
    let file_url = format!("file://{}", abs.replace(' ', "%20"));
    s.write(
        "main.js",
        format!(
            "import {{ name as a }} from '{abs}';\nimport {{ name as b }} from '{file_url}';\nexport default function () {{ console.log(`${{a}} ${{b}}`); }}\n"
        ),
    );
    let out = Run::rk6()
        .args(["run", "-q", "--no-summary", "-i", "1", "main.js"])
        .cwd(s.dir())
        .output();
    out.assert_code(0);
    assert_eq!(out.console_messages(), vec!["lib lib".to_string()]);
}

/// Builtins k6 (goja) lacks are still complete in rk6 when first touched inside an
/// iteration (rk6 creates most builtins on first use).
#[test]
fn builtins_beyond_k6_are_complete_on_first_use() {
    if !rk6_only() {
        return;
    }
    let out = run_script(
        "b.js",
        r#"import { check } from 'k6';
export default function () {
  check(null, {
    'WeakRef': () => { const o = {}; return new WeakRef(o).deref() === o; },
    'FinalizationRegistry': () => typeof new FinalizationRegistry(() => {}).register === 'function',
    'Atomics on SharedArrayBuffer': () => {
      const a = new Int32Array(new SharedArrayBuffer(8));
      Atomics.add(a, 0, 5);
      return Atomics.load(a, 0) === 5 && Object.prototype.toString.call(Atomics) === '[object Atomics]';
    },
    'iterator helpers': () => [1, 2, 3].values().map((x) => x * 2).filter((x) => x > 2).toArray().join() === '4,6',
    'Iterator.from': () => Iterator.from({ next: () => ({ done: true }) }).toArray().length === 0,
    'Map.groupBy': () => Map.groupBy([1, 2, 3], (x) => x % 2).get(1).length === 2,
  });
}
"#,
        &["-q"],
    );
    out.assert_code(0)
        .assert_stdout_has("checks_succeeded...................: 100.00% 6 out of 6");
}

/// rk6 fills a built-in module's named exports only for the names its importers list (see
/// module_exports.js for what k6 also does). A namespace import reaches every export, and
/// so does a dynamic `import()` (which k6 v1.1 does not support) made after the module was
/// evaluated for named imports only; `require` gets the default object.
#[test]
fn builtin_modules_give_every_export_to_namespace_dynamic_and_require_importers() {
    if !rk6_only() {
        return;
    }
    let out = run_script(
        "ns.js",
        r#"import { check } from 'k6';
import http, { get } from 'k6/http';
import * as ns from 'k6/encoding';
const cjs = require('k6/crypto');
export default async function () {
  const late = await import('k6/http');
  const again = await import('k6/http');
  check(null, {
    'namespace import': () => typeof ns.b64encode === 'function' && ns.b64encode('a') === 'YQ==',
    'dynamic import after a partial fill': () =>
      late.head === http.head && late.get === get && late.default === http && late.TLS_1_3 === 'tls1.3',
    'a second dynamic import': () => again.patch === http.patch,
    'require gets the default object': () => typeof cjs.sha256 === 'function',
  });
}
"#,
        &["-q"],
    );
    out.assert_code(0)
        .assert_stdout_has("checks_succeeded...................: 100.00% 4 out of 4");
}
