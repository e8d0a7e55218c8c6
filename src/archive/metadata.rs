//! `metadata.json`: what k6 records about an archived test besides its files — the
//! consolidated options, the main script's URL, `__ENV`, the compatibility mode and who
//! wrote it — in k6's field order, as Go's encoder writes it: two-space indent, a final
//! newline, and `<`, `>`, `&` escaped only inside the options whose Go types marshal
//! themselves (k6's encoder does not escape, their own `json.Marshal` does).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The fields of k6's `metadata.json`, in k6's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// The test type: k6 runs only `js`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// k6's full options object (every key, unset ones `null`).
    #[serde(default)]
    pub options: serde_json::Value,
    /// The main script, as a `file:///` (or `https://`) URL.
    #[serde(default)]
    pub filename: String,
    /// The main script's directory, as a URL.
    #[serde(default)]
    pub pwd: String,
    /// `__ENV` at archiving time (`null` with `--exclude-env-vars`).
    #[serde(default)]
    pub env: Option<BTreeMap<String, String>>,
    #[serde(rename = "compatibilityMode", default)]
    pub compatibility_mode: String,
    /// The k6 version the archive is compatible with; k6 only reads it (an empty one marks
    /// an archive from before k6 normalised paths). rk6 writes the k6 version it follows.
    #[serde(default)]
    pub k6version: String,
    /// The operating system, with Go's name.
    #[serde(default)]
    pub goos: String,
}

impl Metadata {
    /// The document as it is stored in the archive.
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let value = serde_json::to_value(self)?;
        let mut out = String::new();
        write_value(&value, 0, false, &mut out)?;
        out.push('\n');
        Ok(out.into_bytes())
    }

    /// Reads a stored document; `type` must be `js`, as in k6.
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }

    /// Go's `GOOS` for this system (`darwin` where Rust says `macos`).
    pub fn goos() -> String {
        match std::env::consts::OS {
            "macos" => "darwin".into(),
            os => os.into(),
        }
    }

    /// The `__ENV` an archive's run sees: the archive's variables, overlaid by the run's
    /// (`-e` and, when included, the system's).
    pub fn env_overlaid(&self, run_env: BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut env = self.env.clone().unwrap_or_default();
        env.extend(run_env);
        env
    }
}

/// The options whose Go types (`null.String`, raw JSON) escape HTML in their own output.
const SELF_MARSHALLED: [&str; 6] = [
    "userAgent",
    "httpDebug",
    "summaryTimeUnit",
    "ext",
    "cloud",
    "dns",
];

/// Go's `MarshalIndent` layout of `v` at `depth`; `escape` says whether strings in it get
/// HTML escaping.
fn write_value(
    v: &serde_json::Value,
    depth: usize,
    escape: bool,
    out: &mut String,
) -> Result<(), serde_json::Error> {
    use serde_json::Value;
    let pad = |n: usize| "  ".repeat(n);
    match v {
        Value::String(s) if escape => out.push_str(
            &serde_json::to_string(s)?
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026"),
        ),
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&pad(depth + 1));
                write_value(item, depth + 1, escape, out)?;
            }
            out.push('\n');
            out.push_str(&pad(depth));
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&pad(depth + 1));
                out.push_str(&serde_json::to_string(k)?);
                out.push_str(": ");
                // Depth 1 is `options`' members: the self-marshalled ones escape.
                let escape = escape || (depth == 1 && SELF_MARSHALLED.contains(&k.as_str()));
                write_value(item, depth + 1, escape, out)?;
            }
            out.push('\n');
            out.push_str(&pad(depth));
            out.push('}');
        }
        other => out.push_str(&serde_json::to_string(other)?),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k6s_metadata_reads_and_writes_back_in_the_same_field_order() {
        let text = "{\n  \"type\": \"js\",\n  \"options\": {\n    \"vus\": 2\n  },\n  \"filename\": \"file:///tmp/s.js\",\n  \"pwd\": \"file:///tmp\",\n  \"env\": {},\n  \"compatibilityMode\": \"extended\",\n  \"k6version\": \"1.1.0\",\n  \"goos\": \"linux\"\n}\n";
        let m = Metadata::from_json(text.as_bytes()).unwrap();
        assert_eq!(m.env, Some(BTreeMap::new()));
        assert_eq!(String::from_utf8(m.to_json().unwrap()).unwrap(), text);
    }

    #[test]
    fn only_self_marshalled_options_escape_html() {
        let mut m = Metadata::from_json(b"{}").unwrap();
        m.options = serde_json::json!({"userAgent": "x<y", "tags": {"t": "a<b"}});
        m.env = Some([("V".to_string(), "<&>".to_string())].into());
        let text = String::from_utf8(m.to_json().unwrap()).unwrap();
        assert!(text.contains(r#""userAgent": "x\u003cy""#), "{text}");
        assert!(text.contains(r#""t": "a<b""#), "{text}");
        assert!(text.contains(r#""V": "<&>""#), "{text}");
    }
}
