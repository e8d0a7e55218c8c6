//! Running one job inside a VU's coroutine: calling the exported function, settling the
//! promise an async function returns, and emitting the per-call metrics k6 emits
//! (`data_sent`/`data_received` per call, `iterations`/`iteration_duration` per full
//! iteration).

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use boa_engine::builtins::promise::PromiseState;
use boa_engine::object::builtins::JsPromise;
use boa_engine::{Context, JsObject, JsResult, JsString, JsValue};

use super::event_loop::LoopEnd;

use super::job::{IterationJob, Job, JobOutcome, JobValue};
use super::state::{Phase, VuState};
use crate::error::ScriptError;
use crate::log::{Level, Logger};
use crate::metrics::builtin;

/// Runs `job` to completion on the current (coroutine) stack.
pub(crate) fn run_job(
    ctx: &mut Context,
    exports: &mut Exports,
    state: &std::cell::RefCell<VuState>,
    job: Job,
) -> JobOutcome {
    match job {
        Job::Iteration(it) => run_iteration(ctx, exports, state, it),
        // Loops are unrolled by the VU's task into single iterations.
        Job::Loop(l) => run_iteration(ctx, exports, state, l.iteration),
        Job::Lifecycle { func, data } => {
            {
                let mut st = state.borrow_mut();
                st.phase = Phase::Run;
                st.group = format!("::{func}");
                st.scenario = Arc::from("");
            }
            let args = match data.as_deref().map(|d| parse_json_arg(d, ctx)) {
                Some(Ok(v)) => vec![v],
                Some(Err(e)) => return JobOutcome::Error(ScriptError::from_js(e, ctx)),
                None => vec![],
            };
            let called = call_export(ctx, exports, func, &args);
            let outcome = conclude(ctx, state, called, |v, ctx| {
                // `to_json` recurses natively: a deep value must fail, not overflow.
                crate::convert::nesting::check_nesting(&v, func, ctx)?;
                Ok(JobValue::Json(
                    v.to_json(ctx)?.unwrap_or(serde_json::Value::Null),
                ))
            });
            emit_data_counters(state, SystemTime::now());
            {
                let mut st = state.borrow_mut();
                st.flush();
                st.group.clear();
            }
            outcome
        }
        Job::HandleSummary { data } => {
            state.borrow_mut().phase = Phase::Run;
            let arg = match parse_json_arg(&data, ctx) {
                Ok(v) => v,
                Err(e) => return JobOutcome::Error(ScriptError::from_js(e, ctx)),
            };
            let called = call_export(ctx, exports, "handleSummary", &[arg]);
            // k6 logs the rejection and still writes what the function returned.
            if let Some(err) = &called.rejection {
                Logger::log(Level::Error, &err.text, &[]);
            }
            finish(ctx, state, called.result, |v, ctx| {
                Ok(match super::summary_files::summary_files(v, ctx)? {
                    Ok(files) => files,
                    Err(refused) => JobValue::InvalidSummary(refused),
                })
            })
        }
    }
}

fn run_iteration(
    ctx: &mut Context,
    exports: &mut Exports,
    state: &std::cell::RefCell<VuState>,
    it: IterationJob,
) -> JobOutcome {
    let iter = begin_iteration(&mut state.borrow_mut(), &it);
    super::instances::iteration_started(ctx);
    let _ = super::globals::set_iter(ctx, state, iter);
    if let Some(env) = &it.env {
        let _ = super::globals::set_env_overrides(ctx, env);
    }
    if crate::injected_panic("vu") {
        panic!("injected panic in a VU (RK6_TEST_PANIC=vu)");
    }
    let args = match setup_data(state, &it, ctx) {
        Ok(Some(v)) => vec![v],
        Ok(None) => vec![],
        Err(e) => return JobOutcome::Error(ScriptError::from_js(e, ctx)),
    };
    let start = Instant::now();
    let called = call_export(ctx, exports, &it.exec, &args);
    let outcome = conclude(ctx, state, called, |_, _| Ok(JobValue::None));
    let elapsed = start.elapsed();
    // One clock read for the samples that end the iteration.
    let now = SystemTime::now();
    emit_data_counters(state, now);
    let mut st = state.borrow_mut();
    st.iteration += 1;
    let fields = [
        ("executor", it.executor.as_ref()),
        ("scenario", it.scenario.as_ref()),
        ("source", "stacktrace"),
    ];
    match &outcome {
        JobOutcome::Error(err) => Logger::log(Level::Error, &err.text, &fields),
        // k6 logs a rejection without the `source` field of an exception.
        JobOutcome::Rejected(err) => Logger::log(Level::Error, &err.text, &fields[..2]),
        JobOutcome::Ok(_) | JobOutcome::Interrupted => {}
    }
    if outcome != JobOutcome::Interrupted || st.aborted {
        let tags = st.tag_set();
        st.emit_at(
            builtin::ITERATION_DURATION,
            now,
            elapsed.as_secs_f64() * 1000.0,
            &tags,
        );
        st.emit_at(builtin::ITERATIONS, now, 1.0, &tags);
    }
    st.flush();
    outcome
}

