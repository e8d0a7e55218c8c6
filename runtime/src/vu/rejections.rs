//! Unhandled promise rejections, reported the way k6's event loop reports them.
//!
//! k6 keeps, per VU, the promises rejected while nobody handled them (its runtime's
//! HostPromiseRejectionTracker adds one on "reject" and removes it on "handle"). When the
//! event loop has run everything queued so far and one is still kept, the loop ends with
//! `Uncaught (in promise) <value>`: the iteration fails like one that threw, and setup,
//! teardown or the init code fail with that error (not a script exception: exit 255). A
//! rejection handled later in the same turn (`p = Promise.reject(e); p.catch(…)`) is never
//! reported. rk6 does the same through Boa's host hook, so nothing is polled.

use std::cell::RefCell;
use std::collections::HashMap;

use boa_engine::builtins::promise::{OperationType, PromiseState};
use boa_engine::object::builtins::JsPromise;
use boa_engine::{js_string, Context, JsObject, JsResult, JsString, JsValue};

use crate::error::ScriptError;

/// The host hooks of a VU's context: the source guard for `eval`, and rejection tracking.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct VuHooks;

impl boa_engine::context::HostHooks for VuHooks {
    fn ensure_can_compile_strings(
        &self,
        realm: boa_engine::realm::Realm,
        parameters: &[JsString],
        body: &JsString,
        direct: bool,
        context: &mut Context,
    ) -> JsResult<()> {
        crate::source::CompileGuard
            .ensure_can_compile_strings(realm, parameters, body, direct, context)
    }

    fn promise_rejection_tracker(
        &self,
        promise: &JsObject<boa_engine::builtins::promise::Promise>,
        operation: OperationType,
        context: &mut Context,
    ) {
        let Some(pending) = context.get_data::<Pending>() else {
            return;
        };
        let mut kept = pending.kept.borrow_mut();
        let promise = promise.clone().upcast();
        match operation {
            OperationType::Reject => {
                let seq = pending.next.get();
                pending.next.set(seq + 1);
                kept.insert(promise, seq);
            }
            OperationType::Handle => {
                kept.remove(&promise);
            }
        }
    }
}

/// The promises of one context rejected with no handler so far (context host data).
#[derive(Default)]
pub(crate) struct Pending {
    /// Promise -> order of rejection: the first one rejected is the one reported (k6 picks
    /// any; the first is stable for users and tests). A map, since a script may reject many
    /// promises and handle them later in the same turn.
    kept: RefCell<HashMap<JsObject, u64>>,
    next: std::cell::Cell<u64>,
}

/// Forgets earlier rejections: each job starts with none, like k6's loop at its start.
pub(crate) fn clear(ctx: &Context) {
    if let Some(p) = ctx.get_data::<Pending>() {
        p.kept.borrow_mut().clear();
    }
}

/// Whether a rejection is waiting for a handler.
pub(crate) fn any(ctx: &Context) -> bool {
    ctx.get_data::<Pending>()
        .is_some_and(|p| !p.kept.borrow().is_empty())
}

/// Takes the first unhandled rejection (forgetting the others, as k6's loop ends on one)
/// and renders it in k6's words.
pub(crate) fn take(ctx: &mut Context) -> Option<ScriptError> {
    let first = {
        let pending = ctx.get_data::<Pending>()?;
        let mut kept = pending.kept.borrow_mut();
        let first = kept
            .iter()
            .min_by_key(|(_, seq)| **seq)
            .map(|(p, _)| p.clone());
        kept.clear();
        first?
    };
    let reason = match JsPromise::from_object(first).map(|p| p.state()) {
        Ok(PromiseState::Rejected(reason)) => reason,
        _ => JsValue::undefined(),
    };
    Some(ScriptError {
        text: format!("Uncaught (in promise) {}", render(&reason, ctx)),
    })
}

/// k6 prints the rejection value's `stack` when it has one, else the value itself: an
/// `Error` shows its message and frames, `42` shows as `42`, `{}` as `[object Object]`.
fn render(reason: &JsValue, ctx: &mut Context) -> String {
    let Some(obj) = reason.as_object() else {
        return plain(reason, ctx);
    };
    let own_stack = obj
        .has_own_property(js_string!("stack"), ctx)
        .unwrap_or(false);
    if obj.is::<boa_engine::builtins::error::Error>() && !own_stack {
        return ScriptError::from_value(reason, ctx).text;
    }
    match obj.get(js_string!("stack"), ctx) {
        Ok(stack) if !stack.is_undefined() => plain(&stack, ctx),
        _ => plain(reason, ctx),
    }
}

/// `String(value)`, or Boa's display of it when that throws (a symbol, a hostile toString).
fn plain(value: &JsValue, ctx: &mut Context) -> String {
    match value.to_string(ctx) {
        Ok(s) => s.to_std_string_escaped(),
        Err(_) => value.display().to_string(),
    }
}
