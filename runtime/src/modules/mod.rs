//! k6's built-in modules, one submodule per import path (`k6`, `k6/http`, `k6/metrics`),
//! plus the globals every VU has (`console`, `open`, `require`, `__ENV`, `__VU`).
//!
//! A built-in module is an exports object built per context: native functions, optionally
//! wrapped by a JS part from `js-modules/` (embedded in the binary) where argument handling
//! is simpler in JS.

pub mod console;
pub mod crypto;
pub mod data;
pub mod encoding;
pub mod env;
pub mod execution;
pub mod experimental;
pub mod globals;
pub mod grpc;
pub mod html;
pub mod http;
pub mod jslib_url;
pub mod json;
pub mod k6;
pub(crate) mod lazy_exports;
pub mod metrics;
pub mod secrets;
pub mod stream;
pub mod timers;
pub mod webcrypto;
pub mod ws;

use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue};

/// Import paths served by rk6 itself.
const BUILTINS: &[&str] = &[
    "k6",
    "k6/crypto",
    "k6/data",
    "k6/encoding",
    "k6/execution",
    "k6/html",
    "k6/http",
    "k6/metrics",
    "k6/net/grpc",
    "k6/secrets",
    "k6/timers",
    "k6/ws",
    "k6/experimental/csv",
    "k6/experimental/fs",
    "k6/experimental/streams",
    "k6/experimental/websockets",
    "k6/experimental/sse",
    "k6/x/sse",
    "k6/x/stream",
];

/// k6 modules that exist in k6 v1.1 but that rk6 does not provide yet.
const KNOWN_K6: &[&str] = &["k6/browser", "k6/crypto/x509", "k6/experimental/redis"];

/// k6 v1.1's error for importing the module WebCrypto graduated from.
const WEBCRYPTO_GRADUATED: &str = "k6/experimental/webcrypto has been graduated and it's now \
    globally available as defined by standard WebAPIs. You just need to remove the import.";

/// Whether `specifier` names a k6 module (served natively or rejected with a clear error).
pub fn is_builtin(specifier: &str) -> bool {
    specifier == "k6" || specifier.starts_with("k6/")
}

/// Builds the exports object of built-in module `specifier` in `context`.
pub fn exports(specifier: &str, context: &mut Context) -> JsResult<JsObject> {
    match specifier {
        "k6" => k6::exports(context),
        "k6/http" => http::exports(context),
        "k6/execution" => execution::exports(context),
        "k6/html" => html::exports(context),
        "k6/encoding" => encoding::exports(context),
        "k6/crypto" => crypto::exports(context),
        "k6/data" => data::exports(context),
        "k6/metrics" => metrics::exports(context),
        "k6/secrets" => secrets::exports(context),
        "k6/timers" => timers::exports(context),
        "k6/ws" => ws::exports(context),
        "k6/net/grpc" => grpc::exports(context),
        "k6/experimental/websockets" => ws::websockets::exports(context),
        "k6/experimental/sse" | "k6/x/sse" => stream::sse_exports(context),
        "k6/x/stream" => stream::stream_exports(context),
        "k6/experimental/fs" => experimental::fs::exports(context),
        "k6/experimental/csv" => experimental::csv::exports(context),
        "k6/experimental/streams" => experimental::streams::exports(context),
        jslib_url::SPECIFIER => jslib_url::exports(context),
        "k6/experimental/webcrypto" => Err(go_error(WEBCRYPTO_GRADUATED, context)),
        s if KNOWN_K6.contains(&s) => Err(JsNativeError::typ()
            .with_message(format!("module '{s}' is not supported by rk6 yet"))
            .into()),
        s => Err(JsNativeError::typ()
            .with_message(format!(
                "unknown module: {s} (built-in modules are {})",
                BUILTINS.join(", ")
            ))
            .into()),
    }
}

/// Which of an object's deferred own properties (at most 64, by index) exist already.
#[derive(Debug, Default)]
pub(crate) struct CreatedBits(std::cell::Cell<u64>);

impl CreatedBits {
    /// Whether property `i` exists already.
    pub fn has(&self, i: usize) -> bool {
        self.0.get() & (1u64 << i) != 0
    }

    /// Records that property `i` of `count` is being created: `None` if it existed already,
    /// else whether it is the last one.
    pub fn mark(&self, i: usize, count: usize) -> Option<bool> {
        let bit = 1u64 << i;
        let before = self.0.get();
        if before & bit != 0 {
            return None;
        }
        let now = before | bit;
        self.0.set(now);
        Some(now.count_ones() as usize == count)
    }
}

/// Defines the own property `name` of `obj` that a `LazyOwnProperties` impl creates on first
/// observation (writable and enumerable); when it was the last one left, `obj` goes back to
/// ordinary internal methods.
pub(crate) fn define_created(
    obj: &JsObject,
    name: boa_engine::JsString,
    value: JsValue,
    configurable: bool,
    last: bool,
    context: &mut Context,
) -> JsResult<()> {
    let desc = boa_engine::property::PropertyDescriptor::builder()
        .value(value)
        .writable(true)
        .enumerable(true)
        .configurable(configurable)
        .build();
    define_created_with(obj, name, desc, last, context)
}

/// [`define_created`] with the property's full descriptor.
pub(crate) fn define_created_with(
    obj: &JsObject,
    name: boa_engine::JsString,
    desc: boa_engine::property::PropertyDescriptor,
    last: bool,
    context: &mut Context,
) -> JsResult<()> {
    if last {
        obj.end_deferred_own_properties();
    }
    let key = boa_engine::property::PropertyKey::String(name);
    if !obj.define_deferred_own_property(&key, desc, context)? {
        return Err(JsNativeError::typ()
            .with_message(format!("cannot define property {key}"))
            .into());
    }
    Ok(())
}

