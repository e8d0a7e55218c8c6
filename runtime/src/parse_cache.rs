//! Module parses shared by the VUs of a worker thread. Boa parses about 10 MB of script a
//! second, so each VU parsing the same text again cost ~0.1 ms for a 1 KB script and many
//! milliseconds for a bundled one, per VU. A worker thread parses a module's text once, and
//! its other VUs instantiate that parse (`Module::from_parsed`, boa_engine patch 14): the
//! AST is shared, each VU still compiles and runs it in its own context.
//!
//! Entries are keyed by path and by the very source buffer (`Arc`) the test's source cache
//! handed out, so a new run or a transformed file parses afresh. A VU whose context is not
//! in the state the parsing context was in (its interner holds other strings, e.g. after an
//! `eval` in its init code) parses for itself, and its parse replaces the entry, so the
//! state most VUs share wins.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use boa_engine::module::ParsedModule;
use boa_engine::{Context, JsResult, Module, Source};

thread_local! {
    static PARSES: RefCell<HashMap<PathBuf, (Arc<Vec<u8>>, Rc<ParsedModule>)>> =
        RefCell::new(HashMap::new());
}

/// The module of `src` (the text of `path`) in `context`, from this thread's parse of it
/// when there is one that fits `context`.
pub(crate) fn module(path: &Path, src: &Arc<Vec<u8>>, context: &mut Context) -> JsResult<Module> {
    let cached = PARSES.with_borrow(|parses| {
        parses
            .get(path)
            .filter(|(text, _)| Arc::ptr_eq(text, src))
            .map(|(_, parsed)| parsed.clone())
    });
    if let Some(module) = cached.and_then(|parsed| Module::from_parsed(&parsed, context)) {
        return Ok(module);
    }
    let source = Source::from_bytes(&src[..]).with_path(path);
    let (module, parsed) = Module::parse_shareable(source, context)?;
    PARSES.with_borrow_mut(|parses| {
        parses.insert(path.to_path_buf(), (src.clone(), Rc::new(parsed)));
    });
    Ok(module)
}
