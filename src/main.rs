//! `rk6`: a k6-compatible load tester. This is the CLI edge: it parses arguments, starts the
//! runtime and maps results to k6's exit codes. The work happens in `run`, `executor`,
//! `metrics`, `summary` and the `rk6-runtime` crate.

mod api;
mod archive;
mod archive_command;
mod cli;
mod config_types;
mod demo;
mod execution_segment;
mod executor;
mod exit;
mod fault;
mod inspect;
mod merge;
mod metrics;
mod options;
mod output;
mod run;
mod summary;
mod target;
mod test_source;
mod verbose;

use clap::Parser;

/// mimalloc: per-request allocations dominate the client's CPU profile under glibc malloc
/// (~20 % of cycles, much of it in `malloc_consolidate`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use rk6_runtime::log::Logger;

use crate::cli::{Cli, Command};
use crate::exit::ExitCode;

/// `rk6 v0.1.0 (k6 v1.1.0 compatible, rust, linux/x86_64)`.
pub fn version_string() -> String {
    format!(
        "v{} (k6 v{} compatible, {}/{})",
        env!("CARGO_PKG_VERSION"),
        rk6_runtime::K6_VERSION,
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// mimalloc without transparent huge pages. Its arenas are committed up front (its default
/// on Linux), which spares a `mprotect` per page it hands out: starting 5,000 VUs spent
/// ~10 % of its CPU there. mimalloc advises those arenas `MADV_HUGEPAGE`, and freed memory
/// then stays resident in 2 MiB pages (~20 % more RSS at 1,000 VUs, and seconds of page
/// compaction in some 5,000-VU runs). With huge pages off for the process (what
/// `MIMALLOC_ALLOW_THP=0` does, done here because mimalloc reads its options before any
/// constructor of ours runs), 1,000 VUs of `sleep1.js` and 100 and 5,000 VUs of the AI
/// script held the same RSS as with lazily committed arenas, and 5,000 VUs of the AI script
/// used ~3 % less CPU. The kernel checks the flag when it faults a page in, so memory
/// mimalloc reserved earlier is covered too. Linux only (`.init_array`, an ELF constructor
/// run before `main`); `MIMALLOC_ALLOW_THP` in the environment still takes precedence.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array.00101"]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

#[cfg(target_os = "linux")]
extern "C" fn tune_allocator() {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE takes no pointers; it sets a flag of this process.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => ExitCode::Other.code(),
            };
            let _ = e.print();
            if e.kind() == clap::error::ErrorKind::UnknownArgument {
                // k6's own wording, which CI log scrapers may look for.
                if let Some(clap::error::ContextValue::String(arg)) =
                    e.get(clap::error::ContextKind::InvalidArg)
                {
                    Logger::error(&format!("unknown flag: {arg}"), &[]);
                }
            }
            std::process::exit(code);
        }
    };
    fault::install();
    rk6_runtime::term::init(cli.no_color);
    Logger::set_verbose(cli.verbose);
    if let Err(e) = configure_logs(&cli) {
        Logger::error(&e, &[]);
        std::process::exit(ExitCode::Other.code());
    }
    verbose::startup(
        match cli.log_format.as_deref() {
            Some("json") => "JSON",
            Some("raw") => "RAW",
            _ => "TEXT",
        },
        &version_string(),
    );
    if cli.profiling_enabled {
        Logger::warn(
            "rk6 serves no profiling (pprof) endpoints; --profiling-enabled has no effect",
            &[],
        );
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("rk6-io")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            Logger::error(&format!("could not start the I/O runtime: {e}"), &[]);
            std::process::exit(ExitCode::Other.code());
        }
    };
    let code = rt.block_on(dispatch(cli));
    // VU threads may still hold contexts; exiting directly skips tearing down thousands of them.
    std::process::exit(code.code());
}

/// `--log-format`, `--log-output` and `--console-output`, before anything is logged; a
/// value k6 refuses exits 255 with k6's message.
fn configure_logs(cli: &Cli) -> Result<(), String> {
    use rk6_runtime::log::{open_append, LogFormat, LogTarget, OpenError, Sinks};
    let target = LogTarget::parse(cli.log_output.as_deref().unwrap_or("stderr"))
        .map_err(|e| e.to_string())?;
    let console = match &cli.command {
        Command::Run(f) => f.console_output.as_deref().filter(|p| !p.is_empty()),
        _ => None,
    };
    let console = match console.map(open_append) {
        None => None,
        Some(Ok(file)) => Some(std::sync::Mutex::new(file)),
        Some(Err(OpenError::Io(m))) => return Err(m),
        Some(Err(OpenError::NoDirectory(_))) => {
            return Err(format!(
                "open {}: no such file or directory",
                console.unwrap_or_default()
            ))
        }
    };
    Logger::configure(Sinks {
        format: LogFormat::parse(cli.log_format.as_deref().unwrap_or("")),
        target,
        console,
    });
    Ok(())
}

