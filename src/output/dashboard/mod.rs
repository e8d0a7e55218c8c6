//! k6's web dashboard (`K6_WEB_DASHBOARD=true`, `--out web-dashboard[=port=…&export=…]`)
//! and its HTML report (`K6_WEB_DASHBOARD_EXPORT`, `--report`): an output like the
//! others, fed the engine's batches on its own thread.
//!
//! Owns: the switches and their defaults (k6's names: host, port 5665, period 10 s, open,
//! export; a port below 0 serves nothing), the model the page draws ([`model`],
//! [`tables`]), the live server ([`server`]) and the one self-contained page both use
//! ([`page`]). The report is written at the end of every run that gets that far, Ctrl-C
//! included, with the end-of-test summary the run hands over ([`Handle::set_summary`]).

pub mod model;
pub mod page;
pub mod server;
pub mod tables;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rk6_runtime::metrics::Sample;

use self::model::{Model, RunInfo};
use self::server::Server;
use crate::output::{Output, OutputContext, OutputError};

/// k6's default port.
pub const DEFAULT_PORT: i64 = 5665;
/// k6's default period between updates.
const DEFAULT_PERIOD: Duration = Duration::from_secs(10);
/// Buckets a run has at most (k6's limit on its points): longer runs get wider buckets.
const MAX_POINTS: u32 = 2880;
/// The finest bucket: the charts' resolution, whatever the update period.
const FINEST_BUCKET: Duration = Duration::from_secs(1);

/// The dashboard's settings, from `K6_WEB_DASHBOARD_*` and the `--out` argument (which
/// wins), as k6 reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where to listen. Unset, it is 127.0.0.1 (k6 listens on every interface); set, even
    /// empty, it is taken as given (empty = every interface, as in k6).
    pub host: String,
    /// Below 0: no server (the report alone).
    pub port: i64,
    pub period: Duration,
    pub open: bool,
    pub export: Option<PathBuf>,
}

