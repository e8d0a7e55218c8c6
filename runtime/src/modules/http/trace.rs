//! Connection-phase timing: a connector layer that records when a new connection started
//! and finished being established, for the request that asked for it. The request's task
//! scopes a [`Trace`] slot; the connector reads it when hyper calls it (during that task's
//! poll), so pooled connections leave the slot empty and count as zero connect time.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

/// When this request's new connection started and was ready, if it opened one.
pub type Trace = Arc<Mutex<Option<(Instant, Instant)>>>;

tokio::task_local! {
    static TRACE: Trace;
}

/// Runs `fut` with `trace` as the slot new connections report to.
pub async fn scoped<F: Future>(trace: Trace, fut: F) -> F::Output {
    TRACE.scope(trace, fut).await
}

/// The layer given to `reqwest::ClientBuilder::connector_layer`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConnectTiming;

impl<S> tower::Layer<S> for ConnectTiming {
    type Service = TimedConnect<S>;
    fn layer(&self, inner: S) -> TimedConnect<S> {
        TimedConnect(inner)
    }
}

/// Wraps the connector service, timing each connection it makes.
#[derive(Debug, Clone)]
pub struct TimedConnect<S>(S);

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, R> tower::Service<R> for TimedConnect<S>
where
    S: tower::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<S::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let slot = TRACE.try_with(Clone::clone).ok();
        let start = Instant::now();
        let fut = self.0.call(req);
        Box::pin(async move {
            let out = fut.await;
            if let (Some(slot), true) = (slot, out.is_ok()) {
                if let Ok(mut s) = slot.lock() {
                    *s = Some((start, Instant::now()));
                }
            }
            out
        })
    }
}
