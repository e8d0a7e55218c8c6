//! TLS for `k6/http`: rustls client configurations built from k6's TLS options
//! (`insecureSkipTLSVerify`, `tlsVersion`, `tlsCipherSuites`, `tlsAuth`), trusting the
//! system's roots (honouring `SSL_CERT_FILE`/`SSL_CERT_DIR`, as Go does), and k6's names for
//! the negotiated version and cipher suite.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CipherSuite, DigitallySignedStruct, ProtocolVersion, SignatureScheme};

/// k6's TLS options, as the script or environment gave them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TlsOptions {
    /// `insecureSkipTLSVerify`.
    pub insecure_skip_verify: bool,
    /// `tlsVersion` (a version, or `{min, max}`), as k6 names them (`tls1.2`).
    pub min_version: Option<String>,
    pub max_version: Option<String>,
    /// `tlsCipherSuites`, Go's names.
    pub cipher_suites: Option<Vec<String>>,
    /// `tlsAuth`.
    pub auth: Vec<TlsAuth>,
}

/// One `tlsAuth` entry: a client certificate for some domains.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsAuth {
    pub domains: Vec<String>,
    /// PEM certificate chain.
    pub cert: String,
    /// PEM private key.
    pub key: String,
    pub password: Option<String>,
}

/// Why the TLS options cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("unsupported TLS version '{0}' (rk6 speaks tls1.2 and tls1.3)")]
    UnsupportedVersion(String),
    #[error("unknown cipher suite '{0}'")]
    UnknownCipher(String),
    #[error("tlsAuth for {domains}: {reason}")]
    Auth { domains: String, reason: String },
    #[error("building the TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The client configurations of a test: one default, one per `tlsAuth` entry.
#[derive(Debug)]
pub struct TlsSettings {
    default: Arc<rustls::ClientConfig>,
    by_domain: Vec<(Vec<String>, Arc<rustls::ClientConfig>)>,
    /// Why no TLS connection can be made: `tlsCipherSuites` left no suite rk6 can offer
    /// for the allowed versions. k6 runs such a test and its TLS requests fail at the
    /// handshake; so do rk6's, with this reason.
    no_suite: Option<String>,
}

impl Default for TlsSettings {
    fn default() -> Self {
        match TlsSettings::new(&TlsOptions::default()) {
            Ok(s) => s,
            // The defaults use only the provider's own suites and versions, which rustls
            // always accepts; an empty root store is the worst case.
            Err(_) => TlsSettings {
                default: Arc::new(
                    rustls::ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
                        .with_safe_default_protocol_versions()
                        .map(|b| {
                            b.with_root_certificates(rustls::RootCertStore::empty())
                                .with_no_client_auth()
                        })
                        .unwrap_or_else(|_| {
                            rustls::ClientConfig::builder()
                                .with_root_certificates(rustls::RootCertStore::empty())
                                .with_no_client_auth()
                        }),
                ),
                by_domain: Vec::new(),
                no_suite: None,
            },
        }
    }
}

