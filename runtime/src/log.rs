//! k6's log lines, in logrus' formats, and where they go.
//!
//! Owns the formatting of lines (`--log-format`: logrus text `time="…" level=… msg=…
//! key=value`, JSON with sorted keys, or the bare message), their destination
//! (`--log-output`: stderr, stdout, none or an appended file with a minimum level), the
//! `--console-output` file that takes `console.*` lines, and the process-wide verbosity
//! switch. Everything that logs (console, request failures, threshold verdicts) goes through
//! [`Logger`].

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Set once at start from the CLI; stderr and logrus text until then.
static SINKS: std::sync::OnceLock<Sinks> = std::sync::OnceLock::new();

/// `--log-format`: k6 ignores names it does not know (text stays).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
    Raw,
}

impl LogFormat {
    pub fn parse(name: &str) -> Self {
        match name {
            "json" => LogFormat::Json,
            "raw" => LogFormat::Raw,
            _ => LogFormat::Text,
        }
    }
}

/// `--log-output`.
#[derive(Debug)]
pub enum LogTarget {
    Stderr,
    Stdout,
    Discard,
    /// Appended, keeping lines at `min` or above.
    File {
        file: std::sync::Mutex<std::fs::File>,
        min: Level,
    },
}

/// A `--log-output` value k6 refuses (exit 255), in k6's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogOutputError {
    #[error("error while parsing logfile configuration key `file` with no value")]
    FileWithoutPath,
    #[error("unknown logfile config key {0}")]
    UnknownKey(String),
    #[error("unknown log level {0}")]
    UnknownLevel(String),
    #[error("provided directory '{0}' does not exist")]
    NoDirectory(String),
    #[error("{0}")]
    Open(String),
    #[error("unsupported log output '{0}'")]
    Unsupported(String),
    #[error("rk6 does not send logs to Loki ('{0}'); use --log-output=file=PATH or stderr")]
    Loki(String),
}

impl LogTarget {
    /// Parses `stderr`, `stdout`, `none` and `file=PATH[,level=L]`.
    pub fn parse(value: &str) -> Result<Self, LogOutputError> {
        match value {
            "stderr" | "" => return Ok(LogTarget::Stderr),
            "stdout" => return Ok(LogTarget::Stdout),
            "none" => return Ok(LogTarget::Discard),
            "file" => return Err(LogOutputError::FileWithoutPath),
            _ => {}
        }
        if value == "loki" || value.starts_with("loki=") {
            return Err(LogOutputError::Loki(value.to_string()));
        }
        let Some(spec) = value.strip_prefix("file=") else {
            return Err(LogOutputError::Unsupported(value.to_string()));
        };
        let mut parts = spec.split(',');
        let path = parts.next().unwrap_or_default();
        let mut min = Level::Debug;
        for kv in parts {
            match kv.split_once('=') {
                Some(("level", l)) => {
                    min = Level::parse(l).ok_or_else(|| LogOutputError::UnknownLevel(l.into()))?
                }
                _ => {
                    let key = kv.split_once('=').map_or(kv, |(k, _)| k);
                    return Err(LogOutputError::UnknownKey(key.to_string()));
                }
            }
        }
        let file = open_append(path).map_err(|e| match e {
            OpenError::NoDirectory(d) => LogOutputError::NoDirectory(d),
            OpenError::Io(m) => LogOutputError::Open(m),
        })?;
        Ok(LogTarget::File {
            file: std::sync::Mutex::new(file),
            min,
        })
    }
}

/// Why a log file could not be opened.
#[derive(Debug)]
pub enum OpenError {
    NoDirectory(String),
    /// Go's wording: `open PATH: no such file or directory`.
    Io(String),
}

/// Opens `path` for appending (k6 never truncates its log files).
pub fn open_append(path: &str) -> Result<std::fs::File, OpenError> {
    let dir = std::path::Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty());
    if let Some(d) = dir.filter(|d| !d.exists()) {
        return Err(OpenError::NoDirectory(d.display().to_string()));
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| OpenError::Io(format!("open {path}: {}", go_io_reason(&e))))
}

/// An I/O error in Go's words, as k6 prints it after `open PATH: `.
pub fn go_io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => e.to_string(),
    }
}

/// Where lines go and how they look.
#[derive(Debug)]
pub struct Sinks {
    pub format: LogFormat,
    pub target: LogTarget,
    /// `--console-output`: `console.*` lines, without `source=console`.
    pub console: Option<std::sync::Mutex<std::fs::File>>,
}

/// Secret values (`k6/secrets`) that must never appear in a log line.
static SECRETS: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());

/// What k6 prints in place of a secret.
pub(crate) const REDACTED: &str = "***SECRET_REDACTED***";

/// Severity, named as logrus prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Info,
    Warning,
    Error,
}

