//! `k6/experimental/fs`: `open(path)` in the init context resolves to a `File` with
//! `stat()`, `read(Uint8Array)` and `seek(offset, whence)`, each returning a promise.
//!
//! A file's bytes are read from disk once per process (the run's `SourceCache`, which
//! `open()` and module sources share) and held read-only by every VU that opens it; only
//! the read offset is per `File` object, so VUs never see each other's position. Paths are
//! relative to the entry script's folder, as in k6. Promises settle at once (the bytes are
//! in memory), with k6's values and k6's error objects (`NotFoundError`, `ForbiddenError`,
//! `TypeError`, ... as plain objects with `name` and `message`, see [`super`]).

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use boa_engine::object::builtins::{JsArrayBuffer, JsTypedArray};
use boa_engine::object::ObjectInitializer;
use boa_engine::property::Attribute;
use boa_engine::{
    js_string, Context, Finalize, JsData, JsNativeError, JsObject, JsResult, JsValue,
    NativeFunction, Trace,
};

use super::{method, named_error_value, rejected, resolved};
use crate::modules::key;
use crate::vu::state::{vu_config, vu_phase, Phase};

/// The kinds of error k6's fs module names (its `errorKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsErrorKind {
    NotFound,
    InvalidResource,
    Forbidden,
    Type,
}

impl FsErrorKind {
    fn name(self) -> &'static str {
        match self {
            FsErrorKind::NotFound => "NotFoundError",
            FsErrorKind::InvalidResource => "InvalidResourceError",
            FsErrorKind::Forbidden => "ForbiddenError",
            FsErrorKind::Type => "TypeError",
        }
    }
}

/// An error of the fs module, as k6 words it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {message}", kind.name())]
pub struct FsError {
    pub kind: FsErrorKind,
    pub message: String,
}

impl FsError {
    fn new(kind: FsErrorKind, message: impl Into<String>) -> Self {
        FsError {
            kind,
            message: message.into(),
        }
    }

    fn type_error(message: impl Into<String>) -> Self {
        FsError::new(FsErrorKind::Type, message)
    }

    /// The object a script catches.
    fn to_js(&self, ctx: &mut Context) -> JsValue {
        named_error_value(self.kind.name(), &self.message, ctx)
    }
}

/// Why a file could not be opened.
#[derive(Debug, thiserror::Error)]
enum OpenError {
    #[error(transparent)]
    Fs(#[from] FsError),
    /// Any other I/O failure, shown as Go's `*PathError` text.
    #[error("open {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// `SeekMode`: where a seek's offset counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeekMode {
    Start,
    Current,
    End,
}

impl SeekMode {
    fn from_number(n: i64) -> Option<Self> {
        match n {
            0 => Some(SeekMode::Start),
            1 => Some(SeekMode::Current),
            2 => Some(SeekMode::End),
            _ => None,
        }
    }
}

/// What a `File` object stands for: the shared bytes and this object's own offset.
// SAFETY (unsafe_empty_trace): plain Rust data, no GC pointers.
#[derive(Trace, Finalize, JsData)]
#[boa_gc(unsafe_empty_trace)]
pub struct FileHandle {
    pub path: PathBuf,
    pub bytes: Arc<Vec<u8>>,
    pub offset: Cell<usize>,
}

impl FileHandle {
    /// k6's `file.Read`: copies from the offset into `into`; `None` at the end of the file
    /// (a read that gets some bytes before the end reports those).
    pub fn read(&self, into: &mut [u8]) -> Option<usize> {
        let at = self.offset.get();
        if at >= self.bytes.len() {
            return None;
        }
        let end = (at + into.len()).min(self.bytes.len());
        let n = end - at;
        into[..n].copy_from_slice(&self.bytes[at..end]);
        self.offset.set(end);
        Some(n)
    }

