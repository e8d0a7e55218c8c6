//! What one run of rk6 or k6 produced, and how the suites read it: the exit code, the
//! logrus-style stderr lines, console output and values of the text summary.

use std::time::Duration;

/// What one run of a binary produced.
#[derive(Debug, Clone)]
pub struct Output {
    pub tool: &'static str,
    /// Exit code; -1 when killed by a signal.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    /// Peak resident memory in KiB (the child's `VmHWM`, sampled while it ran; 0 where
    /// `/proc` has none).
    pub peak_rss_kb: u64,
}

impl Output {
    /// Panics with both streams unless the exit code is `code`.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "{} exit code\n{}", self.tool, self.dump());
        self
    }

    /// Panics unless stdout contains `needle`.
    pub fn assert_stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "{} stdout lacks {needle:?}\n{}",
            self.tool,
            self.dump()
        );
        self
    }

    /// Panics unless stderr contains `needle`.
    pub fn assert_stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "{} stderr lacks {needle:?}\n{}",
            self.tool,
            self.dump()
        );
        self
    }

    /// Panics unless stdout has a line equal to `line` (ignoring trailing spaces).
    pub fn assert_stdout_line(&self, line: &str) -> &Self {
        assert!(
            self.stdout.lines().any(|l| l.trim_end() == line.trim_end()),
            "{} stdout has no line {line:?}\n{}",
            self.tool,
            self.dump()
        );
        self
    }

    /// Both streams, for failure messages.
    pub fn dump(&self) -> String {
        format!(
            "--- {} exit {} after {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.tool, self.code, self.elapsed, self.stdout, self.stderr
        )
    }

    /// stderr lines of the logrus form with `msg=` decoded, as (level, msg, whole line).
    pub fn log_lines(&self) -> Vec<LogLine> {
        self.stderr.lines().filter_map(LogLine::parse).collect()
    }

    /// `level msg` of every console (`source=console`) and error-level line, in order: what
    /// a script printed and what failed, to compare between k6 and rk6.
    pub fn console_and_error_lines(&self) -> Vec<String> {
        self.log_lines()
            .into_iter()
            .filter(|l| l.level == "error" || l.raw.contains("source=console"))
            .map(|l| format!("{} {}", l.level, l.msg))
            .collect()
    }

    /// The messages of the error-level log lines, in order.
    pub fn error_messages(&self) -> Vec<String> {
        self.log_lines()
            .into_iter()
            .filter(|l| l.level == "error")
            .map(|l| l.msg)
            .collect()
    }

    pub fn console_messages(&self) -> Vec<String> {
        self.log_lines()
            .into_iter()
            .filter(|l| l.raw.ends_with("source=console"))
            .map(|l| l.msg)
            .collect()
    }

    /// The value column of a text-summary metric line, e.g. `"6      2388.01/s"` for
    /// `http_reqs`. Matches the first line whose name is exactly `name`.
    pub fn summary_value(&self, name: &str) -> Option<String> {
        summary_value(&self.stdout, name)
    }

    /// Metric names that crossed thresholds, from k6's end-of-test error line.
    pub fn crossed_threshold_metrics(&self) -> Option<Vec<String>> {
        let line = self
            .log_lines()
            .into_iter()
            .find(|l| l.msg.starts_with("thresholds on metrics '"))?;
        let rest = &line.msg["thresholds on metrics '".len()..];
        let names = &rest[..rest.find('\'')?];
        Some(names.split(", ").map(str::to_string).collect())
    }
}

/// One logrus-style stderr line: `time="…" level=… msg=… key=value…`.
#[derive(Debug, Clone)]
pub struct LogLine {
    pub level: String,
    pub msg: String,
    pub raw: String,
}

impl LogLine {
    fn parse(line: &str) -> Option<LogLine> {
        let level_at = line.find(" level=")?;
        let rest = &line[level_at + " level=".len()..];
        let level = rest.split(' ').next()?.to_string();
        let msg_at = rest.find(" msg=")?;
        let msg_raw = &rest[msg_at + " msg=".len()..];
        let msg = if let Some(q) = msg_raw.strip_prefix('"') {
            // Go-quoted string: read until the closing unescaped quote.
            let mut out = String::new();
            let mut chars = q.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some('"') => out.push('"'),
                        Some('\\') => out.push('\\'),
                        Some(o) => {
                            out.push('\\');
                            out.push(o);
                        }
                        None => break,
                    },
                    '"' => break,
                    c => out.push(c),
                }
            }
            out
        } else {
            msg_raw.split(' ').next().unwrap_or("").to_string()
        };
        Some(LogLine {
            level,
            msg,
            raw: line.to_string(),
        })
    }
}

/// See [`Output::summary_value`].
pub fn summary_value(stdout: &str, name: &str) -> Option<String> {
    stdout.lines().find_map(|l| {
        let t = l.trim_start();
        let after = t.strip_prefix(name)?;
        if !after.starts_with('.') {
            return None;
        }
        let colon = after.find(": ")?;
        Some(after[colon + 2..].trim_end().to_string())
    })
}
