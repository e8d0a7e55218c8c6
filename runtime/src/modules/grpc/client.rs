//! The `grpc.Client` methods (the JS class in `js-modules/k6/net/grpc.js` passes its id):
//! `load`/`loadProtoset` in init code, `connect` in VU code, `invoke` (blocking the
//! iteration while other VUs run), `asyncInvoke` (a Promise settled on the VU's event
//! loop) and `close`, with k6's errors for each misuse.

use std::time::SystemTime;

use boa_engine::object::builtins::{JsArray, JsPromise};
use boa_engine::{js_string, Context, JsResult, JsValue};
use prost_reflect::{DynamicMessage, MethodDescriptor};

use super::json_out::{message_to_json, Populated};
use super::transport::{CallSpec, Channel, Metadata, UnaryOutcome};
use super::{call_tags, metrics, with_grpc, with_status, ClientState, GrpcError};
use crate::modules::{new_object, static_key, StdText};
use crate::vu::coro::await_op;
use crate::vu::state::{vu_config, vu_phase, with_vu, Phase};

/// k6's deadline for a call without `timeout`.
const DEFAULT_CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The client id argument the JS class passes first.
fn client_id(args: &[JsValue]) -> u64 {
    args.first().and_then(JsValue::as_number).unwrap_or(0.0) as u64
}

/// `new grpc.Client()`: a new client's id.
pub fn new_client(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let id = with_grpc(ctx, |g, _| {
        let id = g.next_id();
        g.clients.insert(id, ClientState::default());
        id
    })?;
    Ok(JsValue::from(id as f64))
}

/// Strings of a JS array (or a single value), `String()`-converted.
fn strings(v: Option<&JsValue>, ctx: &mut Context) -> JsResult<Vec<String>> {
    let Some(v) = v.filter(|v| !v.is_null_or_undefined()) else {
        return Ok(Vec::new());
    };
    let Some(list) = v.as_object().filter(|o| o.is_array()) else {
        return Ok(vec![v.to_string(ctx)?.text()]);
    };
    let n = list.get(js_string!("length"), ctx)?.to_u32(ctx)?;
    (0..n).map(|i| Ok(list.get(i, ctx)?.to_string(ctx)?.text())).collect()
}

/// `client.load(importPaths, ...files)`: compiles the files and returns their methods.
pub fn load(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? != Phase::Init {
        return Err(GrpcError::LoadOutsideInit.throw(ctx));
    }
    let import_paths = strings(args.get(1), ctx)?;
    let files = strings(args.get(2), ctx)?;
    let config = vu_config(ctx)?;
    let base = config.script_relative(".");
    let pool = super::descriptors::compile(&config.sources, &base, &import_paths, &files)
        .map_err(|e| GrpcError::from(e).throw(ctx))?;
    add_methods(client_id(args), &pool, ctx)
}

/// `client.loadProtoset(file)`.
pub fn load_protoset(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? != Phase::Init {
        return Err(GrpcError::LoadOutsideInit.throw(ctx));
    }
    let name = crate::modules::arg_string(args, 1, ctx)?;
    let config = vu_config(ctx)?;
    let base = config.script_relative(".");
    let pool = super::descriptors::protoset(&config.sources, &base, &name)
        .map_err(|e| GrpcError::from(e).throw(ctx))?;
    add_methods(client_id(args), &pool, ctx)
}

/// Adds `pool`'s methods to the client and lists them as k6 does (snake_case keys).
fn add_methods(id: u64, pool: &prost_reflect::DescriptorPool, ctx: &mut Context) -> JsResult<JsValue> {
    let infos = with_grpc(ctx, |g, _| {
        g.clients.get_mut(&id).map(|c| c.methods.add(pool)).unwrap_or_default()
    })?;
    let list = JsArray::new(ctx)?;
    for info in infos {
        let obj = new_object(ctx);
        for (k, v) in [
            ("package", info.package),
            ("service", info.service),
            ("full_method", info.full_method),
            ("name", info.name),
        ] {
            obj.set(static_key(k), crate::modules::key(&v), false, ctx)?;
        }
        obj.set(js_string!("is_client_stream"), info.is_client_stream, false, ctx)?;
        obj.set(js_string!("is_server_stream"), info.is_server_stream, false, ctx)?;
        list.push(obj, ctx)?;
    }
    Ok(list.into())
}

