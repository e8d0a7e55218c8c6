//! `res.json(selector)`: the common subset of GJSON path syntax k6 scripts use — dotted keys,
//! array indices (`items.0.id`), `#` for an array's length, `\.` to escape a dot, and the
//! `*`/`?` wildcards in keys.

use serde_json::Value;

/// Looks up `path` in `root`; `None` when the path does not exist.
pub fn select<'a>(root: &'a Value, path: &str) -> Option<std::borrow::Cow<'a, Value>> {
    let mut cur = root;
    let parts = split(path);
    for (i, part) in parts.iter().enumerate() {
        match cur {
            Value::Array(items) => {
                if part == "#" {
                    if i + 1 == parts.len() {
                        return Some(std::borrow::Cow::Owned(Value::from(items.len())));
                    }
                    let rest = parts[i + 1..].join(".");
                    let collected: Vec<Value> = items
                        .iter()
                        .filter_map(|it| select(it, &rest).map(|c| c.into_owned()))
                        .collect();
                    return Some(std::borrow::Cow::Owned(Value::Array(collected)));
                }
                cur = items.get(part.parse::<usize>().ok()?)?;
            }
            Value::Object(map) => {
                cur = if part.contains(['*', '?']) {
                    map.iter()
                        .find(|(k, _)| wildcard(part, k))
                        .map(|(_, v)| v)?
                } else {
                    map.get(part.as_str())?
                };
            }
            _ => return None,
        }
    }
    Some(std::borrow::Cow::Borrowed(cur))
}

fn split(path: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(p)) = (chars.next(), parts.last_mut()) {
                    p.push(n);
                }
            }
            '.' => parts.push(String::new()),
            c => {
                if let Some(p) = parts.last_mut() {
                    p.push(c);
                }
            }
        }
    }
    parts
}

fn wildcard(pattern: &str, s: &str) -> bool {
    fn go(p: &[char], s: &[char]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], s) || (!s.is_empty() && go(p, &s[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = s.chars().collect();
    go(&p, &s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_keys_indices_and_lengths() {
        let v = json!({"args": {"b": "two"}, "json": {"k": [1, 2]}, "headers": {"X-Probe": "yes"}, "a.b": 1});
        assert_eq!(select(&v, "args.b").unwrap().as_ref(), &json!("two"));
        assert_eq!(select(&v, "json.k.1").unwrap().as_ref(), &json!(2));
        assert_eq!(select(&v, "json.k.#").unwrap().as_ref(), &json!(2));
        assert_eq!(
            select(&v, "headers.X-Probe").unwrap().as_ref(),
            &json!("yes")
        );
        assert_eq!(select(&v, "a\\.b").unwrap().as_ref(), &json!(1));
        assert!(select(&v, "missing.x").is_none());
    }

    #[test]
    fn hash_maps_over_arrays() {
        let v = json!({"items": [{"id": 1}, {"id": 2}]});
        assert_eq!(select(&v, "items.#.id").unwrap().as_ref(), &json!([1, 2]));
    }
}
