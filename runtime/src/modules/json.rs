//! The `JSON.parse` of every VU context, as k6's (sobek's) behaves: the text is read as
//! Go reads a JS string (a lone surrogate code unit becomes U+FFFD), parsed natively with
//! Go's rules and error texts (`convert::go_json`), and a reviver is called as sobek calls
//! it: with the holder as `this` and two arguments, key and value (no source-text context),
//! in the spec's walk order. Boa's own `JSON.parse` re-parses JSON with the full JS parser,
//! slow and hungry for native stack, so it is never called. `JSON.stringify` is Boa's.

use boa_engine::builtins::object::OrdinaryObject;
use boa_engine::builtins::proxy::Proxy;
use boa_engine::object::FunctionObjectBuilder;
use boa_engine::property::PropertyDescriptor;
use boa_engine::{
    js_string, Context, JsNativeError, JsObject, JsResult, JsString, JsValue, NativeFunction,
};

use crate::convert::go_json::{self, GoJsonError, Input, Reader};
use crate::modules::StdText;

/// Replaces `JSON.parse` of `context`.
pub fn install(context: &mut Context) -> JsResult<()> {
    let json = context
        .global_object()
        .get(js_string!("JSON"), context)?
        .as_object()
        .ok_or_else(|| JsNativeError::typ().with_message("JSON is not an object"))?;
    let parse = FunctionObjectBuilder::new(context.realm(), NativeFunction::from_fn_ptr(parse))
        .name(js_string!("parse"))
        .length(2)
        .build();
    json.define_property_or_throw(
        js_string!("parse"),
        PropertyDescriptor::builder()
            .value(parse)
            .writable(true)
            .configurable(true)
            .enumerable(false),
        context,
    )?;
    Ok(())
}

/// `JSON.parse(text[, reviver])`. As in sobek, the text is parsed before the reviver is
/// looked at, a reviver that is not callable is ignored, and a `null` one is a TypeError
/// (sobek converts it to an object).
fn parse(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let text = args.first().cloned().unwrap_or_default().to_string(ctx)?;
    let text = text.text_lossy();
    let value =
        go_json::parse(Input::Text(&text), Reader::JsonParse, ctx).map_err(|e| match e {
            GoJsonError::Refused(msg) => JsNativeError::syntax().with_message(msg).into(),
            GoJsonError::Engine(e) => e,
        })?;
    match args.get(1) {
        Some(r) if r.is_null() => Err(JsNativeError::typ()
            .with_message("Cannot convert undefined or null to object")
            .into()),
        Some(r) => match r.as_callable() {
            Some(reviver) => revive(value, &reviver, ctx),
            None => Ok(value),
        },
        None => Ok(value),
    }
}

/// Parses JSON text (known to be JSON: `SharedArray` elements) natively, at any depth, its
/// objects built as the script reaches them; errors are JS `SyntaxError`s.
pub fn parse_json_text(text: &str, ctx: &mut Context) -> JsResult<JsValue> {
    Ok(crate::convert::json_lazy::parse(text, ctx)?)
}

/// A value the reviver walk has reached: its members are walked, then it is revived.
struct Visit {
    /// The object whose member it is (a fresh `{"": root}` for the root).
    holder: JsObject,
    name: JsString,
    /// `holder[name]` when the walk reached it.
    value: JsValue,
    members: Members,
}

/// The members of a value the walk still has to visit, fixed when it is reached: an
/// array's indexes below its length then, an object's enumerable own string keys then
/// (a key deleted since is still visited, a key added since is not).
enum Members {
    None,
    Indexes { next: u64, len: u64 },
    Keys(std::vec::IntoIter<JsString>),
}

impl Members {
    fn of(value: &JsValue, ctx: &mut Context) -> JsResult<Self> {
        let Some(obj) = value.as_object() else {
            return Ok(Members::None);
        };
        if obj.is_array() {
            let len = obj.get(js_string!("length"), ctx)?.to_length(ctx)?;
            return Ok(Members::Indexes { next: 0, len });
        }
        let keys = OrdinaryObject::keys(&JsValue::undefined(), std::slice::from_ref(value), ctx)?;
        let keys = keys.as_object().map_or(Ok(Vec::new()), |list| {
            let len = list.get(js_string!("length"), ctx)?.to_length(ctx)?;
            (0..len)
                .map(|i| list.get(i, ctx).and_then(|k| k.to_string(ctx)))
                .collect::<JsResult<Vec<_>>>()
        })?;
        Ok(Members::Keys(keys.into_iter()))
    }

    fn next(&mut self) -> Option<JsString> {
        match self {
            Members::None => None,
            Members::Indexes { next, len } => {
                let index = (*next < *len).then_some(*next)?;
                *next += 1;
                Some(JsString::from(index.to_string().as_str()))
            }
            Members::Keys(keys) => keys.next(),
        }
    }
}

impl Visit {
    fn new(holder: JsObject, name: JsString, ctx: &mut Context) -> JsResult<Self> {
        let value = holder.get(name.clone(), ctx)?;
        let members = Members::of(&value, ctx)?;
        Ok(Visit {
            holder,
            name,
            value,
            members,
        })
    }
}

