//! VU execution: a VU is a Boa context plus a coroutine, living on one worker thread.
//!
//! Design (see `runtime/README.md`; the measurements are in `bench/README.md`): K worker OS
//! threads, each with a large stack, a current-thread tokio runtime and a `LocalSet`. Each
//! VU is a local task owning its context and a corosensei coroutine; natives that wait
//! (`http.get`, `sleep`) suspend the coroutine while the task awaits the I/O, so other VUs
//! on the thread keep running. VUs never move between threads (Boa contexts are not
//! `Send`); the host talks to them through [`VuHandle`]s.

pub mod activity;
pub(crate) mod build;
pub(crate) mod call;
pub(crate) mod coro;
pub(crate) mod event_loop;
mod gc;
mod globals;
pub(crate) mod instances;
pub(crate) mod job;
mod rejections;
mod stack;
pub(crate) mod state;
pub(crate) mod summary_files;

use std::cell::RefCell;
use std::rc::Rc;

use boa_engine::{Context, JsObject};
use corosensei::{Coroutine, CoroutineResult};
use tokio::sync::{mpsc, oneshot, watch};

use self::coro::{CoInput, CoYield};
use self::job::{Job, JobOutcome};
use self::stack::VuStack;
use self::state::{VuData, VuState};

pub use self::build::VuInfo;

/// A job plus how to stop it and where to answer.
struct Request {
    /// Boxed: the channel preallocates a block of requests per VU, idle VUs included.
    job: Box<Job>,
    stop: watch::Receiver<bool>,
    reply: oneshot::Sender<JobOutcome>,
}

/// The host's handle to a VU on some worker thread. Cheap to clone, `Send`.
#[derive(Debug, Clone)]
pub struct VuHandle {
    /// `__VU`.
    pub id: u64,
    tx: mpsc::UnboundedSender<Request>,
    /// The VU's script stops at its next loop iteration or call once this is set: how a
    /// VU stuck in a CPU loop (which never reaches a wait) is interrupted.
    interrupt: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl VuHandle {
    /// Runs `job` on the VU; setting `stop` to true (or dropping its sender) interrupts it
    /// at its next wait, or at its next loop iteration or call when it is busy in JS.
    pub async fn run(&self, job: Job, stop: watch::Receiver<bool>) -> JobOutcome {
        use std::sync::atomic::Ordering;
        let (reply, rx) = oneshot::channel();
        let job = Box::new(job);
        // The VU is idle between jobs: nothing can miss this reset.
        self.interrupt.store(false, Ordering::Relaxed);
        let mut watch_stop = stop.clone();
        if self.tx.send(Request { job, stop, reply }).is_err() {
            return JobOutcome::Interrupted;
        }
        tokio::pin!(rx);
        // A caller that gives up on the job (drops this future, e.g. on Ctrl-C during
        // setup) stops the script too, or a busy VU would spin until the process exits.
        let mut abandoned = Abandoned(Some(&self.interrupt));
        // The VU's thread may be stuck in the script: the flag is set from here.
        tokio::select! {
            out = &mut rx => {
                abandoned.0 = None;
                return out.unwrap_or(JobOutcome::Interrupted);
            }
            _ = watch_stop.wait_for(|s| *s) => self.interrupt.store(true, Ordering::Relaxed),
        }
        let out = rx.await.unwrap_or(JobOutcome::Interrupted);
        abandoned.0 = None;
        out
    }
}

/// Raises a VU's interrupt flag when dropped while still armed.
struct Abandoned<'a>(Option<&'a std::sync::atomic::AtomicBool>);

