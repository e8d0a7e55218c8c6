//! Third-party servers the suite starts on loopback for as long as a test holds them:
//! httpbin under gunicorn (plain and TLS) and the Python gRPC route guide of
//! `tests/upstream/servers/`. Each runs on a free port, is ready once it accepts TCP
//! connections, and is killed on drop.

use super::KillOnDrop;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::Scripts;

/// A running server process; killed on drop.
pub struct Server {
    child: KillOnDrop,
    pub addr: SocketAddr,
    _files: Option<Scripts>,
}

impl Server {
    /// Starts `command(port)` on a free port and waits until it accepts connections (20 s).
    /// Another process may take the probed port first; the start is then tried again.
    fn start(what: &str, command: impl Fn(u16) -> Command, files: Option<Scripts>) -> Server {
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut child = match command(port)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
            {
                Ok(c) => c,
                Err(e) => panic!("spawn {what}: {e}"),
            };
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return Server {
                        child: KillOnDrop(child),
                        addr,
                        _files: files,
                    };
                }
                if let Ok(Some(status)) = child.try_wait() {
                    last = format!("{what} exited with {status}");
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    last = format!("{what} did not listen within 20 s");
                    break;
                }
                thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("{last} (.ci/run installs it: pip install httpbin gunicorn grpcio grpcio-tools grpcio-reflection)");
    }

    /// httpbin (PyPI) under gunicorn with threads, so `/delay` does not block other requests.
    pub fn httpbin() -> Server {
        Self::start("httpbin under gunicorn", |port| gunicorn(port, 2), None)
    }

    /// httpbin over TLS with a self-signed certificate for 127.0.0.1 (scripts skip
    /// verification), offering the suites k6's `tlsconfig.js` example names.
    pub fn httpbin_tls() -> Server {
        let files = Scripts::new();
        let (cert, key) = (files.path("cert.pem"), files.path("key.pem"));
        let made = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("spawn openssl");
        assert!(made.success(), "openssl could not make a certificate");
        let command = move |port| {
            let mut c = gunicorn(port, 1);
            c.arg("--certfile").arg(&cert).arg("--keyfile").arg(&key);
            c.args(["--ciphers", "ECDHE+AESGCM:AES128-GCM-SHA256"]);
            c
        };
        Self::start("httpbin over TLS", command, Some(files))
    }

    /// The RouteGuide gRPC server (with reflection) standing in for k6's Go example server.
    pub fn grpc_route_guide(servers_dir: &Path) -> Server {
        let script = servers_dir.join("grpc_route_guide.py");
        Self::start(
            "the gRPC route guide",
            move |port| {
                let mut c = Command::new("python3");
                c.arg(&script).arg(port.to_string());
                c
            },
            None,
        )
    }

    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn https_url(&self) -> String {
        format!("https://{}", self.addr)
    }
}

fn gunicorn(port: u16, workers: u32) -> Command {
    let mut c = Command::new("python3");
    c.args(["-m", "gunicorn", "-b"])
        .arg(format!("127.0.0.1:{port}"))
        .args([
            "-w",
            &workers.to_string(),
            "-k",
            "gthread",
            "--threads",
            "16",
        ])
        .arg("httpbin:app");
    c
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("probe a free port")
}
