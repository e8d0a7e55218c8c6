//! Response messages as JSON, by the rules of Go's `protojson` that k6 marshals with:
//! field names in lowerCamelCase (the `json_name`), 64-bit integers as strings, enums by
//! name, bytes as standard base64, well-known types (Timestamp, Duration, Struct, wrappers,
//! Any, FieldMask) in their JSON forms. A unary response also lists unpopulated fields
//! (`EmitUnpopulated`): scalars at their zero value, lists `[]`, maps `{}`, unset messages
//! `null`, unset oneofs left out. Stream messages, like k6's, list only populated fields.
//!
//! Float fields take the shortest decimal that reads back as the same `float` (Go's
//! 32-bit formatting), so `0.1f` arrives in JS as `0.1`, as it does in k6.

use base64::Engine;
use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MapKey, ReflectMessage, SerializeOptions, Value,
};
use serde_json::{Map, Number, Value as Json};

/// Why a message could not be written as JSON (a value out of a well-known type's range).
#[derive(Debug, thiserror::Error)]
#[error("unable to convert response object to JSON: {0}")]
pub struct ToJsonError(String);

/// Which fields to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Populated {
    /// Every field, unpopulated ones at their zero value (k6's unary responses).
    All,
    /// Only populated fields (k6's stream messages).
    Only,
}

/// `message` as JSON.
pub fn message_to_json(message: &DynamicMessage, which: Populated) -> Result<Json, ToJsonError> {
    let desc = message.descriptor();
    if is_well_known(desc.full_name()) {
        return well_known_to_json(message);
    }
    let mut out = Map::new();
    for field in desc.fields() {
        let set = message.has_field(&field);
        if !set {
            let in_oneof = field.containing_oneof().is_some();
            if which == Populated::Only || in_oneof {
                continue;
            }
            if field.supports_presence() && !field.is_list() && !field.is_map() {
                // A singular message (or a proto2 scalar) that is not set: Go writes null.
                out.insert(field.json_name().to_string(), Json::Null);
                continue;
            }
        }
        let value = message.get_field(&field);
        out.insert(
            field.json_name().to_string(),
            field_to_json(&value, &field, which)?,
        );
    }
    Ok(Json::Object(out))
}

/// One field's value: a list, a map or a single value.
fn field_to_json(value: &Value, field: &FieldDescriptor, which: Populated) -> Result<Json, ToJsonError> {
    match value {
        Value::List(items) => items
            .iter()
            .map(|v| value_to_json(v, &field.kind(), which))
            .collect::<Result<Vec<_>, _>>()
            .map(Json::Array),
        Value::Map(entries) => {
            let value_kind = match field.kind() {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other,
            };
            let mut keys: Vec<&MapKey> = entries.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                if let Some(v) = entries.get(k) {
                    out.insert(map_key_text(k), value_to_json(v, &value_kind, which)?);
                }
            }
            Ok(Json::Object(out))
        }
        single => value_to_json(single, &field.kind(), which),
    }
}