    /// k6's `file.Seek`, including its end-relative base of `size - 1`.
    pub fn seek(&self, offset: i64, whence: SeekMode) -> Result<usize, FsError> {
        let size = self.bytes.len() as i64;
        let target = match whence {
            SeekMode::Start if offset < 0 => {
                return Err(FsError::type_error(
                    "offset cannot be negative when using SeekModeStart",
                ))
            }
            SeekMode::Start => offset,
            SeekMode::Current => self.offset.get() as i64 + offset,
            SeekMode::End if offset > 0 => {
                return Err(FsError::type_error(
                    "offset cannot be positive when using SeekModeEnd",
                ))
            }
            SeekMode::End => size - 1 + offset,
        };
        if target < 0 {
            return Err(FsError::type_error("seeking before start of file"));
        }
        if target > size {
            return Err(FsError::type_error("seeking beyond end of file"));
        }
        self.offset.set(target as usize);
        Ok(target as usize)
    }
}

/// The module's exports: `open` and `SeekMode`.
pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    let seek_mode = ObjectInitializer::new(ctx)
        .property(js_string!("Start"), 0, Attribute::all())
        .property(js_string!("Current"), 1, Attribute::all())
        .property(js_string!("End"), 2, Attribute::all())
        .build();
    let exports = ObjectInitializer::new(ctx)
        .property(js_string!("SeekMode"), seek_mode, Attribute::all())
        .build();
    method(&exports, "open", NativeFunction::from_fn_ptr(open), 1, ctx)?;
    Ok(exports)
}

/// `open(path)`: a promise of a `File`, rejected with k6's errors.
fn open(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let path = args.first().cloned().unwrap_or_default();
    match open_file(&path, ctx)? {
        Ok(handle) => {
            let file = file_object(handle, ctx)?;
            resolved(file.into(), ctx)
        }
        Err(OpenError::Fs(e)) => {
            let reason = e.to_js(ctx);
            rejected(reason, ctx)
        }
        Err(e @ OpenError::Io { .. }) => {
            let reason = super::go_error_value(&e.to_string(), ctx);
            rejected(reason, ctx)
        }
    }
}

/// k6's checks, in k6's order, then the shared bytes.
fn open_file(path: &JsValue, ctx: &mut Context) -> JsResult<Result<FileHandle, OpenError>> {
    if vu_phase(ctx)? != Phase::Init {
        return Ok(Err(FsError::new(
            FsErrorKind::Forbidden,
            "open() failed; reason: opening a file is allowed only in the Init context",
        )
        .into()));
    }
    if path.is_null_or_undefined() {
        return Ok(Err(FsError::type_error(
            "open() failed; reason: path cannot be null or undefined",
        )
        .into()));
    }
    let name = path.to_string(ctx)?.to_std_string_escaped();
    if name.is_empty() {
        return Ok(Err(FsError::type_error(
            "open() failed; reason: path cannot be empty",
        )
        .into()));
    }
    let config = vu_config(ctx)?;
    let rel = name.strip_prefix("file://").unwrap_or(&name);
    let path = config.script_relative(rel);
    Ok(read_shared(&path, &config.sources))
}

/// The bytes of `path`, read once per process.
fn read_shared(path: &Path, sources: &crate::config::SourceCache) -> Result<FileHandle, OpenError> {
    let shown = path.display().to_string();
    if !sources.contains(path) {
        // A sealed tree (an archive's) holds every file there is.
        if sources.is_sealed() || !path.exists() {
            let msg = format!("no such file or directory {shown:?}");
            return Err(FsError::new(FsErrorKind::NotFound, msg).into());
        }
        if path.is_dir() {
            let msg = format!("cannot open {shown:?}: opening a directory is not supported");
            return Err(FsError::new(FsErrorKind::InvalidResource, msg).into());
        }
    }
    let bytes = sources.read(path).map_err(|source| OpenError::Io {
        path: shown,
        source,
    })?;
    Ok(FileHandle {
        path: path.to_path_buf(),
        bytes,
        offset: Cell::new(0),
    })
}

