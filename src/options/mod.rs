//! Test options: the script's `export const options`, `K6_*` environment variables and CLI
//! flags, merged with k6's precedence (defaults < script < env < CLI; a tier that sets any of
//! `duration`/`iterations`/`stages`/`scenarios` replaces all four from lower tiers), then
//! validated and turned into scenarios.

mod decode;
mod decode_executors;
pub mod env;
mod go_json;
pub mod http;
pub mod k6_json;
pub mod scenarios;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

// The vocabulary options share with executors, where the rest of the host meets it.
pub use crate::config_types::{ConfigError, DurationOpt, Stage};
pub use env::from_env;

/// `stages` as k6 keeps them: a stage without a duration (`null`, `{}`, `{target: 2}`) is
/// dropped, so `[null]` is an explicitly empty list.
fn stages_with_duration<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Stage>>, D::Error> {
    #[derive(Deserialize)]
    struct Partial {
        duration: Option<DurationOpt>,
        #[serde(default)]
        target: u64,
    }
    let list: Option<Vec<Option<Partial>>> = Option::deserialize(d)?;
    Ok(list.map(|l| {
        l.into_iter()
            .flatten()
            .filter_map(|p| {
                Some(Stage {
                    duration: p.duration?,
                    target: p.target,
                })
            })
            .collect()
    }))
}

/// A threshold as written: `'p(95)<500'` or `{threshold, abortOnFail, delayAbortEval}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ThresholdDef {
    Expr(String),
    Object {
        threshold: String,
        #[serde(rename = "abortOnFail", default)]
        abort_on_fail: bool,
        #[serde(rename = "delayAbortEval", default)]
        delay_abort_eval: Option<DurationOpt>,
    },
}

/// Thresholds given as one string or a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ThresholdList {
    One(ThresholdDef),
    Many(Vec<ThresholdDef>),
}

impl ThresholdList {
    pub fn items(&self) -> Vec<ThresholdDef> {
        match self {
            ThresholdList::One(d) => vec![d.clone()],
            ThresholdList::Many(v) => v.clone(),
        }
    }
}

/// k6's options (the subset rk6 acts on; unknown keys are kept for `inspect`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Options {
    pub vus: Option<i64>,
    pub duration: Option<DurationOpt>,
    pub iterations: Option<i64>,
    #[serde(default, deserialize_with = "stages_with_duration")]
    pub stages: Option<Vec<Stage>>,
    pub scenarios: Option<serde_json::Map<String, Value>>,
    pub no_setup: Option<bool>,
    pub setup_timeout: Option<DurationOpt>,
    pub no_teardown: Option<bool>,
    pub teardown_timeout: Option<DurationOpt>,
    pub max_redirects: Option<i64>,
    pub user_agent: Option<String>,
    pub batch: Option<i64>,
    pub batch_per_host: Option<i64>,
    #[serde(rename = "insecureSkipTLSVerify")]
    pub insecure_skip_tls_verify: Option<bool>,
    pub throw: Option<bool>,
    pub thresholds: Option<BTreeMap<String, ThresholdList>>,
    pub hosts: Option<BTreeMap<String, String>>,
    pub no_connection_reuse: Option<bool>,
    #[serde(rename = "noVUConnectionReuse")]
    pub no_vu_connection_reuse: Option<bool>,
    pub min_iteration_duration: Option<DurationOpt>,
    pub summary_trend_stats: Option<Vec<String>>,
    pub summary_time_unit: Option<String>,
    pub system_tags: Option<Vec<String>>,
    pub tags: Option<BTreeMap<String, String>>,
    pub no_cookies_reset: Option<bool>,
    pub discard_response_bodies: Option<bool>,
    #[serde(rename = "tlsVersion")]
    pub tls_version: Option<http::TlsVersionOpt>,
    #[serde(rename = "tlsCipherSuites")]
    pub tls_cipher_suites: Option<Vec<String>>,
    #[serde(rename = "tlsAuth")]
    pub tls_auth: Option<Vec<http::TlsAuthOpt>>,
    pub dns: Option<http::DnsOpt>,
    pub http_debug: Option<String>,
    pub rps: Option<i64>,
    #[serde(rename = "blacklistIPs")]
    pub blacklist_ips: Option<Vec<String>>,
    pub block_hostnames: Option<Vec<String>>,
    pub paused: Option<bool>,
    pub metric_samples_buffer_size: Option<i64>,
    /// `--local-ips` / `K6_LOCAL_IPS` only: in a script it is an unknown option, as in k6.
    #[serde(skip)]
    pub local_ips: Option<String>,
    /// `--console-output` / `K6_CONSOLE_OUTPUT` only.
    #[serde(skip)]
    pub console_output: Option<String>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

