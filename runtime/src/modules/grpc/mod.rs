//! `k6/net/grpc`: gRPC clients as k6 v1.1 has them. `new grpc.Client()` loads service
//! definitions in init code (`load` from `.proto` files, `loadProtoset`), connects in VU
//! code (`connect`, optionally asking the server by reflection), calls methods
//! (`invoke` blocks the iteration, `asyncInvoke` returns a Promise settled on the VU's
//! event loop) and `close`s; `new grpc.Stream(client, method)` runs client, server and
//! bidirectional streams on the event loop with `on('data'|'error'|'end')`, `write`,
//! `end`. The status constants are `grpc.StatusOK` ... `grpc.StatusUnauthenticated`.
//!
//! Metrics and tags are k6's: `grpc_req_duration` (each call and stream, tagged with
//! `url`, `service`, `method`, `name` and `status` besides the VU's tags),
//! `grpc_streams`, `grpc_streams_msgs_sent`, `grpc_streams_msgs_received`; the
//! connection's bytes count into `data_sent`/`data_received`.
//!
//! Parts: [`client`] (the Client's methods), [`stream`], [`transport`] (the connection and
//! calls, no JS), [`codec`], [`descriptors`], [`json_in`]/[`json_out`] (protobuf <-> JSON by
//! Go's protojson rules), [`params`], [`tls`], [`reflection`]. The JS classes are in
//! `js-modules/k6/net/grpc.js`.

pub mod client;
pub mod codec;
pub mod descriptors;
pub mod json_in;
pub mod json_out;
pub mod params;
pub mod reflection;
pub mod stream;
pub mod tls;
pub mod transport;

use std::collections::{BTreeMap, HashMap};

use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsError, JsObject, JsResult, NativeFunction};

use self::descriptors::MethodTable;
use self::transport::Channel;
use crate::metrics::{MetricId, MetricType, ValueType};
use crate::vu::instances::{with_instance, Instance};
use crate::vu::state::VuState;

const JS: &str = include_str!("../../../../js-modules/k6/net/grpc.js");

