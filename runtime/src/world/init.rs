//! Building a VU: a fresh Boa context from the VU core, k6's globals, the entry script
//! loaded and its init code run. Runs on the worker thread's own (large) stack, never inside a coroutine,
//! because parsing is hungry for native stack.

use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use boa_engine::builtins::promise::PromiseState;
use boa_engine::{js_string, Context, JsObject, JsValue};

use crate::config::TestConfig;
use crate::error::{InitError, ScriptError};
use crate::loader::{K6Loader, LoaderData};
use crate::modules::globals;
use crate::vu::build::{Blank, InitializedVu, VuInfo};

/// Creates the context of VU `id` and runs the script's init code in it.
pub(crate) fn init_vu(config: Arc<TestConfig>, id: u64) -> Result<InitializedVu, InitError> {
    let loader = Rc::new(K6Loader::new(
        config.sources.clone(),
        config.script_dir().to_path_buf(),
    ));
    let mut vu = Blank::new(config.clone(), id, loader.clone())?;
    let context = &mut vu.context;
    context.insert_data(LoaderData(loader.clone()));
    globals::install(context, &config, id)
        .and_then(|()| super::require::install(context))
        .map_err(|e| InitError::Script(ScriptError::from_js(e, context)))?;

    let path = config.script_path.clone();
    let src = config
        .sources
        .read(&path)
        .map_err(|e| InitError::MissingFile {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    let loaded = if is_esm(&src) {
        load_esm(&loader, &path, context)
    } else {
        load_cjs(&path, &src, context)
    };
    let exports = loaded
        .and_then(|exports| no_unhandled_rejection(&mut vu).map(|()| exports))
        .map_err(|e| as_load_failure(e, &config, id))?;
    let info = read_info(&exports, &mut vu.context).map_err(|e| match e {
        // k6 reads the options when it first loads the script, and says so.
        InitError::Options(why) => InitError::Options(crate::error::load_failure(
            &crate::error::shown_path(&config.script_path),
            &config.script_path,
            &why,
        )),
        e => e,
    })?;
    Ok(vu.ready(exports, info))
}

/// An init error caused by `exec.test.abort()` in the init context becomes k6's
/// "test aborted" initialisation failure (exit 108), not a script exception. The first
/// load of the script (VU 0) names the script as k6 does, for that and for an unhandled
/// rejection.
fn as_load_failure(e: InitError, config: &TestConfig, id: u64) -> InitError {
    let first_load = |text: String| match id {
        0 => crate::error::load_failure(
            &crate::error::shown_path(&config.script_path),
            &config.script_path,
            &text,
        ),
        _ => text,
    };
    match (e, config.test.aborted()) {
        (InitError::Script(_), Some(text)) => InitError::Aborted {
            text: first_load(text),
        },
        (InitError::Rejected(text), _) => InitError::Rejected(first_load(text)),
        (e, _) => e,
    }
}

/// A promise the init code rejected and nothing handled fails the load, as k6's event
/// loop fails it (`Uncaught (in promise) …`, exit 255).
fn no_unhandled_rejection(vu: &mut Blank) -> Result<(), InitError> {
    match vu.unhandled_rejection() {
        Some(err) => Err(InitError::Rejected(err.text)),
        None => Ok(()),
    }
}

/// Runs the jobs the init code queued. An engine error there (runaway recursion in a
/// module's body, which Boa evaluates as a job) is the init's failure.
fn run_init_jobs(ctx: &mut Context) -> Result<(), InitError> {
    ctx.run_jobs()
        .map_err(|e| InitError::Script(ScriptError::from_js(e, ctx)))
}

fn load_esm(loader: &K6Loader, path: &Path, ctx: &mut Context) -> Result<JsObject, InitError> {
    let module = loader
        .load_file(path, ctx)
        .map_err(|e| InitError::Script(ScriptError::from_js(e, ctx)))?;
    let promise = module.load_link_evaluate(ctx);
    run_init_jobs(ctx)?;
    match promise.state() {
        PromiseState::Fulfilled(_) => Ok(module.namespace(ctx)),
        PromiseState::Rejected(err) => Err(InitError::Script(ScriptError::from_value(&err, ctx))),
        PromiseState::Pending => Err(InitError::Script(ScriptError {
            text: "the script's top-level await never settled".to_string(),
        })),
    }
}

/// Runs a CommonJS script in a function wrapper and returns its `module.exports`.
pub(crate) fn load_cjs(
    path: &Path,
    src: &Arc<Vec<u8>>,
    ctx: &mut Context,
) -> Result<JsObject, InitError> {
    crate::source::check_nesting(path, src)
        .map_err(|e| InitError::Script(ScriptError::from_js(e, ctx)))?;
    crate::source_map::register_from_source(path, src);
    const WRAPPER: &[u8] = b"(function (module, exports) {";
    crate::source_map::register_wrapper(path, WRAPPER.len() as u32);
    let wrapped = || {
        let mut wrapped = Vec::with_capacity(src.len() + 64);
        wrapped.extend_from_slice(WRAPPER);
        wrapped.extend_from_slice(src);
        wrapped.extend_from_slice(b"\n})");
        std::borrow::Cow::Owned(wrapped)
    };
    let text = crate::parse_cache::Text::File(src.clone());
    let script = crate::parse_cache::script(path, text, wrapped, ctx)
        .map_err(|e| InitError::Script(ScriptError::syntax(path, e, ctx)))?;
    let func = script
        .evaluate(ctx)
        .map_err(|e| InitError::Script(ScriptError::from_js(e, ctx)))?;
    let exports = JsObject::with_object_proto(ctx.intrinsics());
    let module = JsObject::with_object_proto(ctx.intrinsics());
    let err = |e, ctx: &mut Context| InitError::Script(ScriptError::from_js(e, ctx));
    module
        .set(js_string!("exports"), exports.clone(), true, ctx)
        .map_err(|e| err(e, ctx))?;
    let Some(callable) = func.as_callable() else {
        return Err(InitError::Thread("CommonJS wrapper is not callable".into()));
    };
    callable
        .call(
            &JsValue::undefined(),
            &[module.clone().into(), exports.into()],
            ctx,
        )
        .map_err(|e| err(e, ctx))?;
    run_init_jobs(ctx)?;
    let out = module
        .get(js_string!("exports"), ctx)
        .map_err(|e| err(e, ctx))?;
    Ok(out
        .as_object()
        .unwrap_or_else(|| JsObject::with_object_proto(ctx.intrinsics())))
}

/// Whether a source is an ES module: it has an `import` or `export` declaration anywhere
/// (bundlers put `var a = 1; export default …` on one line), decided by parsing it with
/// oxc's unambiguous mode. Cached by content, since every VU asks about the same files.
pub fn is_esm(src: &[u8]) -> bool {
    use std::hash::{Hash, Hasher};
    static CACHE: std::sync::Mutex<Vec<(u64, bool)>> = std::sync::Mutex::new(Vec::new());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    src.hash(&mut h);
    let key = h.finish();
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, esm)) = cache.iter().find(|(k, _)| *k == key) {
        return *esm;
    }
    let esm = has_module_syntax(&String::from_utf8_lossy(src));
    cache.push((key, esm));
    esm
}

