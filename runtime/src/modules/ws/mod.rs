//! `k6/ws`: `connect(url, [params], callback)` — blocks the iteration until the socket
//! closes, like k6, while other VUs of the thread keep running. The socket's events and
//! timers run on the VU's event loop; the frames move in a task of the VU's own thread
//! ([`session`]), so no message crosses threads. Emits `ws_sessions`, `ws_connecting`, `ws_session_duration`,
//! `ws_msgs_sent`, `ws_msgs_received` and `ws_ping` with k6's tags.

pub mod deflate;
pub mod session;
pub mod websockets;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use boa_engine::object::builtins::JsArray;
use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};
use tokio::sync::mpsc::UnboundedSender;

use self::session::{Cmd, Event, Handshake};
use crate::convert::bytes;
use crate::metrics::builtin;
use crate::modules::{key, new_object, static_key};
use crate::net::connector::Connector;
use crate::vu::coro::await_op;
use crate::vu::event_loop;
use crate::vu::instances::{with_instance, Instance};
use crate::vu::state::{vu_phase, with_vu, Phase, VuState};

/// Open sockets of a VU (Rust-side state; handlers live on the JS socket object): the
/// per-VU instance of `k6/ws` and `k6/websockets`.
#[derive(Default)]
pub struct Sockets {
    open: HashMap<u64, SocketState>,
}

impl Instance for Sockets {
    fn new(_: &VuState) -> Self {
        Sockets::default()
    }
}

/// Runs `f` on the VU's open sockets and its state.
pub(crate) fn with_sockets<R>(
    ctx: &Context,
    f: impl FnOnce(&mut Sockets, &mut VuState) -> R,
) -> JsResult<R> {
    with_instance(ctx, f)
}

struct SocketState {
    commands: UnboundedSender<Cmd>,
    tags: Arc<BTreeMap<String, String>>,
    ping_sent: Option<Instant>,
    timers: Vec<u64>,
    closed: bool,
    /// When the session started (the time its `ws_*` samples carry) and its clock.
    started: SystemTime,
    opened_at: Instant,
}

impl SocketState {
    /// An open socket of a session that started at `started` (wall clock) / `opened_at`.
    fn new(
        commands: UnboundedSender<Cmd>,
        tags: Arc<BTreeMap<String, String>>,
        started: SystemTime,
        opened_at: Instant,
    ) -> Self {
        SocketState {
            commands,
            tags,
            ping_sent: None,
            timers: Vec::new(),
            closed: false,
            started,
            opened_at,
        }
    }
}

/// A finished handshake, in both WebSocket modules: the session's tags gain `status` and
/// `subproto` once the server answered, and `ws_sessions`/`ws_connecting` are recorded.
pub(crate) fn record_handshake(
    ctx: &Context,
    shake: &Handshake,
    mut tags: BTreeMap<String, String>,
    started: SystemTime,
) -> JsResult<Arc<BTreeMap<String, String>>> {
    if shake.status != 0 {
        tags.insert("status".into(), shake.status.to_string());
        tags.insert("subproto".into(), shake.subprotocol.clone());
    }
    let tags = Arc::new(tags);
    with_vu(ctx, |st| {
        st.emit_at(builtin::WS_SESSIONS, started, 1.0, &tags);
        st.emit_at(builtin::WS_CONNECTING, started, shake.connecting_ms, &tags);
    })?;
    Ok(tags)
}

/// The `k6/ws` exports.
pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    Ok(ObjectInitializer::new(ctx)
        .function(
            NativeFunction::from_fn_ptr(connect),
            js_string!("connect"),
            3,
        )
        .build())
}

