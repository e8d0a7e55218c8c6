//! Routing for the target server: maps a decoded request path to a [`Route`]
//! and the set of methods httpbin accepts on it.

use http::Method;

/// A set of request methods. HEAD is implied by GET and OPTIONS is always
/// answered, as in Flask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Methods(u8);

impl Methods {
    pub(super) const GET: Methods = Methods(1);
    pub(super) const POST: Methods = Methods(1 << 1);
    pub(super) const PUT: Methods = Methods(1 << 2);
    pub(super) const PATCH: Methods = Methods(1 << 3);
    pub(super) const DELETE: Methods = Methods(1 << 4);
    pub(super) const TRACE: Methods = Methods(1 << 5);
    pub(super) const GET_POST: Methods = Methods(Self::GET.0 | Self::POST.0);
    /// What httpbin's "any method" routes (`/anything`, `/status`, ...) accept.
    pub(super) const ANY: Methods = Methods((1 << 6) - 1);

    /// Allow-header order: GET first (so a quick glance finds it), then the rest.
    const NAMES: [(Methods, &'static str); 6] = [
        (Self::GET, "GET, HEAD"),
        (Self::POST, "POST"),
        (Self::PUT, "PUT"),
        (Self::PATCH, "PATCH"),
        (Self::DELETE, "DELETE"),
        (Self::TRACE, "TRACE"),
    ];

    fn of(method: &Method) -> Methods {
        match *method {
            Method::GET | Method::HEAD => Self::GET,
            Method::POST => Self::POST,
            Method::PUT => Self::PUT,
            Method::PATCH => Self::PATCH,
            Method::DELETE => Self::DELETE,
            Method::TRACE => Self::TRACE,
            _ => Methods(0),
        }
    }

    pub(super) fn allows(self, method: &Method) -> bool {
        self.0 & Self::of(method).0 != 0
    }

    /// The `Allow` header value, e.g. `GET, HEAD, OPTIONS`.
    pub(super) fn allow_header(self) -> String {
        let mut out = String::new();
        for (set, names) in Self::NAMES {
            if self.0 & set.0 != 0 {
                out.push_str(names);
                out.push_str(", ");
            }
        }
        out.push_str("OPTIONS");
        out
    }
}

/// Every endpoint the server knows, with its path parameters (still strings
/// where httpbin itself validates them inside the view, so errors match).
#[derive(Debug, PartialEq)]
pub(super) enum Route<'a> {
    Index,
    Get,
    /// `/post`, `/put`, `/patch`, `/delete`: the echo with the body.
    Echo,
    Anything,
    Headers,
    Ip,
    UserAgent,
    Uuid,
    Json,
    Html,
    FormsPost,
    Xml,
    RobotsTxt,
    Deny,
    Status(&'a str),
    Delay(&'a str),
    Bytes(u64),
    Redirect(u64),
    RelativeRedirect(u64),
    AbsoluteRedirect(u64),
    RedirectTo,
    BasicAuth {
        user: &'a str,
        passwd: &'a str,
        hidden: bool,
    },
    Bearer,
    DigestAuth(DigestParams<'a>),
    Cookies,
    CookiesSet,
    CookieSet {
        name: &'a str,
        value: &'a str,
    },
    CookiesDelete,
    Gzip,
    Deflate,
    Brotli,
    ResponseHeaders,
    Cache,
    CacheFor(u64),
    Etag(&'a str),
    Base64(&'a str),
    WsEcho,
    /// `/ws/stream/{n}/{interval_ms}`: N text messages at an interval, then a close.
    WsStream {
        n: u64,
        interval_ms: u64,
    },
    /// `/sse/{n}/{interval_ms}`: N Server-Sent Events at an interval.
    Sse {
        n: u64,
        interval_ms: u64,
    },
    /// `/v1/chat/completions`: OpenAI's chat completion, streamed when asked.
    ChatCompletions,
    /// `/api/generate`: Ollama's generation, streamed as NDJSON unless asked not to.
    Generate,
}

/// `/digest-auth/{qop}/{user}/{passwd}[/{algorithm}[/{stale_after}]]`.
#[derive(Debug, PartialEq)]
pub(super) struct DigestParams<'a> {
    pub qop: &'a str,
    pub user: &'a str,
    pub passwd: &'a str,
    pub algorithm: &'a str,
    pub stale_after: &'a str,
}

/// Resolves a percent-decoded path. `None` means 404.
pub(super) fn resolve(path: &str) -> Option<(Route<'_>, Methods)> {
    use Route::*;
    let path = path.strip_prefix('/')?;
    let (head, rest) = match path.split_once('/') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    let get = |route| Some((route, Methods::GET));
    match (head, rest) {
        ("", None) => get(Index),
        ("get", None) => get(Get),
        ("post", None) => Some((Echo, Methods::POST)),
        ("put", None) => Some((Echo, Methods::PUT)),
        ("patch", None) => Some((Echo, Methods::PATCH)),
        ("delete", None) => Some((Echo, Methods::DELETE)),
        ("anything", _) => Some((Anything, Methods::ANY)),
        ("headers", None) => get(Headers),
        ("ip", None) => get(Ip),
        ("user-agent", None) => get(UserAgent),
        ("uuid", None) => get(Uuid),
        ("json", None) => get(Json),
        ("html", None) => get(Html),
        ("forms", Some("post")) => get(FormsPost),
        ("xml", None) => get(Xml),
        ("robots.txt", None) => get(RobotsTxt),
        ("deny", None) => get(Deny),
        ("status", _) => segments(rest).map(|[codes]| (Status(codes), Methods::ANY)),
        ("delay", _) => segments(rest).map(|[secs]| (Delay(secs), Methods::ANY)),
        ("bytes", _) => get(Bytes(int(rest)?)),
        ("redirect", _) => get(Redirect(int(rest)?)),
        ("relative-redirect", _) => get(RelativeRedirect(int(rest)?)),
        ("absolute-redirect", _) => get(AbsoluteRedirect(int(rest)?)),
        ("redirect-to", None) => Some((RedirectTo, Methods::ANY)),
        ("basic-auth" | "hidden-basic-auth", _) => {
            let [user, passwd] = segments(rest)?;
            let hidden = head == "hidden-basic-auth";
            get(BasicAuth {
                user,
                passwd,
                hidden,
            })
        }
        ("bearer", None) => get(Bearer),
        ("digest-auth", _) => get(DigestAuth(digest_params(rest?)?)),
        ("cookies", None) => get(Cookies),
        ("cookies", Some("set")) => get(CookiesSet),
        ("cookies", Some("delete")) => get(CookiesDelete),
        ("cookies", Some(set)) => {
            let [name, value] = segments(set.strip_prefix("set/"))?;
            get(CookieSet { name, value })
        }
        ("gzip", None) => get(Gzip),
        ("deflate", None) => get(Deflate),
        ("brotli", None) => get(Brotli),
        ("response-headers", None) => Some((ResponseHeaders, Methods::GET_POST)),
        ("cache", None) => get(Cache),
        ("cache", _) => get(CacheFor(int(rest)?)),
        ("etag", _) => segments(rest).and_then(|[etag]| get(Etag(etag))),
        ("base64", _) => segments(rest).and_then(|[value]| get(Base64(value))),
        ("sse", _) => segments(rest).and_then(|[n, interval]| {
            get(Sse {
                n: n.parse().ok()?,
                interval_ms: interval.parse().ok()?,
            })
        }),
        ("v1", Some("chat/completions")) => Some((ChatCompletions, Methods::POST)),
        ("api", Some("generate")) => Some((Generate, Methods::POST)),
        ("ws", Some("echo")) => get(WsEcho),
        ("ws", Some(stream)) => {
            let [n, interval] = segments(stream.strip_prefix("stream/"))?;
            get(WsStream {
                n: n.parse().ok()?,
                interval_ms: interval.parse().ok()?,
            })
        }
        _ => None,
    }
}

/// Exactly `N` non-empty `/`-separated segments, like Flask's default converter.
fn segments<const N: usize>(rest: Option<&str>) -> Option<[&str; N]> {
    let mut parts = rest?.split('/');
    let out: [&str; N] = std::array::from_fn(|_| parts.next().unwrap_or(""));
    if parts.next().is_some() || out.iter().any(|s| s.is_empty()) {
        return None;
    }
    Some(out)
}

/// One segment of ASCII digits, like Flask's `<int:n>` converter; anything
/// else is a 404 rather than a 400, as in httpbin.
fn int(rest: Option<&str>) -> Option<u64> {
    let [digits] = segments(rest)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // All digits, so only overflow can fail: saturate, and let the handler's
    // own cap (e.g. `/bytes`) apply as httpbin's would to a huge number.
    Some(digits.parse().unwrap_or(u64::MAX))
}

fn digest_params(rest: &str) -> Option<DigestParams<'_>> {
    let (qop, user, passwd, algorithm, stale_after) = if let Some([q, u, p]) = segments(Some(rest))
    {
        (q, u, p, "MD5", "never")
    } else if let Some([q, u, p, a]) = segments(Some(rest)) {
        (q, u, p, a, "never")
    } else {
        let [q, u, p, a, s] = segments(Some(rest))?;
        (q, u, p, a, s)
    };
    Some(DigestParams {
        qop,
        user,
        passwd,
        algorithm,
        stale_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_parameters_and_methods() {
        assert_eq!(resolve("/get"), Some((Route::Get, Methods::GET)));
        assert_eq!(resolve("/anything/a/b").map(|r| r.1), Some(Methods::ANY));
        assert_eq!(resolve("/bytes/12"), Some((Route::Bytes(12), Methods::GET)));
        assert_eq!(resolve("/bytes/-1"), None);
        let huge = resolve("/bytes/99999999999999999999999");
        assert_eq!(huge, Some((Route::Bytes(u64::MAX), Methods::GET)));
        assert_eq!(resolve("/status/"), None);
        assert_eq!(resolve("/get/"), None);
        assert!(matches!(
            resolve("/cookies/set/a/b"),
            Some((
                Route::CookieSet {
                    name: "a",
                    value: "b"
                },
                _
            ))
        ));
        let Some((Route::DigestAuth(p), _)) = resolve("/digest-auth/auth/u/p/MD5") else {
            panic!("digest route not resolved");
        };
        assert_eq!((p.user, p.algorithm, p.stale_after), ("u", "MD5", "never"));
    }

    #[test]
    fn allow_header_lists_route_methods() {
        assert_eq!(Methods::GET.allow_header(), "GET, HEAD, OPTIONS");
        assert_eq!(Methods::POST.allow_header(), "POST, OPTIONS");
        assert!(Methods::GET.allows(&Method::HEAD));
        assert!(!Methods::ANY.allows(&Method::CONNECT));
    }
}
