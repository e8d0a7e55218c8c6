//! The run's configuration: k6's option tiers merged (config file < script < `K6_*` <
//! CLI) and validated with k6's messages, the config file's run settings (`out`, `linger`),
//! and what `--no-thresholds` still reports.

use std::collections::BTreeMap;

use rk6_runtime::log::Logger;
use rk6_runtime::metrics::Registry;

use super::{RunArgs, RunError};
use crate::options::{from_env, Options};

/// The options of the run: k6's tiers merged (config file < script < `K6_*` < CLI) and
/// validated, warning about an unknown script option the way k6 does (naming the first).
/// Settings that live outside `options` in k6 (the config file's `out` and `linger`, and
/// `executionSegment` in the script or file) are folded into `args`.
pub(crate) fn resolve_options(
    args: &mut RunArgs,
    script: Option<&serde_json::Value>,
    sys_env: &BTreeMap<String, String>,
) -> Result<Options, RunError> {
    let file_tier = match &args.config_file {
        Some(path) => Options::from_config_file(path)?,
        None => Options::default(),
    };
    let script_tier = Options::from_script(script).map_err(|e| match e {
        crate::options::ConfigError::ScriptOptions(why) => {
            crate::options::ConfigError::Invalid(super::load_failure(&args.script, &why))
        }
        e => e,
    })?;
    if let Some(key) = script_tier.first_unknown_key() {
        Logger::warn(
            "There were unknown fields in the options exported in the script",
            &[("error", &format!("json: unknown field \"{key}\""))],
        );
    }
    apply_file_settings(args, &file_tier, sys_env)?;
    if args.segment.is_none() {
        let text = |key: &str| {
            [&script_tier, &file_tier].iter().find_map(|t| {
                t.other
                    .get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            })
        };
        use crate::execution_segment::{Segment, SegmentError};
        use crate::options::ConfigError;
        // An empty sequence still counts as given in k6, and no segment is in it.
        if text("executionSegmentSequence").as_deref() == Some("") {
            let segment = text("executionSegment");
            let shown = match Segment::parse(segment.as_deref(), None) {
                Ok(Some(s)) => format!("{}:{}", s.from, s.to),
                _ => "0:1".to_string(),
            };
            return Err(ConfigError::Scenarios(vec![format!(
                "provided segment {shown} can't be found in sequence "
            )])
            .into());
        }
        args.segment = crate::execution_segment::Segment::parse(
            text("executionSegment").as_deref(),
            text("executionSegmentSequence").as_deref(),
        )
        .map_err(|e| match e {
            // k6 refuses a bad text while loading the script's options...
            SegmentError::Text(why) => {
                ConfigError::Invalid(super::load_failure(&args.script, &why))
            }
            // ...and a segment outside its sequence among the configuration's problems.
            SegmentError::NotInSequence(why) => ConfigError::Scenarios(vec![why]),
        })?;
    }
    let opts = file_tier
        .apply(&script_tier)
        .apply(&from_env(sys_env)?)
        .apply(&args.cli);
    opts.validate_summary()?;
    // k6 v1.1 crashes on an empty tag name (a Go panic, exit 2): refuse it plainly instead.
    if opts.tags.as_ref().is_some_and(|t| t.contains_key("")) {
        return Err(crate::options::ConfigError::Invalid(
            "invalid tag in the tags option: empty name".into(),
        )
        .into());
    }
    Ok(opts)
}

/// The config file's run settings: `out` (when neither `--out` nor `K6_OUT` is given),
/// `linger` and `webDashboard`; `collectors`, which rk6 cannot honour, is refused.
fn apply_file_settings(
    args: &mut RunArgs,
    file: &Options,
    sys_env: &BTreeMap<String, String>,
) -> Result<(), RunError> {
    let refuse = |what: &str| {
        Err(RunError::Config(crate::options::ConfigError::Invalid(
            format!("the configuration file's {what} is not supported by rk6; remove it"),
        )))
    };
    args.web_dashboard = file.other.get("webDashboard").and_then(|v| v.as_bool());
    if file.other.get("collectors").is_some_and(|v| !v.is_null()) {
        return refuse("collectors (set outputs with --out and K6_* variables)");
    }
    let no_env_out = sys_env.get("K6_OUT").is_none_or(|v| v.is_empty());
    if args.outputs.is_empty() && no_env_out {
        let specs: Vec<String> = match file.other.get("out") {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        args.outputs = specs
            .iter()
            .map(|s| crate::output::OutputSpec::parse(s))
            .collect();
    }
    if file.other.get("linger").and_then(|v| v.as_bool()) == Some(true) {
        args.linger = true;
    }
    Ok(())
}

/// With `--no-thresholds` a threshold on a metric that does not exist is not an error, but
/// k6 still names it.
pub(super) fn warn_unknown_threshold_metrics(opts: &Options, registry: &Registry) {
    for key in opts.thresholds.iter().flat_map(|t| t.keys()) {
        let (name, _) = crate::metrics::threshold::parse_metric_key(key);
        if registry.lookup(&name).is_none() {
            Logger::warn(
                &format!("Invalid metric '{name}' in threshold definitions"),
                &[
                    ("component", "metrics-engine"),
                    (
                        "error",
                        &format!("metric '{name}' does not exist in the script"),
                    ),
                ],
            );
        }
    }
}
