//! The run's first stage: from the command line and the script to a [`Plan`]. The script
//! is loaded once (its init code gives the exported options and functions), the option
//! tiers are merged, scenarios are derived and checked against the exports, and the
//! configuration every VU shares is frozen. The REST API starts before all of it, so
//! probes get answers while the script loads.

use std::collections::BTreeMap;
use std::sync::Arc;

use rk6_runtime::metrics::{Registry, Sample};
use rk6_runtime::{log::Logger, TestConfig, VuHandle, VuPool};

use super::{settings, RunArgs, RunError};
use crate::executor::Scenario;
use crate::metrics::ThresholdSpec;
use crate::options::{ConfigError, Options};
use crate::test_source::TestSource;

/// What the test is, once its options are known.
pub(super) struct Plan {
    /// What every VU shares.
    pub config: Arc<TestConfig>,
    pub opts: Options,
    /// The script's exported functions.
    pub functions: Vec<String>,
    /// Sorted as k6's header lists them.
    /// Shared with the scenario tasks `execute` spawns (an executor is not `Clone`).
    pub scenarios: Arc<[Scenario]>,
    pub thresholds: ThresholdSpec,
    pub registry: Registry,
    /// The thread of setup(), teardown() and handleSummary(), apart from the test's VUs.
    pub lifecycle_pool: VuPool,
    /// The first load of the script, kept as k6 keeps it.
    pub _options_vu: VuHandle,
    pub control: Arc<crate::api::Control>,
    /// The process environment (for `K6_*` settings of the outputs).
    pub sys_env: BTreeMap<String, String>,
}

/// Loads the script, merges its options with the other tiers and derives the scenarios;
/// also where every VU's samples will arrive (the metrics engine reads them).
pub(super) async fn plan(
    args: &mut RunArgs,
    control: Arc<crate::api::Control>,
) -> Result<(Plan, SampleRx), RunError> {
    control.set_status(crate::api::status::INIT_VUS);
    let (mut config, samples, source) = base_config(args)?;
    let lifecycle_pool = VuPool::new(1)?;
    let (options_vu, info) = lifecycle_pool
        .create_vu(Arc::new(config.clone()), 0)
        .await?;
    crate::verbose::runner_ready();
    if let Some(path) = std::env::var_os("SSLKEYLOGFILE") {
        Logger::warn(
            &format!(
                "SSLKEYLOGFILE was specified, logging TLS connection keys to '{}'...",
                path.to_string_lossy()
            ),
            &[],
        );
    }
    let sys_env: BTreeMap<String, String> = std::env::vars().collect();
    // An archive's stored options stand for the script's (which are not re-applied).
    let own = source.own_options(info.options.as_ref());
    let opts = settings::resolve_options(args, own.as_ref(), &sys_env)?;
    if info.functions.is_empty() {
        return Err(RunError::NoFunctions(super::load_failure(
            &args.script,
            "no exported functions in script",
        )));
    }
    let paused = args.paused || opts.paused.unwrap_or(false);
    let mut scenarios = crate::options::scenarios::derive(&opts)?;
    if let Some(seg) = &args.segment {
        for s in &mut scenarios {
            s.executor.segment(seg);
        }
    }
    let _ = control.paused.send_replace(paused);
    connect_external_control(&mut scenarios, &control);
    check_exec_functions(&scenarios, &info.functions)?;
    let thresholds = if args.no_thresholds {
        settings::warn_unknown_threshold_metrics(&opts, &config.registry);
        Default::default()
    } else {
        opts.threshold_spec()?
    };
    freeze_options(&mut config, &opts, args)?;
    control.attach_run(crate::api::RunView {
        test: config.test.clone(),
        executors: scenarios
            .iter()
            .map(|s| (s.executor.kind().to_string(), s.name.clone()))
            .collect(),
    });
    let plan = Plan {
        registry: config.registry.clone(),
        config: Arc::new(config),
        opts,
        functions: info.functions,
        scenarios: scenarios.into(),
        thresholds,
        lifecycle_pool,
        _options_vu: options_vu,
        control,
        sys_env,
    };
    Ok((plan, samples))
}

pub(super) type SampleRx = std::sync::mpsc::Receiver<Vec<Sample>>;

