//! Streamed responses read as they arrive, on the VU's event loop as `k6/ws` runs a
//! socket: timers and promises of the handlers run while a stream is open, and nothing is
//! delivered after `close()`. Two modules share it:
//!
//! - `k6/experimental/sse` (also `k6/x/sse`, xk6-sse's path): `open(url, [params],
//!   callback)` with xk6-sse's API. The callback gets a client (`on('open'|'event'|'error',
//!   handler)`, `close()`); `open` returns `{url, status, headers, error}` once the stream is
//!   over. Metrics: xk6-sse's `sse_event` (Counter, one per event). Where xk6-sse departs
//!   from the SSE standard, this follows the standard (the parser: [`crate::net::sse`]); a
//!   stream that is not one (a status other than 2xx, another content type), ends before
//!   any event or mid-event, or breaks off gives an `error` event.
//! - `k6/x/stream`, rk6's own: the same `open` and client for any 2xx response read
//!   incrementally (chunked HTTP, NDJSON), with `on('data', text)` for each line
//!   (`split: 'line'`, the default) or each read (`split: 'none'`) ([`crate::net::chunks`]).
//!   Metrics: `stream_chunk` (Counter, one per piece).
//!
//! Both send the cookie jar's cookies (`params.jar`, else the VU's) and store what the
//! server sets, and record the opening request's `http_reqs`, `http_req_duration` (the
//! whole stream) and `http_req_sending`, tagged with `url` and `status` plus the VU's and
//! `params.tags`. With `params.timings: true` they also record time to the first piece,
//! the gaps between pieces and the stream's duration (Trends, ms): what a streamed LLM
//! answer's time to first token and inter-token gaps are. They are off by default because
//! xk6-sse has no such metrics.

mod params;
pub mod session;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction};
use tokio::sync::oneshot;

use self::session::{Event, Framing, Opened, Request};
use crate::metrics::{builtin, MetricId, MetricType, ValueType};
use crate::modules::{key, new_object, static_key};
use crate::vu::coro::await_op;
use crate::vu::event_loop;
use crate::vu::instances::{with_instance, Instance};
use crate::vu::state::{vu_phase, with_vu, Phase, VuState};

/// Which module a stream belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sse,
    Stream,
}

impl Kind {
    /// The module's name in messages (`sse.open`).
    fn name(self) -> &'static str {
        match self {
            Kind::Sse => "sse",
            Kind::Stream => "stream",
        }
    }

    /// The Counter of pieces, then the timing Trends: first piece, gap, duration.
    fn metric_names(self) -> [&'static str; 4] {
        match self {
            Kind::Sse => [
                "sse_event",
                "sse_time_to_first_event",
                "sse_event_gap",
                "sse_stream_duration",
            ],
            Kind::Stream => [
                "stream_chunk",
                "stream_time_to_first_chunk",
                "stream_chunk_gap",
                "stream_duration",
            ],
        }
    }
}

/// The per-VU streams of `k6/experimental/sse` and `k6/x/stream`.
#[derive(Default)]
pub struct Streams {
    open: HashMap<u64, Stream>,
}

impl Instance for Streams {
    fn new(_: &VuState) -> Self {
        Streams::default()
    }
}

/// One open stream's state on the VU's side.
struct Stream {
    stop: Option<oneshot::Sender<()>>,
    closed: bool,
    tags: Arc<BTreeMap<String, String>>,
    metrics: Metrics,
    /// When the request went out: time to first event counts from here.
    sent: Instant,
    last_event: Option<Instant>,
}

/// The ids of the module's metrics (the timing Trends only when asked for).
#[derive(Clone, Copy)]
struct Metrics {
    event: MetricId,
    timings: Option<[MetricId; 3]>,
}

/// The `k6/experimental/sse` exports: a default object with `open`, and `open` itself.
/// Importing the module registers its metrics, so thresholds can name them.
pub fn sse_exports(ctx: &mut Context) -> JsResult<JsObject> {
    exports(Kind::Sse, NativeFunction::from_fn_ptr(open_sse), ctx)
}

/// The `k6/x/stream` exports, as [`sse_exports`].
pub fn stream_exports(ctx: &mut Context) -> JsResult<JsObject> {
    exports(Kind::Stream, NativeFunction::from_fn_ptr(open_stream), ctx)
}

fn exports(kind: Kind, open: NativeFunction, ctx: &mut Context) -> JsResult<JsObject> {
    with_vu(ctx, |st| register(st, kind, true))?
        .map_err(|e| JsNativeError::error().with_message(e))?;
    Ok(ObjectInitializer::new(ctx)
        .function(open, js_string!("open"), 3)
        .build())
}

fn open_sse(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    open(Kind::Sse, args, ctx)
}

