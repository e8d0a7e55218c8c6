//! The VU event loop: what keeps an iteration alive after its function returned — timers
//! (`setTimeout`, `setInterval`, socket timers), promise jobs, and asynchronous operations
//! whose results arrive from the I/O runtime (WebSocket frames). Like k6, an iteration
//! ends only when none of these is left.
//!
//! Results arrive on a channel as [`Completion`]s (plain `Send` data); the JS side of each
//! operation is a listener kept here, on the VU's thread, keyed by the operation's id.

use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use boa_engine::{Context, JsObject, JsResult, JsValue};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use super::coro::await_op;
use super::state::with_vu;
use crate::error::ScriptError;

/// A result for the VU, sent from the I/O runtime.
pub struct Completion {
    pub id: u64,
    pub payload: Box<dyn Any + Send>,
}

/// Handles one completion on the VU's thread; returns true when the operation is over.
pub type Listener = Box<dyn FnMut(&mut Context, Box<dyn Any + Send>) -> JsResult<bool>>;

struct Timer {
    callback: JsObject,
    args: Vec<JsValue>,
    repeat: Option<Duration>,
    /// `setTimeout`/`setInterval` for the global timers, whose loss k6 reports when an
    /// iteration ends early; `None` for a socket's own timers.
    name: Option<&'static str>,
}

/// Timers, listeners and the completion channel of one VU.
pub struct EventLoop {
    timers: BTreeMap<(Instant, u64), Timer>,
    /// Timer id -> its current key in `timers`.
    timer_keys: HashMap<u64, (Instant, u64)>,
    listeners: HashMap<u64, Listener>,
    next_id: u64,
    /// The last timer id handed out. Like k6's, timer ids count up for the VU's whole life
    /// (the first `setTimeout` returns 1), across iterations.
    timer_seq: u64,
    tx: UnboundedSender<Completion>,
    rx: Option<UnboundedReceiver<Completion>>,
}

impl Default for EventLoop {
    fn default() -> Self {
        let (tx, rx) = unbounded_channel();
        EventLoop {
            timers: BTreeMap::new(),
            timer_keys: HashMap::new(),
            listeners: HashMap::new(),
            next_id: 1,
            timer_seq: 0,
            tx,
            rx: Some(rx),
        }
    }
}

impl EventLoop {
    /// A fresh id for a timer or an operation.
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Where the I/O side sends completions.
    pub fn sender(&self) -> UnboundedSender<Completion> {
        self.tx.clone()
    }

    /// Schedules `callback(...args)` after `delay` (again every `delay` when `repeat`);
    /// `name` is the global function that asked (`setTimeout`), `None` for socket timers.
    pub fn add_timer(
        &mut self,
        callback: JsObject,
        args: Vec<JsValue>,
        delay: Duration,
        repeat: bool,
        name: Option<&'static str>,
    ) -> u64 {
        self.timer_seq += 1;
        let id = self.timer_seq;
        let key = (Instant::now() + delay, id);
        self.timers.insert(
            key,
            Timer {
                callback,
                args,
                repeat: repeat.then_some(delay.max(Duration::from_millis(1))),
                name,
            },
        );
        self.timer_keys.insert(id, key);
        id
    }

    pub fn clear_timer(&mut self, id: u64) {
        if let Some(key) = self.timer_keys.remove(&id) {
            self.timers.remove(&key);
        }
    }

    /// Keeps the loop alive until `listener` says its operation is over.
    pub fn listen(&mut self, id: u64, listener: Listener) {
        self.listeners.insert(id, listener);
    }

    fn idle(&self) -> bool {
        self.timers.is_empty() && self.listeners.is_empty()
    }

    /// Forgets every timer and operation: the iteration ended early (an exception, an
    /// unhandled rejection, an interruption). k6 warns about each global timer that will
    /// not run, in the order they were due.
    pub fn reset(&mut self) {
        for (&(_, id), timer) in &self.timers {
            if let Some(name) = timer.name {
                crate::log::Logger::warn(
                    &format!("{name} {id} was stopped because the VU iteration was interrupted"),
                    &[],
                );
            }
        }
        let timer_seq = self.timer_seq;
        *self = EventLoop::default();
        self.timer_seq = timer_seq;
    }
}

