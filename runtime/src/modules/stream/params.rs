//! What `sse.open` and `stream.open` read from their `params`: xk6-sse's `method`, `body`,
//! `headers`, `tags`, `timeout` and `jar`, and rk6's `timings` and (for `k6/x/stream`)
//! `split`.

use std::collections::BTreeMap;
use std::time::Duration;

use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue};

use super::Kind;
use crate::modules::http::instance::VuHttp;
use crate::net::chunks::Split;
use crate::net::client::Jar;
use crate::vu::instances::with_instance;

/// What `params` asks for.
pub struct Params {
    pub method: http::Method,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    pub tags: BTreeMap<String, String>,
    pub timeout: Option<Duration>,
    pub timings: bool,
    /// `params.jar`, else the VU's jar.
    pub jar: Jar,
    pub split: Split,
}

pub fn read(kind: Kind, params: Option<&JsObject>, ctx: &mut Context) -> JsResult<Params> {
    let vu_jar = with_instance(ctx, |http: &mut VuHttp, _| http.vu_jar.clone())?;
    let mut p = Params {
        method: http::Method::GET,
        body: Vec::new(),
        headers: Vec::new(),
        tags: BTreeMap::new(),
        timeout: None,
        timings: false,
        jar: vu_jar.clone(),
        split: Split::Line,
    };
    let Some(obj) = params else { return Ok(p) };
    (p.headers, p.tags) = crate::modules::ws::read_headers_and_tags(obj, ctx)?;
    let invalid = |what: &str, detail: String| {
        JsNativeError::typ()
            .with_message(format!("invalid {}.open() {what}: {detail}", kind.name()))
    };
    if let Some(m) = text(obj, "method", ctx)?.filter(|m| !m.is_empty()) {
        p.method = http::Method::from_bytes(m.as_bytes()).map_err(|_| invalid("method", m))?;
    }
    if let Some(b) = text(obj, "body", ctx)? {
        p.body = b.into_bytes();
    }
    if let Some(t) = text(obj, "timeout", ctx)? {
        p.timeout = Some(crate::duration::parse(&t).map_err(|e| invalid("timeout", e))?);
    }
    p.timings = obj.get(js_string!("timings"), ctx)?.to_boolean();
    let jar = obj.get(js_string!("jar"), ctx)?;
    if !jar.is_null_or_undefined() {
        p.jar = crate::modules::http::jar::resolve(&jar, &vu_jar)
            .ok_or_else(|| invalid("jar", "not a cookie jar (http.cookieJar())".into()))?;
    }
    if kind == Kind::Stream {
        p.split = match text(obj, "split", ctx)?.as_deref() {
            None | Some("line") => Split::Line,
            Some("none") => Split::None,
            Some(other) => {
                return Err(invalid("split", format!("{other:?} (use 'line' or 'none')")).into())
            }
        };
    }
    Ok(p)
}

/// A field as trimmed text; `None` when unset.
fn text(obj: &JsObject, field: &'static str, ctx: &mut Context) -> JsResult<Option<String>> {
    let v: JsValue = obj.get(crate::modules::static_key(field), ctx)?;
    Ok((!v.is_null_or_undefined())
        .then(|| v.to_string(ctx))
        .transpose()?
        .map(|s| s.to_std_string_escaped().trim().to_string()))
}
