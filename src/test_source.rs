//! Where a test's files come from: a script on disk (or stdin), read lazily through the
//! runtime's source cache, or a k6 archive, whose files are held in a sealed in-memory
//! tree (its paths need not exist here). An archive is told from a script by its
//! content, as k6 does, unless `--type` says which it is.

use std::path::{Path, PathBuf};

use rk6_runtime::{InitError, SourceCache};

use crate::archive::{is_archive, Archive, ArchiveError};

/// A test ready to be loaded by a VU.
pub struct TestSource {
    /// The main script's absolute path (an archive's own path for it).
    pub script_path: PathBuf,
    pub sources: SourceCache,
    /// The archive the test came from, with its options and `__ENV`.
    pub archive: Option<Archive>,
}

/// Why a test could not be loaded (k6 exits 255 for all of these).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Missing(InitError),
    #[error(
        "could not initialize '{shown}': could not load test archive bundle '{url}': {source}"
    )]
    Archive {
        shown: String,
        url: String,
        source: ArchiveError,
    },
    #[error(
        "could not initialize '{shown}': archive '{url}' has an unsupported test type '{kind}'"
    )]
    UnsupportedType {
        shown: String,
        url: String,
        kind: String,
    },
}

impl TestSource {
    /// Loads `script` (`-` is stdin, placed in the current directory so relative imports
    /// and `open()` resolve from there); `test_type` is `--type` (`js`, `archive` or
    /// unset to detect).
    pub fn load(script: &Path, test_type: Option<&str>) -> Result<TestSource, LoadError> {
        let missing = |e: std::io::Error| {
            LoadError::Missing(InitError::MissingFile {
                path: script.display().to_string(),
                reason: e.to_string(),
            })
        };
        let (path, bytes) = if script == Path::new("-") {
            let mut src = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut src).map_err(missing)?;
            (std::env::current_dir().map_err(missing)?.join("-"), src)
        } else {
            let path = std::fs::canonicalize(script).map_err(missing)?;
            let bytes = std::fs::read(&path).map_err(missing)?;
            (path, bytes)
        };
        let archived = match test_type.filter(|t| !t.is_empty()) {
            Some("archive") => true,
            Some(_) => false,
            None => is_archive(&bytes),
        };
        if archived {
            return Self::from_archive(script, &path, &bytes);
        }
        let sources = SourceCache::default();
        if script == Path::new("-") {
            sources.insert(path.clone(), bytes);
        }
        Ok(TestSource {
            script_path: path,
            sources,
            archive: None,
        })
    }

    fn from_archive(script: &Path, path: &Path, bytes: &[u8]) -> Result<TestSource, LoadError> {
        let shown = script.display().to_string();
        let url = crate::archive::file_url(path);
        let bad = |source| LoadError::Archive {
            shown: shown.clone(),
            url: url.clone(),
            source,
        };
        let archive = Archive::read(bytes).map_err(bad)?;
        if archive.metadata.kind != "js" {
            return Err(LoadError::UnsupportedType {
                kind: archive.metadata.kind.clone(),
                shown: shown.clone(),
                url: url.clone(),
            });
        }
        let script_path = archive.script_path().map_err(bad)?;
        let sources = SourceCache::sealed(archive.local_tree().map_err(bad)?);
        Ok(TestSource {
            script_path,
            sources,
            archive: Some(archive),
        })
    }

    /// The options the test's own tier gives: an archive's stored (consolidated) ones, or
    /// `script_options` (what the script exports) for a script.
    pub fn own_options(
        &self,
        script_options: Option<&serde_json::Value>,
    ) -> Option<serde_json::Value> {
        match &self.archive {
            Some(a) => Some(crate::options::k6_json::set_only(&a.metadata.options)),
            None => script_options.cloned(),
        }
    }

    /// `__ENV`: `run_env` (`-e`, and the system's when included), over an archive's.
    pub fn env(
        &self,
        run_env: std::collections::BTreeMap<String, String>,
    ) -> std::collections::BTreeMap<String, String> {
        match &self.archive {
            Some(a) => a.metadata.env_overlaid(run_env),
            None => run_env,
        }
    }

    /// Whether `global` aliases `globalThis`: the flag's choice, else the archive's mode.
    pub fn global_alias(&self, flag: Option<bool>) -> bool {
        match (&self.archive, flag) {
            (_, Some(alias)) => alias,
            (Some(a), None) => a.metadata.compatibility_mode != "base",
            (None, None) => true,
        }
    }
}
