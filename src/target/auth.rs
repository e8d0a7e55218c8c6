//! Authentication endpoints: `/basic-auth`, `/hidden-basic-auth`, `/bearer`
//! and `/digest-auth` (RFC 2617/7616 challenge-response, MD5, with httpbin's
//! cookie-based stale-nonce and `require-cookie` options).

use std::borrow::Cow;

use base64::Engine as _;
use http::header::{self, HeaderValue};
use http::StatusCode;
use md5::{Digest as _, Md5};
use serde_json::json;

use super::cookies::{request_cookie, set_cookie};
use super::echo::Req;
use super::misc::status_response;
use super::respond::{self, Reject, Resp};
use super::router::DigestParams;
use super::text::params;

const REALM: &str = "me@kennethreitz.com";

/// The value of `Authorization` after `scheme ` (scheme matched
/// case-insensitively).
fn authorization<'r>(req: &'r Req, scheme: &str) -> Option<&'r str> {
    let value = req.header(header::AUTHORIZATION)?.trim_start();
    let (given, rest) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then_some(rest.trim())
}

/// `/basic-auth/{user}/{passwd}`; the hidden variant answers 404 instead of
/// 401 so clients cannot tell the resource exists.
pub(super) fn basic(req: &Req, user: &str, passwd: &str, hidden: bool) -> Resp {
    let decoded = authorization(req, "Basic")
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .and_then(|raw| String::from_utf8(raw).ok());
    let matches = decoded
        .as_deref()
        .and_then(|pair| pair.split_once(':'))
        .is_some_and(|(u, p)| u == user && p == passwd);
    match (matches, hidden) {
        (true, _) => respond::json(&json!({"authenticated": true, "user": user})),
        (false, true) => status_response(StatusCode::NOT_FOUND),
        (false, false) => status_response(StatusCode::UNAUTHORIZED),
    }
}

/// `/bearer`: any bearer token is accepted and echoed.
pub(super) fn bearer(req: &Req) -> Resp {
    match req
        .header(header::AUTHORIZATION)
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        Some(token) => respond::json(&json!({"authenticated": true, "token": token})),
        None => {
            let mut resp = respond::build(StatusCode::UNAUTHORIZED, respond::HTML, "");
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            resp
        }
    }
}

/// The parameters of an `Authorization: Digest ...` header.
struct Credentials<'r>(Vec<(&'r str, Cow<'r, str>)>);

impl Credentials<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_ref())
    }
}

/// `/digest-auth/{qop}/{user}/{passwd}[/{algorithm}[/{stale_after}]]`.
///
/// As in httpbin, the challenge sets `stale_after` and `fake` cookies; a
/// nonce the client already failed with (cookie `last_nonce`) or a
/// `stale_after` count that reached 0 earns a `stale=TRUE` challenge.
pub(super) fn digest(req: &Req, route: &DigestParams<'_>) -> Result<Resp, Reject> {
    let require_cookie = req
        .arg("require-cookie")
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "t" | "true"));
    let qop = matches!(route.qop, "auth" | "auth-int").then_some(route.qop);
    let credentials = authorization(req, "Digest")
        .map(|rest| Credentials(params(rest, b',').collect()))
        .filter(|_| !require_cookie || req.headers.contains_key(header::COOKIE));
    let Some(credentials) = credentials else {
        return challenge(req, qop, false, &[("stale_after", route.stale_after)]);
    };
    if require_cookie && request_cookie(req, "fake").as_deref() != Some("fake_value") {
        let mut resp = respond::json(&json!({"errors": ["missing cookie set on challenge"]}));
        *resp.status_mut() = StatusCode::FORBIDDEN;
        set_cookie(&mut resp, "fake", "fake_value")?;
        return Ok(resp);
    }
    let nonce = credentials.get("nonce").unwrap_or("");
    let stale_after = request_cookie(req, "stale_after");
    let reused_nonce = request_cookie(req, "last_nonce").is_some_and(|last| last == nonce);
    let stale = reused_nonce || stale_after.as_deref() == Some("0");
    if stale || !verify(req, &credentials, route.user, route.passwd) {
        let cookies = [("stale_after", route.stale_after), ("last_nonce", nonce)];
        return challenge(req, qop, stale, &cookies);
    }
    let mut resp = respond::json(&json!({"authenticated": true, "user": route.user}));
    set_cookie(&mut resp, "fake", "fake_value")?;
    if let Some(count) = stale_after {
        let next = count
            .parse::<i64>()
            .map_or_else(|_| "never".to_owned(), |n| (n - 1).to_string());
        set_cookie(&mut resp, "stale_after", &next)?;
    }
    Ok(resp)
}