/// The JS `File`: `path` and the three methods, own and enumerable as k6 shows them.
fn file_object(handle: FileHandle, ctx: &mut Context) -> JsResult<JsObject> {
    let path = key(&handle.path.display().to_string());
    let file = ObjectInitializer::with_native_data(handle, ctx)
        .property(js_string!("path"), path, Attribute::all())
        .build();
    method(&file, "read", NativeFunction::from_fn_ptr(read), 1, ctx)?;
    method(&file, "seek", NativeFunction::from_fn_ptr(seek), 2, ctx)?;
    method(&file, "stat", NativeFunction::from_fn_ptr(stat), 0, ctx)?;
    Ok(file)
}

/// The `File` object behind `this`, or a TypeError.
fn this_file(this: &JsValue) -> JsResult<JsObject> {
    this.as_object()
        .filter(|o| o.downcast_ref::<FileHandle>().is_some())
        .ok_or_else(|| {
            JsNativeError::typ()
                .with_message("the method's receiver is not a File of k6/experimental/fs")
                .into()
        })
}

/// `file.stat()`: a promise of `{ name, size }`.
fn stat(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let file = this_file(this)?;
    let (name, size) = {
        let Some(h) = file.downcast_ref::<FileHandle>() else {
            return Ok(JsValue::undefined());
        };
        let name = h
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (name, h.bytes.len())
    };
    let info = ObjectInitializer::new(ctx)
        .property(js_string!("name"), key(&name), Attribute::all())
        .property(js_string!("size"), size as f64, Attribute::all())
        .build();
    resolved(info.into(), ctx)
}

/// `file.read(into)`: a promise of the number of bytes read, or `null` at the end.
fn read(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let file = this_file(this)?;
    let into = args.first().cloned().unwrap_or_default();
    let buffer = match uint8_array_buffer(&into, ctx)? {
        Ok(b) => b,
        Err(e) => {
            let reason = e.to_js(ctx);
            return rejected(reason, ctx);
        }
    };
    let n = {
        let (Some(h), Some(mut data)) = (file.downcast_ref::<FileHandle>(), buffer.data_mut())
        else {
            return resolved(JsValue::null(), ctx);
        };
        h.read(&mut data)
    };
    resolved(n.map_or(JsValue::null(), |n| JsValue::from(n as f64)), ctx)
}

/// The whole `ArrayBuffer` under a `Uint8Array` (k6 fills the buffer from its start,
/// whatever the view's offset), or k6's TypeError.
fn uint8_array_buffer(
    into: &JsValue,
    ctx: &mut Context,
) -> JsResult<Result<JsArrayBuffer, FsError>> {
    if into.is_null_or_undefined() {
        return Ok(Err(FsError::type_error(
            "read() failed; reason: into argument cannot be null or undefined",
        )));
    }
    let not_uint8 =
        || FsError::type_error("read() failed; reason: into argument must be a Uint8Array");
    let Some(obj) = into.as_object() else {
        return Ok(Err(not_uint8()));
    };
    let uint8 = ctx
        .intrinsics()
        .constructors()
        .typed_uint8_array()
        .constructor();
    let ctor = obj.get(js_string!("constructor"), ctx)?;
    if !ctor
        .as_object()
        .is_some_and(|c| JsObject::equals(&c, &uint8))
    {
        return Ok(Err(not_uint8()));
    }
    let Ok(array) = JsTypedArray::from_object(obj.clone()) else {
        return Ok(Err(not_uint8()));
    };
    let buffer = array.buffer(ctx)?;
    match buffer
        .as_object()
        .and_then(|o| JsArrayBuffer::from_object(o.clone()).ok())
    {
        Some(b) => Ok(Ok(b)),
        None => Ok(Err(not_uint8())),
    }
}

