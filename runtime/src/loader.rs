//! Resolves and loads what a script imports: k6's built-in modules (native objects exposed
//! as synthetic ES modules), local ES module files, and CommonJS files for `require`.
//!
//! Not for remote modules: there is no network access for scripts' imports.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use boa_engine::module::{
    ImportedNames, ModuleLoader, ModuleRequest, Referrer, SyntheticModuleInitializer,
};
use boa_engine::{
    js_string, Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, Module,
};

use crate::config::SourceCache;
use crate::modules;

/// Host data giving natives (`require`) access to the context's loader.
pub(crate) struct LoaderData(pub std::rc::Rc<K6Loader>);

/// The module loader of one VU context.
pub struct K6Loader {
    sources: SourceCache,
    main_dir: PathBuf,
    files: RefCell<HashMap<PathBuf, Module>>,
    builtins: RefCell<HashMap<String, Builtin>>,
    /// Some loaded source may call `import()`: its namespace of a built-in module (the record
    /// of its static imports, when it has any) must then have every export filled.
    dynamic_imports: Cell<bool>,
}

/// A built-in module of this context: its synthetic record, its exports object, and which
/// named exports the record fills when it is evaluated.
struct Builtin {
    module: Module,
    exports: JsObject,
    wanted: ImportedNames,
    evaluated: bool,
}

impl K6Loader {
    pub fn new(sources: SourceCache, main_dir: PathBuf) -> Self {
        K6Loader {
            sources,
            main_dir,
            files: RefCell::new(HashMap::new()),
            builtins: RefCell::new(HashMap::new()),
            dynamic_imports: Cell::new(false),
        }
    }

