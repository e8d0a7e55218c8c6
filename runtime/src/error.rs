//! Errors of the JS world: script exceptions with their location, init failures, and the
//! conversion from Boa's errors to messages that look like k6's.

use boa_engine::{Context, JsError, JsValue};

/// A JavaScript exception, rendered the way k6 prints it (`Error: msg\n\tat fn (file:///x.js:3:5)`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text}")]
pub struct ScriptError {
    /// Message with the stack, as k6 logs it.
    pub text: String,
}

/// Why a VU could not be initialised (the script could not be loaded or its init code threw).
#[derive(Debug, Clone, thiserror::Error)]
pub enum InitError {
    #[error("{0}")]
    Script(#[from] ScriptError),
    /// The script file cannot be read; `reason` is the OS error (k6 does not show it).
    #[error("{}", missing_module(path))]
    MissingFile { path: String, reason: String },
    /// The `options` export holds what JSON cannot (k6 exits 255 too).
    #[error("{0}")]
    Options(String),
    /// A promise the init code rejected was never handled (k6 exits 255, no hint); the
    /// text is k6's `Uncaught (in promise) …`, wrapped like other load failures.
    #[error("{0}")]
    Rejected(String),
    #[error("could not start the VU thread: {0}")]
    Thread(String),
    /// `exec.test.abort()` ran in the init context (k6 exits 108); `text` is k6's, with
    /// [`load_failure`]'s words when it happened while the script was first loaded.
    #[error("{text}")]
    Aborted { text: String },
}

/// k6's message for an import, `require` or script path that names no readable file.
pub fn missing_module(specifier: &str) -> String {
    format!(
        "The moduleSpecifier \"{specifier}\" couldn't be found on local disk. Make sure that you've specified the right path to the file. If you're running k6 using the Docker image make sure you have mounted the local directory (-v /local/path/:/inside/docker/path) containing your script and modules so that they're accessible by k6 from inside of the container, see https://grafana.com/docs/k6/latest/using-k6/modules/#use-modules-with-docker."
    )
}

/// k6's words for a failure while the script is first loaded: `could not initialize
/// '<script as given>': could not load JS test 'file:///<absolute path>': <why>`.
pub fn load_failure(script: &str, abs: &std::path::Path, why: &str) -> String {
    format!(
        "could not initialize '{script}': could not load JS test '{}': {why}",
        file_url(abs)
    )
}

/// A path as a user would have typed it: relative to the working directory when inside it.
pub(crate) fn shown_path(path: &std::path::Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
        .unwrap_or_else(|| path.display().to_string())
}

/// Turns a path into k6's `file:///abs/path` form.
pub(crate) fn file_url(path: &std::path::Path) -> String {
    let s = path.to_string_lossy();
    if s.starts_with('/') {
        format!("file://{s}")
    } else {
        format!("file:///{s}")
    }
}

impl ScriptError {
    /// Renders a Boa error with message and stack.
    pub(crate) fn from_js(err: JsError, context: &mut Context) -> Self {
        let text = err.to_string();
        if is_stack_overflow(&err) {
            let frames = text.lines().skip_while(|l| !l.starts_with("    at "));
            return ScriptError {
                text: truncate_frames(&with_frames(STACK_OVERFLOW.to_string(), frames), MAX_FRAMES),
            };
        }
        match err.into_opaque(context) {
            // A thrown primitive has no `stack` property: its frames are the error's
            // backtrace, which Boa appends to the error's display (`\n    at …`).
            Ok(value) if !value.is_object() => {
                let message = value
                    .to_string(context)
                    .map(|s| s.to_std_string_escaped())
                    .unwrap_or_else(|_| "unknown error".to_string());
                let frames = text.lines().skip_while(|l| !l.starts_with("    at "));
                ScriptError {
                    text: truncate_frames(&with_frames(message, frames), MAX_FRAMES),
                }
            }
            Ok(value) => Self::from_value(&value, context),
            // Engine errors (runtime limits) have no JS value: keep Boa's message, whose
            // stack can be hundreds of identical frames for runaway recursion.
            Err(_) => ScriptError {
                text: truncate_frames(&text, MAX_FRAMES),
            },
        }
    }

    /// Renders a thrown JS value (an `Error` object or anything else).
    pub(crate) fn from_value(value: &JsValue, context: &mut Context) -> Self {
        let Some(obj) = value.as_object() else {
            let text = value
                .to_string(context)
                .map(|s| s.to_std_string_escaped())
                .unwrap_or_else(|_| "unknown error".to_string());
            return ScriptError { text };
        };
        let summary = obj
            .get(boa_engine::js_string!("toString"), context)
            .ok()
            .and_then(|f| f.as_callable().map(|f| f.call(value, &[], context)))
            .and_then(Result::ok)
            .and_then(|v| v.to_string(context).ok())
            .map(|s| s.to_std_string_escaped())
            .unwrap_or_else(|| "Error".to_string());
        let stack = obj
            .get(boa_engine::js_string!("stack"), context)
            .ok()
            .filter(|v| v.is_string())
            .and_then(|v| v.to_string(context).ok())
            .map(|s| s.to_std_string_escaped())
            .unwrap_or_default();
        let text = with_frames(summary, stack.lines());
        ScriptError {
            text: truncate_frames(&text, MAX_FRAMES),
        }
    }

