//! The record reader behind `csv.parse` and `csv.Parser`: k6's options (`delimiter`,
//! `skipFirstLine`, `fromLine`, `toLine`, `asObjects`), their checks and k6's texts, over
//! the `csv` crate reading a file's shared bytes from a `File`'s offset. No JS here.
//!
//! Like Go's `encoding/csv` (k6's parser), every record must have as many fields as the
//! first one read, and blank lines are skipped; a mismatch is reported with Go's text.

use std::io::Cursor;
use std::sync::Arc;

/// A file's bytes as the csv reader's input, shared rather than copied.
struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// k6's parser options, after reading them from JS.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParserOptions {
    pub delimiter: u8,
    pub skip_first_line: bool,
    pub from_line: Option<i64>,
    pub to_line: Option<i64>,
    pub as_objects: bool,
}

impl Default for ParserOptions {
    fn default() -> Self {
        ParserOptions {
            delimiter: b',',
            skip_first_line: false,
            from_line: None,
            to_line: None,
            as_objects: false,
        }
    }
}

/// Why options or records were refused, in k6's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("delimiter must be a single character")]
    Delimiter,
    #[error("fromLine must be less than or equal to toLine")]
    FromAfterTo,
    #[error("the 'header' option cannot be enabled when 'skipFirstLine' is true")]
    HeaderAndSkipFirstLine,
    #[error(
        "the 'header' option cannot be enabled when 'fromLine' is set to a value greater than 0"
    )]
    HeaderAndFromLine,
    #[error("the '{0}' option must be greater than or equal to 0; got {1}")]
    Negative(&'static str, i64),
    #[error("the 'fromLine' option must be less than the 'toLine' option; got 'fromLine': {0}, 'toLine': {1}")]
    FromNotBeforeTo(i64, i64),
    #[error("failed to read the first line; reason: {0}")]
    Header(Box<CsvError>),
    #[error("failed to skip the first line; reason: {0}")]
    SkipFirst(Box<CsvError>),
    #[error("failed to skip lines until line {0}; reason: {1}")]
    SkipTo(i64, Box<CsvError>),
    #[error("EOF")]
    Eof,
    #[error("record on line {0}: wrong number of fields")]
    FieldCount(u64),
    #[error("{0}")]
    Parse(String),
}

/// One record: its fields, or (`asObjects`) the header's names with the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Fields(Vec<String>),
    Object(Vec<(String, String)>),
}

impl Record {
    /// The record as JSON text, as k6 stores it in a SharedArray (Go's `json.Marshal`
    /// sorts an object's keys; a repeated column keeps its last field).
    pub fn to_json(&self) -> String {
        match self {
            Record::Fields(f) => serde_json::Value::from(f.clone()).to_string(),
            Record::Object(pairs) => {
                let sorted: std::collections::BTreeMap<&str, &str> = pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                serde_json::to_string(&sorted).unwrap_or_else(|_| "{}".to_string())
            }
        }
    }
}

/// Reads records the way k6's `csv.Reader` does.
pub struct RecordReader {
    csv: csv::Reader<Cursor<SharedBytes>>,
    /// Records read so far, header and skipped lines included (k6's `currentLine`).
    line: i64,
    options: ParserOptions,
    columns: Option<Vec<String>>,
}

impl RecordReader {
    /// A reader of `bytes` from `offset`, past the header and the lines to skip.
    pub fn new(
        bytes: Arc<Vec<u8>>,
        offset: usize,
        options: ParserOptions,
    ) -> Result<Self, CsvError> {
        validate(&options)?;
        let mut input = Cursor::new(SharedBytes(bytes));
        input.set_position(offset as u64);
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(false)
            .delimiter(options.delimiter)
            .from_reader(input);
        let mut reader = RecordReader {
            csv,
            line: 0,
            options,
            columns: None,
        };
        reader.skip_leading()?;
        Ok(reader)
    }

    fn skip_leading(&mut self) -> Result<(), CsvError> {
        if self.options.as_objects {
            let header = self.raw().map_err(|e| CsvError::Header(Box::new(e)))?;
            self.columns = Some(header);
            self.line += 1;
        }
        let from = self.options.from_line.unwrap_or(0);
        if self.options.skip_first_line && from == 0 {
            self.raw().map_err(|e| CsvError::SkipFirst(Box::new(e)))?;
            self.line += 1;
        }
        while from > 0 && self.line < from {
            self.raw()
                .map_err(|e| CsvError::SkipTo(from, Box::new(e)))?;
            self.line += 1;
        }
        Ok(())
    }