/// `client.connect(addr, params)`: dials (blocking the iteration) and, with `reflect`,
/// loads the server's services.
pub fn connect(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? == Phase::Init {
        let e = GrpcError::InitContext("connecting to a gRPC server in the init context is not supported");
        return Err(e.throw(ctx));
    }
    let id = client_id(args);
    let addr = crate::modules::arg_string(args, 1, ctx)?;
    let p = super::params::connect_params(args.get(2), ctx)?
        .map_err(|e| GrpcError::ConnectParams(e).throw(ctx))?;
    let config = vu_config(ctx)?;
    let host = addr.rsplit_once(':').map_or(addr.as_str(), |(h, _)| h);
    let tls = if p.plaintext {
        None
    } else {
        let base = config
            .http
            .tls
            .for_host(host.trim_matches(['[', ']']))
            .map_err(|e| GrpcError::Stream(e.to_string()).throw(ctx))?;
        let insecure = config.http.insecure_skip_tls_verify;
        Some(super::tls::client_config(&base, p.tls.as_ref(), insecure).map_err(|e| GrpcError::from(e).throw(ctx))?)
    };
    let spec = super::transport::DialSpec {
        addr: addr.clone(),
        tls,
        timeout: p.timeout,
        user_agent: config.http.user_agent.as_ref().map(|ua| format!("{ua} grpc-go/1.73.0")),
        max_receive: p.max_receive,
        max_send: p.max_send,
    };
    let connector = with_vu(ctx, |st| crate::net::connector::Connector::new(&config.http, st.id, st.wire.clone()))?;
    let dialled = await_op(ctx, "a gRPC connect", super::transport::dial(connector, spec))?;
    let channel = dialled.map_err(|e| GrpcError::from(e).throw(ctx))?;
    with_grpc(ctx, |g, _| {
        if let Some(c) = g.clients.get_mut(&id) {
            c.channel = Some(channel.clone());
            c.addr = addr.clone();
        }
    })?;
    if p.reflect {
        reflect(id, channel, p.reflect_metadata, p.timeout, ctx)?;
    }
    Ok(JsValue::from(true))
}

/// Loads the server's services by reflection into client `id`.
fn reflect(
    id: u64,
    channel: Channel,
    metadata: Vec<(String, String)>,
    timeout: std::time::Duration,
    ctx: &mut Context,
) -> JsResult<()> {
    let fetched = await_op(ctx, "gRPC server reflection", super::reflection::fetch(channel, metadata, timeout))?;
    let m = metrics(ctx)?;
    let failed = match &fetched {
        Ok(r) => r.failed_calls.clone(),
        Err(_) => Vec::new(),
    };
    with_vu(ctx, |st| {
        for (status, at, took) in failed {
            let tags = with_status(st, st.tags(), status.code);
            let tags = st.intern_tags(tags);
            st.emit_at(m.req_duration, at + took, took.as_secs_f64() * 1000.0, &tags);
        }
    })?;
    let files = fetched.map_err(|e| GrpcError::from(e).throw(ctx))?.files;
    let pool = super::descriptors::pool_from_files(files)
        .map_err(|e| GrpcError::ReflectedDescriptors(e).throw(ctx))?;
    add_methods(id, &pool, ctx)?;
    Ok(())
}

/// `client.isConnected()` for the Stream constructor's checks.
pub fn is_connected(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let id = client_id(args);
    let connected = with_grpc(ctx, |g, _| g.clients.get(&id).is_some_and(|c| c.channel.is_some()))?;
    Ok(JsValue::from(connected))
}

/// A call ready to go: the connection, what to send, and what its response needs.
struct PreparedCall {
    channel: Channel,
    spec: CallSpec,
    request: DynamicMessage,
    meta: CallMeta,
}

/// What recording a call and building its response need.
struct CallMeta {
    method: MethodDescriptor,
    tags: std::collections::BTreeMap<String, String>,
    discard: bool,
}

