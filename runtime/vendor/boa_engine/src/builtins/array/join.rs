//! rk6 patch: the pieces of `Array.prototype.join`, collapsed as they come.
//!
//! Upstream kept every element and separator (8 bytes each) and then a `JsStr` per piece
//! (24 bytes) for one final concatenation: `new Array(20 * 1024 * 1024 + 1).join('p')`
//! peaked at 1.3 GiB to build a 20 MiB string. Here every [`BATCH`] pieces are
//! concatenated into one part right away, so what is held is about the result's size.

use crate::{JsStr, JsString};

/// Pieces concatenated at a time: their `JsStr` list stays small, and a part is big enough
/// that the list of parts stays short.
const BATCH: usize = 4096;

/// A string being joined from many pieces.
#[derive(Default)]
pub(super) struct Pieces {
    parts: Vec<JsString>,
    pending: Vec<JsString>,
}

impl Pieces {
    /// Appends `piece`; empty pieces cost nothing.
    pub(super) fn push(&mut self, piece: &JsString) {
        if piece.is_empty() {
            return;
        }
        self.pending.push(piece.clone());
        if self.pending.len() == BATCH {
            let part = concat(&self.pending);
            self.pending.clear();
            self.parts.push(part);
        }
    }

    /// The joined string.
    pub(super) fn finish(mut self) -> JsString {
        if self.parts.is_empty() {
            return concat(&self.pending);
        }
        if !self.pending.is_empty() {
            self.parts.push(concat(&self.pending));
        }
        concat(&self.parts)
    }
}

fn concat(strings: &[JsString]) -> JsString {
    match strings {
        [] => JsString::default(),
        [one] => one.clone(),
        many => JsString::concat_array(
            &many
                .iter()
                .map(JsString::as_str)
                .collect::<Vec<JsStr<'_>>>(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::Pieces;
    use crate::js_string;

    #[test]
    fn joins_across_batches_and_mixed_encodings() {
        let mut p = Pieces::default();
        let mut expected = String::new();
        for i in 0..10_000 {
            let s = if i % 3000 == 7 {
                js_string!("\u{2603}")
            } else {
                js_string!("ab")
            };
            p.push(&s);
            p.push(&js_string!());
            expected.push_str(&s.to_std_string_escaped());
        }
        assert_eq!(p.finish().to_std_string_escaped(), expected);
        assert!(Pieces::default().finish().is_empty());
    }
}
