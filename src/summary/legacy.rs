//! k6's pre-v1 summary (`--summary-mode=legacy`, also what jslib's `textSummary` prints):
//! the group tree with its checks, then every metric (checks and group_duration included)
//! in one list sorted by name, threshold marks in front of the names.

use rk6_runtime::metrics::MetricType;

use super::text::{display_name, pad, value_text, MetricLines, Painter};
use super::{Report, ReportMetric};

/// The summary text (printed like the compact one).
pub fn render_legacy(report: &Report, p: Painter) -> String {
    let mut lines = Vec::new();
    group_lines(report, "", "     ", &mut lines, p);
    lines.extend(metric_lines(report, p));
    lines.join("\n")
}

fn group_lines(report: &Report, path: &str, indent: &str, out: &mut Vec<String>, p: Painter) {
    let mut indent = indent.to_string();
    if !path.is_empty() {
        let name = path.rsplit("::").next().unwrap_or("");
        out.push(format!("{indent}█ {name}\n"));
        indent.push_str("  ");
    }
    let checks: Vec<_> = report
        .checks
        .checks
        .iter()
        .filter(|((g, _), _)| g == path)
        .collect();
    for ((_, name), (ps, fs)) in &checks {
        if *fs == 0 {
            out.push(p.ok(&format!("{indent}✓ {name}")));
        } else {
            let pct = (100 * ps) / (ps + fs);
            out.push(p.bad(&format!(
                "{indent}✗ {name}\n{indent} ↳  {pct}% — ✓ {ps} / ✗ {fs}"
            )));
        }
    }
    if !checks.is_empty() {
        out.push(String::new());
    }
    let children: Vec<&String> = report
        .checks
        .groups
        .iter()
        .filter(|g| super::parent_path(g) == path)
        .collect();
    for child in children {
        group_lines(report, child, &indent, out, p);
    }
}

/// JavaScript's `localeCompare` for metric names: case-insensitive first.
fn locale_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.to_lowercase().cmp(&b.to_lowercase()).then(a.cmp(b))
}

