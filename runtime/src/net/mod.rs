//! The HTTP engine, which knows no JS: name resolution and dialling under k6's policies
//! (`hosts`, `dns`, `blockHostnames`, `localIPs`, `rps`), TLS, the per-VU connection pool
//! (HTTP/1.1 and h2), one exchange per hop with k6's timings, redirects, digest and basic
//! auth, cookies, response decoding, and k6's error codes for every failure.
//!
//! `k6/http` (in `modules::http`) converts JS values to `client::RequestSpec`s and
//! `exchange::Hops` back to JS; `k6/ws` dials through `connector::Connector`. Nothing here
//! names the VU or a module, so another protocol can use it as is. Outside the crate only
//! the options are visible: [`config::HttpConfig`] and the DNS, dial-policy and TLS types
//! it holds, which the host fills from the test's options (its InfluxDB output also
//! builds its TLS client from [`tls::TlsSettings`]).

pub(crate) mod chunks;
pub(crate) mod client;
pub(crate) mod codec;
pub(crate) mod codes;
pub mod config;
pub mod connector;
pub mod dial_policy;
pub(crate) mod errors;
pub(crate) mod exchange;
pub(crate) mod headers;
pub(crate) mod malformed;
pub(crate) mod pool;
pub(crate) mod sse;
pub(crate) mod stream;
pub mod tls;