impl Config {
    pub fn parse(query: &str, env: &BTreeMap<String, String>) -> Result<Config, OutputError> {
        let mut c = Config {
            host: "127.0.0.1".into(),
            port: DEFAULT_PORT,
            period: DEFAULT_PERIOD,
            open: false,
            export: None,
        };
        let pairs = env.iter().filter_map(|(k, v)| {
            Some((
                k.strip_prefix("K6_WEB_DASHBOARD_")?.to_lowercase(),
                v.clone(),
            ))
        });
        let query: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        // Environment first, then the argument; for `export`, `report` is k6's older name.
        for (from_env, (key, value)) in pairs
            .map(|p| (true, p))
            .chain(query.into_iter().map(|p| (false, p)))
        {
            c.set(&key, &value, from_env)?;
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
            }
            "open" => self.open = value == "true" || (!from_env && value.is_empty()),
            "export" | "report" if !value.is_empty() => self.export = Some(PathBuf::from(value)),
            _ => {}
        }
        Ok(())
    }

    /// The bucket width for a test planned to last `duration`: one second (or the period,
    /// if shorter), stretched in whole steps so that the run has at most [`MAX_POINTS`]
    /// buckets. Updates still go out once per period: k6 ties the two, which leaves a
    /// short run with a single point.
    pub fn bucket_for(&self, duration: Duration) -> Duration {
        let step = self.period.min(FINEST_BUCKET);
        let per_point = duration.as_secs_f64() / f64::from(MAX_POINTS);
        let steps = (per_point / step.as_secs_f64()).ceil().max(1.0);
        step.mul_f64(steps)
    }

    /// `host:port` to bind, brackets around an IPv6 host.
    fn bind_addr(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The URL the header shows.
fn url_of(addr: std::net::SocketAddr, host: &str) -> String {
    let shown = if host.is_empty() || host == "0.0.0.0" || host == "::" {
        "127.0.0.1".to_string()
    } else {
        host.to_string()
    };
    if shown.contains(':') {
        format!("http://[{shown}]:{}", addr.port())
    } else {
        format!("http://{shown}:{}", addr.port())
    }
}

/// What the run keeps of a started dashboard.
pub struct Handle {
    /// The header's `web dashboard:` URL, when the server is up.
    pub url: Option<String>,
    summary: Arc<Mutex<Option<String>>>,
    server: Option<Arc<Server>>,
}

impl Handle {
    /// The end-of-test summary for the report; call before the outputs finish.
    pub fn set_summary(&self, text: String) {
        *self.summary.lock().unwrap_or_else(|p| p.into_inner()) = Some(text);
    }

    /// The server, to wait on after the test while a page is connected.
    pub fn server(&self) -> Option<Arc<Server>> {
        self.server.clone()
    }
}

/// Starts the dashboard: the export file is created now (an unwritable path stops the run
/// before any load), the server bound (a taken port is a warning: the test runs on).
pub fn open(arg: &str, ctx: &OutputContext) -> Result<(Box<dyn Output>, Handle), OutputError> {
    let config = Config::parse(arg, &ctx.env)?;
    let export = match &config.export {
        Some(path) => {
            let path = ctx.cwd.join(path);
            let file = File::create(&path).map_err(|source| OutputError::File {
                path: path.display().to_string(),
                source,
            })?;
            Some((path, file))
        }
        None => None,
    };
    let bucket = config.bucket_for(ctx.run.duration);
    ctx.run.info.response_sizes.enable();
    let model = Arc::new(Mutex::new(Model::new(
        ctx.run.info.clone(),
        ctx.registry.clone(),
        &ctx.thresholds,
        bucket,
    )));
    let server = start_server(&config, &model);
    let summary = Arc::new(Mutex::new(None));
    let handle = Handle {
        url: server.as_ref().map(|s| url_of(s.addr, &config.host)),
        summary: summary.clone(),
        server: server.clone(),
    };
    if config.open {
        if let Some(url) = &handle.url {
            open_browser(url);
        }
    }
    let output = Dashboard {
        model,
        server,
        next: SystemTime::now() + bucket,
        every: config.period,
        next_update: SystemTime::now() + config.period,
        sent: 0,
        export,
        summary,
    };
    Ok((Box::new(output), handle))
}

fn start_server(config: &Config, model: &Arc<Mutex<Model>>) -> Option<Arc<Server>> {
    if config.port < 0 {
        return None;
    }
    let addr = config.bind_addr();
    match Server::start(&addr, model.clone()) {
        Ok(s) => Some(Arc::new(s)),
        Err(e) => {
            let reason = crate::target::ListenError {
                addr: addr.clone(),
                source: e,
            }
            .to_string();
            rk6_runtime::log::Logger::warn("Error from Web dashboard", &[("error", &reason)]);
            None
        }
    }
}

/// `open=true`: the desktop's browser, if there is one; nothing when there is not.
fn open_browser(url: &str) {
    let _ = std::process::Command::new("xdg-open")
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// The output worker's side: folds batches into the model and closes buckets on time.
struct Dashboard {
    model: Arc<Mutex<Model>>,
    server: Option<Arc<Server>>,
    /// When the open bucket closes.
    next: SystemTime,
    /// The update period, and when the next update goes out.
    every: Duration,
    next_update: SystemTime,
    /// Buckets already published.
    sent: usize,
    export: Option<(PathBuf, File)>,
    summary: Arc<Mutex<Option<String>>>,
}

impl Dashboard {
    fn lock(&self) -> std::sync::MutexGuard<'_, Model> {
        self.model.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Publishes the buckets closed since the last update, with the model still locked.
    fn publish(&mut self, model: &Model, event: &str) {
        if let Some(server) = &self.server {
            server.publish(event, &page::embeddable_json(&model.data(self.sent)));
        }
        self.sent = model.bucket_count();
    }
}

impl Output for Dashboard {
    fn write(&mut self, batch: &[Sample]) {
        self.lock().add(batch);
    }

    fn tick(&mut self) {
        let now = SystemTime::now();
        if now < self.next {
            return;
        }
        let model = self.model.clone();
        let mut m = model.lock().unwrap_or_else(|p| p.into_inner());
        let width = m.period();
        while self.next <= now {
            m.close_bucket(self.next);
            self.next += width;
        }
        if self.next_update <= now {
            while self.next_update <= now {
                self.next_update += self.every;
            }
            self.publish(&m, "update");
        }
    }

    fn finish(&mut self) -> Option<String> {
        let summary = self
            .summary
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let model = self.model.clone();
        let mut m = model.lock().unwrap_or_else(|p| p.into_inner());
        m.close_bucket(SystemTime::now());
        m.finish(summary);
        self.publish(&m, "update");
        let (path, mut file) = self.export.take()?;
        let html = page::render(Some(&m.snapshot()));
        match file.write_all(html.as_bytes()).and_then(|()| file.flush()) {
            Ok(()) => None,
            Err(e) => Some(format!(
                "web dashboard: could not write the report {}: {e}",
                path.display()
            )),
        }
    }
}

/// What the dashboard needs to know of the test besides its samples.
#[derive(Debug, Clone, Default)]
pub struct RunFacts {
    pub info: RunInfo,
    /// The test's planned length, which stretches the period of long runs.
    pub duration: Duration,
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
        assert_eq!(c.bind_addr(), ":-1");
        assert!(Config::parse("open", &env(&[])).unwrap().open);
        assert!(Config::parse("report=c.html", &env(&[]))
            .unwrap()
            .export
            .is_some());
    }

    #[test]
    fn bad_values_are_refused_with_their_name() {
        let e = Config::parse("period=soon", &env(&[])).unwrap_err();
        assert_eq!(e.to_string(), "web-dashboard: invalid period 'soon'");
        assert!(Config::parse("", &env(&[("K6_WEB_DASHBOARD_PORT", "x")])).is_err());
    }

    #[test]
    fn buckets_are_a_second_wide_but_a_run_has_at_most_2880() {
        let c = Config::parse("", &env(&[])).unwrap();
        assert_eq!(
            c.bucket_for(Duration::from_secs(600)),
            Duration::from_secs(1)
        );
        assert_eq!(
            c.bucket_for(Duration::from_secs(3600)),
            Duration::from_secs(2)
        );
        assert_eq!(c.bucket_for(Duration::ZERO), Duration::from_secs(1));
    }
}

#[cfg(test)]
mod model_tests;
