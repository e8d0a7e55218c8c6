//! `rk6 inspect`: runs the script's init code once and prints its options as JSON.

use std::path::Path;
use std::sync::Arc;

use crate::exit::ExitCode;

pub async fn inspect(script: &Path, requirements: bool) -> anyhow::Result<ExitCode> {
    let script_path = std::fs::canonicalize(script).map_err(|_| {
        anyhow::anyhow!(rk6_runtime::error::missing_module(
            &script.display().to_string()
        ))
    })?;
    let (tx, _rx) = std::sync::mpsc::channel();
    let config = rk6_runtime::TestConfig {
        env: std::env::vars().collect(),
        coroutine_stack: 1024 * 1024,
        text_summary: Some(crate::summary::legacy::text_summary_hook()),
        ..rk6_runtime::TestConfig::new(script_path, tx)
    };
    let pool = rk6_runtime::VuPool::new(1)?;
    let (_vu, info) = match pool.create_vu(Arc::new(config), 0).await {
        Ok(v) => v,
        Err(e) => {
            rk6_runtime::log::Logger::error(&e.to_string(), &[("hint", "script exception")]);
            return Ok(ExitCode::ScriptException);
        }
    };
    // Validates the options the way `run` would.
    let opts = crate::options::Options::from_script(info.options.as_ref())?;
    let mut shape = k6_shape(info.options.as_ref());
    if requirements {
        let env: std::collections::BTreeMap<String, String> = std::env::vars().collect();
        let opts = opts.apply(&crate::options::from_env(&env)?);
        let scenarios = crate::options::scenarios::derive(&opts)?;
        let total = scenarios
            .iter()
            .map(crate::executor::Scenario::max_duration)
            .max()
            .unwrap_or_default();
        let max_vus: u64 = scenarios.iter().map(|s| s.executor.max_vus()).sum();
        if let Some(obj) = shape.as_object_mut() {
            obj.insert(
                "totalDuration".into(),
                serde_json::json!(rk6_runtime::duration::format(total)),
            );
            obj.insert("maxVUs".into(), serde_json::json!(max_vus));
        }
    }
    let json = serde_json::to_string_pretty(&shape)?;
    rk6_runtime::term::out(&format!("{json}\n"));
    Ok(ExitCode::Success)
}

/// k6's option keys in the order `k6 inspect` prints them (Go struct order).
const KEYS: [&str; 39] = [
    "paused",
    "vus",
    "duration",
    "iterations",
    "stages",
    "scenarios",
    "executionSegment",
    "executionSegmentSequence",
    "noSetup",
    "setupTimeout",
    "noTeardown",
    "teardownTimeout",
    "rps",
    "dns",
    "maxRedirects",
    "userAgent",
    "batch",
    "batchPerHost",
    "httpDebug",
    "insecureSkipTLSVerify",
    "tlsCipherSuites",
    "tlsVersion",
    "tlsAuth",
    "throw",
    "thresholds",
    "blacklistIPs",
    "blockHostnames",
    "hosts",
    "noConnectionReuse",
    "noVUConnectionReuse",
    "minIterationDuration",
    "ext",
    "summaryTrendStats",
    "summaryTimeUnit",
    "systemTags",
    "tags",
    "metricSamplesBufferSize",
    "noCookiesReset",
    "discardResponseBodies",
];

/// The script's options with every k6 key present (unset ones `null`), in k6's order.
fn k6_shape(options: Option<&serde_json::Value>) -> serde_json::Value {
    let given = options.and_then(|o| o.as_object());
    let mut out = serde_json::Map::new();
    for key in KEYS {
        let value = given.and_then(|g| g.get(key)).cloned();
        let value = match (key, value) {
            (_, Some(v)) => v,
            ("dns", None) => serde_json::json!({"ttl": null, "select": null, "policy": null}),
            (_, None) => serde_json::Value::Null,
        };
        out.insert(key.to_string(), value);
    }
    serde_json::Value::Object(out)
}