/// The method's descriptor on client `id`, by `package.Service/Method` with or without
/// the leading slash; also returns the client's channel and address.
pub fn method_of(id: u64, name: &str, ctx: &mut Context) -> JsResult<Result<(Channel, String, String, MethodDescriptor), GrpcError>> {
    let full = if name.starts_with('/') || name.is_empty() {
        name.to_string()
    } else {
        format!("/{name}")
    };
    with_grpc(ctx, |g, _| {
        let client = g.clients.get(&id).ok_or(GrpcError::NotConnected)?;
        let channel = client.channel.clone().ok_or(GrpcError::NotConnected)?;
        if full.is_empty() {
            return Err(GrpcError::EmptyMethod);
        }
        let method = client
            .methods
            .get(&full)
            .ok_or_else(|| GrpcError::UnknownMethod(full.clone()))?;
        Ok((channel, client.addr.clone(), full, method))
    })
}

/// `JSON.stringify(v)`, as k6 marshals a request object.
pub fn stringify(v: &JsValue, ctx: &mut Context) -> JsResult<String> {
    let json = ctx.intrinsics().objects().json();
    let f = json.get(js_string!("stringify"), ctx)?;
    let out = match f.as_callable() {
        Some(f) => f.call(&json.into(), std::slice::from_ref(v), ctx)?,
        None => JsValue::undefined(),
    };
    Ok(out.as_string().map_or_else(|| "null".to_string(), |s| s.text()))
}

/// Reads `invoke`'s arguments (method, request, params) into a call, with k6's checks
/// in k6's order.
fn prepare(args: &[JsValue], ctx: &mut Context) -> JsResult<Result<PreparedCall, GrpcError>> {
    if vu_phase(ctx)? == Phase::Init {
        return Ok(Err(GrpcError::InitContext("invoking RPC methods in the init context is not supported")));
    }
    let name = crate::modules::arg_string(args, 1, ctx)?;
    let (channel, addr, full, method) = match method_of(client_id(args), &name, ctx)? {
        Ok(found) => found,
        Err(e) => return Ok(Err(e)),
    };
    let p = match super::params::call_params(args.get(3), ctx)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(GrpcError::InvokeParams(e))),
    };
    let request = args.get(2).cloned().unwrap_or_default();
    if request.is_undefined() {
        return Ok(Err(GrpcError::NilRequest));
    }
    let request = request.to_object(ctx)?;
    let text = stringify(&request.into(), ctx)?;
    let message: DynamicMessage = match super::json_in::message_from_json(method.input(), &text) {
        Ok(m) => m,
        Err(e) => return Ok(Err(e.into())),
    };
    let timeout = if p.timeout.is_zero() { DEFAULT_CALL_TIMEOUT } else { p.timeout };
    let tags = with_vu(ctx, |st| call_tags(st, &addr, &full, &p.tags))?;
    let spec = CallSpec {
        path: full,
        metadata: p.metadata,
        timeout: Some(timeout),
        output: method.output(),
    };
    Ok(Ok(PreparedCall {
        channel,
        spec,
        request: message,
        meta: CallMeta {
            method,
            tags,
            discard: p.discard_response,
        },
    }))
}

/// `client.invoke(method, request, params)`: the response once the call is over.
pub fn invoke(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let call = prepare(args, ctx)?.map_err(|e| e.throw(ctx))?;
    let running = call.channel.unary(call.spec, call.request);
    let outcome = await_op(ctx, "a gRPC request", running)?;
    record(&outcome, &call.meta, ctx)?;
    response(outcome, &call.meta, ctx)
}

