//! JSON string literals as Go's `unquote` reads them: a `\u` escape of a surrogate that
//! is not the first half of a pair followed by `\u` of its second half becomes U+FFFD.
//! jiter refuses such escapes, so a text that has them is rewritten before it is parsed
//! again; [`unquote`] decodes one literal for the messages that quote a string token.

/// `text` with every lone surrogate escape replaced by `\ufffd`, or `None` when it has
/// none. The escapes have the same length, so every other byte keeps its position.
pub(super) fn replace_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut lone = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (false, b'"') => in_string = true,
            (false, _) => {}
            (true, b'"') => in_string = false,
            (true, b'\\') => {
                let (len, is_lone) = escape(bytes, i);
                if is_lone {
                    lone.push(i);
                }
                i += len;
                continue;
            }
            (true, _) => {}
        }
        i += 1;
    }
    if lone.is_empty() {
        return None;
    }
    let mut out = text.as_bytes().to_vec();
    for at in lone {
        out[at..at + 6].copy_from_slice(b"\\ufffd");
    }
    // Only ASCII escapes were rewritten with ASCII.
    String::from_utf8(out).ok()
}

/// The escape at `bytes[at]` (a backslash): how many bytes it takes, and whether it is a
/// lone surrogate (always 6 bytes long). A surrogate pair takes 12 bytes.
fn escape(bytes: &[u8], at: usize) -> (usize, bool) {
    let Some(unit) = hex4(bytes, at) else {
        return (2, false);
    };
    if !is_surrogate(unit) {
        return (6, false);
    }
    match hex4(bytes, at + 6) {
        Some(low) if pairs(unit, low) => (12, false),
        _ => (6, true),
    }
}

/// The code unit of a `\uXXXX` escape at `bytes[at]` (Go's `getu4`).
fn hex4(bytes: &[u8], at: usize) -> Option<u16> {
    let esc = bytes.get(at..at + 6)?;
    if esc[0] != b'\\' || esc[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&esc[2..]).ok()?;
    if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(hex, 16).ok()
}

fn is_surrogate(unit: u16) -> bool {
    (0xd800..0xe000).contains(&unit)
}

fn pairs(high: u16, low: u16) -> bool {
    (0xd800..0xdc00).contains(&high) && (0xdc00..0xe000).contains(&low)
}

/// The value of the string literal `lit` (quotes included), as Go's `unquote` gives it:
/// lone surrogates and invalid UTF-8 become U+FFFD. Expects a literal the scanner took.
pub(super) fn unquote(lit: &[u8]) -> String {
    let body = lit
        .strip_prefix(b"\"")
        .and_then(|b| b.strip_suffix(b"\""))
        .unwrap_or(lit);
    let mut units: Vec<u16> = Vec::new();
    let mut out = String::new();
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            let end = body[i..]
                .iter()
                .position(|&c| c == b'\\')
                .map_or(body.len(), |p| i + p);
            out.push_str(&String::from_utf8_lossy(&body[i..end]));
            i = end;
            continue;
        }
        match hex4(body, i) {
            Some(unit) => {
                units.clear();
                units.push(unit);
                let (len, _) = escape(body, i);
                if len == 12 {
                    units.extend(hex4(body, i + 6));
                }
                out.push_str(&String::from_utf16_lossy(&units));
                i += len;
            }
            None => {
                out.push(simple_escape(body.get(i + 1).copied().unwrap_or(b'\\')));
                i += 2;
            }
        }
    }
    out
}

/// The character of a one-letter escape.
fn simple_escape(c: u8) -> char {
    match c {
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        other => char::from(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogate_escapes_become_replacement_escapes() {
        let fixed = |t: &str| replace_lone_surrogates(t).unwrap_or_else(|| "(none)".into());
        assert_eq!(fixed(r#""\ud800""#), r#""\ufffd""#);
        assert_eq!(fixed(r#""\udc00x""#), r#""\ufffdx""#);
        assert_eq!(fixed(r#""\udc00\ud800""#), r#""\ufffd\ufffd""#);
        assert_eq!(fixed(r#""\ud800\ud83d\ude00""#), r#""\ufffd\ud83d\ude00""#);
        assert_eq!(
            fixed(r#"{"\ud800":1,"\udfff":2}"#),
            r#"{"\ufffd":1,"\ufffd":2}"#
        );
        assert_eq!(fixed(r#"["\\ud800", "\ud83d\ude00"]"#), "(none)");
        assert_eq!(fixed(r#""é\uD800\n""#), r#""é\ufffd\n""#);
    }

    #[test]
    fn literals_unquote_as_go_unquotes_them() {
        assert_eq!(unquote(br#""a\"\\\/\b\f\n\r\t""#), "a\"\\/\u{8}\u{c}\n\r\t");
        assert_eq!(unquote(br#""b\u00e9\ud800x""#), "bé\u{fffd}x");
        assert_eq!(unquote(br#""\ud83d\ude00\udc00""#), "😀\u{fffd}");
        assert_eq!(unquote(b"\"\xff\""), "\u{fffd}");
    }
}
