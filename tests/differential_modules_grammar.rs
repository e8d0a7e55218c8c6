//! The ES module grammar as scripts use it — every `export` and `import` form of
//! test262's module-code tests (declarations, defaults, renames, string names, re-exports,
//! namespaces, side-effect imports, cycles, top-level await) — run under k6 v1.1 and rk6:
//! the same exit code and console lines (for load errors: the same exit code and one error
//! line each). Skipped (passing) without `k6` on PATH.

mod common;

use std::time::Duration;

use common::*;

/// One case: its files; the first is the script run.
const CASES: &[&[(&str, &str)]] = &[
    &[
        (
            "main.js",
            r#"import def, { a, b, c, f, g, af, K, dd, "str name" as sn } from './lib.js';
import * as all from './lib.js';
import { default as def2 } from './lib.js';
export default async function () {
  console.log([def(), a, b, c, f(), g().next().value, await af(), new K().k(), dd, sn].join());
  console.log(Object.keys(all).sort().join(), def2 === def);
}
"#,
        ),
        (
            "lib.js",
            r#"export const a = 1;
export let b = 2;
export var c = 3;
export function f() { return 'f'; }
export function* g() { yield 'g'; }
export async function af() { return 'af'; }
export class K { k() { return 'K'; } }
const d = 4;
export { d as dd, d as "str name" };
export default function () { return 'def'; }
"#,
        ),
    ],
    &[
        (
            "main.js",
            r#"import { ra, rdef, ns, a } from './re.js';
export default function () { console.log(ra, rdef(), ns.a, a, typeof ns.default); }
"#,
        ),
        (
            "re.js",
            "export * from './lib.js';\nexport * as ns from './lib.js';\nexport { a as ra, default as rdef } from './lib.js';\n",
        ),
        ("lib.js", "export const a = 1;\nexport default function () { return 'd'; }\n"),
    ],
    &[
        (
            "main.js",
            r#"import C from './c.js'; import n from './n.js'; import o from './o.js';
import arrow from './arrow.js'; import aarrow from './aarrow.js'; import fe from './fe.js';
export default async function () { console.log(new C().m(), n, o.k, arrow(2), await aarrow(3), fe()); }
"#,
        ),
        ("c.js", "export default class { m() { return 'anon class'; } }\n"),
        ("n.js", "export default 6 * 7;\n"),
        ("o.js", "export default { k: 'object' };\n"),
        ("arrow.js", "export default x => x * 2;\n"),
        ("aarrow.js", "export default async (x) => x * 3;\n"),
        ("fe.js", "export default (function named() { return named.name; });\n"),
    ],
    &[
        (
            "main.js",
            r#"import './side.js';
import { count } from './cycle_a.js';
const data = await Promise.resolve('top-level await');
const x = 5; export { x as default };
export function tick() {}
export const options = { iterations: 1 };
export { default as alsoDefault } from './n.js';
console.log(globalThis.sideEffect, count(), data);
"#,
        ),
        ("side.js", "globalThis.sideEffect = 'side effect ran';\n"),
        (
            "cycle_a.js",
            "import { b } from './cycle_b.js';\nexport function count() { return b() + 1; }\nexport const a = 1;\n",
        ),
        (
            "cycle_b.js",
            "import { a } from './cycle_a.js';\nexport function b() { return a + 1; }\n",
        ),
        ("n.js", "export default 1;\n"),
    ],
    &[
        // Load errors: a duplicate default, a missing import, no default function, no function.
        ("main.js", "export default function () {}\nexport default function () {}\n"),
    ],
    &[
        ("main.js", "import { nope } from './lib.js';\nexport default function () {}\n"),
        ("lib.js", "export const yes = 1;\n"),
    ],
    &[("main.js", "const x = 5;\nexport { x as default };\nexport function tick() {}\n")],
    &[("main.js", "export const options = {};\n")],
];

fn outcome(tool: Tool, files: &[(&str, &str)]) -> (i32, Vec<String>) {
    let dir = Scripts::new();
    for (name, src) in files {
        dir.write(name, src);
    }
    let out = Run::new(tool)
        .args(["run", "-q", "--no-summary", "--iterations", "1"])
        .arg(files[0].0)
        .cwd(dir.dir())
        .timeout(Duration::from_secs(30))
        .output();
    let lines = out
        .log_lines()
        .into_iter()
        .filter(|l| l.raw.contains("source=console") || l.level == "error")
        .map(|l| format!("{} {}", l.level, first_line(&l.msg)))
        .collect();
    (out.code, lines)
}

/// An error's first line: its wording differs between the engines; the exit code and
/// that there is one are what is judged for error cases.
fn first_line(msg: &str) -> String {
    msg.lines().next().unwrap_or("").to_string()
}

#[test]
fn module_import_and_export_forms_run_like_k6() {
    if !k6_available() {
        return;
    }
    for files in CASES {
        let (k6, rk6) = (outcome(Tool::K6, files), outcome(Tool::Rk6, files));
        if k6.0 == 0 {
            assert_eq!(rk6, k6, "rk6 (left) vs k6 (right) for {}", files[0].1);
        } else {
            assert_eq!(
                rk6.0, k6.0,
                "exit code for {}: rk6 {rk6:?}, k6 {k6:?}",
                files[0].1
            );
            assert_eq!(
                rk6.1.len(),
                k6.1.len(),
                "error lines: rk6 {rk6:?}, k6 {k6:?}"
            );
        }
    }
}
