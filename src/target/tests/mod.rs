//! End-to-end tests of the target server: each spawns it on an ephemeral
//! loopback port and talks to it over real sockets (hyper client over HTTP/1.1
//! and h2c, raw TCP, and a tokio-tungstenite WebSocket client).
//!
//! This file holds the client helpers plus the echo and protocol tests
//! (methods, HEAD/OPTIONS, h2c, keep-alive, shutdown, WebSocket); the
//! endpoint families are tested in `endpoints.rs`.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::Message;

mod endpoints;

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("response body is JSON")
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("missing header {name}"))
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }
}

struct Target {
    addr: SocketAddr,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Target {
    async fn start() -> Target {
        Self::with_client(false).await
    }

    async fn with_client(http2_only: bool) -> Target {
        let addr = super::spawn("127.0.0.1:0").await.expect("target binds");
        let client = Client::builder(TokioExecutor::new())
            .http2_only(http2_only)
            .build_http();
        Target { addr, client }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let req = req
            .body(Full::new(Bytes::copy_from_slice(body)))
            .expect("valid test request");
        let resp = self.client.request(req).await.expect("request succeeds");
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.expect("body reads").to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, &[], b"").await
    }
}

#[tokio::test]
async fn get_echoes_args_headers_origin_and_url() {
    let t = Target::start().await;
    let r = t
        .send(
            Method::GET,
            "/get?a=1&a=2&b=x%20y",
            &[("X-Probe", "1"), ("x-probe", "2")],
            b"",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "application/json");
    assert_eq!(r.header("access-control-allow-origin"), "*");
    let body = r.json();
    assert_eq!(body["args"], json!({"a": ["1", "2"], "b": "x y"}));
    assert_eq!(body["headers"]["X-Probe"], "1,2");
    assert_eq!(body["headers"]["Host"], t.addr.to_string());
    assert_eq!(body["origin"], "127.0.0.1");
    assert_eq!(
        body["url"],
        format!("http://{}/get?a=1&a=2&b=x%20y", t.addr)
    );
    assert!(body.get("data").is_none() && body.get("method").is_none());
    // Same layout as httpbin: sorted keys, two-space indent, final newline.
    let text = std::str::from_utf8(&r.body).expect("utf-8");
    assert!(
        text.starts_with("{\n  \"args\": {\n    \"a\": [\n      \"1\","),
        "{text}"
    );
    assert!(text.ends_with("}\n"));
}

#[tokio::test]
async fn body_methods_echo_data_form_files_and_json() {
    let t = Target::start().await;
    let r = t
        .send(
            Method::POST,
            "/post",
            &[("content-type", "application/json")],
            br#"{"b":[1,2],"a":1}"#,
        )
        .await;
    let body = r.json();
    assert_eq!(body["json"], json!({"a": 1, "b": [1, 2]}));
    assert_eq!(body["data"], r#"{"b":[1,2],"a":1}"#);
    assert_eq!(
        (body["form"].clone(), body["files"].clone()),
        (json!({}), json!({}))
    );

    let form = [("content-type", "application/x-www-form-urlencoded")];
    let body = t
        .send(Method::PUT, "/put", &form, b"a=1&a=2&b=3")
        .await
        .json();
    assert_eq!(body["form"], json!({"a": ["1", "2"], "b": "3"}));
    assert_eq!(
        (body["data"].clone(), body["json"].clone()),
        (json!(""), Value::Null)
    );

    let multipart = b"--XYZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\
        Content-Type: text/plain\r\n\r\nfile body\r\n--XYZ\r\n\
        Content-Disposition: form-data; name=\"name\"\r\n\r\nval\r\n--XYZ--\r\n";
    let ct = [("content-type", "multipart/form-data; boundary=XYZ")];
    let body = t
        .send(Method::PATCH, "/anything/x/y", &ct, multipart)
        .await
        .json();
    assert_eq!(body["files"], json!({"f": "file body"}));
    assert_eq!(body["form"], json!({"name": "val"}));
    assert_eq!(body["method"], "PATCH");
    assert!(body["url"]
        .as_str()
        .is_some_and(|u| u.ends_with("/anything/x/y")));

    let body = t
        .send(Method::DELETE, "/delete", &[], b"\xff\xfe\x00")
        .await
        .json();
    assert_eq!(body["data"], "data:application/octet-stream;base64,//4A");
    assert_eq!(body["json"], Value::Null);
}

#[tokio::test]
async fn methods_options_and_head() {
    let t = Target::start().await;
    let r = t.send(Method::POST, "/get", &[], b"").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.header("allow").contains("GET"));
    assert_eq!(t.get("/post").await.status, StatusCode::METHOD_NOT_ALLOWED);

    let r = t
        .send(Method::OPTIONS, "/get", &[("Origin", "http://x.test")], b"")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("allow"), "GET, HEAD, OPTIONS");
    assert_eq!(r.header("access-control-allow-origin"), "http://x.test");
    assert!(r.header("access-control-allow-methods").contains("POST"));
    let anything = t.send(Method::OPTIONS, "/anything", &[], b"").await;
    assert!(anything.header("allow").contains("TRACE"));

    let r = t.send(Method::HEAD, "/get", &[], b"").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.is_empty());
    let length: usize = r.header("content-length").parse().expect("numeric length");
    assert_eq!(length, t.get("/get").await.body.len());
}

