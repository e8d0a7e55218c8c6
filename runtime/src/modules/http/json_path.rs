//! `res.json(selector)`: k6 selects with GJSON path syntax (keys, indices, `#`, `#.key`,
//! `#(query)`, wildcards, `@modifiers`, multipaths, `\.` escapes); this runs the same
//! syntax through the `gjson` crate (the GJSON author's Rust port).

use serde_json::Value;

/// Looks up `path` in the JSON `text`; `None` when the path does not exist.
pub fn select(text: &str, path: &str) -> Option<Value> {
    let found = gjson::get(text, path);
    if !found.exists() {
        return None;
    }
    serde_json::from_str(found.json()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOC: &str = r#"{"args": {"b": "two"}, "json": {"k": [1, 2]}, "headers": {"X-Probe": "yes"}, "a.b": 1,
        "items": [{"id": 1, "tag": "x"}, {"id": 2, "tag": "y"}, {"id": 3, "tag": "y"}]}"#;

    #[test]
    fn selects_keys_indices_and_lengths() {
        assert_eq!(select(DOC, "args.b"), Some(json!("two")));
        assert_eq!(select(DOC, "json.k.1"), Some(json!(2)));
        assert_eq!(select(DOC, "json.k.#"), Some(json!(2)));
        assert_eq!(select(DOC, "headers.X-Probe"), Some(json!("yes")));
        assert_eq!(select(DOC, "a\\.b"), Some(json!(1)));
        assert_eq!(select(DOC, "arg?.b"), Some(json!("two")));
        assert_eq!(select(DOC, "missing.x"), None);
    }

    #[test]
    fn queries_modifiers_and_multipaths_work_like_gjson() {
        assert_eq!(select(DOC, "items.#.id"), Some(json!([1, 2, 3])));
        assert_eq!(select(DOC, "items.#(tag==\"y\").id"), Some(json!(2)));
        assert_eq!(select(DOC, "items.#(tag==\"y\")#.id"), Some(json!([2, 3])));
        assert_eq!(select(DOC, "json.k|@reverse"), Some(json!([2, 1])));
        assert_eq!(select(DOC, "[args.b,json.k.0]"), Some(json!(["two", 1])));
    }
}