fn connect(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if vu_phase(ctx)? == Phase::Init {
        return Err(JsNativeError::error()
            .with_message("using websockets in the init context is not supported")
            .into());
    }
    let url_text = crate::modules::arg_string(args, 0, ctx)?;
    let (params, callback) = match (args.get(1), args.get(2)) {
        (Some(p), Some(c)) => (p.as_object(), c.as_object()),
        (Some(c), None) => (None, c.as_object()),
        _ => (None, None),
    };
    let Some(callback) = callback.filter(|c| c.is_callable()) else {
        return Err(JsNativeError::typ()
            .with_message("last argument to ws.connect must be a function")
            .into());
    };
    let url = url::Url::parse(&url_text)
        .map_err(|e| JsNativeError::syntax().with_message(format!("invalid URL: {e}")))?;
    let (mut headers, user_tags, compression) = read_params(params.as_ref(), true, ctx)?;
    let (connector, events, id, mut tags) = with_vu(ctx, |st| prepare(st, &mut headers))?;
    tags.extend(user_tags);
    tags.insert("url".into(), url.to_string());
    let started = SystemTime::now();
    let dial = session::Dial {
        url: url.clone(),
        headers,
        protocols: Vec::new(),
        compression,
    };
    let handle = tokio::task::spawn_local(session::open(connector, dial, id, events));
    let shake: Handshake = await_op(ctx, "a WebSocket handshake", async move {
        handle.await.unwrap_or_default()
    })?;
    let tags = record_handshake(ctx, &shake, tags, started)?;
    let session_start = Instant::now();
    let opened = shake.status == 101;
    let response = response_object(&shake, opened.then_some(url.as_str()), ctx)?;
    if let (true, Some(commands)) = (opened, shake.commands.clone()) {
        let result = run_socket(ctx, id, commands, tags.clone(), &callback, started);
        with_sockets(ctx, |ws, st| {
            if let Some(s) = ws.open.remove(&id) {
                for t in s.timers {
                    st.event_loop.clear_timer(t);
                }
            }
        })?;
        result?;
    }
    let elapsed = session_start.elapsed().as_secs_f64() * 1000.0;
    with_vu(ctx, |st| {
        st.emit_at(builtin::WS_SESSION_DURATION, started, elapsed, &tags)
    })?;
    Ok(response.into())
}

/// What opening a socket needs from the VU: its connector, the event loop's sender and a
/// fresh id, and its tags; adds k6's User-Agent unless set.
pub(crate) fn prepare(
    st: &mut crate::vu::state::VuState,
    headers: &mut Headers,
) -> (
    crate::net::connector::Connector,
    UnboundedSender<crate::vu::event_loop::Completion>,
    u64,
    BTreeMap<String, String>,
) {
    let config = st.config.clone();
    if let Some(ua) = &config.http.user_agent {
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
        {
            headers.push(("User-Agent".into(), ua.clone()));
        }
    }
    let id = st.event_loop.next_id();
    (
        Connector::new(&config.http, st.id, st.wire.clone()),
        st.event_loop.sender(),
        id,
        st.tags(),
    )
}

/// Calls the user's callback with the socket, fires `open`, then runs the event loop
/// until the socket has closed.
fn run_socket(
    ctx: &mut Context,
    id: u64,
    commands: UnboundedSender<Cmd>,
    tags: Arc<BTreeMap<String, String>>,
    callback: &JsObject,
    started: SystemTime,
) -> JsResult<()> {
    let socket = SocketState::new(commands, tags, started, Instant::now());
    with_sockets(ctx, |ws, _| ws.open.insert(id, socket))?;
    let socket = socket_object(id, ctx)?;
    open_and_listen(ctx, id, callback, &socket, on_event)?;
    let is_closed = move |ctx: &mut Context| {
        with_sockets(ctx, |ws, _| ws.open.get(&id).is_none_or(|s| s.closed)).unwrap_or(true)
    };
    event_loop::run_until(ctx, is_closed)
}

/// Calls the user's `callback` with `target` (a socket, an SSE client), fires its `open`
/// handlers, and routes every completion of operation `id` to `on` (also
/// `k6/experimental/sse`'s); `on` returns true once the operation is over.
pub(crate) fn open_and_listen<E: 'static>(
    ctx: &mut Context,
    id: u64,
    callback: &JsObject,
    target: &JsObject,
    on: fn(&JsObject, u64, E, &mut Context) -> JsResult<bool>,
) -> JsResult<()> {
    callback.call(&JsValue::undefined(), &[target.clone().into()], ctx)?;
    dispatch(target, "open", &[], ctx)?;
    let target = target.clone();
    with_vu(ctx, |st| {
        st.event_loop.listen(
            id,
            Box::new(move |ctx, payload| {
                let Ok(event) = payload.downcast::<E>() else {
                    return Ok(false);
                };
                on(&target, id, *event, ctx)
            }),
        )
    })
}

