//! The parameters of `connect()` and of calls (`invoke`, `asyncInvoke`, `Stream`), read
//! from JS with k6's checks and error texts: unknown keys are refused, booleans must be
//! booleans, sizes integers, timeouts Go durations or milliseconds, metadata strings
//! (ArrayBuffers for `-bin` keys).

use std::collections::BTreeMap;
use std::time::Duration;

use boa_engine::property::PropertyKey;
use boa_engine::{Context, JsObject, JsResult, JsValue};

use super::tls::TlsParams;
use crate::modules::StdText;

/// A parameter k6 would refuse, with its text.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ParamError(pub String);

/// `connect()`'s parameters.
#[derive(Debug, Clone)]
pub struct ConnectParams {
    pub plaintext: bool,
    pub reflect: bool,
    pub reflect_metadata: Vec<(String, Vec<u8>)>,
    pub timeout: Duration,
    pub max_receive: usize,
    pub max_send: usize,
    pub tls: Option<TlsParams>,
}

impl Default for ConnectParams {
    fn default() -> Self {
        ConnectParams {
            plaintext: false,
            reflect: false,
            reflect_metadata: Vec::new(),
            timeout: Duration::from_secs(60),
            max_receive: 0,
            max_send: 0,
            tls: None,
        }
    }
}

/// A call's parameters.
#[derive(Debug, Clone, Default)]
pub struct CallParams {
    pub metadata: Vec<(String, Vec<u8>)>,
    pub tags: BTreeMap<String, String>,
    /// Zero when not given.
    pub timeout: Duration,
    pub discard_response: bool,
}

/// The own string keys of `obj` with their values, in order.
fn entries(obj: &JsObject, ctx: &mut Context) -> JsResult<Vec<(String, JsValue)>> {
    let mut out = Vec::new();
    for key in obj.own_property_keys(ctx)? {
        if let PropertyKey::String(name) = &key {
            let v = obj.get(key.clone(), ctx)?;
            out.push((name.text(), v));
        }
    }
    Ok(out)
}

/// Go's `%#v` of an exported JS value, as k6's messages print it.
fn go_repr(v: &JsValue, ctx: &mut Context) -> String {
    if v.is_null_or_undefined() {
        return "<nil>".into();
    }
    if let Some(s) = v.as_string() {
        return format!("{:?}", s.text());
    }
    if let Some(n) = v.as_number() {
        return if n.fract() == 0.0 && n.abs() < 9e15 {
            format!("{}", n as i64)
        } else {
            format!("{n}")
        };
    }
    v.to_string(ctx).map(|s| s.text()).unwrap_or_default()
}

/// An integer, as sobek exports one (a float with a fraction is not).
fn as_integer(v: &JsValue) -> Option<i64> {
    let n = v.as_number()?;
    (n.fract() == 0.0 && n.is_finite()).then_some(n as i64)
}

/// k6's `types.GetDurationValue`: a number is milliseconds, a string a Go duration.
pub fn duration_value(v: &JsValue, ctx: &mut Context) -> Result<Duration, String> {
    if let Some(n) = v.as_number() {
        return Ok(Duration::from_secs_f64((n.max(0.0) / 1000.0).min(1e10)));
    }
    if let Some(s) = v.as_string() {
        return go_duration(&s.text());
    }
    Err(format!(
        "unable to use type {} as a duration value",
        go_type(v, ctx)
    ))
}

/// Go's name for the type an exported JS value has.
fn go_type(v: &JsValue, _: &mut Context) -> &'static str {
    if v.is_boolean() {
        "bool"
    } else if v.is_null_or_undefined() {
        "<nil>"
    } else {
        "map[string]interface {}"
    }
}

