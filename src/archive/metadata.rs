//! `metadata.json`: what k6 records about an archived test besides its files — the
//! consolidated options, the main script's URL, `__ENV`, the compatibility mode and who
//! wrote it — in k6's field order, as Go's encoder writes it (two-space indent, no HTML
//! escaping, a final newline).

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
        let mut out = serde_json::to_vec_pretty(self)?;
        out.push(b'\n');
        Ok(out)
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
}