/// A 401 carrying a fresh nonce. Only MD5 is offered: SHA-256/512 would
/// need a hash crate the root crate does not depend on.
fn challenge(
    req: &Req,
    qop: Option<&str>,
    stale: bool,
    cookies: &[(&str, &str)],
) -> Result<Resp, Reject> {
    let entropy = rand::random::<u128>().to_be_bytes();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
        .to_string();
    let nonce = md5_hex(&[
        req.peer.ip().to_string().as_bytes(),
        now.as_bytes(),
        &entropy,
    ]);
    let opaque = md5_hex(&[&rand::random::<u128>().to_be_bytes()]);
    let challenge = format!(
        "Digest realm=\"{REALM}\", nonce=\"{nonce}\", qop=\"{}\", opaque=\"{opaque}\", \
         algorithm=MD5, stale={}",
        qop.unwrap_or("auth, auth-int"),
        if stale { "TRUE" } else { "FALSE" },
    );
    let mut resp = respond::empty(StatusCode::UNAUTHORIZED);
    respond::set_header(&mut resp, header::WWW_AUTHENTICATE, &challenge)?;
    for (name, value) in cookies {
        set_cookie(&mut resp, name, value)?;
    }
    set_cookie(&mut resp, "fake", "fake_value")?;
    Ok(resp)
}

/// Recomputes the client's `response` hash. Unlike httpbin, the username must
/// match the route's user too, not just produce a consistent hash.
fn verify(req: &Req, credentials: &Credentials<'_>, user: &str, passwd: &str) -> bool {
    let field = |key| credentials.get(key).unwrap_or("").as_bytes();
    if credentials.get("username") != Some(user) {
        return false;
    }
    // The hash covers the request-target as sent, which is also what the
    // client put in its `uri` parameter.
    let uri = req
        .uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .as_bytes();
    let method = req.method.as_str().as_bytes();
    let ha1 = md5_hex(&[user.as_bytes(), field("realm"), passwd.as_bytes()]);
    let qop = credentials.get("qop");
    let ha2 = match qop {
        None | Some("auth") => md5_hex(&[method, uri]),
        Some("auth-int") => md5_hex(&[method, uri, md5_hex(&[&req.body]).as_bytes()]),
        Some(_) => return false,
    };
    let expected = match qop {
        None => md5_hex(&[ha1.as_bytes(), field("nonce"), ha2.as_bytes()]),
        Some(qop) => {
            if ["nonce", "nc", "cnonce"]
                .iter()
                .any(|k| credentials.get(k).is_none())
            {
                return false;
            }
            md5_hex(&[
                ha1.as_bytes(),
                field("nonce"),
                field("nc"),
                field("cnonce"),
                qop.as_bytes(),
                ha2.as_bytes(),
            ])
        }
    };
    credentials
        .get("response")
        .is_some_and(|given| given.eq_ignore_ascii_case(&expected))
}

/// Lower-hex MD5 of `parts` joined with `:`, the digest scheme's `H(a:b:c)`.
fn md5_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Md5::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hasher.update(b":");
        }
        hasher.update(part);
    }
    format!("{:x}", hasher.finalize())
}

#[cfg(test)]
pub(super) mod tests {
    use super::md5_hex;

    /// Computes a client's digest `Authorization` header for tests.
    pub(crate) fn client_authorization(
        challenge: &str,
        method: &str,
        uri: &str,
        user: &str,
        passwd: &str,
    ) -> String {
        let nonce = challenge
            .split("nonce=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("");
        let ha1 = md5_hex(&[user.as_bytes(), super::REALM.as_bytes(), passwd.as_bytes()]);
        let ha2 = md5_hex(&[method.as_bytes(), uri.as_bytes()]);
        let response = md5_hex(&[
            ha1.as_bytes(),
            nonce.as_bytes(),
            b"00000001",
            b"0a4f113b",
            b"auth",
            ha2.as_bytes(),
        ]);
        format!(
            "Digest username=\"{user}\", realm=\"{}\", nonce=\"{nonce}\", uri=\"{uri}\", \
             qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"{response}\", algorithm=MD5",
            super::REALM
        )
    }

    #[test]
    fn md5_matches_rfc_2617_example() {
        // RFC 2617 section 3.5.
        let ha1 = md5_hex(&[b"Mufasa", b"testrealm@host.com", b"Circle Of Life"]);
        let ha2 = md5_hex(&[b"GET", b"/dir/index.html"]);
        let response = md5_hex(&[
            ha1.as_bytes(),
            b"dcd98b7102dd2f0e8b11d0f600bfb0c093",
            b"00000001",
            b"0a4f113b",
            b"auth",
            ha2.as_bytes(),
        ]);
        assert_eq!(response, "6629fae49393a05397450978507c4ef1");
    }
}