impl Drop for Abandoned<'_> {
    fn drop(&mut self) {
        if let Some(flag) = self.0 {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Set once a run's VUs are in use: from then on a VU whose handle is dropped is not torn
/// down (its context and stack stay until the process exits, as k6 keeps its VUs until the
/// end). Tearing down 1,000 contexts and unmapping their stacks cost ~8 % of a short run.
static KEEP_UNTIL_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Stop tearing down VUs whose handles are dropped; for a host that exits after the run.
pub fn keep_contexts_until_exit() {
    KEEP_UNTIL_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

type VuCoroutine = Coroutine<CoInput, CoYield, (), corosensei::stack::DefaultStack>;

/// Moves an initialised context into a coroutine and serves jobs until the handle is dropped.
async fn serve(
    vu: build::InitializedVu,
    stack_size: usize,
    mut rx: mpsc::UnboundedReceiver<Request>,
) {
    let (stack, mut vu_stack) = match VuStack::new(stack_size) {
        Ok(s) => s,
        Err(e) => {
            crate::log::Logger::error(&format!("could not allocate a VU stack: {e}"), &[]);
            return;
        }
    };
    let build::InitializedVu {
        context,
        exports,
        state,
        activity,
        ..
    } = vu;
    let min_iteration = state.borrow().config.min_iteration_duration;
    let floor = stack::native_stack_floor(vu_stack.lowest());
    let mut coroutine: VuCoroutine =
        Coroutine::with_stack(stack, move |yielder, first: CoInput| {
            body(yielder, first, context, exports, state, floor)
        });
    while let Some(req) = next_request(&mut rx, &vu_stack).await {
        let mut vu = Running {
            co: &mut coroutine,
            stack: &mut vu_stack,
            activity: &activity,
        };
        let (what, name) = job_label(&req.job);
        activity.job_started(what, name);
        let outcome = match *req.job {
            Job::Loop(l) => run_loop(&mut vu, l, req.stop, min_iteration).await,
            job @ Job::Iteration(_) => {
                let started = std::time::Instant::now();
                let out = drive(&mut vu, job, req.stop.clone()).await;
                pad_iteration(started, &out, min_iteration, req.stop).await;
                out
            }
            job => drive(&mut vu, job, req.stop).await,
        };
        activity.job_ended();
        let _ = req.reply.send(outcome);
    }
    if KEEP_UNTIL_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        // The process exits soon and the OS takes the memory back at once.
        std::mem::forget(coroutine);
        return;
    }
    if coroutine.started() && !coroutine.done() {
        let _ = coroutine.resume(CoInput::Shutdown);
    }
}

/// The coroutine's body: runs jobs until told to shut down. `native_stack_floor` is the
/// coroutine stack's (see `stack::native_stack_floor`).
fn body(
    yielder: &coro::Yielder,
    first: CoInput,
    mut context: Context,
    exports: JsObject,
    state: Rc<RefCell<VuState>>,
    native_stack_floor: usize,
) {
    if let Some(d) = context.get_data::<VuData>() {
        d.yielder.set(yielder as *const _);
    }
    context.set_native_stack_floor(native_stack_floor);
    let mut exports = call::Exports::new(exports);
    let mut input = first;
    loop {
        let job = match input {
            CoInput::Job(job) => job,
            CoInput::Shutdown => break,
            CoInput::Resume(_) => {
                input = coro::suspend(yielder, CoYield::Done(JobOutcome::Interrupted));
                continue;
            }
        };
        let outcome = call::run_job(&mut context, &mut exports, &state, job);
        input = coro::suspend(yielder, CoYield::Done(outcome));
    }
    if let Some(d) = context.get_data::<VuData>() {
        d.yielder.set(std::ptr::null());
    }
}

/// How long a VU waits for its next job before its idle stack pages are released: short
/// gaps (an arrival-rate VU at a high rate) keep them, to spare the page faults.
const IDLE_RELEASE_AFTER: std::time::Duration = std::time::Duration::from_millis(100);

/// The next job for the VU; `None` once its handle is gone. A VU left idle gives its unused
/// stack pages back while it waits.
async fn next_request(
    rx: &mut mpsc::UnboundedReceiver<Request>,
    stack: &VuStack,
) -> Option<Request> {
    match tokio::time::timeout(IDLE_RELEASE_AFTER, rx.recv()).await {
        Ok(req) => req,
        Err(_) => {
            stack.release();
            rx.recv().await
        }
    }
}

/// How the stuck-run report names a job.
fn job_label(job: &Job) -> (&'static str, Option<std::sync::Arc<str>>) {
    match job {
        Job::Iteration(j) | Job::Loop(job::LoopJob { iteration: j, .. }) => {
            ("an iteration of scenario", Some(j.scenario.clone()))
        }
        Job::Lifecycle { func: "setup", .. } => ("setup()", None),
        Job::Lifecycle {
            func: "teardown", ..
        } => ("teardown()", None),
        Job::Lifecycle { .. } => ("a lifecycle function", None),
        Job::HandleSummary { .. } => ("handleSummary()", None),
    }
}

/// A VU's coroutine and the host's view of its stack, while it runs a job.
struct Running<'a> {
    co: &'a mut VuCoroutine,
    stack: &'a mut VuStack,
    activity: &'a activity::Activity,
}

impl Running<'_> {
    fn resume(&mut self, input: CoInput) -> CoroutineResult<CoYield, ()> {
        coro::turn_begins();
        let step = self.co.resume(input);
        self.stack.suspended();
        step
    }
}

