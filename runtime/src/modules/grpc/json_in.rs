//! Request messages from JSON text, by the rules of Go's `protojson.Unmarshal` that k6
//! uses, with its error texts and positions: k6 hands it `JSON.stringify(request)`, and a
//! script that sends a wrong type sees `proto: (line 1:10): invalid value for int32 field
//! small: "abc"`, pointing into that text.
//!
//! Fields are found by JSON name or proto name; integers come from numbers or numeric
//! strings, 64-bit ones too; floats also from `"NaN"`, `"Infinity"`, `"-Infinity"`; enums
//! from names or numbers; bytes from standard or URL-safe base64, padded or not; `null`
//! leaves a field unset. Well-known types other than the wrappers are read by
//! prost-reflect's canonical mapping, which is the same as Go's.

use base64::Engine;
use prost_reflect::{
    DynamicMessage, EnumDescriptor, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value,
};
use serde_json::Value as Json;

/// Why the request is not a valid message: Go's text, with its position in the JSON text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("proto:\u{a0}{}(line 1:{col}): {message}", if *.syntax { "syntax error " } else { "" })]
pub struct FromJsonError {
    /// 1-based column (in characters) of the offending token.
    pub col: usize,
    pub message: String,
    /// Go calls a token of the wrong JSON type a syntax error.
    pub syntax: bool,
}

/// Where each token of the JSON text starts and ends (in characters), in document order:
/// object keys and values, array elements, containers at their opening bracket.
struct Tokens {
    spans: Vec<(usize, usize)>,
    raw: Vec<String>,
    next: usize,
}

impl Tokens {
    /// Scans compact or spaced JSON text (it is valid: serde_json parsed it already).
    fn scan(text: &str) -> Tokens {
        let chars: Vec<char> = text.chars().collect();
        let mut spans = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let start = i;
            match c {
                '{' | '[' => i += 1,
                '"' => {
                    i += 1;
                    while i < chars.len() && chars[i] != '"' {
                        i += if chars[i] == '\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                c if c == '-' || c.is_ascii_alphanumeric() => {
                    while i < chars.len() && (chars[i] == '-' || chars[i] == '+' || chars[i] == '.' || chars[i].is_ascii_alphanumeric()) {
                        i += 1;
                    }
                }
                _ => {
                    i += 1;
                    continue;
                }
            }
            spans.push((start, i.min(chars.len())));
        }
        let raw = spans
            .iter()
            .map(|&(s, e)| chars[s..e].iter().collect())
            .collect();
        Tokens {
            spans,
            raw,
            next: 0,
        }
    }

    /// The next token: its 1-based column and its text (`{`/`[` for a container).
    fn take(&mut self) -> (usize, String) {
        let i = self.next;
        self.next += 1;
        let col = self.spans.get(i).map_or(0, |s| s.0) + 1;
        (col, self.raw.get(i).cloned().unwrap_or_default())
    }

    /// Passes over `v` and everything in it.
    fn skip(&mut self, v: &Json) {
        self.next += count(v);
    }
}

/// How many tokens `v` spans.
fn count(v: &Json) -> usize {
    match v {
        Json::Array(items) => 1 + items.iter().map(count).sum::<usize>(),
        Json::Object(map) => 1 + map.values().map(|v| 1 + count(v)).sum::<usize>(),
        _ => 1,
    }
}

fn error(col: usize, message: String) -> FromJsonError {
    FromJsonError {
        col,
        message,
        syntax: false,
    }
}

fn unexpected(col: usize, raw: &str) -> FromJsonError {
    FromJsonError {
        col,
        message: format!("unexpected token {raw}"),
        syntax: true,
    }
}

/// A message of type `desc` from the JSON text of an object.
pub fn message_from_json(desc: MessageDescriptor, text: &str) -> Result<DynamicMessage, FromJsonError> {
    let json: Json = serde_json::from_str(text).map_err(|e| FromJsonError {
        col: e.column(),
        message: e.to_string(),
        syntax: true,
    })?;
    let mut reader = Reader {
        tokens: Tokens::scan(text),
    };
    reader.message(desc, &json)
}

struct Reader {
    tokens: Tokens,
}

