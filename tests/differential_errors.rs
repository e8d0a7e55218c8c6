//! Runtime errors as a k6 user reads them: the message and `file:line:col` of the most
//! common script mistakes (a property of undefined, a missing method, calling a
//! non-function, an undefined name) under k6 v1.1 and rk6. k6 appends a bytecode offset
//! `(N)` to each position; it is dropped before comparing. Skipped without `k6` on PATH.

mod common;

use common::*;

/// Each line is a script's init code that throws.
const MISTAKES: [&str; 14] = [
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
];

/// The error line's message and first position, without k6's `(N)` offset.
fn first_error(out: &Output) -> (i32, String) {
    let line = out
        .log_lines()
        .into_iter()
        .find(|l| l.level == "error")
        .unwrap_or_else(|| panic!("no error line\n{}", out.dump()));
    let mut first = line.msg.lines().take(2).collect::<Vec<_>>().join(" | ");
    if let Some(open) = first.rfind('(').filter(|_| first.ends_with(')')) {
        first.truncate(open);
    }
    (out.code, first)
}

#[test]
fn common_runtime_errors_read_like_k6() {
    if !k6_available() {
        return;
    }
    for code in MISTAKES {
        let src = format!("{code}\nexport default function () {{}}\n");
        let run = |tool: Tool| {
            let (dir, path) = script("e.js", &src);
            let out = Run::new(tool)
                .args(["run", "-q", "--no-summary"])
                .arg(&path)
                .cwd(dir.dir())
                .output();
            // The script's directory differs per run.
            let (code, msg) = first_error(&out);
            (code, msg.replace(&file_url(dir.dir()), "DIR"))
        };
        let (mut rk6, mut k6) = (run(Tool::Rk6), run(Tool::K6));
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
