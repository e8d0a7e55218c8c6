//! Parses shared by the VUs of a worker thread. Boa parses about 10 MB of script a second,
//! so each VU parsing the same text again cost ~0.1 ms for a 1 KB script and many
//! milliseconds for a bundled one, per VU. A worker thread parses a module's or script's
//! text once, and its other VUs instantiate that parse (`Module::from_parsed`,
//! `Script::from_parsed`, boa_engine patch 14): the AST is shared, each VU still compiles
//! and runs it in its own context.
//!
//! Entries are keyed by path and by the very text parsed: rk6's embedded JS, or the buffer
//! (`Arc`) the test's source cache handed out, so a new run or a transformed file parses
//! afresh. A VU whose context is not in the state the parsing context was in (its interner
//! holds other strings, e.g. after an `eval` in its init code) parses for itself, and its
//! parse replaces the entry, so the state most VUs share wins.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use boa_engine::module::ParsedModule;
use boa_engine::script::ParsedScript;
use boa_engine::{Context, JsResult, Module, Script, Source};

/// The text a parse came from.
#[derive(Clone)]
pub(crate) enum Text {
    /// JS embedded in rk6.
    Embedded(&'static str),
    /// A file's contents as the test's source cache holds them.
    File(Arc<Vec<u8>>),
}

impl Text {
    fn is(&self, other: &Text) -> bool {
        match (self, other) {
            (Text::Embedded(a), Text::Embedded(b)) => std::ptr::eq(*a, *b),
            (Text::File(a), Text::File(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// This thread's parses of one kind, by path.
struct Parses<P>(HashMap<PathBuf, (Text, Rc<P>)>);

impl<P> Parses<P> {
    fn get(&self, path: &Path, text: &Text) -> Option<Rc<P>> {
        self.0
            .get(path)
            .filter(|(t, _)| t.is(text))
            .map(|(_, parsed)| parsed.clone())
    }
}

thread_local! {
    static MODULES: RefCell<Parses<ParsedModule>> = RefCell::new(Parses(HashMap::new()));
    static SCRIPTS: RefCell<Parses<ParsedScript>> = RefCell::new(Parses(HashMap::new()));
}

/// The module of file `src` (the text of `path`) in `context`, from this thread's parse of
/// it when there is one that fits `context`.
pub(crate) fn module(path: &Path, src: &Arc<Vec<u8>>, context: &mut Context) -> JsResult<Module> {
    let parse = |ctx: &mut Context| {
        Module::parse_shareable(Source::from_bytes(&src[..]).with_path(path), ctx)
    };
    shared(
        &MODULES,
        path,
        Text::File(src.clone()),
        Module::from_parsed,
        parse,
        context,
    )
}

/// The script `path` made of `text` (`source` gives what to parse, e.g. `text` in a
/// wrapper) in `context`, from this thread's parse of it when there is one that fits.
pub(crate) fn script<'a>(
    path: &Path,
    text: Text,
    source: impl FnOnce() -> Cow<'a, [u8]>,
    context: &mut Context,
) -> JsResult<Script> {
    let parse = |ctx: &mut Context| {
        let bytes = source();
        Script::parse_shareable(Source::from_bytes(&bytes[..]).with_path(path), ctx)
    };
    shared(&SCRIPTS, path, text, Script::from_parsed, parse, context)
}

/// `reuse`s this thread's parse of `text` when `context` takes it, else `parse`s and keeps
/// that parse for the thread's next VUs.
fn shared<P, T>(
    parses: &'static std::thread::LocalKey<RefCell<Parses<P>>>,
    path: &Path,
    text: Text,
    reuse: impl FnOnce(&P, &mut Context) -> Option<T>,
    parse: impl FnOnce(&mut Context) -> JsResult<(T, P)>,
    context: &mut Context,
) -> JsResult<T> {
    let cached = parses.with_borrow(|p| p.get(path, &text));
    if let Some(done) = cached.and_then(|parsed| reuse(&parsed, context)) {
        return Ok(done);
    }
    let (done, parsed) = parse(context)?;
    parses.with_borrow_mut(|p| p.0.insert(path.to_path_buf(), (text, Rc::new(parsed))));
    Ok(done)
}