/// Go's `time.ParseDuration` (no days, no bare numbers but `0`); negative is zero.
fn go_duration(s: &str) -> Result<Duration, String> {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if unsigned.contains('d') {
        return Err(format!("time: unknown unit \"d\" in duration \"{s}\""));
    }
    if unsigned != "0" && unsigned.parse::<f64>().is_ok() {
        return Err(format!("time: missing unit in duration \"{s}\""));
    }
    match crate::duration::parse(unsigned) {
        Ok(_) if s.starts_with('-') => Ok(Duration::ZERO),
        Ok(d) => Ok(d),
        Err(e) if e.starts_with("time: ") => Err(e),
        Err(_) => Err(format!("time: invalid duration \"{s}\"")),
    }
}

/// Request metadata from an object of strings (`-bin` keys: Uint8Arrays), as bytes.
pub fn metadata(v: &JsValue, ctx: &mut Context) -> Result<Vec<(String, Vec<u8>)>, String> {
    if v.is_null_or_undefined() {
        return Ok(Vec::new());
    }
    let Some(obj) = v.as_object().filter(|o| !o.is_callable() && !o.is_array()) else {
        return Err("must be an object with key-value pairs".into());
    };
    let mut out = Vec::new();
    for (key, value) in entries(&obj, ctx).map_err(|e| e.to_string())? {
        let text = if key.ends_with("-bin") {
            // What sobek exports as []byte: a Uint8Array (not an ArrayBuffer).
            let bytes = value
                .as_object()
                .and_then(|o| boa_engine::object::builtins::JsUint8Array::from_object(o).ok())
                .map(|a| uint8_bytes(&a, ctx))
                .transpose()
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("{key:?} value must be binary"))?;
            bytes
        } else {
            value
                .as_string()
                .map(|s| s.text().into_bytes())
                .ok_or_else(|| format!("{key:?} value must be a string"))?
        };
        out.push((key, text));
    }
    Ok(out)
}

/// The bytes a Uint8Array views.
fn uint8_bytes(
    a: &boa_engine::object::builtins::JsUint8Array,
    ctx: &mut Context,
) -> JsResult<Vec<u8>> {
    let n = a.length(ctx)?;
    (0..n)
        .map(|i| Ok(a.at(i as i64, ctx)?.to_u32(ctx)? as u8))
        .collect()
}

/// Reads an options object into `P`, starting from its defaults (`undefined`/`null`: the
/// defaults), one own property at a time through `set`; the first refusal is the error.
fn read_params<P: Default>(
    v: Option<&JsValue>,
    ctx: &mut Context,
    mut set: impl FnMut(&mut P, &str, &JsValue, &mut Context) -> Result<(), String>,
) -> JsResult<Result<P, ParamError>> {
    let mut p = P::default();
    let Some(obj) = v
        .filter(|v| !v.is_null_or_undefined())
        .map(|v| v.to_object(ctx))
        .transpose()?
    else {
        return Ok(Ok(p));
    };
    for (key, value) in entries(&obj, ctx)? {
        if let Err(e) = set(&mut p, &key, &value, ctx) {
            return Ok(Err(ParamError(e)));
        }
    }
    Ok(Ok(p))
}

/// Reads a call's parameters.
pub fn call_params(
    v: Option<&JsValue>,
    ctx: &mut Context,
) -> JsResult<Result<CallParams, ParamError>> {
    read_params(v, ctx, |p: &mut CallParams, key, value, ctx| match key {
        "metadata" => metadata(value, ctx)
            .map(|m| p.metadata = m)
            .map_err(|e| format!("invalid metadata param: {e}")),
        "tags" => crate::modules::merge_tags(&mut p.tags, value, ctx)
            .map_err(|e| format!("metric tags: {e}")),
        "timeout" => duration_value(value, ctx)
            .map(|d| p.timeout = d)
            .map_err(|e| format!("invalid timeout value: {e}")),
        "discardResponseMessage" => {
            p.discard_response = value.to_boolean();
            Ok(())
        }
        other => Err(format!("unknown param: {other:?}")),
    })
}

/// Reads `connect()`'s parameters.
pub fn connect_params(
    v: Option<&JsValue>,
    ctx: &mut Context,
) -> JsResult<Result<ConnectParams, ParamError>> {
    read_params(v, ctx, connect_param)
}

