//! `--out result=PATH`: this instance's complete, mergeable result ([`ResultPart`]),
//! written once when the test ends, for `rk6 merge` to add up with the other instances'
//! parts. Being an output, it goes where k6-operator puts outputs: a `TestRun`'s runner
//! arguments or `K6_OUT`.
//!
//! `PATH` ending in `/` (or naming a directory) gets a file named after the host and the
//! execution segment (`rk6-part-<host>-<from>-<to>.json`, `/` as `_`), so every runner pod of a
//! `TestRun` can share one argument and one volume. The directory must exist and the
//! file be creatable when the run starts; the part is written whole, then renamed into
//! place, so a reader never sees half of one.

use std::path::{Path, PathBuf};

use crate::metrics::part::{PartMeta, ResultPart};
use crate::metrics::MetricsState;

use super::OutputError;

/// Where the part goes.
#[derive(Debug, Clone)]
pub struct ResultFile {
    path: PathBuf,
}

impl ResultFile {
    /// Resolves `arg` (`result=PATH` or `result=file=PATH`) and checks the file can be
    /// created now, before the test runs.
    pub fn open(
        arg: &str,
        cwd: &Path,
        segment: Option<&crate::execution_segment::Segment>,
    ) -> Result<ResultFile, OutputError> {
        let arg = arg.strip_prefix("file=").unwrap_or(arg).trim();
        if arg.is_empty() {
            return Err(OutputError::Config(
                "the result output needs a file or directory: --out result=PATH".into(),
            ));
        }
        let mut path = cwd.join(arg);
        if arg.ends_with('/') || path.is_dir() {
            path.push(file_name(&host_name(), segment));
        }
        let probe = temp_of(&path);
        std::fs::write(&probe, b"").map_err(|source| OutputError::File {
            path: path.display().to_string(),
            source,
        })?;
        let _ = std::fs::remove_file(&probe);
        Ok(ResultFile { path })
    }

    /// Writes the part; an error text when it could not be.
    pub fn write(&self, state: &MetricsState, meta: PartMeta<'_>) -> Result<(), String> {
        let part = ResultPart::new(state, meta);
        let text = serde_json::to_vec(&part).map_err(|e| e.to_string())?;
        let temp = temp_of(&self.path);
        std::fs::write(&temp, text)
            .and_then(|()| std::fs::rename(&temp, &self.path))
            .map_err(|e| {
                format!(
                    "could not write the result part {}: {e}",
                    self.path.display()
                )
            })
    }
}

fn temp_of(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// The kernel's host name (a k6-operator runner pod's is `<testrun>-<n>`).
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into())
}

fn file_name(host: &str, segment: Option<&crate::execution_segment::Segment>) -> String {
    let seg = segment.map_or_else(|| "whole".to_string(), |s| s.text().replace(':', "-"));
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("rk6-part-{}-{}.json", clean(host), clean(&seg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_gets_a_name_per_host_and_segment() {
        let seg =
            crate::execution_segment::Segment::parse(Some("1/3:2/3"), Some("0,1/3,2/3,1")).unwrap();
        assert_eq!(
            file_name("load-2", seg.as_ref()),
            "rk6-part-load-2-1_3-2_3.json"
        );
        assert_eq!(file_name("a b", None), "rk6-part-a_b-whole.json");
    }
}
