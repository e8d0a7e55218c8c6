//! How the OpenTelemetry output's exports reach the receiver: an OTLP exporter from
//! `opentelemetry-otlp` — over HTTP through rk6's own reqwest and rustls stack, or over gRPC
//! (`grpc`) — running on the output's tokio runtime, wrapped in [`CountingExporter`], which
//! retries a failed export a bounded number of times and counts the data points that were
//! delivered or given up.
//!
//! The SDK's periodic reader calls the exporter on its own thread, so nothing here runs on
//! a VU thread or the metrics engine's.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::Temporality;
use rk6_runtime::log::Logger;

use super::config::{ExporterType, OtelConfig};

/// Sends of one export before its data points count as undelivered.
const ATTEMPTS: u32 = 3;
/// Wait before the first resend; doubled for each next one.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Longest one request may take (the OTLP exporter leaves timeouts to its client).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the transport could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("failed to read root certificate from \"{path}\": {reason}")]
    RootCertificate { path: String, reason: String },
    #[error("failed to load client certificate: {0}")]
    ClientCertificate(String),
    #[error("TLS settings: {0}")]
    Tls(String),
    #[error("building the HTTP client: {0}")]
    Client(String),
    #[error("failed to create OpenTelemetry exporter: {0}")]
    Exporter(String),
}

/// The last network failure a request met; the OTLP exporter reports only that one happened.
type LastError = Arc<Mutex<Option<String>>>;

/// rk6's reqwest client as the OTLP exporter's HTTP client: each request runs on the
/// output's runtime, so the reader's thread needs no runtime of its own.
#[derive(Debug, Clone)]
struct RuntimeClient {
    client: reqwest::Client,
    rt: tokio::runtime::Handle,
    last_error: LastError,
}

#[async_trait::async_trait]
impl HttpClient for RuntimeClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (client, last_error) = (self.client.clone(), self.last_error.clone());
        let task = self.rt.spawn(async move {
            let request: reqwest::Request = request.try_into()?;
            let url = request.url().to_string();
            let response = match client.execute(request).await {
                Ok(r) => r,
                Err(e) => {
                    let why = crate::output::influxdb::go_style(&e, &url);
                    *last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(why.clone());
                    return Err(HttpError::from(why));
                }
            };
            let status = response.status();
            if !status.is_success() {
                *last_error.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(format!("{url}: HTTP status {}", status.as_u16()));
            }
            let body = response.bytes().await?;
            Ok::<_, HttpError>(Response::builder().status(status).body(body)?)
        });
        task.await?
    }
}

/// The exporter's TLS: k6's insecure switch and client certificate through rk6's TLS
/// settings, or the given PEM roots instead of the system's.
pub(super) fn tls_config(cfg: &OtelConfig) -> Result<rustls::ClientConfig, TransportError> {
    let client_auth = match (&cfg.tls_client_certificate, &cfg.tls_client_key) {
        (Some(cert), Some(key)) => Some((read_pem(cert)?, read_pem(key)?)),
        (Some(_), None) | (None, Some(_)) => {
            return Err(TransportError::ClientCertificate(
                "K6_OTEL_TLS_CLIENT_CERTIFICATE and K6_OTEL_TLS_CLIENT_KEY go together".into(),
            ))
        }
        (None, None) => None,
    };
    let mut tls = match (&cfg.tls_certificate, cfg.tls_insecure_skip_verify) {
        (Some(path), false) => with_roots(path, client_auth)?,
        _ => {
            use rk6_runtime::net::tls::{TlsAuth, TlsOptions, TlsSettings};
            let auth = client_auth.map(|(cert, key)| TlsAuth {
                domains: Vec::new(),
                cert,
                key,
                password: None,
            });
            let settings = TlsSettings::new(&TlsOptions {
                insecure_skip_verify: cfg.tls_insecure_skip_verify,
                auth: auth.into_iter().collect(),
                ..TlsOptions::default()
            })
            .map_err(|e| TransportError::Tls(e.to_string()))?;
            let shared = settings
                .for_host("")
                .map_err(|e| TransportError::Tls(e.to_string()))?;
            (*shared).clone()
        }
    };
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tls)
}

fn read_pem(path: &str) -> Result<String, TransportError> {
    std::fs::read_to_string(path)
        .map_err(|e| TransportError::ClientCertificate(format!("open {path}: {e}")))
}

/// A configuration trusting only the certificates in `path`.
fn with_roots(
    path: &str,
    client_auth: Option<(String, String)>,
) -> Result<rustls::ClientConfig, TransportError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let root_err = |reason: String| TransportError::RootCertificate {
        path: path.to_string(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|e| root_err(e.to_string()))?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| root_err(e.to_string()))?;
        roots.add(cert).map_err(|e| root_err(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(root_err(
            "failed to append root certificate to the pool".into(),
        ));
    }
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TransportError::Tls(e.to_string()))?
    .with_root_certificates(roots);
    match client_auth {
        None => Ok(builder.with_no_client_auth()),
        Some((cert, key)) => {
            let certs = CertificateDer::pem_slice_iter(cert.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| TransportError::ClientCertificate(e.to_string()))?;
            let key = PrivateKeyDer::from_pem_slice(key.as_bytes())
                .map_err(|e| TransportError::ClientCertificate(e.to_string()))?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| TransportError::ClientCertificate(e.to_string()))
        }
    }
}