fn connect_param(
    p: &mut ConnectParams,
    key: &str,
    value: &JsValue,
    ctx: &mut Context,
) -> Result<(), String> {
    let boolean = |name: &str, ctx: &mut Context| {
        value.as_boolean().ok_or_else(|| {
            format!(
                "invalid {name} value: '{}', it needs to be boolean",
                go_repr(value, ctx)
            )
        })
    };
    let size = |name: &str, ctx: &mut Context| -> Result<usize, String> {
        let n = as_integer(value).ok_or_else(|| {
            format!(
                "invalid {name} value: '{}', it needs to be an integer",
                go_repr(value, ctx)
            )
        })?;
        usize::try_from(n).map_err(|_| {
            format!(
                "invalid {name} value: '{}, it needs to be a positive integer",
                go_repr(value, ctx)
            )
        })
    };
    match key {
        "plaintext" => p.plaintext = boolean("plaintext", ctx)?,
        "reflect" => p.reflect = boolean("reflect", ctx)?,
        "timeout" => {
            p.timeout =
                duration_value(value, ctx).map_err(|e| format!("invalid timeout value: {e}"))?
        }
        "reflectMetadata" => {
            p.reflect_metadata =
                metadata(value, ctx).map_err(|e| format!("invalid reflectMetadata param: {e}"))?
        }
        "maxReceiveSize" => p.max_receive = size("maxReceiveSize", ctx)?,
        "maxSendSize" => p.max_send = size("maxSendSize", ctx)?,
        "tls" => p.tls = Some(tls_param(value, ctx)?),
        other => return Err(format!("unknown connect param: {other:?}")),
    }
    Ok(())
}

/// The `tls` parameter: `cert`, `key`, `password` strings and `cacerts`, a string or an
/// array of strings.
fn tls_param(value: &JsValue, ctx: &mut Context) -> Result<TlsParams, String> {
    let shown = go_repr(value, ctx);
    let Some(obj) = value.as_object().filter(|o| !o.is_array()) else {
        return Err(format!(
            "invalid tls value: '{shown}', expected (optional) keys: cert, key, password, and cacerts"
        ));
    };
    let mut t = TlsParams::default();
    for (key, v) in entries(&obj, ctx).map_err(|e| e.to_string())? {
        let text = v.as_string().map(|s| s.text());
        match key.as_str() {
            "cert" => {
                t.cert = Some(text.ok_or_else(|| {
                    format!(
                        "invalid tls cert value: '{shown}', it needs to be a PEM formatted string"
                    )
                })?)
            }
            "key" => {
                t.key = Some(text.ok_or_else(|| {
                    format!(
                        "invalid tls key value: '{shown}', it needs to be a PEM formatted string"
                    )
                })?)
            }
            "password" => {
                t.password = Some(text.ok_or_else(|| {
                    format!("invalid tls password value: '{shown}', it needs to be a string")
                })?)
            }
            "cacerts" => t.cacerts = cacerts(&v, &shown, ctx)?,
            _ => {}
        }
    }
    Ok(t)
}

fn cacerts(v: &JsValue, shown: &str, ctx: &mut Context) -> Result<Vec<String>, String> {
    let refused = || {
        format!("invalid tls cacerts value: '{shown}', it needs to be a string or an array of PEM formatted strings")
    };
    if let Some(s) = v.as_string() {
        return Ok(vec![s.text()]);
    }
    let list = v.as_object().filter(|o| o.is_array()).ok_or_else(refused)?;
    let n = list
        .get(boa_engine::js_string!("length"), ctx)
        .and_then(|l| l.to_u32(ctx))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for i in 0..n {
        let item = list.get(i, ctx).map_err(|e| e.to_string())?;
        out.push(item.as_string().map(|s| s.text()).ok_or_else(refused)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_follow_go_not_k6_extensions() {
        assert_eq!(go_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(
            go_duration("abc"),
            Err("time: invalid duration \"abc\"".into())
        );
        assert_eq!(
            go_duration("100"),
            Err("time: missing unit in duration \"100\"".into())
        );
        assert_eq!(go_duration("-1s"), Ok(Duration::ZERO));
    }
}
