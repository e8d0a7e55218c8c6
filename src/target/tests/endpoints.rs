//! Tests of the endpoint families: status codes, redirects, auth, cookies,
//! compression, inspection and documents, bytes/delay, response headers and
//! caching.

use std::io::Read as _;
use std::time::{Duration, Instant};

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::Target;

#[tokio::test]
async fn status_codes() {
    let t = Target::start().await;
    let r = t.send(Method::PUT, "/status/418", &[], b"").await;
    assert_eq!(r.status, StatusCode::IM_A_TEAPOT);
    assert!(std::str::from_utf8(&r.body).is_ok_and(|b| b.contains("teapot")));
    let r = t.get("/status/302").await;
    assert_eq!(
        (r.status.as_u16(), r.header("location")),
        (302, "/redirect/1")
    );
    assert_eq!(
        t.get("/status/401").await.header("www-authenticate"),
        "Basic realm=\"Fake Realm\""
    );
    for _ in 0..10 {
        let code = t.get("/status/201,202").await.status.as_u16();
        assert!(code == 201 || code == 202, "{code}");
    }
    assert_eq!(
        t.get("/status/500:0,204:1").await.status,
        StatusCode::NO_CONTENT
    );
    for bad in [
        "/status/abc",
        "/status/99",
        "/status/1000",
        "/status/200:x,201",
        "/status/100",
    ] {
        assert_eq!(t.get(bad).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn redirects() {
    let t = Target::start().await;
    let mut path = "/redirect/2".to_owned();
    let mut hops = 0;
    loop {
        let r = t.get(&path).await;
        if r.status != StatusCode::FOUND {
            assert_eq!(r.status, StatusCode::OK);
            break;
        }
        hops += 1;
        path = r.header("location").to_owned();
    }
    assert_eq!((hops, path.as_str()), (2, "/get"));
    assert_eq!(t.get("/redirect/1").await.header("location"), "/get");
    assert_eq!(
        t.get("/relative-redirect/3").await.header("location"),
        "/relative-redirect/2"
    );
    let abs = format!("http://{}/absolute-redirect/1", t.addr);
    assert_eq!(t.get("/absolute-redirect/2").await.header("location"), abs);
    assert_eq!(
        t.get("/redirect/2?absolute=true").await.header("location"),
        abs
    );
    let r = t
        .get("/redirect-to?url=http%3A%2F%2Fexample.test%2Fx&status_code=307")
        .await;
    assert_eq!(
        (r.status.as_u16(), r.header("location")),
        (307, "http://example.test/x")
    );
    assert_eq!(
        t.get("/redirect-to?url=/get&status_code=200").await.status,
        StatusCode::FOUND
    );
    for bad in [
        "/redirect/0",
        "/redirect-to",
        "/redirect-to?url=%0Ax",
        "/redirect-to?url=/&status_code=x",
    ] {
        assert_eq!(t.get(bad).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(t.get("/redirect/x").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn basic_and_bearer_auth() {
    let t = Target::start().await;
    let good = [("authorization", "Basic dXNlcjpwYXNz")]; // user:pass
    let r = t
        .send(Method::GET, "/basic-auth/user/pass", &good, b"")
        .await;
    assert_eq!(r.json(), json!({"authenticated": true, "user": "user"}));
    let r = t.get("/basic-auth/user/other").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.header("www-authenticate"), "Basic realm=\"Fake Realm\"");
    let r = t
        .send(Method::GET, "/basic-auth/user/other", &good, b"")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let bad_b64 = [("authorization", "Basic %%%")];
    assert_eq!(
        t.send(Method::GET, "/hidden-basic-auth/u/p", &bad_b64, b"")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let r = t
        .send(
            Method::GET,
            "/bearer",
            &[("authorization", "Bearer tok123")],
            b"",
        )
        .await;
    assert_eq!(r.json(), json!({"authenticated": true, "token": "tok123"}));
    let r = t.get("/bearer").await;
    assert_eq!(
        (r.status, r.header("www-authenticate")),
        (StatusCode::UNAUTHORIZED, "Bearer")
    );
}

#[tokio::test]
async fn digest_auth_challenge_and_response() {
    let t = Target::start().await;
    let path = "/digest-auth/auth/user/passwd";
    let r = t.get(path).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let challenge = r.header("www-authenticate").to_owned();
    assert!(
        challenge.starts_with("Digest realm=\"me@kennethreitz.com\", nonce=\""),
        "{challenge}"
    );
    assert!(
        challenge.contains("qop=\"auth\"") && challenge.ends_with("algorithm=MD5, stale=FALSE")
    );

    let auth =
        crate::target::auth::tests::client_authorization(&challenge, "GET", path, "user", "passwd");
    let r = t
        .send(Method::GET, path, &[("authorization", &auth)], b"")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"authenticated": true, "user": "user"}));

    let wrong =
        crate::target::auth::tests::client_authorization(&challenge, "GET", path, "user", "nope");
    let r = t
        .send(Method::GET, path, &[("authorization", &wrong)], b"")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r
        .all("set-cookie")
        .iter()
        .any(|c| c.starts_with("last_nonce=")));
    let garbage = [("authorization", "Digest ,,=\"")];
    assert_eq!(
        t.send(Method::GET, path, &garbage, b"").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn cookies_show_set_and_delete() {
    let t = Target::start().await;
    let r = t
        .send(
            Method::GET,
            "/cookies",
            &[("cookie", "a=1; b=\"x y\"; a=3")],
            b"",
        )
        .await;
    assert_eq!(r.json(), json!({"cookies": {"a": "1", "b": "x y"}}));
    let r = t.get("/cookies/set?k1=v1&k2=v%20two").await;
    assert_eq!(
        (r.status, r.header("location")),
        (StatusCode::FOUND, "/cookies")
    );
    assert_eq!(
        r.all("set-cookie"),
        ["k1=v1; Path=/", "k2=\"v two\"; Path=/"]
    );
    assert_eq!(
        t.get("/cookies/set/n/v").await.all("set-cookie"),
        ["n=v; Path=/"]
    );
    let r = t.get("/cookies/delete?k1").await;
    assert_eq!(r.header("location"), "/cookies");
    assert!(r
        .header("set-cookie")
        .starts_with("k1=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"));
}

#[tokio::test]
async fn gzip_and_deflate_decode() {
    let t = Target::start().await;
    let r = t.get("/gzip").await;
    assert_eq!(r.header("content-encoding"), "gzip");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&r.body[..])
        .read_to_string(&mut text)
        .expect("valid gzip");
    let body: Value = serde_json::from_str(&text).expect("gzipped JSON");
    assert_eq!(
        (body["gzipped"].clone(), body["method"].clone()),
        (json!(true), json!("GET"))
    );
    assert_eq!(body["origin"], "127.0.0.1");

    let r = t.get("/deflate").await;
    assert_eq!(r.header("content-encoding"), "deflate");
    let mut text = String::new();
    flate2::read::ZlibDecoder::new(&r.body[..])
        .read_to_string(&mut text)
        .expect("valid zlib");
    let body: Value = serde_json::from_str(&text).expect("deflated JSON");
    assert_eq!(body["deflated"], true);
    assert!(body["headers"]["Host"].is_string());
}

#[tokio::test]
async fn inspection_and_documents() {
    let t = Target::start().await;
    let ua = [("user-agent", "rk6-test/1")];
    assert_eq!(
        t.send(Method::GET, "/user-agent", &ua, b"").await.json(),
        json!({"user-agent": "rk6-test/1"})
    );
    assert_eq!(t.get("/ip").await.json(), json!({"origin": "127.0.0.1"}));
    let fwd = [("x-forwarded-for", "10.9.8.7")];
    assert_eq!(
        t.send(Method::GET, "/ip", &fwd, b"").await.json()["origin"],
        "10.9.8.7"
    );
    assert!(t.get("/headers").await.json()["headers"]["Host"].is_string());
    let uuid = t.get("/uuid").await.json()["uuid"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_default();
    assert_eq!((uuid.len(), &uuid[14..15]), (36, "4"));
    assert_eq!(
        t.get("/json").await.json()["slideshow"]["author"],
        "Yours Truly"
    );
    let html = t.get("/html").await;
    let page = std::str::from_utf8(&html.body).expect("utf-8");
    assert!(page.contains("<h1>Herman Melville - Moby-Dick</h1>") && page.contains("<form"));
    assert_eq!(
        t.get("/xml").await.header("content-type"),
        "application/xml"
    );
    assert!(t
        .get("/robots.txt")
        .await
        .body
        .starts_with(b"User-agent: *"));
    assert_eq!(t.get("/").await.status, StatusCode::OK);
    assert_eq!(&t.get("/base64/aGVsbG8=").await.body[..], b"hello");
    let r = t.get("/no/such/path").await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (StatusCode::NOT_FOUND, "text/html; charset=utf-8")
    );
}

#[tokio::test]
async fn bytes_and_delay() {
    let t = Target::start().await;
    let a = t.get("/bytes/64?seed=7").await;
    assert_eq!(
        (a.body.len(), a.header("content-type")),
        (64, "application/octet-stream")
    );
    assert_eq!(a.body, t.get("/bytes/64?seed=7").await.body);
    assert_ne!(a.body, t.get("/bytes/64?seed=8").await.body);
    assert_eq!(t.get("/bytes/0").await.body.len(), 0);
    assert_eq!(
        t.get("/bytes/4?seed=x").await.status,
        StatusCode::BAD_REQUEST
    );

    let start = Instant::now();
    let r = t.send(Method::POST, "/delay/0.2?q=1", &[], b"hi").await;
    assert!(start.elapsed() >= Duration::from_millis(200));
    let body = r.json();
    assert_eq!(
        (body["args"]["q"].clone(), body["data"].clone()),
        (json!("1"), json!("hi"))
    );
    assert!(body.get("json").is_none());
    assert_eq!(t.get("/delay/abc").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn response_headers_and_caching() {
    let t = Target::start().await;
    let r = t
        .get("/response-headers?X-A=1&X-A=2&Content-Type=text/plain")
        .await;
    assert_eq!(r.all("x-a"), ["1", "2"]);
    let body = r.json();
    assert_eq!(body["X-A"], json!(["1", "2"]));
    assert_eq!(
        body["Content-Type"],
        json!(["application/json", "text/plain"])
    );
    assert_eq!(body["Content-Length"], r.body.len().to_string());
    assert_eq!(
        t.get("/response-headers?bad%20name=1").await.status,
        StatusCode::BAD_REQUEST
    );

    let r = t.get("/cache").await;
    assert!(r.header("last-modified").ends_with(" GMT") && r.header("etag").len() == 32);
    let cond = [("if-none-match", "\"x\"")];
    assert_eq!(
        t.send(Method::GET, "/cache", &cond, b"").await.status,
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        t.get("/cache/60").await.header("cache-control"),
        "public, max-age=60"
    );
    let r = t
        .send(
            Method::GET,
            "/etag/abc",
            &[("if-none-match", "W/\"abc\"")],
            b"",
        )
        .await;
    assert_eq!(
        (r.status, r.header("etag")),
        (StatusCode::NOT_MODIFIED, "abc")
    );
    let r = t
        .send(Method::GET, "/etag/abc", &[("if-match", "\"zzz\"")], b"")
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(t.get("/etag/abc").await.header("etag"), "abc");
}
