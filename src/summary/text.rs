//! k6 v1.1's default ("compact") end-of-test text summary, reproduced byte for byte:
//! a THRESHOLDS section (when any), then TOTAL RESULTS with the checks block and the metric
//! sections CUSTOM, HTTP, EXECUTION, NETWORK (and WEBSOCKET, GRPC, BROWSER when present).

use rk6_runtime::metrics::{MetricType, ValueType};

use super::format;
use super::{Report, ReportMetric, ThresholdLine};

/// ANSI colouring, enabled only for terminals (also the run header's).
#[derive(Debug, Clone, Copy)]
pub struct Painter {
    pub enabled: bool,
}

impl Painter {
    pub(crate) fn paint(&self, code: &str, s: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub(super) fn title(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub(super) fn ok(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub(super) fn bad(&self, s: &str) -> String {
        self.paint("31", s)
    }
    pub(super) fn faint(&self, s: &str) -> String {
        self.paint("2;37", s)
    }
    pub(super) fn value(&self, s: &str) -> String {
        self.paint("36", s)
    }
    pub(super) fn extra(&self, s: &str) -> String {
        self.paint("2;36", s)
    }
}

/// Metrics the compact mode never lists.
pub(super) fn hidden_in_compact(name: &str) -> bool {
    name == "checks"
        || name == "group_duration"
        || [
            "http_req_blocked",
            "http_req_connecting",
            "http_req_receiving",
            "http_req_sending",
            "http_req_tls_handshaking",
            "http_req_waiting",
        ]
        .iter()
        .any(|p| name.starts_with(p))
}

const SECTIONS: [&str; 8] = [
    "CUSTOM",
    "HTTP",
    "EXECUTION",
    "NETWORK",
    "BROWSER",
    "WEB_VITALS",
    "GRPC",
    "WEBSOCKET",
];

fn section_of(name: &str) -> &'static str {
    if name.starts_with("http_req") {
        "HTTP"
    } else if matches!(
        name,
        "vus"
            | "vus_max"
            | "iterations"
            | "iteration_duration"
            | "dropped_iterations"
            | "iteration_start_lag"
    ) {
        "EXECUTION"
    } else if matches!(name, "data_sent" | "data_received") {
        "NETWORK"
    } else if name.starts_with("browser_web_vital_") {
        "WEB_VITALS"
    } else if name.starts_with("browser_") {
        "BROWSER"
    } else if name.starts_with("grpc_") {
        "GRPC"
    } else if name.starts_with("ws_") {
        "WEBSOCKET"
    } else {
        "CUSTOM"
    }
}

/// The summary text (to be printed as `"\n" + text + "\n\n"`).
pub fn render_compact(report: &Report, painter: Painter) -> String {
    render_head(report, painter, true)
}

/// THRESHOLDS and TOTAL RESULTS; `compact` hides the HTTP timing breakdown.
pub(super) fn render_head(report: &Report, painter: Painter, compact: bool) -> String {
    let mut sections = Vec::new();
    if report.metrics.iter().any(|m| !m.thresholds.is_empty()) {
        sections.push(thresholds_section(report, painter));
    }
    sections.push(total_section(report, painter, compact));
    format!("\n{}", sections.join("\n"))
}

/// k6's order: parents by name, each followed by its submetrics sorted by their tags.
pub(super) fn by_parent_then_tags(a: &ReportMetric, b: &ReportMetric) -> std::cmp::Ordering {
    a.parent.cmp(&b.parent).then(a.suffix.cmp(&b.suffix))
}

pub(super) fn value_text(m: &ReportMetric, stat: &str, v: f64, unit: &str) -> String {
    match (m.kind, stat) {
        (MetricType::Rate, "rate") => format::percent(v),
        (MetricType::Counter, "rate") => match m.contains {
            ValueType::Data => format!("{}/s", format::bytes(v)),
            _ => format!("{}/s", format::plain(v)),
        },
        (MetricType::Trend, "count") => format::plain(v),
        (_, "passes" | "fails") => format::plain(v),
        _ => match m.contains {
            ValueType::Time => format::duration(v, unit),
            ValueType::Data => format::bytes(v),
            ValueType::Default => format::plain(v),
        },
    }
}

fn thresholds_section(report: &Report, p: Painter) -> String {
    let mut metrics: Vec<&ReportMetric> = report
        .metrics
        .iter()
        .filter(|m| !m.thresholds.is_empty())
        .collect();
    metrics.sort_by(|a, b| by_parent_then_tags(a, b));
    let mut out = format!("  █ {} \n\n", p.title("THRESHOLDS"));
    for m in &metrics {
        let parent_has = m.suffix.is_some()
            && metrics
                .iter()
                .any(|o| o.suffix.is_none() && o.parent == m.parent);
        let (indent, title) = match (&m.suffix, parent_has) {
            (Some(s), true) => ("      ", s.clone()),
            _ => ("    ", m.name.clone()),
        };
        out.push_str(&format!("{indent}{title}\n"));
        for t in &m.thresholds {
            out.push_str(&threshold_line(m, t, indent, &report.time_unit, p));
        }
        out.push('\n');
    }
    out
}

fn threshold_line(
    m: &ReportMetric,
    t: &ThresholdLine,
    indent: &str,
    unit: &str,
    p: Painter,
) -> String {
    let mark = if t.ok { p.ok("✓") } else { p.bad("✗") };
    let shown = value_text(m, &t.agg, t.measured.unwrap_or(0.0), unit);
    let src = p.paint("37", &format!("'{}'", t.source));
    let agg = p.paint("37", &t.agg);
    format!("{indent}{mark} {src} {agg}={}\n", p.value(&shown))
}

fn total_section(report: &Report, p: Painter, compact: bool) -> String {
    let mut out = format!("  █ {} \n\n", p.title("TOTAL RESULTS"));
    out.push_str(&checks_block(report, p));
    let shown: Vec<&ReportMetric> = report
        .metrics
        .iter()
        .filter(|m| {
            if compact {
                !hidden_in_compact(&m.parent)
            } else {
                !matches!(m.parent.as_str(), "checks" | "group_duration")
            }
        })
        .collect();
    out.push_str(&metric_sections(&shown, &report.time_unit, p, "    "));
    out
}

/// The metric sections (CUSTOM, HTTP, ...) of a block, each line at `indent`.
pub(super) fn metric_sections(
    shown: &[&ReportMetric],
    unit: &str,
    p: Painter,
    indent: &str,
) -> String {
    let mut out = String::new();
    let lines = MetricLines::new(shown, unit);
    for section in SECTIONS {
        let mut in_section: Vec<&ReportMetric> = shown
            .iter()
            .copied()
            .filter(|m| section_of(&m.parent) == section)
            .collect();
        if in_section.is_empty() {
            continue;
        }
        in_section.sort_by(|a, b| by_parent_then_tags(a, b));
        out.push_str(&format!("{indent}{}\n", p.title(section)));
        for m in in_section {
            out.push_str(indent);
            out.push_str(&lines.render(m, p));
        }
        out.push('\n');
    }
    out
}

fn checks_block(report: &Report, p: Painter) -> String {
    let checks = &report.checks.checks;
    if checks.is_empty() {
        return String::new();
    }
    // Compact mode lists every check once, merged across groups, in first-seen order.
    let mut merged: Vec<(String, (u64, u64))> = Vec::new();
    for ((_, name), (ps, fs)) in checks {
        match merged.iter_mut().find(|(n, _)| n == name) {
            Some(e) => {
                e.1 .0 += ps;
                e.1 .1 += fs;
            }
            None => merged.push((name.clone(), (*ps, *fs))),
        }
    }
    checks_lines(&merged, report.duration_secs, p, "    ", "      ")
}

/// The checks_total/succeeded/failed block and one line per check, at `indent`; a failed
/// check's detail line at `detail_indent`.
pub(super) fn checks_lines(
    checks: &[(String, (u64, u64))],
    duration_secs: f64,
    p: Painter,
    indent: &str,
    detail_indent: &str,
) -> String {
    let (passes, fails) = checks
        .iter()
        .fold((0u64, 0u64), |(a, b), (_, (p, f))| (a + p, b + f));
    let total = passes + fails;
    let rate = if duration_secs > 0.0 {
        total as f64 / duration_secs
    } else {
        0.0
    };
    let share = |n: u64| {
        if total == 0 {
            0.0
        } else {
            n as f64 / total as f64
        }
    };
    let rows = [
        (
            "checks_total",
            total.to_string(),
            format!("{}/s", format::plain(rate)),
        ),
        (
            "checks_succeeded",
            format::percent(share(passes)),
            format!("{passes} out of {total}"),
        ),
        (
            "checks_failed",
            format::percent(share(fails)),
            format!("{fails} out of {total}"),
        ),
    ];
    let max_name = rows.iter().map(|r| r.0.len() * 2).max().unwrap_or(0);
    let max_val = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (name, val, extra) in &rows {
        let dots = ".".repeat(max_name + 3 - name.len());
        out.push_str(&format!(
            "{indent}{name}{} {} {}\n",
            p.faint(&format!("{dots}:")),
            p.value(val) + &pad_fill(val, max_val),
            p.extra(extra)
        ));
    }
    out.push('\n');
    for (name, (ps, fs)) in checks {
        if *fs == 0 {
            out.push_str(&format!("{indent}{}\n", p.ok(&format!("✓ {name}"))));
        } else {
            out.push_str(&format!("{indent}{}\n", p.bad(&format!("✗ {name}"))));
            let pct = (100 * ps) / (ps + fs);
            out.push_str(detail_indent);
            out.push_str(&p.bad(&format!("↳  {pct}% — ✓ {ps} / ✗ {fs}")));
            out.push('\n');
        }
    }
    out.push('\n');
    out
}

pub(super) fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// Column widths shared by every metric line of a block.
pub(super) struct MetricLines {
    max_name: usize,
    main_width: usize,
    extra_widths: Vec<usize>,
    trend_widths: Vec<usize>,
    unit: String,
}

pub(super) fn display_name(m: &ReportMetric) -> String {
    match &m.suffix {
        None => m.name.clone(),
        // k6 shows the key's text between its braces as written.
        Some(suffix) => format!(
            "{{ {} }}",
            suffix.trim_start_matches('{').trim_end_matches('}')
        ),
    }
}

impl MetricLines {
    pub(super) fn new(metrics: &[&ReportMetric], unit: &str) -> Self {
        let mut s = MetricLines {
            max_name: 0,
            main_width: 0,
            extra_widths: Vec::new(),
            trend_widths: Vec::new(),
            unit: unit.to_string(),
        };
        for m in metrics {
            let indent = if m.suffix.is_some() { 2 } else { 0 };
            // k6 counts the full name plus the display name (so plain names twice).
            let w = indent + m.name.chars().count() + display_name(m).chars().count();
            s.max_name = s.max_name.max(w);
            let cells = s.cells(m);
            if m.kind == MetricType::Trend {
                for (i, c) in cells.iter().enumerate() {
                    grow(&mut s.trend_widths, i, c.chars().count());
                }
            } else {
                s.main_width = s.main_width.max(cells[0].chars().count());
                for (i, c) in cells.iter().skip(1).enumerate() {
                    grow(&mut s.extra_widths, i, c.chars().count());
                }
            }
        }
        s
    }

    pub(super) fn cells(&self, m: &ReportMetric) -> Vec<String> {
        let get = |k: &str| {
            m.values
                .iter()
                .find(|(n, _)| n == k)
                .map_or(0.0, |(_, v)| *v)
        };
        match m.kind {
            MetricType::Trend => m
                .values
                .iter()
                .map(|(k, v)| format!("{k}={}", value_text(m, k, *v, &self.unit)))
                .collect(),
            MetricType::Counter => vec![
                value_text(m, "count", get("count"), &self.unit),
                value_text(m, "rate", get("rate"), &self.unit),
            ],
            MetricType::Gauge => vec![
                value_text(m, "value", get("value"), &self.unit),
                format!("min={}", value_text(m, "min", get("min"), &self.unit)),
                format!("max={}", value_text(m, "max", get("max"), &self.unit)),
            ],
            MetricType::Rate => vec![
                format::percent(get("rate")),
                format!("{} out of {}", get("passes"), get("passes") + get("fails")),
            ],
        }
    }

    /// One metric line (without the block's indentation).
    pub(super) fn render(&self, m: &ReportMetric, p: Painter) -> String {
        let indent = if m.suffix.is_some() { "  " } else { "" };
        let name = display_name(m);
        let dots =
            ".".repeat((self.max_name + 3).saturating_sub(name.chars().count() + indent.len()));
        let cells = self.cells(m);
        // k6 colours the values only: a trend's `avg=` label and the alignment padding
        // stay outside the colour.
        let body = if m.kind == MetricType::Trend {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let (label, value) = c.split_once('=').unwrap_or(("", c));
                    let fill = pad_fill(c, self.trend_widths.get(i).copied().unwrap_or(0));
                    format!("{label}={}{fill}", p.value(value))
                })
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            let fill = pad_fill(&cells[0], self.main_width);
            let mut parts = vec![format!("{}{fill}", p.value(&cells[0]))];
            // k6 pads the extras of multi-extra lines (gauges' min/max), not a lone extra.
            let padded = cells.len() > 2;
            for (i, c) in cells.iter().enumerate().skip(1) {
                let fill = if padded {
                    pad_fill(c, self.extra_widths.get(i - 1).copied().unwrap_or(0))
                } else {
                    String::new()
                };
                parts.push(format!("{}{fill}", p.extra(c)));
            }
            parts.join(" ")
        };
        format!("{indent}{name}{} {body}\n", p.faint(&format!("{dots}:")))
    }
}

/// The spaces that pad `s` to `width` characters.
fn pad_fill(s: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(s.chars().count()))
}

fn grow(widths: &mut Vec<usize>, i: usize, w: usize) {
    if widths.len() <= i {
        widths.resize(i + 1, 0);
    }
    widths[i] = widths[i].max(w);
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
