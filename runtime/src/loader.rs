//! Resolves and loads what a script imports: k6's built-in modules (native objects exposed
//! as synthetic ES modules), local ES module files, and CommonJS files for `require`.
//!
//! Not for remote modules: there is no network access for scripts' imports.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use boa_engine::module::{ModuleLoader, ModuleRequest, Referrer, SyntheticModuleInitializer};
use boa_engine::{
    js_string, Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, Module,
    Source,
};

use crate::config::SourceCache;
use crate::modules;

/// The module loader of one VU context.
pub struct K6Loader {
    sources: SourceCache,
    main_dir: PathBuf,
    files: RefCell<HashMap<PathBuf, Module>>,
    builtins: RefCell<HashMap<String, Module>>,
}

impl K6Loader {
    pub fn new(sources: SourceCache, main_dir: PathBuf) -> Self {
        K6Loader {
            sources,
            main_dir,
            files: RefCell::new(HashMap::new()),
            builtins: RefCell::new(HashMap::new()),
        }
    }

    /// Resolves `specifier` relative to the importing file (or the main script's directory).
    pub fn resolve(&self, specifier: &str, referrer: Option<&Path>) -> JsResult<PathBuf> {
        let spec = specifier.strip_prefix("file://").unwrap_or(specifier);
        if spec.starts_with("http://") || spec.starts_with("https://") {
            return Err(JsNativeError::typ()
                .with_message(format!(
                    "remote module '{specifier}' can't be loaded: rk6 loads modules only from local disk; download it next to the script and import it by relative path"
                ))
                .into());
        }
        let base = referrer
            .and_then(Path::parent)
            .unwrap_or(&self.main_dir)
            .to_path_buf();
        let joined = if Path::new(spec).is_absolute() {
            PathBuf::from(spec)
        } else {
            base.join(spec)
        };
        Ok(normalize(&joined))
    }

    /// Loads a file as an ES module (cached per context).
    pub fn load_file(&self, path: &Path, context: &mut Context) -> JsResult<Module> {
        if let Some(m) = self.files.borrow().get(path) {
            return Ok(m.clone());
        }
        let src = self.sources.read(path).map_err(|e| {
            JsError::from(JsNativeError::typ().with_message(format!(
                "The moduleSpecifier \"{}\" couldn't be found on local disk. Make sure that you've specified the right path to the file: {e}",
                path.display()
            )))
        })?;
        crate::source::check_nesting(path, &src)?;
        let module = Module::parse(Source::from_bytes(&src[..]).with_path(path), None, context)
            .map_err(|e| syntax_error(path, e, context))?;
        self.files
            .borrow_mut()
            .insert(path.to_path_buf(), module.clone());
        Ok(module)
    }

    /// A built-in module by specifier, as a synthetic module exporting `default` and every
    /// named export of the module's exports object.
    pub fn load_builtin(&self, specifier: &str, context: &mut Context) -> JsResult<Module> {
        if let Some(m) = self.builtins.borrow().get(specifier) {
            return Ok(m.clone());
        }
        let exports = modules::exports(specifier, context)?;
        let module = synthetic_from_exports(exports, context)?;
        self.builtins
            .borrow_mut()
            .insert(specifier.to_string(), module.clone());
        Ok(module)
    }
}

/// Re-throws a parse error as a SyntaxError whose message names file:line:col.
fn syntax_error(path: &Path, err: JsError, context: &mut Context) -> JsError {
    let message = crate::error::ScriptError::syntax_message(path, err, context);
    JsNativeError::syntax().with_message(message).into()
}

fn synthetic_from_exports(exports: JsObject, context: &mut Context) -> JsResult<Module> {
    let mut names: Vec<JsString> = vec![js_string!("default")];
    for key in exports.own_property_keys(context)? {
        if let boa_engine::property::PropertyKey::String(s) = key {
            if s != js_string!("default") {
                names.push(s);
            }
        }
    }
    let init = SyntheticModuleInitializer::from_copy_closure_with_captures(
        |m, (obj, names), ctx| {
            for name in names.iter() {
                let value = if *name == js_string!("default") {
                    let d = obj.get(js_string!("default"), ctx)?;
                    if d.is_undefined() {
                        JsValue::from(obj.clone())
                    } else {
                        d
                    }
                } else {
                    obj.get(name.clone(), ctx)?
                };
                m.set_export(name, value)?;
            }
            Ok(())
        },
        (exports, names.clone()),
    );
    Ok(Module::synthetic(&names, init, None, None, context))
}

impl ModuleLoader for K6Loader {
    async fn load_imported_module(
        self: Rc<Self>,
        referrer: Referrer,
        request: ModuleRequest,
        context: &RefCell<&mut Context>,
    ) -> JsResult<Module> {
        let spec = request.specifier().to_std_string_escaped();
        let ctx: &mut Context = &mut context.borrow_mut();
        if modules::is_builtin(&spec) {
            return self.load_builtin(&spec, ctx);
        }
        let path = self.resolve(&spec, referrer.path())?;
        if !path.exists() {
            return Err(JsNativeError::typ()
                .with_message(format!(
                    "The moduleSpecifier \"{spec}\" couldn't be found on local disk. Make sure that you've specified the right path to the file. If you're running k6 using the Docker image make sure you have mounted the local directory (-v /local/path/:/local/path) with the script(s) to the container. Otherwise, if using k6 cloud run, make sure that the script(s) are in the same directory as the main script."
                ))
                .into());
        }
        self.load_file(&path, ctx)
    }
}

/// Removes `.` and resolves `..` without touching the filesystem.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_dot_segments() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d.js")),
            PathBuf::from("/a/c/d.js")
        );
    }

    #[test]
    fn resolves_relative_to_referrer_then_main_dir() {
        let l = K6Loader::new(SourceCache::default(), PathBuf::from("/scripts"));
        assert_eq!(
            l.resolve("./lib/x.js", None).unwrap(),
            PathBuf::from("/scripts/lib/x.js")
        );
        assert_eq!(
            l.resolve("../y.js", Some(Path::new("/scripts/lib/x.js")))
                .unwrap(),
            PathBuf::from("/scripts/y.js")
        );
        assert!(l.resolve("https://jslib.k6.io/x.js", None).is_err());
    }
}
