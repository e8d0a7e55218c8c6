//! Debian's Prometheus (2.42) as a remote-write receiver for the
//! `experimental-prometheus-rw` tests: started on a free loopback port with
//! `--web.enable-remote-write-receiver` (and native histograms when asked), its TSDB in a
//! temp dir, killed on drop. Owns: starting, waiting until ready, instant queries and the
//! series API.

use std::process::{Command, Stdio};

use serde_json::Value;

use super::influx::{bin, curl, free_port, wait_ready};
use super::{KillOnDrop, Scripts};

/// A running Prometheus.
pub struct Prometheus {
    child: KillOnDrop,
    _dir: Scripts,
    pub http: std::net::SocketAddr,
}

impl Prometheus {
    /// Starts Prometheus with the remote-write receiver; `native_histograms` turns on the
    /// feature flag that makes it keep native histograms.
    pub fn start(native_histograms: bool) -> Prometheus {
        let dir = Scripts::new();
        dir.write(
            "p.yml",
            "global: {scrape_interval: 5s}\nscrape_configs: []\n",
        );
        let http = free_port();
        let mut cmd = Command::new(bin("prometheus"));
        cmd.arg(format!("--config.file={}", dir.path("p.yml").display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path("tsdb").display()
            ))
            .arg(format!("--web.listen-address={http}"))
            .args(["--web.enable-remote-write-receiver", "--log.level=error"]);
        if native_histograms {
            cmd.arg("--enable-feature=native-histograms");
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn prometheus (apt-get install prometheus)");
        wait_ready(
            &mut child,
            &format!("http://{http}/-/ready"),
            200,
            "prometheus",
        );
        Prometheus {
            child: KillOnDrop(child),
            _dir: dir,
            http,
        }
    }

    /// The remote-write endpoint.
    pub fn write_url(&self) -> String {
        format!("http://{}/api/v1/write", self.http)
    }

    /// `GET /api/v1/query?query=q`: the result vector (empty when nothing matched).
    pub fn query(&self, q: &str) -> Vec<Value> {
        let url = format!("http://{}/api/v1/query", self.http);
        let (_, body) = curl(&["-G", &url, "--data-urlencode", &format!("query={q}")]);
        let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        v["data"]["result"].as_array().cloned().unwrap_or_default()
    }

    /// The single value of an instant query (`None` when it matched nothing).
    pub fn value(&self, q: &str) -> Option<f64> {
        let r = self.query(q);
        r.first()?["value"][1].as_str()?.parse().ok()
    }

    /// The label sets of every series whose name starts with `k6_`.
    pub fn k6_series(&self) -> Vec<serde_json::Map<String, Value>> {
        let url = format!("http://{}/api/v1/series", self.http);
        let (_, body) = curl(&[
            "-G",
            &url,
            "--data-urlencode",
            "match[]={__name__=~\"k6_.+\"}",
        ]);
        let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        v["data"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s.as_object().cloned()).collect())
            .unwrap_or_default()
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