impl Reader {
    fn message(&mut self, desc: MessageDescriptor, v: &Json) -> Result<DynamicMessage, FromJsonError> {
        if let Some(value_field) = wrapper_value_field(&desc) {
            let mut m = DynamicMessage::new(desc);
            let value = self.single(&value_field, &value_field.kind(), v)?;
            m.set_field(&value_field, value);
            return Ok(m);
        }
        if super::json_out::is_well_known(desc.full_name()) {
            return self.well_known(desc, v);
        }
        let (col, raw) = self.tokens.take();
        let Json::Object(map) = v else {
            return Err(unexpected(col, &raw));
        };
        let mut m = DynamicMessage::new(desc.clone());
        let mut seen = Vec::new();
        for (key, value) in map {
            let (key_col, key_raw) = self.tokens.take();
            let field = desc
                .get_field_by_json_name(key)
                .or_else(|| desc.get_field_by_name(key))
                .ok_or_else(|| error(key_col, format!("unknown field {key_raw}")))?;
            if seen.contains(&field.number()) {
                return Err(error(key_col, format!("duplicate field {key_raw}")));
            }
            seen.push(field.number());
            if value.is_null() && !accepts_null(&field) {
                self.tokens.skip(value);
                continue;
            }
            if let Some(oneof) = field.containing_oneof() {
                if oneof.fields().any(|f| f.number() != field.number() && m.has_field(&f)) {
                    return Err(error(
                        key_col,
                        format!("error parsing {key_raw}, oneof {} is already set", oneof.full_name()),
                    ));
                }
            }
            let parsed = if field.is_map() {
                self.map(&field, value)?
            } else if field.is_list() {
                self.list(&field, value)?
            } else {
                self.single(&field, &field.kind(), value)?
            };
            m.set_field(&field, parsed);
        }
        Ok(m)
    }

    /// A well-known type by prost-reflect's mapping: a JSON value of the wrong type is
    /// Go's unexpected token, content it cannot read is `invalid <type> value`.
    fn well_known(&mut self, desc: MessageDescriptor, v: &Json) -> Result<DynamicMessage, FromJsonError> {
        let (col, raw) = self.tokens.take();
        self.tokens.next -= 1;
        self.tokens.skip(v);
        let expected_type = match desc.full_name() {
            "google.protobuf.Timestamp" | "google.protobuf.Duration" | "google.protobuf.FieldMask" => v.is_string(),
            "google.protobuf.Struct" | "google.protobuf.Any" => v.is_object(),
            "google.protobuf.ListValue" => v.is_array(),
            _ => true,
        };
        if !expected_type {
            return Err(unexpected(col, &raw));
        }
        let name = desc.full_name().to_string();
        DynamicMessage::deserialize(desc, v).map_err(|_| error(col, format!("invalid {name} value {raw}")))
    }

    fn list(&mut self, field: &FieldDescriptor, v: &Json) -> Result<Value, FromJsonError> {
        let (col, raw) = self.tokens.take();
        let Json::Array(items) = v else {
            return Err(unexpected(col, &raw));
        };
        let kind = field.kind();
        items
            .iter()
            .map(|item| self.single(field, &kind, item))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::List)
    }

    fn map(&mut self, field: &FieldDescriptor, v: &Json) -> Result<Value, FromJsonError> {
        let (col, raw) = self.tokens.take();
        let (Json::Object(entries), Kind::Message(entry)) = (v, field.kind()) else {
            return Err(unexpected(col, &raw));
        };
        let key_field = entry.map_entry_key_field();
        let value_field = entry.map_entry_value_field();
        let mut out = std::collections::HashMap::new();
        for (key, value) in entries {
            let (key_col, key_raw) = self.tokens.take();
            let k = map_key(&key_field.kind(), key)
                .ok_or_else(|| error(key_col, format!("invalid value for {} key: {key_raw}", kind_name(&key_field.kind()))))?;
            let parsed = self.single(&value_field, &value_field.kind(), value)?;
            out.insert(k, parsed);
        }
        Ok(Value::Map(out))
    }

    /// One value of `field` (an element, for lists and maps) of kind `kind`.
    fn single(&mut self, field: &FieldDescriptor, kind: &Kind, v: &Json) -> Result<Value, FromJsonError> {
        if let Kind::Message(desc) = kind {
            return self.message(desc.clone(), v).map(Value::Message);
        }
        let (col, raw) = self.tokens.take();
        self.tokens.next -= 1;
        self.tokens.skip(v);
        scalar(kind, v).ok_or_else(|| {
            error(
                col,
                format!("invalid value for {} field {}: {raw}", kind_name(kind), field.json_name()),
            )
        })
    }
}

/// Whether `null` is a value of `field` rather than "not set": `google.protobuf.Value`
/// and `google.protobuf.NullValue`.
fn accepts_null(field: &FieldDescriptor) -> bool {
    match field.kind() {
        Kind::Message(m) => m.full_name() == "google.protobuf.Value",
        Kind::Enum(e) => e.full_name() == "google.protobuf.NullValue",
        _ => false,
    }
}

