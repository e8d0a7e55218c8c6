//! Source maps: errors in a bundled script (webpack, esbuild, tsc output with an inline or
//! file `sourceMappingURL`) or in a TypeScript script (which rk6 transpiles) name the
//! place in the code the user wrote, as k6 does.
//!
//! Owns the process-wide table from script path to its map: filled once per file when it
//! is first loaded (maps are read once per process, like sources) and read when an error's
//! stack is rendered (`remap_frame`). Parsing uses `oxc_sourcemap`, the crate oxc's code
//! generator writes TypeScript maps with. The same table accounts for a CommonJS script's
//! function wrapper, written before its first line: line-1 columns read as k6's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use base64::Engine as _;

/// One mapping, 0-based: generated (line, column) -> original (line, column) in `source`.
#[derive(Debug, Clone, Copy)]
struct Mapping {
    dst: (u32, u32),
    src: (u32, u32),
    source: u32,
}

/// A parsed map, sorted by generated position for lookups.
#[derive(Debug)]
pub struct LineMap {
    mappings: Vec<Mapping>,
    sources: Vec<String>,
}

impl LineMap {
    /// The mappings of `map`; its sources are named by `name_source` (given each source
    /// as written in the map).
    pub fn new(map: &oxc_sourcemap::SourceMap, name_source: impl Fn(&str) -> String) -> LineMap {
        let mut mappings: Vec<Mapping> = map
            .get_tokens()
            .filter_map(|t| {
                Some(Mapping {
                    dst: (t.get_dst_line(), t.get_dst_col()),
                    src: (t.get_src_line(), t.get_src_col()),
                    source: t.get_source_id()?,
                })
            })
            .collect();
        mappings.sort_by_key(|m| m.dst);
        LineMap {
            mappings,
            sources: map.get_sources().map(name_source).collect(),
        }
    }

    /// The original place of generated `line`:`col` (1-based, as in error positions): the
    /// source, its line and column. As in k6 (goja), the 1-based column is looked up as a
    /// 0-based one and the original column is shown 0-based: k6's numbers for the same map.
    fn lookup(&self, line: u32, col: u32) -> Option<(&str, u32, u32)> {
        let at = (line.checked_sub(1)?, col);
        let i = self
            .mappings
            .partition_point(|m| m.dst <= at)
            .checked_sub(1)?;
        let m = self.mappings[i];
        if m.dst.0 != at.0 {
            return None;
        }
        let source = self.sources.get(m.source as usize)?;
        Some((source, m.src.0 + 1, m.src.1))
    }
}

/// What is known of a loaded file: its map, if any, and how many columns rk6's CommonJS
/// wrapper adds to its first line.
#[derive(Debug, Default)]
struct FileInfo {
    map: Option<Arc<LineMap>>,
    wrapper: u32,
}

/// Columns k6's own CommonJS wrapper adds to line 1 in its stack frames (goja reports
/// them shifted; syntax errors are not): rk6's frames show the same numbers.
const K6_CJS_WRAPPER: u32 = 27;

impl FileInfo {
    /// How far a frame's line-1 column is moved left to read as k6's.
    fn frame_shift(&self) -> u32 {
        self.wrapper.saturating_sub(K6_CJS_WRAPPER)
    }
}

/// Path -> what is known of it.
type Maps = RwLock<HashMap<PathBuf, FileInfo>>;

fn maps() -> &'static Maps {
    static MAPS: OnceLock<Maps> = OnceLock::new();
    MAPS.get_or_init(Default::default)
}

/// Records the map of `path` (a TypeScript script rk6 transpiled).
pub fn register(path: &Path, map: LineMap) {
    let mut m = maps().write().unwrap_or_else(|p| p.into_inner());
    m.entry(path.to_path_buf()).or_default().map = Some(Arc::new(map));
}

/// Records that `path` runs behind a wrapper of `columns` on its first line (CommonJS).
pub fn register_wrapper(path: &Path, columns: u32) {
    let mut m = maps().write().unwrap_or_else(|p| p.into_inner());
    m.entry(path.to_path_buf()).or_default().wrapper = columns;
}

/// `line`:`col` of `path` as the user's file has it: without the wrapper's columns (k6's
/// syntax errors name the file's own column).
pub fn unwrapped(path: &Path, line: u32, col: u32) -> u32 {
    let m = maps().read().unwrap_or_else(|p| p.into_inner());
    match m.get(path) {
        Some(info) if line == 1 => col.saturating_sub(info.wrapper).max(1),
        _ => col,
    }
}

