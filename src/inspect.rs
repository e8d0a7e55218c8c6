//! `rk6 inspect`: runs the script's init code once and prints its options as JSON.

use std::path::Path;
use std::sync::Arc;

use crate::exit::ExitCode;

pub async fn inspect(script: &Path) -> anyhow::Result<ExitCode> {
    let script_path = std::fs::canonicalize(script).map_err(|e| {
        anyhow::anyhow!(
            "The moduleSpecifier \"{}\" couldn't be found on local disk: {e}",
            script.display()
        )
    })?;
    let (tx, _rx) = std::sync::mpsc::channel();
    let config = rk6_runtime::TestConfig {
        script_path,
        env: std::env::vars().collect(),
        registry: rk6_runtime::metrics::Registry::new(),
        samples: tx,
        io: tokio::runtime::Handle::current(),
        sources: rk6_runtime::SourceCache::default(),
        http: rk6_runtime::HttpConfig::default(),
        system_tags: rk6_runtime::SystemTags::default(),
        run_tags: Default::default(),
        coroutine_stack: 1024 * 1024,
    };
    let pool = rk6_runtime::VuPool::new(1)?;
    let (_vu, info) = match pool.create_vu(Arc::new(config), 0).await {
        Ok(v) => v,
        Err(e) => {
            rk6_runtime::log::Logger::error(&e.to_string(), &[("hint", "script exception")]);
            return Ok(ExitCode::ScriptException);
        }
    };
    let options = crate::options::Options::from_script(info.options.as_ref())?;
    let json = serde_json::to_string_pretty(&options)?;
    println!("{json}");
    Ok(ExitCode::Success)
}
