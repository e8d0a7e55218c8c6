//! `k6/experimental/csv`: `csv.parse(file, options)` resolves to a SharedArray of a
//! `k6/experimental/fs` File's records, and `new csv.Parser(file, options)` reads them
//! one `await parser.next()` at a time. Records come from [`reader`].
//!
//! `parse` builds its array once per process for a file, offset and set of options (k6
//! builds one per VU under a time-based name; the contents are the same) and each VU gets
//! a read-only view, as `k6/data` does. A `Parser` is per VU: its File's bytes are shared,
//! its position is its own. Both consume the File from its current offset and leave the
//! offset at the end. Errors are k6's: a parser's constructor throws `GoError`s, promises
//! reject with Go error values (see [`super`]).

pub mod reader;

use std::cell::RefCell;

use boa_engine::object::builtins::JsArray;
use boa_engine::object::{FunctionObjectBuilder, ObjectInitializer};
use boa_engine::property::Attribute;
use boa_engine::{
    js_string, Context, Finalize, JsData, JsNativeError, JsObject, JsResult, JsValue,
    NativeFunction, Trace,
};

use self::reader::{CsvError, ParserOptions, Record, RecordReader};
use super::fs::FileHandle;
use super::{go_error_value, method, rejected, resolved};
use crate::modules::{go_error, key, new_object};
use crate::vu::state::{vu_phase, Phase};

/// The module's exports: `parse` and `Parser` (also the default export's members).
pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    let exports = new_object(ctx);
    method(
        &exports,
        "parse",
        NativeFunction::from_fn_ptr(parse),
        2,
        ctx,
    )?;
    let parser = FunctionObjectBuilder::new(ctx.realm(), NativeFunction::from_fn_ptr(new_parser))
        .name(js_string!("Parser"))
        .length(2)
        .constructor(true)
        .build();
    exports.set(js_string!("Parser"), parser, false, ctx)?;
    Ok(exports)
}

/// Where a File argument failed to be one.
enum NotAFile {
    /// An object that is not a File: k6 gets a File without a reader.
    NoReader,
    /// A primitive, named by the Go type k6 reports.
    Primitive(&'static str),
}

impl NotAFile {
    fn text(&self) -> String {
        match self {
            NotAFile::NoReader => {
                "failed to create a new parser; reason: the reader cannot be nil".into()
            }
            NotAFile::Primitive(t) => {
                format!("first argument expected to be a fs.File instance, got {t} instead")
            }
        }
    }
}

/// The shared bytes and offset of the File `v`, leaving its offset at the end.
fn take_file(v: &JsValue) -> Result<(std::sync::Arc<Vec<u8>>, usize, String), NotAFile> {
    let Some(obj) = v.as_object() else {
        return Err(NotAFile::Primitive(go_type(v)));
    };
    let Some(h) = obj.downcast_ref::<FileHandle>() else {
        return Err(NotAFile::NoReader);
    };
    let at = h.offset.replace(h.bytes.len());
    Ok((h.bytes.clone(), at, h.path.display().to_string()))
}

/// The Go type name sobek gives a JS primitive, as `%T` prints it.
fn go_type(v: &JsValue) -> &'static str {
    if let Some(s) = v.as_string() {
        return if s.to_std_string_escaped().is_ascii() {
            "sobek.asciiString"
        } else {
            "sobek.unicodeString"
        };
    }
    match v.as_number() {
        Some(n) if n.fract() == 0.0 && n.is_finite() => "sobek.valueInt",
        Some(_) => "sobek.valueFloat",
        None if v.is_boolean() => "sobek.valueBool",
        None if v.is_symbol() => "*sobek.Symbol",
        None => "*sobek.valueBigInt",
    }
}

/// Reads k6's options from `obj`: a property counts when present, even if undefined.
fn read_options(obj: &JsObject, ctx: &mut Context) -> JsResult<Result<ParserOptions, CsvError>> {
    let mut o = ParserOptions::default();
    let get = |name: &str, ctx: &mut Context| -> JsResult<Option<JsValue>> {
        if !obj.has_property(key(name), ctx)? {
            return Ok(None);
        }
        obj.get(key(name), ctx).map(Some)
    };
    if let Some(v) = get("delimiter", ctx)? {
        let d = v.to_string(ctx)?.to_std_string_escaped();
        match d.as_bytes() {
            [b] => o.delimiter = *b,
            _ => return Ok(Err(CsvError::Delimiter)),
        }
    }
    if let Some(v) = get("skipFirstLine", ctx)? {
        o.skip_first_line = v.to_boolean();
    }
    if let Some(v) = get("fromLine", ctx)? {
        o.from_line = Some(integer(&v, ctx)?);
    }
    if let Some(v) = get("toLine", ctx)? {
        o.to_line = Some(integer(&v, ctx)?);
    }
    if let Some(v) = get("asObjects", ctx)? {
        o.as_objects = v.to_boolean();
    }
    if let (Some(f), Some(t)) = (o.from_line, o.to_line) {
        if f >= t {
            return Ok(Err(CsvError::FromAfterTo));
        }
    }
    Ok(Ok(o))
}

/// JS `ToInteger` as sobek does it (NaN is 0, saturating).
fn integer(v: &JsValue, ctx: &mut Context) -> JsResult<i64> {
    let n = v.to_number(ctx)?;
    Ok(if n.is_nan() { 0 } else { n.trunc() as i64 })
}

