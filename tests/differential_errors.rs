//! Runtime errors as a k6 user reads them: the message and `file:line:col` of the most
//! common script mistakes (a property of undefined, a missing method, calling a
//! non-function, an undefined name) under k6 v1.1 and rk6. k6 appends a bytecode offset
//! `(N)` to each position; it is dropped before comparing. Skipped without `k6` on PATH.

mod common;

use common::*;

/// Each line is a script's init code that throws.
const MISTAKES: [&str; 18] = [
    "let a; a.bar;",
    "let a = null; a.bar;",
    "let o = {}; o.foo();",
    "let x = 5; x();",
    "nofn();",
    "function f() {}\nf();\nnofn();",
    "const f = undefined; f();",
    "let a; a.bar = 1;",
    "let s = 'x'; s.foo();",
    "let o = { b: 1 }; o.b();",
    "let arr = []; arr[0].name;",
    "({})();",
    "let o = {}; o['y']();",
    "Object.keys(undefined);",
    "throw 'boom';",
    "let s = 'abc'; s.match('zzz')[1];",
    "\n  someUndefinedVar;",
    "throw { code: 42 };",
];

/// The error line's message and first position, without k6's `(N)` offset.
fn first_error(out: &Output) -> (i32, String) {
    let line = out
        .log_lines()
        .into_iter()
        .find(|l| l.level == "error")
        .unwrap_or_else(|| panic!("no error line\n{}", out.dump()));
    let mut first = line.msg.lines().take(2).collect::<Vec<_>>().join(" | ");
    // k6's `(N)` bytecode offset after the last position, if any: `…:2:3(4))` -> `…:2:3)`.
    let bare = first.trim_end_matches(')');
    if let Some(open) = bare.rfind('(') {
        let inner = &bare[open + 1..];
        if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
            first = format!("{}{}", &bare[..open], &first[bare.len() + 1..]);
        }
    }
    (out.code, first)
}

/// The first error of `tool run` on `src`, with the script's directory masked.
fn run_error(tool: Tool, src: &str) -> (i32, String) {
    let (dir, path) = script("e.js", src);
    let out = Run::new(tool)
        .args(["run", "-q", "--no-summary", "--iterations", "1"])
        .arg(&path)
        .cwd(dir.dir())
        .output();
    // The script's directory differs per run.
    let (code, msg) = first_error(&out);
    (code, msg.replace(&file_url(dir.dir()), "DIR"))
}

#[test]
fn common_runtime_errors_read_like_k6() {
    if !k6_available() {
        return;
    }
    for code in MISTAKES {
        let src = format!("{code}\nexport default function () {{}}\n");
        let (mut rk6, mut k6) = (run_error(Tool::Rk6, &src), run_error(Tool::K6, &src));
        if code.contains("= 1") || code.starts_with("Object.") {
            // k6 places a failed write at the property name (rk6 at the object), and
            // lists native frames (`at keys (native)`) that rk6 leaves out.
            for side in [&mut rk6, &mut k6] {
                side.1.truncate(side.1.find(" | ").unwrap_or(side.1.len()));
            }
        }
        assert_eq!(rk6, k6, "rk6 (left) vs k6 (right) for {code:?}");
    }
}

/// Errors thrown in an iteration (named frames) and in a CommonJS script's top level (whose
/// wrapper must not shift positions), at k6's positions.
#[test]
fn error_positions_match_k6() {
    if !k6_available() {
        return;
    }
    for src in [
        "export default function () {\n  throw 'str';\n}\n",
        "export default function () {\n  const s = 'abc'; const m = s.match('zzz')[1];\n}\n",
        "export default function () {\n  const o = {}; const v = o.foo.bar;\n}\n",
        "export default function () {\n  nothing(1);\n}\n",
        "// cjs\nvar x = 1;\n  someUndefinedVar;\nmodule.exports.default = function () {};\n",
        "var x = 1;\nmodule.exports.default = function () { throw new Error('in cjs'); };\n",
        // Line 1 of a CommonJS script: k6's frames count its wrapper's columns.
        "var x = 1; nothing();\nmodule.exports.default = function () {};\n",
        "module.exports.default = function () { throw new Error('one'); };\n",
    ] {
        let (rk6, k6) = (run_error(Tool::Rk6, src), run_error(Tool::K6, src));
        assert_eq!(rk6, k6, "rk6 (left) vs k6 (right) for {src:?}");
    }
}