impl TlsSettings {
    pub fn new(opts: &TlsOptions) -> Result<Self, TlsError> {
        let (provider, missing) = provider(opts.cipher_suites.as_deref())?;
        warn_missing_suites(&missing);
        let provider = Arc::new(provider);
        let versions = versions(opts)?;
        if !provider
            .cipher_suites
            .iter()
            .any(|s| versions.iter().any(|v| v.version == s.version().version))
        {
            return Ok(TlsSettings {
                no_suite: Some(
                    "no cipher suite among tlsCipherSuites that rk6 can offer for the allowed TLS versions"
                        .to_string(),
                ),
                ..TlsSettings::default()
            });
        }
        let base = || -> Result<_, TlsError> {
            let b = rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_protocol_versions(&versions)?;
            let verifier: Arc<dyn ServerCertVerifier> = if opts.insecure_skip_verify {
                Arc::new(AcceptAnyCert(provider.clone()))
            } else {
                Arc::new(NameFirst {
                    provider: provider.clone(),
                    webpki: OnceLock::new(),
                })
            };
            Ok(b.dangerous().with_custom_certificate_verifier(verifier))
        };
        let finish = |mut c: rustls::ClientConfig| {
            c.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
            if let Some(log) = key_log() {
                c.key_log = log;
            }
            Arc::new(c)
        };
        let default = finish(base()?.with_no_client_auth());
        let mut by_domain = Vec::new();
        for a in &opts.auth {
            let fail = |reason: String| TlsError::Auth {
                domains: a.domains.join(","),
                reason,
            };
            if a.password.as_deref().is_some_and(|p| !p.is_empty()) {
                return Err(fail("encrypted private keys are not supported".into()));
            }
            let certs = CertificateDer::pem_slice_iter(a.cert.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| fail(format!("invalid certificate PEM: {e}")))?;
            if certs.is_empty() {
                return Err(fail("no certificate found in cert".into()));
            }
            let key = PrivateKeyDer::from_pem_slice(a.key.as_bytes())
                .map_err(|e| fail(format!("invalid private key PEM: {e}")))?;
            let cfg = base()?
                .with_client_auth_cert(certs, key)
                .map_err(|e| fail(e.to_string()))?;
            by_domain.push((a.domains.clone(), finish(cfg)));
        }
        Ok(TlsSettings {
            default,
            by_domain,
            no_suite: None,
        })
    }

    /// The configuration for connections to `host`: the `tlsAuth` entry naming it, else
    /// the first entry (k6 presents a certificate whatever `domains` says), else none.
    /// An error when no connection can be made at all (see `no_suite`).
    pub fn for_host(&self, host: &str) -> std::io::Result<Arc<rustls::ClientConfig>> {
        if let Some(why) = &self.no_suite {
            return Err(std::io::Error::other(why.clone()));
        }
        Ok(self
            .by_domain
            .iter()
            .find(|(domains, _)| domains.iter().any(|d| domain_matches(d, host)))
            .or_else(|| self.by_domain.first())
            .map_or_else(|| self.default.clone(), |(_, c)| c.clone()))
    }
}

fn domain_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .strip_suffix(suffix)
            .is_some_and(|head| head.ends_with('.') && head.len() > 1),
        None => pattern.eq_ignore_ascii_case(host),
    }
}

/// The trusted roots: the system's, like Go; Mozilla's bundled list when it has none.
pub(crate) fn roots() -> Arc<rustls::RootCertStore> {
    static ROOTS: OnceLock<Arc<rustls::RootCertStore>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let mut store = rustls::RootCertStore::empty();
            let native = rustls_native_certs::load_native_certs();
            store.add_parsable_certificates(native.certs);
            if store.is_empty() {
                store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            }
            Arc::new(store)
        })
        .clone()
}

/// Go's client preference order: AES-128-GCM first (so servers that follow the client's
/// order pick what they pick for k6).
const GO_ORDER: [CipherSuite; 9] = [
    CipherSuite::TLS13_AES_128_GCM_SHA256,
    CipherSuite::TLS13_AES_256_GCM_SHA384,
    CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
];

/// Every suite name k6 accepts in `tlsCipherSuites` (Go's `crypto/tls` names); others are
/// refused like k6 does. Some have no rustls implementation (RC4, 3DES, CBC, plain RSA key
/// exchange): those are warned about once and not offered.
const K6_SUITES: [&str; 25] = [
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];

