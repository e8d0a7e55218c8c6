//! Writing an archive as `k6 archive` does: a USTAR stream (owner 0/0, no names) of
//! `metadata.json`, `data`, then under `file/` every directory (sorted, `file` itself
//! first) and every file (sorted), the main script's own path being a hard link to `data`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Archive, ArchiveError};

/// One entry to write: its name in the archive and what it is.
enum Entry<'a> {
    File { bytes: &'a [u8], mtime: u64 },
    Dir,
    LinkToData,
}

impl Archive {
    /// The archive's tar bytes; `now` (seconds since the epoch) dates the entries that
    /// have no file of their own.
    pub fn to_tar(&self, now: u64) -> Result<Vec<u8>, ArchiveError> {
        let meta = self
            .metadata
            .to_json()
            .map_err(|e| ArchiveError::Metadata(e.to_string()))?;
        let script = self.script_path()?;
        let mut out = tar::Builder::new(Vec::new());
        let top = [
            ("metadata.json".to_string(), &meta[..]),
            ("data".to_string(), &self.data[..]),
        ];
        for (name, bytes) in top {
            append(&mut out, &name, Entry::File { bytes, mtime: now }, now)?;
        }
        let mut names: Vec<(String, Entry)> = self
            .files
            .iter()
            .map(|(p, f)| {
                let entry = Entry::File {
                    bytes: &f.bytes,
                    mtime: f.mtime,
                };
                (entry_name(p), entry)
            })
            .collect();
        names.push((entry_name(&script), Entry::LinkToData));
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for dir in directories(names.iter().map(|(n, _)| n.as_str())) {
            append(&mut out, &dir, Entry::Dir, now)?;
        }
        for (name, entry) in names {
            append(&mut out, &name, entry, now)?;
        }
        out.into_inner().map_err(io_error)
    }
}

/// `file/<path without its leading />`.
fn entry_name(path: &Path) -> String {
    let text = path.to_string_lossy();
    format!("file/{}", text.trim_start_matches('/'))
}

/// Every directory above the entries, sorted (`file` first).
fn directories<'a>(names: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    let mut dirs = BTreeSet::new();
    for name in names {
        let mut dir = PathBuf::from(name);
        while dir.pop() && !dir.as_os_str().is_empty() {
            dirs.insert(dir.to_string_lossy().into_owned());
        }
    }
    dirs
}

fn append(
    out: &mut tar::Builder<Vec<u8>>,
    name: &str,
    entry: Entry,
    now: u64,
) -> Result<(), ArchiveError> {
    let mut h = tar::Header::new_ustar();
    h.set_uid(0);
    h.set_gid(0);
    h.set_path(name).map_err(io_error)?;
    let data: &[u8] = match entry {
        Entry::File { bytes, mtime } => {
            h.set_entry_type(tar::EntryType::Regular);
            h.set_mode(0o644);
            h.set_mtime(mtime);
            bytes
        }
        Entry::Dir => {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_mode(0o755);
            h.set_mtime(now);
            &[]
        }
        Entry::LinkToData => {
            h.set_entry_type(tar::EntryType::Link);
            h.set_mode(0);
            h.set_mtime(0);
            h.set_link_name("data").map_err(io_error)?;
            &[]
        }
    };
    h.set_size(data.len() as u64);
    h.set_cksum();
    out.append(&h, data).map_err(io_error)
}

fn io_error(e: std::io::Error) -> ArchiveError {
    ArchiveError::Tar(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::{ArchivedFile, Metadata};
    use super::*;

    fn sample() -> Archive {
        let mut files = std::collections::BTreeMap::new();
        files.insert(
            PathBuf::from("/tmp/p/lib/util.js"),
            ArchivedFile {
                bytes: b"export const x = 1;\n".to_vec(),
                mtime: 7,
            },
        );
        Archive {
            metadata: Metadata {
                kind: "js".into(),
                options: serde_json::json!({"vus": 1}),
                filename: "file:///tmp/p/script.js".into(),
                pwd: "file:///tmp/p".into(),
                env: Some(Default::default()),
                compatibility_mode: "extended".into(),
                k6version: "1.1.0".into(),
                goos: "linux".into(),
            },
            data: b"export default function () {}\n".to_vec(),
            files,
        }
    }

    #[test]
    fn entries_come_in_k6s_order_with_the_script_as_a_link_to_data() {
        let bytes = sample().to_tar(100).unwrap();
        let mut tar = tar::Archive::new(&bytes[..]);
        let listed: Vec<(String, tar::EntryType)> = tar
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
                (name, e.header().entry_type())
            })
            .collect();
        use tar::EntryType::{Directory as D, Link as L, Regular as R};
        let want = [
            ("metadata.json", R),
            ("data", R),
            ("file", D),
            ("file/tmp", D),
            ("file/tmp/p", D),
            ("file/tmp/p/lib", D),
            ("file/tmp/p/lib/util.js", R),
            ("file/tmp/p/script.js", L),
        ];
        let want: Vec<(String, tar::EntryType)> =
            want.iter().map(|(n, t)| (n.to_string(), *t)).collect();
        assert_eq!(listed, want);
    }

    #[test]
    fn an_archive_reads_back_as_written() {
        let a = sample();
        let back = Archive::read(&a.to_tar(100).unwrap()).unwrap();
        assert_eq!(back.metadata, a.metadata);
        assert_eq!(back.data, a.data);
        assert_eq!(back.files.len(), 1);
        assert_eq!(back.files[Path::new("/tmp/p/lib/util.js")].mtime, 7);
    }

    #[test]
    fn a_truncated_archive_is_an_error_not_a_panic() {
        let bytes = sample().to_tar(100).unwrap();
        for cut in [600, 1100, bytes.len() - 1100] {
            assert!(Archive::read(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
