//! Streamed answers of the target, on a schedule: Server-Sent Events for
//! `k6/experimental/sse` and NDJSON for `k6/x/stream` scripts, with nothing else
//! installed.
//!
//! * `GET /sse/{n}/{interval_ms}`: `n` events (`id: i`, `data: {"i":…}`), one every
//!   `interval_ms`, the first at once.
//! * `POST /v1/chat/completions`: OpenAI's chat-completion API. With `"stream": true`, the
//!   answer streams as `chat.completion.chunk` events, one token each, then `data: [DONE]`;
//!   without, one `chat.completion` document. The token count is `max_tokens` (default 16,
//!   at most 10,000), the rate `tokens_per_second` (default 50, at least one a minute) and
//!   the wait before the first token `first_token_ms` (default 0), from the JSON body or
//!   the query string (which wins).
//! * `POST /api/generate`: Ollama's generation API. It streams unless `"stream": false`:
//!   one `application/x-ndjson` line per token (`{"model","created_at","response","done":
//!   false}`), then a last line with `"done": true` and `eval_count`. The token count is
//!   `options.num_predict` (or `max_tokens`), the rate and first wait as above.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::Response;
use http_body_util::{combinators::BoxBody, BodyExt, StreamBody};
use hyper::body::Frame;
use serde_json::{json, Value};

use super::echo::Req;
use super::respond::{self, Reject, Resp};

/// The body of a streamed response.
pub(super) type Body = BoxBody<Bytes, Infallible>;

const MAX_TOKENS: u64 = 10_000;
const EVENT_STREAM: &str = "text/event-stream";
const NDJSON: &str = "application/x-ndjson";

/// A schedule of events: each one's text, due `first + i * gap` after the start.
struct Schedule {
    events: Vec<String>,
    first: Duration,
    gap: Duration,
}

fn stream_response(s: Schedule, content_type: &'static str) -> Response<Body> {
    let start = tokio::time::Instant::now();
    let events = stream::unfold((s, 0usize), move |(s, i)| async move {
        let text = s.events.get(i)?.clone();
        let due = start + s.first + s.gap * i as u32;
        tokio::time::sleep_until(due).await;
        Some((
            Ok::<_, Infallible>(Frame::data(Bytes::from(text))),
            (s, i + 1),
        ))
    });
    let mut resp = Response::new(BodyExt::boxed(StreamBody::new(events)));
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    h.insert(CACHE_CONTROL, http::HeaderValue::from_static("no-cache"));
    resp
}

/// `/sse/{n}/{interval_ms}`.
pub(super) fn generic(n: u64, interval_ms: u64) -> Response<Body> {
    let events = (0..n.min(MAX_TOKENS))
        .map(|i| format!("id: {i}\ndata: {}\n\n", json!({ "i": i })))
        .collect();
    stream_response(
        Schedule {
            events,
            first: Duration::ZERO,
            gap: Duration::from_millis(interval_ms.min(60_000)),
        },
        EVENT_STREAM,
    )
}

/// A number from the query string, else the JSON body, else `default`.
fn setting(req: &Req, body: &Value, name: &str, default: f64) -> f64 {
    let from_query = req.uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.parse::<f64>().ok())
    });
    from_query
        .or_else(|| body.get(name).and_then(Value::as_f64))
        .filter(|v| v.is_finite() && *v >= 0.0)
        .unwrap_or(default)
}

/// What a generation request asks for: its JSON body, token count and schedule.
struct Ask {
    model: String,
    tokens: u64,
    first: Duration,
    gap: Duration,
    stream: bool,
}

fn ask(req: &Req, default_stream: bool, tokens_field: &str) -> Result<Ask, Reject> {
    let body: Value = if req.body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&req.body)
            .map_err(|e| Reject::bad(format!("invalid JSON body: {e}")))?
    };
    let default_tokens = body
        .pointer(tokens_field)
        .and_then(Value::as_f64)
        .unwrap_or(16.0);
    let tokens = (setting(req, &body, "max_tokens", default_tokens) as u64).min(MAX_TOKENS);
    let rate = setting(req, &body, "tokens_per_second", 50.0).max(1.0 / 60.0);
    let first = setting(req, &body, "first_token_ms", 0.0).min(60_000.0);
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("rk6-target")
        .to_string();
    let stream = body
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(default_stream);
    Ok(Ask {
        model,
        tokens,
        first: Duration::from_secs_f64(first / 1000.0),
        gap: Duration::from_secs_f64(1.0 / rate),
        stream,
    })
}

fn words(tokens: u64) -> Vec<String> {
    (0..tokens).map(|i| format!("tok{i} ")).collect()
}

/// `POST /v1/chat/completions`, streamed or not.
pub(super) fn chat(req: &Req) -> Result<Response<Body>, Reject> {
    let a = ask(req, false, "/max_tokens")?;
    let words = words(a.tokens);
    if !a.stream {
        return Ok(full(respond::json(&completion(
            &a.model,
            &words.concat(),
            a.tokens,
        ))));
    }
    let mut events: Vec<String> = words
        .iter()
        .map(|w| {
            let chunk = json!({
                "id": "chatcmpl-rk6", "object": "chat.completion.chunk", "model": a.model,
                "choices": [{"index": 0, "delta": {"content": w}, "finish_reason": null}],
            });
            format!("data: {chunk}\n\n")
        })
        .collect();
    events.push("data: [DONE]\n\n".into());
    let schedule = Schedule {
        events,
        first: a.first,
        gap: a.gap,
    };
    Ok(stream_response(schedule, EVENT_STREAM))
}

/// `POST /api/generate`, streamed unless `"stream": false`.
pub(super) fn generate(req: &Req) -> Result<Response<Body>, Reject> {
    let a = ask(req, true, "/options/num_predict")?;
    let line = |response: &str, done: bool| {
        let mut v = json!({
            "model": a.model, "created_at": "2026-01-01T00:00:00Z",
            "response": response, "done": done,
        });
        if done {
            v["done_reason"] = json!("stop");
            v["eval_count"] = json!(a.tokens);
        }
        v
    };
    let words = words(a.tokens);
    if !a.stream {
        return Ok(full(respond::json(&line(&words.concat(), true))));
    }
    let mut events: Vec<String> = words
        .iter()
        .map(|w| format!("{}\n", line(w, false)))
        .collect();
    events.push(format!("{}\n", line("", true)));
    let schedule = Schedule {
        events,
        first: a.first,
        gap: a.gap,
    };
    Ok(stream_response(schedule, NDJSON))
}

fn completion(model: &str, text: &str, tokens: u64) -> Value {
    json!({
        "id": "chatcmpl-rk6", "object": "chat.completion", "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 8, "completion_tokens": tokens, "total_tokens": tokens + 8},
    })
}

/// A whole response as a streamed one's type.
pub(super) fn full(resp: Resp) -> Response<Body> {
    resp.map(BodyExt::boxed)
}
