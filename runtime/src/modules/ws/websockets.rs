//! Native side of `k6/experimental/websockets` (the class lives in
//! `js-modules/k6/experimental/websockets.js`): opening a socket without blocking, and
//! delivering its events to the JS object through the VU's event loop, which keeps the
//! iteration alive until the socket closes. Metrics are `k6/ws`'s.

use std::time::{Instant, SystemTime};

use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};

use super::session::{self, Cmd, Event, Handshake};
use super::with_sockets;
use super::SocketState;
use crate::convert::bytes;
use crate::metrics::builtin;
use crate::modules::key;
use crate::vu::state::{vu_phase, with_vu, Phase};

const JS: &str = include_str!("../../../../js-modules/k6/experimental/websockets.js");

/// The module's exports: `WebSocket` and `Blob`.
pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    let native = ObjectInitializer::new(ctx)
        .function(NativeFunction::from_fn_ptr(open), js_string!("open"), 4)
        .function(NativeFunction::from_fn_ptr(send), js_string!("send"), 2)
        .function(NativeFunction::from_fn_ptr(ping), js_string!("ping"), 1)
        .function(NativeFunction::from_fn_ptr(close), js_string!("close"), 3)
        .function(NativeFunction::from_fn_ptr(utf8), js_string!("utf8"), 1)
        .function(
            NativeFunction::from_fn_ptr(from_utf8),
            js_string!("fromUtf8"),
            1,
        )
        .build();
    crate::modules::eval_js_part("k6/experimental/websockets.js", JS, native, ctx)
}

fn open(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? == Phase::Init {
        return Err(JsNativeError::error()
            .with_message("using websockets in the init context is not supported")
            .into());
    }
    let url_text = crate::modules::arg_string(args, 0, ctx)?;
    let url = url::Url::parse(&url_text).map_err(|e| {
        JsNativeError::syntax().with_message(format!("WebSocket: invalid URL: {e}"))
    })?;
    let mut protocols = Vec::new();
    if let Some(list) = args.get(1).and_then(JsValue::as_object) {
        let n = list.get(js_string!("length"), ctx)?.to_u32(ctx)?;
        for i in 0..n {
            protocols.push(list.get(i, ctx)?.to_string(ctx)?.to_std_string_escaped());
        }
    }
    let (mut headers, user_tags, compression) = super::read_params(
        args.get(2).and_then(JsValue::as_object).as_ref(),
        false,
        ctx,
    )?;
    let Some(callback) = args
        .get(3)
        .and_then(JsValue::as_object)
        .filter(|c| c.is_callable())
    else {
        return Err(JsNativeError::typ()
            .with_message("internal: no event callback")
            .into());
    };
    let (connector, events, id, mut tags) = with_vu(ctx, |st| super::prepare(st, &mut headers))?;
    tags.extend(user_tags);
    tags.insert("url".into(), url.to_string());
    let started = SystemTime::now();
    let opened_at = Instant::now();
    let tx = events.clone();
    let dial = session::Dial {
        url,
        headers,
        protocols,
        compression,
    };
    tokio::task::spawn_local(async move {
        let (shake, pending) = session::open_pending(connector, dial, id, events).await;
        let _ = tx.send(crate::vu::event_loop::Completion {
            id,
            payload: Box::new(shake),
        });
        if let Some(p) = pending {
            p.start();
        }
    });
    let mut tags = Some(tags);
    let listener: crate::vu::event_loop::Listener = Box::new(move |ctx, payload| {
        let payload = match payload.downcast::<Handshake>() {
            Ok(shake) => {
                let tags = tags.take().unwrap_or_default();
                return opened(ctx, id, *shake, tags, started, opened_at, &callback);
            }
            Err(p) => p,
        };
        match payload.downcast::<Event>() {
            Ok(event) => on_event(ctx, id, *event, &callback),
            Err(_) => Ok(false),
        }
    });
    with_vu(ctx, |st| st.event_loop.listen(id, listener))?;
    Ok(JsValue::from(id as f64))
}

/// The handshake finished: metrics, then `open` — or `error` and `close` when it failed.
fn opened(
    ctx: &mut Context,
    id: u64,
    shake: Handshake,
    tags: std::collections::BTreeMap<String, String>,
    started: SystemTime,
    opened_at: Instant,
    callback: &JsObject,
) -> JsResult<bool> {
    let tags = super::record_handshake(ctx, &shake, tags, started)?;
    let call = |ctx: &mut Context, kind: &str, data: JsValue| {
        callback.call(&JsValue::undefined(), &[key(kind).into(), data], ctx)
    };
    match (shake.status, shake.commands) {
        (101, Some(commands)) => {
            let socket = SocketState::new(commands, tags, started, opened_at);
            with_sockets(ctx, |ws, _| ws.open.insert(id, socket))?;
            call(ctx, "open", key(&shake.subprotocol).into())?;
            Ok(false)
        }
        (status, _) => {
            let msg = if shake.error.is_empty() {
                format!("websocket: bad handshake (status {status})")
            } else {
                shake.error
            };
            let elapsed = opened_at.elapsed().as_secs_f64() * 1000.0;
            with_vu(ctx, |st| {
                st.emit_at(builtin::WS_SESSION_DURATION, started, elapsed, &tags)
            })?;
            call(ctx, "error", key(&msg).into())?;
            // k6's close event after a failed handshake carries no code.
            call(ctx, "close", JsValue::undefined())?;
            Ok(true)
        }
    }
}

