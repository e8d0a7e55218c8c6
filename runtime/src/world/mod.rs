//! A VU's JS world put together: worker threads ([`pool::VuPool`]) build each VU from the
//! VU core's blank context, k6's globals and modules, `require` and the module loader, then
//! run the entry script's init code in it.
//!
//! The one place that names both the VU core (`vu`) and the modules: `vu` knows no module,
//! modules reach the VU only through its state and their per-VU instances, and the loader
//! serves modules to scripts. Everything beneath this module imports in one direction.

pub mod init;
mod options_json;
pub mod pool;
mod require;
