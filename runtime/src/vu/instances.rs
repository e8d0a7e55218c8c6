//! Per-VU module instances: each JS module keeps its per-VU state in a type of its own,
//! built on the VU's first use of the module, and the VU core knows them only through
//! [`Instance`] (k6's `modules.Instance` from `NewModuleInstance(vu)`). The core offers
//! what every module needs (the context, the event loop, tags, the sample buffer, the
//! phase) in [`VuState`]; what one module needs stays in that module.

use std::any::{Any, TypeId};

use boa_engine::{Context, JsNativeError, JsResult};

use super::state::{VuData, VuState};

/// A module's state in one VU.
pub trait Instance: Any {
    /// Builds the instance for the VU `vu` describes.
    fn new(vu: &VuState) -> Self
    where
        Self: Sized;

    /// Called before each iteration of the VU starts (k6 resets per-iteration state here:
    /// the cookie jar, connections under `noVUConnectionReuse`).
    fn iteration_started(&mut self) {}
}

/// The instances of one VU, few enough (one per module in use) for a linear search.
#[derive(Default)]
pub(crate) struct Instances(Vec<(TypeId, Box<dyn Instance>)>);

impl Instances {
    fn get_or_insert<T: Instance>(&mut self, vu: &VuState) -> &mut T {
        let id = TypeId::of::<T>();
        let at = match self.0.iter().position(|(t, _)| *t == id) {
            Some(at) => at,
            None => {
                self.0.push((id, Box::new(T::new(vu))));
                self.0.len() - 1
            }
        };
        let any: &mut dyn Any = self.0[at].1.as_mut();
        match any.downcast_mut::<T>() {
            Some(t) => t,
            // The entry was stored under `T`'s own type id just above or earlier.
            None => unreachable!("instance stored under another type's id"),
        }
    }

    /// Tells every instance that an iteration starts.
    pub(crate) fn iteration_started(&mut self) {
        for (_, instance) in &mut self.0 {
            instance.iteration_started();
        }
    }
}

/// Runs `f` on module instance `T` of the VU of `context` (built on first use) and on the
/// VU state, the one way modules reach their per-VU state.
///
/// Like [`super::state::with_vu`], `context` stays borrowed while `f` runs, so no JS can
/// run with either borrowed.
pub fn with_instance<T: Instance, R>(
    context: &Context,
    f: impl FnOnce(&mut T, &mut VuState) -> R,
) -> JsResult<R> {
    let data = context.get_data::<VuData>().ok_or_else(|| {
        JsNativeError::error().with_message("k6 modules are only available inside a VU")
    })?;
    let busy = || JsNativeError::error().with_message("internal: the VU state is already in use");
    let mut state = data.state().try_borrow_mut().map_err(|_| busy())?;
    let mut instances = data.instances().try_borrow_mut().map_err(|_| busy())?;
    let instance = instances.get_or_insert::<T>(&state);
    Ok(f(instance, &mut state))
}

/// Tells the module instances of the VU of `context` that an iteration starts. They are
/// only ever borrowed inside [`with_instance`], which runs no JS, so they are free here.
pub(crate) fn iteration_started(context: &Context) {
    if let Some(data) = context.get_data::<VuData>() {
        data.instances().borrow_mut().iteration_started();
    }
}