/// Puts the VU state in the run phase for iteration `it`: its scenario, tags and execution
/// counters. Returns the VU's iteration number.
fn begin_iteration(st: &mut VuState, it: &IterationJob) -> i64 {
    st.phase = Phase::Run;
    st.group.clear();
    st.base_tags = it.tags.clone();
    st.scenario = it.scenario.clone();
    st.interrupted = false;
    st.aborted = false;
    // Looked up by `&str`: only a VU's first iteration in a scenario allocates its key.
    let per_scenario = &mut st.exec.per_scenario;
    st.exec.iteration_in_scenario = match per_scenario.get_mut(&*it.scenario) {
        Some(n) => {
            *n += 1;
            *n - 1
        }
        None => {
            per_scenario.insert(it.scenario.to_string(), 1);
            0
        }
    };
    let in_instance = it
        .state
        .iterations_started
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    st.exec.iteration_in_instance = in_instance;
    st.exec.iteration_in_test = match &it.state.iteration_stripe {
        Some(stripe) => crate::execution::index_in_stripe(stripe, in_instance),
        None => st.config.test.index_in_test(in_instance),
    };
    st.exec.executor = it.executor.clone();
    st.exec.scenario = Some(it.state.clone());
    st.iteration
}

/// The VU's own copy of the setup data, parsed on its first iteration.
fn setup_data(
    state: &std::cell::RefCell<VuState>,
    it: &IterationJob,
    ctx: &mut Context,
) -> JsResult<Option<JsValue>> {
    let Some(data) = &it.data else {
        return Ok(None);
    };
    if let Some((src, value)) = &state.borrow().setup_data {
        if Arc::ptr_eq(src, data) {
            return Ok(Some(value.clone()));
        }
    }
    let value = parse_json_arg(data, ctx)?;
    state.borrow_mut().setup_data = Some((data.clone(), value.clone()));
    Ok(Some(value))
}

/// Buffers the job's `data_sent`/`data_received`; the caller flushes with its other samples.
fn emit_data_counters(state: &std::cell::RefCell<VuState>, at: SystemTime) {
    let mut st = state.borrow_mut();
    let tags = st.tag_set();
    let (sent, received) = st.wire.take();
    st.emit_at(builtin::DATA_SENT, at, sent as f64, &tags);
    st.emit_at(builtin::DATA_RECEIVED, at, received as f64, &tags);
}

/// The script's exports and the functions jobs call, resolved once per VU, as k6 resolves a
/// VU's exec functions when it builds the VU (looking one up by name through the module
/// namespace was ~2.5 % of the CPU of an `http.get` loop).
pub(crate) struct Exports {
    namespace: JsObject,
    functions: Vec<(String, JsObject)>,
}

impl Exports {
    pub(crate) fn new(namespace: JsObject) -> Self {
        Exports {
            namespace,
            functions: Vec::new(),
        }
    }

