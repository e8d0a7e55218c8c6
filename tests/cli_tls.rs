//! End-to-end `k6/http` over TLS against a real peer (Debian's nginx with a test CA, see
//! `common/peer.rs`): negotiated version and cipher names, HTTP/2 via ALPN, TLS timings and
//! tags, certificate errors with k6's codes and texts, `insecureSkipTLSVerify`,
//! `tlsVersion`, `tlsCipherSuites`, `tlsAuth` client certificates, and wire byte counts.
//!
//! `RK6_E2E_TOOL=k6 cargo test --test cli_tls` runs the same expectations against the real
//! k6 (both trust the test CA through `SSL_CERT_FILE`, as Go does).

mod common;

use common::peer::TlsPeer;
use common::*;

/// Runs `src` against the peer with `SSL_CERT_FILE` pointing at the test CA (when `trust`).
fn tls_run(peer: &TlsPeer, trust: bool, src: &str, extra: &[&str]) -> (Output, Scripts) {
    let dir = Scripts::new();
    dir.write("t.js", src);
    for f in ["client.pem", "client_key.pem"] {
        let _ = std::fs::copy(peer.file(f), dir.path(f));
    }
    let mut run = Run::rk6()
        .env("H2", TlsPeer::url(peer.h2))
        .env("TLS12", TlsPeer::url(peer.tls12))
        .env("OTHER", TlsPeer::url(peer.other))
        .env("CLIENT", TlsPeer::url(peer.client))
        .env("H2_PORT", peer.h2.port().to_string());
    if trust {
        run = run.env("SSL_CERT_FILE", peer.ca());
    }
    let out = run
        .args(["run", "-q", "--summary-export", "sum.json"])
        .args(extra)
        .arg("t.js")
        .cwd(dir.dir())
        .output();
    (out, dir)
}

#[test]
fn https_with_http2_reports_tls_fields_timings_and_tags() {
    let t = Target::start();
    let peer = TlsPeer::start(&t);
    let (out, dir) = tls_run(
        &peer,
        true,
        r#"
import http from 'k6/http';
export const options = {
  iterations: 1,
  thresholds: {
    'http_reqs{tls_version:tls1.3}': ['count==3'],
    'http_reqs{proto:HTTP/2.0}': ['count==3'],
  },
};
export default function () {
  const a = http.get(`${__ENV.H2}/ok`);
  const b = http.get(`${__ENV.H2}/ok`);
  const c = http.get(`https://localhost:${__ENV.H2_PORT}/headers`);
  console.log(JSON.stringify([a.status, a.proto, a.tls_version, a.tls_cipher_suite, a.ocsp.status, a.remote_ip, typeof a.remote_port, a.body]));
  const ta = a.timings, tb = b.timings, tc = c.timings;
  console.log(`first tls=${ta.tls_handshaking > 0} connecting=${ta.connecting > 0} blocked=${ta.blocked >= ta.connecting + ta.tls_handshaking}`);
  console.log(`reused tls=${tb.tls_handshaking} connecting=${tb.connecting}`);
  console.log(`new host tls=${tc.tls_handshaking > 0} status=${c.status} proto=${c.proto}`);
  console.log(`duration=${Math.abs(ta.duration - (ta.sending + ta.waiting + ta.receiving)) < 0.001}`);
}
"#,
        &[],
    );
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec![
            r#"[200,"HTTP/2.0","tls1.3","TLS_AES_128_GCM_SHA256","unknown","127.0.0.1","number","ok"]"#,
            "first tls=true connecting=true blocked=true",
            "reused tls=0 connecting=0",
            "new host tls=true status=200 proto=HTTP/2.0",
            "duration=true",
        ]
    );
    let ex = Export::read(&dir.path("sum.json"));
    assert!(ex.num("http_req_tls_handshaking", "max") > 0.0);
    assert_eq!(ex.num("http_req_tls_handshaking", "min"), 0.0);
    // The handshake is on the wire: far more than the ~100 bytes of the requests.
    assert!(ex.num("data_sent", "count") > 300.0, "{}", out.dump());
    assert!(ex.num("data_received", "count") > 1000.0, "{}", out.dump());
}

