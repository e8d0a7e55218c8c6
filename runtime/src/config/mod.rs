//! What every VU of a test run shares: the script, environment, metric registry, sample
//! channel, I/O runtime and the HTTP options. Built once by the host, then handed to each
//! VU thread behind an `Arc`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub mod secrets;
pub(crate) mod shared_arrays;

use crate::metrics::{Registry, SampleSender};
pub use crate::net::config::{HttpConfig, HttpDebug};
pub use shared_arrays::SharedArrays;

/// k6's default `systemTags`, in the order of its help text.
pub const DEFAULT_SYSTEM_TAGS: &[&str] = &[
    "proto",
    "subproto",
    "status",
    "method",
    "url",
    "name",
    "group",
    "check",
    "error",
    "error_code",
    "tls_version",
    "scenario",
    "service",
    "expected_response",
];

/// Which system tags samples carry (k6's `systemTags`).
#[derive(Debug, Clone)]
pub struct SystemTags {
    enabled: Vec<String>,
}

impl Default for SystemTags {
    fn default() -> Self {
        SystemTags::new(DEFAULT_SYSTEM_TAGS.iter().map(|s| s.to_string()))
    }
}

impl SystemTags {
    pub fn new(tags: impl IntoIterator<Item = String>) -> Self {
        SystemTags {
            enabled: tags.into_iter().collect(),
        }
    }

    /// Whether samples should carry tag `name`.
    pub fn has(&self, name: &str) -> bool {
        self.enabled.iter().any(|t| t == name)
    }
}

/// Source files read once and shared by all VUs (each VU still parses its own copy).
///
/// A sealed cache (from [`SourceCache::sealed`]) is a complete in-memory tree, such as a
/// k6 archive's: a path it does not hold does not exist, whatever is on disk.
#[derive(Debug, Default, Clone)]
pub struct SourceCache {
    files: Arc<Mutex<HashMap<PathBuf, Arc<Vec<u8>>>>>,
    /// Paths read from disk, in the order first read: what `rk6 archive` packs.
    from_disk: Arc<Mutex<Vec<PathBuf>>>,
    sealed: bool,
}

impl SourceCache {
    /// A cache holding exactly `files` that never reads the disk.
    pub fn sealed(files: impl IntoIterator<Item = (PathBuf, Vec<u8>)>) -> Self {
        let files = files.into_iter().map(|(p, b)| (p, Arc::new(b))).collect();
        SourceCache {
            files: Arc::new(Mutex::new(files)),
            from_disk: Arc::default(),
            sealed: true,
        }
    }

    /// The bytes of `path`, read from disk the first time (never, when sealed).
    pub(crate) fn read(&self, path: &Path) -> std::io::Result<Arc<Vec<u8>>> {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(bytes) = files.get(path) {
            return Ok(bytes.clone());
        }
        if self.sealed {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("open {}: file does not exist", path.display()),
            ));
        }
        if path.is_dir() {
            return Err(std::io::Error::other(format!(
                "open {}: is a directory",
                path.display()
            )));
        }
        let bytes = Arc::new(std::fs::read(path)?);
        files.insert(path.to_path_buf(), bytes.clone());
        self.from_disk
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(path.to_path_buf());
        Ok(bytes)
    }

    /// Every file read from disk so far (modules, `open()`ed and `require`d files), in
    /// the order first read, with its bytes.
    pub fn read_from_disk(&self) -> Vec<(PathBuf, Arc<Vec<u8>>)> {
        let order = self.from_disk.lock().unwrap_or_else(|p| p.into_inner());
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        order
            .iter()
            .filter_map(|p| Some((p.clone(), files.get(p)?.clone())))
            .collect()
    }

    /// The bytes held for `path`, if it was read or inserted (never reads the disk).
    pub fn get(&self, path: &Path) -> Option<Arc<Vec<u8>>> {
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.get(path).cloned()
    }

    /// Whether this cache is a complete in-memory tree (see [`SourceCache::sealed`]).
    pub fn is_sealed(&self) -> bool {
        self.sealed
    }

    /// `path`'s source after `transform` (TypeScript stripping), computed once per run.
    pub(crate) fn read_transformed(
        &self,
        path: &Path,
        transform: impl FnOnce(&[u8]) -> Result<Vec<u8>, String>,
    ) -> Result<Arc<Vec<u8>>, String> {
        let key = path.with_extension("rk6-transformed");
        {
            let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(done) = files.get(&key) {
                return Ok(done.clone());
            }
        }
        let raw = self.read(path).map_err(|e| e.to_string())?;
        let out = Arc::new(transform(&raw)?);
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.insert(key, out.clone());
        Ok(out)
    }

    /// Whether `path` is already held (read before, or put in memory).
    pub(crate) fn contains(&self, path: &Path) -> bool {
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.contains_key(path)
    }

    /// Puts an in-memory source under `path` (scripts from stdin, tests).
    pub fn insert(&self, path: PathBuf, bytes: Vec<u8>) {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.insert(path, Arc::new(bytes));
    }
}

