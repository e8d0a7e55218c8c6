//! A real TLS peer for the suite: nginx (Debian's, not our code) on loopback with a test CA,
//! serving HTTP/2 and HTTP/1.1 over TLS in front of the built-in target.
//!
//! Owns: generating the CA, server and client certificates with `openssl`, writing the
//! nginx configuration, starting nginx on free ports and stopping it. Servers:
//! `h2` (TLS 1.2/1.3, ALPN h2, proxies to the target, `/ok` answered by nginx), `tls12`
//! (TLS 1.2 only, HTTP/1.1), `other` (a certificate for `other.example` only), `client`
//! (requires a client certificate signed by the CA, answers `/ok` with its subject).

use super::KillOnDrop;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::influx::free_port;
use super::{Scripts, Target};

/// A running nginx with its certificates; killed on drop.
pub struct TlsPeer {
    child: KillOnDrop,
    dir: Scripts,
    pub h2: SocketAddr,
    pub tls12: SocketAddr,
    pub other: SocketAddr,
    pub client: SocketAddr,
}

fn run(cmd: &mut Command) {
    let out = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e} (install openssl and nginx-light)"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issues a certificate signed by the test CA in `dir`.
fn issue(dir: &Path, name: &str, subject: &str, ext: &str) {
    let p = |f: &str| dir.join(f);
    std::fs::write(p(&format!("{name}.ext")), ext).expect("write ext");
    run(Command::new("openssl")
        .args(["req", "-newkey", "rsa:2048", "-nodes", "-keyout"])
        .arg(p(&format!("{name}_key.pem")))
        .arg("-out")
        .arg(p(&format!("{name}.csr")))
        .args(["-subj", subject]));
    run(Command::new("openssl")
        .args(["x509", "-req", "-days", "3650", "-in"])
        .arg(p(&format!("{name}.csr")))
        .arg("-CA")
        .arg(p("ca.pem"))
        .arg("-CAkey")
        .arg(p("ca_key.pem"))
        .arg("-CAcreateserial")
        .arg("-out")
        .arg(p(&format!("{name}.pem")))
        .arg("-extfile")
        .arg(p(&format!("{name}.ext"))));
}

/// nginx from PATH, or Debian's `/usr/sbin/nginx` when `/usr/sbin` is not on PATH.
pub fn nginx_bin() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("nginx"))
            .find(|p| p.is_file())
    });
    on_path.unwrap_or_else(|| PathBuf::from("/usr/sbin/nginx"))
}

