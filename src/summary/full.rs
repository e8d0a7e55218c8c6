//! k6 v1.1's `--summary-mode=full`: the compact sections without hiding the HTTP timing
//! breakdown, then a `█ GROUP:` section per top-level group and a `█ SCENARIO:` section per
//! named scenario, each with its own checks and metrics and its nested groups (`↳ GROUP:`)
//! indented two more spaces per level.

use super::text::{checks_lines, metric_sections, render_head, Painter};
use super::{GroupReport, Report, ReportMetric};

/// The summary text (printed like the compact one).
pub fn render_full(report: &Report, p: Painter) -> String {
    let mut out = render_head(report, p, false);
    for g in &report.groups {
        section(&mut out, &format!("GROUP: {}", g.name), g, report, p);
    }
    for s in &report.scenarios {
        section(&mut out, &format!("SCENARIO: {}", s.name), s, report, p);
    }
    out
}

fn section(out: &mut String, title: &str, g: &GroupReport, report: &Report, p: Painter) {
    out.push('\n');
    out.push_str(&format!("  █ {} \n\n", p.title(title)));
    content(out, g, 0, report, p);
}

/// A group's checks, metrics and nested groups; `depth` 0 is a section's own group.
fn content(out: &mut String, g: &GroupReport, depth: usize, report: &Report, p: Painter) {
    let indent = " ".repeat(2 * (depth + 2));
    if !g.checks.is_empty() {
        let detail = " ".repeat(2 * (2 * depth + 3));
        out.push_str(&checks_lines(
            &g.checks,
            report.duration_secs,
            p,
            &indent,
            &detail,
        ));
    }
    let shown: Vec<&ReportMetric> = g
        .metrics
        .iter()
        .filter(|m| !matches!(m.parent.as_str(), "checks" | "group_duration"))
        .collect();
    out.push_str(&metric_sections(&shown, &report.time_unit, p, &indent));
    for child in &g.groups {
        let title_indent = " ".repeat(2 * (depth + 2));
        let title = p.title(&format!("GROUP: {}", child.name));
        out.push_str(&format!("{title_indent}↳ {title} \n\n"));
        content(out, child, depth + 1, report, p);
    }
}
