//! `__ENV`: the test's environment variables (the system's, unless disabled, and `-e`
//! values) as a plain object. Each entry becomes an own property when first observed (Boa's
//! `defer_own_properties`, an rk6 patch): with the whole system environment in it (k6's
//! default), building every entry in every VU cost ~100 bytes per variable per VU, and a
//! script reads a handful.

use std::cell::RefCell;
use std::sync::Arc;

use boa_engine::object::{LazyOwnProperties, ObjectInitializer};
use boa_engine::property::PropertyKey;
use boa_engine::{Context, Finalize, JsData, JsObject, JsResult, Trace};

use crate::config::TestConfig;

/// The variables behind a VU's `__ENV` and which of them exist as properties already.
#[derive(Trace, Finalize, JsData)]
struct EnvData {
    #[unsafe_ignore_trace]
    config: Arc<TestConfig>,
    /// Indexes (in `config.env`'s order) of the entries created so far.
    #[unsafe_ignore_trace]
    created: RefCell<Vec<bool>>,
}

/// A new `__ENV` object for `config`'s environment.
pub fn object(config: &Arc<TestConfig>, context: &mut Context) -> JsObject {
    let data = EnvData {
        config: config.clone(),
        created: RefCell::new(vec![false; config.env.len()]),
    };
    let obj = ObjectInitializer::with_native_data(data, context).build();
    obj.defer_own_properties::<EnvEntries>();
    obj
}

struct EnvEntries;

impl LazyOwnProperties for EnvEntries {
    fn materialise(obj: &JsObject, key: &PropertyKey, ctx: &mut Context) -> JsResult<()> {
        let PropertyKey::String(name) = key else {
            return Ok(());
        };
        let index = {
            let Some(data) = obj.downcast_ref::<EnvData>() else {
                return Ok(());
            };
            let name = name.to_std_string_escaped();
            match data.config.env.keys().position(|k| *k == name) {
                Some(i) => i,
                None => return Ok(()),
            }
        };
        create(obj, index, ctx)
    }

    fn materialise_all(obj: &JsObject, ctx: &mut Context) -> JsResult<()> {
        let count = obj
            .downcast_ref::<EnvData>()
            .map_or(0, |d| d.config.env.len());
        (0..count).try_for_each(|i| create(obj, i, ctx))
    }
}

/// Creates entry `i` of `__ENV` unless it was created before (a script may have deleted it
/// since: it stays deleted).
fn create(obj: &JsObject, i: usize, ctx: &mut Context) -> JsResult<()> {
    let (name, value, all) = {
        let Some(data) = obj.downcast_ref::<EnvData>() else {
            return Ok(());
        };
        let mut created = data.created.borrow_mut();
        match created.get_mut(i) {
            Some(c) if !*c => *c = true,
            _ => return Ok(()),
        }
        let all = created.iter().all(|c| *c);
        match data.config.env.iter().nth(i) {
            Some((k, v)) => (super::key(k), super::key(v), all),
            None => return Ok(()),
        }
    };
    super::define_created(obj, name, value.into(), true, all, ctx)
}
