//! The HTML report's file. Created at the start beside the requested path (so an
//! unwritable path stops the run before any load) but under a temporary name: the report
//! replaces the file at its path only once it is complete, and a run that ends before its
//! outputs finish leaves an earlier report as it was. A path ending in `.gz` gets a gzipped
//! report, as in k6.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::output::OutputError;

/// The report's destination and the temporary file it is written to first.
pub struct ReportFile {
    path: PathBuf,
    partial: PathBuf,
    file: File,
}

impl ReportFile {
    /// Creates the temporary file beside `path`.
    pub fn create(path: PathBuf) -> Result<ReportFile, OutputError> {
        let name = path
            .file_name()
            .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
        let partial = path
            .parent()
            .unwrap_or(Path::new("."))
            .join(format!(".{name}.rk6-partial"));
        let file = File::create(&partial).map_err(|source| OutputError::File {
            path: path.display().to_string(),
            source,
        })?;
        Ok(ReportFile {
            path,
            partial,
            file,
        })
    }

    /// Writes the report and moves it to its path; a failure is a warning to print.
    pub fn write(mut self, html: &str) -> Result<(), String> {
        let written = if self.path.extension().is_some_and(|e| e == "gz") {
            let mut gz =
                flate2::write::GzEncoder::new(&mut self.file, flate2::Compression::default());
            gz.write_all(html.as_bytes())
                .and_then(|()| gz.finish().map(|_| ()))
        } else {
            self.file.write_all(html.as_bytes())
        };
        let done = written
            .and_then(|()| self.file.flush())
            .and_then(|()| std::fs::rename(&self.partial, &self.path));
        done.map_err(|e| {
            let _ = std::fs::remove_file(&self.partial);
            format!(
                "web dashboard: could not write the report {}: {e}",
                self.path.display()
            )
        })
    }

    /// Gives up: nothing is written, the temporary file goes.
    pub fn discard(self) {
        let _ = std::fs::remove_file(&self.partial);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_report_replaces_the_file_only_when_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.html");
        std::fs::write(&path, "old").unwrap();
        let f = ReportFile::create(path.clone()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        f.write("new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
        ReportFile::create(path.clone()).unwrap().discard();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_gz_path_gets_a_gzipped_report() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.html.gz");
        ReportFile::create(path.clone())
            .unwrap()
            .write("<html>")
            .unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(File::open(&path).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "<html>");
    }

    #[test]
    fn an_unwritable_path_is_an_error_naming_it() {
        let e = ReportFile::create(PathBuf::from("/nonexistent-dir/r.html"))
            .err()
            .map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("/nonexistent-dir/r.html")));
    }
}
