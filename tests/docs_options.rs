//! `docs/options.md` is the list of every k6 `run` flag, variable and option with rk6's
//! status. These tests keep it complete and true: every flag `k6 run --help` prints is in
//! the table, every flag the table says works or is accepted is accepted by `rk6 run`,
//! and no row admits that rk6 silently ignores something.

mod common;

use common::*;

/// The table's rows: (flag cell, status cell, test cell).
fn rows() -> Vec<(String, String)> {
    cells().into_iter().map(|c| (c.0, c.1)).collect()
}

fn cells() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(repo_root().join("docs").join("options.md"))
        .expect("docs/options.md exists");
    text.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| flag"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cells.get(1).copied().unwrap_or_default().to_string(),
                cells.get(4).copied().unwrap_or_default().to_string(),
                cells.get(5).copied().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Long flags (`--name`) named in a text.
fn long_flags(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '`' || c == ',' || c == '=')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(str::to_string)
        .collect()
}

#[test]
fn every_row_has_a_known_status() {
    let rows = rows();
    assert!(rows.len() > 50, "the table has {} rows", rows.len());
    for (flag, status) in &rows {
        assert!(
            ["works", "refused", "accepted, no effect"]
                .iter()
                .any(|s| status.starts_with(s)),
            "row {flag}: status {status:?}"
        );
    }
}

#[test]
fn every_k6_run_flag_is_in_the_table() {
    let Some(k6) = k6_bin() else {
        return;
    };
    let help = std::process::Command::new(k6)
        .args(["run", "--help"])
        .output()
        .expect("k6 run --help");
    let help = String::from_utf8_lossy(&help.stdout).to_string();
    let documented: Vec<String> = rows().iter().flat_map(|(f, _)| long_flags(f)).collect();
    let k6_flags: Vec<String> = help
        .lines()
        .filter(|l| l.trim_start().starts_with('-'))
        .flat_map(|l| long_flags(l.split("  ").find(|p| p.contains("--")).unwrap_or("")))
        .collect();
    assert!(
        k6_flags.len() > 40,
        "parsed {} flags from:\n{help}",
        k6_flags.len()
    );
    let missing: Vec<&String> = k6_flags
        .iter()
        .filter(|f| !documented.contains(f))
        .collect();
    assert!(
        missing.is_empty(),
        "k6 flags missing from docs/options.md: {missing:?}"
    );
}

#[test]
fn every_documented_flag_is_accepted_by_rk6() {
    let out = Run::new(Tool::Rk6).args(["run", "--help"]).output();
    out.assert_code(0);
    for (flag, _) in rows() {
        for f in long_flags(&flag) {
            assert!(
                out.stdout.contains(&f),
                "{f} is in docs/options.md but `rk6 run --help` does not list it"
            );
        }
    }
}

/// Every `file.rs::function` the table names exists.
#[test]
fn every_named_test_exists() {
    for (flag, _, tests) in cells() {
        for name in tests.split('`').filter(|t| t.contains(".rs::")) {
            let (file, func) = name.split_once("::").expect("file::function");
            let src = std::fs::read_to_string(repo_root().join("tests").join(file))
                .unwrap_or_else(|_| panic!("row {flag}: no tests/{file}"));
            assert!(
                src.contains(&format!("fn {func}(")),
                "row {flag}: tests/{file} has no fn {func}"
            );
        }
    }
}