/// The configuration the first load of the script runs with: the script (or archive),
/// `-e` variables, secrets and the sample channel (options are not known yet).
fn base_config(args: &RunArgs) -> Result<(TestConfig, SampleRx, TestSource), RunError> {
    let source = TestSource::load(&args.script, args.test_type.as_deref())?;
    let script_path = source.script_path.clone();
    crate::verbose::script_loaded(
        &args.script.display().to_string(),
        &format!("file://{}", script_path.display()),
        std::fs::metadata(&script_path).map_or(0, |m| m.len() as usize),
    );
    let (tx, rx) = std::sync::mpsc::channel::<Vec<Sample>>();
    let config = TestConfig {
        env: source.env(build_env(args)),
        sources: source.sources.clone(),
        text_summary: Some(crate::summary::legacy::text_summary_hook()),
        secrets: rk6_runtime::config::secrets::SecretSources::parse(&args.secret_sources)
            .map_err(|e| ConfigError::Flag(e.to_string()))?,
        global_alias: source.global_alias(args.global_alias),
        ..TestConfig::new(script_path, tx)
    };
    Ok((config, rx, source))
}

/// The run's own `__ENV`: the system's (when included) under the `-e` variables.
pub(crate) fn build_env(args: &RunArgs) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    if args.include_system_env {
        env.extend(std::env::vars());
    }
    env.extend(args.env.iter().cloned());
    env
}

/// A scenario that follows the REST API's VU target (externally controlled) gets it.
fn connect_external_control(scenarios: &mut [Scenario], control: &crate::api::Control) {
    for s in scenarios {
        s.executor.attach_control(control);
    }
}

/// Every scenario's `exec` must be an exported function (k6's words).
pub(crate) fn check_exec_functions(
    scenarios: &[Scenario],
    functions: &[String],
) -> Result<(), RunError> {
    let missing: Vec<String> = scenarios
        .iter()
        .filter(|s| !functions.iter().any(|f| f == &s.exec))
        .map(|s| {
            format!(
                "executor {}: function '{}' not found in exports",
                s.name, s.exec
            )
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ConfigError::Scenarios(missing).into())
    }
}

/// The options every VU of the test sees: HTTP settings, tags, the minimum iteration
/// duration and the test-wide execution state.
fn freeze_options(config: &mut TestConfig, opts: &Options, args: &RunArgs) -> Result<(), RunError> {
    config.http = opts.http_config()?;
    // A zero or negative minimum is no minimum, as in k6.
    config.min_iteration_duration = opts
        .min_iteration_duration
        .as_ref()
        .map(crate::options::DurationOpt::signed_nanos)
        .transpose()?
        .filter(|ns| *ns > 0)
        .map(|ns| std::time::Duration::from_nanos(ns.unsigned_abs()));
    if opts.tls_auth_has_domains() {
        Logger::warn("tlsAuth.domains option could be removed in the next releases, it's recommended to leave it empty and let k6 automatically detect from the provided certificate. It follows the Go's NameToCertificate deprecation - https://pkg.go.dev/crypto/tls@go1.17#Config.", &[]);
    }
    config.system_tags = opts.system_tags();
    config.run_tags = opts.tags.clone().unwrap_or_default();
    let mut test_state =
        rk6_runtime::execution::TestState::new(crate::options::scenarios::test_options(opts));
    if let Some(seg) = &args.segment {
        let stripe = seg.stripe();
        test_state.vu_stripe = (stripe.lcd, stripe.offsets);
    }
    config.test = Arc::new(test_state);
    Ok(())
}

/// The REST API: on `localhost:6565` unless `--address` says otherwise (empty: none). As in
/// k6, a busy default port is a warning, a busy chosen one an error (exit 106).
pub(super) async fn start_api(
    address: Option<&str>,
    control: &Arc<crate::api::Control>,
) -> Result<(), RunError> {
    let addr = match address {
        Some("") => return Ok(()),
        Some(a) => a,
        None => "localhost:6565",
    };
    Logger::debug(&format!("Starting the REST API server on {addr}"), &[]);
    match crate::api::serve(addr, control.clone()).await {
        Ok(_) => Ok(()),
        Err(e) if address.is_none() => {
            Logger::warn("Error from API server", &[("error", &e.to_string())]);
            Ok(())
        }
        Err(e) => Err(RunError::Api(e)),
    }
}
