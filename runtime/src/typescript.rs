//! TypeScript scripts (`.ts`) run by stripping their types first, as k6 v1.1 does (it uses
//! esbuild; rk6 uses oxc): parse, transform with only the TypeScript pass enabled (no
//! downleveling, `import`/`export` kept), print JavaScript. Errors name file:line:col.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_codegen::Codegen;
use oxc_diagnostics::OxcDiagnostic;
use oxc_parser::Parser;
use oxc_semantic::SemanticBuilder;
use oxc_span::SourceType;
use oxc_transformer::{TransformOptions, Transformer};

/// Whether `path` is a TypeScript file rk6 strips.
pub fn is_typescript(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ts" | "mts" | "cts")
    )
}

/// The JavaScript of a TypeScript source, or the first error as `file:line:col: message`.
/// A panic inside the transformer becomes an error too: it must not take a VU thread down.
pub fn strip(path: &Path, src: &str) -> Result<String, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| strip_inner(path, src)))
        .unwrap_or_else(|_| {
            Err(format!(
                "file://{}: the TypeScript transform failed on this file",
                path.display()
            ))
        })
}

fn strip_inner(path: &Path, src: &str) -> Result<String, String> {
    let alloc = Allocator::default();
    let source_type = SourceType::ts().with_module(true);
    let parsed = Parser::new(&alloc, src, source_type).parse();
    if parsed.panicked || parsed.diagnostics.has_errors() {
        return Err(first_error(path, src, parsed.diagnostics.iter()));
    }
    let mut program = parsed.program;
    let scoping = SemanticBuilder::new()
        .with_enum_eval(true)
        .build(&program)
        .semantic
        .into_scoping();
    let options = TransformOptions::default();
    let out = Transformer::new(&alloc, path, &options).build_with_scoping(scoping, &mut program);
    if out.diagnostics.has_errors() {
        return Err(first_error(path, src, out.diagnostics.iter()));
    }
    let options = oxc_codegen::CodegenOptions {
        source_map_path: Some(path.to_path_buf()),
        ..Default::default()
    };
    let out = Codegen::new().with_options(options).build(&program);
    // Errors point into the TypeScript the user wrote, not rk6's JavaScript of it.
    if let Some(map) = &out.map {
        let url = crate::error::file_url(path);
        crate::source_map::register(path, crate::source_map::LineMap::new(map, |_| url.clone()));
    }
    Ok(out.code)
}

fn first_error<'a>(
    path: &Path,
    src: &str,
    mut diags: impl Iterator<Item = &'a OxcDiagnostic>,
) -> String {
    let Some(d) = diags.next() else {
        return format!("{}: could not parse TypeScript", path.display());
    };
    let off = d
        .labels
        .first()
        .map_or(0, |l| l.offset() as usize)
        .min(src.len());
    let before = src.get(..off).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("file://{}:{line}:{col}: {}", path.display(), d.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_stripped_and_modules_kept() {
        let src = "import http from 'k6/http';\ninterface U { n: number }\nconst u: U = { n: 1 };\nexport default function (): void { http.get(`x${u.n as number}`); }\n";
        let js = strip(Path::new("/t/a.ts"), src).unwrap();
        assert!(js.contains("import http from"), "{js}");
        assert!(js.contains("export default function"), "{js}");
        assert!(!js.contains("interface") && !js.contains(": U"), "{js}");
    }

    #[test]
    fn syntax_errors_name_the_position() {
        let err = strip(Path::new("/t/b.ts"), "const x: number = ;\n").unwrap_err();
        assert!(err.starts_with("file:///t/b.ts:1:"), "{err}");
    }
}
