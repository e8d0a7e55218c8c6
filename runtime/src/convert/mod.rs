//! Conversions between JS values and host data that the VU core and the modules share:
//! JSON text to JS values at any depth (built as a script reaches them), read with k6's Go
//! rules where they differ, the nesting guard before JS values become JSON, and JS buffers
//! to and from bytes. Nothing here knows a module or a VU.

pub mod bytes;
pub mod go_json;
pub mod json_lazy;
pub mod json_text;
pub mod nesting;
