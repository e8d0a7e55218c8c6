//! `/v1/setup` and `/v1/teardown`: the setup data as raw JSON (read, replaced, or made by
//! running `setup()` now) and running `teardown(data)` on demand. The API does not run
//! JavaScript itself: it sends a [`LifecycleRequest`] to the run, which owns the script.

use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::oneshot;

use super::{empty, error, reply_json, Control, Reply};
use rk6_runtime::log::Logger;

/// Which lifecycle function the API asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleCall {
    Setup,
    Teardown,
}

/// A lifecycle function to run now, with the setup data (raw JSON) it gets; the reply
/// carries setup()'s result as raw JSON, or the script error's text.
pub struct LifecycleRequest {
    pub call: LifecycleCall,
    pub data: Option<Arc<str>>,
    pub reply: oneshot::Sender<Result<Option<String>, String>>,
}

/// k6's setup envelope: `attributes` is `{}` without data, else `{"data": <raw JSON>}`.
fn setup_envelope(data: Option<&str>) -> Reply {
    let attributes = match data {
        None => "{}".to_string(),
        Some(raw) => format!("{{\"data\":{raw}}}"),
    };
    let body = format!(
        "{{\"data\":{{\"type\":\"setupData\",\"id\":\"default\",\"attributes\":{attributes}}}}}"
    );
    reply_json(200, "application/json", Bytes::from(body))
}

/// `GET /v1/setup`.
pub(super) fn get(control: &Control) -> Reply {
    setup_envelope(control.setup_data().as_deref())
}

/// `PUT /v1/setup`: valid JSON, stored verbatim, or an empty body to clear the data.
pub(super) fn put(control: &Control, body: &[u8]) -> Reply {
    if body.is_empty() {
        control.set_setup_data(None);
        return setup_envelope(None);
    }
    let valid = serde_json::from_slice::<serde::de::IgnoredAny>(body)
        .map_err(|e| e.to_string())
        .and_then(|_| std::str::from_utf8(body).map_err(|e| e.to_string()));
    match valid {
        Ok(raw) => {
            let raw: Arc<str> = Arc::from(raw.trim());
            control.set_setup_data(Some(raw.clone()));
            setup_envelope(Some(&raw))
        }
        Err(e) => error(400, "Error parsing request body", &e),
    }
}

/// Runs `call` through the run's lifecycle thread.
async fn run_call(control: &Control, call: LifecycleCall) -> Result<Option<String>, String> {
    let Some(tx) = control.lifecycle() else {
        return Err("the test is not initialized yet".into());
    };
    let (reply, answer) = oneshot::channel();
    let request = LifecycleRequest {
        call,
        data: control.setup_data(),
        reply,
    };
    if tx.send(request).is_err() {
        return Err("the test run has ended".into());
    }
    answer
        .await
        .unwrap_or_else(|_| Err("the test run has ended".into()))
}

/// `POST /v1/setup`: runs setup() now and keeps what it returns.
pub(super) async fn post(control: &Control) -> Reply {
    match run_call(control, LifecycleCall::Setup).await {
        Ok(data) => {
            let data: Option<Arc<str>> = data.map(Arc::from);
            control.set_setup_data(data.clone());
            setup_envelope(data.as_deref())
        }
        Err(e) => {
            Logger::error("Error executing setup", &[("error", &e)]);
            error(500, "Error executing setup", &e)
        }
    }
}

/// `POST /v1/teardown`: runs teardown(data) now; an empty 200 when it returns.
pub(super) async fn teardown(control: &Control) -> Reply {
    match run_call(control, LifecycleCall::Teardown).await {
        Ok(_) => empty(hyper::StatusCode::OK),
        Err(e) => {
            Logger::error("Error executing teardown", &[("error", &e)]);
            error(500, "Error executing teardown", &e)
        }
    }
}