fn on_event(ctx: &mut Context, id: u64, event: Event, callback: &JsObject) -> JsResult<bool> {
    let Some(tags) = with_sockets(ctx, |ws, _| ws.open.get(&id).map(|s| s.tags.clone()))? else {
        return Ok(true);
    };
    let call = |ctx: &mut Context, kind: &str, data: JsValue| {
        callback.call(&JsValue::undefined(), &[key(kind).into(), data], ctx)
    };
    match event {
        Event::Text(t) => {
            with_vu(ctx, |st| st.emit(builtin::WS_MSGS_RECEIVED, 1.0, &tags))?;
            call(ctx, "message", key(&t).into())?;
        }
        Event::Binary(b) => {
            with_vu(ctx, |st| st.emit(builtin::WS_MSGS_RECEIVED, 1.0, &tags))?;
            let buf = bytes::array_buffer(&b, ctx)?;
            call(ctx, "message", buf)?;
        }
        Event::Ping => {
            call(ctx, "ping", JsValue::undefined())?;
        }
        Event::Pong => {
            with_sockets(ctx, |ws, st| super::record_pong(ws, st, id, &tags))?;
            call(ctx, "pong", JsValue::undefined())?;
        }
        Event::Error(msg) => {
            call(ctx, "error", key(&msg).into())?;
        }
        Event::Close(code) => return closed(ctx, id, JsValue::from(code), call),
        // k6 drops the protocol error and closes without a code.
        Event::Refused => return closed(ctx, id, JsValue::undefined(), call),
    }
    Ok(false)
}

/// The session ended: its duration, then `close` with `code`.
fn closed(
    ctx: &mut Context,
    id: u64,
    code: JsValue,
    call: impl Fn(&mut Context, &str, JsValue) -> JsResult<JsValue>,
) -> JsResult<bool> {
    with_sockets(ctx, |ws, st| {
        if let Some(s) = ws.open.remove(&id) {
            let elapsed = s.opened_at.elapsed().as_secs_f64() * 1000.0;
            st.emit_at(builtin::WS_SESSION_DURATION, s.started, elapsed, &s.tags);
        }
    })?;
    call(ctx, "close", code)?;
    Ok(true)
}

fn id_arg(args: &[JsValue], ctx: &mut Context) -> JsResult<u64> {
    Ok(args.first().cloned().unwrap_or_default().to_number(ctx)? as u64)
}

fn send(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let id = id_arg(args, ctx)?;
    let data = args.get(1).cloned().unwrap_or_default();
    let cmd = if data.is_string() {
        Cmd::Text(data.to_string(ctx)?.to_std_string_escaped())
    } else {
        Cmd::Binary(bytes::bytes_or_string(&data, ctx)?)
    };
    super::command(ctx, id, cmd)?;
    Ok(JsValue::undefined())
}

/// This module (unlike `k6/ws`) counts pings and close frames in `ws_msgs_sent`, as k6 does.
fn count_control_frame(ctx: &mut Context, id: u64) -> JsResult<()> {
    with_sockets(ctx, |ws, st| {
        if let Some(tags) = ws.open.get(&id).map(|s| s.tags.clone()) {
            st.emit(builtin::WS_MSGS_SENT, 1.0, &tags);
        }
    })
}

fn ping(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let id = id_arg(args, ctx)?;
    count_control_frame(ctx, id)?;
    super::command(ctx, id, Cmd::Ping)?;
    Ok(JsValue::undefined())
}

fn close(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let id = id_arg(args, ctx)?;
    let code = args.get(1).cloned().unwrap_or_default().to_u32(ctx)? as u16;
    count_control_frame(ctx, id)?;
    super::command(ctx, id, Cmd::Close(code))?;
    Ok(JsValue::undefined())
}

fn utf8(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let s = crate::modules::arg_string(args, 0, ctx)?;
    bytes::array_buffer(s.as_bytes(), ctx)
}

fn from_utf8(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let b = bytes::bytes_or_string(&args.first().cloned().unwrap_or_default(), ctx)?;
    Ok(key(&String::from_utf8_lossy(&b)).into())
}