/// A map key as JSON object key text.
fn map_key_text(k: &MapKey) -> String {
    match k {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

/// A single (non-list, non-map) value of kind `kind`.
fn value_to_json(value: &Value, kind: &Kind, which: Populated) -> Result<Json, ToJsonError> {
    Ok(match value {
        Value::Bool(b) => Json::Bool(*b),
        Value::I32(n) => Json::from(*n),
        Value::U32(n) => Json::from(*n),
        Value::I64(n) => Json::String(n.to_string()),
        Value::U64(n) => Json::String(n.to_string()),
        Value::F32(f) => float_to_json(f64::from(*f), || f.to_string()),
        Value::F64(f) => float_to_json(*f, || f.to_string()),
        Value::String(s) => Json::String(s.clone()),
        Value::Bytes(b) => Json::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::EnumNumber(n) => enum_to_json(*n, kind),
        Value::Message(m) => message_to_json(m, which)?,
        Value::List(_) | Value::Map(_) => {
            return Err(ToJsonError("a list or map inside a list or map".into()))
        }
    })
}

/// A finite float as a number read back from its shortest text (`shortest`: the text at the
/// field's own precision), else Go's strings for the others.
fn float_to_json(f: f64, shortest: impl Fn() -> String) -> Json {
    if f.is_nan() {
        return Json::String("NaN".into());
    }
    if f.is_infinite() {
        let text = if f > 0.0 { "Infinity" } else { "-Infinity" };
        return Json::String(text.into());
    }
    let exact = shortest().parse::<f64>().unwrap_or(f);
    Number::from_f64(exact).map_or(Json::Null, Json::Number)
}

/// An enum value by name (`null` for `google.protobuf.NullValue`); a number it has no name
/// for stays a number.
fn enum_to_json(n: i32, kind: &Kind) -> Json {
    let Kind::Enum(e) = kind else {
        return Json::from(n);
    };
    if e.full_name() == "google.protobuf.NullValue" {
        return Json::Null;
    }
    match e.get_value(n) {
        Some(v) => Json::String(v.name().to_string()),
        None => Json::from(n),
    }
}

/// The well-known types with a JSON form of their own.
pub(crate) fn is_well_known(name: &str) -> bool {
    matches!(
        name,
        "google.protobuf.Any"
            | "google.protobuf.Timestamp"
            | "google.protobuf.Duration"
            | "google.protobuf.Struct"
            | "google.protobuf.Value"
            | "google.protobuf.ListValue"
            | "google.protobuf.FieldMask"
            | "google.protobuf.DoubleValue"
            | "google.protobuf.FloatValue"
            | "google.protobuf.Int64Value"
            | "google.protobuf.UInt64Value"
            | "google.protobuf.Int32Value"
            | "google.protobuf.UInt32Value"
            | "google.protobuf.BoolValue"
            | "google.protobuf.StringValue"
            | "google.protobuf.BytesValue"
    )
}

/// A well-known type through prost-reflect's canonical JSON mapping (the same as Go's for
/// these types); `FloatValue` at 32-bit precision like any float field.
fn well_known_to_json(message: &DynamicMessage) -> Result<Json, ToJsonError> {
    if message.descriptor().full_name() == "google.protobuf.FloatValue" {
        let f = match message.get_field_by_name("value").as_deref() {
            Some(Value::F32(f)) => *f,
            _ => 0.0,
        };
        return Ok(float_to_json(f64::from(f), || f.to_string()));
    }
    let options = SerializeOptions::new().skip_default_fields(false);
    message
        .serialize_with_options(serde_json::value::Serializer, &options)
        .map_err(|e| ToJsonError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::grpc::descriptors::test_pool;

    fn echo(fields: &[(&str, Value)]) -> DynamicMessage {
        let desc = test_pool()
            .get_message_by_name("demo.EchoRequest")
            .expect("test message");
        let mut m = DynamicMessage::new(desc);
        for (name, v) in fields {
            m.set_field_by_name(name, v.clone());
        }
        m
    }

    #[test]
    fn int64_fields_are_strings_and_enums_are_names() {
        let m = echo(&[
            ("big", Value::I64(9_007_199_254_740_993)),
            ("ubig", Value::U64(5)),
            ("color", Value::EnumNumber(1)),
        ]);
        let json = message_to_json(&m, Populated::Only).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"big": "9007199254740993", "ubig": "5", "color": "RED"})
        );
    }

    #[test]
    fn unary_responses_list_unpopulated_fields_with_null_for_messages_and_no_oneofs() {
        let json = message_to_json(&echo(&[]), Populated::All).expect("json");
        let obj = json.as_object().expect("object");
        assert_eq!(obj["text"], Json::from(""));
        assert_eq!(obj["big"], Json::from("0"));
        assert_eq!(obj["color"], Json::from("COLOR_UNSPECIFIED"));
        assert_eq!(obj["tags"], serde_json::json!([]));
        assert_eq!(obj["counts"], serde_json::json!({}));
        assert_eq!(obj["inner"], Json::Null);
        assert_eq!(obj["when"], Json::Null);
        assert_eq!(obj["snakeCaseField"], Json::from(""));
        assert!(!obj.contains_key("name") && !obj.contains_key("number"));
    }

    #[test]
    fn floats_read_back_at_their_own_precision() {
        let m = echo(&[("fl", Value::F32(0.1)), ("ratio", Value::F64(f64::NAN))]);
        let json = message_to_json(&m, Populated::Only).expect("json");
        assert_eq!(json["fl"], serde_json::json!(0.1));
        assert_eq!(json["ratio"], Json::from("NaN"));
    }

    #[test]
    fn well_known_types_take_their_json_forms() {
        let pool = test_pool();
        let ts = pool
            .get_message_by_name("google.protobuf.Timestamp")
            .expect("timestamp");
        let mut when = DynamicMessage::new(ts);
        when.set_field_by_name("seconds", Value::I64(1_704_164_645));
        when.set_field_by_name("nanos", Value::I32(500_000_000));
        let du = pool
            .get_message_by_name("google.protobuf.Duration")
            .expect("duration");
        let mut took = DynamicMessage::new(du);
        took.set_field_by_name("seconds", Value::I64(1));
        took.set_field_by_name("nanos", Value::I32(500_000_000));
        let m = echo(&[
            ("when", Value::Message(when)),
            ("took", Value::Message(took)),
            ("blob", Value::Bytes(b"hello".to_vec().into())),
        ]);
        let json = message_to_json(&m, Populated::Only).expect("json");
        assert_eq!(json["when"], Json::from("2024-01-02T03:04:05.500Z"));
        assert_eq!(json["took"], Json::from("1.500s"));
        assert_eq!(json["blob"], Json::from("aGVsbG8="));
    }
}
