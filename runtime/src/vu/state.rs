//! Per-VU mutable state reachable from native functions: identity, phase, iteration, group,
//! tags, buffered samples and the bytes its sockets moved: what every module needs. A
//! module's own per-VU state is its [`super::instances::Instance`]. Stored in the Boa
//! context's host data.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::SystemTime;

use boa_engine::{Context, JsNativeError, JsResult};

use crate::config::TestConfig;
use crate::metrics::{MetricId, Sample, TagSet, Wire};

/// Where a VU is in k6's lifecycle; several APIs are only allowed in one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Init,
    Run,
}

/// The global `__ITER`: absent before the first iteration (as in k6), then an accessor over
/// [`VuState::iteration`], or a plain data property once the script assigned to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IterGlobal {
    Unset,
    Accessor,
    Data,
}

/// State of one VU.
pub struct VuState {
    /// `__VU` (0 for the options/setup/teardown/summary VUs).
    pub id: u64,
    pub config: Arc<TestConfig>,
    pub phase: Phase,
    /// `__ITER` of the running iteration.
    pub iteration: i64,
    /// What the global `__ITER` is (see `vu::globals`).
    pub iter_global: IterGlobal,
    /// Current group path: `""` at the root, `::a::b` when nested.
    pub group: String,
    /// Tags every sample of the current call carries (run tags + scenario tags).
    pub base_tags: Arc<BTreeMap<String, String>>,
    /// Tags the script set through `exec.vu.tags`: they stay on the VU for the rest of
    /// the test (as in k6) and win over run and scenario tags.
    script_tags: BTreeMap<String, String>,
    /// Bumped whenever `script_tags` changes (for `tag_set`'s cache).
    script_tags_generation: u64,
    /// [`Self::check_tag_set`]'s sets: (base set, check name, set).
    #[allow(clippy::type_complexity)]
    check_tags: std::cell::RefCell<Vec<(crate::metrics::TagSet, String, crate::metrics::TagSet)>>,
    /// What [`Self::tag_set`] last built, and from what.
    #[allow(clippy::type_complexity)]
    tag_set_cache: std::cell::RefCell<
        Option<(
            Arc<BTreeMap<String, String>>,
            String,
            u64,
            crate::metrics::TagSet,
        )>,
    >,
    /// What the script set in `exec.vu.metrics.metadata` (kept for the VU, like tags).
    script_metadata: Vec<(String, String)>,
    /// Whether the `vu` and `iter` system tags are on (looked up once: samples are hot).
    vu_iter_metadata: (bool, bool),
    /// The metadata built for the iteration it names.
    metadata_cache: Option<(i64, crate::metrics::Metadata)>,
    /// `scenario` name of the current call.
    pub scenario: Arc<str>,
    buffer: Vec<Sample>,
    /// Bytes this VU's sockets moved (every protocol's connections count into it),
    /// emitted as `data_sent`/`data_received` at the call's end.
    pub wire: Arc<Wire>,
    /// Set when the host interrupted the running call.
    pub interrupted: bool,
    /// Set when this call ran `exec.test.abort()`: the iteration still counts in
    /// `iterations` (k6's run context is not yet cancelled when it ends).
    pub aborted: bool,
    /// This VU's copy of `setup()`'s data: parsed once, so mutations persist across its
    /// iterations like in k6.
    pub setup_data: Option<(std::sync::Arc<str>, boa_engine::JsValue)>,
    /// `k6/execution` facts about the running iteration.
    pub exec: IterationFacts,
    /// Seeded by `randomSeed()`.
    pub rng: Option<rand::rngs::SmallRng>,
    /// Timers and asynchronous operations of the running call.
    pub event_loop: super::event_loop::EventLoop,
    /// The tag set of the last request, shared by the next one when equal: a loop over
    /// the same request then allocates no tag set, and the host frees none.
    last_tags: Option<crate::metrics::TagSet>,
}

impl VuState {
    pub fn new(id: u64, config: Arc<TestConfig>) -> Self {
        VuState {
            id,
            base_tags: Arc::new(config.run_tags.clone()),
            script_tags: BTreeMap::new(),
            script_tags_generation: 0,
            tag_set_cache: std::cell::RefCell::new(None),
            check_tags: std::cell::RefCell::new(Vec::new()),
            script_metadata: Vec::new(),
            vu_iter_metadata: (config.system_tags.has("vu"), config.system_tags.has("iter")),
            metadata_cache: None,
            config,
            phase: Phase::Init,
            iteration: 0,
            iter_global: IterGlobal::Unset,
            group: String::new(),
            scenario: Arc::from("default"),
            buffer: Vec::new(),
            wire: Arc::new(Wire::default()),
            interrupted: false,
            aborted: false,
            rng: None,
            exec: IterationFacts::default(),
            setup_data: None,
            event_loop: Default::default(),
            last_tags: None,
        }
    }