/// Handles one frame from the server; true once the socket is closed.
/// A pong arrived on socket `id`: `ws_ping` is the round trip since its last `ping()`.
pub(crate) fn record_pong(
    ws: &mut Sockets,
    st: &mut crate::vu::state::VuState,
    id: u64,
    tags: &crate::metrics::TagSet,
) {
    let sent = ws.open.get_mut(&id).and_then(|s| s.ping_sent.take());
    if let Some(at) = sent {
        let rtt = at.elapsed().as_secs_f64() * 1000.0;
        st.emit(builtin::WS_PING, rtt, tags);
    }
}

fn on_event(socket: &JsObject, id: u64, event: Event, ctx: &mut Context) -> JsResult<bool> {
    let Some(tags) = with_sockets(ctx, |ws, _| ws.open.get(&id).map(|s| s.tags.clone()))? else {
        return Ok(true);
    };
    match event {
        Event::Text(t) => {
            with_vu(ctx, |st| st.emit(builtin::WS_MSGS_RECEIVED, 1.0, &tags))?;
            dispatch(socket, "message", &[key(&t).into()], ctx)?;
        }
        Event::Binary(b) => {
            with_vu(ctx, |st| st.emit(builtin::WS_MSGS_RECEIVED, 1.0, &tags))?;
            let buf = bytes::array_buffer(&b, ctx)?;
            dispatch(socket, "binaryMessage", &[buf], ctx)?;
        }
        Event::Ping => dispatch(socket, "ping", &[], ctx)?,
        Event::Pong => {
            with_sockets(ctx, |ws, st| record_pong(ws, st, id, &tags))?;
            dispatch(socket, "pong", &[], ctx)?;
        }
        Event::Error(msg) => {
            let err = new_object(ctx);
            err.set(js_string!("message"), key(&msg), false, ctx)?;
            let text = msg.clone();
            let f = NativeFunction::from_copy_closure_with_captures(
                |_, _, text: &String, _| Ok(key(text).into()),
                text,
            )
            .to_js_function(ctx.realm());
            err.set(js_string!("error"), f, false, ctx)?;
            dispatch(socket, "error", &[err.into()], ctx)?;
        }
        Event::Refused => {
            // k6's read loop closes with 1001 (going away), whose close frame gorilla
            // refuses to send after its own: that refusal is the `error` the script sees.
            on_event(
                socket,
                id,
                Event::Error("websocket: close sent".into()),
                ctx,
            )?;
            return on_event(socket, id, Event::Close(1001), ctx);
        }
        Event::Close(code) => {
            with_sockets(ctx, |ws, _| {
                if let Some(s) = ws.open.get_mut(&id) {
                    s.closed = true;
                }
            })?;
            dispatch(socket, "close", &[JsValue::from(code)], ctx)?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// Calls every handler registered for `event` (also `k6/experimental/sse`'s clients).
pub(crate) fn dispatch(
    socket: &JsObject,
    event: &str,
    args: &[JsValue],
    ctx: &mut Context,
) -> JsResult<()> {
    let handlers = socket.get(js_string!("__handlers"), ctx)?;
    let Some(list) = handlers
        .as_object()
        .map(|h| h.get(key(event), ctx))
        .transpose()?
    else {
        return Ok(());
    };
    let Some(list) = list.as_object() else {
        return Ok(());
    };
    let n = list.get(js_string!("length"), ctx)?.to_u32(ctx)?;
    for i in 0..n {
        if let Some(f) = list.get(i, ctx)?.as_callable() {
            f.call(&socket.clone().into(), args, ctx)?;
        }
    }
    Ok(())
}

/// Sends `cmd` on socket `id` (ignored once it is closed).
pub(crate) fn command(ctx: &mut Context, id: u64, cmd: Cmd) -> JsResult<()> {
    with_sockets(ctx, |ws, st| send_command(ws, st, id, cmd))
}

fn send_command(ws: &mut Sockets, st: &mut crate::vu::state::VuState, id: u64, cmd: Cmd) {
    let sent_message = matches!(cmd, Cmd::Text(_) | Cmd::Binary(_));
    let is_ping = matches!(cmd, Cmd::Ping);
    let Some(s) = ws.open.get_mut(&id) else {
        return;
    };
    if s.closed {
        return;
    }
    let _ = s.commands.send(cmd);
    if is_ping {
        s.ping_sent = Some(Instant::now());
    }
    let tags = s.tags.clone();
    if sent_message {
        st.emit(builtin::WS_MSGS_SENT, 1.0, &tags);
    }
}

fn socket_object(id: u64, ctx: &mut Context) -> JsResult<JsObject> {
    type Method = fn(&JsValue, &[JsValue], &u64, &mut Context) -> JsResult<JsValue>;
    let methods: [(&str, Method); 7] = [
        ("on", on),
        ("send", send),
        ("sendBinary", send_binary),
        ("ping", ping),
        ("close", close),
        ("setTimeout", set_timeout),
        ("setInterval", set_interval),
    ];
    let socket = new_object(ctx);
    for (name, f) in methods {
        let func =
            NativeFunction::from_copy_closure_with_captures(f, id).to_js_function(ctx.realm());
        socket.set(static_key(name), func, false, ctx)?;
    }
    let handlers = new_object(ctx);
    socket.set(js_string!("__handlers"), handlers, false, ctx)?;
    Ok(socket)
}

/// `on(event, handler)`: adds a handler (also `k6/experimental/sse`'s clients).
pub(crate) fn on(
    this: &JsValue,
    args: &[JsValue],
    _: &u64,
    ctx: &mut Context,
) -> JsResult<JsValue> {
    let event = crate::modules::arg_string(args, 0, ctx)?;
    let (Some(socket), Some(f)) = (this.as_object(), args.get(1).and_then(JsValue::as_object))
    else {
        return Ok(JsValue::undefined());
    };
    let handlers = socket.get(js_string!("__handlers"), ctx)?;
    let Some(handlers) = handlers.as_object() else {
        return Ok(JsValue::undefined());
    };
    let list = handlers.get(key(&event), ctx)?;
    let list = match list.as_object() {
        Some(l) => JsArray::from_object(l.clone())?,
        None => {
            let l = JsArray::new(ctx)?;
            handlers.set(key(&event), l.clone(), false, ctx)?;
            l
        }
    };
    list.push(f.clone(), ctx)?;
    Ok(JsValue::undefined())
}

fn send(_: &JsValue, args: &[JsValue], id: &u64, ctx: &mut Context) -> JsResult<JsValue> {
    let text = crate::modules::arg_string(args, 0, ctx)?;
    command(ctx, *id, Cmd::Text(text))?;
    Ok(JsValue::undefined())
}

fn send_binary(_: &JsValue, args: &[JsValue], id: &u64, ctx: &mut Context) -> JsResult<JsValue> {
    let data = bytes::bytes_or_string(&args.first().cloned().unwrap_or_default(), ctx)?;
    command(ctx, *id, Cmd::Binary(data))?;
    Ok(JsValue::undefined())
}

fn ping(_: &JsValue, _: &[JsValue], id: &u64, ctx: &mut Context) -> JsResult<JsValue> {
    command(ctx, *id, Cmd::Ping)?;
    Ok(JsValue::undefined())
}

fn close(_: &JsValue, args: &[JsValue], id: &u64, ctx: &mut Context) -> JsResult<JsValue> {
    let code = match args.first() {
        Some(v) if !v.is_undefined() => v.to_u32(ctx)? as u16,
        _ => 1001,
    };
    command(ctx, *id, Cmd::Close(code))?;
    Ok(JsValue::undefined())
}

fn socket_timer(args: &[JsValue], id: u64, ctx: &mut Context, repeat: bool) -> JsResult<JsValue> {
    let Some(f) = args
        .first()
        .and_then(JsValue::as_object)
        .filter(|f| f.is_callable())
    else {
        return Err(JsNativeError::typ()
            .with_message("setTimeout/setInterval needs a function")
            .into());
    };
    let ms = args.get(1).cloned().unwrap_or_default().to_number(ctx)?;
    let delay = Duration::from_secs_f64((ms.max(0.0) / 1000.0).min(1e9));
    with_sockets(ctx, |ws, st| {
        let timer = st
            .event_loop
            .add_timer(f.clone(), Vec::new(), delay, repeat, None);
        if let Some(s) = ws.open.get_mut(&id) {
            s.timers.push(timer);
        }
    })?;
    Ok(JsValue::undefined())
}

fn set_timeout(_: &JsValue, args: &[JsValue], id: &u64, ctx: &mut Context) -> JsResult<JsValue> {
    socket_timer(args, *id, ctx, false)
}

fn set_interval(_: &JsValue, args: &[JsValue], id: &u64, ctx: &mut Context) -> JsResult<JsValue> {
    socket_timer(args, *id, ctx, true)
}

type Headers = Vec<(String, String)>;

/// Reads `params.headers`, `params.tags` and `params.compression` (whether to offer
/// permessage-deflate; `blank_ok` as in [`deflate::parse_param`]).
pub(crate) fn read_params(
    params: Option<&JsObject>,
    blank_ok: bool,
    ctx: &mut Context,
) -> JsResult<(Headers, BTreeMap<String, String>, bool)> {
    let Some(p) = params else {
        return Ok((Vec::new(), BTreeMap::new(), false));
    };
    let mut compression = false;
    if p.has_own_property(js_string!("compression"), ctx)? {
        let value = p.get(js_string!("compression"), ctx)?.to_string(ctx)?;
        compression = deflate::parse_param(&value.to_std_string_escaped(), blank_ok)
            .map_err(|e| JsNativeError::error().with_message(e))?;
    }
    let (headers, tags) = read_headers_and_tags(p, ctx)?;
    Ok((headers, tags, compression))
}

/// Reads `params.headers` and `params.tags` (also `k6/experimental/sse`'s).
pub(crate) fn read_headers_and_tags(
    p: &JsObject,
    ctx: &mut Context,
) -> JsResult<(Headers, BTreeMap<String, String>)> {
    let mut headers = Vec::new();
    let mut tags = BTreeMap::new();
    for (field, out_is_headers) in [("headers", true), ("tags", false)] {
        let v = p.get(static_key(field), ctx)?;
        let Some(o) = v.as_object() else { continue };
        for k in o.own_property_keys(ctx)? {
            if let boa_engine::property::PropertyKey::String(name) = &k {
                let value = o
                    .get(k.clone(), ctx)?
                    .to_string(ctx)?
                    .to_std_string_escaped();
                let name = name.to_std_string_escaped();
                if out_is_headers {
                    headers.push((name, value));
                } else {
                    tags.insert(name, value);
                }
            }
        }
    }
    Ok((headers, tags))
}

/// `{url, status, headers, body, error}` as k6's `ws.connect` returns it.
fn response_object(shake: &Handshake, url: Option<&str>, ctx: &mut Context) -> JsResult<JsObject> {
    let obj = new_object(ctx);
    obj.set(js_string!("url"), key(url.unwrap_or("")), false, ctx)?;
    obj.set(js_string!("status"), shake.status, false, ctx)?;
    let headers = new_object(ctx);
    for (k, v) in &shake.headers {
        headers.set(key(k), key(v), false, ctx)?;
    }
    obj.set(js_string!("headers"), headers, false, ctx)?;
    obj.set(js_string!("body"), key(&shake.body), false, ctx)?;
    obj.set(js_string!("error"), key(&shake.error), false, ctx)?;
    Ok(obj)
}