/// `client.asyncInvoke(...)`: a Promise; the call runs on the VU thread's runtime and the
/// event loop settles the Promise with the response (or rejects it with a bad call's
/// error).
pub fn async_invoke(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let call = match prepare(args, ctx)? {
        Ok(c) => c,
        Err(e) => {
            let reason = JsValue::from(crate::modules::key(&e.to_string()));
            let (promise, resolvers) = JsPromise::new_pending(ctx);
            resolvers.reject.call(&JsValue::undefined(), &[reason], ctx)?;
            return Ok(promise.into());
        }
    };
    let (events, id) = with_vu(ctx, |st| (st.event_loop.sender(), st.event_loop.next_id()))?;
    let (promise, resolvers) = JsPromise::new_pending(ctx);
    let running = call.channel.unary(call.spec, call.request);
    tokio::spawn(async move {
        let outcome = running.await;
        let _ = events.send(crate::vu::event_loop::Completion {
            id,
            payload: Box::new(outcome),
        });
    });
    let mut pending = Some((call.meta, resolvers));
    let listener: crate::vu::event_loop::Listener = Box::new(move |ctx, payload| {
        let (Some((call, resolvers)), Ok(outcome)) = (pending.take(), payload.downcast::<UnaryOutcome>()) else {
            return Ok(true);
        };
        record(&outcome, &call, ctx)?;
        let res = response(*outcome, &call, ctx)?;
        resolvers.resolve.call(&JsValue::undefined(), &[res], ctx)?;
        Ok(true)
    });
    with_vu(ctx, |st| st.event_loop.listen(id, listener))?;
    Ok(promise.into())
}

/// Records the call's `grpc_req_duration`, tagged with its status.
fn record(outcome: &UnaryOutcome, call: &CallMeta, ctx: &mut Context) -> JsResult<()> {
    let m = metrics(ctx)?;
    with_vu(ctx, |st| {
        let tags = with_status(st, call.tags.clone(), outcome.status.code);
        let tags = st.intern_tags(tags);
        let end = outcome.started + outcome.duration;
        st.emit_at(m.req_duration, end, outcome.duration.as_secs_f64() * 1000.0, &tags);
    })
}

/// `{message, error, headers, trailers, status}` as k6 returns it: on failure the message
/// is the output type's empty message and `error` is `{code, message, details}`.
fn response(outcome: UnaryOutcome, call: &CallMeta, ctx: &mut Context) -> JsResult<JsValue> {
    let obj = new_object(ctx);
    let message = if call.discard {
        JsValue::null()
    } else {
        let msg = outcome
            .message
            .unwrap_or_else(|| DynamicMessage::new(call.method.output()));
        let json = message_to_json(&msg, Populated::All).map_err(|e| GrpcError::from(e).throw(ctx))?;
        JsValue::from_json(&json, ctx)?
    };
    obj.set(js_string!("message"), message, false, ctx)?;
    let error = if outcome.status.code == 0 {
        JsValue::null()
    } else {
        error_object(outcome.status.code, &outcome.status.message, ctx)?.into()
    };
    obj.set(js_string!("error"), error, false, ctx)?;
    let headers = metadata_object(&outcome.headers, ctx)?;
    obj.set(js_string!("headers"), headers, false, ctx)?;
    let trailers = metadata_object(&outcome.trailers, ctx)?;
    obj.set(js_string!("trailers"), trailers, false, ctx)?;
    obj.set(js_string!("status"), outcome.status.code, false, ctx)?;
    Ok(obj.into())
}

/// A status as k6 shows it: `{code, message, details}`.
pub fn error_object(code: i32, message: &str, ctx: &mut Context) -> JsResult<boa_engine::JsObject> {
    let obj = new_object(ctx);
    obj.set(js_string!("code"), code, false, ctx)?;
    obj.set(js_string!("message"), crate::modules::key(message), false, ctx)?;
    let details = JsArray::new(ctx)?;
    obj.set(js_string!("details"), details, false, ctx)?;
    Ok(obj)
}

/// Metadata as `{name: [values]}`.
fn metadata_object(md: &Metadata, ctx: &mut Context) -> JsResult<boa_engine::JsObject> {
    let obj = new_object(ctx);
    for (name, values) in md {
        let list = JsArray::new(ctx)?;
        for v in values {
            list.push(crate::modules::key(v), ctx)?;
        }
        obj.set(crate::modules::key(name), list, false, ctx)?;
    }
    Ok(obj)
}

/// `client.close()`: drops the connection; a later call needs `connect()` again.
pub fn close(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let id = client_id(args);
    with_grpc(ctx, |g, _| {
        if let Some(c) = g.clients.get_mut(&id) {
            c.channel = None;
        }
    })?;
    Ok(JsValue::undefined())
}

/// Seconds since the epoch, the `ts` stream events carry.
pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs() as f64)
}