/// The options argument as an object, or the TypeError sobek's `ToObject` throws.
fn options_object(v: &JsValue, ctx: &mut Context) -> JsResult<JsObject> {
    if v.is_null_or_undefined() {
        return Err(JsNativeError::typ()
            .with_message("Cannot convert undefined or null to object")
            .into());
    }
    v.to_object(ctx)
}

/// `csv.parse(file, options)`.
fn parse(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let file = args.first().cloned().unwrap_or_default();
    // k6 reads options only when passed; passed as undefined or null they throw.
    let options = match args.get(1) {
        Some(v) => Some(options_object(v, ctx)?),
        None => None,
    };
    let reject = |text: String, ctx: &mut Context| {
        let reason = go_error_value(&text, ctx);
        rejected(reason, ctx)
    };
    let read = match &options {
        Some(obj) => read_options(obj, ctx)?,
        None => Ok(ParserOptions::default()),
    };
    let options = match read {
        Ok(o) => o,
        Err(e) => {
            return reject(
                format!("failed to interpret the provided Parser options; reason: {e}"),
                ctx,
            )
        }
    };
    let (bytes, offset, path) = match take_file(&file) {
        Ok(f) => f,
        Err(e) => return reject(e.text(), ctx),
    };
    let name = format!("csv.parse.{path}#{offset}#{options:?}");
    let built = crate::modules::data::shared_from(
        &name,
        || {
            let mut r = RecordReader::new(bytes, offset, options)
                .map_err(|e| format!("failed to create a new parser; reason: {e}"))?;
            let mut rows = Vec::new();
            while let Some(rec) = r
                .next_record()
                .map_err(|e| format!("failed to read record; reason: {e}"))?
            {
                rows.push(rec.to_json().into_boxed_str());
            }
            Ok::<_, String>(rows)
        },
        ctx,
    )?;
    match built {
        Ok(array) => resolved(array, ctx),
        Err(text) => reject(text, ctx),
    }
}

/// A `Parser` object's reader.
// SAFETY (unsafe_empty_trace): plain Rust data, no GC pointers.
#[derive(Trace, Finalize, JsData)]
#[boa_gc(unsafe_empty_trace)]
struct ParserData(RefCell<RecordReader>);

/// `new csv.Parser(file, options)`, with k6's checks in k6's order.
fn new_parser(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? != Phase::Init {
        return Err(go_error(
            "csv Parser constructor must be called in the init context",
            ctx,
        ));
    }
    let file = args.first().cloned().unwrap_or_default();
    if file.is_null_or_undefined() {
        return Err(go_error(
            "csv Parser constructor takes at least one non-nil source argument",
            ctx,
        ));
    }
    if let Err(NotAFile::Primitive(t)) = peek_file(&file) {
        return Err(go_error(&NotAFile::Primitive(t).text(), ctx));
    }
    let mut options = ParserOptions::default();
    if args.len() == 2 && !args[1].is_undefined() {
        let obj = options_object(&args[1], ctx)?;
        options = read_options(&obj, ctx)?.map_err(|e| {
            go_error(
                &format!("encountered an error while interpreting Parser options; reason: {e}"),
                ctx,
            )
        })?;
    }
    let (bytes, offset, _) = take_file(&file).map_err(|e| go_error(&e.text(), ctx))?;
    let reader = RecordReader::new(bytes, offset, options)
        .map_err(|e| go_error(&format!("failed to create a new parser; reason: {e}"), ctx))?;
    let parser = ObjectInitializer::with_native_data(ParserData(RefCell::new(reader)), ctx).build();
    method(&parser, "next", NativeFunction::from_fn_ptr(next), 0, ctx)?;
    Ok(parser.into())
}

/// Whether `v` is a File, without touching its offset.
fn peek_file(v: &JsValue) -> Result<(), NotAFile> {
    match v.as_object() {
        None => Err(NotAFile::Primitive(go_type(v))),
        Some(o) if o.downcast_ref::<FileHandle>().is_some() => Ok(()),
        Some(_) => Err(NotAFile::NoReader),
    }
}

/// `parser.next()`: a promise of `{ done, value }`; `value` is `[]` once done.
fn next(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let Some(obj) = this.as_object() else {
        return Err(JsNativeError::typ()
            .with_message("next() called on an object that is not a csv Parser")
            .into());
    };
    let record = {
        let Some(data) = obj.downcast_ref::<ParserData>() else {
            return Err(JsNativeError::typ()
                .with_message("next() called on an object that is not a csv Parser")
                .into());
        };
        let mut reader = data.0.borrow_mut();
        reader.next_record()
    };
    let (done, value) = match record {
        Ok(Some(rec)) => (false, record_value(rec, ctx)?),
        Ok(None) => (true, JsArray::new(ctx)?.into()),
        Err(e) => {
            let reason = go_error_value(&e.to_string(), ctx);
            return rejected(reason, ctx);
        }
    };
    let result = ObjectInitializer::new(ctx)
        .property(js_string!("done"), done, Attribute::all())
        .property(js_string!("value"), value, Attribute::all())
        .build();
    resolved(result.into(), ctx)
}

/// A record as JS: an array of strings, or an object in the header's column order.
fn record_value(rec: Record, ctx: &mut Context) -> JsResult<JsValue> {
    match rec {
        Record::Fields(fields) => {
            let values: Vec<JsValue> = fields.iter().map(|f| key(f).into()).collect();
            Ok(JsArray::from_iter(values, ctx).into())
        }
        Record::Object(pairs) => {
            let obj = new_object(ctx);
            for (k, v) in pairs {
                obj.set(key(&k), key(&v), false, ctx)?;
            }
            Ok(obj.into())
        }
    }
}