#[test]
fn tls12_server_negotiates_tls12_and_honours_version_and_cipher_options() {
    let t = Target::start();
    let peer = TlsPeer::start(&t);
    let src = r#"
import http from 'k6/http';
export const options = {
  iterations: 1,
  tlsVersion: __ENV.MIN ? { min: __ENV.MIN, max: 'tls1.3' } : undefined,
  tlsCipherSuites: __ENV.SUITE ? [__ENV.SUITE] : undefined,
};
export default function () {
  const r = http.get(`${__ENV.TLS12}/ok`);
  console.log(`${r.status} ${r.proto} ${r.tls_version} ${r.tls_cipher_suite} code=${r.error_code} error=${r.error}`);
}
"#;
    let (out, _d) = tls_run(&peer, true, src, &[]);
    out.assert_code(0);
    assert_eq!(
        out.console_messages(),
        vec!["200 HTTP/1.1 tls1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 code=0 error="]
    );
    let (out, _d) = tls_run(
        &peer,
        true,
        src,
        &["-e", "SUITE=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
    );
    assert_eq!(
        out.console_messages(),
        vec!["200 HTTP/1.1 tls1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 code=0 error="]
    );
    let (out, _d) = tls_run(&peer, true, src, &["-e", "MIN=tls1.3"]);
    out.assert_code(0).assert_stderr_has(&format!(
        r#"level=warning msg="Request Failed" error="Get \"{}/ok\": remote error: tls: protocol version not supported""#,
        TlsPeer::url(peer.tls12)
    ));
    assert_eq!(
        out.console_messages(),
        vec!["0    code=1010 error=remote error: tls: protocol version not supported"]
    );
}

#[test]
fn unknown_cipher_suite_is_a_configuration_error() {
    let t = Target::start();
    let peer = TlsPeer::start(&t);
    let (out, _d) = tls_run(
        &peer,
        true,
        "export const options = { tlsCipherSuites: ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'] };\nexport default function () {}\n",
        &[],
    );
    out.assert_code(104)
        .assert_stderr_has("unknown cipher suite 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'");
}

#[test]
fn certificate_errors_have_k6_codes_and_insecure_skip_verify_accepts_them() {
    let t = Target::start();
    let peer = TlsPeer::start(&t);
    let src = r#"
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  for (const u of [__ENV.H2, __ENV.OTHER]) {
    const r = http.get(`${u}/ok`);
    console.log(`${r.status} ${r.error_code} ${r.error} ${r.body}`);
  }
}
"#;
    // Without the CA: unknown authority; Go checks the name first, so `other.example`
    // reports the mismatch.
    let (out, _d) = tls_run(&peer, false, src, &[]);
    out.assert_code(0).assert_stderr_has(&format!(
        r#"msg="Request Failed" error="Get \"{}/ok\": tls: failed to verify certificate: x509: certificate signed by unknown authority""#,
        TlsPeer::url(peer.h2)
    ));
    assert_eq!(
        out.console_messages(),
        vec![
            "0 1310 x509: unknown authority null",
            "0 1311 x509: certificate doesn't match hostname null"
        ]
    );
    // With the CA: the `other.example` certificate does not match 127.0.0.1.
    let (out, _d) = tls_run(&peer, true, src, &[]);
    out.assert_stderr_has(&format!(
        r#"msg="Request Failed" error="Get \"{}/ok\": tls: failed to verify certificate: x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs""#,
        TlsPeer::url(peer.other)
    ));
    assert_eq!(
        out.console_messages(),
        vec![
            "200 0  ok",
            "0 1311 x509: certificate doesn't match hostname null"
        ]
    );
    let (out, _d) = tls_run(&peer, false, src, &["--insecure-skip-tls-verify"]);
    out.assert_code(0);
    assert_eq!(out.console_messages(), vec!["200 0  ok", "200 0  ok"]);
}