/// Evaluates an embedded JS module part: a function expression called with `native`.
pub(crate) fn eval_js_part(
    name: &str,
    source: &'static str,
    native: JsObject,
    context: &mut Context,
) -> JsResult<JsObject> {
    let path = std::path::PathBuf::from(format!("rk6:{name}"));
    let text = crate::parse_cache::Text::Embedded(source);
    let bytes = || std::borrow::Cow::Borrowed(source.as_bytes());
    let f = crate::parse_cache::script(&path, text, bytes, context)?.evaluate(context)?;
    let Some(f) = f.as_callable() else {
        return Err(JsNativeError::typ()
            .with_message(format!("internal module {name} is not a function"))
            .into());
    };
    let out = f.call(&JsValue::undefined(), &[native.into()], context)?;
    out.as_object().ok_or_else(|| {
        JsNativeError::typ()
            .with_message(format!("internal module {name} returned no exports"))
            .into()
    })
}

/// Argument `i` converted with JS `String()` (`"undefined"` when missing).
pub(crate) fn arg_string(args: &[JsValue], i: usize, context: &mut Context) -> JsResult<String> {
    Ok(args
        .get(i)
        .cloned()
        .unwrap_or_default()
        .to_string(context)?
        .text())
}

/// An `Error` whose name is `GoError`, as k6 throws from Go code (`fail()`, `throw`).
pub(crate) fn go_error(message: &str, context: &mut Context) -> boa_engine::JsError {
    let err = JsNativeError::error()
        .with_message(message.to_string())
        .into_opaque(context);
    if let Err(e) = err.set(js_string!("name"), js_string!("GoError"), false, context) {
        return e;
    }
    boa_engine::JsError::from_opaque(err.into())
}

/// Reads `obj[key]` as a string if present.
pub(crate) fn get_string(
    obj: &JsObject,
    key: &str,
    context: &mut Context,
) -> JsResult<Option<String>> {
    let v = obj.get(boa_engine::JsString::from(key), context)?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    Ok(Some(v.to_string(context)?.text()))
}

/// A fresh plain object.
pub(crate) fn new_object(context: &mut Context) -> JsObject {
    JsObject::with_object_proto(context.intrinsics())
}

/// Converts a tag value the way k6 does: strings, numbers and booleans only.
pub(crate) fn tag_value(key: &str, v: &JsValue, context: &mut Context) -> JsResult<String> {
    if v.is_string() || v.is_number() || v.is_boolean() {
        return Ok(v.to_string(context)?.text());
    }
    Err(JsNativeError::typ()
        .with_message(format!(
            "invalid value for metric tag '{key}': only String, Boolean and Number types are accepted as a metric tag values"
        ))
        .into())
}

/// Merges a JS tags object into `tags`.
pub(crate) fn merge_tags(
    tags: &mut std::collections::BTreeMap<String, String>,
    obj: &JsValue,
    context: &mut Context,
) -> JsResult<()> {
    let Some(obj) = obj.as_object() else {
        return Ok(());
    };
    for key in obj.own_property_keys(context)? {
        if let boa_engine::property::PropertyKey::String(k) = &key {
            let v = obj.get(key.clone(), context)?;
            let k = k.text();
            let value = tag_value(&k, &v, context)?;
            tags.insert(k, value);
        }
    }
    Ok(())
}

thread_local! {
    /// JS strings for names fixed in rk6's code (module exports and constants, response
    /// fields, timing keys), made once per worker thread and shared by its VUs instead of
    /// allocated per VU or per response. Keyed by address: the set is bounded by the code.
    static NAMES: std::cell::RefCell<std::collections::HashMap<(usize, usize), boa_engine::JsString>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// [`key`] for a name fixed in rk6's code: one shared string per worker thread.
pub(crate) fn static_key(s: &'static str) -> boa_engine::JsString {
    NAMES.with(|names| {
        names
            .borrow_mut()
            .entry((s.as_ptr() as usize, s.len()))
            .or_insert_with(|| key(s))
            .clone()
    })
}

/// A JS string as Rust text, as `to_std_string_escaped` gives it (lone surrogates
/// escaped), but in one allocation: Boa's version formats code point by code point and
/// regrows the string as it goes, which showed in the profile of every request's URL.
pub(crate) trait StdText {
    fn text(&self) -> String;
    /// The text with each lone surrogate as U+FFFD, as Go's conversion of a JS string
    /// gives it.
    fn text_lossy(&self) -> String;
}

impl StdText for boa_engine::JsString {
    fn text(&self) -> String {
        std_string(self, boa_engine::JsString::to_std_string_escaped)
    }

    fn text_lossy(&self) -> String {
        std_string(self, boa_engine::JsString::to_std_string_lossy)
    }
}

/// `s` as Rust text; `unpaired` converts a string with lone surrogates.
fn std_string(s: &boa_engine::JsString, unpaired: fn(&boa_engine::JsString) -> String) -> String {
    if let boa_engine::string::JsStrVariant::Latin1(bytes) = s.as_str().variant() {
        // Latin-1 above 0x7f is not the same bytes in UTF-8; ASCII is.
        if bytes.is_ascii() {
            if let Ok(ascii) = std::str::from_utf8(bytes) {
                return ascii.to_owned();
            }
        }
    }
    s.to_std_string().unwrap_or_else(|_| unpaired(s))
}

/// `js_string!` for dynamic keys.
pub(crate) fn key(s: &str) -> boa_engine::JsString {
    if s.is_empty() {
        return js_string!();
    }
    boa_engine::JsString::from(s)
}