macro_rules! take_higher {
    ($lower:expr, $higher:expr, $($field:ident),*) => {
        $( if $higher.$field.is_some() { $lower.$field = $higher.$field.clone(); } )*
    };
}

impl Options {
    /// Reads the script's exported `options` object, refusing what k6's Go decoding refuses
    /// with its words.
    pub fn from_script(value: Option<&Value>) -> Result<Self, ConfigError> {
        match value {
            None => Ok(Options::default()),
            Some(v) => {
                let v = decode::decode_options(v).map_err(ConfigError::ScriptOptions)?;
                serde_json::from_value(v).map_err(|e| ConfigError::ScriptOptions(e.to_string()))
            }
        }
    }

    /// The `--config` file tier: a JSON object with option keys (outputs' `collectors`
    /// and other unknown keys are kept but unused).
    pub fn from_config_file(path: &std::path::Path) -> Result<Self, ConfigError> {
        let prefix = "failed to load the configuration file from the local file system";
        let text = std::fs::read_to_string(path).map_err(|e| {
            let reason = rk6_runtime::log::go_io_reason(&e);
            ConfigError::Invalid(format!("{prefix}: stat {}: {reason}", path.display()))
        })?;
        let unparsable = |e: String| {
            ConfigError::Invalid(format!(
                "{prefix}: couldn't parse the configuration from \"{}\": {e}",
                path.display()
            ))
        };
        let value: Value = serde_json::from_str(&text).map_err(|e| unparsable(e.to_string()))?;
        // k6 decodes the whole file up front, even an option a higher tier replaces.
        let value = decode::decode_config_file(&value).map_err(unparsable)?;
        serde_json::from_value(value).map_err(|e| unparsable(e.to_string()))
    }

    /// Applies a higher-precedence tier on top of `self`.
    pub fn apply(mut self, higher: &Options) -> Options {
        let shapes = higher.duration.is_some()
            || higher.iterations.is_some()
            || higher.stages.is_some()
            || higher.scenarios.is_some();
        if shapes {
            self.duration = None;
            self.iterations = None;
            self.stages = None;
            self.scenarios = None;
        }
        take_higher!(
            self,
            higher,
            vus,
            duration,
            iterations,
            stages,
            scenarios,
            no_setup,
            setup_timeout,
            no_teardown,
            teardown_timeout,
            max_redirects,
            user_agent,
            batch,
            batch_per_host,
            insecure_skip_tls_verify,
            throw,
            thresholds,
            hosts,
            no_connection_reuse,
            no_vu_connection_reuse,
            min_iteration_duration,
            summary_trend_stats,
            summary_time_unit,
            system_tags,
            tags,
            no_cookies_reset,
            discard_response_bodies,
            tls_version,
            tls_cipher_suites,
            tls_auth,
            dns,
            http_debug,
            rps,
            blacklist_ips,
            block_hostnames,
            paused,
            metric_samples_buffer_size,
            local_ips,
            console_output
        );
        for (k, v) in &higher.other {
            self.other.insert(k.clone(), v.clone());
        }
        self
    }

    /// The first (in sorted order) top-level key that k6 does not know, which k6 names in
    /// its "unknown fields" warning.
    pub fn first_unknown_key(&self) -> Option<&str> {
        self.other
            .keys()
            .filter(|k| {
                !matches!(
                    k.as_str(),
                    "ext" | "cloud" | "executionSegment" | "executionSegmentSequence"
                )
            })
            .min()
            .map(String::as_str)
    }

