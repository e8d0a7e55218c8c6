//! What `rk6 run` prints on stdout before the test: k6's banner and the execution header,
//! coloured like k6's on a colour terminal (the logo yellow, the values cyan).

use std::time::Duration;

use rk6_runtime::duration::format as fmt_dur;

use crate::executor::Scenario;

const BANNER: &str = "
         /\\      Grafana   /‾‾/  
    /\\  /  \\     |\\  __   /  /   
   /  \\/    \\    | |/ /  /   ‾‾\\ 
  /          \\   |   (  |  (‾)  |
 / __________ \\  |_|\\_\\  \\_____/ 
";

/// Banner plus the execution header, ending with a blank line.
/// (`percent` is the instance's share of the test: 100 unless `--execution-segment`.)
/// With `color`, in k6's colours.
pub fn header(
    script: &str,
    dashboard: Option<&str>,
    outputs: &str,
    scenarios: &[Scenario],
    percent: f64,
    color: bool,
) -> String {
    let p = crate::summary::text::Painter { enabled: color };
    let paint = |code: &str, s: &str| p.paint(code, s);
    let max_vus: u64 = scenarios.iter().map(|s| s.executor.max_vus()).sum();
    let max_dur = scenarios
        .iter()
        .map(Scenario::max_duration)
        .max()
        .unwrap_or_default();
    let max_dur = Duration::from_millis((max_dur.as_millis() as u64).div_ceil(100) * 100);
    let plural = if scenarios.len() == 1 { "" } else { "s" };
    let logo = BANNER.trim_matches('\n');
    let scenarios_line = format!(
        "({percent:.2}%) {} scenario{plural}, {max_vus} max VUs, {} max duration (incl. graceful stop):",
        scenarios.len(),
        fmt_dur(max_dur)
    );
    let dashboard = dashboard.map_or(String::new(), |url| {
        format!(" web dashboard: {}\n", paint("36", url))
    });
    let mut out = format!(
        "\n{}\n\n     execution: {}\n        script: {}\n{dashboard}        output: {}\n\n     scenarios: {}\n",
        paint("33", logo),
        paint("36", "local"),
        paint("36", script),
        paint("36", outputs),
        paint("36", &scenarios_line),
    );
    for s in scenarios {
        out.push_str(&format!(
            "              * {}: {}\n",
            s.name,
            s.description()
        ));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::constant_vus::ConstantVus;

    #[test]
    fn header_matches_k6_layout() {
        let s = vec![Scenario::shortcut(Box::new(ConstantVus {
            vus: 2,
            duration: Duration::from_millis(2500),
        }))];
        let h = header("dur.js", None, "-", &s, 100.0, false);
        assert!(h.contains("\n     scenarios: (100.00%) 1 scenario, 2 max VUs, 32.5s max duration (incl. graceful stop):\n              * default: 2 looping VUs for 2.5s (gracefulStop: 30s)\n\n"));
        assert!(h.starts_with("\n         /\\      Grafana   /‾‾/  \n"));
    }
}
