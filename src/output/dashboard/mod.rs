//! k6's web dashboard (`K6_WEB_DASHBOARD=true`, `--out web-dashboard[=port=…&export=…]`)
//! and its HTML report (`K6_WEB_DASHBOARD_EXPORT`, `--report`): an output like the
//! others, fed the engine's batches on its own thread.
//!
//! Owns: the switches ([`config`]), the model the page draws ([`model`], [`tables`]), the
//! live server ([`server`]), the one self-contained page both use ([`page`]) and the
//! report's file ([`export`]). The run tells the dashboard when the test starts and, at the
//! end, the summary text and the run's length ([`Handle`]); the report is written at the
//! end of every run that gets that far, Ctrl-C included, and not at all when the run gives
//! up before its test ([`Handle::abandon`]).

pub mod config;
pub mod export;
pub mod model;
pub mod page;
pub mod server;
pub mod tables;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use rk6_runtime::metrics::Sample;

use self::config::Config;
use self::export::ReportFile;
use self::model::{Model, RunInfo};
use self::server::Server;
use crate::output::{Output, OutputContext, OutputError};

/// Locks `m`, taking over a lock whose holder panicked (the model stays usable).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the run says at its end.
#[derive(Debug, Default)]
struct Ending {
    summary: Option<String>,
    /// The run's length as the metrics engine measured it, in seconds.
    elapsed: Option<f64>,
    /// The run gave up before its test: no report.
    abandoned: bool,
}

/// What the run keeps of a started dashboard.
pub struct Handle {
    /// The header's `web dashboard:` URL, when the server is up.
    pub url: Option<String>,
    model: Arc<Mutex<Model>>,
    ending: Arc<Mutex<Ending>>,
    server: Option<Arc<Server>>,
}

impl Handle {
    /// The test starts now: rates count from here.
    pub fn test_started(&self) {
        lock(&self.model).start_clock();
    }

    /// The end-of-test summary and the run's length; call before the outputs finish.
    pub fn set_end(&self, summary: Option<String>, elapsed: f64) {
        let mut e = lock(&self.ending);
        e.summary = summary;
        e.elapsed = Some(elapsed);
    }

    /// The run ends before its test: the report is not written.
    pub fn abandon(&self) {
        lock(&self.ending).abandoned = true;
    }

    /// The server, to wait on after the test while a page is connected.
    pub fn server(&self) -> Option<Arc<Server>> {
        self.server.clone()
    }
}

/// Starts the dashboard: the report's file is created now (an unwritable path stops the
/// run before any load), the server bound (a taken port is a warning: the test runs on).
pub fn open(arg: &str, ctx: &OutputContext) -> Result<(Box<dyn Output>, Handle), OutputError> {
    let config = Config::parse(arg, &ctx.env)?;
    let report = match &config.export {
        Some(path) => Some(ReportFile::create(ctx.cwd.join(path))?),
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
    let ending = Arc::new(Mutex::new(Ending::default()));
    let handle = Handle {
        url: server.as_ref().map(|s| config.url(s.addr.port())),
        model: model.clone(),
        ending: ending.clone(),
        server: server.clone(),
    };
    if config.open {
        if let Some(url) = &handle.url {
            open_browser(url);
        }
    }
    let now = SystemTime::now();
    let output = Dashboard {
        model,
        server,
        next_bucket: now + bucket,
        every: config.period,
        next_update: now + config.period,
        report,
        ending,
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

/// The output worker's side: folds batches into the model, closes a bucket every bucket
/// width and sends the live pages an update every period.
struct Dashboard {
    model: Arc<Mutex<Model>>,
    server: Option<Arc<Server>>,
    next_bucket: SystemTime,
    every: Duration,
    next_update: SystemTime,
    report: Option<ReportFile>,
    ending: Arc<Mutex<Ending>>,
}

impl Dashboard {
    /// Sends the buckets closed since the last update, with the model locked (see
    /// `server::events`); builds nothing when no page is connected.
    fn publish(&self, model: &mut Model) {
        match &self.server {
            Some(server) if server.clients() > 0 => {
                let update = model.take_update();
                server.publish("update", &page::embeddable_json(&update));
            }
            _ => model.skip_update(),
        }
    }
}

impl Output for Dashboard {
    fn write(&mut self, batch: &[Sample]) {
        lock(&self.model).add(batch);
    }

    fn tick(&mut self) {
        let now = SystemTime::now();
        if now < self.next_bucket {
            return;
        }
        let model = self.model.clone();
        let mut m = lock(&model);
        // Buckets are at least a second wide and ticks come every second: this closes one,
        // or a few after a stall.
        let width = m.period();
        while self.next_bucket <= now {
            m.close_bucket(self.next_bucket);
            self.next_bucket += width;
        }
        if self.next_update <= now {
            let behind = now.duration_since(self.next_update).unwrap_or_default();
            self.next_update += self
                .every
                .mul_f64((behind.as_secs_f64() / self.every.as_secs_f64()).floor() + 1.0);
            self.publish(&mut m);
        }
    }

    fn finish(&mut self) -> Option<String> {
        let ending = std::mem::take(&mut *lock(&self.ending));
        let model = self.model.clone();
        let mut m = lock(&model);
        m.close_bucket(SystemTime::now());
        m.finish(ending.summary, ending.elapsed);
        self.publish(&mut m);
        let report = self.report.take()?;
        if ending.abandoned {
            report.discard();
            return None;
        }
        report.write(&page::render(Some(&m.snapshot()))).err()
    }
}

/// What the dashboard needs to know of the test besides its samples.
#[derive(Debug, Clone, Default)]
pub struct RunFacts {
    pub info: RunInfo,
    /// The test's planned length, which widens the buckets of runs over an hour.
    pub duration: Duration,
}

#[cfg(test)]
mod model_tests;
