//! The VU core's part of building a VU: a Boa context with the core's host hooks, interrupt
//! flag, native stack floor and state in place (`Blank`), into which `world` installs the
//! globals, the modules and the script; then its hand-over to a task on its worker thread.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use boa_engine::module::ModuleLoader;
use boa_engine::{Context, JsObject};
use tokio::sync::mpsc;

use super::activity::Activity;
use super::state::{VuData, VuState};
use super::VuHandle;
use crate::config::TestConfig;
use crate::error::{InitError, ScriptError};

/// What the host learns from a VU's init.
#[derive(Debug, Clone, Default)]
pub struct VuInfo {
    /// The script's `options` export, as JSON.
    pub options: Option<serde_json::Value>,
    /// Names of the exported functions.
    pub functions: Vec<String>,
}

/// A VU's context with the core in place and nothing of the script yet. GC stays paused
/// while it lives (init allocates a lot and keeps almost all of it).
pub(crate) struct Blank {
    pub context: Context,
    state: Rc<RefCell<VuState>>,
    interrupt: Arc<AtomicBool>,
    _gc: super::gc::InitPause,
}

impl Blank {
    /// The context of VU `id`, loading modules with `loader`.
    pub(crate) fn new<L: ModuleLoader + 'static>(
        config: Arc<TestConfig>,
        id: u64,
        loader: Rc<L>,
    ) -> Result<Blank, InitError> {
        let gc = super::gc::InitPause::begin();
        let mut context = Context::builder()
            .module_loader(loader)
            .host_hooks(Rc::new(super::rejections::VuHooks))
            .build()
            .map_err(|e| InitError::Thread(e.to_string()))?;
        let interrupt = Arc::new(AtomicBool::new(false));
        context.set_interrupt_flag(interrupt.clone());
        context.set_preempt_hook(super::coro::preempt);
        // Init code runs on the worker thread's stack; `body` sets the VU stack's floor later.
        context.set_native_stack_floor(super::stack::thread_floor());
        let state = Rc::new(RefCell::new(VuState::new(id, config)));
        context.insert_data(VuData::new(state.clone()));
        context.insert_data(super::rejections::Pending::default());
        Ok(Blank {
            context,
            state,
            interrupt,
            _gc: gc,
        })
    }

    /// A promise the init code rejected that nothing handled.
    pub(crate) fn unhandled_rejection(&mut self) -> Option<ScriptError> {
        super::rejections::take(&mut self.context)
    }

    /// The VU, its init done: `exports` is the script's namespace.
    pub(crate) fn ready(self, exports: JsObject, info: VuInfo) -> InitializedVu {
        let id = self.state.borrow().id;
        self.state.borrow_mut().flush();
        InitializedVu {
            context: self.context,
            exports,
            state: self.state,
            info,
            interrupt: self.interrupt,
            activity: Activity::register(id),
        }
    }
}

/// A context whose init code has run.
pub(crate) struct InitializedVu {
    pub(super) context: Context,
    pub(super) exports: JsObject,
    pub(super) state: Rc<RefCell<VuState>>,
    pub(crate) info: VuInfo,
    /// Set by the host to stop a busy script (a CPU loop never reaches a wait).
    pub(super) interrupt: Arc<AtomicBool>,
    /// What the VU is doing, for the stuck-run report.
    pub(super) activity: Arc<Activity>,
}

pub(crate) use super::gc::vu_heap;

/// Starts serving jobs for `vu`, built in `heap`, on the current worker thread's
/// `LocalSet`.
pub(crate) fn spawn(vu: InitializedVu, heap: boa_gc::Heap, id: u64) -> VuHandle {
    let stack = vu.state.borrow().config.coroutine_stack;
    let (tx, jobs) = mpsc::unbounded_channel();
    let interrupt = vu.interrupt.clone();
    let serve = super::serve(vu, stack, jobs);
    tokio::task::spawn_local(super::gc::InHeap::new(heap, serve));
    VuHandle { id, tx, interrupt }
}

/// Prepares the current thread to host VUs: its native stack size (`stack`, for the
/// stack floor) and its GC pacing.
pub(crate) fn worker_thread_started(stack: usize) {
    super::stack::note_thread_stack(stack);
    super::gc::configure_thread();
}