    /// Resolves `specifier` relative to the importing file (or the main script's directory).
    pub fn resolve(&self, specifier: &str, referrer: Option<&Path>) -> JsResult<PathBuf> {
        // `file:///a%20b/x.js` names the file `/a b/x.js`.
        let from_file_url = specifier
            .starts_with("file://")
            .then(|| url::Url::parse(specifier).ok()?.to_file_path().ok())
            .flatten()
            .map(|p| p.to_string_lossy().into_owned());
        let spec = from_file_url.as_deref().unwrap_or(specifier);
        if spec.starts_with("http://") || spec.starts_with("https://") {
            if let Some((path, src)) = jslib(spec) {
                self.sources.insert(path.clone(), src.as_bytes().to_vec());
                return Ok(path);
            }
            return Err(JsNativeError::typ()
                .with_message(format!(
                    "remote module '{specifier}' can't be loaded: there is no network access for imports; rk6 ships jslib.k6.io's k6-utils, k6-summary, papaparse and url, anything else must be downloaded next to the script and imported by relative path"
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
        Ok(crate::config::normalize(&joined))
    }

    /// Loads a file as an ES module (cached per context).
    pub fn load_file(&self, path: &Path, context: &mut Context) -> JsResult<Module> {
        if let Some(m) = self.files.borrow().get(path) {
            return Ok(m.clone());
        }
        let src = match self.sources.read(path) {
            Ok(src) => src,
            Err(_) => {
                let shown = path.display().to_string();
                return Err(crate::modules::go_error(
                    &crate::error::missing_module(&shown),
                    context,
                ));
            }
        };
        let src = if crate::typescript::is_typescript(path) {
            let js = self
                .sources
                .read_transformed(path, |raw| {
                    crate::typescript::strip(path, &String::from_utf8_lossy(raw))
                        .map(String::into_bytes)
                })
                .map_err(|e| JsError::from(JsNativeError::syntax().with_message(e)))?;
            js
        } else {
            crate::source_map::register_from_source(path, &src);
            src
        };
        crate::source::check_nesting(path, &src)?;
        if may_call_import(&src) {
            self.dynamic_imports.set(true);
        }
        let module = crate::parse_cache::module(path, &src, context)
            .map_err(|e| syntax_error(path, e, context))?;
        self.files
            .borrow_mut()
            .insert(path.to_path_buf(), module.clone());
        Ok(module)
    }

    /// A built-in module by specifier, as a synthetic module exporting `default` and the
    /// module's named exports. Its record fills only the named exports some importer named
    /// (`wanted`, gathered until it is evaluated): the members of a lazy exports object
    /// (`modules/lazy_exports.rs`) are then made only when used. An importer that comes
    /// after the evaluation and wants more gets a new record filling everything, over the
    /// same exports object.
    pub fn load_builtin(
        &self,
        specifier: &str,
        wanted: ImportedNames,
        context: &mut Context,
    ) -> JsResult<Module> {
        if let Some(b) = self.builtins.borrow_mut().get_mut(specifier) {
            if !b.evaluated {
                merge(&mut b.wanted, wanted);
                return Ok(b.module.clone());
            }
            if covers(&b.wanted, &wanted) {
                return Ok(b.module.clone());
            }
            b.module = synthetic_from_exports(specifier, b.exports.clone(), context)?;
            b.wanted = ImportedNames::All;
            b.evaluated = false;
            return Ok(b.module.clone());
        }
        let exports = modules::exports(specifier, context)?;
        let module = synthetic_from_exports(specifier, exports.clone(), context)?;
        self.builtins.borrow_mut().insert(
            specifier.to_string(),
            Builtin {
                module: module.clone(),
                exports,
                wanted,
                evaluated: false,
            },
        );
        Ok(module)
    }

    /// Called as built-in `specifier`'s record is evaluated: which named exports to fill.
    fn evaluating(&self, specifier: &str) -> ImportedNames {
        match self.builtins.borrow_mut().get_mut(specifier) {
            Some(b) => {
                b.evaluated = true;
                if self.dynamic_imports.get() {
                    b.wanted = ImportedNames::All;
                }
                b.wanted.clone()
            }
            None => ImportedNames::All,
        }
    }
}

/// Whether `src` may contain a dynamic `import(...)`: the word `import` followed by `(`
/// after optional whitespace. Comments and strings can give a false yes, which only costs
/// memory (every export of the built-in modules is filled).
fn may_call_import(src: &[u8]) -> bool {
    src.windows(6).enumerate().any(|(i, w)| {
        w == b"import"
            && (i == 0 || !is_ident_byte(src[i - 1]))
            && src[i + 6..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'(')
    })
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Adds `more` to `wanted`.
fn merge(wanted: &mut ImportedNames, more: ImportedNames) {
    match (wanted, more) {
        (ImportedNames::All, _) => {}
        (w, ImportedNames::All) => *w = ImportedNames::All,
        (ImportedNames::Names(have), ImportedNames::Names(new)) => {
            for n in new {
                if !have.contains(&n) {
                    have.push(n);
                }
            }
        }
    }
}

/// Whether `have` includes every name in `want`.
fn covers(have: &ImportedNames, want: &ImportedNames) -> bool {
    match want {
        ImportedNames::All => matches!(have, ImportedNames::All),
        ImportedNames::Names(want) => want.iter().all(|n| wants(have, n)),
    }
}

/// Whether `wanted` includes `name`.
fn wants(wanted: &ImportedNames, name: &JsString) -> bool {
    match wanted {
        ImportedNames::All => true,
        ImportedNames::Names(names) => names.contains(name),
    }
}

/// The jslib.k6.io modules rk6 ships (its own implementations), by library name.
const JSLIB: [(&str, &str); 4] = [
    (
        "k6-utils",
        include_str!("../../js-modules/jslib/k6-utils.js"),
    ),
    (
        "k6-summary",
        include_str!("../../js-modules/jslib/k6-summary.js"),
    ),
    (
        "papaparse",
        include_str!("../../js-modules/jslib/papaparse.js"),
    ),
    ("url", include_str!("../../js-modules/jslib/url.js")),
];

/// `https://jslib.k6.io/<lib>/<version>/<file>` -> (a virtual path, the embedded source).
fn jslib(url: &str) -> Option<(PathBuf, &'static str)> {
    let rest = url
        .strip_prefix("https://jslib.k6.io/")
        .or_else(|| url.strip_prefix("http://jslib.k6.io/"))?;
    let lib = rest.split('/').next()?;
    let (name, src) = JSLIB.iter().find(|(n, _)| *n == lib)?;
    Some((PathBuf::from(format!("/rk6/jslib/{name}/index.js")), src))
}

/// Re-throws a parse error as a SyntaxError whose message names file:line:col.
fn syntax_error(path: &Path, err: JsError, context: &mut Context) -> JsError {
    let message = crate::error::ScriptError::syntax_message(path, err, context);
    JsNativeError::syntax().with_message(message).into()
}

fn synthetic_from_exports(
    specifier: &str,
    exports: JsObject,
    context: &mut Context,
) -> JsResult<Module> {
    let default = js_string!("default");
    let mut names: Vec<JsString> = vec![default.clone()];
    let members = match modules::lazy_exports::names(&exports) {
        Some(lazy) => lazy,
        None => exports
            .own_property_keys(context)?
            .into_iter()
            .filter_map(|key| match key {
                boa_engine::property::PropertyKey::String(s) => Some(s),
                _ => None,
            })
            .collect(),
    };
    names.extend(members.into_iter().filter(|n| *n != default));
    let specifier = JsString::from(specifier);
    let init = SyntheticModuleInitializer::from_copy_closure_with_captures(
        |m, (obj, names, specifier), ctx| {
            let wanted = ctx
                .get_data::<LoaderData>()
                .map(|l| l.0.clone())
                .map_or(ImportedNames::All, |l| {
                    l.evaluating(&specifier.to_std_string_escaped())
                });
            for name in names.iter() {
                let value = if *name == js_string!("default") {
                    let d = obj.get(js_string!("default"), ctx)?;
                    if d.is_undefined() {
                        JsValue::from(obj.clone())
                    } else {
                        d
                    }
                } else if wants(&wanted, name) {
                    obj.get(name.clone(), ctx)?
                } else {
                    // No importer names it: left unfilled, so a lazy member is not made.
                    continue;
                };
                m.set_export(name, value)?;
            }
            Ok(())
        },
        (exports, names.clone(), specifier),
    );
    Ok(Module::synthetic(&names, init, None, None, context))
}

/// What `referrer` takes from built-in `request`: the names its import declarations list, or
/// everything when it may reach the whole module (a namespace import, `export *`, a dynamic
/// `import()`, or a referrer that is not a module).
fn wanted_by(referrer: &Referrer, request: &ModuleRequest, context: &Context) -> ImportedNames {
    match referrer {
        Referrer::Module(m) => m
            .imported_names(request.specifier(), context)
            .unwrap_or(ImportedNames::All),
        _ => ImportedNames::All,
    }
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
            let wanted = wanted_by(&referrer, &request, ctx);
            return self.load_builtin(&spec, wanted, ctx);
        }
        let path = self.resolve(&spec, referrer.path())?;
        if !path.exists() && !self.sources.contains(&path) {
            return Err(crate::modules::go_error(
                &crate::error::missing_module(&spec),
                ctx,
            ));
        }
        self.load_file(&path, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dynamic_imports_but_not_import_declarations() {
        assert!(may_call_import(b"const m = await import('k6/http');"));
        assert!(may_call_import(b"import ('./x.js').then(f)"));
        assert!(may_call_import(b"import(\n'x')"));
        assert!(!may_call_import(
            b"import http from 'k6/http';\nimport { a } from './a.js';"
        ));
        assert!(!may_call_import(
            b"const reimport = 1; myimport(2); import.meta.url"
        ));
    }

    #[test]
    fn normalizes_dot_segments() {
        assert_eq!(
            crate::config::normalize(Path::new("/a/b/../c/./d.js")),
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
        assert!(l
            .resolve("https://jslib.k6.io/k6-utils/1.4.0/index.js", None)
            .is_ok_and(|p| p.ends_with("k6-utils/index.js")));
        assert!(l.resolve("https://example.com/lib.js", None).is_err());
    }
}
