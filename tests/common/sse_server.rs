//! An SSE server not written by us: `tests/servers/sse_server.py` (sse-starlette on uvicorn,
//! from PyPI), on a port it picks itself on 127.0.0.1, killed on drop. Its routes and their
//! schedules are listed in the script.

use std::time::Duration;

use super::KillOnDrop;

pub struct SseServer {
    _child: KillOnDrop,
    pub port: u16,
}

impl SseServer {
    pub fn start() -> SseServer {
        let (child, ports) =
            super::py_server::start("sse_server.py", 1, "pip install sse-starlette uvicorn");
        SseServer {
            _child: child,
            port: ports[0],
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Runs script `src` under rk6 with `SSE` set to the server's base URL.
    pub fn run(&self, src: &str, args: &[&str]) -> super::Output {
        let (dir, _) = super::script("sse.js", src);
        super::Run::rk6()
            .cwd(dir.dir())
            .env("SSE", self.url(""))
            .args(["run"])
            .args(args)
            .arg("sse.js")
            .timeout(Duration::from_secs(90))
            .output()
    }
}

/// Runs `examples/<example>` for 3 s against rk6 target and against the Python server (each
/// given as `BASE_URL`): it must pass its checks and thresholds and show every metric in
/// `metrics`.
pub fn assert_example_passes(example: &str, metrics: &[&str]) {
    let target = super::Target::start();
    let server = SseServer::start();
    for base in [target.base_url(), server.url("")] {
        let out = super::Run::rk6()
            .env("BASE_URL", &base)
            .args(["run", "--duration", "3s"])
            .arg(super::repo_root().join("examples").join(example))
            .timeout(Duration::from_secs(60))
            .output();
        out.assert_code(0);
        for metric in metrics {
            assert!(
                out.stdout.contains(metric),
                "{base}: no {metric}\n{}",
                out.dump()
            );
        }
        assert!(!out.stdout.contains("✗"), "{base}\n{}", out.dump());
    }
}
