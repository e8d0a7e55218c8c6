//! rk6 patch 14: what a parse shared by the contexts of one thread needs of a context's
//! interner. An AST names identifiers and strings by their index (`Sym`) in the interner of
//! the context that parsed it, so another context can take that AST only if its interner
//! holds the same strings at the same indices; and the parse's identifier keys the realm's
//! tagged-template cache, so that context's next identifier must be the same too. The
//! bytecompiler resolves a free name through the parsing realm's global scope (the AST's
//! scopes end there), so a parse is shared only while that scope and the other context's
//! both hold no bindings (no global `let`, `const` or `class` was declared in either).

use boa_ast::scope::Scope;
use boa_interner::{Interner, Sym};

use crate::Context;

/// A context's state before a parse in it.
pub(crate) struct Before {
    /// The parser identifier taken for the parse.
    pub(crate) identifier: u32,
    len: usize,
    prefix: u64,
    global: Scope,
}

/// The state a context must be in to take a parse ([`InternedBy::enter`]).
#[derive(Clone)]
pub(crate) struct InternedBy {
    identifier: u32,
    /// The interner's length before the parse, and a fingerprint of its strings then.
    len: usize,
    prefix: u64,
    /// The strings the parse added, in index order.
    added: Vec<Vec<u16>>,
    /// The parsing realm's global scope.
    global: Scope,
}

impl Before {
    /// Records `context`'s interner and takes its next parser identifier.
    pub(crate) fn parse_in(context: &mut Context) -> Self {
        let len = context.interner().len();
        let prefix = fingerprint(context.interner(), len);
        let identifier = context.next_parser_identifier();
        Self {
            identifier,
            len,
            prefix,
            global: context.realm().scope().clone(),
        }
    }

    /// What the parse left in `interner`.
    pub(crate) fn parsed(self, interner: &Interner) -> InternedBy {
        let added = (self.len + 1..=interner.len())
            .filter_map(Sym::new)
            .map(|sym| interner.resolve_expect(sym).utf16().to_vec())
            .collect();
        InternedBy {
            identifier: self.identifier,
            len: self.len,
            prefix: self.prefix,
            added,
            global: self.global,
        }
    }
}

impl InternedBy {
    /// Puts `context` where the parse left its own: `false` unless its interner held the
    /// same strings as the parsing context's did before the parse, takes the parse's new
    /// strings at the same indices, and its next parser identifier is the parse's. (After
    /// `false`, the interner may hold some of those strings; a parse in it is unaffected.)
    /// Also `false` while either realm's global scope holds a binding.
    pub(crate) fn enter(&self, context: &mut Context) -> bool {
        if self.global.num_bindings() != 0 || context.realm().scope().num_bindings() != 0 {
            return false;
        }
        let interner = context.interner();
        if interner.len() != self.len || fingerprint(interner, self.len) != self.prefix {
            return false;
        }
        if context.next_parser_identifier() != self.identifier {
            return false;
        }
        let interner = context.interner_mut();
        self.added
            .iter()
            .enumerate()
            .all(|(i, text)| interner.get_or_intern(&text[..]).get() == self.len + 1 + i)
    }

    /// How many strings the parse added.
    pub(crate) fn added(&self) -> usize {
        self.added.len()
    }
}

/// A fingerprint of the strings at indices up to `len` that `interner` holds beyond its
/// built-in common strings.
fn fingerprint(interner: &Interner, len: usize) -> u64 {
    use std::hash::Hasher;
    let common = Interner::default().len();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for sym in (common + 1..=len).filter_map(Sym::new) {
        let text = interner.resolve_expect(sym).utf16();
        h.write_usize(text.len());
        for unit in text {
            h.write_u16(*unit);
        }
    }
    h.finish()
}
