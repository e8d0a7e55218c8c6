//! `--out experimental-prometheus-rw`: k6 v1.1's Prometheus remote-write output. Samples
//! are aggregated per series for the whole test (see [`series`]), and at every push
//! interval the series with news go out as one snappy-compressed protobuf `WriteRequest`
//! (remote write 1.0) through [`Pusher`]: VUs never wait on the receiver, a dead or failing
//! one costs logged errors, bounded retries and, at the end, a count of the time series
//! that could not be delivered. With `K6_PROMETHEUS_RW_STALE_MARKERS`, every series gets a
//! stale marker once the test ends.

pub mod config;
pub mod native_histogram;
#[allow(dead_code, clippy::all, clippy::pedantic, rustdoc::all, missing_docs)]
pub mod prompb;
pub mod series;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use prost::Message;
use rk6_runtime::metrics::{MetricDef, Sample};

use self::config::RwConfig;
use self::prompb::{TimeSeries, WriteRequest};
use self::series::{SeriesStore, TrendMapping, TrendStat};
use super::push::{ClientSettings, Pusher, SendFailure};
use super::{Output, OutputContext, OutputError};

/// The `output=` field of the output's log lines, as in k6.
const NAME: &str = "Prometheus remote write";
/// How long the end of the test waits for the last pushes: as in k6, about one request's
/// timeout, so a receiver that never answers holds the end of the run for no longer.
const FINISH_GRACE: Duration = Duration::from_secs(6);
/// k6's timeout for one remote-write request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the output cannot start.
#[derive(Debug, thiserror::Error)]
pub enum PrometheusRwError {
    #[error("{0}")]
    Config(String),
    #[error("failed to initialize the Prometheus remote write client: {0}")]
    Client(String),
}

impl From<PrometheusRwError> for OutputError {
    fn from(e: PrometheusRwError) -> Self {
        OutputError::Config(format!(
            "could not create the 'experimental-prometheus-rw' output: {e}"
        ))
    }
}

/// The running output.
pub struct PrometheusRw {
    pusher: Pusher<TimeSeries>,
    store: SeriesStore,
    ctx: OutputContext,
    defs: Vec<MetricDef>,
    stale_markers: bool,
}

impl PrometheusRw {
    /// Starts the output; `_arg` (the `=…` of `--out`) is ignored, as k6 ignores it.
    pub fn open(_arg: &str, ctx: &OutputContext) -> Result<(String, Box<dyn Output>), OutputError> {
        let cfg = RwConfig::resolve(&ctx.env)?;
        let trends = if cfg.trend_as_native_histogram {
            TrendMapping::NativeHistogram
        } else {
            TrendMapping::Stats(TrendStat::parse_all(&cfg.trend_stats)?)
        };
        let send = sender(&cfg)?;
        let pusher = Pusher::new(NAME, send, cfg.push_interval, 1)
            .map_err(|e| PrometheusRwError::Client(e.to_string()))?
            .with_failure_message("Failed to send the time series data to the endpoint");
        Ok((
            format!("{NAME} ({})", cfg.server_url),
            Box::new(PrometheusRw {
                pusher,
                store: SeriesStore::new(trends),
                ctx: ctx.clone(),
                defs: ctx.defs(),
                stale_markers: cfg.stale_markers,
            }),
        ))
    }

    fn push_fresh(&mut self) {
        for ts in self.store.take_fresh() {
            self.pusher.add(ts);
        }
    }
}

/// The request of one push: the series as a `WriteRequest`, protobuf then snappy.
fn encode(series: &[TimeSeries]) -> Result<Vec<u8>, String> {
    let body = WriteRequest {
        timeseries: series.to_vec(),
        metadata: Vec::new(),
    }
    .encode_to_vec();
    snap::raw::Encoder::new()
        .compress_vec(&body)
        .map_err(|e| format!("the protobuf message could not be snappy-compressed: {e}"))
}