fn open_stream(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    open(Kind::Stream, args, ctx)
}

fn open(kind: Kind, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let name = kind.name();
    if vu_phase(ctx)? == Phase::Init {
        return Err(JsNativeError::error()
            .with_message(format!("using {name} in the init context is not supported"))
            .into());
    }
    if !(2..=3).contains(&args.len()) {
        return Err(JsNativeError::typ()
            .with_message(format!("invalid number of arguments to {name}.open"))
            .into());
    }
    let url_text = crate::modules::arg_string(args, 0, ctx)?;
    let params = if args.len() == 3 {
        args[1].as_object()
    } else {
        None
    };
    let Some(callback) = args
        .last()
        .and_then(JsValue::as_object)
        .filter(|c| c.is_callable())
    else {
        return Err(JsNativeError::typ()
            .with_message(format!("last argument to {name}.open must be a function"))
            .into());
    };
    let url = url::Url::parse(&url_text)
        .map_err(|e| JsNativeError::syntax().with_message(format!("invalid URL: {e}")))?;
    let p = params::read(kind, params.as_ref(), ctx)?;
    let mut headers = p.headers;
    let (connector, events, id, mut tags) =
        with_vu(ctx, |st| crate::modules::ws::prepare(st, &mut headers))?;
    tags.extend(p.tags);
    tags.insert("url".into(), url_text.clone());
    let metrics = with_vu(ctx, |st| register(st, kind, p.timings))?
        .map_err(|e| JsNativeError::error().with_message(e))?;
    let req = Request {
        url,
        method: p.method,
        headers,
        body: p.body,
        timeout: p.timeout,
        jar: p.jar,
        framing: match kind {
            Kind::Sse => Framing::Sse,
            Kind::Stream => Framing::Plain(p.split),
        },
    };
    let started_wall = SystemTime::now();
    let started = Instant::now();
    let opened: Opened = await_op(ctx, "an SSE request", async move {
        let handle = tokio::task::spawn_local(session::open(connector, req, id, events));
        handle.await.unwrap_or_default()
    })?;
    if opened.status != 0 {
        tags.insert("status".into(), opened.status.to_string());
    }
    let tags = Arc::new(tags);
    let response = response_object(&opened, &url_text, ctx)?;
    let result = match (opened.status, opened.stop) {
        (0, _) | (_, None) => Ok(()),
        (_, Some(stop)) => {
            let stream = Stream {
                stop: Some(stop),
                closed: false,
                tags: tags.clone(),
                metrics,
                sent: opened.sent.unwrap_or(started),
                last_event: None,
            };
            with_instance(ctx, |s: &mut Streams, _| s.open.insert(id, stream))?;
            let run = run_stream(ctx, id, &callback);
            with_instance(ctx, |s: &mut Streams, _| s.open.remove(&id))?;
            run
        }
    };
    let total = started.elapsed().as_secs_f64() * 1000.0;
    with_vu(ctx, |st| {
        st.emit_at(builtin::HTTP_REQS, started_wall, 1.0, &tags);
        st.emit_at(
            builtin::HTTP_REQ_SENDING,
            started_wall,
            opened.head_ms,
            &tags,
        );
        st.emit_at(builtin::HTTP_REQ_DURATION, started_wall, total, &tags);
        if let Some([_, _, duration]) = metrics.timings {
            st.emit(duration, total, &tags);
        }
    })?;
    result?;
    if opened.status == 0 && with_vu(ctx, |st| st.config.http.throw)? {
        return Err(JsNativeError::error().with_message(opened.error).into());
    }
    Ok(response.into())
}

/// Registers the module's metrics (once per run; later calls find them).
fn register(st: &VuState, kind: Kind, timings: bool) -> Result<Metrics, String> {
    let r = &st.config.registry;
    let reg =
        |name: &str, kind, contains| r.register(name, kind, contains).map_err(|e| e.to_string());
    let [counter, first, gap, duration] = kind.metric_names();
    let event = reg(counter, MetricType::Counter, ValueType::Default)?;
    let timings = if timings {
        Some([
            reg(first, MetricType::Trend, ValueType::Time)?,
            reg(gap, MetricType::Trend, ValueType::Time)?,
            reg(duration, MetricType::Trend, ValueType::Time)?,
        ])
    } else {
        None
    };
    Ok(Metrics { event, timings })
}

/// Calls the callback with the client, fires `open`, then runs the event loop until the
/// stream is over or closed.
fn run_stream(ctx: &mut Context, id: u64, callback: &JsObject) -> JsResult<()> {
    let client = client_object(id, ctx)?;
    crate::modules::ws::open_and_listen(ctx, id, callback, &client, on_event)?;
    let is_over = move |ctx: &mut Context| {
        with_instance(ctx, |s: &mut Streams, _| {
            s.open.get(&id).is_none_or(|s| s.closed)
        })
        .unwrap_or(true)
    };
    event_loop::run_until(ctx, is_over)
}

