//! `new grpc.Stream(client, method, params)`: a client, server or bidirectional stream on
//! the VU's event loop. The call runs in a task on the VU thread's runtime; what it
//! receives comes back as completions and reaches the JS `on('data'|'error'|'end')`
//! handlers through the `deliver` callback the JS class passes, each with `{ts}`
//! metadata as k6 gives it. The iteration lasts until the stream has ended.
//!
//! `write()` queues a message (a method without client streaming sends its one request
//! and closes its side, as grpc-go does), `end()` closes the client's side. A message
//! that is not a valid request ends the stream with an `error` (code 2) and `end`, as in
//! k6. Metrics: `grpc_streams` when opened, `grpc_streams_msgs_sent` and
//! `grpc_streams_msgs_received` per message, `grpc_req_duration` with the status at the
//! end.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use boa_engine::{js_string, Context, JsObject, JsResult, JsValue};
use prost_reflect::{DynamicMessage, MessageDescriptor};
use tokio::sync::{mpsc, oneshot};

use super::client::{error_object, method_of, stringify, unix_now};
use super::json_out::{message_to_json, Populated};
use super::transport::{CallSpec, CallStatus, Channel};
use super::{call_tags, metrics, with_grpc, with_status, GrpcError};
use crate::metrics::TagSet;
use crate::modules::new_object;
use crate::vu::event_loop::{Completion, Listener};
use crate::vu::state::{vu_phase, with_vu, Phase};

/// An open stream's state on the VU's side.
pub struct StreamState {
    /// Where `write()` queues messages; `None` once the client's side is closed.
    requests: Option<mpsc::UnboundedSender<DynamicMessage>>,
    /// Ends the call with a status of the client's making (a bad message). Dropping it
    /// (the iteration ended) cancels the call.
    abort: Option<oneshot::Sender<CallStatus>>,
    input: MessageDescriptor,
    /// Where the details of an error status may find their types.
    pool: prost_reflect::DescriptorPool,
    client_streaming: bool,
    tags: BTreeMap<String, String>,
    tag_set: TagSet,
}

/// What the call's task reports.
enum Event {
    Data(serde_json::Value),
    Error(CallStatus),
    /// `expired`: the stream's deadline passed (no `grpc_req_duration`, as in k6).
    End {
        status: CallStatus,
        duration: Duration,
        expired: bool,
    },
}

/// The JS class's arguments: client id (`null`: none given, negative: not a client),
/// method, params, deliver callback.
pub fn open(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? == Phase::Init {
        let e =
            GrpcError::InitContext("creating a gRPC stream in the init context is not supported");
        return Err(e.throw(ctx));
    }
    let client = args.first().cloned().unwrap_or_default();
    let refused = |why: &str, ctx: &mut Context| {
        GrpcError::Stream(format!("invalid GRPC Stream's client: {why}")).throw(ctx)
    };
    if client.is_null_or_undefined() {
        return Err(refused("empty gRPC client", ctx));
    }
    let id = client.as_number().unwrap_or(-1.0);
    if id < 0.0 {
        return Err(refused("not a gRPC client", ctx));
    }
    let name = crate::modules::arg_string(args, 1, ctx)?;
    let (channel, addr, full, method) = match method_of(id as u64, &name, ctx)? {
        Ok(found) => found,
        Err(GrpcError::NotConnected) => {
            return Err(refused(&GrpcError::NotConnected.to_string(), ctx))
        }
        Err(e) => {
            return Err(GrpcError::Stream(format!("invalid GRPC Stream's method: {e}")).throw(ctx))
        }
    };
    let p = super::params::call_params(args.get(2), ctx)?.map_err(|e| {
        GrpcError::Stream(format!("invalid GRPC Stream's parameters: {e}")).throw(ctx)
    })?;
    let Some(deliver) = args
        .get(3)
        .and_then(JsValue::as_object)
        .filter(|f| f.is_callable())
    else {
        return Err(GrpcError::Stream("internal: no stream callback".into()).throw(ctx));
    };
    let m = metrics(ctx)?;
    let (events, stream_id, tags, tag_set) = with_vu(ctx, |st| {
        let tags = call_tags(st, &addr, &full, &p.tags);
        let tag_set = st.intern_tags(tags.clone());
        st.emit(m.streams, 1.0, &tag_set);
        (
            st.event_loop.sender(),
            st.event_loop.next_id(),
            tags,
            tag_set,
        )
    })?;
    let (requests, queued) = mpsc::unbounded_channel();
    let (abort, aborted) = oneshot::channel();
    let spec = CallSpec {
        path: full,
        metadata: p.metadata,
        timeout: (!p.timeout.is_zero()).then_some(p.timeout),
        output: method.output(),
    };
    tokio::spawn(run(channel, spec, queued, aborted, events, stream_id));
    let state = StreamState {
        requests: Some(requests),
        abort: Some(abort),
        input: method.input(),
        pool: method.parent_pool().clone(),
        client_streaming: method.is_client_streaming(),
        tags,
        tag_set,
    };
    with_grpc(ctx, |g, _| g.streams.insert(stream_id, state))?;
    let listener: Listener = Box::new(move |ctx, payload| {
        let Ok(event) = payload.downcast::<Event>() else {
            return Ok(false);
        };
        on_event(stream_id, &deliver, *event, ctx)
    });
    with_vu(ctx, |st| st.event_loop.listen(stream_id, listener))?;
    Ok(JsValue::from(stream_id as f64))
}