/// The `value` field of a wrapper type (`google.protobuf.Int32Value`, ...).
fn wrapper_value_field(desc: &MessageDescriptor) -> Option<FieldDescriptor> {
    let name = desc.full_name().strip_prefix("google.protobuf.")?;
    let is_wrapper = matches!(
        name,
        "DoubleValue" | "FloatValue" | "Int64Value" | "UInt64Value" | "Int32Value" | "UInt32Value" | "BoolValue" | "StringValue" | "BytesValue"
    );
    is_wrapper.then(|| desc.get_field_by_name("value")).flatten()
}

/// Go's name of a field kind in messages.
fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Double => "double",
        Kind::Float => "float",
        Kind::Int32 => "int32",
        Kind::Int64 => "int64",
        Kind::Uint32 => "uint32",
        Kind::Uint64 => "uint64",
        Kind::Sint32 => "sint32",
        Kind::Sint64 => "sint64",
        Kind::Fixed32 => "fixed32",
        Kind::Fixed64 => "fixed64",
        Kind::Sfixed32 => "sfixed32",
        Kind::Sfixed64 => "sfixed64",
        Kind::Bool => "bool",
        Kind::String => "string",
        Kind::Bytes => "bytes",
        Kind::Message(_) => "message",
        Kind::Enum(_) => "enum",
    }
}

/// A scalar of `kind` from `v`, or `None` when Go would refuse it.
fn scalar(kind: &Kind, v: &Json) -> Option<Value> {
    Some(match kind {
        Kind::Bool => Value::Bool(v.as_bool()?),
        Kind::String => Value::String(v.as_str()?.to_string()),
        Kind::Bytes => Value::Bytes(decode_base64(v.as_str()?)?.into()),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(integer(v)?.try_into().ok()?),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(integer(v)?.try_into().ok()?),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(integer(v)?.try_into().ok()?),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(integer(v)?.try_into().ok()?),
        Kind::Double => Value::F64(float(v)?),
        Kind::Float => {
            let f = float(v)?;
            let narrow = f as f32;
            if f.is_finite() && narrow.is_infinite() {
                return None;
            }
            Value::F32(narrow)
        }
        Kind::Enum(e) => Value::EnumNumber(enum_number(e, v)?),
        Kind::Message(_) => return None,
    })
}

/// A JSON number, or a string holding exactly one (no spaces around), as in Go.
fn number(v: &Json) -> Option<serde_json::Number> {
    match v {
        Json::Number(n) => Some(n.clone()),
        Json::String(s) if s.trim() == s => serde_json::from_str::<serde_json::Number>(s).ok(),
        _ => None,
    }
}

/// An integral number (`1e2` and `1.0` are), widened to i128 for the range checks.
fn integer(v: &Json) -> Option<i128> {
    let n = number(v)?;
    if let Some(i) = n.as_i64() {
        return Some(i.into());
    }
    if let Some(u) = n.as_u64() {
        return Some(u.into());
    }
    let f = n.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 1.8e19).then_some(f as i128)
}

fn float(v: &Json) -> Option<f64> {
    match v.as_str() {
        Some("NaN") => return Some(f64::NAN),
        Some("Infinity") => return Some(f64::INFINITY),
        Some("-Infinity") => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    number(v)?.as_f64()
}

fn enum_number(e: &EnumDescriptor, v: &Json) -> Option<i32> {
    match v {
        Json::String(name) => e.get_value_by_name(name).map(|ev| ev.number()),
        Json::Null if e.full_name() == "google.protobuf.NullValue" => Some(0),
        other => integer(other)?.try_into().ok(),
    }
}

/// Standard or URL-safe base64 (Go picks URL-safe when it sees `-` or `_`), padding
/// optional.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let url = s.contains(['-', '_']);
    let padded = s.len() % 4 == 0;
    let engine = match (url, padded) {
        (false, true) => &STANDARD,
        (false, false) => &STANDARD_NO_PAD,
        (true, true) => &URL_SAFE,
        (true, false) => &URL_SAFE_NO_PAD,
    };
    engine.decode(s).ok()
}