#[test]
fn tls_auth_presents_a_client_certificate() {
    let t = Target::start();
    let peer = TlsPeer::start(&t);
    let src = r#"
import http from 'k6/http';
export const options = {
  iterations: 1,
  tlsAuth: __ENV.AUTH ? [{ cert: open('./client.pem'), key: open('./client_key.pem') }] : undefined,
};
export default function () {
  const r = http.get(`${__ENV.CLIENT}/ok`);
  console.log(`${r.status} ${r.error_code} ${r.status === 200 ? r.body : ''}`);
}
"#;
    let (out, _d) = tls_run(&peer, true, src, &["-e", "AUTH=1"]);
    out.assert_code(0);
    assert_eq!(out.console_messages(), vec!["200 0 ok client=CN=rk6client"]);
    let (out, _d) = tls_run(&peer, true, src, &[]);
    assert_eq!(out.console_messages(), vec!["400 1400 "]);
}

#[test]
fn plain_http_data_sent_is_the_exact_request_bytes() {
    let t = Target::start();
    let dir = Scripts::new();
    dir.write(
        "b.js",
        "import http from 'k6/http';\nexport const options = { iterations: 1 };\nexport default function () { http.get(`${__ENV.BASE_URL}/get`); }\n",
    );
    let out = Run::rk6()
        .target(&t)
        .args(["run", "-q", "--summary-export", "sum.json", "b.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    let request = format!(
        "GET /get HTTP/1.1\r\nHost: {}\r\nUser-Agent: Grafana k6/1.1.0\r\n\r\n",
        t.host()
    );
    let ex = Export::read(&dir.path("sum.json"));
    assert_eq!(ex.num("data_sent", "count"), request.len() as f64);
}

#[test]
fn wss_connects_through_tls_with_http1_alpn() {
    let t = Target::start();
    let peer = TlsPeer::start(&t);
    let (out, dir) = tls_run(
        &peer,
        true,
        r#"
import ws from 'k6/ws';
export const options = { iterations: 1 };
export default function () {
  const url = __ENV.H2.replace('https://', 'wss://') + '/ws/echo';
  const res = ws.connect(url, {}, (socket) => {
    socket.on('open', () => socket.send('over tls'));
    socket.on('message', (m) => { console.log(`echo: ${m}`); socket.close(); });
  });
  console.log(`status=${res.status}`);
}
"#,
        &[],
    );
    out.assert_code(0);
    assert_eq!(out.console_messages(), vec!["echo: over tls", "status=101"]);
    let ex = Export::read(&dir.path("sum.json"));
    assert_eq!(ex.num("ws_msgs_received", "count"), 1.0);
}

/// `SSLKEYLOGFILE`: k6's warning, and the session keys in NSS key log format (what
/// Wireshark reads to decrypt a capture).
#[test]
fn sslkeylogfile_receives_the_session_keys() {
    let t = Target::start();
    let peer = TlsPeer::start(&t);
    let dir = Scripts::new();
    dir.write(
        "t.js",
        "import http from 'k6/http';\nexport const options = { iterations: 1 };\nexport default function () { http.get(`${__ENV.H2}/ok`); }\n",
    );
    let out = Run::rk6()
        .env("H2", TlsPeer::url(peer.h2))
        .env("SSL_CERT_FILE", peer.ca())
        .env("SSLKEYLOGFILE", "keys.log")
        .args(["run", "-q", "t.js"])
        .cwd(dir.dir())
        .output();
    out.assert_code(0);
    out.assert_stderr_has(
        "SSLKEYLOGFILE was specified, logging TLS connection keys to 'keys.log'...",
    );
    let keys = std::fs::read_to_string(dir.path("keys.log")).unwrap_or_default();
    assert!(
        keys.lines()
            .any(|l| l.starts_with("CLIENT_HANDSHAKE_TRAFFIC_SECRET ")),
        "{keys}"
    );
}