/// The ring provider with Go's suite order, limited to `tlsCipherSuites` when given
/// (which, as in Go, constrains TLS 1.2 suites only). Also returns the named suites k6
/// knows that rustls does not implement.
fn provider(only: Option<&[String]>) -> Result<(CryptoProvider, Vec<String>), TlsError> {
    let mut p = ring::default_provider();
    let all = std::mem::take(&mut p.cipher_suites);
    let mut wanted = Vec::new();
    let mut missing = Vec::new();
    for n in only.unwrap_or_default() {
        if all.iter().any(|s| cipher_name(s.suite()) == *n) {
            wanted.push(n.clone());
        } else if K6_SUITES.contains(&n.as_str()) {
            missing.push(n.clone());
        } else {
            return Err(TlsError::UnknownCipher(n.clone()));
        }
    }
    for suite in GO_ORDER {
        let Some(s) = all.iter().find(|s| s.suite() == suite) else {
            continue;
        };
        let tls13 = matches!(s, rustls::SupportedCipherSuite::Tls13(_));
        if tls13 || only.is_none() || wanted.contains(&cipher_name(suite)) {
            p.cipher_suites.push(*s);
        }
    }
    Ok((p, missing))
}

/// Says once per process which `tlsCipherSuites` rk6 cannot offer.
fn warn_missing_suites(missing: &[String]) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    if missing.is_empty() {
        return;
    }
    ONCE.call_once(|| {
        crate::log::Logger::warn(
            &format!(
                "tlsCipherSuites: rk6 does not implement {}; they are not offered (rustls has no such suites)",
                missing.join(", ")
            ),
            &[],
        );
    });
}

fn version(name: &str) -> Result<&'static rustls::SupportedProtocolVersion, TlsError> {
    match name {
        "tls1.2" => Ok(&rustls::version::TLS12),
        "tls1.3" => Ok(&rustls::version::TLS13),
        other => Err(TlsError::UnsupportedVersion(other.to_string())),
    }
}

fn versions(opts: &TlsOptions) -> Result<Vec<&'static rustls::SupportedProtocolVersion>, TlsError> {
    // TLS 1.0 and 1.1 are below what rustls speaks: a minimum there means "from 1.2".
    let legacy = |v: &Option<String>| matches!(v.as_deref(), Some("tls1.0" | "tls1.1"));
    if legacy(&opts.max_version) {
        return Err(TlsError::UnsupportedVersion(
            opts.max_version.clone().unwrap_or_default(),
        ));
    }
    let min = match &opts.min_version {
        Some(v) if !legacy(&opts.min_version) => version(v)?.version,
        _ => ProtocolVersion::TLSv1_2,
    };
    let max = match &opts.max_version {
        Some(v) => version(v)?.version,
        None => ProtocolVersion::TLSv1_3,
    };
    let rank = |v: ProtocolVersion| u16::from(v);
    let out: Vec<_> = [&rustls::version::TLS12, &rustls::version::TLS13]
        .into_iter()
        .filter(|v| rank(v.version) >= rank(min) && rank(v.version) <= rank(max))
        .collect();
    if out.is_empty() {
        return Err(TlsError::UnsupportedVersion(format!(
            "{}..{}",
            opts.min_version.clone().unwrap_or_default(),
            opts.max_version.clone().unwrap_or_default()
        )));
    }
    Ok(out)
}

/// k6's name for a negotiated version: `tls1.3`.
pub(crate) fn version_name(v: ProtocolVersion) -> &'static str {
    match v {
        ProtocolVersion::TLSv1_3 => "tls1.3",
        ProtocolVersion::TLSv1_2 => "tls1.2",
        ProtocolVersion::TLSv1_1 => "tls1.1",
        ProtocolVersion::TLSv1_0 => "tls1.0",
        _ => "",
    }
}

/// Go's name for a cipher suite: `TLS_AES_128_GCM_SHA256`,
/// `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
pub(crate) fn cipher_name(s: CipherSuite) -> String {
    let name = s.as_str().unwrap_or("");
    match name.strip_prefix("TLS13_") {
        Some(rest) => format!("TLS_{rest}"),
        // k6 spells the TLS 1.2 ChaCha suites by Go's original names, without `_SHA256`.
        None if name.ends_with("_CHACHA20_POLY1305_SHA256") => {
            name.trim_end_matches("_SHA256").to_string()
        }
        None => name.to_string(),
    }
}

