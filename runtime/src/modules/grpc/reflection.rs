//! Server reflection (`connect(addr, {reflect: true})`): the server's file descriptors
//! over the `grpc.reflection.v1` service, or `v1alpha` when the server has no `v1` (as
//! grpc-go's auto client does): list the services, fetch the file declaring each, then
//! the files those import. The reflection protocol's own messages are the published
//! schema compiled by protox at run time and spoken as dynamic messages, like any
//! script's messages.

use std::collections::{HashSet, VecDeque};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, Value};
use tokio::sync::mpsc;

use super::transport::{CallSpec, CallStatus, Channel};

/// The reflection service's schema (grpc/reflection/v1/reflection.proto, the fields rk6
/// uses and those around them, with the published numbers).
const SCHEMA: &str = r#"
syntax = "proto3";
package grpc.reflection.v1;
message ServerReflectionRequest {
  string host = 1;
  oneof message_request {
    string file_by_filename = 3;
    string file_containing_symbol = 4;
    ExtensionRequest file_containing_extension = 5;
    string all_extension_numbers_of_type = 6;
    string list_services = 7;
  }
}
message ExtensionRequest { string containing_type = 1; int32 extension_number = 2; }
message ServerReflectionResponse {
  string valid_host = 1;
  ServerReflectionRequest original_request = 2;
  oneof message_response {
    FileDescriptorResponse file_descriptor_response = 4;
    ExtensionNumberResponse all_extension_numbers_response = 5;
    ListServiceResponse list_services_response = 6;
    ErrorResponse error_response = 7;
  }
}
message FileDescriptorResponse { repeated bytes file_descriptor_proto = 1; }
message ExtensionNumberResponse { string base_type_name = 1; repeated int32 extension_number = 2; }
message ListServiceResponse { repeated ServiceResponse service = 1; }
message ServiceResponse { string name = 1; }
message ErrorResponse { int32 error_code = 1; string error_message = 2; }
service ServerReflection {
  rpc ServerReflectionInfo(stream ServerReflectionRequest) returns (stream ServerReflectionResponse);
}
"#;

/// The two versions of the protocol, newest first.
const VERSIONS: [&str; 2] = ["v1", "v1alpha"];

/// Why reflection failed, in k6's words.
#[derive(Debug, thiserror::Error)]
pub enum ReflectError {
    #[error("can't list services: {0}")]
    List(String),
    #[error("can't get method on service {service:?}: {reason}")]
    Resolve { service: String, reason: String },
    #[error("context deadline exceeded")]
    Timeout,
}

/// What reflection found, and the failed calls on the way (an unanswered `v1`), each a
/// `grpc_req_duration` sample as k6 records it.
pub struct Reflected {
    pub files: Vec<prost_types::FileDescriptorProto>,
    pub failed_calls: Vec<(CallStatus, SystemTime, Duration)>,
}

/// The request and response types of one protocol version.
struct Schema {
    request: MessageDescriptor,
    response: MessageDescriptor,
    path: String,
}

fn schema(version: &str) -> Option<&'static Schema> {
    static SCHEMAS: OnceLock<Vec<(String, Schema)>> = OnceLock::new();
    let all = SCHEMAS.get_or_init(|| {
        VERSIONS
            .iter()
            .filter_map(|v| {
                let text = SCHEMA.replace("grpc.reflection.v1;", &format!("grpc.reflection.{v};"));
                let pool = compile(&text)?;
                let name = |m: &str| pool.get_message_by_name(&format!("grpc.reflection.{v}.{m}"));
                Some((
                    (*v).to_string(),
                    Schema {
                        request: name("ServerReflectionRequest")?,
                        response: name("ServerReflectionResponse")?,
                        path: format!("/grpc.reflection.{v}.ServerReflection/ServerReflectionInfo"),
                    },
                ))
            })
            .collect()
    });
    all.iter().find(|(v, _)| v == version).map(|(_, s)| s)
}

/// The schema text as a pool (protox, no files).
fn compile(text: &str) -> Option<DescriptorPool> {
    struct One(String);
    impl protox::file::FileResolver for One {
        fn open_file(&self, name: &str) -> Result<protox::file::File, protox::Error> {
            if name == "reflection.proto" {
                return protox::file::File::from_source(name, &self.0);
            }
            Err(protox::Error::file_not_found(name))
        }
    }
    let mut compiler = protox::Compiler::with_file_resolver(One(text.to_string()));
    compiler.open_file("reflection.proto").ok()?;
    Some(compiler.descriptor_pool())
}

/// One reflection stream: requests go out one at a time, each answered in order.
struct Session {
    schema: &'static Schema,
    requests: mpsc::UnboundedSender<DynamicMessage>,
    responses: tonic::Streaming<DynamicMessage>,
}

impl Session {
    async fn open(channel: &Channel, schema: &'static Schema, metadata: &[(String, String)]) -> Result<Session, CallStatus> {
        let (tx, rx) = mpsc::unbounded_channel();
        let spec = CallSpec {
            path: schema.path.clone(),
            metadata: metadata.to_vec(),
            timeout: None,
            output: schema.response.clone(),
        };
        let requests = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|m| (m, rx)) });
        let responses = channel.clone().open_stream(&spec, requests).await?;
        Ok(Session {
            schema,
            requests: tx,
            responses,
        })
    }

    /// Sends one request (`field` set to `value`) and reads its answer.
    async fn ask(&mut self, field: &str, value: &str) -> Result<DynamicMessage, CallStatus> {
        let mut req = DynamicMessage::new(self.schema.request.clone());
        req.set_field_by_name(field, Value::String(value.to_string()));
        let closed = || CallStatus {
            code: tonic::Code::Unavailable as i32,
            message: "the reflection stream closed".into(),
        };
        self.requests.send(req).map_err(|_| closed())?;
        let resp = match self.responses.message().await {
            Ok(Some(m)) => m,
            Ok(None) => return Err(closed()),
            Err(s) => return Err(CallStatus::from_tonic(&s)),
        };
        if let Some(Value::Message(err)) = resp.get_field_by_name("error_response").as_deref() {
            let code = match err.get_field_by_name("error_code").as_deref() {
                Some(Value::I32(c)) => *c,
                _ => 2,
            };
            let message = match err.get_field_by_name("error_message").as_deref() {
                Some(Value::String(s)) => s.clone(),
                _ => String::new(),
            };
            return Err(CallStatus { code, message });
        }
        Ok(resp)
    }
}

