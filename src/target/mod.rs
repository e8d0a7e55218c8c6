//! The built-in HTTP target server: an httpbin-compatible API plus a WebSocket
//! echo, served by hyper over HTTP/1.1 (keep-alive) and h2c, for `rk6 target`,
//! `rk6 demo` and tests.
//!
//! This file owns the accept loop, per-connection serving and the request
//! flow shared by every endpoint (routing, OPTIONS/405, body reading, CORS,
//! HEAD); the endpoint families live in the submodules.

mod auth;
mod cookies;
mod echo;
mod form;
mod misc;
mod redirect;
mod respond;
mod router;
mod stream;
mod text;
mod ws;

#[cfg(test)]
mod tests;

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::ORIGIN;
use http::{Method, Request};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use echo::{Fields, Req};
use respond::{Reject, Resp};
use router::Route;

/// Largest request body the echo endpoints read (larger ones get 413).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Serves the httpbin-compatible API on `listener` until the process ends or `shutdown` resolves.
///
/// On shutdown the listener stops accepting and open connections finish
/// their in-flight requests, then close.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // hyper's header-read timeout also fires on idle keep-alive connections,
    // closing them after 30 s; a load-test target must keep them open for VUs
    // that sleep between iterations.
    builder
        .http1()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(None);
    builder.http2().timer(TokioTimer::new());
    let builder = Arc::new(builder);
    let listen_addr = listener.local_addr()?;
    // Dropping the sender (when this function returns) is the signal.
    let (_stop, stopped) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                let local = stream.local_addr().unwrap_or(listen_addr);
                let conn = serve_connection(builder.clone(), stream, peer, local, stopped.clone());
                tokio::spawn(conn);
            }
            // Out of file descriptors or similar: back off instead of
            // spinning, and keep serving the connections already open.
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

/// A listening socket that could not be opened, in Go's words as k6 prints them
/// (`listen tcp 127.0.0.1:6565: bind: address already in use`).
#[derive(Debug, thiserror::Error)]
#[error("listen tcp {addr}: {}", go_bind_reason(.source))]
pub struct ListenError {
    pub addr: String,
    pub source: io::Error,
}

fn go_bind_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::AddrInUse => "bind: address already in use".into(),
        io::ErrorKind::PermissionDenied => "bind: permission denied".into(),
        io::ErrorKind::AddrNotAvailable => "bind: cannot assign requested address".into(),
        _ => e.to_string(),
    }
}

/// Binds `addr` like `TcpListener::bind`, naming the address when it cannot.
pub async fn listen(addr: &str) -> Result<TcpListener, ListenError> {
    TcpListener::bind(addr).await.map_err(|source| ListenError {
        addr: addr.to_string(),
        source,
    })
}

/// Binds `addr` (e.g. "127.0.0.1:0"), spawns `serve` on the current tokio runtime, and returns the bound address.
pub async fn spawn(addr: &str) -> Result<SocketAddr, ListenError> {
    let listener = listen(addr).await?;
    let bound = listener.local_addr().map_err(|source| ListenError {
        addr: addr.to_string(),
        source,
    })?;
    tokio::spawn(async move {
        if let Err(err) = serve(listener, std::future::pending()).await {
            rk6_runtime::term::err(&format!("rk6 target server on {bound} stopped: {err}\n"));
        }
    });
    Ok(bound)
}

async fn serve_connection(
    builder: Arc<auto::Builder<TokioExecutor>>,
    stream: TcpStream,
    peer: SocketAddr,
    local: SocketAddr,
    mut stopped: watch::Receiver<()>,
) {
    // Small responses must not wait for Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |req| handle(req, peer, local));
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    // Connection errors (resets, malformed requests) concern only that client,
    // so they are dropped here.
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stopped.changed() => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}

async fn handle(
    req: Request<Incoming>,
    peer: SocketAddr,
    local: SocketAddr,
) -> Result<http::Response<stream::Body>, Infallible> {
    let origin = req.headers().get(ORIGIN).cloned();
    let mut resp = route(req, peer, local)
        .await
        .unwrap_or_else(|r| stream::full(r.into_response()));
    respond::add_cors(&mut resp, origin);
    Ok(resp)
}

