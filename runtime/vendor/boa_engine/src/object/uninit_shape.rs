//! rk6 patch: the empty objects a realm allocates for its intrinsics share one shape until a
//! builtin's `init` fills them in.
//!
//! `Intrinsics::uninit` allocates ~180 empty constructor, prototype and namespace objects per
//! realm. Upstream gives each its own unique shape up front (a GC box with a property table,
//! ~110 bytes), although rk6 defers most builtins (`builtins/lazy.rs`) and a script touches few
//! of them. Here they start with the realm's shared root shape (no allocation) and the builtin
//! builders give an object its unique shape when they fill it in.

use std::cell::RefCell;

use super::{JsObject, NativeObject, shape::RootShape};

thread_local! {
    /// While a realm's intrinsics are being allocated: that realm's root shape.
    static UNINIT_ROOT: RefCell<Option<RootShape>> = const { RefCell::new(None) };
}

/// While alive, [`JsObject::uninit_intrinsic`] gives objects `root`'s shape.
pub(crate) struct UninitShapeScope;

impl UninitShapeScope {
    pub(crate) fn enter(root: &RootShape) -> Self {
        UNINIT_ROOT.with(|r| *r.borrow_mut() = Some(root.clone()));
        Self
    }
}

impl Drop for UninitShapeScope {
    fn drop(&mut self) {
        UNINIT_ROOT.with(|r| *r.borrow_mut() = None);
    }
}

impl JsObject {
    /// An empty intrinsic object with a null prototype: with the realm's shared root shape
    /// inside an [`UninitShapeScope`], with a unique shape otherwise.
    pub(crate) fn uninit_intrinsic<T: NativeObject>(data: T) -> Self {
        let root = UNINIT_ROOT.with(|r| r.borrow().clone());
        match root {
            Some(root) => Self::from_proto_and_data_with_shared_shape(&root, None, data).upcast(),
            None => Self::from_proto_and_data(None, data),
        }
    }

    /// Gives the object a unique shape (with the same properties and prototype) if it has a
    /// shared one: builtin builders fill intrinsic objects through their unique shapes.
    pub(crate) fn ensure_unique_shape(&self) {
        let mut object = self.borrow_mut();
        let properties = object.properties_mut();
        if properties.shape.is_unique() {
            return;
        }
        if let Some(shared) = properties.shape.as_shared() {
            properties.shape = shared.to_unique().into();
        }
    }
}