/// The call, from opening to its status; reports each message and the end.
async fn run(
    channel: Channel,
    spec: CallSpec,
    queued: mpsc::UnboundedReceiver<DynamicMessage>,
    aborted: oneshot::Receiver<CallStatus>,
    events: mpsc::UnboundedSender<Completion>,
    id: u64,
) {
    let started = Instant::now();
    let report = |e: Event| {
        let _ = events.send(Completion {
            id,
            payload: Box::new(e),
        });
    };
    let requests =
        futures_util::stream::unfold(
            queued,
            |mut rx| async move { rx.recv().await.map(|m| (m, rx)) },
        );
    let call = async {
        let mut responses = match channel.open_stream(&spec, requests).await {
            Ok(r) => r,
            Err(status) => return status,
        };
        loop {
            match responses.message().await {
                Ok(Some(m)) => match message_to_json(&m, Populated::Only) {
                    Ok(json) => report(Event::Data(json)),
                    Err(e) => return CallStatus::new(tonic::Code::Internal, e.to_string()),
                },
                Ok(None) => {
                    return match responses.trailers().await {
                        Ok(_) => CallStatus::OK,
                        Err(s) => CallStatus::from_tonic(&s),
                    }
                }
                Err(s) => return CallStatus::from_tonic(&s),
            }
        }
    };
    let deadline = async {
        match spec.timeout {
            Some(t) => tokio::time::timeout(t, call)
                .await
                .map_or((CallStatus::deadline(), true), |s| (s, false)),
            None => (call.await, false),
        }
    };
    let cancelled = || CallStatus::new(tonic::Code::Cancelled, "context canceled");
    let (status, timed_out) = tokio::select! {
        s = deadline => s,
        s = aborted => (s.unwrap_or_else(|_| cancelled()), false),
    };
    let expired = status.expired(spec.timeout, timed_out);
    // grpc-go's stream ends quietly when the client cancelled it.
    if status.code != 0 && status.code != tonic::Code::Cancelled as i32 {
        report(Event::Error(status.clone()));
    }
    report(Event::End {
        status,
        duration: started.elapsed(),
        expired,
    });
}

