//! k6's REST API (`--address HOST:PORT`): `GET /v1/status`, `PATCH /v1/status` (resume a
//! `--paused` run, stop it, scale an `externally-controlled` scenario's VUs) and `/ping`,
//! in k6's JSON:API shapes. The run reads the shared [`Control`]; nothing here touches
//! VUs directly.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::sync::watch;

/// k6's run status codes (`status` in `/v1/status`).
pub mod status {
    pub const PAUSED_BEFORE_RUN: u8 = 4;
    pub const RUNNING: u8 = 7;
    pub const ENDED: u8 = 9;
}

/// What the API can see and change while the test runs.
pub struct Control {
    pub status: AtomicU8,
    pub paused: watch::Sender<bool>,
    pub stopped: watch::Sender<bool>,
    /// Target VUs of the externally-controlled scenario (and its maximum).
    pub vus: Arc<AtomicU64>,
    pub vus_max: AtomicU64,
    pub running: AtomicBool,
}

impl Control {
    pub fn new(paused: bool) -> Arc<Control> {
        Arc::new(Control {
            status: AtomicU8::new(if paused {
                status::PAUSED_BEFORE_RUN
            } else {
                status::RUNNING
            }),
            paused: watch::channel(paused).0,
            stopped: watch::channel(false).0,
            vus: Arc::new(AtomicU64::new(0)),
            vus_max: AtomicU64::new(0),
            running: AtomicBool::new(false),
        })
    }

    fn status_json(&self) -> Value {
        json!({"data": {"type": "status", "id": "default", "attributes": {
            "status": self.status.load(Ordering::Relaxed),
            "paused": *self.paused.borrow(),
            "vus": self.vus.load(Ordering::Relaxed),
            "vus-max": self.vus_max.load(Ordering::Relaxed),
            "stopped": *self.stopped.borrow(),
            "running": self.running.load(Ordering::Relaxed),
            "tainted": false,
        }}})
    }

    /// Applies a PATCH's attributes; an error text for impossible changes.
    fn patch(&self, attrs: &Value) -> Result<(), String> {
        if let Some(v) = attrs.get("vus").and_then(Value::as_u64) {
            let max = self.vus_max.load(Ordering::Relaxed);
            if v > max {
                return Err(format!("can't scale to {v} VUs, the maximum is {max}"));
            }
            self.vus.store(v, Ordering::Relaxed);
        }
        if let Some(p) = attrs.get("paused").and_then(Value::as_bool) {
            let _ = self.paused.send_replace(p);
        }
        if attrs.get("stopped").and_then(Value::as_bool) == Some(true) {
            let _ = self.stopped.send_replace(true);
        }
        Ok(())
    }
}

/// Binds `addr` and serves the API until the process ends.
pub async fn serve(
    addr: &str,
    control: Arc<Control>,
) -> Result<SocketAddr, crate::target::ListenError> {
    let listener = crate::target::listen(addr).await?;
    let local = listener
        .local_addr()
        .map_err(|source| crate::target::ListenError {
            addr: addr.to_string(),
            source,
        })?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let control = control.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| handle(req, control.clone()));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Ok(local)
}

fn reply(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

fn error(status: StatusCode, detail: &str) -> Response<Full<Bytes>> {
    reply(
        status,
        &json!({"errors": [{"status": status.as_u16().to_string(), "title": detail}]}),
    )
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    control: Arc<Control>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let path = req.uri().path().trim_end_matches('/').to_string();
    Ok(match (req.method().clone(), path.as_str()) {
        (Method::GET, "/ping") => Response::new(Full::new(Bytes::from_static(b"ok"))),
        (Method::GET, "/v1/status") => reply(StatusCode::OK, &control.status_json()),
        (Method::PATCH, "/v1/status") => {
            let body = req.into_body().collect().await.map(|b| b.to_bytes());
            let parsed: Option<Value> = body.ok().and_then(|b| serde_json::from_slice(&b).ok());
            match parsed {
                Some(v) => match control.patch(&v["data"]["attributes"]) {
                    Ok(()) => reply(StatusCode::OK, &control.status_json()),
                    Err(e) => error(StatusCode::BAD_REQUEST, &e),
                },
                None => error(StatusCode::BAD_REQUEST, "invalid JSON body"),
            }
        }
        _ => error(StatusCode::NOT_FOUND, "not found"),
    })
}
