//! The HTTP engine, which knows no JS: name resolution and dialling under k6's policies
//! (`hosts`, `dns`, `blockHostnames`, `localIPs`, `rps`), TLS, the per-VU connection pool
//! (HTTP/1.1 and h2), one exchange per hop with k6's timings, redirects, digest and basic
//! auth, cookies, response decoding, and k6's error codes for every failure.
//!
//! `k6/http` (in `modules::http`) converts JS values to [`client::RequestSpec`]s and
//! [`exchange::Hops`] back to JS; `k6/ws` dials through [`connector::Connector`]. Nothing
//! here names the VU or a module, so SSE, gRPC and the host's outputs can use it as is.

pub mod client;
pub mod codec;
pub mod codes;
pub mod config;
pub mod connector;
pub mod dial_policy;
pub mod errors;
pub mod exchange;
pub mod headers;
pub mod malformed;
pub mod pool;
pub mod stream;
pub mod tls;