fn metric_lines(report: &Report, p: Painter) -> Vec<String> {
    let mut metrics: Vec<&ReportMetric> = report.metrics.iter().collect();
    metrics.sort_by(|a, b| {
        locale_cmp(&a.parent, &b.parent).then_with(|| {
            locale_cmp(
                a.suffix.as_deref().unwrap_or(""),
                b.suffix.as_deref().unwrap_or(""),
            )
        })
    });
    let cols = MetricLines::new(&metrics, &report.time_unit);
    let name_width = metrics
        .iter()
        .map(|m| indent_of(m).len() + display_name(m).chars().count())
        .max()
        .unwrap_or(0);
    let mut main_width = 0;
    let mut extra_widths: Vec<usize> = Vec::new();
    for m in metrics.iter().filter(|m| m.kind != MetricType::Trend) {
        let cells = cols.cells(m);
        main_width = main_width.max(cells[0].chars().count());
        for (i, c) in cells.iter().skip(1).enumerate() {
            if extra_widths.len() <= i {
                extra_widths.resize(i + 1, 0);
            }
            extra_widths[i] = extra_widths[i].max(c.chars().count());
        }
    }
    let mut trend_widths = vec![0; report.trend_stats.len()];
    let trend_cell = |m: &ReportMetric, k: &str, v: f64| value_text(m, k, v, &report.time_unit);
    for m in metrics.iter().filter(|m| m.kind == MetricType::Trend) {
        for (i, (k, v)) in m.values.iter().enumerate() {
            if let Some(w) = trend_widths.get_mut(i) {
                *w = (*w).max(trend_cell(m, k, *v).chars().count());
            }
        }
    }
    metrics
        .iter()
        .map(|m| {
            let mark = match m.thresholds.iter().all(|t| t.ok) {
                _ if m.thresholds.is_empty() => " ".to_string(),
                true => p.ok("✓"),
                false => p.bad("✗"),
            };
            let name = display_name(m);
            let fmt_indent = indent_of(m);
            let dots = "."
                .repeat((name_width + 3).saturating_sub(name.chars().count() + fmt_indent.len()));
            let data = if m.kind == MetricType::Trend {
                m.values
                    .iter()
                    .enumerate()
                    .map(|(i, (k, v))| {
                        let cell = trend_cell(m, k, *v);
                        let w = trend_widths.get(i).copied().unwrap_or(0);
                        format!(
                            "{k}={}{}",
                            p.value(&cell),
                            " ".repeat(w.saturating_sub(cell.chars().count()))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                let cells = cols.cells(m);
                let mut s = p.value(&pad(&cells[0], main_width));
                match cells.len() {
                    2 => s.push_str(&format!(" {}", p.extra(&cells[1]))),
                    n if n > 2 => {
                        let parts: Vec<String> = cells[1..]
                            .iter()
                            .enumerate()
                            .map(|(i, c)| {
                                p.extra(&pad(c, extra_widths.get(i).copied().unwrap_or(0)))
                            })
                            .collect();
                        s.push_str(&format!(" {}", parts.join(" ")));
                    }
                    _ => {}
                }
                s
            };
            format!(
                "   {fmt_indent}{mark} {name}{} {data}",
                p.faint(&format!("{dots}:"))
            )
        })
        .collect()
}

fn indent_of(m: &ReportMetric) -> &'static str {
    if m.suffix.is_some() {
        "  "
    } else {
        ""
    }
}

/// jslib `textSummary(data, options)`: the legacy summary rendered from `handleSummary`
/// data (as JSON) and options (`enableColors`).
pub fn text_summary_hook() -> rk6_runtime::config::TextSummary {
    std::sync::Arc::new(|data: &str, options: &str| {
        let data: serde_json::Value = serde_json::from_str(data).unwrap_or_default();
        let options: serde_json::Value = serde_json::from_str(options).unwrap_or_default();
        let report = report_from_data(&data);
        let colors = options["enableColors"].as_bool().unwrap_or(false);
        format!(
            "\n{}\n",
            render_legacy(&report, Painter { enabled: colors })
        )
    })
}

fn kind_of(s: &str) -> MetricType {
    match s {
        "counter" => MetricType::Counter,
        "gauge" => MetricType::Gauge,
        "rate" => MetricType::Rate,
        _ => MetricType::Trend,
    }
}

/// Rebuilds a report from k6's `handleSummary` data shape.
fn report_from_data(data: &serde_json::Value) -> Report {
    use rk6_runtime::metrics::ValueType;
    let trend_stats: Vec<String> = data["options"]["summaryTrendStats"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_else(|| {
            ["avg", "min", "med", "max", "p(90)", "p(95)"]
                .map(String::from)
                .to_vec()
        });
    let mut metrics = Vec::new();
    if let Some(all) = data["metrics"].as_object() {
        for (name, m) in all {
            let kind = kind_of(m["type"].as_str().unwrap_or(""));
            let contains = match m["contains"].as_str() {
                Some("time") => ValueType::Time,
                Some("data") => ValueType::Data,
                _ => ValueType::Default,
            };
            let keys: Vec<String> = match kind {
                MetricType::Counter => vec!["count".into(), "rate".into()],
                MetricType::Gauge => vec!["value".into(), "min".into(), "max".into()],
                MetricType::Rate => vec!["rate".into(), "passes".into(), "fails".into()],
                MetricType::Trend => trend_stats.clone(),
            };
            let values = keys
                .into_iter()
                .map(|k| {
                    let v = m["values"][&k].as_f64().unwrap_or(0.0);
                    (k, v)
                })
                .collect();
            let thresholds = m["thresholds"]
                .as_object()
                .map(|t| {
                    t.iter()
                        .map(|(src, v)| super::ThresholdLine {
                            source: src.clone(),
                            ok: v["ok"].as_bool().unwrap_or(true),
                            agg: String::new(),
                            measured: None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let (parent, suffix) = match name.find('{') {
                Some(i) => (name[..i].to_string(), Some(name[i..].to_string())),
                None => (name.clone(), None),
            };
            metrics.push(ReportMetric {
                name: name.clone(),
                parent,
                suffix,
                kind,
                contains,
                values,
                thresholds,
            });
        }
    }
    let mut checks = crate::metrics::CheckTree::default();
    collect_group(&data["root_group"], &mut checks);
    Report {
        metrics,
        checks,
        duration_secs: data["state"]["testRunDurationMs"].as_f64().unwrap_or(0.0) / 1000.0,
        trend_stats,
        time_unit: data["options"]["summaryTimeUnit"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        groups: Vec::new(),
        scenarios: Vec::new(),
    }
}

fn collect_group(g: &serde_json::Value, tree: &mut crate::metrics::CheckTree) {
    let path = g["path"].as_str().unwrap_or("").to_string();
    if !path.is_empty() {
        tree.groups.push(path.clone());
    }
    for c in g["checks"].as_array().into_iter().flatten() {
        let name = c["name"].as_str().unwrap_or("").to_string();
        let passes = c["passes"].as_u64().unwrap_or(0);
        let fails = c["fails"].as_u64().unwrap_or(0);
        tree.checks.push(((path.clone(), name), (passes, fails)));
    }
    for child in g["groups"].as_array().into_iter().flatten() {
        collect_group(child, tree);
    }
}
