//! Export objects of native modules whose members are made on first use.
//!
//! A module such as `k6/http` exports ~40 members (functions, a constructor, constants), and
//! every VU that imports it used to build them all: ~12 KB of heap per VU (heaptrack, 200
//! VUs), though a script calls one or two of them. Here the module's exports object starts
//! empty and creates a member (as the same ordinary own property it always was) when it is
//! first observed (Boa's `defer_own_properties`, an rk6 patch); the loader gives the
//! module's synthetic record only the named exports the importing modules name
//! (`loader.rs`). A member is made once per VU, so `http.get` and an imported `get` are the
//! same function.

use boa_engine::native_function::NativeFunctionPointer;
use boa_engine::object::{FunctionObjectBuilder, LazyOwnProperties, ObjectInitializer};
use boa_engine::property::{Attribute, PropertyDescriptor, PropertyKey};
use boa_engine::{
    Context, Finalize, JsData, JsObject, JsResult, JsString, JsValue, NativeFunction, Trace,
};

/// One member of a module's exports.
pub(crate) struct Export {
    pub name: &'static str,
    pub kind: ExportKind,
}

/// How a member is made.
pub(crate) enum ExportKind {
    /// A function (not a constructor) of this arity: writable, enumerable, configurable (as
    /// k6's exports are).
    Function(NativeFunctionPointer, usize),
    /// A string constant: enumerable, read-only.
    Constant(&'static str),
    /// Anything else, with its attributes.
    Value(fn(&mut Context) -> JsValue, Attribute),
}

impl Export {
    pub const fn function(name: &'static str, f: NativeFunctionPointer, arity: usize) -> Self {
        Export {
            name,
            kind: ExportKind::Function(f, arity),
        }
    }

    pub const fn constant(name: &'static str, value: &'static str) -> Self {
        Export {
            name,
            kind: ExportKind::Constant(value),
        }
    }

    pub const fn value(
        name: &'static str,
        make: fn(&mut Context) -> JsValue,
        a: Attribute,
    ) -> Self {
        Export {
            name,
            kind: ExportKind::Value(make, a),
        }
    }

    fn make(&self, ctx: &mut Context) -> PropertyDescriptor {
        match self.kind {
            ExportKind::Function(f, arity) => {
                let function =
                    FunctionObjectBuilder::new(ctx.realm(), NativeFunction::from_fn_ptr(f))
                        .name(super::static_key(self.name))
                        .length(arity)
                        .constructor(false)
                        .build();
                PropertyDescriptor::builder()
                    .value(function)
                    .writable(true)
                    .enumerable(true)
                    .configurable(true)
                    .build()
            }
            ExportKind::Constant(s) => PropertyDescriptor::builder()
                .value(super::static_key(s))
                .writable(false)
                .enumerable(true)
                .configurable(false)
                .build(),
            ExportKind::Value(make, a) => PropertyDescriptor::builder()
                .value(make(ctx))
                .writable(a.writable())
                .enumerable(a.enumerable())
                .configurable(a.configurable())
                .build(),
        }
    }
}

/// The table behind an exports object and which members exist so far (bit `i` = entry `i`).
#[derive(Trace, Finalize, JsData)]
struct ExportsData {
    #[unsafe_ignore_trace]
    table: &'static [Export],
    #[unsafe_ignore_trace]
    created: super::CreatedBits,
}

/// A new exports object for `table` (at most 64 members).
pub(crate) fn object(table: &'static [Export], context: &mut Context) -> JsObject {
    debug_assert!(table.len() <= 64);
    let data = ExportsData {
        table,
        created: super::CreatedBits::default(),
    };
    let obj = ObjectInitializer::with_native_data(data, context).build();
    obj.defer_own_properties::<Members>();
    obj
}

/// The export names of an object made by [`object`] (in table order), without making any.
pub(crate) fn names(obj: &JsObject) -> Option<Vec<JsString>> {
    let data = obj.downcast_ref::<ExportsData>()?;
    Some(
        data.table
            .iter()
            .map(|e| super::static_key(e.name))
            .collect(),
    )
}

struct Members;

impl LazyOwnProperties for Members {
    fn materialise(obj: &JsObject, key: &PropertyKey, ctx: &mut Context) -> JsResult<()> {
        let PropertyKey::String(name) = key else {
            return Ok(());
        };
        let index = {
            let Some(data) = obj.downcast_ref::<ExportsData>() else {
                return Ok(());
            };
            match data.table.iter().position(|e| *name == e.name) {
                Some(i) => i,
                None => return Ok(()),
            }
        };
        create(obj, index, ctx)
    }

    fn materialise_all(obj: &JsObject, ctx: &mut Context) -> JsResult<()> {
        let count = obj
            .downcast_ref::<ExportsData>()
            .map_or(0, |d| d.table.len());
        (0..count).try_for_each(|i| create(obj, i, ctx))
    }
}

/// Makes member `i` unless it was made before (a script may have deleted it since).
fn create(obj: &JsObject, i: usize, ctx: &mut Context) -> JsResult<()> {
    let (export, last) = {
        let Some(data) = obj.downcast_ref::<ExportsData>() else {
            return Ok(());
        };
        let Some(last) = data.created.mark(i, data.table.len()) else {
            return Ok(());
        };
        let table: &'static [Export] = data.table;
        (&table[i], last)
    };
    let desc = export.make(ctx);
    super::define_created_with(obj, super::static_key(export.name), desc, last, ctx)
}
