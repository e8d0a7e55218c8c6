//! WebCrypto's failures as k6 reports them: a DOMException-like name (`DataError`,
//! `OperationError`, …) and k6's message, or a plain Go error (no name) where k6 returns
//! one. The JS half turns the thrown `{name, message}` into k6's error object.

use boa_engine::{js_string, Context, JsError, JsObject, JsValue};

/// One failed WebCrypto operation; the variant is the `name` k6 gives the error.
#[derive(Debug, thiserror::Error)]
pub enum WebCryptoError {
    #[error("DataError: {0}")]
    Data(String),
    #[error("OperationError: {0}")]
    Operation(String),
    #[error("InvalidAccessError: {0}")]
    InvalidAccess(String),
    #[error("NotSupportedError: {0}")]
    NotSupported(String),
    /// k6 rejects with a bare Go error here (no `name`), e.g. for malformed JWKs.
    #[error("{0}")]
    Plain(String),
}

impl WebCryptoError {
    fn parts(&self) -> (Option<&'static str>, &str) {
        match self {
            Self::Data(m) => (Some("DataError"), m),
            Self::Operation(m) => (Some("OperationError"), m),
            Self::InvalidAccess(m) => (Some("InvalidAccessError"), m),
            Self::NotSupported(m) => (Some("NotSupportedError"), m),
            Self::Plain(m) => (None, m),
        }
    }

    /// The thrown value: `{name, message}` (no `name` for plain errors), which the JS half
    /// rethrows as k6's error object.
    pub fn into_js(self, ctx: &mut Context) -> JsError {
        let (name, message) = self.parts();
        let obj = JsObject::with_object_proto(ctx.intrinsics());
        // Defining data properties on a fresh ordinary object cannot fail.
        if let Some(name) = name {
            let _ = obj.create_data_property_or_throw(js_string!("name"), js_string!(name), ctx);
        }
        let _ = obj.create_data_property_or_throw(
            js_string!("message"),
            JsValue::from(super::super::key(message)),
            ctx,
        );
        JsError::from_opaque(obj.into())
    }
}