/// The exporter `cfg` asks for, sending on `rt`, resending and counting.
pub fn exporter(
    cfg: &OtelConfig,
    rt: tokio::runtime::Handle,
) -> Result<CountingExporter<opentelemetry_otlp::MetricExporter>, TransportError> {
    let last_error = LastError::default();
    let inner = match cfg.exporter_type {
        ExporterType::Http => http_exporter(cfg, rt.clone(), last_error.clone())?,
        ExporterType::Grpc => super::grpc::exporter(cfg, &rt)?,
    };
    Ok(CountingExporter {
        inner,
        rt,
        last_error,
        delivery: Arc::default(),
    })
}

/// The OTLP/HTTP (protobuf) exporter for `cfg`, sending on `rt`.
fn http_exporter(
    cfg: &OtelConfig,
    rt: tokio::runtime::Handle,
    last_error: LastError,
) -> Result<opentelemetry_otlp::MetricExporter, TransportError> {
    use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(tls_config(cfg)?)
        .timeout(REQUEST_TIMEOUT)
        .no_proxy()
        .build()
        .map_err(|e| TransportError::Client(e.to_string()))?;
    opentelemetry_otlp::MetricExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .with_endpoint(cfg.http_url())
        .with_timeout(REQUEST_TIMEOUT)
        .with_headers(cfg.headers.iter().cloned().collect())
        .with_http_client(RuntimeClient {
            client,
            rt,
            last_error,
        })
        .with_temporality(Temporality::Cumulative)
        .build()
        .map_err(|e| TransportError::Exporter(e.to_string()))
}

/// Data points delivered, given up, and in an export still under way.
#[derive(Debug, Default)]
pub struct Delivery {
    pub delivered: AtomicU64,
    pub undelivered: AtomicU64,
    pub in_flight: AtomicU64,
    /// Set when the run ends: the last export gets one attempt, so a receiver that hangs
    /// holds the end of the run for one request timeout, not for every resend.
    pub finishing: AtomicBool,
}

impl Delivery {
    /// The end-of-run warning when points were lost (an export cut short counts too).
    pub fn warning(&self) -> Option<String> {
        let lost =
            self.undelivered.load(Ordering::Acquire) + self.in_flight.load(Ordering::Acquire);
        (lost > 0).then(|| {
            format!(
                "OpenTelemetry could not deliver {lost} metric points ({} delivered)",
                self.delivered.load(Ordering::Acquire)
            )
        })
    }
}

/// An exporter that resends a failed export up to [`ATTEMPTS`] times and keeps count.
#[derive(Debug)]
pub struct CountingExporter<E> {
    inner: E,
    rt: tokio::runtime::Handle,
    last_error: LastError,
    pub delivery: Arc<Delivery>,
}

/// A future polled inside the output's runtime context: the reader's thread has none, and
/// the gRPC client's timers need one.
struct InRuntime<'a, F> {
    rt: &'a tokio::runtime::Handle,
    fut: Pin<Box<F>>,
}

impl<F: Future> Future for InRuntime<'_, F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _in_runtime = self.rt.enter();
        self.fut.as_mut().poll(cx)
    }
}

/// How many data points an export carries.
fn data_points(metrics: &ResourceMetrics) -> u64 {
    fn count<T>(d: &MetricData<T>) -> usize {
        match d {
            MetricData::Gauge(g) => g.data_points().count(),
            MetricData::Sum(s) => s.data_points().count(),
            MetricData::Histogram(h) => h.data_points().count(),
            MetricData::ExponentialHistogram(h) => h.data_points().count(),
        }
    }
    let points: usize = metrics
        .scope_metrics()
        .flat_map(|s| s.metrics())
        .map(|m| match m.data() {
            AggregatedMetrics::F64(d) => count(d),
            AggregatedMetrics::U64(d) => count(d),
            AggregatedMetrics::I64(d) => count(d),
        })
        .sum();
    points as u64
}

impl<E: PushMetricExporter> CountingExporter<E> {
    async fn export_with_retries(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let mut backoff = FIRST_BACKOFF;
        let mut outcome = Ok(());
        for attempt in 1..=ATTEMPTS {
            if attempt > 1 && self.delivery.finishing.load(Ordering::Acquire) {
                break;
            }
            outcome = InRuntime {
                rt: &self.rt,
                fut: Box::pin(self.inner.export(metrics)),
            }
            .await;
            let Err(e) = &outcome else {
                return outcome;
            };
            let why = self
                .last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take()
                .map_or_else(
                    || e.to_string(),
                    |why| format!("failed to upload metrics: {why}"),
                );
            let attempt_text = format!("{attempt}/{ATTEMPTS}");
            Logger::error(
                "Couldn't export metrics",
                &[
                    ("error", &why),
                    ("attempt", &attempt_text),
                    ("output", "OpenTelemetry"),
                ],
            );
            if attempt < ATTEMPTS {
                // The sleep is made on the runtime: this thread has no timer.
                let _ = self
                    .rt
                    .spawn(async move { tokio::time::sleep(backoff).await })
                    .await;
                backoff *= 2;
            }
        }
        outcome
    }
}

impl<E: PushMetricExporter> PushMetricExporter for CountingExporter<E> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let points = data_points(metrics);
        let d = &self.delivery;
        d.in_flight.fetch_add(points, Ordering::AcqRel);
        let outcome = self.export_with_retries(metrics).await;
        let counter = if outcome.is_ok() {
            &d.delivered
        } else {
            &d.undelivered
        };
        counter.fetch_add(points, Ordering::AcqRel);
        d.in_flight.fetch_sub(points, Ordering::AcqRel);
        outcome
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}
