//! Command-line interface with k6's command and flag names (`run`, `inspect`, `version`,
//! the REST API client commands), plus rk6's own `target` (the built-in test server) and
//! `demo`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::options::{parse_stage, ConfigError, DurationOpt, Options};
use crate::run::RunArgs;
use crate::summary::SummaryMode;
use rk6_runtime::log::Logger;

#[derive(Debug, Parser)]
#[command(
    name = "rk6",
    about = "A k6-compatible load tester: runs k6 scripts unmodified",
    version
)]
pub struct Cli {
    /// Disable colored output.
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Disable the progress updates and the banner.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Enable verbose logging (shows console.debug).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Log output format: text (default), json or raw.
    #[arg(long, global = true, env = "K6_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Where logs go: stderr (default), stdout, none or file=PATH[,level=LEVEL].
    #[arg(long, global = true, env = "K6_LOG_OUTPUT")]
    pub log_output: Option<String>,
    /// Accepted for k6 compatibility; rk6 serves no pprof endpoints.
    #[arg(long, global = true, env = "K6_PROFILING_ENABLED", value_parser = clap::builder::FalseyValueParser::new())]
    pub profiling_enabled: bool,
    /// Address of the REST API (default `localhost:6565`; empty turns it off). The last
    /// one given wins, as in k6.
    #[arg(short = 'a', long, global = true, overrides_with = "address")]
    pub address: Option<String>,
    /// JSON config file with options (lower precedence than the script's options).
    #[arg(short = 'c', long = "config", global = true, env = "K6_CONFIG")]
    pub config: Option<PathBuf>,
    /// A source for `k6/secrets`: `file=PATH` or `mock=k1=v1,k2=v2`, optionally with
    /// `name=N` and `default` (repeatable; a single source is the default).
    #[arg(long = "secret-source", global = true)]
    pub secret_source: Vec<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// The flags k6 accepts before or after the command name that `run` uses.
#[derive(Debug, Clone, Default)]
pub struct Globals {
    pub quiet: bool,
    pub no_color: bool,
    pub address: Option<String>,
    pub config: Option<PathBuf>,
    pub secret_source: Vec<String>,
}

impl Cli {
    pub fn globals(&self) -> Globals {
        Globals {
            quiet: self.quiet,
            no_color: self.no_color,
            address: self.address.clone(),
            config: self.config.clone(),
            secret_source: self.secret_source.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a test.
    Run(Box<RunFlags>),
    /// Print the script's (or archive's) options as JSON.
    Inspect(InspectFlags),
    /// Pack the script, the local modules it imports and the files it opens, with its
    /// options, into a k6 archive (a `.tar` that `k6 run` and `rk6 run` accept).
    Archive(Box<ArchiveFlags>),
    /// Print the whole test's summary from instances' result parts (`--out result=…`).
    Merge(MergeFlags),
    /// Show the version.
    Version,
    /// Serve the built-in httpbin-compatible target (HTTP + WebSocket echo).
    Target {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Start the built-in target on a free loopback port and run the quickstart example against it.
    Demo {
        /// Script to run instead of examples/quickstart.js (BASE_URL is set for it).
        script: Option<PathBuf>,
    },
    /// k6's REST API client commands (`status`, `pause`, `resume`, `scale`, `stats`).
    #[command(flatten)]
    Client(crate::api::client::ClientCommand),
}

/// `rk6 archive`'s flags: `run`'s option flags plus where the archive goes.
#[derive(Debug, Args)]
pub struct ArchiveFlags {
    #[command(flatten)]
    pub run: RunFlags,
    /// Archive output filename (`-` writes it to stdout).
    #[arg(short = 'O', long = "archive-out", default_value = "archive.tar")]
    pub archive_out: String,
    /// Don't record any environment variable (`env` is `null`).
    #[arg(long)]
    pub exclude_env_vars: bool,
}

/// `rk6 inspect`'s flags: k6's runtime flags and `--execution-requirements`.
#[derive(Debug, Args)]
pub struct InspectFlags {
    /// The script or archive.
    pub script: PathBuf,
    /// Also print the run's totalDuration and maxVUs (what k6-operator reads).
    #[arg(long)]
    pub execution_requirements: bool,
    /// Add/override environment variable with VAR=value.
    #[arg(short = 'e', long = "env")]
    pub env: Vec<String>,
    /// Pass the real system environment variables to the runtime (default false, as in
    /// k6's inspect).
    #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::FalseyValueParser::new())]
    pub include_system_env_vars: Option<bool>,
    /// Test type: js or archive (unset: an archive is told by its content).
    #[arg(short = 't', long = "type", env = "K6_TYPE")]
    pub test_type: Option<String>,
    /// JavaScript compatibility mode: extended (default) or base.
    #[arg(long, env = "K6_COMPATIBILITY_MODE")]
    pub compatibility_mode: Option<String>,
}

impl InspectFlags {
    /// The run-time `__ENV` (before an archive's variables go under it).
    pub fn runtime_env(&self) -> Result<std::collections::BTreeMap<String, String>, ConfigError> {
        let mut env = std::collections::BTreeMap::new();
        let system = match self.include_system_env_vars {
            Some(v) => v,
            None => env_bool_go("K6_INCLUDE_SYSTEM_ENV_VARS")?.unwrap_or(false),
        };
        if system {
            env.extend(std::env::vars());
        }
        env.extend(parse_env_flags(&self.env)?);
        Ok(env)
    }

    /// `Some(alias)` when the compatibility mode was chosen.
    pub fn global_alias(&self) -> Result<Option<bool>, ConfigError> {
        self.compatibility_mode
            .as_deref()
            .map(|m| compatibility_global(Some(m)))
            .transpose()
    }
}

#[derive(Debug, Args)]
pub struct MergeFlags {
    /// Result part files, or directories holding them (their `*.json` files).
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Write the merged end-of-test summary JSON (as `run --summary-export` would).
    #[arg(long)]
    pub summary_export: Option<PathBuf>,
    /// compact, full or legacy.
    #[arg(long, default_value = "compact")]
    pub summary_mode: String,
    /// Wait until this many parts written after the merge started are there (a merge Job
    /// started beside a TestRun; older parts in the directories are ignored).
    #[arg(long)]
    pub expect: Option<usize>,
    /// How long --expect waits.
    #[arg(long, default_value = "10m")]
    pub wait: String,
}

#[derive(Debug, Args)]
pub struct RunFlags {
    /// Number of virtual users.
    #[arg(short = 'u', long, allow_negative_numbers = true)]
    pub vus: Option<i64>,
    /// Test duration limit.
    #[arg(short = 'd', long, allow_hyphen_values = true)]
    pub duration: Option<String>,
    /// Script total iteration limit (among all VUs).
    #[arg(short = 'i', long, allow_negative_numbers = true)]
    pub iterations: Option<i64>,
    /// Add a stage, as `[duration]:[target]` (repeatable, or comma separated).
    #[arg(short = 's', long = "stage", value_delimiter = ',')]
    pub stages: Vec<String>,
    /// Add/override environment variable with VAR=value.
    #[arg(short = 'e', long = "env")]
    pub env: Vec<String>,
    /// Pass the real system environment variables to the runtime.
    #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::FalseyValueParser::new())]
    pub include_system_env_vars: Option<bool>,
    /// Don't show the summary at the end of the test.
    #[arg(long)]
    pub no_summary: bool,
    /// Don't run thresholds.
    #[arg(long)]
    pub no_thresholds: bool,
    /// Limit requests per second (all VUs together).
    #[arg(long, allow_negative_numbers = true)]
    pub rps: Option<i64>,
    /// Max parallel batch requests.
    #[arg(long, allow_negative_numbers = true)]
    pub batch: Option<i64>,
    /// Max parallel batch requests per host.
    #[arg(long, allow_negative_numbers = true)]
    pub batch_per_host: Option<i64>,
    /// Minimum amount of time an iteration takes.
    #[arg(long, allow_hyphen_values = true)]
    pub min_iteration_duration: Option<String>,
    /// Don't reuse connections between iterations.
    #[arg(long)]
    pub no_vu_connection_reuse: bool,
    /// Blacklist an IP range (CIDR) from being called (repeatable or comma separated).
    #[arg(long = "blacklist-ip", value_delimiter = ',')]
    pub blacklist_ip: Vec<String>,
    /// Block a case-insensitive hostname pattern, with optional leading wildcard.
    #[arg(long, value_delimiter = ',')]
    pub block_hostnames: Vec<String>,
    /// Source IPs, ranges and CIDRs the VUs make requests from (round-robin per VU).
    #[arg(long)]
    pub local_ips: Option<String>,
    /// Write console.* lines to this file (appended) instead of the log.
    #[arg(long, env = "K6_CONSOLE_OUTPUT")]
    pub console_output: Option<String>,
    /// JavaScript compatibility mode: extended (default) or base (no `global` alias).
    #[arg(long, env = "K6_COMPATIBILITY_MODE")]
    pub compatibility_mode: Option<String>,
    /// Test type: js or archive (unset: an archive is told by its content).
    #[arg(short = 't', long = "type", env = "K6_TYPE")]
    pub test_type: Option<String>,
    /// Traces output: none (rk6 exports no traces).
    #[arg(long, env = "K6_TRACES_OUTPUT")]
    pub traces_output: Option<String>,
    /// Keep rk6 (and its REST API) alive past the test end until Ctrl-C, then summarise.
    #[arg(short = 'l', long)]
    pub linger: bool,
    /// Accepted for k6 compatibility: rk6 never sends usage reports.
    #[arg(long)]
    pub no_usage_report: bool,
    /// Where to send metric samples: `json=FILE`, `csv=FILE`, `influxdb=URL`,
    /// `xk6-influxdb=URL`, `experimental-prometheus-rw` (`K6_PROMETHEUS_RW_*`),
    /// `experimental-opentelemetry` (OTLP, `K6_OTEL_*`) (repeatable).
    #[arg(short = 'o', long = "out")]
    pub out: Vec<String>,
    /// The part of the test this instance runs: `from:to` (`1/3:2/3`, `50%`, `0.5`).
    #[arg(long)]
    pub execution_segment: Option<String>,
    /// All instances' segment boundaries: `0,1/3,2/3,1`.
    #[arg(long)]
    pub execution_segment_sequence: Option<String>,
    /// Start the test paused, waiting for `PATCH /v1/status` to resume it.
    #[arg(short = 'p', long)]
    pub paused: bool,
    /// The end-of-test summary: compact (default), full or legacy.
    #[arg(long, env = "K6_SUMMARY_MODE")]
    pub summary_mode: Option<String>,
    /// Output the end-of-test summary report to a JSON file.
    #[arg(long, env = "K6_SUMMARY_EXPORT")]
    pub summary_export: Option<PathBuf>,
    /// Write a self-contained HTML report (charts, per-endpoint and failure tables) to this
    /// file at the end (rk6's; the same as K6_WEB_DASHBOARD_EXPORT without the live page).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Define stats for trend metrics, e.g. 'avg,p(95)'.
    #[arg(long)]
    pub summary_trend_stats: Option<String>,
    /// Time unit for trend stats: s, ms or us.
    #[arg(long)]
    pub summary_time_unit: Option<String>,
    /// Don't run setup().
    #[arg(long)]
    pub no_setup: bool,
    /// Don't run teardown().
    #[arg(long)]
    pub no_teardown: bool,
    /// Follow at most n redirects.
    #[arg(long, allow_negative_numbers = true)]
    pub max_redirects: Option<i64>,
    /// User agent for http requests.
    #[arg(long)]
    pub user_agent: Option<String>,
    /// Throw warnings (like failed http requests) as errors.
    #[arg(short = 'w', long)]
    pub throw: bool,
    /// Disable keep-alive connections.
    #[arg(long)]
    pub no_connection_reuse: bool,
    /// Read but don't process or save HTTP response bodies.
    #[arg(long)]
    pub discard_response_bodies: bool,
    /// Skip verification of TLS certificates.
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
    /// Log all HTTP requests and responses; bodies only with `--http-debug=full`.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "headers")]
    pub http_debug: Option<String>,
    /// DNS resolver settings: `ttl=5m,select=random,policy=preferIPv4`.
    #[arg(long)]
    pub dns: Option<String>,
    /// Add a tag to be applied to all samples, as `[name]=[value]`.
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Only include these system tags in metrics.
    #[arg(long, value_delimiter = ',')]
    pub system_tags: Option<Vec<String>>,
    /// The script to run.
    pub script: PathBuf,
}

/// k6's `parseTagNameValue` for `--tag NAME=VALUE` (its errors exit 255).
fn tag_name_value(s: &str) -> Result<(String, String), ConfigError> {
    let why = match s.find('=') {
        _ if s.is_empty() => "invalid tag, empty string",
        Some(0) => "invalid tag, empty name",
        Some(i) if i + 1 < s.len() => return Ok((s[..i].to_string(), s[i + 1..].to_string())),
        _ => "invalid tag, empty value",
    };
    Err(ConfigError::Flag(format!("error parsing tag '{s}': {why}")))
}

/// `-e NAME=VALUE` flags as k6 reads them: a variable without `=` is set to the empty
/// string, and a name must be an identifier.
pub(crate) fn parse_env_flags(flags: &[String]) -> Result<Vec<(String, String)>, ConfigError> {
    let mut env = Vec::new();
    for e in flags {
        let (k, v) = e.split_once('=').unwrap_or((e.as_str(), ""));
        let valid = k
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(ConfigError::Flag(format!(
                "invalid environment variable name '{k}'"
            )));
        }
        env.push((k.to_string(), v.to_string()));
    }
    Ok(env)
}

/// `--compatibility-mode`: whether the script gets the `global` alias (`extended`).
fn compatibility_global(mode: Option<&str>) -> Result<bool, ConfigError> {
    match mode.unwrap_or("extended") {
        "extended" | "" => Ok(true),
        "base" => Ok(false),
        "experimental_enhanced" => {
            Logger::warn("ComaptibilityMode \"experimental_enhanced\" is deprecated. Types are stripped by default for `.ts` files. Please move to using \"base\" instead as \"experimental_enhanced\" will be removed in the future", &[]);
            Ok(false)
        }
        other => Err(ConfigError::Flag(format!(
            "invalid compatibility mode \"{other}\". Use: \"extended\", \"base\", \"experimental_enhanced\""
        ))),
    }
}

/// `--type`, `--traces-output`: what rk6 can honour, or k6's error, or a loud refusal.
fn check_runtime_flags(test_type: Option<&str>, traces: Option<&str>) -> Result<(), ConfigError> {
    match test_type {
        None | Some("js") | Some("") => {}
        Some("archive") => {}
        Some(other) => {
            return Err(ConfigError::Flag(format!(
                "unknown or unspecified test type '{other}'"
            )))
        }
    }
    match traces {
        None | Some("none") => Ok(()),
        Some(t) if t == "otel" || t.starts_with("otel=") => Err(ConfigError::Flag(format!(
            "rk6 does not export traces (--traces-output {t}); use --traces-output none"
        ))),
        Some(other) => Err(ConfigError::Flag(format!(
            "invalid traces output \"{other}\""
        ))),
    }
}

/// A boolean `K6_*` variable k6 parses with Go's `ParseBool`.
pub(crate) fn env_bool_go(k: &str) -> Result<Option<bool>, ConfigError> {
    crate::options::env::go_bool(k, std::env::var(k).ok().as_deref())
}

/// A boolean `K6_*` variable k6 reads with envconfig (only `true`/`false`).
fn env_null_bool(k: &str, field: &str) -> Result<Option<bool>, ConfigError> {
    crate::options::env::null_bool(k, field, std::env::var(k).ok().as_deref())
}

/// k6's default config file, `$XDG_CONFIG_HOME/k6/config.json` (else
/// `~/.config/k6/config.json`), read when it exists and no `-c` is given.
fn default_config_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("k6").join("config.json")).filter(|p| p.is_file())
}

impl RunFlags {
    /// The CLI tier of options plus the run settings.
    pub fn into_args(self, g: Globals) -> Result<RunArgs, ConfigError> {
        let (quiet, no_color) = (g.quiet, g.no_color);
        // Read (rk6 sends no report) but validated as k6 does.
        env_null_bool("K6_NO_USAGE_REPORT", "NoUsageReport")?;
        check_runtime_flags(self.test_type.as_deref(), self.traces_output.as_deref())?;
        let global_alias = self
            .compatibility_mode
            .as_deref()
            .map(|m| compatibility_global(Some(m)))
            .transpose()?;
        // pflag decodes duration flags up front: a bad one is refused before anything else.
        for (flag, value) in [
            ("-d, --duration", &self.duration),
            ("--min-iteration-duration", &self.min_iteration_duration),
        ] {
            if let Some(e) = value
                .as_deref()
                .and_then(rk6_runtime::duration::k6_parse_error)
            {
                let v = value.as_deref().unwrap_or_default();
                return Err(ConfigError::Flag(format!(
                    "invalid argument \"{v}\" for \"{flag}\" flag: {e}"
                )));
            }
        }
        let mut o = Options {
            vus: self.vus,
            duration: self.duration.map(DurationOpt::Text),
            iterations: self.iterations,
            ..Options::default()
        };
        if !self.stages.is_empty() {
            o.stages = Some(
                self.stages
                    .iter()
                    .map(|s| parse_stage(s))
                    .collect::<Result<_, _>>()?,
            );
        }
        o.no_setup = self.no_setup.then_some(true);
        o.rps = self.rps;
        o.batch = self.batch;
        o.batch_per_host = self.batch_per_host;
        o.min_iteration_duration = self.min_iteration_duration.map(DurationOpt::Text);
        o.no_vu_connection_reuse = self.no_vu_connection_reuse.then_some(true);
        o.blacklist_ips = (!self.blacklist_ip.is_empty()).then_some(self.blacklist_ip);
        o.block_hostnames = (!self.block_hostnames.is_empty()).then_some(self.block_hostnames);
        o.local_ips = self.local_ips;
        o.paused = self.paused.then_some(true);
        // k6 refuses a bad flag value before consolidating (exit 255); the same value from
        // the script, a config file or the environment exits 104.
        for c in o.blacklist_ips.iter().flatten() {
            rk6_runtime::net::dial_policy::parse_cidr(c).map_err(|_| {
                ConfigError::Flag(format!(
                    "error parsing blacklist-ip '{c}': invalid CIDR address: {c}"
                ))
            })?;
        }
        o.dial_policy()
            .map_err(|e| ConfigError::Flag(e.to_string()))?;
        o.no_teardown = self.no_teardown.then_some(true);
        o.max_redirects = self.max_redirects;
        o.user_agent = self.user_agent;
        o.throw = self.throw.then_some(true);
        o.no_connection_reuse = self.no_connection_reuse.then_some(true);
        o.discard_response_bodies = self.discard_response_bodies.then_some(true);
        o.insecure_skip_tls_verify = self.insecure_skip_tls_verify.then_some(true);
        o.http_debug = self.http_debug;
        o.dns = self
            .dns
            .as_deref()
            .map(crate::options::http::DnsOpt::parse)
            .transpose()?;
        if let Some(u) = self.summary_time_unit.as_deref() {
            if !matches!(u, "" | "s" | "ms" | "us") {
                return Err(ConfigError::Flag(format!(
                    "invalid summary time unit '{u}', use 's', 'ms' or 'us'"
                )));
            }
        }
        o.summary_time_unit = self.summary_time_unit.filter(|u| !u.is_empty());
        o.summary_trend_stats = self
            .summary_trend_stats
            .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
        o.system_tags = self.system_tags;
        if !self.tags.is_empty() {
            let mut map = std::collections::BTreeMap::new();
            for t in &self.tags {
                let (k, v) = tag_name_value(t)?;
                map.insert(k, v);
            }
            o.tags = Some(map);
        }
        let env = parse_env_flags(&self.env)?;
        Ok(RunArgs {
            script: self.script,
            cli: o,
            env,
            include_system_env: match self.include_system_env_vars {
                Some(v) => v,
                None => env_bool_go("K6_INCLUDE_SYSTEM_ENV_VARS")?.unwrap_or(true),
            },
            quiet,
            // k6: `NO_COLOR` when present at all, `K6_NO_COLOR` when non-empty.
            no_color: no_color
                || std::env::var_os("NO_COLOR").is_some()
                || std::env::var_os("K6_NO_COLOR").is_some_and(|v| !v.is_empty()),
            no_summary: self.no_summary || env_bool_go("K6_NO_SUMMARY")?.unwrap_or(false),
            no_thresholds: self.no_thresholds || env_bool_go("K6_NO_THRESHOLDS")?.unwrap_or(false),
            summary_export: self.summary_export,
            report: self.report,
            web_dashboard: None,
            secret_sources: g.secret_source,
            config_file: g.config.or_else(default_config_file),
            address: g.address,
            paused: self.paused,
            linger: self.linger || env_null_bool("K6_LINGER", "Linger")?.unwrap_or(false),
            global_alias,
            test_type: self.test_type,
            segment: crate::execution_segment::Segment::parse(
                self.execution_segment.as_deref(),
                self.execution_segment_sequence.as_deref(),
            )
            .map_err(|e| match e {
                // pflag-time decoding: k6 refuses a bad flag text with exit 255.
                crate::execution_segment::SegmentError::Text(why) => ConfigError::Flag(why),
                crate::execution_segment::SegmentError::NotInSequence(why) => {
                    ConfigError::Scenarios(vec![why])
                }
            })?,
            outputs: self
                .out
                .iter()
                .map(|o| crate::output::OutputSpec::parse(o))
                .collect(),
            summary_mode: match self.summary_mode.as_deref() {
                None => SummaryMode::Compact,
                Some(m) => SummaryMode::parse(m).ok_or(ConfigError::SummaryMode)?,
            },
        })
    }
}