/// Why a gRPC call or setup failed, in k6's words (thrown as a `GoError`).
#[derive(Debug, thiserror::Error)]
pub enum GrpcError {
    #[error("load must be called in the init context")]
    LoadOutsideInit,
    #[error("{0}")]
    InitContext(&'static str),
    #[error("no gRPC connection, you must call connect first")]
    NotConnected,
    #[error("method to invoke cannot be empty")]
    EmptyMethod,
    #[error("method {0:?} not found in file descriptors")]
    UnknownMethod(String),
    #[error("request cannot be nil")]
    NilRequest,
    #[error("unable to serialise request object to protocol buffer: {0}")]
    Serialise(#[from] json_in::FromJsonError),
    #[error("invalid GRPC's client.invoke() parameters: {0}")]
    InvokeParams(params::ParamError),
    #[error("invalid grpc.connect() parameters: {0}")]
    ConnectParams(params::ParamError),
    #[error(transparent)]
    Descriptors(#[from] descriptors::DescriptorError),
    #[error(transparent)]
    Dial(#[from] transport::DialError),
    #[error(transparent)]
    Tls(#[from] tls::TlsParamError),
    #[error(transparent)]
    Reflect(#[from] reflection::ReflectError),
    #[error("can't convert method info: {0}")]
    ReflectedDescriptors(descriptors::DescriptorError),
    #[error(transparent)]
    ToJson(#[from] json_out::ToJsonError),
    #[error("{0}")]
    Stream(String),
}

impl GrpcError {
    /// The error as k6 throws it: a `GoError`.
    pub fn throw(self, ctx: &mut Context) -> JsError {
        crate::modules::go_error(&self.to_string(), ctx)
    }
}

/// The ids of the module's metrics.
#[derive(Debug, Clone, Copy)]
pub struct Metrics {
    pub req_duration: MetricId,
    pub streams: MetricId,
    pub msgs_sent: MetricId,
    pub msgs_received: MetricId,
}

/// One `grpc.Client` of a VU.
#[derive(Default)]
pub struct ClientState {
    pub methods: MethodTable,
    pub channel: Option<Channel>,
    /// The address `connect()` was given (the `url` tag's prefix).
    pub addr: String,
}

/// The per-VU state of `k6/net/grpc`: its clients and open streams, by id.
#[derive(Default)]
pub struct Grpc {
    pub clients: HashMap<u64, ClientState>,
    pub streams: HashMap<u64, stream::StreamState>,
    next: u64,
    pub metrics: Option<Metrics>,
}

impl Instance for Grpc {
    fn new(_: &VuState) -> Self {
        Grpc::default()
    }

    /// Streams an interrupted iteration left open are cancelled (their tasks see the
    /// abort handle dropped); clients and connections stay, as in k6.
    fn iteration_started(&mut self) {
        self.streams.clear();
    }
}

impl Grpc {
    /// A fresh id for a client.
    pub fn next_id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }
}

/// Runs `f` on the VU's gRPC state.
pub fn with_grpc<R>(ctx: &Context, f: impl FnOnce(&mut Grpc, &mut VuState) -> R) -> JsResult<R> {
    with_instance(ctx, f)
}

/// Registers the metrics (once per run; each VU finds them).
fn register(st: &VuState) -> Result<Metrics, crate::metrics::MetricError> {
    let r = &st.config.registry;
    Ok(Metrics {
        req_duration: r.register("grpc_req_duration", MetricType::Trend, ValueType::Time)?,
        streams: r.register("grpc_streams", MetricType::Counter, ValueType::Default)?,
        msgs_sent: r.register("grpc_streams_msgs_sent", MetricType::Counter, ValueType::Default)?,
        msgs_received: r.register("grpc_streams_msgs_received", MetricType::Counter, ValueType::Default)?,
    })
}

/// The module's metrics, registered on first use.
pub fn metrics(ctx: &Context) -> JsResult<Metrics> {
    with_grpc(ctx, |g, st| {
        if let Some(m) = g.metrics {
            return Ok(m);
        }
        let m = register(st)?;
        g.metrics = Some(m);
        Ok(m)
    })?
    .map_err(|e: crate::metrics::MetricError| {
        boa_engine::JsNativeError::error()
            .with_message(format!("failed to register GRPC module metrics: {e}"))
            .into()
    })
}

/// The `k6/net/grpc` exports: `Client`, `Stream` and the status constants. Importing
/// the module registers its metrics, so thresholds can name them.
pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    metrics(ctx)?;
    type Native = fn(&boa_engine::JsValue, &[boa_engine::JsValue], &mut Context) -> JsResult<boa_engine::JsValue>;
    let functions: [(&str, Native, usize); 11] = [
        ("newClient", client::new_client, 0),
        ("load", client::load, 3),
        ("loadProtoset", client::load_protoset, 2),
        ("connect", client::connect, 3),
        ("invoke", client::invoke, 4),
        ("asyncInvoke", client::async_invoke, 4),
        ("close", client::close, 1),
        ("openStream", stream::open, 4),
        ("write", stream::write, 2),
        ("end", stream::end, 1),
        ("isConnected", client::is_connected, 1),
    ];
    let mut native = ObjectInitializer::new(ctx);
    for (name, f, len) in functions {
        native.function(NativeFunction::from_fn_ptr(f), js_string!(name), len);
    }
    let native = native.build();
    crate::modules::eval_js_part("k6/net/grpc.js", JS, native, ctx)
}

/// The tags of a call of `method` (`/package.Service/Method`) on `addr`: the VU's, the
/// call's own, and the enabled system tags `url`, `service`, `method` and `name` (unless
/// the script named the call).
pub fn call_tags(
    st: &VuState,
    addr: &str,
    method: &str,
    user: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut tags = st.tags();
    tags.extend(user.iter().map(|(k, v)| (k.clone(), v.clone())));
    let system = &st.config.system_tags;
    if system.has("url") {
        tags.insert("url".into(), format!("{addr}{method}"));
    }
    let mut parts = method.trim_start_matches('/').splitn(2, '/');
    let (service, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if system.has("service") {
        tags.insert("service".into(), service.to_string());
    }
    if system.has("method") {
        tags.insert("method".into(), name.to_string());
    }
    if system.has("name") && !user.contains_key("name") {
        tags.insert("name".into(), method.to_string());
    }
    tags
}

/// `tags` plus the `status` tag (when enabled) of a finished call.
pub fn with_status(st: &VuState, mut tags: BTreeMap<String, String>, code: i32) -> BTreeMap<String, String> {
    if st.config.system_tags.has("status") {
        tags.insert("status".into(), code.to_string());
    }
    tags
}
