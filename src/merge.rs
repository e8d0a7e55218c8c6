//! `rk6 merge PART… [--summary-export F] [--summary-mode M]`: the whole test's end-of-test
//! summary from the instances' result parts (`--out result=…`), as one run of the whole
//! test would print it — thresholds evaluated over the merged data, the same
//! `--summary-export` JSON, and the same exit code (0, or 99 when a threshold is crossed).
//!
//! A directory among the arguments stands for the `*.json` files in it. With `--expect N`
//! the command waits (up to `--wait`) until N parts written after it started are there: a
//! Kubernetes Job started beside a `TestRun` merges once every runner has written its part
//! to the shared volume, and parts an earlier run left there do not count.
//! Parts whose segments overlap, or that define different thresholds, are refused; parts
//! that do not cover the whole test are merged with a warning saying how much they cover.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rk6_runtime::log::Logger;

use crate::exit::ExitCode;
use crate::metrics::part::{merge, Merged, ResultPart};
use crate::summary::{Report, SummaryMode};

/// What the command was asked.
pub struct MergeArgs {
    pub paths: Vec<PathBuf>,
    pub summary_export: Option<PathBuf>,
    pub summary_mode: SummaryMode,
    pub no_color: bool,
    pub expect: Option<usize>,
    pub wait: Duration,
}

/// Why the parts could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeFailure {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not an rk6 result part: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error("waited {waited:?} for {expected} result parts, found {found}")]
    Missing {
        expected: usize,
        found: usize,
        waited: Duration,
    },
    #[error("{0}")]
    Merge(#[from] crate::metrics::part::MergeError),
    #[error("{first} and {second} both hold segment {segment}: one instance would count twice")]
    Overlap {
        first: String,
        second: String,
        segment: String,
    },
    #[error("{0} was written by a run without --summary-mode=full: it has no per-group and per-scenario results for a full summary")]
    NoDetail(String),
    #[error("{path}: invalid segment {segment}: {why}")]
    Segment {
        path: String,
        segment: String,
        why: String,
    },
}

impl MergeFailure {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            MergeFailure::Merge(_) | MergeFailure::Overlap { .. } | MergeFailure::NoDetail(_) => {
                ExitCode::InvalidConfig
            }
            _ => ExitCode::Other,
        }
    }
}

pub async fn run(args: MergeArgs) -> ExitCode {
    match merge_parts(&args).await {
        Ok(code) => code,
        Err(e) => {
            Logger::error(&e.to_string(), &[]);
            e.exit_code()
        }
    }
}

async fn merge_parts(args: &MergeArgs) -> Result<ExitCode, MergeFailure> {
    let files = wait_for_parts(args).await?;
    let mut parts = Vec::new();
    for f in &files {
        let path = f.display().to_string();
        let text = std::fs::read(f).map_err(|source| MergeFailure::Read {
            path: path.clone(),
            source,
        })?;
        let part: ResultPart =
            serde_json::from_slice(&text).map_err(|source| MergeFailure::Parse {
                path: path.clone(),
                source,
            })?;
        parts.push((path, part));
    }
    let coverage = coverage(&parts)?;
    if coverage < 1.0 - 1e-9 {
        Logger::warn(
            &format!(
                "the {} result parts cover {:.2} % of the test: the summary is of those parts only",
                parts.len(),
                coverage * 100.0
            ),
            &[],
        );
    }
    let merged = merge(&parts)?;
    if let (SummaryMode::Full, Some(file)) = (args.summary_mode, &merged.without_detail) {
        return Err(MergeFailure::NoDetail(file.clone()));
    }
    Ok(summarize(args, &merged))
}

/// The part files among `args.paths`, once `--expect` of them are there.
async fn wait_for_parts(args: &MergeArgs) -> Result<Vec<PathBuf>, MergeFailure> {
    let start = Instant::now();
    let since = args.expect.map(|_| std::time::SystemTime::now());
    loop {
        let files = list_parts(&args.paths, since)?;
        let expected = args.expect.unwrap_or(files.len().max(1));
        if files.len() >= expected {
            return Ok(files);
        }
        if args.expect.is_none() || start.elapsed() >= args.wait {
            return Err(MergeFailure::Missing {
                expected,
                found: files.len(),
                waited: start.elapsed(),
            });
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The part files; only those modified after `since`, when given.
fn list_parts(
    paths: &[PathBuf],
    since: Option<std::time::SystemTime>,
) -> Result<Vec<PathBuf>, MergeFailure> {
    let mut files = Vec::new();
    for p in paths {
        if !p.is_dir() {
            files.push(p.clone());
            continue;
        }
        let entries = std::fs::read_dir(p).map_err(|source| MergeFailure::Read {
            path: p.display().to_string(),
            source,
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|f| f.extension().is_some_and(|x| x == "json"))
            .filter(|f| since.is_none_or(|t| modified(f).is_some_and(|m| m >= t)))
            .collect();
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// The share of the test the parts' segments cover; overlapping segments are refused.
fn coverage(parts: &[(String, ResultPart)]) -> Result<f64, MergeFailure> {
    let mut spans = Vec::new();
    for (path, p) in parts {
        let text = p.segment.clone().unwrap_or_else(|| "0:1".into());
        let seg = crate::execution_segment::Segment::parse(Some(&text), None)
            .map_err(|e| MergeFailure::Segment {
                path: path.clone(),
                segment: text.clone(),
                why: e.to_string(),
            })?
            .map_or((0.0, 1.0), |s| (s.from.value(), s.to.value()));
        spans.push((seg.0, seg.1, path.clone(), text));
    }
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    for w in spans.windows(2) {
        if w[1].0 < w[0].1 - 1e-12 {
            return Err(MergeFailure::Overlap {
                first: w[0].2.clone(),
                second: w[1].2.clone(),
                segment: w[1].3.clone(),
            });
        }
    }
    Ok(spans.iter().map(|s| s.1 - s.0).sum())
}

/// Prints the summary, writes the export, and decides the exit code.
fn summarize(args: &MergeArgs, merged: &Merged) -> ExitCode {
    let report = Report::new(
        &merged.state,
        merged.trend_stats.clone(),
        merged.time_unit.clone(),
        merged.duration_secs,
    );
    let stdout_tty = rk6_runtime::term::stdout_is_tty();
    let no_color = args.no_color || !stdout_tty;
    let text = crate::run::default_summary_text(&report, no_color, args.summary_mode);
    rk6_runtime::term::out(&format!("\n{text}\n\n"));
    if let Some(path) = &args.summary_export {
        let data = report.data_json(
            None,
            no_color,
            stdout_tty,
            rk6_runtime::term::stderr_is_tty(),
        );
        let doc = crate::summary::export::legacy_export(&data);
        if let Err(e) = std::fs::write(path, crate::summary::export::to_string(&doc)) {
            Logger::error(
                &format!("failed to write summary export {}: {e}", path.display()),
                &[],
            );
            return ExitCode::Other;
        }
    }
    let mut failed = report.failed_thresholds();
    if failed.is_empty() {
        return ExitCode::Success;
    }
    failed.sort();
    Logger::error(
        &format!(
            "thresholds on metrics '{}' have been crossed",
            failed.join(", ")
        ),
        &[],
    );
    ExitCode::ThresholdsFailed
}

fn modified(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
