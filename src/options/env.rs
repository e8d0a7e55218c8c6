//! The `K6_*` environment variable tier of options.

use std::collections::BTreeMap;

use super::{parse_stage, ConfigError, DurationOpt, Options};

/// A `K6_*` boolean as k6's envconfig reads it into a `null.Bool`: only `true` and
/// `false`; anything else is an invalid configuration (exit 104), never a silent false.
pub fn null_bool(k: &str, field: &str, v: Option<&str>) -> Result<Option<bool>, ConfigError> {
    match v.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(v) => Err(ConfigError::Invalid(format!(
            "envconfig.Process: assigning {k} to {field}: converting '{v}' to type null.Bool. details: invalid input:{v}"
        ))),
    }
}

/// A `K6_*` boolean k6 reads with Go's `strconv.ParseBool` (exit 255 on other words).
pub fn go_bool(k: &str, v: Option<&str>) -> Result<Option<bool>, ConfigError> {
    match v.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some("1" | "t" | "T" | "TRUE" | "true" | "True") => Ok(Some(true)),
        Some("0" | "f" | "F" | "FALSE" | "false" | "False") => Ok(Some(false)),
        Some(v) => Err(ConfigError::Flag(format!(
            "env var '{k}' is not a valid boolean value: strconv.ParseBool: parsing \"{v}\": invalid syntax"
        ))),
    }
}

/// Reads option variables from `env` (normally the process environment).
pub fn from_env(env: &BTreeMap<String, String>) -> Result<Options, ConfigError> {
    let mut o = Options::default();
    let get = |k: &str| env.get(k).filter(|v| !v.is_empty()).cloned();
    let num = |k: &str| -> Result<Option<u64>, ConfigError> {
        get(k)
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| ConfigError::Invalid(format!("{k}: '{v}' is not a number")))
            })
            .transpose()
    };
    let bool_of = |k: &str, field: &str| null_bool(k, field, get(k).as_deref());
    // Read where the outputs start (`run/stages.rs`); checked here with k6's strictness.
    bool_of("K6_WEB_DASHBOARD", "WebDashboard")?;
    // k6 acts on this one; rk6 cannot, so it says so instead of running without it.
    if get("K6_TLS_CIPHER_SUITES").is_some() {
        return Err(ConfigError::Invalid(
            "K6_TLS_CIPHER_SUITES is not supported by rk6; set tlsCipherSuites in the script's options".into(),
        ));
    }
    o.vus = num("K6_VUS")?.map(|v| v as i64);
    o.iterations = num("K6_ITERATIONS")?.map(|v| v as i64);
    // k6's envconfig decodes these up front, with its own wording.
    let duration = |key: &str, field: &str| -> Result<Option<DurationOpt>, ConfigError> {
        let Some(v) = get(key) else { return Ok(None) };
        match rk6_runtime::duration::k6_parse_error(&v) {
            Some(e) => Err(ConfigError::Invalid(format!(
                "envconfig.Process: assigning {key} to {field}: converting '{v}' to type types.NullDuration. details: {e}"
            ))),
            None => Ok(Some(DurationOpt::Text(v))),
        }
    };
    o.duration = duration("K6_DURATION", "Duration")?;
    if let Some(s) = get("K6_STAGES") {
        o.stages = Some(s.split(',').map(parse_stage).collect::<Result<_, _>>()?);
    }
    o.max_redirects = num("K6_MAX_REDIRECTS")?.map(|v| v as i64);
    o.batch = num("K6_BATCH")?.map(|v| v as i64);
    o.batch_per_host = num("K6_BATCH_PER_HOST")?.map(|v| v as i64);
    o.user_agent = env.get("K6_USER_AGENT").cloned();
    o.throw = bool_of("K6_THROW", "Throw")?;
    o.no_setup = bool_of("K6_NO_SETUP", "NoSetup")?;
    o.no_teardown = bool_of("K6_NO_TEARDOWN", "NoTeardown")?;
    o.no_connection_reuse = bool_of("K6_NO_CONNECTION_REUSE", "NoConnectionReuse")?;
    o.no_vu_connection_reuse = bool_of("K6_NO_VU_CONNECTION_REUSE", "NoVUConnectionReuse")?;
    o.no_cookies_reset = bool_of("K6_NO_COOKIES_RESET", "NoCookiesReset")?;
    o.discard_response_bodies = bool_of("K6_DISCARD_RESPONSE_BODIES", "DiscardResponseBodies")?;
    o.insecure_skip_tls_verify = bool_of("K6_INSECURE_SKIP_TLS_VERIFY", "InsecureSkipTLSVerify")?;
    o.http_debug = get("K6_HTTP_DEBUG");
    o.dns = get("K6_DNS")
        .map(|s| super::http::DnsOpt::parse(&s))
        .transpose()?;
    o.summary_time_unit = get("K6_SUMMARY_TIME_UNIT");
    o.rps = get("K6_RPS")
        .map(|v| {
            v.parse::<i64>().map_err(|_| {
                ConfigError::Invalid(format!("envconfig.Process: assigning K6_RPS to RPS: converting '{v}' to type null.Int. details: strconv.ParseInt: parsing \"{v}\": invalid syntax"))
            })
        })
        .transpose()?;
    o.metric_samples_buffer_size = num("K6_METRIC_SAMPLES_BUFFER_SIZE")?.map(|v| v as i64);
    o.min_iteration_duration = duration("K6_MIN_ITERATION_DURATION", "MinIterationDuration")?;
    o.setup_timeout = duration("K6_SETUP_TIMEOUT", "SetupTimeout")?;
    o.teardown_timeout = duration("K6_TEARDOWN_TIMEOUT", "TeardownTimeout")?;
    o.paused = bool_of("K6_PAUSED", "Paused")?;
    let list = |k: &str| get(k).map(|v| v.split(',').map(str::to_string).collect::<Vec<_>>());
    o.blacklist_ips = list("K6_BLACKLIST_IPS");
    o.block_hostnames = list("K6_BLOCK_HOSTNAMES");
    o.local_ips = get("K6_LOCAL_IPS");
    o.summary_trend_stats =
        get("K6_SUMMARY_TREND_STATS").map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    o.system_tags =
        get("K6_SYSTEM_TAGS").map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    if let Some(tags) = get("K6_TAGS") {
        let mut map = BTreeMap::new();
        for pair in tags.split(',') {
            let (k, v) = pair
                .split_once([':', '='])
                .ok_or_else(|| ConfigError::Invalid(format!("K6_TAGS: invalid tag '{pair}'")))?;
            map.insert(k.trim().to_string(), v.trim().to_string());
        }
        o.tags = Some(map);
    }
    o.dial_policy()
        .map_err(|e| ConfigError::Invalid(format!("envconfig.Process: {e}")))?;
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_shape_and_tags() {
        let env: BTreeMap<String, String> = [
            ("K6_VUS", "3"),
            ("K6_STAGES", "1s:2,1s:0"),
            ("K6_TAGS", "env:staging,team:qa"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let o = from_env(&env).unwrap();
        assert_eq!(o.vus, Some(3));
        assert_eq!(o.stages.as_ref().map(Vec::len), Some(2));
        assert_eq!(o.tags.unwrap()["team"], "qa");
    }

    #[test]
    fn variables_rk6_cannot_honour_are_refused() {
        let env: BTreeMap<String, String> =
            [("K6_TLS_CIPHER_SUITES".to_string(), "49199".to_string())].into();
        assert!(
            from_env(&env).is_err(),
            "K6_TLS_CIPHER_SUITES must be refused"
        );
    }
}