/// Writes a test CA (`ca.pem`) and certificates it signed into `d`: `leaf` (localhost and
/// 127.0.0.1), `other` (other.example only) and `client` (client auth), each `NAME.pem`
/// with `NAME_key.pem`.
pub fn make_certs(d: &Path) {
    run(Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
        ])
        .arg("-keyout")
        .arg(d.join("ca_key.pem"))
        .arg("-out")
        .arg(d.join("ca.pem"))
        .args(["-subj", "/CN=rk6 test CA"]));
    let server_ext = |san: &str| {
        format!("subjectAltName={san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    };
    issue(
        d,
        "leaf",
        "/CN=localhost",
        &server_ext("DNS:localhost,IP:127.0.0.1"),
    );
    issue(
        d,
        "other",
        "/CN=other.example",
        &server_ext("DNS:other.example"),
    );
    issue(
        d,
        "client",
        "/CN=rk6client",
        "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
    );
}

/// A whole nginx configuration for a server whose prefix (pid, logs, temp files) is `d`:
/// one worker in the foreground, no access log, and `http_body` inside `http { }`.
pub fn nginx_config(d: &Path, http_body: &str) -> String {
    let d = d.display();
    format!(
        r#"daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/logs/error.log;
events {{ worker_connections 512; }}
http {{
  client_body_temp_path {d}/tmp/body; proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fcgi; uwsgi_temp_path {d}/tmp/uwsgi; scgi_temp_path {d}/tmp/scgi;
  access_log off;
{http_body}
}}
"#
    )
}

/// Starts nginx with `conf` (its prefix and logs in `dir`) and waits until it listens on
/// every one of `addrs`; killed on drop.
pub fn spawn_nginx(dir: &Scripts, conf: &str, addrs: &[SocketAddr]) -> KillOnDrop {
    for sub in ["logs", "tmp"] {
        std::fs::create_dir_all(dir.path(sub)).expect("mkdir");
    }
    std::fs::write(dir.path("nginx.conf"), conf).expect("write nginx.conf");
    let child = Command::new(nginx_bin())
        .arg("-c")
        .arg(dir.path("nginx.conf"))
        .arg("-p")
        .arg(dir.dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn nginx (install nginx-light)");
    let mut child = KillOnDrop(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    for addr in addrs {
        while TcpStream::connect_timeout(addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(dir.path("logs/error.log"));
                panic!("nginx exited with {status}: {log:?}");
            }
            assert!(Instant::now() < deadline, "nginx never listened on {addr}");
            thread::sleep(Duration::from_millis(20));
        }
    }
    child
}

impl TlsPeer {
    /// Generates certificates and starts nginx in front of `backend`.
    pub fn start(backend: &Target) -> TlsPeer {
        let dir = Scripts::new();
        make_certs(dir.dir());
        let (h2, tls12, other, client) = (free_port(), free_port(), free_port(), free_port());
        let conf = nginx_conf(dir.dir(), backend.host(), h2, tls12, other, client);
        let child = spawn_nginx(&dir, &conf, &[h2, tls12, other, client]);
        TlsPeer {
            child,
            dir,
            h2,
            tls12,
            other,
            client,
        }
    }

    /// The test CA's certificate (give it to k6 and rk6 as `SSL_CERT_FILE`).
    pub fn ca(&self) -> PathBuf {
        self.dir.path("ca.pem")
    }

    /// Path of a generated file (`client.pem`, `client_key.pem`, ...).
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path(name)
    }

    /// `https://127.0.0.1:PORT` of a server.
    pub fn url(addr: SocketAddr) -> String {
        format!("https://{addr}")
    }
}

fn nginx_conf(
    d: &Path,
    backend: String,
    h2: SocketAddr,
    tls12: SocketAddr,
    other: SocketAddr,
    client: SocketAddr,
) -> String {
    let prefix = d;
    let d = d.display();
    let cert = |name: &str| {
        format!("ssl_certificate {d}/{name}.pem; ssl_certificate_key {d}/{name}_key.pem;")
    };
    let (leaf, other_cert) = (cert("leaf"), cert("other"));
    nginx_config(
        prefix,
        &format!(
            r#"  default_type text/plain;
  server {{
    listen {h2} ssl http2;
    ssl_protocols TLSv1.2 TLSv1.3;
    {leaf}
    location = /ok {{ return 200 "ok"; }}
    location /ws/ {{ proxy_pass http://{backend}; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; }}
    location / {{ proxy_pass http://{backend}; proxy_http_version 1.1; proxy_set_header Host $http_host; }}
  }}
  server {{
    listen {tls12} ssl;
    ssl_protocols TLSv1.2;
    {leaf}
    location = /ok {{ return 200 "ok"; }}
    location / {{ proxy_pass http://{backend}; proxy_http_version 1.1; proxy_set_header Host $http_host; }}
  }}
  server {{
    listen {other} ssl http2;
    ssl_protocols TLSv1.2 TLSv1.3;
    {other_cert}
    location = /ok {{ return 200 "ok"; }}
  }}
  server {{
    listen {client} ssl http2;
    ssl_protocols TLSv1.2 TLSv1.3;
    {leaf}
    ssl_verify_client on; ssl_client_certificate {d}/ca.pem;
    location = /ok {{ return 200 "ok client=$ssl_client_s_dn"; }}
  }}
"#
        ),
    )
}
