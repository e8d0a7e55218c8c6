//! Differential test of `k6/ws`: `../shared/compat/seed_inference_ws.js` under k6 v1.1 and
//! rk6, against the same target and the same WebSocket echo server (Python `websockets`):
//! same WebSocket checks, same `ws_*` metric names and message counts, same verdicts.

mod common;

use common::ws_echo::WsEcho;
use common::*;

#[test]
fn compat_seed_inference_ws_matches_k6() {
    let Some(dir) = compat_dir() else {
        println!("skipping: ../shared/compat not present");
        return;
    };
    if !k6_available() {
        return;
    }
    let t = Target::start();
    let echo = WsEcho::start();
    let out_dir = Scripts::new();
    let run = |tool: Tool| {
        let export = out_dir.path(&format!("{}.json", tool.name()));
        let out = Run::new(tool)
            .target(&t)
            .env("WS_URL", echo.url())
            .args(["run", "-q", "--summary-export"])
            .arg(&export)
            .arg("seed_inference_ws.js")
            .cwd(&dir)
            .output();
        (out, Export::read(&export))
    };
    let ((k6, ke), (rk6, re)) = std::thread::scope(|s| {
        let k = s.spawn(|| run(Tool::K6));
        let r = s.spawn(|| run(Tool::Rk6));
        (k.join().expect("k6"), r.join().expect("rk6"))
    });
    assert_eq!(
        k6.code,
        rk6.code,
        "exit codes\n{}\n{}",
        k6.dump(),
        rk6.dump()
    );
    let ws_names = |e: &Export| -> Vec<String> {
        e.metric_names()
            .into_iter()
            .filter(|n| n.starts_with("ws_"))
            .collect()
    };
    assert_eq!(ws_names(&ke), ws_names(&re), "ws_* metrics");
    for m in ["ws_sessions", "ws_msgs_sent", "ws_msgs_received"] {
        assert_eq!(ke.num(m, "count"), re.num(m, "count"), "{m}");
    }
    let (kc, rc) = (ke.checks(), re.checks());
    for c in ["got all 5 echoes", "ws status 101"] {
        assert_eq!(kc.get(c), rc.get(c), "check {c}");
    }
    assert_eq!(ke.thresholds(), re.thresholds(), "threshold verdicts");
}
