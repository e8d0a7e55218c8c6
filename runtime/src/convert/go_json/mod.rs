//! JSON text read as k6 reads it with Go: what `JSON.parse` and `res.json()` accept,
//! what they make of a lone surrogate escape, and the exact text of their errors.
//!
//! The parse itself is [`json_lazy`]'s, unchanged and as fast: Go's rules are only
//! consulted once jiter has refused a text. Then a text with lone surrogate escapes (Go
//! reads `\ud800` as U+FFFD, jiter refuses it) is repaired and parsed again, and any other
//! failure is worded by a copy of Go's own state machines over the text: the
//! `json.Decoder` token reader behind `JSON.parse` ([`token`]) or the `json.Unmarshal`
//! check behind `res.json()` ([`unmarshal`]), both built on Go's scanner ([`scanner`]).
//! Lone surrogate code units in a JS string are the caller's to replace, as Go's
//! conversion of a JS string does.

mod scanner;
mod strings;
mod token;
mod unmarshal;

pub use unmarshal::{valid, MAX_NESTING_DEPTH};

use std::borrow::Cow;

use boa_engine::{Context, JsError, JsValue};

use super::json_lazy;
use super::json_text::JsonTextError;

/// Which of k6's two JSON readers to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// `JSON.parse`: any depth; errors are sobek's `SyntaxError` texts.
    JsonParse,
    /// `res.json()` without a selector: nested at most [`MAX_NESTING_DEPTH`] deep;
    /// errors are k6 v1.1's texts with their line and character.
    ResJson,
}

/// Why a text did not become a JS value.
#[derive(Debug, thiserror::Error)]
pub enum GoJsonError {
    /// k6 refuses the text with this message.
    #[error("{0}")]
    Refused(String),
    /// Building the value failed in the engine.
    #[error("{0}")]
    Engine(JsError),
}

/// What is parsed, which also decides what k6's error messages read and what the parsed
/// document may keep instead of a copy.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// A JS string's text (`JSON.parse`): errors read the text itself.
    Text(&'a str),
    /// A response body (`res.json()`): its text is its lossy UTF-8. Errors read the bytes,
    /// as Go does, and a document parsed from valid UTF-8 shares them instead of a copy.
    Body(&'a bytes::Bytes),
}

/// Parses `input` as k6's `reader` does.
pub fn parse(input: Input<'_>, reader: Reader, ctx: &mut Context) -> Result<JsValue, GoJsonError> {
    let (text, raw, shared) = match input {
        Input::Text(text) => (Cow::Borrowed(text), text.as_bytes(), None),
        // Valid UTF-8 (the common case) is checked by the fast validator, not the lossy walk.
        Input::Body(body) => match std::str::from_utf8(body) {
            Ok(text) => (Cow::Borrowed(text), &body[..], Some(body)),
            Err(_) => (String::from_utf8_lossy(body), &body[..], None),
        },
    };
    let text = &*text;
    let refused = match attempt(text, reader, shared, ctx) {
        Err(JsonTextError::Engine(e)) => return Err(GoJsonError::Engine(e)),
        Err(e) => e,
        Ok(v) => return Ok(v),
    };
    if let Some(repaired) = strings::replace_lone_surrogates(text) {
        match attempt(&repaired, reader, None, ctx) {
            Ok(v) => return Ok(v),
            Err(JsonTextError::Engine(e)) => return Err(GoJsonError::Engine(e)),
            Err(_) => {}
        }
    }
    let message = match reader {
        Reader::JsonParse => token::json_parse_message(raw),
        Reader::ResJson => unmarshal::res_json_message(raw),
    };
    // Go taking a text jiter refuses would be a gap in this module; say what jiter said.
    Err(GoJsonError::Refused(
        message.unwrap_or_else(|| refused.to_string()),
    ))
}

/// `shared`: the bytes `text` may be (a response body), which the document then keeps
/// instead of a copy.
fn attempt(
    text: &str,
    reader: Reader,
    shared: Option<&bytes::Bytes>,
    ctx: &mut Context,
) -> Result<JsValue, JsonTextError> {
    match reader {
        Reader::JsonParse => json_lazy::parse(text, ctx),
        Reader::ResJson => json_lazy::parse_shared_within::<MAX_NESTING_DEPTH>(text, shared, ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use boa_engine::property::Attribute;
    use boa_engine::{js_string, Source};

    /// The parsed value through `JSON.stringify` (which, unlike `JsValue::to_json`, sees
    /// the members of objects not reached yet), or the error.
    fn show(text: &str, reader: Reader) -> String {
        let mut ctx = Context::default();
        let value = match parse(Input::Text(text), reader, &mut ctx) {
            Ok(v) => v,
            Err(e) => return format!("error: {e}"),
        };
        let shown = ctx
            .register_global_property(js_string!("v"), value, Attribute::all())
            .and_then(|()| ctx.eval(Source::from_bytes("JSON.stringify(v)")))
            .and_then(|s| s.to_string(&mut ctx));
        match shown {
            Ok(s) => s.to_std_string_escaped(),
            Err(e) => format!("stringify: {e}"),
        }
    }

    #[test]
    fn lone_surrogate_escapes_read_as_replacement_characters() {
        for reader in [Reader::JsonParse, Reader::ResJson] {
            assert_eq!(show(r#""\ud800""#, reader), "\"\u{fffd}\"");
            assert_eq!(
                show(r#"{"\ud800":1,"\udfff":2}"#, reader),
                "{\"\u{fffd}\":2}"
            );
            assert_eq!(show(r#""\ud800\ud83d\ude00""#, reader), "\"\u{fffd}😀\"");
        }
    }

    #[test]
    fn errors_are_worded_per_reader() {
        assert_eq!(
            show("[1,]", Reader::JsonParse),
            "error: invalid character ']' looking for beginning of value"
        );
        assert_eq!(
            show("[1,]", Reader::ResJson),
            "error: cannot parse json due to an error at line 1, character 4 , error: invalid character ']' looking for beginning of value"
        );
        assert_eq!(
            show("[\"\\ud800\", 1e400]", Reader::JsonParse),
            "error: json: cannot unmarshal number 1e400 into Go value of type float64"
        );
    }

    /// How deep `[[...]]` nests once parsed, or the error.
    fn depth(text: &str, reader: Reader) -> Result<usize, String> {
        let mut ctx = Context::default();
        let mut v = parse(Input::Text(text), reader, &mut ctx).map_err(|e| e.to_string())?;
        let mut depth = 0;
        while let Some(arr) = v.as_object() {
            depth += 1;
            v = arr.get(0, &mut ctx).map_err(|e| e.to_string())?;
        }
        Ok(depth)
    }

    #[test]
    fn res_json_stops_at_go_s_depth_limit() {
        let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(depth(&nest(10_000), Reader::ResJson), Ok(10_000));
        assert_eq!(
            depth(&nest(10_001), Reader::ResJson),
            Err("cannot parse json due to an error at line 1, character 10002 , error: invalid character '[' exceeded max depth".into())
        );
        assert_eq!(depth(&nest(10_001), Reader::JsonParse), Ok(10_001));
    }
}