    /// [`Self::tags`] as a shared tag set, rebuilt only when the base tags, the group or
    /// the script's tags changed since the last call (samples of a loop share one set).
    pub fn tag_set(&self) -> crate::metrics::TagSet {
        if let Some((base, group, generation, set)) = &*self.tag_set_cache.borrow() {
            if Arc::ptr_eq(base, &self.base_tags)
                && *group == self.group
                && *generation == self.script_tags_generation
            {
                return set.clone();
            }
        }
        let set = Arc::new(self.tags());
        *self.tag_set_cache.borrow_mut() = Some((
            self.base_tags.clone(),
            self.group.clone(),
            self.script_tags_generation,
            set.clone(),
        ));
        set
    }

    /// The tag set of check `name` (the VU's tags plus `check`), kept while the VU's tags
    /// stay the same: a loop's checks then allocate nothing.
    pub fn check_tag_set(&self, name: &str, with_check: bool) -> crate::metrics::TagSet {
        let base = self.tag_set();
        let mut cache = self.check_tags.borrow_mut();
        if let Some((_, _, set)) = cache
            .iter()
            .find(|(b, n, _)| Arc::ptr_eq(b, &base) && n == name)
        {
            return set.clone();
        }
        let mut tags = (*base).clone();
        if with_check {
            tags.insert("check".to_string(), name.to_string());
        }
        let set = Arc::new(tags);
        if cache.len() >= 64 {
            cache.clear();
        }
        cache.push((base, name.to_string(), set.clone()));
        set
    }

    /// Tags the script sets through `exec.vu.tags`.
    pub fn set_script_tag(&mut self, name: String, value: String) {
        self.script_tags.insert(name, value);
        self.script_tags_generation += 1;
    }