/// The reviver walk (sobek's `reviveWalk`), depth first and without native recursion, so
/// that a value nested as deep as `JSON.parse` reads it can be revived.
fn revive(root: JsValue, reviver: &JsObject, ctx: &mut Context) -> JsResult<JsValue> {
    let holder = JsObject::with_object_proto(ctx.intrinsics());
    holder.create_data_property_or_throw(js_string!(), root, ctx)?;
    let mut stack = vec![Visit::new(holder, js_string!(), ctx)?];
    while let Some(top) = stack.last_mut() {
        if let Some(name) = top.members.next() {
            // Members are only listed for objects.
            if let Some(obj) = top.value.as_object() {
                let child = Visit::new(obj, name, ctx)?;
                stack.push(child);
            }
            continue;
        }
        let Some(done) = stack.pop() else { break };
        let this = JsValue::from(done.holder.clone());
        let revived = reviver.call(&this, &[done.name.clone().into(), done.value], ctx)?;
        if stack.is_empty() {
            return Ok(revived);
        }
        if revived.is_undefined() {
            delete(&done.holder, done.name, ctx)?;
        } else {
            done.holder.create_data_property(done.name, revived, ctx)?;
        }
    }
    Ok(JsValue::undefined())
}

/// `holder[name]` deleted without throwing when it cannot be (a frozen holder keeps it),
/// as sobek and the spec's `[[Delete]]` do. A Proxy's trap may throw, and that is kept.
fn delete(holder: &JsObject, name: JsString, ctx: &mut Context) -> JsResult<()> {
    match holder.delete_property_or_throw(name, ctx) {
        Err(e) if holder.is::<Proxy>() => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use boa_engine::Source;

    fn eval(script: &str) -> String {
        let mut ctx = Context::default();
        if let Err(e) = install(&mut ctx) {
            return format!("install threw {e}");
        }
        match ctx.eval(Source::from_bytes(script)) {
            Ok(v) => v.to_string(&mut ctx).map(|s| s.to_std_string_escaped()),
            Err(e) => Ok(format!("threw {e}")),
        }
        .unwrap_or_else(|e| format!("to_string threw {e}"))
    }

    #[test]
    fn errors_are_syntax_errors_with_go_s_texts() {
        assert_eq!(
            eval("try { JSON.parse('{,}') } catch (e) { e.name + ': ' + e.message }"),
            "SyntaxError: invalid character ','"
        );
        assert_eq!(
            eval("try { JSON.parse('x', null) } catch (e) { e.name }"),
            "SyntaxError"
        );
    }

    #[test]
    fn lone_surrogate_code_units_read_as_replacement_characters() {
        assert_eq!(
            eval(r#"JSON.parse('{"\ud800":"a\udc00b"}')['\ufffd'] === 'a\ufffdb'"#),
            "true"
        );
    }

    #[test]
    fn the_reviver_gets_the_holder_and_two_arguments_depth_first() {
        let script = r#"
            const calls = [];
            JSON.parse('{"b":1,"2":[10,{"x":null}],"a":{"c":"s"}}', function (k, v) {
                calls.push(`${k}:${arguments.length}:${this[k] === v}`);
                return v;
            });
            calls.join(' ')"#;
        assert_eq!(
            eval(script),
            "0:2:true x:2:true 1:2:true 2:2:true b:2:true c:2:true a:2:true :2:true"
        );
    }

    #[test]
    fn undefined_deletes_and_the_key_list_is_a_snapshot() {
        let deleted = "JSON.stringify(JSON.parse('[1,{\"a\":2,\"b\":3}]', \
                       (k, v) => (k === '0' || k === 'a' ? undefined : v)))";
        assert_eq!(eval(deleted), r#"[null,{"b":3}]"#);
        let edited = r#"
            const seen = [];
            const out = JSON.parse('{"p":1,"q":2,"r":3}', function (k, v) {
                if (k === 'p') { delete this.q; this.s = 4; }
                seen.push(k);
                return v;
            });
            JSON.stringify(out) + ' ' + seen.join()"#;
        assert_eq!(eval(edited), r#"{"p":1,"r":3,"s":4} p,q,r,"#);
        let frozen = "JSON.stringify(JSON.parse('{\"a\":{\"b\":1,\"c\":2}}', function (k, v) \
                      { if (k === 'b') Object.freeze(this); return k === 'c' ? undefined : v; }))";
        assert_eq!(eval(frozen), r#"{"a":{"b":1,"c":2}}"#);
    }

    #[test]
    fn revivers_that_are_not_functions_are_ignored_but_null_throws() {
        assert_eq!(
            eval("JSON.parse('[1]', 5)[0] + JSON.parse('[2]', {})[0]"),
            "3"
        );
        assert_eq!(
            eval("try { JSON.parse('1', null) } catch (e) { e.name + ': ' + e.message }"),
            "TypeError: Cannot convert undefined or null to object"
        );
    }

    #[test]
    fn deep_values_are_revived_without_native_recursion() {
        let script = "let n = 0; JSON.parse('['.repeat(100000) + ']'.repeat(100000), \
                      (k, v) => { n++; return v; }); n";
        assert_eq!(eval(script), "100000");
    }
}