/// How [`run`] ended when nothing threw.
#[derive(Debug)]
pub enum LoopEnd {
    /// Nothing is left to run.
    Idle,
    /// A promise rejected with no handler once everything queued had run: k6 ends the loop
    /// there with `Uncaught (in promise) …` (the text), dropping what was still pending.
    Rejected(ScriptError),
}

/// Runs promise jobs, timers and completions until nothing is left, or until a rejection
/// nobody handled survives a turn of the loop. Only this outer loop ends on a rejection:
/// the nested loops of blocking calls (`ws.connect`) leave it to their caller's turn, as
/// k6 checks once per turn of the VU's own loop.
pub fn run(ctx: &mut Context) -> JsResult<LoopEnd> {
    run_until(ctx, |ctx| super::rejections::any(ctx))?;
    match super::rejections::take(ctx) {
        Some(err) => {
            with_vu(ctx, |st| st.event_loop.reset())?;
            Ok(LoopEnd::Rejected(err))
        }
        None => Ok(LoopEnd::Idle),
    }
}

/// Like [`run`], but returns as soon as `done` holds (checked after each event).
pub fn run_until(ctx: &mut Context, done: impl Fn(&mut Context) -> bool) -> JsResult<()> {
    loop {
        ctx.run_jobs()?;
        if done(ctx) {
            return Ok(());
        }
        let next = with_vu(ctx, |st| {
            let ev = &mut st.event_loop;
            if ev.idle() {
                return None;
            }
            let deadline = ev.timers.keys().next().map(|(at, _)| *at);
            Some((deadline, ev.rx.take()))
        })?;
        let Some((deadline, Some(mut rx))) = next else {
            return Ok(());
        };
        let waited = await_op(
            ctx,
            "the event loop (timers, promises, sockets)",
            async move {
                let got = match deadline {
                    Some(at) => tokio::select! {
                        c = rx.recv() => c,
                        _ = tokio::time::sleep_until(at.into()) => None,
                    },
                    None => rx.recv().await,
                };
                (rx, got)
            },
        );
        let (rx, got) = match waited {
            Ok(v) => v,
            Err(e) => {
                with_vu(ctx, |st| st.event_loop.reset())?;
                return Err(e);
            }
        };
        with_vu(ctx, |st| st.event_loop.rx = Some(rx))?;
        match got {
            Some(c) => deliver(ctx, c)?,
            None => fire_due_timers(ctx)?,
        }
    }
}

fn deliver(ctx: &mut Context, c: Completion) -> JsResult<()> {
    let listener = with_vu(ctx, |st| st.event_loop.listeners.remove(&c.id))?;
    let Some(mut listener) = listener else {
        return Ok(());
    };
    let finished = listener(ctx, c.payload)?;
    if !finished {
        // The listener may have been replaced or cancelled while it ran.
        with_vu(ctx, |st| {
            st.event_loop.listeners.entry(c.id).or_insert(listener);
        })?;
    }
    Ok(())
}

fn fire_due_timers(ctx: &mut Context) -> JsResult<()> {
    loop {
        let due = with_vu(ctx, |st| {
            let ev = &mut st.event_loop;
            let (&key, _) = ev.timers.iter().next()?;
            if key.0 > Instant::now() {
                return None;
            }
            ev.timers.remove(&key).map(|t| (key, t))
        })?;
        let Some((key, due)) = due else {
            return Ok(());
        };
        let result = due.callback.call(&JsValue::undefined(), &due.args, ctx);
        // Like k6 (and the HTML timer steps), an interval is armed again only after its
        // callback ran, `every` from then, unless the callback cleared it: a timeout due at
        // the same instant as the interval's next tick runs first.
        with_vu(ctx, |st| {
            let ev = &mut st.event_loop;
            let id = key.1;
            if ev.timer_keys.get(&id) != Some(&key) {
                return;
            }
            match due.repeat {
                Some(every) if result.is_ok() => {
                    let next = (Instant::now() + every, id);
                    ev.timers.insert(next, due);
                    ev.timer_keys.insert(id, next);
                }
                _ => {
                    ev.timer_keys.remove(&id);
                }
            }
        })?;
        result?;
        ctx.run_jobs()?;
    }
}