    fn function(&mut self, name: &str, ctx: &mut Context) -> JsResult<JsObject> {
        if let Some((_, f)) = self.functions.iter().find(|(n, _)| n == name) {
            return Ok(f.clone());
        }
        let f = self.namespace.get(JsString::from(name), ctx)?;
        let Some(callable) = f.as_callable() else {
            return Err(boa_engine::JsNativeError::typ()
                .with_message(format!("function '{name}' not found in exports"))
                .into());
        };
        self.functions.push((name.to_string(), callable.clone()));
        Ok(callable.clone())
    }
}

/// What calling an exported function gave.
struct Called {
    /// What it returned (an async function's settled value), or what it threw.
    result: JsResult<JsValue>,
    /// A promise rejection nobody handled ended the call's event loop. k6 reports it as
    /// `Uncaught (in promise) …`, a plain error rather than a script exception, and still
    /// hands on the returned value (which `handleSummary` uses).
    rejection: Option<ScriptError>,
}

fn call_export(ctx: &mut Context, exports: &mut Exports, name: &str, args: &[JsValue]) -> Called {
    super::rejections::clear(ctx);
    let thrown = |e| Called {
        result: Err(e),
        rejection: None,
    };
    let callable = match exports.function(name, ctx) {
        Ok(c) => c,
        Err(e) => return thrown(e),
    };
    // Timers, socket events and promise jobs keep the call alive until none is left.
    let ran = callable
        .call(&JsValue::undefined(), args, ctx)
        .and_then(|v| super::event_loop::run(ctx).map(|end| (v, end)));
    match ran {
        Ok((value, LoopEnd::Idle)) => Called {
            result: Ok(settled(value)),
            rejection: None,
        },
        Ok((value, LoopEnd::Rejected(err))) => Called {
            result: Ok(settled(value)),
            rejection: Some(err),
        },
        Err(e) => {
            let _ = super::state::with_vu(ctx, |st| st.event_loop.reset());
            thrown(e)
        }
    }
}

/// The value of a returned promise once the loop has run (k6's `unPromisify`): what it
/// fulfilled with, what it was rejected with (an unhandled rejection was reported by the
/// loop already), or `undefined` while still pending.
fn settled(value: JsValue) -> JsValue {
    let Some(promise) = value
        .as_object()
        .and_then(|obj| JsPromise::from_object(obj.clone()).ok())
    else {
        return value;
    };
    match promise.state() {
        PromiseState::Fulfilled(v) | PromiseState::Rejected(v) => v,
        PromiseState::Pending => JsValue::undefined(),
    }
}

/// How a call ended: an unhandled rejection first (k6's loop ends on it), else what the
/// function returned or threw.
fn conclude(
    ctx: &mut Context,
    state: &std::cell::RefCell<VuState>,
    called: Called,
    convert: impl FnOnce(JsValue, &mut Context) -> JsResult<JobValue>,
) -> JobOutcome {
    match called.rejection {
        Some(err) => JobOutcome::Rejected(err),
        None => finish(ctx, state, called.result, convert),
    }
}

fn finish(
    ctx: &mut Context,
    state: &std::cell::RefCell<VuState>,
    result: JsResult<JsValue>,
    convert: impl FnOnce(JsValue, &mut Context) -> JsResult<JobValue>,
) -> JobOutcome {
    let interrupted = state.borrow().interrupted;
    match result {
        Ok(v) => match convert(v, ctx) {
            Ok(jv) => JobOutcome::Ok(jv),
            Err(e) => JobOutcome::Error(ScriptError::from_js(e, ctx)),
        },
        Err(e) => {
            // The host's interrupt flag stopped a busy script (an uncatchable engine error).
            let by_host = matches!(
                e.as_engine(),
                Some(boa_engine::error::EngineError::RuntimeLimit(
                    boa_engine::error::RuntimeLimitError::Interrupted
                ))
            );
            let err = ScriptError::from_js(e, ctx);
            // A wait the host cut short set `interrupted` (whatever the script then threw).
            if interrupted || by_host {
                JobOutcome::Interrupted
            } else {
                JobOutcome::Error(err)
            }
        }
    }
}

fn parse_json_arg(data: &str, ctx: &mut Context) -> JsResult<JsValue> {
    Ok(crate::convert::json_text::parse(data, ctx)?)
}