fn has_module_syntax(src: &str) -> bool {
    let alloc = oxc_allocator::Allocator::default();
    let parsed = oxc_parser::Parser::new(&alloc, src, oxc_span::SourceType::unambiguous()).parse();
    parsed.module_record.has_module_syntax
        || (parsed.panicked && line_starts_with_module_syntax(src))
}

/// The fallback for sources oxc cannot parse at all: an `import`/`export` at a line start
/// (Boa then reports the syntax error with its position).
fn line_starts_with_module_syntax(src: &str) -> bool {
    src.lines().any(|l| {
        let l = l.trim_start();
        [
            "import ", "import{", "import\"", "import'", "export ", "export{",
        ]
        .iter()
        .any(|p| l.starts_with(p))
    })
}

fn read_info(exports: &JsObject, ctx: &mut Context) -> Result<VuInfo, InitError> {
    use super::options_json::{to_json, OptionsJsonError};
    let mut info = VuInfo::default();
    if let Ok(opts) = exports.get(js_string!("options"), ctx) {
        if !opts.is_undefined() {
            info.options = match to_json(&opts, ctx) {
                Ok(v) => v,
                Err(OptionsJsonError::Unsupported(m)) => {
                    return Err(InitError::Options(format!(
                        "error parsing script options: {m}"
                    )))
                }
                Err(OptionsJsonError::Thrown(e)) => {
                    return Err(InitError::Script(ScriptError::from_js(e, ctx)))
                }
            };
        }
    }
    if let Ok(keys) = exports.own_property_keys(ctx) {
        for key in keys {
            if let boa_engine::property::PropertyKey::String(name) = &key {
                let is_fn = exports
                    .get(key.clone(), ctx)
                    .map(|v| v.is_callable())
                    .unwrap_or(false);
                if is_fn {
                    info.functions.push(name.to_std_string_escaped());
                }
            }
        }
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_module_syntax() {
        assert!(is_esm(b"import http from 'k6/http';\n"));
        assert!(is_esm(b"  export default function () {}"));
        assert!(!is_esm(
            b"var http = require('k6/http');\nmodule.exports.default = function () {};"
        ));
        assert!(!is_esm(b"const x = 'export '; import('x')"));
        assert!(is_esm(b"var a = 1; export default function () {}"));
        assert!(!is_esm(
            b"// export default function () {}\nmodule.exports = {};"
        ));
    }
}
