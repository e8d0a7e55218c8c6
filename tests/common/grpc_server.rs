//! A gRPC server not written by us: `tests/servers/grpc_server.py` (grpcio from PyPI, with
//! server reflection) serving `tests/servers/grpc/{hello,inference}.proto` on ports it picks
//! on 127.0.0.1: plaintext, TLS, TLS requiring a client certificate, and a listener that
//! never answers. The certificates (a CA, the server's for 127.0.0.1 and localhost, a
//! client's) are made by `openssl` at start in a temp dir. Killed on drop.

use std::ffi::OsStr;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};

use super::{KillOnDrop, Scripts};

pub struct GrpcServer {
    _child: KillOnDrop,
    certs: Scripts,
    /// Plaintext gRPC.
    pub port: u16,
    /// Accepts TCP connections and never says a word.
    pub silent_port: u16,
    /// gRPC over TLS, the certificate signed by `ca.pem`.
    pub tls_port: u16,
    /// The same, and a client certificate signed by `ca.pem` is required.
    pub mtls_port: u16,
    /// A port nothing listened on when the server started (connection refused).
    pub closed_port: u16,
}

impl GrpcServer {
    pub fn start() -> GrpcServer {
        let certs = Scripts::new();
        make_certificates(certs.dir());
        let args = [OsStr::new("--tls"), certs.dir().as_os_str()];
        let (child, ports) = super::py_server::start_with_args(
            "grpc_server.py",
            &args,
            4,
            "pip install grpcio grpcio-tools grpcio-reflection grpcio-status",
        );
        GrpcServer {
            _child: child,
            certs,
            port: ports[0],
            silent_port: ports[1],
            tls_port: ports[2],
            mtls_port: ports[3],
            closed_port: closed_port(),
        }
    }

    /// `127.0.0.1:PORT` of the plaintext server, as scripts pass it to `connect()`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The directory of `ca.pem`, `server.pem`/`.key` and `client.pem`/`.key`.
    pub fn certs_dir(&self) -> &Path {
        self.certs.dir()
    }

    /// What the scripts in `tests/scripts/grpc/` read: `GRPC_ADDR`, `GRPC_TLS_ADDR`,
    /// `GRPC_MTLS_ADDR`, `GRPC_SILENT_ADDR`, `GRPC_CLOSED_ADDR` and `GRPC_CERTS`.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let at = |port: u16| format!("127.0.0.1:{port}");
        vec![
            ("GRPC_ADDR", at(self.port)),
            ("GRPC_TLS_ADDR", at(self.tls_port)),
            ("GRPC_MTLS_ADDR", at(self.mtls_port)),
            ("GRPC_SILENT_ADDR", at(self.silent_port)),
            ("GRPC_CLOSED_ADDR", at(self.closed_port)),
            ("GRPC_CERTS", self.certs_dir().display().to_string()),
        ]
    }

    /// `text` with this server's port numbers replaced by their names (`PORT`, `TLS_PORT`,
    /// …), so outputs of runs against different servers compare.
    pub fn mask_ports(&self, text: &str) -> String {
        [
            (self.mtls_port, "MTLS_PORT"),
            (self.tls_port, "TLS_PORT"),
            (self.silent_port, "SILENT_PORT"),
            (self.closed_port, "CLOSED_PORT"),
            (self.port, "PORT"),
        ]
        .iter()
        .fold(text.to_string(), |t, (port, name)| {
            t.replace(&format!("127.0.0.1:{port}"), &format!("127.0.0.1:{name}"))
        })
    }
}

/// The `openssl` commands that make the files of [`make_certificates`], run in order.
const OPENSSL_STEPS: [&str; 5] = [
    "req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=rk6-test-ca -keyout ca.key -out ca.pem",
    "req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr",
    "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem",
    "req -newkey rsa:2048 -nodes -subj /CN=rk6-client -keyout client.key -out client.csr",
    "x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.pem",
];

/// A CA, a server certificate for IP 127.0.0.1 and DNS localhost, and a client
/// certificate, all signed by the CA, written into `dir`.
fn make_certificates(dir: &Path) {
    // The extensions make X.509 v3 certificates (rustls refuses v1 ones, Go takes them).
    let extensions = [
        ("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n"),
        ("client.ext", "extendedKeyUsage=clientAuth\n"),
    ];
    for (name, text) in extensions {
        std::fs::write(dir.join(name), text).expect("write an openssl extension file");
    }
    for step in OPENSSL_STEPS {
        let status = Command::new("openssl")
            .args(step.split_whitespace())
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("spawn openssl (apt-get install openssl)");
        assert!(status.success(), "openssl {step} failed");
    }
}

/// A loopback port that was free a moment ago: connecting to it is refused.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("probe a free port")
}
