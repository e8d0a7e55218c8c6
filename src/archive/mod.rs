//! k6's archive format (`k6 archive`'s `.tar`), both ways: [`Archive`] is a test as k6
//! packs it (`metadata.json`, the main script as `data`, and every local file the init
//! code read under `file/<absolute path>`), read from tar bytes (`read.rs`) and written
//! to them (`write.rs`).
//!
//! Not for commands: `archive_command.rs` is `rk6 archive`, and `test_source.rs` turns an
//! archive into a test to run.

mod metadata;
mod read;
mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use metadata::Metadata;

/// A test packed as k6 packs it.
#[derive(Debug, Clone)]
pub struct Archive {
    pub metadata: Metadata,
    /// The main script's source (the `data` entry).
    pub data: Vec<u8>,
    /// Local files other than the main script, by absolute (anonymised) path.
    pub files: BTreeMap<PathBuf, ArchivedFile>,
}

/// One local file of an archive.
#[derive(Debug, Clone)]
pub struct ArchivedFile {
    pub bytes: Vec<u8>,
    /// Modification time, seconds since the epoch.
    pub mtime: u64,
}

/// What is wrong with an archive's bytes, or why one could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The tar stream ends inside a header or an entry (Go's words).
    #[error("unexpected EOF")]
    Truncated,
    #[error("{0}")]
    Tar(String),
    #[error("unknown file prefix `{prefix}` for file `{name}`")]
    UnknownPrefix { prefix: String, name: String },
    #[error("the archive has no metadata.json: it was not made by `k6 archive`")]
    NoMetadata,
    #[error("invalid metadata.json: {0}")]
    Metadata(String),
    #[error("the main script {0} is not a local file: rk6 runs no remote scripts")]
    RemoteScript(String),
    #[error("could not write the archive to {path}: {reason}")]
    Write { path: String, reason: String },
}

impl Archive {
    /// The main script's absolute path (from `metadata.json`'s `filename` URL).
    pub fn script_path(&self) -> Result<PathBuf, ArchiveError> {
        let name = &self.metadata.filename;
        url::Url::parse(name)
            .ok()
            .filter(|u| u.scheme() == "file")
            .and_then(|u| u.to_file_path().ok())
            .ok_or_else(|| ArchiveError::RemoteScript(name.clone()))
    }

    /// Every local file, the main script included (re-materialised from `data` at its
    /// path, as k6 does).
    pub fn local_tree(&self) -> Result<Vec<(PathBuf, Vec<u8>)>, ArchiveError> {
        let mut tree: Vec<(PathBuf, Vec<u8>)> = self
            .files
            .iter()
            .map(|(p, f)| (p.clone(), f.bytes.clone()))
            .collect();
        tree.push((self.script_path()?, self.data.clone()));
        Ok(tree)
    }
}

/// Whether `bytes` start with a tar header, which is how k6 tells an archive from a
/// script (the file name does not matter).
pub fn is_archive(bytes: &[u8]) -> bool {
    matches!(
        tar::Archive::new(bytes).entries().map(|mut e| e.next()),
        Ok(Some(Ok(_)))
    )
}

/// k6's anonymisation of a path in an archive: the user directory under `/home`,
/// `/Users` or `/Documents and Settings` (any case, optionally after a drive letter)
/// becomes `nobody`.
pub fn anonymize(path: &Path) -> PathBuf {
    let text = path.to_string_lossy();
    let bytes = text.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0] == b'/' && bytes[1].is_ascii_alphabetic() && bytes[2] == b'/';
    let (head, rest) = text.split_at(if drive { 2 } else { 0 });
    let Some(rest) = rest.strip_prefix('/') else {
        return path.to_path_buf();
    };
    let (top, after) = rest.split_once('/').unwrap_or((rest, ""));
    let user_dirs = ["users", "home", "documents and settings"];
    if !user_dirs.contains(&top.to_ascii_lowercase().as_str()) {
        return path.to_path_buf();
    }
    let (user, tail) = match after.split_once('/') {
        Some((u, t)) => (u, format!("/{t}")),
        None => (after, String::new()),
    };
    if user.is_empty() {
        return path.to_path_buf();
    }
    PathBuf::from(format!("{head}/{top}/nobody{tail}"))
}

/// `file:///abs/path`, as k6 writes a local path in `metadata.json`.
pub fn file_url(path: &Path) -> String {
    url::Url::from_file_path(path)
        .map(String::from)
        .unwrap_or_else(|()| format!("file://{}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_directories_are_anonymised_and_others_kept() {
        let a = |p: &str| anonymize(Path::new(p)).display().to_string();
        assert_eq!(a("/home/rk6test/proj/s.js"), "/home/nobody/proj/s.js");
        assert_eq!(a("/Users/Ann/x"), "/Users/nobody/x");
        assert_eq!(
            a("/C/Documents and Settings/bob/x"),
            "/C/Documents and Settings/nobody/x"
        );
        assert_eq!(a("/home/bob"), "/home/nobody");
        assert_eq!(a("/root/x.js"), "/root/x.js");
        assert_eq!(a("/tmp/home/bob/x.js"), "/tmp/home/bob/x.js");
    }

    #[test]
    fn scripts_are_not_archives_but_tar_bytes_are() {
        assert!(!is_archive(
            b"import http from 'k6/http';\nexport default function () {}\n"
        ));
        assert!(!is_archive(&[0u8; 1024]));
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_ustar();
        h.set_size(2);
        h.set_cksum();
        b.append_data(&mut h, "data", &b"hi"[..]).unwrap();
        assert!(is_archive(&b.into_inner().unwrap()));
    }
}
