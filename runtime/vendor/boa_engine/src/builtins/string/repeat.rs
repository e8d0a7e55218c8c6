//! rk6 patch: `String.prototype.repeat` without a slice per repetition.
//!
//! Upstream collected `n` copies of the string's `JsStr` (24 bytes each) before
//! concatenating them: `'p'.repeat(20 * 1024 * 1024)` held a 480 MiB vector to build a
//! 20 MiB string. Here the string is repeated into one chunk of about 64 Ki code units,
//! and the result is concatenated from copies of that chunk: a few hundred slices.

use crate::{JsStr, JsString, string::JsStrVariant};

/// Code units per chunk: small next to a big result, big enough to keep the list short.
const CHUNK_UNITS: usize = 64 * 1024;

/// `s` repeated `n` times; the caller has checked that the length fits a string.
pub(super) fn repeat(s: JsStr<'_>, n: usize) -> JsString {
    match s.variant() {
        JsStrVariant::Latin1(units) => repeat_units(units, n, |u| JsStr::latin1(u)),
        JsStrVariant::Utf16(units) => repeat_units(units, n, |u| JsStr::utf16(u)),
    }
}

fn repeat_units<T: Copy>(unit: &[T], n: usize, as_str: fn(&[T]) -> JsStr<'_>) -> JsString {
    if unit.is_empty() || n == 0 {
        return JsString::default();
    }
    let per_chunk = (CHUNK_UNITS / unit.len()).clamp(1, n);
    let mut chunk = Vec::with_capacity(unit.len() * per_chunk);
    chunk.extend_from_slice(unit);
    while chunk.len() < chunk.capacity() {
        let more = chunk.len().min(chunk.capacity() - chunk.len());
        chunk.extend_from_within(..more);
    }
    let mut parts = vec![as_str(&chunk); n / per_chunk];
    let rest = n % per_chunk;
    if rest > 0 {
        parts.push(as_str(&chunk[..rest * unit.len()]));
    }
    JsString::concat_array(&parts)
}

#[cfg(test)]
mod tests {
    use super::repeat;
    use crate::{JsStr, js_string};

    #[test]
    fn repeats_latin1_and_utf16_across_chunk_boundaries() {
        for n in [1, 2, 3, 65_535, 65_536, 65_537, 200_001] {
            let s = repeat(JsStr::latin1(b"ab"), n);
            assert_eq!(s.len(), 2 * n);
            assert_eq!(s.to_std_string_escaped(), "ab".repeat(n));
        }
        let snow = js_string!("\u{2603}x");
        let s = repeat(snow.as_str(), 70_000);
        assert_eq!(s.to_std_string_escaped(), "\u{2603}x".repeat(70_000));
        let long = "q".repeat(100_000);
        assert_eq!(repeat(JsStr::latin1(long.as_bytes()), 3).len(), 300_000);
    }
}
