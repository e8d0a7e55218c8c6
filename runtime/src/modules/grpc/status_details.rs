//! A failed call's rich status: the `google.rpc.Status` a server puts in the
//! `grpc-status-details-bin` trailer, whose `details` are `Any`s of the
//! `google.rpc` error details (`ErrorInfo`, `BadRequest`, ...) or of the script's own
//! messages. k6 shows them in a call's `error.details` as protojson `Any`s (`@type` and
//! the fields by JSON name) and in a stream's `error` event as Go values (fields by proto
//! name, no `@type`). The `google.rpc` schema is compiled by protox at run time.

use std::sync::OnceLock;

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor};
use serde_json::{Map, Value as Json};

use super::json_out::{message_to_json, message_to_proto_named_json, Populated};

/// `google/rpc/status.proto` and `google/rpc/error_details.proto` (the published field
/// numbers and names).
const SCHEMA: &str = r#"
syntax = "proto3";
package google.rpc;
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
message RetryInfo { google.protobuf.Duration retry_delay = 1; }
message DebugInfo { repeated string stack_entries = 1; string detail = 2; }
message QuotaFailure {
  message Violation {
    string subject = 1; string description = 2; string api_service = 3; string quota_metric = 4;
    string quota_id = 5; map<string, string> quota_dimensions = 6; int64 quota_value = 7;
    optional int64 future_quota_value = 8;
  }
  repeated Violation violations = 1;
}
message PreconditionFailure {
  message Violation { string type = 1; string subject = 2; string description = 3; }
  repeated Violation violations = 1;
}
message BadRequest {
  message FieldViolation {
    string field = 1; string description = 2; string reason = 3; LocalizedMessage localized_message = 4;
  }
  repeated FieldViolation field_violations = 1;
}
message RequestInfo { string request_id = 1; string serving_data = 2; }
message ResourceInfo { string resource_type = 1; string resource_name = 2; string owner = 3; string description = 4; }
message Help {
  message Link { string description = 1; string url = 2; }
  repeated Link links = 1;
}
message LocalizedMessage { string locale = 1; string message = 2; }
"#;

/// The `google.rpc` types.
fn rpc_pool() -> Option<&'static DescriptorPool> {
    static POOL: OnceLock<Option<DescriptorPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        struct Rpc;
        impl protox::file::FileResolver for Rpc {
            fn open_file(&self, name: &str) -> Result<protox::file::File, protox::Error> {
                if name == "google/rpc/details.proto" {
                    return protox::file::File::from_source(name, SCHEMA);
                }
                protox::file::GoogleFileResolver::new().open_file(name)
            }
        }
        let mut compiler = protox::Compiler::with_file_resolver(Rpc);
        compiler.include_imports(true);
        compiler.open_file("google/rpc/details.proto").ok()?;
        Some(compiler.descriptor_pool())
    })
    .as_ref()
}

/// The type an `Any`'s URL names, among the `google.rpc` types and `extra`.
fn resolve(type_url: &str, extra: &DescriptorPool) -> Option<MessageDescriptor> {
    let name = type_url.rsplit('/').next()?;
    rpc_pool()
        .and_then(|p| p.get_message_by_name(name))
        .or_else(|| extra.get_message_by_name(name))
}

/// The details of a `google.rpc.Status` (its serialized bytes), decoded; details of
/// unknown types are left out.
fn details(raw: &[u8], extra: &DescriptorPool) -> Vec<(String, DynamicMessage)> {
    let Ok(status) = StatusProto::decode(raw) else {
        return Vec::new();
    };
    status
        .details
        .iter()
        .filter_map(|any| {
            let desc = resolve(&any.type_url, extra)?;
            let msg = DynamicMessage::decode(desc, any.value.as_slice()).ok()?;
            Some((any.type_url.clone(), msg))
        })
        .collect()
}

/// `google.rpc.Status` as prost reads it (only the details are needed).
#[derive(Clone, PartialEq, prost::Message)]
struct StatusProto {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
    #[prost(message, repeated, tag = "3")]
    details: Vec<prost_types::Any>,
}

/// A call's `error.details`: protojson `Any`s, all fields listed.
pub fn call_details(raw: &[u8], extra: &DescriptorPool) -> Vec<Json> {
    details(raw, extra)
        .into_iter()
        .filter_map(|(url, msg)| {
            let Json::Object(fields) = message_to_json(&msg, Populated::All).ok()? else {
                return None;
            };
            let mut out = Map::new();
            out.insert("@type".into(), Json::String(url));
            out.extend(fields);
            Some(Json::Object(out))
        })
        .collect()
}

/// A stream error's `details`: the messages by proto field names.
pub fn stream_details(raw: &[u8], extra: &DescriptorPool) -> Vec<Json> {
    details(raw, extra)
        .into_iter()
        .filter_map(|(_, msg)| message_to_proto_named_json(&msg).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rich_status() -> Vec<u8> {
        let pool = rpc_pool().expect("google.rpc compiles");
        let info = pool
            .get_message_by_name("google.rpc.ErrorInfo")
            .expect("ErrorInfo");
        let mut m = DynamicMessage::new(info);
        m.set_field_by_name("reason", prost_reflect::Value::String("NOPE".into()));
        let status = StatusProto {
            code: 3,
            message: "bad".into(),
            details: vec![prost_types::Any {
                type_url: "type.googleapis.com/google.rpc.ErrorInfo".into(),
                value: m.encode_to_vec(),
            }],
        };
        status.encode_to_vec()
    }

    #[test]
    fn call_details_are_anys_with_every_field() {
        let got = call_details(&rich_status(), &DescriptorPool::new());
        assert_eq!(
            got,
            vec![serde_json::json!({
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "NOPE", "domain": "", "metadata": {}
            })]
        );
    }

    #[test]
    fn stream_details_use_proto_names_without_a_type() {
        let got = stream_details(&rich_status(), &DescriptorPool::new());
        assert_eq!(
            got,
            vec![serde_json::json!({"reason": "NOPE", "domain": "", "metadata": {}})]
        );
    }
}
