//! The secret sources of a run, from `--secret-source` by k6's rules: `TYPE=CONFIG` where
//! TYPE is `file` (`PATH` or `filename=PATH`: `key=value` lines) or `mock`
//! (`k1=v1,k2=v2`), and CONFIG may also hold `name=N` and the bare word `default`. A single
//! source is the default one; otherwise the one marked `default`. `k6/secrets` reads them.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::log::Logger;

/// One source's values, key -> value.
type Values = BTreeMap<String, String>;

/// The configured sources by name, and which one `secrets.get` reads.
#[derive(Debug, Clone, Default)]
pub struct SecretSources {
    pub sources: BTreeMap<String, Arc<Values>>,
    pub default: Option<Arc<Values>>,
}

/// Why a `--secret-source` could not be used (k6's texts; k6 exits 255 for each).
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("couldn't parse secret source configuration {0:?}")]
    Syntax(String),
    #[error("no secret source for type {kind:?} for configuration {spec:?}")]
    UnknownType { kind: String, spec: String },
    #[error("unknown configuration key for file secret source {0:?}")]
    FileKey(String),
    #[error("parsing {0:?}, needs =")]
    NeedsEquals(String),
    #[error("open {path}: {reason}")]
    File { path: String, reason: String },
    #[error("secret source for name {kind:?} already registered before configuration {spec:?}")]
    Duplicate { kind: String, spec: String },
    #[error("can't have two secret sources that are default ones, second one was {0:?}")]
    TwoDefaults(String),
}

/// Splits `name=N` and `default` out of a source's configuration, as k6 does.
fn name_and_default(config: &str) -> (String, bool, String) {
    let (mut name, mut is_default, mut rest) = (String::new(), false, Vec::new());
    for kv in config.split(',') {
        match kv.split_once('=') {
            _ if kv == "default" => is_default = true,
            Some(("name", v)) => name = v.to_string(),
            _ => rest.push(kv),
        }
    }
    (name, is_default, rest.join(","))
}

/// A file source: the last bare word or `filename=` is the path; lines are `key=value`.
fn file_source(config: &str) -> Result<Values, SecretError> {
    let mut path = String::new();
    for kv in config.split(',') {
        match kv.split_once('=') {
            None => path = kv.to_string(),
            Some(("filename", v)) => path = v.to_string(),
            Some((k, _)) => return Err(SecretError::FileKey(k.to_string())),
        }
    }
    let text = std::fs::read_to_string(&path).map_err(|e| SecretError::File {
        reason: crate::log::go_io_reason(&e),
        path,
    })?;
    pairs(text.lines())
}

/// A mock source: `k=v` pairs.
fn mock_source(config: &str) -> Result<Values, SecretError> {
    pairs(config.split(','))
}

/// `key=value` items, each needing its `=` (k6's wording when one lacks it).
fn pairs<'a>(items: impl Iterator<Item = &'a str>) -> Result<Values, SecretError> {
    items
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| SecretError::NeedsEquals(kv.to_string()))
        })
        .collect()
}

impl SecretSources {
    /// Parses the `--secret-source` values; every value is registered for redaction.
    pub fn parse(specs: &[String]) -> Result<Arc<SecretSources>, SecretError> {
        let mut out = SecretSources::default();
        for spec in specs {
            let (kind, config) = spec
                .split_once('=')
                .ok_or_else(|| SecretError::Syntax(spec.clone()))?;
            let (name, is_default, config) = name_and_default(config);
            let values = match kind {
                "file" => file_source(&config)?,
                "mock" => mock_source(&config)?,
                _ => {
                    return Err(SecretError::UnknownType {
                        kind: kind.to_string(),
                        spec: spec.clone(),
                    })
                }
            };
            for v in values.values() {
                Logger::add_secret(v);
            }
            let values = Arc::new(values);
            if out.sources.insert(name, values.clone()).is_some() {
                return Err(SecretError::Duplicate {
                    kind: kind.to_string(),
                    spec: spec.clone(),
                });
            }
            if is_default {
                if out.default.is_some() {
                    return Err(SecretError::TwoDefaults(config));
                }
                out.default = Some(values);
            }
        }
        if out.sources.len() == 1 {
            out.default = out.sources.values().next().cloned();
        }
        if out.default.is_none() {
            out.default = out.sources.get("default").cloned();
        }
        Ok(Arc::new(out))
    }
}
