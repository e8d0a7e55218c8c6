//! The live dashboard's HTTP server: the page at `/`, a Server-Sent Events stream at
//! `/events` (the whole run so far on connect, then one update per period), and the
//! report of the run so far at `/report`. It runs on the process's tokio runtime and only
//! reads the model, so a slow or stuck browser never holds up the test.
//!
//! After the test it stays up while a browser is connected (as k6's does), until the
//! browser goes or Ctrl-C.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::broadcast;

use super::model::Model;
use super::{lock, page};

/// How often an idle event stream sends a comment, which is also how soon a closed
/// browser is noticed.
const HEARTBEAT: Duration = Duration::from_secs(2);

type Body = BoxBody<Bytes, Infallible>;

/// What the handlers share.
#[derive(Clone)]
struct Shared {
    model: Arc<Mutex<Model>>,
    updates: broadcast::Sender<Arc<str>>,
    clients: Arc<AtomicUsize>,
}

/// The running server.
pub struct Server {
    pub addr: SocketAddr,
    shared: Shared,
}

impl Server {
    /// Binds `addr` now (so a taken port is known before the test) and serves on the
    /// current tokio runtime.
    pub fn start(addr: &str, model: Arc<Mutex<Model>>) -> std::io::Result<Server> {
        let std_listener = std::net::TcpListener::bind(addr)?;
        std_listener.set_nonblocking(true)?;
        let local = std_listener.local_addr()?;
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let (updates, _) = broadcast::channel(64);
        let shared = Shared {
            model,
            updates,
            clients: Arc::new(AtomicUsize::new(0)),
        };
        runtime.spawn(accept_loop(listener, shared.clone()));
        Ok(Server {
            addr: local,
            shared,
        })
    }

    /// Sends an update (the page's data, JSON) to every connected page; call it with the
    /// model locked (see [`events`]).
    pub fn publish(&self, event: &str, json: &str) {
        let frame: Arc<str> = Arc::from(format!("event: {event}\ndata: {json}\n\n"));
        let _ = self.shared.updates.send(frame);
    }

    /// Pages connected to `/events` now.
    pub fn clients(&self) -> usize {
        self.shared.clients.load(Ordering::SeqCst)
    }

    /// Waits while a page is connected, or until `interrupted` (Ctrl-C) resolves.
    pub async fn linger(&self, interrupted: impl std::future::Future<Output = ()>) {
        if self.clients() == 0 {
            return;
        }
        rk6_runtime::term::err(&format!(
            "web dashboard: the test is over; http://{} stays up until its page is closed or Ctrl+C\n",
            self.addr
        ));
        let idle = async {
            while self.clients() > 0 {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        };
        tokio::select! {
            _ = idle => {}
            _ = interrupted => {}
        }
    }
}

async fn accept_loop(listener: tokio::net::TcpListener, shared: Shared) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, say, under load: the dashboard waits and goes on.
            Err(e) => {
                rk6_runtime::log::Logger::debug(
                    "web dashboard: accept failed",
                    &[("error", &e.to_string())],
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| handle(req, shared.clone()));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    shared: Shared,
) -> Result<Response<Body>, Infallible> {
    let resp = match req.uri().path() {
        "/" | "/ui" | "/ui/" => html(page::render(None)),
        "/report" => {
            let data = lock(&shared.model).snapshot();
            let mut r = html(page::render(Some(&data)));
            r.headers_mut().insert(
                hyper::header::CONTENT_DISPOSITION,
                hyper::header::HeaderValue::from_static("attachment; filename=\"report.html\""),
            );
            r
        }
        "/events" => events(&shared),
        _ => {
            let mut r = Response::new(full("not found"));
            *r.status_mut() = StatusCode::NOT_FOUND;
            r
        }
    };
    Ok(resp)
}

fn full(s: impl Into<Bytes>) -> Body {
    Full::new(s.into()).boxed()
}

fn html(page: String) -> Response<Body> {
    let mut r = Response::new(full(page));
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// Counts a connected page for as long as its stream lives.
struct Connected(Arc<AtomicUsize>);

impl Drop for Connected {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The event stream: a `snapshot` of the run so far, then every published update, with
/// a comment whenever nothing happened for [`HEARTBEAT`].
fn events(shared: &Shared) -> Response<Body> {
    // Subscribing and reading the run under the model's lock, which updates are taken and
    // published under, gives every page each bucket once: the snapshot holds the buckets
    // published so far, the next update those closed since.
    let (rx, snapshot) = {
        let model = lock(&shared.model);
        (shared.updates.subscribe(), model.page_snapshot())
    };
    let snapshot = page::embeddable_json(&snapshot);
    shared.clients.fetch_add(1, Ordering::SeqCst);
    let guard = Connected(shared.clients.clone());
    let first = stream::once(async move {
        Ok::<_, Infallible>(Frame::data(Bytes::from(format!(
            "retry: 3000\nevent: snapshot\ndata: {snapshot}\n\n"
        ))))
    });
    let rest = stream::unfold((rx, guard), |(mut rx, guard)| async move {
        let chunk = match tokio::time::timeout(HEARTBEAT, rx.recv()).await {
            Ok(Ok(frame)) => Bytes::from(frame.as_bytes().to_vec()),
            // A page that fell behind would miss buckets (`Lagged`): ending its stream makes
            // it reconnect and start again from a snapshot.
            Ok(Err(_)) => return None,
            Err(_) => Bytes::from_static(b": keep-alive\n\n"),
        };
        Some((Ok(Frame::data(chunk)), (rx, guard)))
    });
    let body = BodyExt::boxed(StreamBody::new(first.chain(rest)));
    let mut r = Response::new(body);
    let headers = r.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(
        hyper::header::CACHE_CONTROL,
        hyper::header::HeaderValue::from_static("no-cache"),
    );
    r
}
