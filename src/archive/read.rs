//! Reading an archive's tar bytes as k6 does: only regular files count (directories and
//! the main script's hard link are skipped), `metadata.json` and `data` are special, and
//! every other name is `<prefix>/<path>` with the prefix `file` (a local file) or
//! `https` (a remote module; also the legacy `files` and `scripts`).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use super::{Archive, ArchiveError, ArchivedFile, Metadata};

impl Archive {
    /// Parses archive bytes; a truncated stream or an unknown prefix is an error, as in k6.
    pub fn read(bytes: &[u8]) -> Result<Archive, ArchiveError> {
        let mut tar = tar::Archive::new(bytes);
        let entries = tar.entries().map_err(tar_error)?;
        let (mut metadata, mut data) = (None, Vec::new());
        let mut files = BTreeMap::new();
        for entry in entries {
            let mut entry = entry.map_err(tar_error)?;
            if entry.header().entry_type() != tar::EntryType::Regular {
                continue;
            }
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let mtime = entry.header().mtime().unwrap_or(0);
            let bytes = read_entry(&mut entry)?;
            match name.as_str() {
                "metadata.json" => metadata = Some(bytes),
                "data" => data = bytes,
                _ => {
                    if let Some(path) = local_path(&name)? {
                        files.insert(path, ArchivedFile { bytes, mtime });
                    }
                }
            }
        }
        let metadata = metadata.ok_or(ArchiveError::NoMetadata)?;
        let metadata = Metadata::from_json(&metadata).map_err(ArchiveError::Metadata)?;
        let archive = Archive {
            metadata,
            data,
            files,
        };
        // The main script lives in `data`; its own path is only a link.
        let script = archive.script_path()?;
        let mut archive = archive;
        archive.files.remove(&script);
        Ok(archive)
    }
}

/// An entry's whole content: fewer bytes than its header promises is a truncated archive.
fn read_entry(entry: &mut tar::Entry<'_, &[u8]>) -> Result<Vec<u8>, ArchiveError> {
    let size = entry.header().size().map_err(tar_error)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 26));
    entry.read_to_end(&mut bytes).map_err(tar_error)?;
    if (bytes.len() as u64) < size {
        return Err(ArchiveError::Truncated);
    }
    Ok(bytes)
}

/// The absolute path of a `file/…` entry; `None` for a remote module's entry.
fn local_path(name: &str) -> Result<Option<PathBuf>, ArchiveError> {
    let (prefix, rest) = name.split_once('/').unwrap_or((name, ""));
    match prefix {
        "file" => Ok(Some(PathBuf::from(format!("/{rest}")))),
        // k6's legacy layout: `/_/…` under these marks a local file.
        "files" | "scripts" if rest.starts_with("_/") => {
            Ok(Some(PathBuf::from(format!("/{}", &rest[2..]))))
        }
        "https" | "files" | "scripts" => Ok(None),
        _ => Err(ArchiveError::UnknownPrefix {
            prefix: prefix.to_string(),
            name: name.to_string(),
        }),
    }
}

fn tar_error(e: std::io::Error) -> ArchiveError {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => ArchiveError::Truncated,
        _ if e.to_string().contains("failed to read entire block") => ArchiveError::Truncated,
        _ => ArchiveError::Tar(e.to_string()),
    }
}