/// Handles what the stream sent; true once it is over.
fn on_event(client: &JsObject, id: u64, event: Event, ctx: &mut Context) -> JsResult<bool> {
    let now = Instant::now();
    let seen = with_instance(ctx, |s: &mut Streams, st| {
        let stream = s.open.get_mut(&id).filter(|s| !s.closed)?;
        if let Event::Message(_) | Event::Data(_) = event {
            st.emit(stream.metrics.event, 1.0, &stream.tags);
            if let Some([first, gap, _]) = stream.metrics.timings {
                let (metric, since) = match stream.last_event {
                    None => (first, stream.sent),
                    Some(t) => (gap, t),
                };
                st.emit(metric, (now - since).as_secs_f64() * 1000.0, &stream.tags);
            }
            stream.last_event = Some(now);
        }
        if let Event::End = event {
            stream.closed = true;
        }
        Some(())
    })?;
    if seen.is_none() {
        return Ok(true);
    }
    match event {
        Event::Message(e) => {
            let obj = new_object(ctx);
            for (k, v) in [
                ("id", &e.id),
                ("name", &e.name),
                ("data", &e.data),
                ("comment", &e.comment),
            ] {
                obj.set(static_key(k), key(v), false, ctx)?;
            }
            dispatch(client, "event", &[obj.into()], ctx)?;
            Ok(false)
        }
        Event::Data(text) => {
            dispatch(client, "data", &[key(&text).into()], ctx)?;
            Ok(false)
        }
        Event::Error(msg) => {
            let err = error_object(&msg, ctx)?;
            dispatch(client, "error", &[err.into()], ctx)?;
            Ok(false)
        }
        Event::End => Ok(true),
    }
}

/// An error as xk6-sse hands it over: `e.error()` and `String(e)` give the message.
fn error_object(msg: &str, ctx: &mut Context) -> JsResult<JsObject> {
    let err = new_object(ctx);
    err.set(js_string!("message"), key(msg), false, ctx)?;
    for name in ["error", "toString"] {
        let f = NativeFunction::from_copy_closure_with_captures(
            |_, _, text: &String, _| Ok(key(text).into()),
            msg.to_string(),
        )
        .to_js_function(ctx.realm());
        err.set(static_key(name), f, false, ctx)?;
    }
    Ok(err)
}

fn dispatch(client: &JsObject, event: &str, args: &[JsValue], ctx: &mut Context) -> JsResult<()> {
    crate::modules::ws::dispatch(client, event, args, ctx)
}

fn client_object(id: u64, ctx: &mut Context) -> JsResult<JsObject> {
    let client = new_object(ctx);
    let on = NativeFunction::from_copy_closure_with_captures(crate::modules::ws::on, id)
        .to_js_function(ctx.realm());
    client.set(js_string!("on"), on, false, ctx)?;
    let close =
        NativeFunction::from_copy_closure_with_captures(close, id).to_js_function(ctx.realm());
    client.set(js_string!("close"), close, false, ctx)?;
    let handlers = new_object(ctx);
    client.set(js_string!("__handlers"), handlers, false, ctx)?;
    Ok(client)
}

/// `client.close()`: the stream stops at once; nothing more is delivered.
fn close(_: &JsValue, _: &[JsValue], id: &u64, ctx: &mut Context) -> JsResult<JsValue> {
    with_instance(ctx, |s: &mut Streams, _| {
        if let Some(stream) = s.open.get_mut(id) {
            stream.closed = true;
            if let Some(stop) = stream.stop.take() {
                let _ = stop.send(());
            }
        }
    })?;
    Ok(JsValue::undefined())
}

/// `{url, status, headers, error}` as xk6-sse's `open` returns it.
fn response_object(o: &Opened, url: &str, ctx: &mut Context) -> JsResult<JsObject> {
    let obj = new_object(ctx);
    obj.set(
        js_string!("url"),
        key(if o.status == 0 { "" } else { url }),
        false,
        ctx,
    )?;
    obj.set(js_string!("status"), o.status, false, ctx)?;
    let headers = new_object(ctx);
    for (k, v) in &o.headers {
        let joined = match headers.get(key(k), ctx)?.as_string() {
            Some(prev) => format!("{}, {v}", prev.to_std_string_escaped()),
            None => v.clone(),
        };
        headers.set(key(k), key(&joined), false, ctx)?;
    }
    obj.set(js_string!("headers"), headers, false, ctx)?;
    obj.set(js_string!("error"), key(&o.error), false, ctx)?;
    Ok(obj)
}
