//! `rk6 archive`: loads the test as `run` would (a script or an archive), runs its init
//! code once to learn its options and which local files it reads (modules, `open()`,
//! `require`), consolidates the options with the config file, `K6_*` variables and the
//! flags, and writes k6's archive to `-O` (`-` is stdout). Nothing else goes to stdout:
//! k6-operator's initializer reads it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rk6_runtime::metrics::Registry;

use crate::archive::{anonymize, file_url, Archive, ArchiveError, ArchivedFile, Metadata};
use crate::cli::{ArchiveFlags, Globals, RunFlags};
use crate::exit::ExitCode;
use crate::metrics::threshold::ThresholdError;
use crate::options::{k6_json, ConfigError, Options};
use crate::run::{RunArgs, RunError};
use crate::test_source::TestSource;

/// What the flags say beyond the run arguments.
struct Request {
    out: String,
    exclude_env: bool,
    compatibility_mode: Option<String>,
    segment: Option<String>,
    sequence: Option<String>,
}

pub async fn archive(mut flags: ArchiveFlags, globals: Globals) -> Result<ExitCode, RunError> {
    refuse_run_only_flags(&flags.run)?;
    if flags.run.include_system_env_vars.is_none() {
        // Unlike `run`, `archive` records only `-e` variables unless asked.
        let env = crate::cli::env_bool_go("K6_INCLUDE_SYSTEM_ENV_VARS")?;
        flags.run.include_system_env_vars = Some(env.unwrap_or(false));
    }
    let request = Request {
        out: flags.archive_out,
        exclude_env: flags.exclude_env_vars,
        compatibility_mode: flags.run.compatibility_mode.clone(),
        segment: flags.run.execution_segment.clone(),
        sequence: flags.run.execution_segment_sequence.clone(),
    };
    let mut args = flags.run.into_args(globals)?;
    let source = TestSource::load(&args.script, args.test_type.as_deref())?;
    let env = source.env(crate::run::plan::build_env(&args));
    let (info, registry) = init_once(&source, &args, env.clone()).await?;
    let opts = consolidate(&mut args, &source, &info)?;
    check_threshold_metrics(&opts, &registry)?;
    let archive = pack(&source, &opts, env, &request)?;
    write_out(&archive, &request.out)?;
    Ok(ExitCode::Success)
}

/// k6 has no `--out` or `--linger` for `archive`; refusing them keeps the words k6 uses.
fn refuse_run_only_flags(run: &RunFlags) -> Result<(), ConfigError> {
    let unknown = if !run.out.is_empty() {
        Some("--out")
    } else if run.linger {
        Some("--linger")
    } else {
        None
    };
    match unknown {
        Some(flag) => Err(ConfigError::Flag(format!("unknown flag: {flag}"))),
        None => Ok(()),
    }
}

/// Runs the init code once (which reads every module and opened file through the
/// source cache) and returns the script's exported options and functions, and the
/// metrics it defined.
async fn init_once(
    source: &TestSource,
    args: &RunArgs,
    env: BTreeMap<String, String>,
) -> Result<(rk6_runtime::VuInfo, Registry), RunError> {
    let (tx, _rx) = std::sync::mpsc::channel();
    let config = rk6_runtime::TestConfig {
        env,
        sources: source.sources.clone(),
        global_alias: source.global_alias(args.global_alias),
        coroutine_stack: 1024 * 1024,
        text_summary: Some(crate::summary::legacy::text_summary_hook()),
        ..rk6_runtime::TestConfig::new(source.script_path.clone(), tx)
    };
    let pool = rk6_runtime::VuPool::new(1)?;
    let registry = config.registry.clone();
    let (_vu, info) = pool.create_vu(Arc::new(config), 0).await?;
    Ok((info, registry))
}

/// The options k6 stores: every tier merged and checked as `run` checks them.
fn consolidate(
    args: &mut RunArgs,
    source: &TestSource,
    info: &rk6_runtime::VuInfo,
) -> Result<Options, RunError> {
    let sys_env: BTreeMap<String, String> = std::env::vars().collect();
    let own = source.own_options(info.options.as_ref());
    let opts = crate::run::settings::resolve_options(args, own.as_ref(), &sys_env)?;
    let scenarios = crate::options::scenarios::derive(&opts)?;
    crate::run::plan::check_exec_functions(&scenarios, &info.functions)?;
    opts.threshold_spec()?;
    Ok(opts)
}

/// Every threshold names a metric the script has (k6 refuses the archive otherwise, 104).
fn check_threshold_metrics(opts: &Options, registry: &Registry) -> Result<(), ConfigError> {
    for key in opts.thresholds.iter().flat_map(|t| t.keys()) {
        let (name, _) = crate::metrics::threshold::parse_metric_key(key);
        if registry.lookup(&name).is_none() {
            let metric = key.clone();
            return Err(ThresholdError::UnknownMetric { metric, name }.into());
        }
    }
    Ok(())
}

/// The archive of the loaded test: its main script, every local file its init code read
/// (or, for an archive, its tree), and the metadata.
fn pack(
    source: &TestSource,
    opts: &Options,
    env: BTreeMap<String, String>,
    request: &Request,
) -> Result<Archive, RunError> {
    let (data, files) = match &source.archive {
        Some(a) => (a.data.clone(), a.files.clone()),
        None => files_read(source)?,
    };
    let mut options = k6_json::consolidated(opts);
    if let Some(o) = options.as_object_mut() {
        for (key, text) in [
            ("executionSegment", &request.segment),
            ("executionSegmentSequence", &request.sequence),
        ] {
            if let Some(t) = text {
                o.insert(key.into(), t.clone().into());
            }
        }
    }
    let script = anonymize(&source.script_path);
    let dir = script.parent().unwrap_or(Path::new("/"));
    let compatibility_mode = match (&request.compatibility_mode, &source.archive) {
        (Some(m), _) if !m.is_empty() => m.clone(),
        (_, Some(a)) if !a.metadata.compatibility_mode.is_empty() => {
            a.metadata.compatibility_mode.clone()
        }
        _ => "extended".into(),
    };
    let metadata = Metadata {
        kind: "js".into(),
        options,
        filename: file_url(&script),
        pwd: file_url(dir),
        env: (!request.exclude_env).then_some(env),
        compatibility_mode,
        k6version: rk6_runtime::K6_VERSION.into(),
        goos: Metadata::goos(),
    };
    Ok(Archive {
        metadata,
        data,
        files,
    })
}

/// The main script's source and every other file read from disk, by anonymised path.
fn files_read(source: &TestSource) -> Result<(Vec<u8>, BTreeMap<PathBuf, ArchivedFile>), RunError> {
    let data = source
        .sources
        .get(&source.script_path)
        .ok_or_else(|| ArchiveError::Tar("the script was not loaded".into()))?
        .to_vec();
    let mut files = BTreeMap::new();
    for (path, bytes) in source.sources.read_from_disk() {
        if path == source.script_path {
            continue;
        }
        let mtime = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        let file = ArchivedFile {
            bytes: bytes.to_vec(),
            mtime,
        };
        files.insert(anonymize(&path), file);
    }
    Ok((data, files))
}

/// Writes the archive to `out`, or to stdout for `-`.
fn write_out(archive: &Archive, out: &str) -> Result<(), ArchiveError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let bytes = archive.to_tar(now)?;
    let failed = |e: std::io::Error| ArchiveError::Write {
        path: out.to_string(),
        reason: e.to_string(),
    };
    if out == "-" {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&bytes)
            .and_then(|()| stdout.flush())
            .map_err(failed)
    } else {
        std::fs::write(out, bytes).map_err(failed)
    }
}
