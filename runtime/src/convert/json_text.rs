//! JSON text to JS values without native recursion: `JSON.parse`,
//! `res.json()`, `SharedArray` and `setup()` data all come through here.
//!
//! k6 (goja) parses values nested 100,000 and 1,000,000 deep (it overflows Go's 1 GB stack
//! near 3,000,000). A recursive parser on a VU's 16 MiB coroutine stack cannot go near
//! that, and serde_json stops at 128 levels to protect the stack. jiter is a pull parser:
//! the caller asks for the next token, so the nesting lives in a `Vec` here and depth is
//! bounded by the heap alone.

use boa_engine::object::builtins::JsArray;
use boa_engine::{Context, JsError, JsNativeError, JsObject, JsString, JsValue};
use jiter::{Jiter, JiterError, Peek};

/// Why JSON text could not become a JS value.
#[derive(Debug, thiserror::Error)]
pub enum JsonTextError {
    /// The text is not JSON; `line` and `column` are 1-based, as serde_json reports them.
    #[error("{kind} at line {line} column {column}")]
    Syntax {
        kind: String,
        line: usize,
        column: usize,
    },
    /// Nested deeper than the depth limit of the builder or of [`parse_within`].
    #[error("nested too deeply")]
    TooDeep,
    /// Building the value failed in the engine.
    #[error("{0}")]
    Engine(JsError),
}

impl JsonTextError {
    /// Where the text went wrong, for callers that word their own message.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            JsonTextError::Syntax { line, column, .. } => Some((*line, *column)),
            JsonTextError::Engine(_) | JsonTextError::TooDeep => None,
        }
    }
}

impl From<JsonTextError> for JsError {
    /// A `SyntaxError`, as `JSON.parse` throws.
    fn from(e: JsonTextError) -> Self {
        match e {
            JsonTextError::Engine(e) => e,
            e @ (JsonTextError::Syntax { .. } | JsonTextError::TooDeep) => {
                JsNativeError::syntax().with_message(e.to_string()).into()
            }
        }
    }
}

/// What the parse loop makes values with: JS values at once ([`parse`]) or a host-side
/// tree that `json_lazy` turns into JS objects as a script reaches them.
pub(super) trait Builder {
    type Value;
    type Object;
    /// An object key, kept while its value is parsed.
    type Key: Clone;
    /// A container nested deeper than this (the outermost is at depth 1) ends the parse
    /// with [`Step::TooDeep`].
    const MAX_DEPTH: usize;
    fn scalar(&mut self, s: Scalar<'_>) -> Self::Value;
    /// An array of `items` (drained from the parse loop's stack of values).
    fn array(&mut self, items: std::vec::Drain<'_, Self::Value>) -> Result<Self::Value, Step>;
    fn object(&mut self) -> Self::Object;
    fn key(&mut self, key: &str) -> Self::Key;
    /// Adds a member as `CreateDataProperty` would: a repeated key keeps its first position
    /// and takes the last value, and `__proto__` is an ordinary key.
    fn member(&mut self, o: &mut Self::Object, key: Self::Key, v: Self::Value) -> Result<(), Step>;
    fn close(&mut self, o: Self::Object) -> Self::Value;
}

/// A JSON scalar as read from the text.
pub(super) enum Scalar<'t> {
    Null,
    Bool(bool),
    Number(f64),
    Str(&'t str),
}

impl Scalar<'_> {
    pub(super) fn to_js(&self) -> JsValue {
        match self {
            Scalar::Null => JsValue::null(),
            Scalar::Bool(b) => JsValue::new(*b),
            Scalar::Number(n) => number(*n),
            Scalar::Str(s) => JsString::from(*s).into(),
        }
    }
}

/// JS values built as the text is read, nested at most `MAX` deep.
struct Eager<'c, const MAX: usize>(&'c mut Context);

