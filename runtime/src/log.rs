//! k6's log lines on stderr, in logrus' text format.
//!
//! Owns the formatting of `time="…" level=… msg=… key=value` lines (the only log format
//! scripts and CI parsers see from k6) and the process-wide verbosity switch. Everything that
//! logs (console, request failures, threshold verdicts) goes through [`Logger`].

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Secret values (`k6/secrets`) that must never appear in a log line.
static SECRETS: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());

/// What k6 prints in place of a secret.
pub const REDACTED: &str = "***SECRET_REDACTED***";

/// Severity, named as logrus prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Info,
    Warning,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// Writes log lines to stderr; debug lines only when verbose.
#[derive(Debug, Clone, Copy, Default)]
pub struct Logger;

impl Logger {
    /// Redacts `value` from every later log line.
    pub fn add_secret(value: &str) {
        if value.is_empty() {
            return;
        }
        let mut s = SECRETS.write().unwrap_or_else(|p| p.into_inner());
        if !s.iter().any(|v| v == value) {
            s.push(value.to_string());
            // Longest first, so a secret containing another is replaced whole.
            s.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    /// Shows debug lines (`-v/--verbose`).
    pub fn set_verbose(on: bool) {
        VERBOSE.store(on, Ordering::Relaxed);
    }

    /// Logs `msg` with extra `key=value` fields after it.
    pub fn log(level: Level, msg: &str, fields: &[(&str, &str)]) {
        if level == Level::Debug && !VERBOSE.load(Ordering::Relaxed) {
            return;
        }
        let mut line = format_line(SystemTime::now(), level, msg, fields);
        let secrets = SECRETS.read().unwrap_or_else(|p| p.into_inner());
        for secret in secrets.iter() {
            if line.contains(secret.as_str()) {
                line = line.replace(secret.as_str(), REDACTED);
            }
        }
        drop(secrets);
        let stderr = std::io::stderr();
        let mut lock = stderr.lock();
        let _ = lock.write_all(line.as_bytes());
    }

    pub fn warn(msg: &str, fields: &[(&str, &str)]) {
        Self::log(Level::Warning, msg, fields);
    }

    pub fn error(msg: &str, fields: &[(&str, &str)]) {
        Self::log(Level::Error, msg, fields);
    }

    pub fn info(msg: &str, fields: &[(&str, &str)]) {
        Self::log(Level::Info, msg, fields);
    }
}

/// One logrus text line, newline included.
pub fn format_line(time: SystemTime, level: Level, msg: &str, fields: &[(&str, &str)]) -> String {
    let mut line = String::with_capacity(64 + msg.len());
    line.push_str("time=\"");
    line.push_str(&humantime::format_rfc3339_seconds(time).to_string());
    line.push_str("\" level=");
    line.push_str(level.as_str());
    // logrus leaves an empty message out.
    if !msg.is_empty() {
        line.push_str(" msg=");
        push_value(&mut line, msg);
    }
    for (k, v) in fields {
        line.push(' ');
        line.push_str(k);
        line.push('=');
        push_value(&mut line, v);
    }
    line.push('\n');
    line
}

/// logrus quotes a value when any character is outside `[A-Za-z0-9-._/@^+]`.
fn needs_quoting(s: &str) -> bool {
    s.chars().any(|c| {
        !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/' | '@' | '^' | '+'))
    })
}

fn push_value(out: &mut String, v: &str) {
    if needs_quoting(v) {
        go_quote(out, v);
    } else {
        out.push_str(v);
    }
}

/// Go's `%q`: double quotes, with `\"`, `\\`, `\n`, `\t`, `\r` and control characters escaped.
fn go_quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn formats_like_logrus() {
        let t = UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        let line = format_line(
            t,
            Level::Info,
            "log 1 {\"a\":[1,2]}",
            &[("source", "console")],
        );
        assert_eq!(
            line,
            "time=\"2026-11-18T11:06:40Z\" level=info msg=\"log 1 {\\\"a\\\":[1,2]}\" source=console\n"
        );
        let plain = format_line(t, Level::Warning, "warn", &[("source", "console")]);
        assert!(plain.contains("level=warning msg=warn source=console"));
    }

    #[test]
    fn multiline_messages_are_escaped() {
        let line = format_line(SystemTime::now(), Level::Error, "Error: x\n\tat a", &[]);
        assert!(line.contains("msg=\"Error: x\\n\\tat a\""));
    }
}
