//! The dashboard's switches as k6 reads them: `K6_WEB_DASHBOARD_*` variables, then the
//! `--out web-dashboard=key=value&…` argument (which wins); `export` over its older name
//! `report` in each. Defaults are k6's but for the host (loopback here, every interface in
//! k6). `record` and `tag`/`tags` are k6's too, and rk6 says aloud that it ignores them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::output::OutputError;

/// k6's default port.
pub const DEFAULT_PORT: i64 = 5665;
/// k6's default period between updates.
const DEFAULT_PERIOD: Duration = Duration::from_secs(10);
/// Buckets a run has at most: one hour at one-second buckets; longer runs get wider ones.
const MAX_POINTS: u32 = 3600;
/// The narrowest bucket, which is also how often the output thread ticks.
const FINEST_BUCKET: Duration = Duration::from_secs(1);

/// The dashboard's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where to listen. Unset, it is 127.0.0.1 (k6 listens on every interface); set, even
    /// empty, it is taken as given (empty = every interface, as in k6).
    pub host: String,
    /// Below 0: no server (the report alone).
    pub port: i64,
    /// How often the live page gets an update (at least a second).
    pub period: Duration,
    /// Open the desktop's browser on the dashboard.
    pub open: bool,
    /// Where the HTML report goes at the end.
    pub export: Option<PathBuf>,
}

impl Config {
    /// The settings from the environment, then the `--out` argument `query`.
    pub fn parse(query: &str, env: &BTreeMap<String, String>) -> Result<Config, OutputError> {
        let mut c = Config {
            host: "127.0.0.1".into(),
            port: DEFAULT_PORT,
            period: DEFAULT_PERIOD,
            open: false,
            export: None,
        };
        let mut from_env: Vec<(String, String)> = env
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.strip_prefix("K6_WEB_DASHBOARD_")?.to_lowercase(),
                    v.clone(),
                ))
            })
            .collect();
        let mut from_arg: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        // `export` wins over `report` within each source: set `report` first.
        for list in [&mut from_env, &mut from_arg] {
            list.sort_by_key(|(k, _)| k != "report");
        }
        for (key, value) in &from_env {
            c.set(key, value, true)?;
        }
        for (key, value) in &from_arg {
            c.set(key, value, false)?;
        }
        Ok(c)
    }

    fn set(&mut self, key: &str, value: &str, from_env: bool) -> Result<(), OutputError> {
        let bad =
            |what: &str| OutputError::Config(format!("web-dashboard: invalid {what} '{value}'"));
        // In the argument an empty value leaves the setting alone, as in k6.
        if !from_env && value.is_empty() && key != "open" {
            return Ok(());
        }
        match key {
            "host" => self.host = value.to_string(),
            "port" => self.port = value.parse().map_err(|_| bad("port"))?,
            "period" => {
                self.period = rk6_runtime::duration::parse(value)
                    .ok()
                    .filter(|d| !d.is_zero())
                    .ok_or_else(|| bad("period"))?
                    .max(FINEST_BUCKET)
            }
            "open" => self.open = value == "true" || (!from_env && value.is_empty()),
            "export" | "report" if !value.is_empty() => self.export = Some(PathBuf::from(value)),
            "record" | "tag" | "tags" if !value.is_empty() => {
                rk6_runtime::log::Logger::warn(
                    &format!("web-dashboard: '{key}' is not supported by rk6 and is ignored"),
                    &[],
                );
            }
            _ => {}
        }
        Ok(())
    }

    /// The bucket width for a test planned to last `duration`: one second, stretched in
    /// whole seconds so that the run has at most [`MAX_POINTS`] buckets. Updates still go
    /// out once per period: k6 ties the two, which leaves a short run with one point.
    pub fn bucket_for(&self, duration: Duration) -> Duration {
        let per_point = duration.as_secs_f64() / f64::from(MAX_POINTS);
        let steps = (per_point / FINEST_BUCKET.as_secs_f64()).ceil().max(1.0);
        FINEST_BUCKET.mul_f64(steps)
    }

    /// `host:port` to bind, brackets around an IPv6 host.
    pub fn bind_addr(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The URL the header shows for the bound `port`: the host as given, 127.0.0.1 for
    /// every interface (k6's rule).
    pub fn url(&self, port: u16) -> String {
        match self.host.as_str() {
            "" => format!("http://127.0.0.1:{port}"),
            h if h.contains(':') => format!("http://[{h}]:{port}"),
            h => format!("http://{h}:{port}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_k6s_but_on_loopback() {
        let c = Config::parse("", &env(&[])).unwrap();
        assert_eq!(
            (c.port, c.period, c.open),
            (5665, Duration::from_secs(10), false)
        );
        assert_eq!(c.bind_addr(), "127.0.0.1:5665");
        assert_eq!(c.url(5665), "http://127.0.0.1:5665");
        assert_eq!(c.export, None);
    }

    #[test]
    fn the_argument_wins_over_the_environment() {
        let e = env(&[
            ("K6_WEB_DASHBOARD_PORT", "6000"),
            ("K6_WEB_DASHBOARD_EXPORT", "a.html"),
            ("K6_WEB_DASHBOARD_PERIOD", "2s"),
            ("K6_WEB_DASHBOARD_HOST", ""),
        ]);
        let c = Config::parse("port=-1&export=b.html", &e).unwrap();
        assert_eq!(c.port, -1);
        assert_eq!(c.export, Some(PathBuf::from("b.html")));
        assert_eq!(c.period, Duration::from_secs(2));
        assert_eq!(c.host, "");
        assert_eq!(
            c.url(80),
            "http://127.0.0.1:80",
            "every interface shows as loopback"
        );
        assert!(Config::parse("open", &env(&[])).unwrap().open);
    }

    #[test]
    fn export_wins_over_its_older_name_report() {
        let e = env(&[
            ("K6_WEB_DASHBOARD_EXPORT", "e.html"),
            ("K6_WEB_DASHBOARD_REPORT", "r.html"),
        ]);
        let c = Config::parse("", &e).unwrap();
        assert_eq!(c.export, Some(PathBuf::from("e.html")));
        let c = Config::parse("export=x.html&report=y.html", &env(&[])).unwrap();
        assert_eq!(c.export, Some(PathBuf::from("x.html")));
        let c = Config::parse("report=y.html", &env(&[])).unwrap();
        assert_eq!(c.export, Some(PathBuf::from("y.html")));
    }

    #[test]
    fn bad_values_are_refused_with_their_name() {
        let e = Config::parse("period=soon", &env(&[])).unwrap_err();
        assert_eq!(e.to_string(), "web-dashboard: invalid period 'soon'");
        assert!(Config::parse("", &env(&[("K6_WEB_DASHBOARD_PORT", "x")])).is_err());
    }

    #[test]
    fn periods_below_a_second_are_a_second() {
        let c = Config::parse("period=1ns", &env(&[])).unwrap();
        assert_eq!(c.period, Duration::from_secs(1));
    }

    #[test]
    fn buckets_are_a_second_wide_up_to_an_hour() {
        let c = Config::parse("", &env(&[])).unwrap();
        assert_eq!(
            c.bucket_for(Duration::from_secs(600)),
            Duration::from_secs(1)
        );
        assert_eq!(
            c.bucket_for(Duration::from_secs(3600)),
            Duration::from_secs(1)
        );
        assert_eq!(
            c.bucket_for(Duration::from_secs(7200)),
            Duration::from_secs(2)
        );
        assert_eq!(c.bucket_for(Duration::ZERO), Duration::from_secs(1));
    }
}