    /// Base tags plus `group` (when enabled) — the tag set of most samples.
    pub fn tags(&self) -> BTreeMap<String, String> {
        let mut tags = (*self.base_tags).clone();
        tags.extend(self.script_tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        if self.config.system_tags.has("group") {
            tags.insert("group".to_string(), self.group.clone());
        }
        tags
    }

    pub fn emit(&mut self, metric: MetricId, value: f64, tags: &TagSet) {
        self.emit_at(metric, SystemTime::now(), value, tags);
    }

    pub fn emit_at(&mut self, metric: MetricId, time: SystemTime, value: f64, tags: &TagSet) {
        let metadata = self.metadata();
        self.buffer.push(Sample {
            metric,
            time,
            value,
            tags: tags.clone(),
            metadata,
        });
    }

    /// The metadata of this VU's samples: `vu` and `iter` when those system tags are
    /// enabled, then what the script set in `exec.vu.metrics.metadata`. Built once per
    /// iteration.
    fn metadata(&mut self) -> Option<crate::metrics::Metadata> {
        let (vu, iter) = self.vu_iter_metadata;
        if !vu && !iter && self.script_metadata.is_empty() {
            return None;
        }
        if let Some((at, m)) = &self.metadata_cache {
            if *at == self.iteration {
                return Some(m.clone());
            }
        }
        let mut m = Vec::with_capacity(2 + self.script_metadata.len());
        if vu {
            m.push(("vu".to_string(), self.id.to_string()));
        }
        if iter && self.phase == Phase::Run {
            m.push(("iter".to_string(), self.iteration.to_string()));
        }
        m.extend(self.script_metadata.iter().cloned());
        let m = Arc::new(m);
        self.metadata_cache = Some((self.iteration, m.clone()));
        Some(m)
    }

    /// What the script set in `exec.vu.metrics.metadata`.
    pub fn script_metadata(&self) -> &[(String, String)] {
        &self.script_metadata
    }

    /// Sets (`Some`) or removes (`None`) a key of `exec.vu.metrics.metadata`.
    pub fn set_script_metadata(&mut self, key: &str, value: Option<String>) {
        self.script_metadata.retain(|(k, _)| k != key);
        if let Some(v) = value {
            self.script_metadata.push((key.to_string(), v));
        }
        self.metadata_cache = None;
    }

    /// `tags` as a shared tag set, reusing the previous one when equal.
    pub fn intern_tags(&mut self, tags: BTreeMap<String, String>) -> crate::metrics::TagSet {
        if let Some(last) = &self.last_tags {
            if **last == tags {
                return last.clone();
            }
        }
        let set = Arc::new(tags);
        self.last_tags = Some(set.clone());
        set
    }

    /// Sends buffered samples to the host; called before every suspension and at call end.
    pub fn flush(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        // The next batch is likely the size of this one; an idle VU keeps no buffer.
        let next = Vec::with_capacity(self.buffer.len());
        let batch = std::mem::replace(&mut self.buffer, next);
        // The receiver only goes away at shutdown, when nobody needs samples anymore.
        let _ = self.config.samples.send(batch);
    }

    /// Fails unless called from VU (non-init) code, with k6's message for `what`.
    pub fn require_run_phase(&self, message: &str) -> JsResult<()> {
        if self.phase == Phase::Init {
            return Err(JsNativeError::error()
                .with_message(message.to_string())
                .into());
        }
        Ok(())
    }
}

/// What `k6/execution` reports about the running iteration.
#[derive(Debug, Default, Clone)]
pub struct IterationFacts {
    pub executor: Arc<str>,
    pub scenario: Option<Arc<crate::execution::ScenarioState>>,
    /// This iteration's number among its scenario's iterations in this instance.
    pub iteration_in_instance: u64,
    /// ... and in the whole test (across segmented instances).
    pub iteration_in_test: u64,
    /// This VU's iteration number within the scenario.
    pub iteration_in_scenario: u64,
    /// Iterations this VU ran per scenario.
    pub per_scenario: BTreeMap<String, u64>,
}

/// Host data of a VU's context: its state and, while a call runs, the coroutine yielder.
///
/// The state is only reachable through [`with_vu`] (and the VU core in `vu/`), never as a
/// handle a native function could keep while it calls back into JS.
pub struct VuData {
    state: Rc<RefCell<VuState>>,
    instances: RefCell<super::instances::Instances>,
    pub(crate) yielder: Cell<*const crate::vu::coro::Yielder>,
}

impl VuData {
    pub(crate) fn new(state: Rc<RefCell<VuState>>) -> Self {
        VuData {
            state,
            instances: RefCell::default(),
            yielder: Cell::new(std::ptr::null()),
        }
    }

    /// The shared handle, for the VU core that drives calls (not for modules).
    pub(in crate::vu) fn shared(&self) -> Rc<RefCell<VuState>> {
        self.state.clone()
    }

    pub(in crate::vu) fn state(&self) -> &RefCell<VuState> {
        &self.state
    }

    pub(in crate::vu) fn instances(&self) -> &RefCell<super::instances::Instances> {
        &self.instances
    }
}

/// Runs `f` on the VU state of `context`, the one way modules reach it.
///
/// `f` gets the state and not the context, and `context` stays borrowed while `f` runs, so
/// the borrow checker rules out calling JS (which needs `&mut Context`) with the state
/// borrowed: a script's `toString`, getter or callback can never find the state taken.
/// Read what a JS call needs first, call JS, then come back for what the result changes.
pub fn with_vu<R>(context: &Context, f: impl FnOnce(&mut VuState) -> R) -> JsResult<R> {
    let data = context.get_data::<VuData>().ok_or_else(not_in_vu)?;
    // Nested `with_vu` calls are plain Rust, visible at the call site; refuse one loudly
    // rather than panic the VU.
    let mut state = data.state.try_borrow_mut().map_err(|_| {
        JsNativeError::error().with_message("internal: the VU state is already in use")
    })?;
    Ok(f(&mut state))
}

fn not_in_vu() -> boa_engine::JsError {
    JsNativeError::error()
        .with_message("k6 modules are only available inside a VU")
        .into()
}

/// The test configuration this VU runs under.
pub fn vu_config(context: &Context) -> JsResult<Arc<TestConfig>> {
    with_vu(context, |st| st.config.clone())
}

/// Where this VU is in its lifecycle.
pub fn vu_phase(context: &Context) -> JsResult<Phase> {
    with_vu(context, |st| st.phase)
}

/// Fails with k6's `message` when called from the init context.
pub fn require_run_phase(context: &Context, message: &str) -> JsResult<()> {
    with_vu(context, |st| st.require_run_phase(message))?
}
