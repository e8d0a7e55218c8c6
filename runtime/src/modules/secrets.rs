//! `k6/secrets`: `secrets.get(name)` and `secrets.source(name).get(key)`, each a Promise
//! of the value, from the sources given with `--secret-source` (`file=PATH` or
//! `file=NAME,PATH` or `file=name=N,filename=PATH`: `key=value` lines;
//! `mock=name=N,k1=v1,...`); `secrets.get` reads the source named `default`. Every value is redacted from log output as k6 does
//! (`***SECRET_REDACTED***`).

use std::collections::BTreeMap;
use std::sync::Arc;

use boa_engine::object::builtins::JsPromise;
use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsObject, JsResult, JsValue, NativeFunction};

use crate::log::Logger;
use crate::vu::state::vu_config;

/// The configured sources: name -> (key -> value), and which one `secrets.get` reads.
#[derive(Debug, Clone, Default)]
pub struct SecretSources {
    pub sources: BTreeMap<String, BTreeMap<String, String>>,
    pub default: Option<String>,
}

/// Why a `--secret-source` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("invalid secret source '{0}': expected file=PATH, file=name=N,filename=PATH or mock=k=v,...")]
    Syntax(String),
    #[error("secret source file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

impl SecretSources {
    /// Parses the `--secret-source` values; every value is registered for redaction.
    pub fn parse(specs: &[String]) -> Result<Arc<SecretSources>, SecretError> {
        let mut out = SecretSources::default();
        for spec in specs {
            let (kind, rest) = spec
                .split_once('=')
                .ok_or_else(|| SecretError::Syntax(spec.clone()))?;
            let mut name = kind.to_string();
            let mut values = BTreeMap::new();
            match kind {
                "file" => {
                    let mut path = rest.to_string();
                    if rest.contains(',')
                        || rest.starts_with("name=")
                        || rest.starts_with("filename=")
                    {
                        for (i, kv) in rest.split(',').enumerate() {
                            match kv.split_once('=') {
                                Some(("name", v)) => name = v.to_string(),
                                Some(("filename", v)) => path = v.to_string(),
                                // `file=NAME,PATH`
                                None if i == 0 => name = kv.to_string(),
                                None if i == 1 => path = kv.to_string(),
                                _ => return Err(SecretError::Syntax(spec.clone())),
                            }
                        }
                    }
                    let text =
                        std::fs::read_to_string(&path).map_err(|source| SecretError::File {
                            path: path.clone(),
                            source,
                        })?;
                    for line in text
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    {
                        if let Some((k, v)) = line.split_once('=') {
                            values.insert(k.trim().to_string(), v.to_string());
                        }
                    }
                }
                "mock" => {
                    for kv in rest.split(',').filter(|s| !s.is_empty()) {
                        match kv.split_once('=') {
                            Some(("name", v)) => name = v.to_string(),
                            Some((k, v)) => {
                                values.insert(k.to_string(), v.to_string());
                            }
                            None => return Err(SecretError::Syntax(spec.clone())),
                        }
                    }
                }
                _ => return Err(SecretError::Syntax(spec.clone())),
            }
            for v in values.values() {
                Logger::add_secret(v);
            }
            out.sources.insert(name, values);
        }
        // As in k6, `secrets.get` reads the source named `default`.
        out.default = Some("default".to_string());
        Ok(Arc::new(out))
    }
}

pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    let source = NativeFunction::from_fn_ptr(source);
    Ok(ObjectInitializer::new(ctx)
        .function(
            NativeFunction::from_fn_ptr(get_default),
            js_string!("get"),
            1,
        )
        .function(source, js_string!("source"), 1)
        .build())
}

/// The value, or k6's rejection text (k6 rejects with a plain string, not an Error).
fn lookup(source: Option<&str>, name: &str, ctx: &mut Context) -> JsResult<Result<String, String>> {
    let secrets = vu_config(ctx)?.secrets.clone();
    let source = source
        .map(str::to_string)
        .or_else(|| secrets.default.clone())
        .unwrap_or_else(|| "default".to_string());
    let Some(values) = secrets.sources.get(&source) else {
        return Ok(Err(format!(
            "no secret source with name \"{source}\" is configured"
        )));
    };
    Ok(values
        .get(name)
        .cloned()
        .ok_or_else(|| "no value".to_string()))
}

fn promise_of(result: Result<String, String>, ctx: &mut Context) -> JsResult<JsValue> {
    let p = match result {
        Ok(v) => JsPromise::resolve(super::key(&v), ctx)?,
        Err(msg) => JsPromise::reject(
            boa_engine::JsError::from_opaque(super::key(&msg).into()),
            ctx,
        )?,
    };
    Ok(p.into())
}

fn get_default(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let name = super::arg_string(args, 0, ctx)?;
    let r = lookup(None, &name, ctx)?;
    promise_of(r, ctx)
}

fn source(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let name = super::arg_string(args, 0, ctx)?;
    let get = NativeFunction::from_copy_closure_with_captures(
        |_, args, source: &boa_engine::JsString, ctx| {
            let key = super::arg_string(args, 0, ctx)?;
            let r = lookup(Some(&source.to_std_string_escaped()), &key, ctx)?;
            promise_of(r, ctx)
        },
        super::key(&name),
    );
    Ok(ObjectInitializer::new(ctx)
        .function(get, js_string!("get"), 1)
        .build()
        .into())
}