impl Level {
    /// logrus' level names (and `warn`).
    pub(crate) fn parse(name: &str) -> Option<Level> {
        match name {
            "debug" | "trace" => Some(Level::Debug),
            "info" => Some(Level::Info),
            "warning" | "warn" => Some(Level::Warning),
            "error" | "fatal" | "panic" => Some(Level::Error),
            _ => None,
        }
    }

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
    pub(crate) fn add_secret(value: &str) {
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

    /// Sets the format and destinations, once, before anything is logged.
    pub fn configure(sinks: Sinks) {
        let _ = SINKS.set(sinks);
    }

    /// Logs `msg` with extra `key=value` fields after it.
    pub(crate) fn log(level: Level, msg: &str, fields: &[(&str, &str)]) {
        if level == Level::Debug && !VERBOSE.load(Ordering::Relaxed) {
            return;
        }
        let (format, target) = match SINKS.get() {
            Some(s) => (s.format, &s.target),
            None => (LogFormat::Text, &LogTarget::Stderr),
        };
        let on_terminal = match target {
            LogTarget::Stderr => crate::term::stderr_color(),
            LogTarget::Stdout => crate::term::stdout_color(),
            _ => false,
        };
        let line = with_redacted(msg, fields, |msg, fields| {
            if on_terminal && format == LogFormat::Text {
                render_terminal(level, msg, fields)
            } else {
                render(format, SystemTime::now(), level, msg, fields)
            }
        });
        match target {
            LogTarget::Stderr => crate::term::err(&line),
            LogTarget::Stdout => crate::term::out(&line),
            LogTarget::Discard => {}
            LogTarget::File { file, min } if level >= *min => {
                let mut f = file.lock().unwrap_or_else(|p| p.into_inner());
                let _ = f.write_all(line.as_bytes());
            }
            LogTarget::File { .. } => {}
        }
    }

    /// A `console.*` line: to the `--console-output` file when there is one (without the
    /// `source` field, as k6 writes it), else logged like any line.
    pub(crate) fn console(level: Level, msg: &str) {
        let console = SINKS
            .get()
            .and_then(|s| Some((s.format, s.console.as_ref()?)));
        let Some((format, file)) = console else {
            return Self::log(level, msg, &[("source", "console")]);
        };
        if level == Level::Debug && !VERBOSE.load(Ordering::Relaxed) {
            return;
        }
        let line = render(
            format,
            SystemTime::now(),
            level,
            &redact(msg.to_string()),
            &[],
        );
        let mut f = file.lock().unwrap_or_else(|p| p.into_inner());
        let _ = f.write_all(line.as_bytes());
    }

    pub fn warn(msg: &str, fields: &[(&str, &str)]) {
        Self::log(Level::Warning, msg, fields);
    }

    pub fn error(msg: &str, fields: &[(&str, &str)]) {
        Self::log(Level::Error, msg, fields);
    }

    /// A debug line (`-v`); a no-op otherwise.
    pub fn debug(msg: &str, fields: &[(&str, &str)]) {
        Self::log(Level::Debug, msg, fields);
    }

    /// Whether debug lines are shown (to skip building costly ones).
    pub fn verbose() -> bool {
        VERBOSE.load(Ordering::Relaxed)
    }

    pub(crate) fn info(msg: &str, fields: &[(&str, &str)]) {
        Self::log(Level::Info, msg, fields);
    }
}

/// Calls `f` with the message and fields redacted, as k6's hook redacts them (not the level
/// or time the formatter adds); costs nothing while no secret is known.
fn with_redacted<R>(
    msg: &str,
    fields: &[(&str, &str)],
    f: impl FnOnce(&str, &[(&str, &str)]) -> R,
) -> R {
    if SECRETS.read().unwrap_or_else(|p| p.into_inner()).is_empty() {
        return f(msg, fields);
    }
    let owned: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (redact(k.to_string()), redact(v.to_string())))
        .collect();
    let fields: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    f(&redact(msg.to_string()), &fields)
}

/// Replaces every known secret in `line`.
fn redact(mut line: String) -> String {
    let secrets = SECRETS.read().unwrap_or_else(|p| p.into_inner());
    for secret in secrets.iter() {
        if line.contains(secret.as_str()) {
            line = line.replace(secret.as_str(), REDACTED);
        }
    }
    line
}

/// One line in `format`, newline included.
pub(crate) fn render(
    format: LogFormat,
    time: SystemTime,
    level: Level,
    msg: &str,
    fields: &[(&str, &str)],
) -> String {
    match format {
        LogFormat::Text => format_line(time, level, msg, fields),
        LogFormat::Raw => format!("{msg}\n"),
        LogFormat::Json => {
            // logrus' JSONFormatter: one object, keys sorted.
            let mut obj: std::collections::BTreeMap<&str, &str> = fields.iter().copied().collect();
            let time = humantime::format_rfc3339_seconds(time).to_string();
            obj.insert("level", level.as_str());
            obj.insert("msg", msg);
            obj.insert("time", &time);
            let mut line = serde_json::to_string(&obj).unwrap_or_default();
            line.push('\n');
            line
        }
    }
}

/// logrus' coloured terminal line: `INFO[0003] message (padded to 44) key=value`, the
/// level and keys in the level's colour, the seconds counted from the process start.
pub(crate) fn render_terminal(level: Level, msg: &str, fields: &[(&str, &str)]) -> String {
    let (name, color) = match level {
        Level::Debug => ("DEBU", 37),
        Level::Info => ("INFO", 36),
        Level::Warning => ("WARN", 33),
        Level::Error => ("ERRO", 31),
    };
    let secs = crate::term::seconds_since_start();
    let mut line = format!("\x1b[{color}m{name}\x1b[0m[{secs:04}] {msg:<44} ");
    for (k, v) in fields {
        line.push_str(&format!(" \x1b[{color}m{k}\x1b[0m="));
        push_value(&mut line, v);
    }
    line.push('\n');
    line
}

/// One logrus text line, newline included.
pub(crate) fn format_line(
    time: SystemTime,
    level: Level,
    msg: &str,
    fields: &[(&str, &str)],
) -> String {
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
        go_quote_into(out, v);
    } else {
        out.push_str(v);
    }
}

/// Go's `%q` of `s`: double-quoted, with Go's escapes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    go_quote_into(&mut out, s);
    out
}

/// Go's `%q`: double quotes, with `\"`, `\\`, `\n`, `\t`, `\r` and control characters escaped.
pub(crate) fn go_quote_into(out: &mut String, s: &str) {
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
