//! `rk6 demo`: a real load test with nothing installed — the built-in target on a free
//! loopback port, and `examples/quickstart.js` (embedded) run against it. It leaves an
//! HTML report of the run in a temporary directory and prints its path.

use std::path::PathBuf;

use crate::exit::ExitCode;
use crate::run::{run, RunArgs};

const QUICKSTART: &str = include_str!("../examples/quickstart.js");

pub async fn demo(
    script: Option<PathBuf>,
    quiet: bool,
    no_color: bool,
) -> anyhow::Result<ExitCode> {
    let addr = crate::target::spawn("127.0.0.1:0").await?;
    let dir = std::env::temp_dir().join(format!("rk6-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let report = dir.join("report.html");
    let script = match script {
        Some(s) => s,
        None => {
            let path = dir.join("quickstart.js");
            std::fs::write(&path, QUICKSTART)?;
            path
        }
    };
    let args = RunArgs {
        script,
        env: vec![("BASE_URL".into(), format!("http://{addr}"))],
        include_system_env: true,
        quiet,
        no_color,
        report: Some(report.clone()),
        ..RunArgs::default()
    };
    let code = run(args).await.unwrap_or_else(|e| {
        rk6_runtime::log::Logger::error(&e.to_string(), &[]);
        e.exit_code()
    });
    if report.metadata().is_ok_and(|m| m.len() > 0) {
        rk6_runtime::term::out(&format!(
            "HTML report: {} (open it in a browser)\n",
            report.display()
        ));
    }
    Ok(code)
}