    /// Renders a parse error for `path`, keeping Boa's `line L, col C` as `file:L:C`.
    pub(crate) fn syntax(path: &std::path::Path, err: JsError, context: &mut Context) -> Self {
        ScriptError {
            text: format!("SyntaxError: {}", Self::syntax_message(path, err, context)),
        }
    }

    /// `file:///x.js:L:C: <parser message>`, for wrapping into a JS `SyntaxError`.
    pub(crate) fn syntax_message(
        path: &std::path::Path,
        err: JsError,
        context: &mut Context,
    ) -> String {
        let raw = err
            .try_native(context)
            .map(|n| n.message().to_string())
            .unwrap_or_else(|_| err.to_string());
        if raw.starts_with("file://") {
            return raw;
        }
        let (line, raw_col) = parse_line_col(&raw).unwrap_or((1, 1));
        let col = crate::source_map::unwrapped(path, line, raw_col);
        let raw = if col == raw_col {
            raw
        } else {
            raw.replace(
                &format!("line {line}, col {raw_col}"),
                &format!("line {line}, col {col}"),
            )
        };
        format!("{}:{line}:{col}: {raw}", file_url(path))
    }
}

/// How runaway recursion reads: goja's words, since k6 itself never stops it (it grows
/// until memory runs out) and users know this message from every JS engine.
pub(crate) const STACK_OVERFLOW: &str = "RangeError: Maximum call stack size exceeded";

/// Boa stops runaway recursion with an engine error (its call-depth or stack-size limit).
fn is_stack_overflow(err: &JsError) -> bool {
    use boa_engine::error::{EngineError, RuntimeLimitError};
    matches!(
        err.as_engine(),
        Some(EngineError::RuntimeLimit(
            RuntimeLimitError::Recursion | RuntimeLimitError::StackSize
        ))
    )
}

/// `message` followed by the script frames among `stack`'s lines, in k6's form: one
/// `\n\tat …` per frame (native frames left out, top-level code as a bare location), and a
/// final newline when there was any.
fn with_frames<'a>(message: String, stack: impl Iterator<Item = &'a str>) -> String {
    let mut text = message;
    let mut frames = 0;
    for line in stack {
        let line = line.trim_start();
        // Native frames carry no script position; k6 shows script frames only.
        if line.is_empty() || line.ends_with("(native)") {
            continue;
        }
        let line = line.replace("(/", "(file:///");
        // Top-level code: k6 prints the bare location.
        let line = match line.strip_prefix("at <main> (") {
            Some(rest) => format!("at {}", rest.trim_end_matches(')')),
            None => line,
        };
        text.push_str("\n\t");
        text.push_str(&crate::source_map::remap_frame(&line));
        frames += 1;
    }
    if frames > 0 {
        text.push('\n');
    }
    text
}

/// Stack frames shown before the rest is summarised.
const MAX_FRAMES: usize = 30;

/// Keeps the first `max` `at …` lines of a rendered error and counts the rest.
fn truncate_frames(text: &str, max: usize) -> String {
    let mut out = Vec::new();
    let mut frames = 0;
    for line in text.lines() {
        if line.trim_start().starts_with("at ") {
            frames += 1;
            if frames > max {
                continue;
            }
        }
        out.push(line);
    }
    let mut cut = out.join("\n");
    if frames > max {
        cut.push_str(&format!("\n\t... {} more frames", frames - max));
    }
    if text.ends_with('\n') {
        cut.push('\n');
    }
    cut
}

/// Finds `line L, col C` in a Boa parser message.
fn parse_line_col(msg: &str) -> Option<(u32, u32)> {
    let at = msg.rfind("line ")?;
    let rest = &msg[at + 5..];
    let comma = rest.find(',')?;
    let line = rest[..comma].trim().parse().ok()?;
    let col_at = rest.find("col ")?;
    let col: String = rest[col_at + 4..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    Some((line, col.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_line_and_column_in_parser_messages() {
        assert_eq!(
            parse_line_col("unexpected token 'x' at line 3, col 5"),
            Some((3, 5))
        );
        assert_eq!(parse_line_col("no position"), None);
    }

    #[test]
    fn long_stacks_are_cut_to_the_first_frames() {
        let text = format!(
            "RangeError: too deep\n{}",
            "    at f (x.js:1:1)\n".repeat(40)
        );
        let cut = truncate_frames(&text, 30);
        assert_eq!(cut.matches("at f").count(), 30);
        assert!(cut.trim_end().ends_with("... 10 more frames"));
        assert_eq!(
            truncate_frames("Error: x\n\tat a (y.js:1:1)", 30),
            "Error: x\n\tat a (y.js:1:1)"
        );
    }

    #[test]
    fn file_urls_are_absolute() {
        assert_eq!(
            file_url(std::path::Path::new("/tmp/a.js")),
            "file:///tmp/a.js"
        );
    }
}