/// Looks once for a `//# sourceMappingURL=` at the end of `src` (the file at `path`):
/// an inline `data:` URL or a file next to the script. A map that cannot be read or parsed
/// is ignored, as k6 does: errors keep the generated positions.
pub fn register_from_source(path: &Path, src: &[u8]) {
    if maps()
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .contains_key(path)
    {
        return;
    }
    let map = find_map(path, src).map(Arc::new);
    let mut m = maps().write().unwrap_or_else(|p| p.into_inner());
    let info = m.entry(path.to_path_buf()).or_default();
    if info.map.is_none() {
        info.map = map;
    }
}

fn find_map(path: &Path, src: &[u8]) -> Option<LineMap> {
    const MARK: &[u8] = b"//# sourceMappingURL=";
    let at = src.windows(MARK.len()).rposition(|w| w == MARK)?;
    let url = std::str::from_utf8(&src[at + MARK.len()..])
        .ok()?
        .lines()
        .next()?
        .trim();
    let json = match url.strip_prefix("data:") {
        Some(data) => {
            let (_, b64) = data.split_once(";base64,")?;
            let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
            String::from_utf8(bytes).ok()?
        }
        None => std::fs::read_to_string(path.parent()?.join(url)).ok()?,
    };
    let map = oxc_sourcemap::SourceMap::from_json_string(&json).ok()?;
    Some(LineMap::new(&map, str::to_string))
}

/// A rendered stack frame (`at f (file:///x.js:3:7)` or `at file:///x.js:3:7`) with its
/// position moved to the original source when its file has a map.
pub fn remap_frame(frame: &str) -> String {
    let m = maps().read().unwrap_or_else(|p| p.into_inner());
    if m.is_empty() {
        return frame.to_string();
    }
    let Some(start) = frame.find("file://") else {
        return frame.to_string();
    };
    let end = frame[start..].find(')').map_or(frame.len(), |i| start + i);
    let location = &frame[start..end];
    let mut parts = location.rsplitn(3, ':');
    let (Some(col), Some(line), Some(file)) = (parts.next(), parts.next(), parts.next()) else {
        return frame.to_string();
    };
    let (Ok(line), Ok(col)) = (line.parse::<u32>(), col.parse::<u32>()) else {
        return frame.to_string();
    };
    let path = Path::new(file.trim_start_matches("file://"));
    let Some(info) = m.get(path) else {
        return frame.to_string();
    };
    let col = if line == 1 {
        col.saturating_sub(info.frame_shift()).max(1)
    } else {
        col
    };
    let (before, after) = (&frame[..start], &frame[end..]);
    match info.map.as_ref().and_then(|map| map.lookup(line, col)) {
        Some((source, l, c)) => format!("{before}{source}:{l}:{c}{after}"),
        None => format!("{before}{file}:{line}:{col}{after}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_move_to_the_original_source() {
        // "AAAA;AACA" : line 0 col 0 -> src 0:0; line 1 col 0 -> src 1:0 (sources[0]).
        let json = r#"{"version":3,"sources":["webpack:///./a.ts"],"names":[],"mappings":"AAAA;AACA,IAAI"}"#;
        let map = oxc_sourcemap::SourceMap::from_json_string(json).unwrap();
        register(
            Path::new("/tmp/rk6-sm-test.js"),
            LineMap::new(&map, str::to_string),
        );
        assert_eq!(
            remap_frame("at f (file:///tmp/rk6-sm-test.js:2:7)"),
            "at f (webpack:///./a.ts:2:4)"
        );
        assert_eq!(
            remap_frame("at file:///tmp/rk6-sm-test.js:1:1"),
            "at webpack:///./a.ts:1:0"
        );
        assert_eq!(
            remap_frame("at file:///other.js:1:1"),
            "at file:///other.js:1:1"
        );
        register_wrapper(Path::new("/tmp/rk6-cjs-test.js"), 29);
        assert_eq!(
            remap_frame("at f (file:///tmp/rk6-cjs-test.js:1:35)"),
            "at f (file:///tmp/rk6-cjs-test.js:1:33)"
        );
        assert_eq!(
            remap_frame("at file:///tmp/rk6-cjs-test.js:2:35"),
            "at file:///tmp/rk6-cjs-test.js:2:35"
        );
    }
}
