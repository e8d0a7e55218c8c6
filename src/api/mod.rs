//! k6's REST API v1 (`--address HOST:PORT`), in k6's JSON:API shapes, status codes and
//! content types: `/v1/status` (GET, PATCH: resume a `--paused` run, stop it, scale an
//! `externally-controlled` scenario), `/v1/metrics`, `/v1/groups`, `/v1/setup`,
//! `/v1/teardown`, and `ok` on `/ping` and `/`. It answers from the start of the process
//! to its end, `--linger` included. The run reads the shared [`Control`]; metrics come
//! from the engine's published snapshot; nothing here touches VUs.
//!
//! `client` is the other side: k6's `status`, `pause`, `resume`, `scale` and `stats`
//! commands.

pub mod client;
mod control;
pub mod setup;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};

pub use control::{status, Control, RunView};

type Reply = Response<Full<Bytes>>;

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

fn with_type(status: u16, content_type: &'static str, body: Bytes) -> Reply {
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    resp
}

/// A JSON body with the content type k6 sets on that route.
fn reply_json(status: u16, content_type: &'static str, body: Bytes) -> Reply {
    with_type(status, content_type, body)
}

/// What Go's server sends for a body without a content type of its own (it sniffs
/// `text/plain` for JSON): `/v1/metrics`, `/v1/groups`, `/v1/teardown`.
fn reply_text(status: u16, body: impl Into<Bytes>) -> Reply {
    with_type(status, "text/plain; charset=utf-8", body.into())
}

fn reply_value(v: &Value) -> Reply {
    reply_text(200, v.to_string())
}

/// k6's error document: `{"errors":[{"status","title","detail"}]}`, with no content type
/// of its own (Go sniffs `text/plain`) except on `/v1/status`.
fn error(status: u16, title: &str, detail: &str) -> Reply {
    let body =
        json!({"errors": [{"status": status.to_string(), "title": title, "detail": detail}]});
    reply_text(status, body.to_string())
}

/// Go's `http.NotFound`.
fn not_found() -> Reply {
    let mut resp = reply_text(404, "404 page not found\n");
    resp.headers_mut().insert(
        "x-content-type-options",
        hyper::header::HeaderValue::from_static("nosniff"),
    );
    resp
}

/// An answer without a body or content type (Go sets none for an empty body).
fn empty(status: hyper::StatusCode) -> Reply {
    let mut resp = Response::new(Full::new(Bytes::new()));
    *resp.status_mut() = status;
    resp
}

/// A known route with a method it does not take: 405, empty.
fn not_allowed() -> Reply {
    empty(hyper::StatusCode::METHOD_NOT_ALLOWED)
}

fn status_reply(control: &Control) -> Reply {
    reply_json(
        200,
        "application/json; charset=utf-8",
        control.status_json().to_string().into(),
    )
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    control: Arc<Control>,
) -> Result<Reply, std::convert::Infallible> {
    let path = percent_decoded(req.uri().path());
    let Some(route) = path.strip_prefix("/v1/") else {
        return Ok(if path.starts_with("/debug/pprof/") {
            reply_text(
                200,
                "rk6 serves no profiling (pprof) endpoints; --profiling-enabled has no effect",
            )
        } else {
            reply_text(200, "ok")
        });
    };
    let method = req.method().clone();
    let body = match method {
        Method::PATCH | Method::PUT => match req.into_body().collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => return Ok(error(400, "Couldn't read request", &e.to_string())),
        },
        _ => Bytes::new(),
    };
    Ok(route_v1(route, &method, &body, &control).await)
}

/// The path with `%XX` escapes decoded, as Go's `URL.Path` is (metric ids have braces).
fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `/v1/` routes; `route` is the path after `/v1/`.
async fn route_v1(route: &str, method: &Method, body: &[u8], control: &Control) -> Reply {
    let get_only = |answer: &dyn Fn() -> Reply| {
        if method == Method::GET {
            answer()
        } else {
            not_allowed()
        }
    };
    let not_found_json = |what: &str| {
        error(
            404,
            "Not Found",
            &format!("No {what} with that ID was found"),
        )
    };
    match route {
        "status" => match *method {
            Method::GET => status_reply(control),
            Method::PATCH => match control.patch(body) {
                Ok(()) => status_reply(control),
                Err(e) => {
                    let mut resp = error(e.status, e.title, &e.detail);
                    resp.headers_mut().insert(
                        hyper::header::CONTENT_TYPE,
                        hyper::header::HeaderValue::from_static("application/json; charset=utf-8"),
                    );
                    resp
                }
            },
            _ => not_allowed(),
        },
        "metrics" => get_only(&|| reply_value(&views::metrics(&control.snapshot()))),
        "groups" => get_only(&|| reply_value(&views::groups(&control.snapshot()))),
        "setup" => match *method {
            Method::GET => setup::get(control),
            Method::PUT => setup::put(control, body),
            Method::POST => setup::post(control).await,
            _ => not_allowed(),
        },
        "teardown" if method == Method::POST => setup::teardown(control).await,
        "teardown" => not_allowed(),
        _ => {
            if let Some(id) = route.strip_prefix("metrics/") {
                get_only(&|| {
                    views::metric(&control.snapshot(), id)
                        .map_or_else(|| not_found_json("metric"), |v| reply_value(&v))
                })
            } else if let Some(id) = route.strip_prefix("groups/") {
                get_only(&|| {
                    views::group(&control.snapshot(), id)
                        .map_or_else(|| not_found_json("group"), |v| reply_value(&v))
                })
            } else {
                not_found()
            }
        }
    }
}