impl<const MAX: usize> Builder for Eager<'_, MAX> {
    type Value = JsValue;
    type Object = JsObject;
    type Key = JsString;
    const MAX_DEPTH: usize = MAX;

    fn scalar(&mut self, s: Scalar<'_>) -> JsValue {
        s.to_js()
    }

    fn array(&mut self, items: std::vec::Drain<'_, JsValue>) -> Result<JsValue, Step> {
        Ok(JsArray::from_iter(items, self.0).into())
    }

    fn object(&mut self) -> JsObject {
        JsObject::with_object_proto(self.0.intrinsics())
    }

    fn key(&mut self, key: &str) -> JsString {
        JsString::from(key)
    }

    fn member(&mut self, o: &mut JsObject, key: JsString, v: JsValue) -> Result<(), Step> {
        o.create_data_property_or_throw(key, v, self.0)
            .map(drop)
            .map_err(Step::Engine)
    }

    fn close(&mut self, o: JsObject) -> JsValue {
        o.into()
    }
}

/// A container still open while its members are parsed.
enum Open<O, K> {
    /// An array whose items so far are the loop's values from this index on.
    Array(usize),
    /// The object and the key whose value is being parsed.
    Object(O, K),
}

/// Parses `text` as one JSON value, as `JSON.parse` without a reviver does.
pub fn parse(text: &str, ctx: &mut Context) -> Result<JsValue, JsonTextError> {
    run(text, &mut Eager::<{ usize::MAX }>(ctx))
}

/// [`parse`], failing with [`JsonTextError::TooDeep`] when containers nest deeper than
/// `MAX` (arrays and objects together).
pub fn parse_within<const MAX: usize>(
    text: &str,
    ctx: &mut Context,
) -> Result<JsValue, JsonTextError> {
    run(text, &mut Eager::<MAX>(ctx))
}

/// Parses `text` with `builder`, giving a syntax error its position.
pub(super) fn run<B: Builder>(text: &str, builder: &mut B) -> Result<B::Value, JsonTextError> {
    let mut jiter = Jiter::new(text.as_bytes());
    build(&mut jiter, builder).map_err(|e| match e {
        Step::Json(e) => {
            let pos = e.get_position(&jiter);
            JsonTextError::Syntax {
                kind: e.error_type.to_string(),
                line: pos.line,
                column: pos.column,
            }
        }
        Step::OutOfRange(index) => {
            let pos = jiter.error_position(index);
            JsonTextError::Syntax {
                kind: "number out of range".into(),
                line: pos.line,
                column: pos.column,
            }
        }
        Step::TooDeep => JsonTextError::TooDeep,
        Step::Engine(e) => JsonTextError::Engine(e),
    })
}

/// A failure inside [`build`], before it is given a position.
pub(super) enum Step {
    Json(JiterError),
    /// A number too large for a double (goja refuses `1e400` too); its end index.
    OutOfRange(usize),
    /// Nested deeper than the builder's [`Builder::MAX_DEPTH`].
    TooDeep,
    Engine(JsError),
}

impl From<JiterError> for Step {
    fn from(e: JiterError) -> Self {
        Step::Json(e)
    }
}

/// The parse loop: opens containers onto `open`, and closes them as their ends are read.
fn build<B: Builder>(jiter: &mut Jiter<'_>, b: &mut B) -> Result<B::Value, Step> {
    let mut open: Vec<Open<B::Object, B::Key>> = Vec::new();
    // The items of every open array, innermost last: one buffer for the whole parse.
    let mut items: Vec<B::Value> = Vec::new();
    let mut peek = jiter.peek()?;
    loop {
        if matches!(peek, Peek::Array | Peek::Object) && open.len() >= B::MAX_DEPTH {
            return Err(Step::TooDeep);
        }
        let mut value = match peek {
            Peek::Array => match jiter.known_array()? {
                Some(first) => {
                    open.push(Open::Array(items.len()));
                    peek = first;
                    continue;
                }
                None => b.array(items.drain(items.len()..))?,
            },
            Peek::Object => {
                let obj = b.object();
                match jiter.known_object()? {
                    Some(key) => {
                        let key = b.key(key);
                        open.push(Open::Object(obj, key));
                        peek = jiter.peek()?;
                        continue;
                    }
                    None => b.close(obj),
                }
            }
            other => {
                let s = scalar(jiter, other)?;
                b.scalar(s)
            }
        };
        // Hand the value to its container; each container that ends with it becomes the
        // value handed to the next one out.
        loop {
            match open.last_mut() {
                None => {
                    jiter.finish()?;
                    return Ok(value);
                }
                Some(Open::Array(base)) => {
                    let base = *base;
                    items.push(value);
                    if let Some(next) = jiter.array_step()? {
                        peek = next;
                        break;
                    }
                    open.pop();
                    value = b.array(items.drain(base..))?;
                }
                Some(Open::Object(obj, key)) => {
                    b.member(obj, key.clone(), value)?;
                    if let Some(next) = jiter.next_key()? {
                        *key = b.key(next);
                        peek = jiter.peek()?;
                        break;
                    }
                    let Some(Open::Object(obj, _)) = open.pop() else {
                        unreachable!("the innermost container is this object");
                    };
                    value = b.close(obj);
                }
            }
        }
    }
}

