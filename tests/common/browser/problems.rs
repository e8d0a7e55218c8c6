//! What a page reports as wrong, in words: CDP's console, exception and log events as
//! the one-line texts [`Browser::problems`](super::Browser::problems) returns.

use serde_json::Value;

/// One line for an event that reports something wrong on the page, else `None`.
pub(super) fn describe_problem(method: &str, params: &Value) -> Option<String> {
    match method {
        "Runtime.consoleAPICalled" => {
            let kind = match params["type"].as_str()? {
                "error" => "console.error",
                "warning" => "console.warn",
                "assert" => "console.assert",
                _ => return None,
            };
            let args: Vec<String> = params["args"]
                .as_array()
                .map(|a| a.iter().map(remote_object_text).collect())
                .unwrap_or_default();
            let place = frame_place(&params["stackTrace"]["callFrames"][0]);
            Some(format!("{kind}: {}{place}", args.join(" ")))
        }
        "Runtime.exceptionThrown" => Some(exception_text(&params["exceptionDetails"])),
        "Log.entryAdded" => {
            let entry = &params["entry"];
            let level = entry["level"].as_str()?;
            // The browser guesses `/favicon.ico` for a page that names no icon; that
            // request failing, at a time of its own choosing, is not the page's fault.
            let guessed_icon = entry["source"] == "network"
                && entry["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("/favicon.ico"));
            if (level != "error" && level != "warning") || guessed_icon {
                return None;
            }
            let place = frame_place(entry);
            let source = entry["source"].as_str().unwrap_or("?");
            let text = entry["text"].as_str().unwrap_or("");
            Some(format!("{level} ({source}): {text}{place}"))
        }
        "Inspector.targetCrashed" => Some("the page crashed".into()),
        _ => None,
    }
}

/// An exception as the console shows it (`Uncaught Error: boom`, its first line) and
/// where it was thrown.
pub(super) fn exception_text(details: &Value) -> String {
    let exception = &details["exception"];
    let value = if exception.is_object() {
        remote_object_text(exception)
    } else {
        String::new()
    };
    let message = value.lines().next().unwrap_or("");
    // `text` is `Uncaught`, or sometimes the whole `Uncaught (in promise) Error: …`.
    let text = details["text"].as_str().unwrap_or("");
    let head = if message.is_empty() || text.ends_with(message) {
        text.to_string()
    } else {
        format!("{text} {message}").trim_start().to_string()
    };
    let frame = &details["stackTrace"]["callFrames"][0];
    let place = if frame.is_object() {
        frame_place(frame)
    } else {
        frame_place(details)
    };
    format!("{head}{place}")
}

/// ` (url:line:column)`, 1-based, from CDP's 0-based `url`/`lineNumber`/`columnNumber`.
fn frame_place(frame: &Value) -> String {
    let url = frame["url"].as_str().unwrap_or("");
    if url.is_empty() {
        return String::new();
    }
    let mut place = format!(" ({url}");
    for key in ["lineNumber", "columnNumber"] {
        if let Some(n) = frame[key].as_u64() {
            place.push_str(&format!(":{}", n + 1));
        }
    }
    place.push(')');
    place
}

/// A console argument as the console shows it: strings bare, other values as JSON.
fn remote_object_text(obj: &Value) -> String {
    match obj.get("value") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => obj["unserializableValue"]
            .as_str()
            .or_else(|| obj["description"].as_str())
            .or_else(|| obj["type"].as_str())
            .unwrap_or("?")
            .to_string(),
    }
}