/// Everything the VUs of one test run share.
#[derive(Clone)]
pub struct TestConfig {
    /// Absolute path of the entry script.
    pub script_path: PathBuf,
    /// `__ENV`.
    pub env: BTreeMap<String, String>,
    pub registry: Registry,
    pub samples: SampleSender,
    pub sources: SourceCache,
    pub http: HttpConfig,
    pub system_tags: SystemTags,
    /// `options.tags`: added to every sample.
    pub run_tags: BTreeMap<String, String>,
    /// Native stack of each VU coroutine (virtual; only touched pages are resident).
    pub coroutine_stack: usize,
    /// Test-wide counters and controls (`k6/execution`).
    pub test: Arc<crate::execution::TestState>,
    /// `--secret-source`s for `k6/secrets`.
    pub secrets: Arc<secrets::SecretSources>,
    /// `k6/data` shared arrays of the run (one copy for all VUs).
    pub shared: SharedArrays,
    /// `minIterationDuration`: a shorter iteration is padded with an (interruptible) wait
    /// after its metrics are out.
    pub min_iteration_duration: Option<Duration>,
    /// `--compatibility-mode extended` (k6's default): `global` aliases `globalThis`.
    pub global_alias: bool,
    /// Renders k6's legacy text summary from `handleSummary` data JSON and options JSON
    /// (the host's renderer, for jslib's `textSummary`).
    pub text_summary: Option<TextSummary>,
    /// Response sizes per endpoint, recorded while the web dashboard wants them.
    pub response_sizes: Arc<crate::metrics::ResponseSizes>,
}

/// The host's legacy summary renderer: (data JSON, options JSON) -> text.
pub type TextSummary = Arc<dyn Fn(&str, &str) -> String + Send + Sync>;

impl std::fmt::Debug for TestConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestConfig")
            .field("script_path", &self.script_path)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl TestConfig {
    /// A run of the script at `script_path` (absolute) whose VUs send their samples to
    /// `samples`, with k6's defaults for everything else:
    /// an empty `__ENV`, a fresh registry, k6's HTTP options and system tags, no secret
    /// sources, 16 MiB (virtual) coroutine stacks and `global` as an alias of `globalThis`.
    /// Change fields with struct update syntax before handing it to [`crate::VuPool`].
    pub fn new(script_path: PathBuf, samples: SampleSender) -> Self {
        TestConfig {
            script_path,
            env: BTreeMap::new(),
            registry: Registry::new(),
            samples,
            sources: SourceCache::default(),
            http: HttpConfig::default(),
            system_tags: SystemTags::default(),
            run_tags: BTreeMap::new(),
            coroutine_stack: 16 * 1024 * 1024,
            test: Arc::default(),
            secrets: Arc::default(),
            shared: SharedArrays::default(),
            min_iteration_duration: None,
            global_alias: true,
            text_summary: None,
            response_sizes: Arc::default(),
        }
    }

    /// The directory `open()` resolves relative paths against.
    pub fn script_dir(&self) -> &Path {
        self.script_path.parent().unwrap_or(Path::new("/"))
    }

    /// `rel` resolved against [`Self::script_dir`], as `open()` resolves it.
    pub(crate) fn script_relative(&self, rel: &str) -> PathBuf {
        normalize(&self.script_dir().join(rel))
    }
}

/// Removes `.` and resolves `..` without touching the filesystem.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_cache_holds_its_files_and_never_reads_the_disk() {
        let here = std::env::current_exe().expect("test binary");
        let sealed = SourceCache::sealed([(PathBuf::from("/nowhere/a.js"), b"x".to_vec())]);
        assert_eq!(&**sealed.read(Path::new("/nowhere/a.js")).unwrap(), b"x");
        assert!(
            sealed.read(&here).is_err(),
            "a file on disk is not in the tree"
        );
        assert!(sealed.read_from_disk().is_empty());
    }

    #[test]
    fn files_read_from_disk_are_listed_in_order_and_inserted_ones_are_not() {
        let dir = std::env::temp_dir().join(format!("rk6-sources-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.js"), dir.join("b.json"));
        std::fs::write(&a, "a").unwrap();
        std::fs::write(&b, "b").unwrap();
        let cache = SourceCache::default();
        cache.insert(dir.join("stdin"), b"s".to_vec());
        cache.read(&b).unwrap();
        cache.read(&a).unwrap();
        cache.read(&b).unwrap();
        let read: Vec<PathBuf> = cache.read_from_disk().into_iter().map(|(p, _)| p).collect();
        assert_eq!(read, vec![b.clone(), a.clone()]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