    /// `summaryTrendStats` with k6's default.
    pub fn trend_stats(&self) -> Vec<String> {
        self.summary_trend_stats.clone().unwrap_or_else(|| {
            ["avg", "min", "med", "max", "p(90)", "p(95)"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        })
    }

    /// Validates `summaryTrendStats` as k6's `GetResolversForTrendColumns` does (k6 gives
    /// these errors no exit code: 255). `summaryTimeUnit` is only checked as a flag.
    pub fn validate_summary(&self) -> Result<(), ConfigError> {
        for s in self.trend_stats() {
            if matches!(s.as_str(), "avg" | "min" | "med" | "max" | "count") {
                continue;
            }
            let Some(inner) = s.strip_prefix("p(").and_then(|p| p.strip_suffix(')')) else {
                return Err(ConfigError::Unclassified(format!(
                    "invalid trend stat '{s}', unknown format"
                )));
            };
            // Go's ParseFloat takes `NaN`, which passes k6's `< 0 || > 100` test.
            let in_range = inner
                .parse::<f64>()
                .is_ok_and(|p| p.is_nan() || (0.0..=100.0).contains(&p));
            if !in_range {
                return Err(ConfigError::Unclassified(format!(
                    "invalid percentile trend stat value '{s}', provide a number between 0 and 100"
                )));
            }
        }
        Ok(())
    }

    /// Parsed thresholds: metric key -> expressions.
    pub fn threshold_spec(&self) -> Result<crate::metrics::ThresholdSpec, ConfigError> {
        let mut spec = crate::metrics::ThresholdSpec::new();
        for (key, list) in self.thresholds.iter().flatten() {
            crate::metrics::threshold::validate_metric_key(key)?;
            let mut exprs = Vec::new();
            for def in list.items() {
                let expr = match def {
                    ThresholdDef::Expr(s) => crate::metrics::threshold::ThresholdExpr::parse(&s)?,
                    ThresholdDef::Object {
                        threshold,
                        abort_on_fail,
                        delay_abort_eval,
                    } => {
                        let mut e = crate::metrics::threshold::ThresholdExpr::parse(&threshold)?;
                        e.abort_on_fail = abort_on_fail;
                        e.delay_abort_eval = delay_abort_eval
                            .map(|d| d.get("delayAbortEval"))
                            .transpose()?;
                        e
                    }
                };
                exprs.push(expr);
            }
            spec.insert(key.clone(), exprs);
        }
        Ok(spec)
    }

    /// The enabled system tags.
    pub fn system_tags(&self) -> rk6_runtime::SystemTags {
        match &self.system_tags {
            Some(t) => rk6_runtime::SystemTags::new(t.iter().cloned()),
            None => rk6_runtime::SystemTags::default(),
        }
    }
}

/// Parses a `duration:target` stage as given to `-s/--stage` and `K6_STAGES`.
pub fn parse_stage(s: &str) -> Result<Stage, ConfigError> {
    let (d, t) = s.split_once(':').ok_or_else(|| {
        ConfigError::Invalid(format!("invalid stage '{s}': expected [duration]:[target]"))
    })?;
    rk6_runtime::duration::parse(d)
        .map_err(|e| ConfigError::Invalid(format!("invalid stage '{s}': {e}")))?;
    let target = if t.trim().is_empty() {
        0
    } else {
        t.trim().parse().map_err(|_| {
            ConfigError::Invalid(format!("invalid stage '{s}': target must be a number"))
        })?
    };
    Ok(Stage {
        duration: DurationOpt::Text(d.to_string()),
        target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    #[test]
    fn higher_tier_with_duration_wipes_iterations_from_lower() {
        let script = Options::from_script(Some(&json!({"vus": 2, "iterations": 4}))).unwrap();
        let env = Options {
            vus: Some(3),
            duration: Some(DurationOpt::Text("1s".into())),
            ..Options::default()
        };
        let merged = script.apply(&env);
        assert_eq!(merged.vus, Some(3));
        assert_eq!(merged.iterations, None);
        assert_eq!(merged.duration, Some(DurationOpt::Text("1s".into())));
    }

    #[test]
    fn thresholds_parse_in_both_forms() {
        let o = Options::from_script(Some(&json!({"thresholds": {
            "http_req_duration": ["p(95)<500", "avg<300"],
            "oops": [{"threshold": "count<5", "abortOnFail": true, "delayAbortEval": "10s"}]
        }})))
        .unwrap();
        let spec = o.threshold_spec().unwrap();
        assert_eq!(spec["http_req_duration"].len(), 2);
        assert!(spec["oops"][0].abort_on_fail);
        assert_eq!(
            spec["oops"][0].delay_abort_eval,
            Some(Duration::from_secs(10))
        );
    }

    #[test]
    fn stages_parse_from_cli_syntax() {
        assert_eq!(parse_stage("30s:10").unwrap().target, 10);
        assert!(parse_stage("30s").is_err());
        assert!(parse_stage("x:1").is_err());
    }

    #[test]
    fn unknown_trend_stat_is_rejected() {
        let o = Options {
            summary_trend_stats: Some(vec!["avg".into(), "p(99.9)".into(), "bogus".into()]),
            ..Options::default()
        };
        assert!(o.validate_summary().is_err());
    }
}