/// The usual verification, but the server name is checked before the chain, as Go does
/// (so a certificate for another name reports the name mismatch, k6's 1311, even when
/// its issuer is unknown too).
///
/// The chain verifier, and with it the system's roots, is built at the first handshake:
/// reading and parsing the roots cost ~17 M instructions (~5 ms) of every start, and most
/// tests speak plain HTTP.
#[derive(Debug)]
struct NameFirst {
    provider: Arc<CryptoProvider>,
    webpki: OnceLock<Result<Arc<rustls::client::WebPkiServerVerifier>, String>>,
}

impl NameFirst {
    fn webpki(&self) -> Result<&rustls::client::WebPkiServerVerifier, rustls::Error> {
        self.webpki
            .get_or_init(|| {
                rustls::client::WebPkiServerVerifier::builder_with_provider(
                    roots(),
                    self.provider.clone(),
                )
                .build()
                .map_err(|e| e.to_string())
            })
            .as_deref()
            .map_err(|e| rustls::Error::General(e.clone()))
    }
}

impl ServerCertVerifier for NameFirst {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_name(&parsed, server_name)?;
        self.webpki()?
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// `insecureSkipTLSVerify`: any certificate is accepted, handshake signatures are still
/// checked (so the connection is really with the key holder).
#[derive(Debug)]
struct AcceptAnyCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `SSLKEYLOGFILE`: TLS session keys appended there (NSS key log format, as k6 writes them),
/// one file shared by every VU.
fn key_log() -> Option<Arc<dyn rustls::KeyLog>> {
    static LOG: std::sync::OnceLock<Option<Arc<dyn rustls::KeyLog>>> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        std::env::var_os("SSLKEYLOGFILE")
            .map(|_| Arc::new(rustls::KeyLogFile::new()) as Arc<dyn rustls::KeyLog>)
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_go() {
        assert_eq!(
            cipher_name(CipherSuite::TLS13_AES_128_GCM_SHA256),
            "TLS_AES_128_GCM_SHA256"
        );
        assert_eq!(
            cipher_name(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        );
        assert_eq!(version_name(ProtocolVersion::TLSv1_3), "tls1.3");
    }

    #[test]
    fn versions_and_suites_are_validated() {
        let v = |min: &str, max: &str| TlsOptions {
            min_version: Some(min.into()),
            max_version: Some(max.into()),
            ..TlsOptions::default()
        };
        assert!(TlsSettings::new(&v("tls1.2", "tls1.3")).is_ok());
        assert!(TlsSettings::new(&v("tls1.0", "tls1.2")).is_ok());
        assert!(matches!(
            TlsSettings::new(&v("tls1.0", "tls1.1")),
            Err(TlsError::UnsupportedVersion(_))
        ));
        assert!(matches!(
            TlsSettings::new(&v("tls1.3", "tls1.2")),
            Err(TlsError::UnsupportedVersion(_))
        ));
        let bad = TlsOptions {
            cipher_suites: Some(vec!["TLS_NOPE".into()]),
            ..TlsOptions::default()
        };
        assert!(matches!(
            TlsSettings::new(&bad),
            Err(TlsError::UnknownCipher(_))
        ));
    }

    #[test]
    fn cipher_list_limits_tls12_suites_in_go_order() {
        let (p, missing) = provider(Some(&[
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384".to_string(),
            "TLS_RSA_WITH_RC4_128_SHA".to_string(),
        ]))
        .unwrap();
        assert_eq!(missing, ["TLS_RSA_WITH_RC4_128_SHA"]);
        let names: Vec<String> = p
            .cipher_suites
            .iter()
            .map(|s| cipher_name(s.suite()))
            .collect();
        assert_eq!(
            names,
            [
                "TLS_AES_128_GCM_SHA256",
                "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
            ]
        );
    }

    #[test]
    fn tls_auth_domains_match_exactly_or_by_wildcard() {
        assert!(domain_matches("example.com", "EXAMPLE.com"));
        assert!(domain_matches("*.example.com", "a.example.com"));
        assert!(!domain_matches("*.example.com", "example.com"));
        assert!(!domain_matches("example.com", "a.example.com"));
    }
}
