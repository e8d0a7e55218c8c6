//! rk6 patch: ordinary objects whose own properties an embedder creates on first observation.
//!
//! An embedder that hands out many objects with a fixed set of fields (rk6's HTTP responses,
//! which k6 exposes as 20 own properties) can either build every field up front, which costs
//! time per object, or put accessors on a prototype, which costs ~35 function objects per
//! context and makes the fields inherited instead of own. This gives a third way: the object
//! starts empty and its internal methods ask the embedder to create a property (as an ordinary
//! own property) just before anything can observe it — a read, `in`, a descriptor query, a
//! write, a delete — and to create all that remain before its keys are listed or it is made
//! non-extensible. Once created a property is an ordinary one, so the object is
//! indistinguishable from one built eagerly.

use std::marker::PhantomData;

use crate::{
    Context, JsObject, JsResult, JsValue,
    object::internal_methods::{
        InternalMethodPropertyContext, InternalObjectMethods, ORDINARY_INTERNAL_METHODS,
    },
    property::{PropertyDescriptor, PropertyKey},
};

/// How an embedder creates the deferred own properties of its objects.
pub trait LazyOwnProperties: 'static {
    /// Creates the own property `key` of `object` if it is one still deferred; otherwise does
    /// nothing. Create it with [`JsObject::define_deferred_own_property`] (an ordinary
    /// definition would ask here again).
    fn materialise(object: &JsObject, key: &PropertyKey, context: &mut Context) -> JsResult<()>;

    /// Creates every deferred own property of `object` that is left.
    fn materialise_all(object: &JsObject, context: &mut Context) -> JsResult<()>;
}

struct Methods<L>(PhantomData<L>);

impl<L: LazyOwnProperties> Methods<L> {
    const VTABLE: InternalObjectMethods = InternalObjectMethods {
        __prevent_extensions__: prevent_extensions::<L>,
        __get_own_property__: get_own_property::<L>,
        __define_own_property__: define_own_property::<L>,
        __has_property__: has_property::<L>,
        __try_get__: try_get::<L>,
        __get__: get::<L>,
        __set__: set::<L>,
        __delete__: delete::<L>,
        __own_property_keys__: own_property_keys::<L>,
        ..ORDINARY_INTERNAL_METHODS
    };
}

impl JsObject {
    /// Lets `L` create this object's own properties on first observation. Only for ordinary
    /// objects (their data has no internal methods of its own); returns `false` and changes
    /// nothing for others.
    pub fn defer_own_properties<L: LazyOwnProperties>(&self) -> bool {
        if !is_ordinary(self.vtable()) {
            return false;
        }
        self.set_vtable(&Methods::<L>::VTABLE);
        true
    }

    /// Defines a deferred own property, for [`LazyOwnProperties::materialise`]: the ordinary
    /// definition, without asking the embedder first.
    pub fn define_deferred_own_property(
        &self,
        key: &PropertyKey,
        desc: PropertyDescriptor,
        context: &mut Context,
    ) -> JsResult<bool> {
        (O.__define_own_property__)(self, key, desc, &mut InternalMethodPropertyContext::new(context))
    }

    /// Whether some own properties of this object may still be deferred (its property
    /// lookups are not the ordinary ones). Property caches keyed by shape must not serve it.
    pub(crate) fn defers_own_properties(&self) -> bool {
        !std::ptr::fn_addr_eq(self.vtable().__get__, O.__get__)
    }

    /// Ends [`JsObject::defer_own_properties`]: the object has ordinary methods again (call it
    /// once every deferred property exists; later accesses then take the ordinary path).
    pub fn end_deferred_own_properties(&self) {
        self.set_vtable(&ORDINARY_INTERNAL_METHODS);
    }
}

/// Whether `m` has the ordinary methods: the ordinary property methods and no call.
fn is_ordinary(m: &InternalObjectMethods) -> bool {
    has_ordinary_property_methods(m)
        && std::ptr::fn_addr_eq(m.__call__, ORDINARY_INTERNAL_METHODS.__call__)
}

/// Whether `m`'s property methods are the ordinary ones (compared by function: a const has
/// no single address). Native functions have them too; exotic objects do not.
pub(crate) fn has_ordinary_property_methods(m: &InternalObjectMethods) -> bool {
    let o = &ORDINARY_INTERNAL_METHODS;
    std::ptr::fn_addr_eq(m.__get_own_property__, o.__get_own_property__)
        && std::ptr::fn_addr_eq(m.__define_own_property__, o.__define_own_property__)
        && std::ptr::fn_addr_eq(m.__get__, o.__get__)
        && std::ptr::fn_addr_eq(m.__set__, o.__set__)
        && std::ptr::fn_addr_eq(m.__delete__, o.__delete__)
        && std::ptr::fn_addr_eq(m.__own_property_keys__, o.__own_property_keys__)
        && std::ptr::fn_addr_eq(m.__get_prototype_of__, o.__get_prototype_of__)
}

const O: InternalObjectMethods = ORDINARY_INTERNAL_METHODS;

fn prevent_extensions<L: LazyOwnProperties>(o: &JsObject, ctx: &mut Context) -> JsResult<bool> {
    L::materialise_all(o, ctx)?;
    (O.__prevent_extensions__)(o, ctx)
}

fn get_own_property<L: LazyOwnProperties>(
    o: &JsObject,
    key: &PropertyKey,
    ctx: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<Option<PropertyDescriptor>> {
    L::materialise(o, key, ctx)?;
    (O.__get_own_property__)(o, key, ctx)
}

fn define_own_property<L: LazyOwnProperties>(
    o: &JsObject,
    key: &PropertyKey,
    desc: PropertyDescriptor,
    ctx: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    L::materialise(o, key, ctx)?;
    (O.__define_own_property__)(o, key, desc, ctx)
}

fn has_property<L: LazyOwnProperties>(
    o: &JsObject,
    key: &PropertyKey,
    ctx: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    L::materialise(o, key, ctx)?;
    (O.__has_property__)(o, key, ctx)
}

fn try_get<L: LazyOwnProperties>(
    o: &JsObject,
    key: &PropertyKey,
    receiver: JsValue,
    ctx: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<Option<JsValue>> {
    L::materialise(o, key, ctx)?;
    (O.__try_get__)(o, key, receiver, ctx)
}

fn get<L: LazyOwnProperties>(
    o: &JsObject,
    key: &PropertyKey,
    receiver: JsValue,
    ctx: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<JsValue> {
    L::materialise(o, key, ctx)?;
    (O.__get__)(o, key, receiver, ctx)
}

fn set<L: LazyOwnProperties>(
    o: &JsObject,
    key: PropertyKey,
    value: JsValue,
    receiver: JsValue,
    ctx: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    L::materialise(o, &key, ctx)?;
    (O.__set__)(o, key, value, receiver, ctx)
}

fn delete<L: LazyOwnProperties>(
    o: &JsObject,
    key: &PropertyKey,
    ctx: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    L::materialise(o, key, ctx)?;
    (O.__delete__)(o, key, ctx)
}

fn own_property_keys<L: LazyOwnProperties>(
    o: &JsObject,
    ctx: &mut Context,
) -> JsResult<Vec<PropertyKey>> {
    L::materialise_all(o, ctx)?;
    (O.__own_property_keys__)(o, ctx)
}
