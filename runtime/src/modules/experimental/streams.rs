//! `k6/experimental/streams`: `ReadableStream`, `CountQueuingStrategy` and
//! `ReadableStreamDefaultReader`, as k6 v1.1 exports them.
//!
//! Choice: the streams are web-streams-polyfill 4.3.0's ponyfill build (MIT, vendored as
//! `js-modules/vendor/web-streams-polyfill.js`), evaluated in each VU that imports the
//! module, under a thin JS part (`js-modules/k6/experimental/streams.js`) that gives it
//! k6's surface: the three exports, k6's unsupported features ('bytes' streams, BYOB
//! readers, `tee()`, piping) and k6's argument checks and error texts. Measured before
//! choosing: Boa runs the polyfill unmodified and its results matched k6's on every probe
//! (reads, close, cancel, errored streams, desiredSize with strategies, released readers).
//! Its cost, paid only by scripts that import the module: Boa compiles the 66 KB bundle
//! in every VU, ~1.8 MB of memory and ~25 ms per VU (100 VUs: 237 MB against 45 MB
//! without the import; k6 pays nothing per VU), 1.5 MB of which is the compiled code
//! alone. A native port of the WHATWG algorithms would be ~1,500 lines (k6's own Go port
//! is) re-doing what a maintained library already does; it is the way out if scripts
//! with streams need many VUs.
//! Promises are Boa's, so they settle through the VU's job queue and event loop like any
//! other (a `start` that enqueues from `setTimeout` keeps the iteration alive).

use boa_engine::{Context, JsObject, JsResult};

use crate::modules::{eval_js_part, new_object};

/// The polyfill as a function returning its exports (it is a UMD bundle: given `exports`
/// and `module`, it fills `exports` and touches no global).
const POLYFILL: &str = concat!(
    "(function () { const exports = {}; const module = { exports };\n",
    include_str!("../../../../js-modules/vendor/web-streams-polyfill.js"),
    "\nreturn exports; })"
);

/// k6's surface over the polyfill.
const K6_SURFACE: &str = include_str!("../../../../js-modules/k6/experimental/streams.js");

/// The module's exports.
pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    let unused = new_object(ctx);
    let polyfill = eval_js_part("vendor/web-streams-polyfill.js", POLYFILL, unused, ctx)?;
    eval_js_part("k6/experimental/streams.js", K6_SURFACE, polyfill, ctx)
}
