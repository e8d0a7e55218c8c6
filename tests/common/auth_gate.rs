//! nginx (Debian's) as the TLS and authentication front of a metrics receiver, the way a
//! user's Mimir, Grafana Cloud or collector sits behind a gateway: each listener admits a
//! request only with one kind of credential and passes it on to the receiver (HTTP, or
//! gRPC over HTTP/2), answering 401/403/400 otherwise. Owns: the gateway's certificates
//! (from [`super::peer::make_certs`]), its configuration and its listeners.
//!
//! Listeners, all TLS with a certificate for 127.0.0.1 signed by the test CA:
//! - `basic`: HTTP basic auth `rk6:s3cret`;
//! - `bearer`: `Authorization: Bearer tok-123` and the header `X-Team: perf`;
//! - `client`: a client certificate signed by the test CA.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::influx::free_port;
use super::peer::{make_certs, nginx_config, spawn_nginx};
use super::{KillOnDrop, Scripts};

/// The user and password the `basic` listener admits.
pub const USER: (&str, &str) = ("rk6", "s3cret");
/// The token the `bearer` listener admits.
pub const TOKEN: &str = "tok-123";

/// A running gateway; killed on drop.
pub struct AuthGate {
    _child: KillOnDrop,
    dir: Scripts,
    pub basic: SocketAddr,
    pub bearer: SocketAddr,
    pub client: SocketAddr,
}

/// What the gateway passes admitted requests to.
pub enum Backend {
    /// Plain HTTP/1.1 at this address.
    Http(SocketAddr),
    /// gRPC (HTTP/2 without TLS) at this address.
    Grpc(SocketAddr),
}

impl AuthGate {
    pub fn start(backend: Backend) -> AuthGate {
        let dir = Scripts::new();
        make_certs(dir.dir());
        dir.write("htpasswd", format!("{}:{{PLAIN}}{}\n", USER.0, USER.1));
        let (basic, bearer, client) = (free_port(), free_port(), free_port());
        let d = dir.dir().display().to_string();
        let pass = match backend {
            Backend::Http(a) => {
                format!("proxy_pass http://{a}; proxy_http_version 1.1; proxy_set_header Authorization \"\";")
            }
            Backend::Grpc(a) => format!("grpc_pass grpc://{a};"),
        };
        let tls = format!(
            "ssl_protocols TLSv1.2 TLSv1.3; ssl_certificate {d}/leaf.pem; ssl_certificate_key {d}/leaf_key.pem;"
        );
        let conf = nginx_config(
            dir.dir(),
            &format!(
                r#"  client_max_body_size 64m;
  server {{
    listen {basic} ssl http2; {tls}
    auth_basic "rk6"; auth_basic_user_file {d}/htpasswd;
    location / {{ {pass} }}
  }}
  server {{
    listen {bearer} ssl http2; {tls}
    if ($http_authorization != "Bearer {TOKEN}") {{ return 401; }}
    if ($http_x_team != "perf") {{ return 403; }}
    location / {{ {pass} }}
  }}
  server {{
    listen {client} ssl http2; {tls}
    ssl_verify_client on; ssl_client_certificate {d}/ca.pem;
    location / {{ {pass} }}
  }}
"#
            ),
        );
        let child = spawn_nginx(&dir, &conf, &[basic, bearer, client]);
        AuthGate {
            _child: child,
            dir,
            basic,
            bearer,
            client,
        }
    }

    /// A file the gateway made: `ca.pem`, `client.pem`, `client_key.pem`, ...
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path(name)
    }

    /// The same file as a string, for an environment variable.
    pub fn path(&self, name: &str) -> String {
        self.file(name).display().to_string()
    }
}