/// Runs iterations while the loop's predicate allows; ends early when interrupted.
async fn run_loop(
    co: &mut Running<'_>,
    l: job::LoopJob,
    stop: watch::Receiver<bool>,
    min_iteration: Option<std::time::Duration>,
) -> JobOutcome {
    while !*stop.borrow() && (l.keep_going)() {
        let started = std::time::Instant::now();
        let out = drive(co, Job::Iteration(l.iteration.clone()), stop.clone()).await;
        (l.on_done)(&out);
        if out == JobOutcome::Interrupted {
            return out;
        }
        pad_iteration(started, &out, min_iteration, stop.clone()).await;
        // An iteration that never waits would otherwise starve the thread's other VUs.
        tokio::task::yield_now().await;
    }
    JobOutcome::Ok(job::JobValue::None)
}

/// `minIterationDuration`: after a full iteration (its metrics already out, so the wait
/// is not in `iteration_duration`), waits out the rest of the minimum. Like k6, the wait
/// outlives the scenario's duration and only a hard stop (gracefulStop, abort) cuts it.
async fn pad_iteration(
    started: std::time::Instant,
    outcome: &JobOutcome,
    min: Option<std::time::Duration>,
    mut stop: watch::Receiver<bool>,
) {
    let Some(rest) = min.map(|m| m.saturating_sub(started.elapsed())) else {
        return;
    };
    if rest.is_zero() || *outcome == JobOutcome::Interrupted || *stop.borrow() {
        return;
    }
    tokio::select! {
        _ = tokio::time::sleep(rest) => {}
        _ = stop.wait_for(|s| *s) => {}
    }
}

/// Resumes the coroutine with `job` and awaits every op it yields until the job is done.
async fn drive(co: &mut Running<'_>, job: Job, mut stop: watch::Receiver<bool>) -> JobOutcome {
    let mut step = co.resume(CoInput::Job(job));
    loop {
        match step {
            CoroutineResult::Yield(CoYield::Done(outcome)) => return outcome,
            CoroutineResult::Return(()) => return JobOutcome::Interrupted,
            CoroutineResult::Yield(CoYield::Op {
                fut: op,
                long,
                what,
            }) => {
                if long {
                    co.stack.release();
                }
                co.activity.waiting(what);
                let out = if *stop.borrow() {
                    None
                } else {
                    tokio::select! {
                        out = op => Some(out),
                        _ = stop.wait_for(|s| *s) => None,
                    }
                };
                co.activity.resumed();
                step = co.resume(CoInput::Resume(out));
            }
        }
    }
}