/// Hands one event to the JS stream; true once the stream is over.
fn on_event(id: u64, deliver: &JsObject, event: Event, ctx: &mut Context) -> JsResult<bool> {
    let m = metrics(ctx)?;
    let Some((tag_set, pool)) = with_grpc(ctx, |g, _| {
        g.streams
            .get(&id)
            .map(|s| (s.tag_set.clone(), s.pool.clone()))
    })?
    else {
        return Ok(true);
    };
    let mut unhandled = None;
    let meta = new_object(ctx);
    meta.set(js_string!("ts"), unix_now(), false, ctx)?;
    let (kind, value, over) = match event {
        Event::Data(json) => {
            with_vu(ctx, |st| st.emit(m.msgs_received, 1.0, &tag_set))?;
            (js_string!("data"), JsValue::from_json(&json, ctx)?, false)
        }
        Event::Error(status) => {
            let err = stream_error(&status, &pool, ctx)?;
            unhandled = Some(status);
            (js_string!("error"), err.into(), false)
        }
        Event::End {
            status,
            duration,
            expired,
        } => {
            let state = with_grpc(ctx, |g, _| g.streams.remove(&id))?;
            if let Some(s) = state.filter(|_| !expired) {
                with_vu(ctx, |st| {
                    let tags = st.intern_tags(with_status(st, s.tags, status.code));
                    let ms = duration.as_secs_f64() * 1000.0;
                    st.emit_at(m.req_duration, SystemTime::now(), ms, &tags);
                })?;
            }
            (js_string!("end"), new_object(ctx).into(), true)
        }
    };
    let handled = deliver.call(
        &JsValue::undefined(),
        &[kind.clone().into(), value, meta.into()],
        ctx,
    )?;
    if let (Some(status), false) = (unhandled, handled.to_boolean()) {
        crate::log::Logger::warn(
            &format!(
                "no handlers for error registered, but an error happened: {}",
                super::reflection::status_text(&status)
            ),
            &[],
        );
    }
    Ok(over)
}

/// k6's stream error: `{code, details, message}`, `String(e)` giving `code: N, message: M`.
fn stream_error(
    status: &CallStatus,
    pool: &prost_reflect::DescriptorPool,
    ctx: &mut Context,
) -> JsResult<JsObject> {
    let details = super::status_details::stream_details(&status.details, pool);
    let err = error_object(status, details, ctx)?;
    let text = format!("code: {}, message: {}", status.code, status.message);
    with_text(&err, text, ctx)?;
    Ok(err)
}

/// Gives `obj` a non-enumerable `toString` returning `text`: how a Go error value
/// converts to a string in k6.
pub fn with_text(obj: &JsObject, text: String, ctx: &mut Context) -> JsResult<()> {
    let to_string = boa_engine::NativeFunction::from_copy_closure_with_captures(
        |_, _, text: &String, _| Ok(crate::modules::key(text).into()),
        text,
    )
    .to_js_function(ctx.realm());
    let desc = boa_engine::property::PropertyDescriptor::builder()
        .value(to_string)
        .writable(true)
        .enumerable(false)
        .configurable(true);
    obj.define_property_or_throw(js_string!("toString"), desc, ctx)?;
    Ok(())
}

/// `stream.write(message)` (the JS class passes the stream's id first).
pub fn write(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let id = args.first().and_then(JsValue::as_number).unwrap_or(-1.0) as u64;
    let message = args.get(1).cloned().unwrap_or_default();
    let Some(input) = with_grpc(ctx, |g, _| {
        g.streams
            .get(&id)
            .filter(|s| s.requests.is_some())
            .map(|s| s.input.clone())
    })?
    else {
        return Ok(JsValue::undefined());
    };
    if message.is_null_or_undefined() {
        crate::log::Logger::warn("can't send empty message", &[]);
        return Ok(JsValue::undefined());
    }
    let object = message.to_object(ctx)?;
    let text = stringify(&object.into(), ctx)?;
    let parsed = super::json_in::message_from_json(input, &text);
    let m = metrics(ctx)?;
    with_grpc(ctx, |g, st| {
        let Some(s) = g.streams.get_mut(&id) else {
            return;
        };
        match parsed {
            Ok(msg) => {
                if let Some(tx) = &s.requests {
                    let _ = tx.send(msg);
                    st.emit(m.msgs_sent, 1.0, &s.tag_set);
                }
                if !s.client_streaming {
                    s.requests = None;
                }
            }
            Err(e) => {
                let message = format!("can't serialise request object to protocol buffer: {e}");
                if let Some(abort) = s.abort.take() {
                    let _ = abort.send(CallStatus::new(tonic::Code::Unknown, message));
                }
                s.requests = None;
            }
        }
    })?;
    Ok(JsValue::undefined())
}

/// `stream.end()`: closes the client's side; the server's answers still arrive.
pub fn end(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let id = args.first().and_then(JsValue::as_number).unwrap_or(-1.0) as u64;
    with_grpc(ctx, |g, _| {
        if let Some(s) = g.streams.get_mut(&id) {
            s.requests = None;
        }
    })?;
    Ok(JsValue::undefined())
}
