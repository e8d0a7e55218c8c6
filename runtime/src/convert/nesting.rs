//! A guard before converting a JS value to JSON natively: how deep it nests.

use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue};

/// Throws a RangeError naming `what` when `value` nests deeper than
/// [`crate::source::TO_JSON_MAX_DEPTH`], before `JsValue::to_json` (which recurses natively,
/// and whose serde_json value is serialised and dropped recursively on other threads).
/// Iterative, and gives up (leaving the rest to the conversion) after 100k values.
pub fn check_nesting(value: &JsValue, what: &str, ctx: &mut Context) -> JsResult<()> {
    let limit = crate::source::TO_JSON_MAX_DEPTH;
    let mut stack: Vec<(JsObject, usize)> = Vec::new();
    if let Some(o) = value.as_object() {
        stack.push((o, 1));
    }
    let mut visited = 0usize;
    while let Some((obj, depth)) = stack.pop() {
        visited += 1;
        if visited > 100_000 {
            break;
        }
        if depth > limit {
            return Err(JsNativeError::range()
                .with_message(format!("{what}: value nests deeper than {limit} levels"))
                .into());
        }
        if obj.is_callable() {
            continue;
        }
        // JSON.stringify serialises what `toJSON` returns, not the object's own properties
        // (which may even be cyclic, as a URL and its searchParams are).
        if obj.get(js_string!("toJSON"), ctx)?.is_callable() {
            continue;
        }
        for key in obj.own_property_keys(ctx)? {
            if let Some(child) = obj.get(key, ctx)?.as_object() {
                stack.push((child, depth + 1));
            }
        }
    }
    Ok(())
}