/// `file.seek(offset, whence)`: a promise of the new offset.
fn seek(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let file = this_file(this)?;
    let outcome = seek_args(args).and_then(|(offset, whence)| {
        let Some(h) = file.downcast_ref::<FileHandle>() else {
            return Err(FsError::type_error("invalid seek mode"));
        };
        h.seek(offset, whence)
    });
    match outcome {
        Ok(at) => resolved(JsValue::from(at as f64), ctx),
        Err(e) => {
            let reason = e.to_js(ctx);
            rejected(reason, ctx)
        }
    }
}

/// The offset and the mode, checked like k6 (integers only, a known mode).
fn seek_args(args: &[JsValue]) -> Result<(i64, SeekMode), FsError> {
    let int = |i: usize, what: &str| -> Result<i64, FsError> {
        let v = args.get(i).cloned().unwrap_or_default();
        if v.is_null_or_undefined() {
            return Err(FsError::type_error(format!(
                "seek() failed; reason: the {what} argument cannot be null or undefined"
            )));
        }
        match v.as_number() {
            Some(n) if n.is_finite() && n.fract() == 0.0 => Ok(n as i64),
            _ => Err(FsError::type_error(format!(
                "seek() failed; reason: the {what} argument must be a number"
            ))),
        }
    };
    let offset = int(0, "offset")?;
    let whence = int(1, "whence")?;
    let mode = SeekMode::from_number(whence).ok_or_else(|| {
        FsError::type_error("seek() failed; reason: the whence argument must be a SeekMode")
    })?;
    Ok((offset, mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handle(bytes: &[u8]) -> FileHandle {
        FileHandle {
            path: PathBuf::from("/x/bonjour.txt"),
            bytes: Arc::new(bytes.to_vec()),
            offset: Cell::new(0),
        }
    }

    #[test]
    fn reads_report_short_counts_then_the_end_of_the_file() {
        let h = handle(b"hello world");
        let mut buf = [0u8; 4];
        assert_eq!(h.read(&mut buf), Some(4));
        assert_eq!(h.read(&mut buf), Some(4));
        assert_eq!(h.read(&mut buf), Some(3));
        assert_eq!(&buf[..3], b"rld");
        assert_eq!(h.read(&mut buf), None);
        assert_eq!(h.read(&mut []), None);
    }

    #[test]
    fn seeking_from_the_end_counts_from_the_last_byte_like_k6() {
        let h = handle(b"hello world");
        assert_eq!(h.seek(0, SeekMode::End).ok(), Some(10));
        assert_eq!(h.seek(-1, SeekMode::End).ok(), Some(9));
        assert_eq!(h.seek(2, SeekMode::Current).ok(), Some(11));
        let err = |r: Result<usize, FsError>| r.err().map(|e| e.to_string());
        assert_eq!(
            err(h.seek(1, SeekMode::Current)).as_deref(),
            Some("TypeError: seeking beyond end of file")
        );
        assert_eq!(
            err(h.seek(-1, SeekMode::Start)).as_deref(),
            Some("TypeError: offset cannot be negative when using SeekModeStart")
        );
        assert_eq!(
            err(h.seek(-12, SeekMode::End)).as_deref(),
            Some("TypeError: seeking before start of file")
        );
    }

    #[test]
    fn seek_arguments_must_be_integers_and_a_known_mode() {
        let e = |args: &[JsValue]| seek_args(args).err().map(|e| e.message);
        assert_eq!(
            e(&[JsValue::from(1.5), JsValue::from(0)]).as_deref(),
            Some("seek() failed; reason: the offset argument must be a number")
        );
        assert_eq!(
            e(&[JsValue::from(1), JsValue::from(5)]).as_deref(),
            Some("seek() failed; reason: the whence argument must be a SeekMode")
        );
        assert_eq!(
            e(&[JsValue::null(), JsValue::from(0)]).as_deref(),
            Some("seek() failed; reason: the offset argument cannot be null or undefined")
        );
    }
}
