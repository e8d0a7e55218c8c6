//! Stackful coroutines that let synchronous-looking JS (`http.get`, `sleep`) suspend one VU.
//!
//! Each VU runs its JS on its own corosensei stack. A native function that must wait hands a
//! future to [`await_op`], which suspends the coroutine; the VU's task on the worker thread
//! awaits the future (other VUs of the thread keep running) and resumes the coroutine with
//! its output. Boa roots values by reference counting, so suspending with live `JsValue`s on
//! the coroutine stack is safe for the GC.

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use boa_engine::{Context, JsNativeError, JsResult};

use super::job::{Job, JobOutcome};
use super::state::VuData;

pub(crate) type OpOutput = Box<dyn Any>;
pub(crate) type OpFuture = Pin<Box<dyn Future<Output = OpOutput>>>;

/// What the coroutine hands to its driver.
pub(crate) enum CoYield {
    /// Await `fut`, then resume with its output. `long` when the wait is known to be long
    /// (a `sleep`): the host then releases the stack pages the VU is not using.
    Op {
        fut: OpFuture,
        long: bool,
        /// What the VU waits in (`an HTTP request`), for the stuck-run report.
        what: &'static str,
    },
    /// The job finished.
    Done(JobOutcome),
}

/// What the driver hands to the coroutine.
pub(crate) enum CoInput {
    Job(Job),
    /// Output of the awaited op; `None` when the call was interrupted.
    Resume(Option<OpOutput>),
    Shutdown,
}

pub(crate) type Yielder = corosensei::Yielder<CoInput, CoYield>;

/// The message of the error thrown into JS when the host interrupts a VU.
pub const INTERRUPTED: &str = "context cancelled: the VU was interrupted";

/// Suspends the running VU until `fut` completes and returns its output.
///
/// Outside a coroutine (init code) this fails: k6 allows no waiting there.
/// `what` names the wait (`an HTTP request`) in the report of a stuck run.
pub fn await_op<T: 'static>(
    context: &mut Context,
    what: &'static str,
    fut: impl Future<Output = T> + 'static,
) -> JsResult<T> {
    suspend_for(context, fut, false, what)
}

/// [`await_op`] for a wait known to be long (`sleep(1)`): the VU's idle stack pages are
/// handed back to the kernel while it waits.
pub fn await_long<T: 'static>(
    context: &mut Context,
    what: &'static str,
    fut: impl Future<Output = T> + 'static,
) -> JsResult<T> {
    suspend_for(context, fut, true, what)
}

/// Suspends the running coroutine with `what`, noting how deep it is for the host.
pub(crate) fn suspend(yielder: &Yielder, what: CoYield) -> CoInput {
    super::stack::note_floor();
    yielder.suspend(what)
}

fn suspend_for<T: 'static>(
    context: &mut Context,
    fut: impl Future<Output = T> + 'static,
    long: bool,
    what: &'static str,
) -> JsResult<T> {
    let Some(data) = context.get_data::<VuData>() else {
        return Err(not_in_vu());
    };
    let (yielder, state) = (data.yielder.get(), data.shared());
    if yielder.is_null() {
        return Err(not_in_vu());
    }
    {
        let mut st = state.borrow_mut();
        if st.interrupted {
            return Err(JsNativeError::error().with_message(INTERRUPTED).into());
        }
        st.flush();
    }
    // SAFETY: the pointer is set by the coroutine body for the whole time it runs JS and
    // cleared after; native functions only run inside that window, on the coroutine's stack.
    let yielder = unsafe { &*yielder };
    let fut: OpFuture = Box::pin(async move { Box::new(fut.await) as OpOutput });
    match suspend(yielder, CoYield::Op { fut, long, what }) {
        CoInput::Resume(Some(out)) => out.downcast::<T>().map(|b| *b).map_err(|_| {
            JsNativeError::error()
                .with_message("internal: op type")
                .into()
        }),
        _ => {
            state.borrow_mut().interrupted = true;
            Err(JsNativeError::error().with_message(INTERRUPTED).into())
        }
    }
}

/// How long a VU may run JS before it lets the other VUs of its thread run. A worker thread
/// holds many VUs, and a response that arrives while one of them runs is read (and timed)
/// after its turn. With a VU busy in JS beside 20 light ones on 2 threads, the light VUs'
/// `http_req_duration` p95 was 21 ms with 10 ms turns, 3.6 ms with 1 ms and 1.9 ms with
/// 0.5 ms (k6: 1.5 ms); the busy VU lost 0.7 % of its loop iterations to the yields.
const TURN: Duration = Duration::from_micros(500);

thread_local! {
    /// When the VU running on this thread was last resumed.
    static TURN_STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Notes that a VU's coroutine is resumed now: its turn starts.
pub(crate) fn turn_begins() {
    TURN_STARTED.with(|t| t.set(Some(Instant::now())));
}

/// Boa's preemption hook (`Context::set_preempt_hook`, called every few thousand loop
/// iterations): once the running VU's turn is over, it suspends the VU behind the thread's
/// other ready tasks and resumes it after them. Init code, which runs outside a coroutine,
/// is never suspended.
pub(crate) fn preempt(context: &mut Context) -> JsResult<()> {
    if TURN_STARTED
        .with(Cell::get)
        .is_none_or(|t| t.elapsed() < TURN)
    {
        return Ok(());
    }
    match context.get_data::<VuData>() {
        Some(data) if !data.yielder.get().is_null() => {}
        _ => return Ok(()),
    }
    suspend_for(
        context,
        tokio::task::yield_now(),
        false,
        "its turn on a thread shared with other VUs",
    )
}

fn not_in_vu() -> boa_engine::JsError {
    JsNativeError::error()
        .with_message("this function can't be used in the init context")
        .into()
}
