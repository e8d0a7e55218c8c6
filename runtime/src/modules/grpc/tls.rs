//! TLS for `connect()`: the test's TLS options (`insecureSkipTLSVerify`, versions, cipher
//! suites) as the base, ALPN `h2` only, and the `tls` parameter's extra CA certificates
//! (trusted besides the system's) and client certificate, as k6 builds them.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// `connect()`'s `tls` parameter: PEM texts.
#[derive(Debug, Clone, Default)]
pub struct TlsParams {
    pub cert: Option<String>,
    pub key: Option<String>,
    pub password: Option<String>,
    pub cacerts: Vec<String>,
}

/// Why the `tls` parameter cannot be used, in k6's words where it has some.
#[derive(Debug, thiserror::Error)]
pub enum TlsParamError {
    #[error("failed to append ca certificate [{0}] from PEM")]
    CaCert(usize),
    #[error("failed to append certificate from PEM: {0}")]
    KeyPair(String),
    #[error("failed to decode PEM key")]
    BadKeyPem,
    #[error("encrypted pkcs8 formatted key is not supported")]
    EncryptedPkcs8,
    #[error("password-protected (legacy PEM-encrypted) keys are not supported by rk6")]
    LegacyEncrypted,
    #[error("{0}")]
    Rustls(#[from] rustls::Error),
}

/// The configuration for a gRPC connection: `base` (the test's, for the host) with ALPN
/// `h2`, plus what `params` adds. With `insecure` (`insecureSkipTLSVerify`) the base's
/// verifier, which accepts any certificate, stays.
pub fn client_config(
    base: &rustls::ClientConfig,
    params: Option<&TlsParams>,
    insecure: bool,
) -> Result<Arc<rustls::ClientConfig>, TlsParamError> {
    let mut config = base.clone();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let Some(p) = params else {
        return Ok(Arc::new(config));
    };
    let provider = config.crypto_provider().clone();
    if !p.cacerts.is_empty() && !insecure {
        let mut roots = (*crate::net::tls::roots()).clone();
        for (i, pem) in p.cacerts.iter().enumerate() {
            let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| TlsParamError::CaCert(i))?;
            if certs.is_empty() {
                return Err(TlsParamError::CaCert(i));
            }
            for c in certs {
                roots.add(c).map_err(|_| TlsParamError::CaCert(i))?;
            }
        }
        let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| TlsParamError::KeyPair(e.to_string()))?;
        config.dangerous().set_certificate_verifier(verifier);
    }
    if let (Some(cert), Some(key)) = (&p.cert, &p.key) {
        if !cert.is_empty() && !key.is_empty() {
            let key = private_key(key, p.password.as_deref())?;
            let chain = CertificateDer::pem_slice_iter(cert.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| TlsParamError::KeyPair(e.to_string()))?;
            if chain.is_empty() {
                return Err(TlsParamError::KeyPair("tls: failed to find any PEM data in certificate input".into()));
            }
            let certified = rustls::sign::CertifiedKey::from_der(chain, key, &provider)
                .map_err(|e| TlsParamError::KeyPair(e.to_string()))?;
            config.client_auth_cert_resolver = Arc::new(rustls::sign::SingleCertAndKey::from(certified));
        }
    }
    Ok(Arc::new(config))
}

/// The client key; a password means a legacy encrypted PEM block, which rk6 cannot
/// decrypt (k6 does, with Go's deprecated `x509.DecryptPEMBlock`).
fn private_key(pem: &str, password: Option<&str>) -> Result<PrivateKeyDer<'static>, TlsParamError> {
    if password.is_some_and(|p| !p.is_empty()) {
        if pem.contains("ENCRYPTED PRIVATE KEY") {
            return Err(TlsParamError::EncryptedPkcs8);
        }
        if !pem.contains("-----BEGIN") {
            return Err(TlsParamError::BadKeyPem);
        }
        if pem.contains("Proc-Type: 4,ENCRYPTED") {
            return Err(TlsParamError::LegacyEncrypted);
        }
    }
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|e| TlsParamError::KeyPair(format!("tls: {e}")))
}