/// The HTTP client and the function that sends one push, with k6's headers and errors.
fn sender(cfg: &RwConfig) -> Result<super::push::Send<TimeSeries>, PrometheusRwError> {
    let url = url::Url::parse(&cfg.server_url)
        .map_err(|e| PrometheusRwError::Client(format!("parse \"{}\": {e}", cfg.server_url)))?
        .to_string();
    let auth = cfg
        .client_pem()?
        .map(|(cert, key)| rk6_runtime::net::tls::TlsAuth {
            domains: Vec::new(),
            cert,
            key,
            password: None,
        });
    let client = super::push::http_client(ClientSettings {
        tls: rk6_runtime::net::tls::TlsOptions {
            insecure_skip_verify: cfg.insecure_skip_tls_verify,
            auth: auth.into_iter().collect(),
            ..Default::default()
        },
        user_agent: "k6-prometheus-rw-output",
        timeout: REQUEST_TIMEOUT,
        output: NAME,
    })
    .map_err(PrometheusRwError::Client)?;
    let mut headers = reqwest::header::HeaderMap::new();
    for (k, v) in &cfg.headers {
        let name = reqwest::header::HeaderName::from_bytes(k.as_bytes());
        let value = reqwest::header::HeaderValue::from_str(v);
        let (Ok(name), Ok(value)) = (name, value) else {
            return Err(PrometheusRwError::Config(format!(
                "invalid HTTP header {k}: {v}"
            )));
        };
        headers.append(name, value);
    }
    let basic = cfg
        .basic_auth()
        .map(|(u, p)| (u.to_string(), p.to_string()));
    Ok(Arc::new(move |series: &[TimeSeries]| {
        let (client, url, headers, basic) =
            (client.clone(), url.clone(), headers.clone(), basic.clone());
        let body = encode(series);
        Box::pin(async move {
            let body = body.map_err(|message| SendFailure {
                message,
                retry: false,
            })?;
            let mut req = client
                .post(&url)
                .headers(headers)
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .body(body);
            if let Some((user, password)) = &basic {
                req = req.basic_auth(user, Some(password));
            }
            let resp = req.send().await.map_err(|e| {
                format!(
                    "HTTP POST request failed: {}",
                    super::influxdb::go_style(&e, &url)
                )
            })?;
            let status = resp.status();
            let _ = resp.bytes().await;
            if status.is_success() {
                return Ok(());
            }
            Err(SendFailure {
                message: format!(
                    "got status code: {} instead expected a 2xx successful status code",
                    status.as_u16()
                ),
                // A rejected content stays rejected; a busy or failing server may recover.
                retry: status.is_server_error() || status.as_u16() == 429,
            })
        })
    }))
}

impl Output for PrometheusRw {
    fn write(&mut self, batch: &[Sample]) {
        for s in batch {
            if s.metric as usize >= self.defs.len() {
                self.defs = self.ctx.defs();
            }
            if let Some(def) = self.defs.get(s.metric as usize) {
                self.store.add(def, s);
            }
        }
    }

    fn tick(&mut self) {
        if self.pusher.due() {
            self.push_fresh();
        }
        self.pusher.tick();
    }

    fn finish(&mut self) -> Option<String> {
        self.push_fresh();
        if self.stale_markers {
            self.pusher.seal();
            // One millisecond ahead, so the marker never shares the last push's timestamp.
            let at = series::unix_millis(SystemTime::now()) + 1;
            for ts in self.store.stale_markers(at) {
                self.pusher.add(ts);
            }
        }
        self.pusher.finish(FINISH_GRACE)
    }
}

#[cfg(test)]
mod tests {
    use super::prompb::{Label, Sample as PromSample};
    use super::*;

    #[test]
    fn a_push_is_a_snappy_compressed_protobuf_write_request() {
        let series = vec![TimeSeries {
            labels: vec![Label {
                name: "__name__".into(),
                value: "k6_http_reqs_total".into(),
            }],
            samples: vec![PromSample {
                value: 42.0,
                timestamp: 1_700_000_000_123,
            }],
            ..TimeSeries::default()
        }];
        let body = encode(&series).unwrap();
        let raw = snap::raw::Decoder::new().decompress_vec(&body).unwrap();
        let back = WriteRequest::decode(raw.as_slice()).unwrap();
        assert_eq!(back.timeseries, series);
    }
}
