//! What k6's options go through before it decodes them: Go's `json.MarshalIndent` of the
//! exported object (keys sorted, two-space indent, Go's number and string forms), with the
//! byte span of every value, so that decoding errors can quote the same offsets and the
//! same "while parsing" line k6's `beautifyOptionsJSONUnmarshalError` prints.

use serde_json::Value;

/// A value of the marshalled document and where it sits in the text.
#[derive(Debug)]
pub struct Node<'a> {
    pub value: &'a Value,
    pub start: usize,
    pub end: usize,
    /// Object members (sorted by key, as Go marshals a map) or array items.
    pub children: Vec<(Option<&'a str>, Node<'a>)>,
}

/// The document as Go's `json.MarshalIndent(v, "", "  ")` writes it, and its value tree.
pub fn marshal_indent(value: &Value) -> (String, Node<'_>) {
    let mut out = String::new();
    let node = write(value, &mut out, 0);
    (out, node)
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    out.push_str(&"  ".repeat(depth));
}

fn write<'a>(value: &'a Value, out: &mut String, depth: usize) -> Node<'a> {
    let start = out.len();
    let mut children = Vec::new();
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_number(n)),
        Value::String(s) => out.push_str(&go_string(s)),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                children.push((None, write(item, out, depth + 1)));
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                out.push_str(&go_string(key));
                out.push_str(": ");
                children.push((Some(key.as_str()), write(&map[key], out, depth + 1)));
            }
            newline(out, depth);
            out.push('}');
        }
    }
    Node {
        value,
        start,
        end: out.len(),
        children,
    }
}

/// Go's float64 encoding: shortest digits, `e` notation below 1e-6 and from 1e21 (`1e+21`).
pub fn go_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    } else {
        format!("{f}")
    }
}

/// Go's string encoding: HTML-safe (`<`, `>`, `&` escaped) and `\u2028`/`\u2029` escaped.
pub fn go_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `*json.UnmarshalTypeError`, as k6 beautifies it.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeError {
    /// `number`, `number 1.5`, `string`, `bool`, `array`, `object`.
    pub value: String,
    /// The Go type, as `reflect.Type.String()` names it.
    pub go_type: String,
    /// Struct field names from the outermost struct in (map keys and indices are not named).
    pub fields: Vec<String>,
    /// Go's offset: relative to the innermost custom decoder's input, as in k6.
    pub offset: usize,
}

impl TypeError {
    /// Go's error text.
    pub fn go_text(&self) -> String {
        match self.fields.split_first() {
            Some((structure, fields)) if !fields.is_empty() => format!(
                "json: cannot unmarshal {} into Go struct field {structure}.{} of type {}",
                self.value,
                fields.join("."),
                self.go_type
            ),
            _ => format!(
                "json: cannot unmarshal {} into Go value of type {}",
                self.value, self.go_type
            ),
        }
    }

    /// k6's message: the line of the document around the offset, then Go's text.
    pub fn beautified(&self, doc: &str) -> String {
        format!(
            "parsing options from script got error while parsing {}: {}",
            go_quote(&snippet(doc, self.offset)),
            self.go_text()
        )
    }
}

/// k6's `beautifyOptionsJSONUnmarshalError` line choice, including its use of an index
/// relative to the offset as if it were absolute.
pub fn snippet(doc: &str, offset: usize) -> String {
    let data = doc.as_bytes();
    let offset = offset.min(data.len());
    let prev = data[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap_or(0);
    let relative_next = data[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(-1, |i| i as i64);
    let last = data.len() as i64 - 1;
    let next = relative_next.min(last).max(offset as i64) as usize;
    if next <= prev {
        return String::new();
    }
    String::from_utf8_lossy(&data[prev..next])
        .trim()
        .to_string()
}

/// Go's `%q`: a double-quoted string with Go escapes.
pub use rk6_runtime::log::go_quote;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marshals_like_go() {
        let v = json!({"vus": 1.5, "a": [1, "<"], "e": {}});
        let (text, node) = marshal_indent(&v);
        assert_eq!(
            text,
            "{\n  \"a\": [\n    1,\n    \"\\u003c\"\n  ],\n  \"e\": {},\n  \"vus\": 1.5\n}"
        );
        assert_eq!(node.children[2].0, Some("vus"));
        assert_eq!(
            &text[node.children[2].1.start..node.children[2].1.end],
            "1.5"
        );
    }

    #[test]
    fn floats_switch_to_exponents_where_go_does() {
        let n = |f: f64| go_number(&serde_json::Number::from_f64(f).unwrap());
        assert_eq!(n(1e20), "100000000000000000000");
        assert_eq!(n(1e21), "1e+21");
        assert_eq!(n(1.5e-7), "1.5e-7");
        assert_eq!(n(0.5), "0.5");
    }

    #[test]
    fn snippet_matches_k6s_lines() {
        // Measured with k6 v1.1: `{vus: 1.5}` quotes `"vus":`, `{stages: 5}` its whole line.
        let doc = "{\n  \"vus\": 1.5\n}";
        assert_eq!(snippet(doc, 3), "\"vus\":");
        let doc = "{\n  \"stages\": 5\n}";
        assert_eq!(snippet(doc, 15), "\"stages\": 5");
        assert_eq!(snippet("5", 1), "5");
    }
}
