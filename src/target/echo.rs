//! The request as handlers see it ([`Req`]) and httpbin's request-echo JSON
//! ([`Echo`]): `args`, `headers`, `origin`, `url` and, for body methods, `data`,
//! `form`, `files` and `json`.
//!
//! The echo borrows from the request and serializes straight to bytes, so the
//! hot `/get` path allocates little beyond the output buffer.

use std::borrow::Cow;
use std::net::SocketAddr;

use bytes::Bytes;
use http::{HeaderMap, Method, Uri};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::form;
use super::text::title_case;

/// A fully read request plus where it came from.
pub(super) struct Req {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub peer: SocketAddr,
    /// The server address the client connected to, for absolute URLs when the
    /// request names no host.
    pub local: SocketAddr,
}

/// Headers a proxy in front of httpbin.org adds; httpbin hides them from
/// echoes unless the query has `show_env`.
const ENV_HEADERS: [&str; 15] = [
    "x-varnish",
    "x-request-start",
    "x-heroku-queue-depth",
    "x-real-ip",
    "x-forwarded-proto",
    "x-forwarded-protocol",
    "x-forwarded-ssl",
    "x-heroku-queue-wait-time",
    "x-forwarded-for",
    "x-heroku-dynos-in-use",
    "x-forwarded-port",
    "x-request-id",
    "via",
    "total-route-time",
    "connect-time",
];

impl Req {
    pub(super) fn query_pairs(&self) -> url::form_urlencoded::Parse<'_> {
        url::form_urlencoded::parse(self.uri.query().unwrap_or("").as_bytes())
    }

    /// The first query value whose key matches `name` case-insensitively, as
    /// httpbin's `CaseInsensitiveDict(request.args)` lookups do.
    pub(super) fn arg(&self, name: &str) -> Option<Cow<'_, str>> {
        self.query_pairs()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    pub(super) fn header(&self, name: impl http::header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn show_env(&self) -> bool {
        self.query_pairs().any(|(key, _)| key == "show_env")
    }

    /// `Host` as the client sent it; HTTP/2 carries it in `:authority`.
    pub(super) fn host(&self) -> Cow<'_, str> {
        if let Some(host) = self.header(http::header::HOST) {
            return Cow::Borrowed(host);
        }
        match self.uri.authority() {
            Some(authority) => Cow::Borrowed(authority.as_str()),
            None => Cow::Owned(self.local.to_string()),
        }
    }

    /// The scheme the client used, trusting the proxy headers httpbin trusts.
    fn scheme(&self) -> &str {
        if let Some(proto) = self
            .header("x-forwarded-proto")
            .or_else(|| self.header("x-forwarded-protocol"))
        {
            return proto;
        }
        if self.header("x-forwarded-ssl") == Some("on") {
            return "https";
        }
        "http"
    }

    /// `scheme://host` for building absolute URLs.
    pub(super) fn base_url(&self) -> String {
        format!("{}://{}", self.scheme(), self.host())
    }

    /// The full URL as requested.
    pub(super) fn url(&self) -> String {
        let path = self.uri.path_and_query().map_or("/", |pq| pq.as_str());
        format!("{}{path}", self.base_url())
    }

    /// The client address, or the first hop a proxy reported.
    pub(super) fn origin(&self) -> Cow<'_, str> {
        match self.header("x-forwarded-for") {
            Some(forwarded) => Cow::Borrowed(forwarded),
            None => Cow::Owned(self.peer.ip().to_string()),
        }
    }

    /// The request headers as httpbin shows them: Title-Case names, repeated
    /// headers joined with `,`, sorted by name.
    pub(super) fn echo_headers(&self) -> Vec<(Cow<'static, str>, Cow<'_, str>)> {
        let show_env = self.show_env();
        let mut out = Vec::with_capacity(self.headers.keys_len() + 1);
        for name in self.headers.keys() {
            if !show_env && ENV_HEADERS.contains(&name.as_str()) {
                continue;
            }
            let mut values = self.headers.get_all(name).iter();
            let Some(first) = values.next() else { continue };
            let mut value = String::from_utf8_lossy(first.as_bytes());
            for more in values {
                let joined = value.to_mut();
                joined.push(',');
                joined.push_str(&String::from_utf8_lossy(more.as_bytes()));
            }
            out.push((title_case(name.as_str()), value));
        }
        if !self.headers.contains_key(http::header::HOST) {
            out.push((Cow::Borrowed("Host"), self.host()));
        }
        out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// A multi-valued string map rendered like httpbin's `semiflatten`: a key with
/// one value maps to a string, a repeated key to an array. Sorted by key
/// (Flask sorts JSON keys), keeping each key's values in request order.
#[derive(Default)]
pub(super) struct MultiMap<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'a> MultiMap<'a> {
    pub(super) fn push(&mut self, key: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) {
        self.0.push((key.into(), value.into()));
    }

    pub(super) fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| a.0.cmp(&b.0));
        self
    }
}

