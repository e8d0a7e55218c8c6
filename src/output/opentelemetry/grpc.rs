//! The OTLP/gRPC transport (`K6_OTEL_EXPORTER_TYPE=grpc`, k6's default): `opentelemetry-otlp`'s
//! tonic exporter over a channel whose connections rk6 makes itself — TCP, and unless
//! `K6_OTEL_GRPC_EXPORTER_INSECURE` TLS with the same rustls settings as the HTTP transport
//! (ALPN `h2`) — so both transports honour the same `K6_OTEL_TLS_*` variables.

use std::sync::Arc;

use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};

use super::config::OtelConfig;
use super::transport::{tls_config, TransportError, REQUEST_TIMEOUT};

/// A connection the channel speaks HTTP/2 over: plain TCP or TLS over TCP.
trait Connection: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Connection for T {}

/// Opens one connection to `uri`, with TLS when `tls` is given.
async fn connect(
    uri: http::Uri,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> Result<TokioIo<Box<dyn Connection>>, std::io::Error> {
    let host = uri.host().unwrap_or("localhost").to_string();
    let port = uri
        .port_u16()
        .unwrap_or(if tls.is_some() { 443 } else { 80 });
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
    let _ = tcp.set_nodelay(true);
    let Some(tls) = tls else {
        return Ok(TokioIo::new(Box::new(tcp)));
    };
    let name = rustls::pki_types::ServerName::try_from(host.trim_matches(['[', ']']).to_string())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let stream = tokio_rustls::TlsConnector::from(tls)
        .connect(name, tcp)
        .await?;
    Ok(TokioIo::new(Box::new(stream)))
}

/// The gRPC metadata for `K6_OTEL_HEADERS`.
fn metadata(cfg: &OtelConfig) -> Result<tonic::metadata::MetadataMap, TransportError> {
    let mut headers = http::HeaderMap::new();
    for (k, v) in &cfg.headers {
        let name = http::HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes())
            .map_err(|e| TransportError::Exporter(format!("header {k:?}: {e}")))?;
        let value = http::HeaderValue::from_str(v)
            .map_err(|e| TransportError::Exporter(format!("header {k:?}: {e}")))?;
        headers.append(name, value);
    }
    Ok(tonic::metadata::MetadataMap::from_headers(headers))
}

/// The OTLP/gRPC exporter for `cfg`; its connections are made on `rt`.
pub fn exporter(
    cfg: &OtelConfig,
    rt: &tokio::runtime::Handle,
) -> Result<opentelemetry_otlp::MetricExporter, TransportError> {
    use opentelemetry_otlp::{WithExportConfig, WithTonicConfig};
    let tls = if cfg.grpc_insecure {
        None
    } else {
        let mut c = tls_config(cfg)?;
        c.alpn_protocols = vec![b"h2".to_vec()];
        Some(Arc::new(c))
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{}", cfg.grpc_endpoint);
    let endpoint = tonic::transport::Endpoint::from_shared(url.clone())
        .map_err(|e| TransportError::Exporter(format!("gRPC endpoint {url}: {e}")))?
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(REQUEST_TIMEOUT);
    // The channel's connection tasks live on the output's runtime.
    let channel = {
        let _in_runtime = rt.enter();
        endpoint
            .connect_with_connector_lazy(tower::service_fn(move |uri| connect(uri, tls.clone())))
    };
    opentelemetry_otlp::MetricExporter::builder()
        .with_tonic()
        .with_channel(channel)
        .with_metadata(metadata(cfg)?)
        .with_timeout(REQUEST_TIMEOUT)
        .with_temporality(opentelemetry_sdk::metrics::Temporality::Cumulative)
        .build()
        .map_err(|e| TransportError::Exporter(e.to_string()))
}
