//! Cookie endpoints (`/cookies`, `/cookies/set`, `/cookies/delete`) and the
//! Cookie/Set-Cookie codecs the digest-auth flow reuses.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use http::header::{self, HeaderValue};
use http::StatusCode;
use serde::Serialize;

use super::echo::Req;
use super::respond::{self, Reject, Resp};

/// Analytics cookies of httpbin.org's own site, hidden unless `show_env`.
const ENV_COOKIES: [&str; 8] = [
    "_gauges_unique",
    "_gauges_unique_year",
    "_gauges_unique_month",
    "_gauges_unique_day",
    "_gauges_unique_hour",
    "__utmz",
    "__utma",
    "__utmb",
];

/// The request's cookies in header order, across every `Cookie` header
/// (HTTP/2 clients may split them).
pub(super) fn request_cookies(req: &Req) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
    req.headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            Some((name.trim(), unquote(value.trim())))
        })
}

/// The first cookie called `name`, which is the one werkzeug reports.
pub(super) fn request_cookie<'r>(req: &'r Req, name: &str) -> Option<Cow<'r, str>> {
    request_cookies(req)
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

fn unquote(value: &str) -> Cow<'_, str> {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) if inner.contains('\\') => {
            Cow::Owned(inner.replace("\\\"", "\"").replace("\\\\", "\\"))
        }
        Some(inner) => Cow::Borrowed(inner),
        None => Cow::Borrowed(value),
    }
}

/// `/cookies`: `{"cookies": {name: value}}`.
pub(super) fn show(req: &Req) -> Resp {
    #[derive(Serialize)]
    struct Cookies<'a> {
        cookies: BTreeMap<&'a str, Cow<'a, str>>,
    }
    let show_env = req.arg("show_env").is_some();
    let mut cookies = BTreeMap::new();
    for (name, value) in request_cookies(req) {
        if show_env || !ENV_COOKIES.contains(&name) {
            cookies.entry(name).or_insert(value);
        }
    }
    respond::json(&Cookies { cookies })
}

/// `/cookies/set?name=value...`: one cookie per distinct query key, then back
/// to `/cookies`.
pub(super) fn set_from_query(req: &Req) -> Result<Resp, Reject> {
    let mut resp = respond::redirect(StatusCode::FOUND, "/cookies")?;
    let mut seen: Vec<Cow<'_, str>> = Vec::new();
    for (name, value) in req.query_pairs() {
        if !seen.contains(&name) {
            set_cookie(&mut resp, &name, &value)?;
            seen.push(name);
        }
    }
    Ok(resp)
}

/// `/cookies/set/{name}/{value}`.
pub(super) fn set_one(name: &str, value: &str) -> Result<Resp, Reject> {
    let mut resp = respond::redirect(StatusCode::FOUND, "/cookies")?;
    set_cookie(&mut resp, name, value)?;
    Ok(resp)
}

/// `/cookies/delete?name...`: expire each named cookie.
pub(super) fn delete(req: &Req) -> Result<Resp, Reject> {
    let mut resp = respond::redirect(StatusCode::FOUND, "/cookies")?;
    for (name, _) in req.query_pairs() {
        let cookie = format!("{name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/");
        append_set_cookie(&mut resp, cookie)?;
    }
    Ok(resp)
}

/// Appends `Set-Cookie: name=value; Path=/`, quoting the value as werkzeug
/// does when it holds characters a cookie value cannot carry bare.
pub(super) fn set_cookie(resp: &mut Resp, name: &str, value: &str) -> Result<(), Reject> {
    append_set_cookie(resp, format!("{name}={}; Path=/", quote(value)))
}

fn append_set_cookie(resp: &mut Resp, cookie: String) -> Result<(), Reject> {
    let value = HeaderValue::try_from(cookie).map_err(|_| Reject::bad("invalid cookie"))?;
    resp.headers_mut().append(header::SET_COOKIE, value);
    Ok(())
}

fn quote(value: &str) -> Cow<'_, str> {
    let bare = |c: char| c.is_ascii_alphanumeric() || "_!#$%&'()*+-./:<=>?@[]^`{|}~".contains(c);
    if value.chars().all(bare) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    out.push('"');
    for byte in value.bytes() {
        match byte {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(byte as char);
            }
            b',' | b';' | 0x00..=0x19 | 0x7f..=0xff => {
                let _ = write!(out, "\\{byte:03o}");
            }
            _ => out.push(byte as char),
        }
    }
    out.push('"');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_werkzeug() {
        assert_eq!(quote("abc-1.2"), "abc-1.2");
        assert_eq!(quote("a b"), "\"a b\"");
        assert_eq!(quote("a;\"é"), "\"a\\073\\\"\\303\\251\"");
    }
}