/// A string, number, boolean or null.
fn scalar<'a>(jiter: &'a mut Jiter<'_>, peek: Peek) -> Result<Scalar<'a>, Step> {
    Ok(match peek {
        Peek::Null => {
            jiter.known_null()?;
            Scalar::Null
        }
        Peek::True | Peek::False => Scalar::Bool(jiter.known_bool(peek)?),
        Peek::String => Scalar::Str(jiter.known_str()?),
        _ => {
            let n = jiter.known_float(peek)?;
            if n.is_infinite() {
                return Err(Step::OutOfRange(jiter.current_index()));
            }
            Scalar::Number(n)
        }
    })
}

/// Small integers as Boa's integer representation, which its arithmetic and property
/// keys take a faster path for.
pub(super) fn number(n: f64) -> JsValue {
    let i = n as i32;
    if f64::from(i) == n && !(i == 0 && n.is_sign_negative()) {
        JsValue::new(i)
    } else {
        JsValue::new(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        let mut ctx = Context::default();
        match parse(text, &mut ctx) {
            Ok(v) => {
                let s = v
                    .to_json(&mut ctx)
                    .map(|j| j.map(|j| j.to_string()).unwrap_or_default());
                s.unwrap_or_else(|e| format!("to_json: {e}"))
            }
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn values_come_out_as_json_parse_builds_them() {
        assert_eq!(
            show(r#" {"a":[1,-0.5,"x\u00e9",true,null,{}],"b":{"c":[]},"a2":1e3} "#),
            r#"{"a":[1,-0.5,"xé",true,null,{}],"b":{"c":[]},"a2":1000}"#
        );
        assert_eq!(show(r#"{"a":1,"b":2,"a":3}"#), r#"{"a":3,"b":2}"#);
        assert_eq!(show("\"\\ud83d\\ude00\""), "\"😀\"");
    }

    #[test]
    fn negative_zero_and_big_numbers_keep_their_value() {
        let mut ctx = Context::default();
        let z = parse("-0", &mut ctx).map(|v| v.as_number());
        assert!(matches!(z, Ok(Some(n)) if n == 0.0 && n.is_sign_negative()));
        let big = parse("123456789012345678901234567890", &mut ctx).map(|v| v.as_number());
        assert!(matches!(big, Ok(Some(n)) if n == 1.2345678901234568e29));
    }

    #[test]
    fn malformed_text_is_a_syntax_error_with_its_position() {
        assert_eq!(
            show("[1,2"),
            "error: EOF while parsing a list at line 1 column 4"
        );
        assert_eq!(
            show("{\n\"a\" 1}"),
            "error: expected `:` at line 2 column 5"
        );
        assert_eq!(show("1 x"), "error: trailing characters at line 1 column 3");
        assert_eq!(
            show("1e400"),
            "error: number out of range at line 1 column 5"
        );
        assert!(show("NaN").starts_with("error: "));
        assert!(show("").starts_with("error: EOF while parsing a value"));
    }

    #[test]
    fn nesting_is_bounded_by_the_heap_not_the_stack() {
        let n = 1_000_000;
        let text = format!("{}{}", "[".repeat(n), "]".repeat(n));
        let mut ctx = Context::default();
        let mut v = parse(&text, &mut ctx).ok();
        let mut depth = 0;
        while let Some(arr) = v.as_ref().and_then(JsValue::as_object) {
            depth += 1;
            v = arr.get(0, &mut ctx).ok().filter(|x| !x.is_undefined());
        }
        assert_eq!(depth, n);
    }
}
