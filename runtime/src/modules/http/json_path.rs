//! `res.json(selector)`: k6 selects with GJSON path syntax (keys, indices, `#`, `#.key`,
//! `#(query)`, wildcards, `@modifiers`, multipaths, `\.` escapes); this runs the same
//! syntax through the `gjson` crate (the GJSON author's Rust port). The crate lacks two
//! modifiers of the Go version k6 v1.1 uses (gjson 1.18), `@keys` and `@values`: a path
//! using them is cut there, the part before selected by the crate, the modifier applied
//! here, and the rest selected from its result.

use gjson::Kind;

/// The JSON text of what `path` selects in the JSON `text`; `None` when nothing.
pub fn select(text: &str, path: &str) -> Option<String> {
    let Some(cut) = Cut::find(path) else {
        let found = gjson::get(text, path);
        return found.exists().then(|| found.json().to_string());
    };
    let base = if cut.before.is_empty() {
        text.to_string()
    } else {
        gjson::get(text, cut.before).json().to_string()
    };
    let modified = cut.modifier.apply(&base);
    match cut.after {
        "" => Some(modified),
        after => select(&modified, after),
    }
}

/// A modifier that only this module knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modifier {
    Keys,
    Values,
}

impl Modifier {
    /// The modifier a path component names (`@keys`, or with an argument, `@keys:…`).
    fn named(component: &str) -> Option<Self> {
        let name = component.split(':').next().unwrap_or(component);
        match name {
            "@keys" => Some(Modifier::Keys),
            "@values" => Some(Modifier::Values),
            _ => None,
        }
    }

    /// gjson's `modKeys` / `modValues`: an object's keys or values as an array; an array's
    /// keys are nulls and its values itself; a scalar counts as one value without a key.
    fn apply(self, json: &str) -> String {
        let value = gjson::parse(json);
        if !value.exists() {
            return "[]".into();
        }
        if self == Modifier::Values && value.kind() == Kind::Array {
            return json.to_string();
        }
        let object = value.kind() == Kind::Object;
        let mut items = Vec::new();
        value.each(|key, member| {
            items.push(match self {
                Modifier::Keys if object => key.json().to_string(),
                Modifier::Keys => "null".into(),
                Modifier::Values => member.json().to_string(),
            });
            true
        });
        format!("[{}]", items.join(","))
    }
}

/// A path cut at the first component that is one of [`Modifier`]'s.
#[derive(Debug, PartialEq, Eq)]
struct Cut<'p> {
    /// The path before it, without the separator.
    before: &'p str,
    modifier: Modifier,
    /// The path after it, without the separator.
    after: &'p str,
}

impl<'p> Cut<'p> {
    fn find(path: &'p str) -> Option<Self> {
        let parts = components(path);
        let at = parts
            .iter()
            .position(|&(s, e)| Modifier::named(&path[s..e]).is_some())?;
        let (start, end) = parts[at];
        let modifier = Modifier::named(&path[start..end])?;
        let before = &path[..start.saturating_sub(1)];
        // After `#`, a `.` applies what follows to each element: leave that to gjson.
        if path.as_bytes().get(start.wrapping_sub(1)) == Some(&b'.') && before.contains('#') {
            return None;
        }
        let after = path.get(end + 1..).unwrap_or("");
        Some(Cut {
            before,
            modifier,
            after,
        })
    }
}

/// The `(start, end)` of each component of `path`: the parts between `.` and `|` that
/// are not escaped (`\.`) nor inside a query, multipath or modifier argument.
fn components(path: &str) -> Vec<(usize, usize)> {
    let bytes = path.as_bytes();
    let mut parts = Vec::new();
    let (mut start, mut depth, mut quoted) = (0, 0usize, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'"' if depth > 0 => quoted = !quoted,
            _ if quoted => {}
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'.' | b'|' if depth == 0 => {
                parts.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push((start, bytes.len()));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"args": {"b": "two"}, "json": {"k": [1, 2]}, "headers": {"X-Probe": "yes"}, "a.b": 1,
        "items": [{"id": 1, "tag": "x"}, {"id": 2, "tag": "y"}, {"id": 3, "tag": "y"}]}"#;

    fn sel(path: &str) -> Option<String> {
        select(DOC, path).map(|s| s.replace(' ', ""))
    }

    fn some(json: &str) -> Option<String> {
        Some(json.to_string())
    }

    #[test]
    fn selects_keys_indices_and_lengths() {
        assert_eq!(sel("args.b"), some("\"two\""));
        assert_eq!(sel("json.k.1"), some("2"));
        assert_eq!(sel("json.k.#"), some("2"));
        assert_eq!(sel("headers.X-Probe"), some("\"yes\""));
        assert_eq!(sel("a\\.b"), some("1"));
        assert_eq!(sel("arg?.b"), some("\"two\""));
        assert_eq!(sel("missing.x"), None);
    }

    #[test]
    fn queries_modifiers_and_multipaths_work_like_gjson() {
        assert_eq!(sel("items.#.id"), some("[1,2,3]"));
        assert_eq!(sel("items.#(tag==\"y\").id"), some("2"));
        assert_eq!(sel("items.#(tag==\"y\")#.id"), some("[2,3]"));
        assert_eq!(sel("json.k|@reverse"), some("[2,1]"));
        assert_eq!(sel("[args.b,json.k.0]"), some("[\"two\",1]"));
    }

    #[test]
    fn keys_and_values_modifiers_work_like_go_gjson() {
        assert_eq!(sel("args|@keys"), some("[\"b\"]"));
        assert_eq!(sel("args.@keys"), some("[\"b\"]"));
        assert_eq!(sel("json|@values"), some("[[1,2]]"));
        assert_eq!(sel("json|@values|@reverse"), some("[[1,2]]"));
        assert_eq!(sel("json.k|@keys"), some("[null,null]"));
        assert_eq!(sel("json.k|@values"), some("[1,2]"));
        assert_eq!(sel("a\\.b|@values"), some("[1]"));
        assert_eq!(sel("items.0|@keys.1"), some("\"tag\""));
        assert_eq!(sel("missing|@keys"), some("[]"));
        assert_eq!(select("{\"a\":1}", "@keys"), some("[\"a\"]"));
    }

    #[test]
    fn paths_split_into_components_outside_escapes_and_queries() {
        let parts = |p: &str| -> Vec<String> {
            components(p)
                .iter()
                .map(|&(s, e)| p[s..e].to_string())
                .collect()
        };
        assert_eq!(parts("a.b|c"), ["a", "b", "c"]);
        assert_eq!(parts("a\\.b.c"), ["a\\.b", "c"]);
        assert_eq!(parts("x.#(k==\"a.b|c\").y"), ["x", "#(k==\"a.b|c\")", "y"]);
        assert_eq!(parts("[a.b,c]|@keys"), ["[a.b,c]", "@keys"]);
    }
}