async fn route(
    req: Request<Incoming>,
    peer: SocketAddr,
    local: SocketAddr,
) -> Result<http::Response<stream::Body>, Reject> {
    // Cloning a Uri only bumps reference counts; it lets the route borrow the
    // path while the request itself is taken apart.
    let uri = req.uri().clone();
    let path = text::percent_decode(uri.path());
    let Some((route, methods)) = router::resolve(&path) else {
        return Ok(stream::full(respond::not_found()));
    };
    if req.method() == Method::OPTIONS {
        return Ok(stream::full(respond::options(methods, req.headers())));
    }
    if !methods.allows(req.method()) {
        return Ok(stream::full(respond::method_not_allowed(methods)));
    }
    match route {
        Route::WsEcho => return Ok(stream::full(ws::accept(req, ws::Behaviour::Echo))),
        Route::WsStream { n, interval_ms } => {
            let behaviour = ws::Behaviour::Stream { n, interval_ms };
            return Ok(stream::full(ws::accept(req, behaviour)));
        }
        Route::Sse { n, interval_ms } => return Ok(stream::generic(n, interval_ms)),
        _ => {}
    }
    let (parts, body) = req.into_parts();
    let req = Req {
        method: parts.method,
        uri: parts.uri,
        headers: parts.headers,
        body: read_body(body).await?,
        peer,
        local,
    };
    match route {
        Route::ChatCompletions => return stream::chat(&req),
        Route::Generate => return stream::generate(&req),
        _ => {}
    }
    let mut resp = dispatch(route, &req).await?;
    if req.method == Method::HEAD {
        respond::strip_body(&mut resp);
    }
    Ok(stream::full(resp))
}

async fn read_body(body: Incoming) -> Result<Bytes, Reject> {
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.is::<LengthLimitError>() => Err(Reject::BodyTooLarge),
        Err(err) => Err(Reject::BodyRead(err)),
    }
}

async fn dispatch(route: Route<'_>, req: &Req) -> Result<Resp, Reject> {
    use misc::Coding;
    Ok(match route {
        Route::Index => misc::index(),
        Route::Get => echo::respond(req, Fields::GET),
        Route::Echo => echo::respond(req, Fields::BODY),
        Route::Anything => echo::respond(req, Fields::ANYTHING),
        Route::Headers => misc::headers(req),
        Route::Ip => misc::ip(req),
        Route::UserAgent => misc::user_agent(req),
        Route::Uuid => misc::uuid(),
        Route::Json => misc::slideshow(),
        Route::Html => misc::html(),
        Route::FormsPost => misc::forms_post(),
        Route::Xml => misc::xml(),
        Route::RobotsTxt => misc::robots_txt(),
        Route::Deny => misc::deny(),
        Route::Status(codes) => misc::status(codes)?,
        Route::Delay(secs) => misc::delay(req, secs).await?,
        Route::Bytes(n) => misc::random_bytes(req, n)?,
        Route::Redirect(n) => redirect::redirect(req, n)?,
        Route::RelativeRedirect(n) => redirect::relative_redirect(n)?,
        Route::AbsoluteRedirect(n) => redirect::absolute_redirect(req, n)?,
        Route::RedirectTo => redirect::redirect_to(req)?,
        Route::BasicAuth {
            user,
            passwd,
            hidden,
        } => auth::basic(req, user, passwd, hidden),
        Route::Bearer => auth::bearer(req),
        Route::DigestAuth(params) => auth::digest(req, &params)?,
        Route::Cookies => cookies::show(req),
        Route::CookiesSet => cookies::set_from_query(req)?,
        Route::CookieSet { name, value } => cookies::set_one(name, value)?,
        Route::CookiesDelete => cookies::delete(req)?,
        Route::Gzip => misc::compressed(req, Coding::Gzip)?,
        Route::Deflate => misc::compressed(req, Coding::Deflate)?,
        Route::Brotli => misc::compressed(req, Coding::Brotli)?,
        Route::ResponseHeaders => misc::response_headers(req)?,
        Route::Cache => misc::cache(req)?,
        Route::CacheFor(secs) => misc::cache_for(req, secs)?,
        Route::Etag(etag) => misc::etag(req, etag)?,
        Route::Base64(value) => misc::base64_decode(value),
        // Upgrades and streams are answered in `route`.
        Route::WsEcho
        | Route::WsStream { .. }
        | Route::Sse { .. }
        | Route::ChatCompletions
        | Route::Generate => respond::not_found(),
    })
}
