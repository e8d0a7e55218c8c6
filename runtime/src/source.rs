//! Guards in front of Boa's parser, which recurses on the native stack (~28 KiB per nesting
//! level): sources nested deeper than a bound are rejected with an error naming the place,
//! so a pathological script can never overflow a stack and abort the process.

use std::path::Path;

use boa_engine::{JsNativeError, JsResult};

/// Deepest bracket nesting accepted in a script (the worker stacks hold ~4x this).
pub const MAX_NESTING: usize = 1000;

/// Deepest nesting accepted in `eval`/`new Function` source, which is parsed on a VU's
/// coroutine stack (16 MiB): ~28 KiB per level.
pub const EVAL_MAX_NESTING: usize = 300;

/// Deepest value nesting accepted for `setup()`'s result and `SharedArray` elements, which
/// go through Boa's natively recursive `JsValue::to_json` and serde_json (k6's Go decoder
/// stops at 10,000).
pub const TO_JSON_MAX_DEPTH: usize = 4000;

/// Boa host hooks that put `eval` and `new Function` source through the nesting guard.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompileGuard;

impl boa_engine::context::HostHooks for CompileGuard {
    fn ensure_can_compile_strings(
        &self,
        _realm: boa_engine::realm::Realm,
        parameters: &[boa_engine::JsString],
        body: &boa_engine::JsString,
        _direct: bool,
        _context: &mut boa_engine::Context,
    ) -> JsResult<()> {
        let mut src = body.to_std_string_escaped();
        for p in parameters {
            src.push_str(&p.to_std_string_escaped());
        }
        check_nesting_limit(Path::new("eval"), src.as_bytes(), EVAL_MAX_NESTING)
    }
}

/// Fails when brackets in `src` nest deeper than [`MAX_NESTING`].
///
/// Strings, template literals and comments are skipped roughly; the bound is far above what
/// real scripts use, so the approximation only matters for adversarial input.
pub fn check_nesting(path: &Path, src: &[u8]) -> JsResult<()> {
    check_nesting_limit(path, src, MAX_NESTING)
}

/// [`check_nesting`] with an explicit bound.
pub fn check_nesting_limit(path: &Path, src: &[u8], limit: usize) -> JsResult<()> {
    let (mut depth, mut line, mut col) = (0usize, 1usize, 0usize);
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < src.len() {
        let b = src[i];
        col += 1;
        if b == b'\n' {
            line += 1;
            col = 0;
        }
        if let Some(q) = quote {
            if b == b'\\' {
                i += 2;
                continue;
            }
            if b == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' | b'\'' | b'`' => quote = Some(b),
            b'/' if src.get(i + 1) == Some(&b'/') => {
                while i < src.len() && src[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < src.len() && !(src[i] == b'*' && src[i + 1] == b'/') {
                    if src[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Err(JsNativeError::syntax()
                        .with_message(format!(
                            "{}:{line}:{col}: brackets nest deeper than {limit} levels; rk6 refuses to parse this (it would exhaust the parser's stack)",
                            crate::error::file_url(path)
                        ))
                        .into());
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_an_error_with_position() {
        let src = "(".repeat(MAX_NESTING + 1);
        let err = check_nesting(Path::new("/x.js"), src.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("/x.js:1:"));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let src = format!(
            "const s = '{}'; // {}\n",
            "(".repeat(2000),
            "[".repeat(2000)
        );
        assert!(check_nesting(Path::new("/x.js"), src.as_bytes()).is_ok());
    }
}