async fn dispatch(cli: Cli) -> ExitCode {
    let (quiet, no_color) = (cli.quiet, cli.no_color);
    let globals = cli.globals();
    let result: anyhow::Result<ExitCode> = match cli.command {
        Command::Merge(ref f) => merge_command(f, no_color).await,
        Command::Version => {
            rk6_runtime::term::out(&format!("rk6 {}\n", version_string()));
            Ok(ExitCode::Success)
        }
        Command::Inspect(ref flags) => match inspect::inspect(flags).await {
            Ok(code) => Ok(code),
            Err(e) => return report(e),
        },
        Command::Target { ref listen } => target_forever(listen).await,
        Command::Demo { ref script } => demo::demo(script.clone(), quiet, no_color).await,
        Command::Client(ref cmd) => {
            let address = globals.address.as_deref().unwrap_or("localhost:6565");
            match api::client::run(cmd, address).await {
                Ok(yaml) => {
                    rk6_runtime::term::out(&yaml);
                    Ok(ExitCode::Success)
                }
                Err(e) => {
                    Logger::error(&e.to_string(), &[]);
                    return ExitCode::Other;
                }
            }
        }
        Command::Archive(flags) => match archive_command::archive(*flags, globals).await {
            Ok(code) => Ok(code),
            Err(e) => return report(e),
        },
        Command::Run(flags) => match flags.into_args(globals) {
            Err(e) => {
                Logger::error(&e.to_string(), &[]);
                return e.exit_code();
            }
            Ok(args) => match run::run(args).await {
                Ok(code) => Ok(code),
                Err(e) => return report(e),
            },
        },
    };
    result.unwrap_or_else(|e| {
        Logger::error(&format!("{e:#}"), &[]);
        ExitCode::Other
    })
}

/// Logs why a run (or inspect, or archive) failed, as k6 words it, and gives its exit code.
fn report(e: run::RunError) -> ExitCode {
    if let run::RunError::Api(e) = &e {
        Logger::error("Error from API server", &[("error", &e.to_string())]);
        return ExitCode::CannotStartRestApi;
    }
    let hint = match (&e, e.exit_code()) {
        (run::RunError::VuInit { id, .. }, ExitCode::ScriptException) => {
            format!("error while initializing VU #{id} (script exception)")
        }
        (run::RunError::VuInit { id, .. }, _) => format!("error while initializing VU #{id}"),
        (_, ExitCode::ScriptException) => "script exception".to_string(),
        _ => String::new(),
    };
    let fields: &[(&str, &str)] = if hint.is_empty() {
        &[]
    } else {
        &[("hint", &hint)]
    };
    Logger::error(&e.to_string(), fields);
    e.exit_code()
}

async fn target_forever(listen: &str) -> anyhow::Result<ExitCode> {
    let addr = target::spawn(listen).await?;
    rk6_runtime::term::err(&format!(
        "rk6 target listening on http://{addr} (WebSocket echo at ws://{addr}/ws/echo); Ctrl-C to stop\n"
    ));
    tokio::signal::ctrl_c().await?;
    Ok(ExitCode::Success)
}

/// `rk6 merge`: its flags checked as `run` checks the same ones.
async fn merge_command(f: &cli::MergeFlags, no_color: bool) -> anyhow::Result<ExitCode> {
    let Some(summary_mode) = summary::SummaryMode::parse(&f.summary_mode) else {
        Logger::error(&format!("invalid summary mode '{}'", f.summary_mode), &[]);
        return Ok(ExitCode::InvalidConfig);
    };
    let wait = match rk6_runtime::duration::parse(&f.wait) {
        Ok(d) => d,
        Err(e) => {
            Logger::error(&format!("invalid --wait: {e}"), &[]);
            return Ok(ExitCode::InvalidConfig);
        }
    };
    Ok(merge::run(merge::MergeArgs {
        paths: f.parts.clone(),
        summary_export: f.summary_export.clone(),
        summary_mode,
        no_color,
        expect: f.expect,
        wait,
    })
    .await)
}
