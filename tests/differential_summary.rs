//! Differential tests of the full and legacy summary modes: the same script with groups and
//! a named scenario under k6 v1.1 and rk6; the summary's layout (sections, indentation,
//! blank lines, names) must match with numbers masked.

mod common;

use common::diff::*;
use common::*;

/// The summary from its first `█` line to the progress line, with every number, unit
/// and column padding masked but indentation and blank lines kept.
fn layout(stdout: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for l in stdout.lines() {
        if l.trim_start().starts_with('█') {
            inside = true;
        }
        if !inside {
            continue;
        }
        if l.starts_with("running (") {
            break;
        }
        let indent = l.len() - l.trim_start().len();
        let mut masked = String::new();
        let mut in_num = false;
        for c in l.trim().chars() {
            if c.is_ascii_digit() || (in_num && c == '.') {
                if !in_num {
                    masked.push('N');
                }
                in_num = true;
                continue;
            }
            in_num = false;
            masked.push(c);
        }
        let masked = masked
            .split_whitespace()
            .map(|t| t.trim_end_matches(['µ', 'm', 'n', 's', 'k', 'M', 'G', 'B', '%', '/']))
            .collect::<Vec<_>>()
            .join(" ");
        let masked = masked.replace("N /", "N/");
        let dots = masked.find("..").map_or(masked.clone(), |i| {
            let rest = masked[i..].trim_start_matches('.');
            format!("{}..{rest}", &masked[..i])
        });
        out.push(format!("{indent}|{dots}"));
    }
    out
}

#[test]
fn full_and_legacy_summaries_lay_out_groups_and_scenarios_like_k6() {
    if !k6_available() {
        return;
    }
    let t = Target::start();
    for mode in ["full", "legacy"] {
        let flag = format!("--summary-mode={mode}");
        let (k6, rk6) = run_pair(&t, &suite_script("summary_groups.js"), &[flag.as_str()]);
        let mut d = Diff::default();
        d.check("exit code", k6.out.code, rk6.out.code);
        d.check(
            &format!("{mode} summary layout"),
            layout(&k6.out.stdout),
            layout(&rk6.out.stdout),
        );
        d.finish(&k6, &rk6);
    }
}