/// A map key of `kind` from its JSON object key text.
fn map_key(kind: &Kind, key: &str) -> Option<MapKey> {
    let as_json = Json::String(key.to_string());
    Some(match kind {
        Kind::String => MapKey::String(key.to_string()),
        Kind::Bool => match key {
            "true" => MapKey::Bool(true),
            "false" => MapKey::Bool(false),
            _ => return None,
        },
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => MapKey::I32(integer(&as_json)?.try_into().ok()?),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => MapKey::I64(integer(&as_json)?.try_into().ok()?),
        Kind::Uint32 | Kind::Fixed32 => MapKey::U32(integer(&as_json)?.try_into().ok()?),
        Kind::Uint64 | Kind::Fixed64 => MapKey::U64(integer(&as_json)?.try_into().ok()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::grpc::descriptors::test_pool;

    fn parse(text: &str) -> Result<DynamicMessage, String> {
        let desc = test_pool()
            .get_message_by_name("demo.EchoRequest")
            .expect("test message");
        message_from_json(desc, text).map_err(|e| e.to_string())
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("{text} parsed"),
            Err(e) => e.replacen("proto:\u{a0}", "", 1),
        }
    }

    #[test]
    fn int64_from_strings_and_numbers_and_enums_from_names_or_numbers() {
        let m = parse(r#"{"big":"9007199254740993","ubig":5,"small":"1e2","color":"GREEN","number":7}"#)
            .expect("parses");
        assert_eq!(m.get_field_by_name("big").as_deref(), Some(&Value::I64(9_007_199_254_740_993)));
        assert_eq!(m.get_field_by_name("ubig").as_deref(), Some(&Value::U64(5)));
        assert_eq!(m.get_field_by_name("small").as_deref(), Some(&Value::I32(100)));
        assert_eq!(m.get_field_by_name("color").as_deref(), Some(&Value::EnumNumber(2)));
    }

    #[test]
    fn proto_names_and_url_safe_base64_and_well_known_types_are_read() {
        let m = parse(r#"{"snake_case_field":"x","blob":"aGVsbG8_","when":"2024-01-02T03:04:05.5Z","took":"1.5s","extra":{"a":[1,null]}}"#)
            .expect("parses");
        assert_eq!(m.get_field_by_name("snake_case_field").as_deref(), Some(&Value::String("x".into())));
        assert_eq!(
            m.get_field_by_name("blob").as_deref(),
            Some(&Value::Bytes(b"hello?".to_vec().into()))
        );
        let json = super::super::json_out::message_to_json(&m, super::super::json_out::Populated::Only).expect("json");
        assert_eq!(json["when"], Json::from("2024-01-02T03:04:05.500Z"));
        assert_eq!(json["took"], Json::from("1.500s"));
        assert_eq!(json["extra"], serde_json::json!({"a": [1.0, null]}));
    }

    #[test]
    fn errors_name_the_field_and_the_token_where_go_does() {
        assert_eq!(err(r#"{"foo":1}"#), r#"(line 1:2): unknown field "foo""#);
        assert_eq!(err(r#"{"small":"abc"}"#), r#"(line 1:10): invalid value for int32 field small: "abc""#);
        assert_eq!(err(r#"{"snake_case_field":5}"#), "(line 1:21): invalid value for string field snakeCaseField: 5");
        assert_eq!(err(r#"{"tags":"a"}"#), r#"syntax error (line 1:9): unexpected token "a""#);
        assert_eq!(err(r#"{"inner":[1]}"#), "syntax error (line 1:10): unexpected token [");
        assert_eq!(
            err(r#"{"name":"a","number":1}"#),
            r#"(line 1:13): error parsing "number", oneof demo.EchoRequest.choice is already set"#
        );
        assert_eq!(err(r#"{"when":"abc"}"#), r#"(line 1:9): invalid google.protobuf.Timestamp value "abc""#);
        assert_eq!(err(r#"{"took":5}"#), "syntax error (line 1:9): unexpected token 5");
        assert_eq!(err(r#"{"counts":{"a":"x"}}"#), r#"(line 1:16): invalid value for int32 field value: "x""#);
        assert_eq!(err(r#"{"small":1.5}"#), "(line 1:10): invalid value for int32 field small: 1.5");
        assert_eq!(err(r#"{"fl":1e+300}"#), "(line 1:7): invalid value for float field fl: 1e+300");
        assert_eq!(err(r#"{"tags":[null]}"#), "(line 1:10): invalid value for string field tags: null");
        assert_eq!(
            err(r#"{"snakeCaseField":"a","snake_case_field":"b"}"#),
            r#"(line 1:23): duplicate field "snake_case_field""#
        );
        assert_eq!(err(r#"{"maybe":5}"#), "(line 1:10): invalid value for string field value: 5");
        assert_eq!(err(r#"{"inner":{"label":"x","bogus":1}}"#), r#"(line 1:23): unknown field "bogus""#);
        assert_eq!(err(r#"{"ubig":-1}"#), "(line 1:9): invalid value for uint64 field ubig: -1");
        assert_eq!(err(r#"{"flag":"true"}"#), r#"(line 1:9): invalid value for bool field flag: "true""#);
    }

    #[test]
    fn null_leaves_a_field_unset() {
        let m = parse(r#"{"text":null,"inner":null,"tags":null}"#).expect("parses");
        assert!(!m.has_field_by_name("inner"));
        assert!(!m.has_field_by_name("text"));
    }
}
