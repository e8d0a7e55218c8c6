//! `rk6 inspect`: loads the script (or archive) and runs its init code once, then prints
//! its options as JSON, as `k6 inspect` does: a script's exported options, an archive's
//! stored ones; with `--execution-requirements`, also the run's `totalDuration` and
//! `maxVUs` after the `K6_*` variables are applied (what k6-operator reads).

use std::sync::Arc;

use crate::cli::InspectFlags;
use crate::exit::ExitCode;
use crate::options::k6_json;
use crate::options::ConfigError;
use crate::run::RunError;
use crate::test_source::{LoadError, TestSource};

pub async fn inspect(flags: &InspectFlags) -> Result<ExitCode, RunError> {
    let source =
        TestSource::load(&flags.script, flags.test_type.as_deref()).map_err(|e| match e {
            // k6 inspect's words for a script that is not there.
            LoadError::Missing(_) => RunError::Config(ConfigError::Unclassified(
                rk6_runtime::error::missing_module(&flags.script.display().to_string()),
            )),
            e => e.into(),
        })?;
    let (tx, _rx) = std::sync::mpsc::channel();
    let config = rk6_runtime::TestConfig {
        env: source.env(flags.runtime_env()?),
        sources: source.sources.clone(),
        global_alias: source.global_alias(flags.global_alias()?),
        coroutine_stack: 1024 * 1024,
        text_summary: Some(crate::summary::legacy::text_summary_hook()),
        ..rk6_runtime::TestConfig::new(source.script_path.clone(), tx)
    };
    let pool = rk6_runtime::VuPool::new(1)?;
    let (_vu, info) = pool.create_vu(Arc::new(config), 0).await?;
    let own = source.own_options(info.options.as_ref());
    // Validates the options the way `run` would.
    let opts = crate::options::Options::from_script(own.as_ref())?;
    let mut shape = match &source.archive {
        Some(a) => k6_json::k6_shape(Some(&a.metadata.options)),
        None => k6_json::k6_shape(info.options.as_ref()),
    };
    if flags.execution_requirements {
        let env: std::collections::BTreeMap<String, String> = std::env::vars().collect();
        let opts = opts.apply(&crate::options::from_env(&env)?);
        let scenarios = crate::options::scenarios::derive(&opts)?;
        let total = scenarios
            .iter()
            .map(crate::executor::Scenario::max_duration)
            .max()
            .unwrap_or_default();
        let max_vus: u64 = scenarios.iter().map(|s| s.executor.max_vus()).sum();
        // The derived options, as k6 prints them with the requirements.
        shape = k6_json::consolidated(&opts);
        if let Some(obj) = shape.as_object_mut() {
            if let Some(derived) = crate::options::scenarios::derived_from_shortcuts(&opts) {
                obj.insert("scenarios".into(), derived);
            }
            obj.insert(
                "totalDuration".into(),
                serde_json::json!(rk6_runtime::duration::format(total)),
            );
            obj.insert("maxVUs".into(), serde_json::json!(max_vus));
        }
    }
    let json = k6_json::to_inspect_text(&shape)
        .map_err(|e| ConfigError::Unclassified(format!("could not print the options: {e}")))?;
    rk6_runtime::term::out(&format!("{json}\n"));
    Ok(ExitCode::Success)
}