#[tokio::test]
async fn serves_h2c_with_prior_knowledge() {
    let t = Target::with_client(true).await;
    let r = t.send(Method::GET, "/get?h=2", &[], b"").await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["args"]["h"], "2");
    assert_eq!(body["headers"]["Host"], t.addr.to_string());
    let r = t.send(Method::HEAD, "/get", &[], b"").await;
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn keep_alive_serves_several_requests_per_connection() {
    let addr = super::spawn("127.0.0.1:0").await.expect("target binds");
    let mut conn = TcpStream::connect(addr).await.expect("connects");
    let request = b"GET /status/204 HTTP/1.1\r\nHost: t\r\n\r\n";
    conn.write_all(&[&request[..], request, request].concat())
        .await
        .expect("writes");
    let mut seen = Vec::new();
    while seen.windows(12).filter(|w| w == b"HTTP/1.1 204").count() < 3 {
        let mut buf = [0u8; 1024];
        let n = conn.read(&mut buf).await.expect("reads");
        assert!(
            n > 0,
            "connection closed early: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
}

#[tokio::test]
async fn shutdown_stops_accepting() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("has address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(super::serve(listener, async move {
        let _ = stopped.await;
    }));
    assert!(TcpStream::connect(addr).await.is_ok());
    let _ = stop.send(());
    let result = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert!(
        matches!(result, Ok(Ok(Ok(())))),
        "serve returns Ok after shutdown"
    );
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn websocket_echo_round_trip() {
    let addr = super::spawn("127.0.0.1:0").await.expect("target binds");
    let stream = TcpStream::connect(addr).await.expect("connects");
    let mut request = format!("ws://{addr}/ws/echo")
        .into_client_request()
        .expect("valid url");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        http::HeaderValue::from_static("chat, superchat"),
    );
    let (mut ws, resp) = tokio_tungstenite::client_async(request, stream)
        .await
        .expect("handshake");
    assert_eq!(
        resp.headers()
            .get("sec-websocket-protocol")
            .map(|v| v.as_bytes()),
        Some(&b"chat"[..])
    );

    ws.send(Message::text("hello")).await.expect("send text");
    assert_eq!(
        ws.next().await.and_then(Result::ok),
        Some(Message::text("hello"))
    );
    ws.send(Message::binary(vec![0u8, 1, 255]))
        .await
        .expect("send binary");
    assert_eq!(
        ws.next().await.and_then(Result::ok),
        Some(Message::binary(vec![0u8, 1, 255]))
    );
    ws.send(Message::Ping(Bytes::from_static(b"p")))
        .await
        .expect("send ping");
    assert_eq!(
        ws.next().await.and_then(Result::ok),
        Some(Message::Pong(Bytes::from_static(b"p")))
    );
    ws.close(None).await.expect("close");
    let closing = ws.next().await;
    assert!(
        matches!(closing, Some(Ok(Message::Close(_))) | None),
        "{closing:?}"
    );

    // A plain GET is not an upgrade.
    let mut raw = TcpStream::connect(addr).await.expect("connects");
    raw.write_all(b"GET /ws/echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .await
        .expect("writes");
    let mut reply = Vec::new();
    raw.read_to_end(&mut reply).await.expect("reads");
    assert!(reply.starts_with(b"HTTP/1.1 400"));
}