impl<'a> FromIterator<(Cow<'a, str>, Cow<'a, str>)> for MultiMap<'a> {
    fn from_iter<I: IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>>(iter: I) -> Self {
        MultiMap(iter.into_iter().collect())
    }
}

impl Serialize for MultiMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Values<'v, 'a>(&'v [(Cow<'a, str>, Cow<'a, str>)]);
        impl Serialize for Values<'_, '_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
                for (_, value) in self.0 {
                    seq.serialize_element(value)?;
                }
                seq.end()
            }
        }

        let mut map = serializer.serialize_map(None)?;
        for group in self.0.chunk_by(|a, b| a.0 == b.0) {
            match group {
                [(key, value)] => map.serialize_entry(key, value)?,
                _ => map.serialize_entry(&group[0].0, &Values(group))?,
            }
        }
        map.end()
    }
}

/// An ordered list of pairs serialized as a JSON object.
#[derive(Default)]
pub(super) struct Pairs<'a>(pub Vec<(Cow<'static, str>, Cow<'a, str>)>);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// Which optional parts of the echo an endpoint shows.
#[derive(Clone, Copy)]
pub(super) struct Fields {
    /// `url` and `args`.
    pub request_line: bool,
    /// `data`, `form` and `files`.
    pub body: bool,
    pub json: bool,
    pub method: bool,
}

impl Fields {
    /// `/get`, `/cache`, `/etag`.
    pub(super) const GET: Fields = Fields {
        request_line: true,
        body: false,
        json: false,
        method: false,
    };
    /// `/post`, `/put`, `/patch`, `/delete`.
    pub(super) const BODY: Fields = Fields {
        json: true,
        body: true,
        ..Self::GET
    };
    pub(super) const ANYTHING: Fields = Fields {
        method: true,
        ..Self::BODY
    };
    /// httpbin's `/delay` shows the body but not `json`.
    pub(super) const DELAY: Fields = Fields {
        json: false,
        ..Self::BODY
    };
    /// `/gzip` and `/deflate`: only `headers`, `method`, `origin` and a flag.
    pub(super) const COMPRESSED: Fields = Fields {
        request_line: false,
        body: false,
        json: false,
        method: true,
    };
}

/// httpbin's echo object. Fields are declared in alphabetical order because
/// Flask sorts keys and clients diffing against httpbin expect the same text.
#[derive(Serialize, Default)]
pub(super) struct Echo<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    args: Option<MultiMap<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brotli: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deflated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    files: Option<MultiMap<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    form: Option<MultiMap<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gzipped: Option<bool>,
    headers: Pairs<'a>,
    /// `Some(Value::Null)` when shown but the body is not JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    json: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'a str>,
    origin: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

impl<'a> Echo<'a> {
    pub(super) fn new(req: &'a Req, fields: Fields) -> Echo<'a> {
        let mut echo = Echo {
            headers: Pairs(req.echo_headers()),
            origin: req.origin(),
            method: fields.method.then(|| req.method.as_str()),
            ..Echo::default()
        };
        if fields.request_line {
            echo.url = Some(req.url());
            echo.args = Some(req.query_pairs().collect::<MultiMap<'_>>().sorted());
        }
        if fields.body {
            let body = form::parse(&req.headers, &req.body);
            if fields.json {
                echo.json = Some(body.raw.map_or(Value::Null, parse_json));
            }
            echo.data = Some(body.data);
            echo.form = Some(body.form.sorted());
            echo.files = Some(body.files.sorted());
        }
        echo
    }
}

/// The body as JSON if it is JSON, with object keys sorted as Flask prints
/// them; anything else is `null`, never an error.
fn parse_json(raw: &[u8]) -> Value {
    fn sort(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.sort_keys();
                map.values_mut().for_each(sort);
            }
            Value::Array(items) => items.iter_mut().for_each(sort),
            _ => {}
        }
    }
    let mut value = serde_json::from_slice(raw).unwrap_or(Value::Null);
    sort(&mut value);
    value
}

/// The echo as a JSON response.
pub(super) fn respond(req: &Req, fields: Fields) -> super::respond::Resp {
    super::respond::json(&Echo::new(req, fields))
}
