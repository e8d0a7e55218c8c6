//! Real metric stores for the output tests (Debian packages, not our code): InfluxDB 1.6
//! (`influxd`, the v1 `/write` API) and VictoriaMetrics (accepts InfluxDB v2's
//! `/api/v2/write`). Each starts on free loopback ports with its data in a temp dir and is
//! killed on drop. Owns: starting, waiting until ready, querying data back.

use super::KillOnDrop;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::Scripts;

/// A free loopback address (for the stores' listeners).
pub fn free_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind probe");
    l.local_addr().expect("probe addr")
}

/// A Debian-packaged server binary: on PATH, else in /usr/bin.
pub fn bin(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    on_path.unwrap_or_else(|| PathBuf::from("/usr/bin").join(name))
}

/// A blocking HTTP request with curl (present wherever the suite runs); returns (status, body).
pub fn curl(args: &[&str]) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-s", "-m", "10", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

/// Waits (20 s at most) until `url` answers `ok`; panics if `child` exits first.
pub fn wait_ready(child: &mut Child, url: &str, ok: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited with {status}");
        }
        if curl(&[url]).0 == ok {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what} never became ready at {url}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// InfluxDB 1.6 (`influxd`).
pub struct Influx1 {
    child: KillOnDrop,
    _dir: Scripts,
    pub http: SocketAddr,
}

impl Influx1 {
    pub fn start() -> Influx1 {
        let dir = Scripts::new();
        let d = dir.dir().display().to_string();
        let (http, rpc) = (free_port(), free_port());
        let conf = format!(
            "reporting-disabled = true\nbind-address = \"{rpc}\"\n[meta]\n  dir = \"{d}/meta\"\n[data]\n  dir = \"{d}/data\"\n  wal-dir = \"{d}/wal\"\n  query-log-enabled = false\n[http]\n  bind-address = \"{http}\"\n  log-enabled = false\n[logging]\n  level = \"error\"\n"
        );
        std::fs::write(dir.path("influxdb.conf"), conf).expect("write influxdb.conf");
        let mut child = Command::new(bin("influxd"))
            .args(["run", "-config"])
            .arg(dir.path("influxdb.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn influxd (apt-get install influxdb)");
        wait_ready(&mut child, &format!("http://{http}/ping"), 204, "influxd");
        Influx1 {
            child: KillOnDrop(child),
            _dir: dir,
            http,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.http)
    }

    /// Runs an InfluxQL query against `db`; returns the JSON answer.
    pub fn query(&self, db: &str, q: &str) -> serde_json::Value {
        let url = format!("{}/query", self.url());
        let (_, body) = curl(&[
            "-G",
            &url,
            "--data-urlencode",
            &format!("db={db}"),
            "--data-urlencode",
            &format!("q={q}"),
        ]);
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
    }

    /// `SELECT count(value) FROM <measurement>` (0 when absent).
    pub fn count(&self, db: &str, measurement: &str) -> u64 {
        let v = self.query(
            db,
            &format!("SELECT count(\"value\") FROM \"{measurement}\""),
        );
        v["results"][0]["series"][0]["values"][0][1]
            .as_u64()
            .unwrap_or(0)
    }

    /// [`Self::count`], asked again for up to 3 s until it reaches `expected`: a write
    /// acknowledged with 204 can be a moment from showing in queries. It never counts
    /// more than arrived, so a lost point still fails the caller's assertion.
    pub fn count_reaching(&self, db: &str, measurement: &str, expected: u64) -> u64 {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        loop {
            let n = self.count(db, measurement);
            if n >= expected || std::time::Instant::now() >= deadline {
                return n;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// VictoriaMetrics (InfluxDB v2 write API at `/api/v2/write`).
pub struct Victoria {
    child: KillOnDrop,
    _dir: Scripts,
    pub http: SocketAddr,
}

impl Victoria {
    pub fn start() -> Victoria {
        let dir = Scripts::new();
        let http = free_port();
        let mut child = Command::new(bin("victoria-metrics"))
            .arg(format!("-httpListenAddr={http}"))
            .arg(format!("-storageDataPath={}", dir.path("vm").display()))
            .args([
                "-retentionPeriod=100y",
                "-search.latencyOffset=0s",
                "-search.disableCache",
                "-loggerLevel=ERROR",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn victoria-metrics (apt-get install victoria-metrics)");
        wait_ready(
            &mut child,
            &format!("http://{http}/health"),
            200,
            "victoria-metrics",
        );
        Victoria {
            child: KillOnDrop(child),
            _dir: dir,
            http,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.http)
    }

    /// Every series matching `selector` as exported JSON lines (after a flush).
    pub fn export(&self, selector: &str) -> Vec<serde_json::Value> {
        curl(&[&format!("{}/internal/force_flush", self.url())]);
        let url = format!("{}/api/v1/export", self.url());
        let (_, body) = curl(&[
            "-G",
            &url,
            "--data-urlencode",
            &format!("match[]={selector}"),
        ]);
        body.lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

/// nginx in front of InfluxDB 1.6 mapping the v2 write API onto `/write?db=<bucket>`, so
/// v2 writes meet InfluxDB's strict line-protocol parser (400 on a bad line).
pub struct V2Shim {
    child: KillOnDrop,
    _dir: Scripts,
    pub http: SocketAddr,
}

impl V2Shim {
    pub fn start(influx: &Influx1) -> V2Shim {
        let dir = Scripts::new();
        let http = free_port();
        let backend = influx.http;
        let conf = super::peer::nginx_config(
            dir.dir(),
            &format!(
                r#"  map $arg_precision $v1_precision {{ ns n; us u; ms ms; s s; default n; }}
  server {{
    listen {http};
    location = /api/v2/write {{
      proxy_pass http://{backend}/write?db=$arg_bucket&precision=$v1_precision;
      proxy_set_header Authorization "";
      proxy_http_version 1.1;
    }}
    location / {{ proxy_pass http://{backend}; }}
  }}
"#
            ),
        );
        let mut child = super::peer::spawn_nginx(&dir, &conf, &[http]);
        wait_ready(
            &mut child,
            &format!("http://{http}/ping"),
            204,
            "nginx v2 shim",
        );
        V2Shim {
            child,
            _dir: dir,
            http,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.http)
    }
}