/// grpc-go's text of a failed call's status.
pub fn status_text(s: &CallStatus) -> String {
    format!("rpc error: code = {} desc = {}", code_name(s.code), s.message)
}

/// grpc-go's name of a status code.
pub fn code_name(code: i32) -> &'static str {
    const NAMES: [&str; 17] = [
        "OK",
        "Canceled",
        "Unknown",
        "InvalidArgument",
        "DeadlineExceeded",
        "NotFound",
        "AlreadyExists",
        "PermissionDenied",
        "ResourceExhausted",
        "FailedPrecondition",
        "Aborted",
        "OutOfRange",
        "Unimplemented",
        "Internal",
        "Unavailable",
        "DataLoss",
        "Unauthenticated",
    ];
    usize::try_from(code)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("Unknown")
}

/// Fetches the server's file descriptors within `timeout`.
pub async fn fetch(channel: Channel, metadata: Vec<(String, String)>, timeout: Duration) -> Result<Reflected, ReflectError> {
    tokio::time::timeout(timeout, fetch_all(channel, metadata))
        .await
        .map_err(|_| ReflectError::Timeout)?
}

async fn fetch_all(channel: Channel, metadata: Vec<(String, String)>) -> Result<Reflected, ReflectError> {
    let mut failed_calls = Vec::new();
    let mut last = None;
    for version in VERSIONS {
        let Some(schema) = schema(version) else { continue };
        let (started, clock) = (SystemTime::now(), Instant::now());
        let listed = match Session::open(&channel, schema, &metadata).await {
            Ok(mut s) => s.ask("list_services", "*").await.map(|r| (s, r)),
            Err(e) => Err(e),
        };
        match listed {
            Ok((session, list)) => return files(session, &list).await.map(|files| Reflected { files, failed_calls }),
            Err(status) if status.code == tonic::Code::Unimplemented as i32 => {
                failed_calls.push((status.clone(), started, clock.elapsed()));
                last = Some(status);
            }
            Err(status) => return Err(ReflectError::List(status_text(&status))),
        }
    }
    let status = last.unwrap_or(CallStatus {
        code: tonic::Code::Unimplemented as i32,
        message: "no reflection service".into(),
    });
    Err(ReflectError::List(status_text(&status)))
}

/// The services a `list_services` answer names.
fn service_names(list: &DynamicMessage) -> Vec<String> {
    let Some(Value::Message(l)) = list.get_field_by_name("list_services_response").as_deref().cloned() else {
        return Vec::new();
    };
    let Some(Value::List(items)) = l.get_field_by_name("service").as_deref().cloned() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| match i {
            Value::Message(m) => match m.get_field_by_name("name").as_deref() {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The file descriptors an answer carries.
fn descriptors(resp: &DynamicMessage) -> Vec<prost_types::FileDescriptorProto> {
    let Some(Value::Message(f)) = resp.get_field_by_name("file_descriptor_response").as_deref().cloned() else {
        return Vec::new();
    };
    let Some(Value::List(items)) = f.get_field_by_name("file_descriptor_proto").as_deref().cloned() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| match i {
            Value::Bytes(b) => prost_types::FileDescriptorProto::decode(b.as_ref()).ok(),
            _ => None,
        })
        .collect()
}

/// The files declaring each listed service and everything they import; imports the
/// server cannot give are skipped (k6 allows missing descriptors).
async fn files(mut session: Session, list: &DynamicMessage) -> Result<Vec<prost_types::FileDescriptorProto>, ReflectError> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut wanted: VecDeque<String> = VecDeque::new();
    for service in service_names(list) {
        let resp = session
            .ask("file_containing_symbol", &service)
            .await
            .map_err(|s| ReflectError::Resolve {
                service: service.clone(),
                reason: status_text(&s),
            })?;
        for fd in descriptors(&resp) {
            wanted.extend(fd.dependency.iter().cloned());
            if seen.insert(fd.name().to_string()) {
                out.push(fd);
            }
        }
        while let Some(name) = wanted.pop_front() {
            if seen.contains(&name) {
                continue;
            }
            let found = match session.ask("file_by_filename", &name).await {
                Ok(resp) => descriptors(&resp),
                Err(_) => built_in(&name).into_iter().collect(),
            };
            for fd in found {
                wanted.extend(fd.dependency.iter().cloned());
                if seen.insert(fd.name().to_string()) {
                    out.push(fd);
                }
            }
            seen.insert(name);
        }
    }
    Ok(out)
}

/// A `google/protobuf/*.proto` file the server did not give, from protox's copies.
fn built_in(name: &str) -> Option<prost_types::FileDescriptorProto> {
    use protox::file::FileResolver;
    let file = protox::file::GoogleFileResolver::new().open_file(name).ok()?;
    Some(file.file_descriptor_proto().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_protocol_versions_compile() {
        for v in VERSIONS {
            let s = schema(v).expect("schema compiles");
            assert_eq!(s.path, format!("/grpc.reflection.{v}.ServerReflection/ServerReflectionInfo"));
        }
    }
}