    /// The next record's fields; `Eof` at the end.
    fn raw(&mut self) -> Result<Vec<String>, CsvError> {
        let mut record = csv::ByteRecord::new();
        match self.csv.read_byte_record(&mut record) {
            Ok(true) => Ok(record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect()),
            Ok(false) => Err(CsvError::Eof),
            Err(e) => Err(match e.kind() {
                csv::ErrorKind::UnequalLengths { pos, .. } => {
                    CsvError::FieldCount(pos.as_ref().map_or(0, |p| p.line()))
                }
                _ => CsvError::Parse(e.to_string()),
            }),
        }
    }

    /// The next record, or `None` past the last one (or past `toLine`).
    pub fn next_record(&mut self) -> Result<Option<Record>, CsvError> {
        if let Some(to) = self.options.to_line {
            if to > 0 && self.line > to {
                return Ok(None);
            }
        }
        let fields = match self.raw() {
            Ok(f) => f,
            Err(CsvError::Eof) => return Ok(None),
            Err(e) => return Err(e),
        };
        self.line += 1;
        let Some(columns) = &self.columns else {
            return Ok(Some(Record::Fields(fields)));
        };
        Ok(Some(Record::Object(
            columns.iter().cloned().zip(fields).collect(),
        )))
    }
}

/// k6's `validateOptions`.
fn validate(o: &ParserOptions) -> Result<(), CsvError> {
    if o.as_objects && o.skip_first_line {
        return Err(CsvError::HeaderAndSkipFirstLine);
    }
    if o.as_objects && o.from_line.is_some_and(|f| f > 0) {
        return Err(CsvError::HeaderAndFromLine);
    }
    if let Some(f) = o.from_line.filter(|f| *f < 0) {
        return Err(CsvError::Negative("fromLine", f));
    }
    if let Some(t) = o.to_line.filter(|t| *t < 0) {
        return Err(CsvError::Negative("toLine", t));
    }
    if let (Some(f), Some(t)) = (o.from_line, o.to_line) {
        if f >= t {
            return Err(CsvError::FromNotBeforeTo(f, t));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = "a,b,c\n1,2,3\n\n4,5,6\n\"x \"\"q\"\" y\",8,9\n";

    fn all(data: &str, options: ParserOptions) -> Result<Vec<String>, CsvError> {
        let mut r = RecordReader::new(Arc::new(data.as_bytes().to_vec()), 0, options)?;
        let mut out = Vec::new();
        while let Some(rec) = r.next_record()? {
            out.push(rec.to_json());
        }
        Ok(out)
    }

    #[test]
    fn blank_lines_are_skipped_and_quotes_unescaped() {
        let rows = all(DATA, ParserOptions::default()).unwrap_or_default();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[3], r#"["x \"q\" y","8","9"]"#);
    }

    #[test]
    fn from_and_to_line_count_records_like_k6() {
        let o = ParserOptions {
            from_line: Some(1),
            to_line: Some(2),
            ..ParserOptions::default()
        };
        assert_eq!(
            all(DATA, o).unwrap_or_default(),
            vec![r#"["1","2","3"]"#, r#"["4","5","6"]"#]
        );
        let o = ParserOptions {
            to_line: Some(1),
            ..ParserOptions::default()
        };
        assert_eq!(all(DATA, o).map(|r| r.len()), Ok(2));
    }

    #[test]
    fn objects_take_the_header_and_sort_keys_in_json() {
        let o = ParserOptions {
            as_objects: true,
            ..ParserOptions::default()
        };
        let rows = all("b,a\n1,2\n", o).unwrap_or_default();
        assert_eq!(rows, vec![r#"{"a":"2","b":"1"}"#]);
    }

    #[test]
    fn a_short_record_is_refused_with_gos_text() {
        let err = all("a,b\n1,2,3\n", ParserOptions::default()).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("record on line 2: wrong number of fields")
        );
    }

    #[test]
    fn skipping_past_the_end_reports_eof() {
        let o = ParserOptions {
            from_line: Some(50),
            ..ParserOptions::default()
        };
        assert_eq!(
            all(DATA, o).err().map(|e| e.to_string()).as_deref(),
            Some("failed to skip lines until line 50; reason: EOF")
        );
    }
}
