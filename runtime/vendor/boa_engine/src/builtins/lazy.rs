//! rk6 patch: builtins whose properties are created on first use.
//!
//! A realm normally builds every builtin up front: ~600 function objects and their property
//! tables, ~200 KiB and ~0.2 ms per context, most of it for builtins a load-test script never
//! touches (typed arrays, `Date`, `Reflect`, `Atomics`, ...). rk6 creates one context per VU,
//! so a deferred builtin keeps its (already allocated, empty) constructor and prototype objects
//! but gives them placeholder internal methods. The first internal method called on any of its
//! objects — a property read, a call, `Object.getPrototypeOf`, anything — puts the real
//! internal methods back and runs the builtin's `init`, then carries on as if it had always
//! been there. Every access from script or from Rust goes through the internal methods, so the
//! difference is not observable except in memory and time.

use boa_gc::{Finalize, Trace};

use crate::{
    Context, JsObject, JsResult, JsValue,
    builtins::IntrinsicObject,
    native_function::NativeFunctionObject,
    object::{
        JsPrototype,
        internal_methods::{
            CallValue, InternalMethodCallContext, InternalMethodPropertyContext,
            InternalObjectMethods, ORDINARY_INTERNAL_METHODS,
        },
    },
    property::{PropertyDescriptor, PropertyKey},
    realm::Realm,
};

/// A builtin whose `init` has not run yet, and the objects that run it when touched.
#[derive(Trace, Finalize)]
pub(crate) struct LazyBuiltin {
    objects: Vec<JsObject>,
    /// The real internal methods of `objects`, in the same order.
    #[unsafe_ignore_trace]
    real: Vec<&'static InternalObjectMethods>,
    #[unsafe_ignore_trace]
    init: fn(&Realm),
}

/// Placeholder methods of a deferred, non-callable object (a prototype, `Math`, ...).
static LAZY_OBJECT: InternalObjectMethods = InternalObjectMethods {
    __get_prototype_of__: get_prototype_of,
    __set_prototype_of__: set_prototype_of,
    __is_extensible__: is_extensible,
    __prevent_extensions__: prevent_extensions,
    __get_own_property__: get_own_property,
    __define_own_property__: define_own_property,
    __has_property__: has_property,
    __get__: get,
    __try_get__: try_get,
    __set__: set,
    __delete__: delete,
    __own_property_keys__: own_property_keys,
    ..ORDINARY_INTERNAL_METHODS
};

/// Placeholder methods of a deferred constructor: calls initialise it too (its native
/// function is only set by `init`).
static LAZY_CONSTRUCTOR: InternalObjectMethods = InternalObjectMethods {
    __call__: call,
    __construct__: construct,
    ..LAZY_OBJECT
};

impl Realm {
    /// Registers `B` to be initialised on first use of `objects` (its constructor and
    /// prototype, or its single object). Objects whose internal methods are not the plain
    /// ones of their kind are initialised now instead.
    pub(crate) fn defer<B: IntrinsicObject>(&self, objects: Vec<JsObject>) {
        if objects.iter().any(|o| !is_plain(o)) {
            B::init(self);
            return;
        }
        let real = objects.iter().map(JsObject::vtable).collect();
        for o in &objects {
            o.set_vtable(if o.is_callable() {
                &LAZY_CONSTRUCTOR
            } else {
                &LAZY_OBJECT
            });
        }
        self.lazy_builtins().borrow_mut().push(LazyBuiltin {
            objects,
            real,
            init: B::init,
        });
    }

    /// Initialises the deferred builtin that owns `object`.
    fn force(&self, object: &JsObject) {
        let entry = {
            let mut list = self.lazy_builtins().borrow_mut();
            list.iter()
                .position(|e| e.objects.contains(object))
                .map(|i| list.swap_remove(i))
        };
        match entry {
            Some(entry) => {
                for (o, real) in entry.objects.iter().zip(&entry.real) {
                    o.set_vtable(real);
                }
                (entry.init)(self);
            }
            // Not deferred by this realm (rk6 makes one realm per context, so this does not
            // happen): give it the methods of its kind back.
            None => object.set_vtable(real_methods(object)),
        }
    }
}

/// Whether `object` is an ordinary object or a native function (no exotic internal methods
/// that a placeholder would hide).
fn is_plain(object: &JsObject) -> bool {
    crate::object::has_ordinary_property_methods(object.vtable())
}

/// The internal methods of an object's kind.
fn real_methods(object: &JsObject) -> &'static InternalObjectMethods {
    if let Some(f) = object.downcast_ref::<NativeFunctionObject>() {
        return crate::object::JsData::internal_methods(&*f);
    }
    &ORDINARY_INTERNAL_METHODS
}

fn force(object: &JsObject, context: &mut Context) {
    let realm = context.realm().clone();
    realm.force(object);
}

fn get_prototype_of(o: &JsObject, context: &mut Context) -> JsResult<JsPrototype> {
    force(o, context);
    (o.vtable().__get_prototype_of__)(o, context)
}

fn set_prototype_of(o: &JsObject, v: JsPrototype, context: &mut Context) -> JsResult<bool> {
    force(o, context);
    (o.vtable().__set_prototype_of__)(o, v, context)
}

fn is_extensible(o: &JsObject, context: &mut Context) -> JsResult<bool> {
    force(o, context);
    (o.vtable().__is_extensible__)(o, context)
}

fn prevent_extensions(o: &JsObject, context: &mut Context) -> JsResult<bool> {
    force(o, context);
    (o.vtable().__prevent_extensions__)(o, context)
}

fn get_own_property(
    o: &JsObject,
    key: &PropertyKey,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<Option<PropertyDescriptor>> {
    force(o, context);
    (o.vtable().__get_own_property__)(o, key, context)
}

fn define_own_property(
    o: &JsObject,
    key: &PropertyKey,
    desc: PropertyDescriptor,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    force(o, context);
    (o.vtable().__define_own_property__)(o, key, desc, context)
}

fn has_property(
    o: &JsObject,
    key: &PropertyKey,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    force(o, context);
    (o.vtable().__has_property__)(o, key, context)
}

fn get(
    o: &JsObject,
    key: &PropertyKey,
    receiver: JsValue,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<JsValue> {
    force(o, context);
    (o.vtable().__get__)(o, key, receiver, context)
}

fn try_get(
    o: &JsObject,
    key: &PropertyKey,
    receiver: JsValue,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<Option<JsValue>> {
    force(o, context);
    (o.vtable().__try_get__)(o, key, receiver, context)
}

fn set(
    o: &JsObject,
    key: PropertyKey,
    value: JsValue,
    receiver: JsValue,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    force(o, context);
    (o.vtable().__set__)(o, key, value, receiver, context)
}

fn delete(
    o: &JsObject,
    key: &PropertyKey,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    force(o, context);
    (o.vtable().__delete__)(o, key, context)
}

fn own_property_keys(o: &JsObject, context: &mut Context) -> JsResult<Vec<PropertyKey>> {
    force(o, context);
    (o.vtable().__own_property_keys__)(o, context)
}

fn call(
    o: &JsObject,
    argument_count: usize,
    context: &mut InternalMethodCallContext<'_>,
) -> JsResult<CallValue> {
    force(o, context);
    (o.vtable().__call__)(o, argument_count, context)
}

fn construct(
    o: &JsObject,
    argument_count: usize,
    context: &mut InternalMethodCallContext<'_>,
) -> JsResult<CallValue> {
    force(o, context);
    (o.vtable().__construct__)(o, argument_count, context)
}
