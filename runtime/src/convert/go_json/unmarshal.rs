//! Why `res.json()` refuses a body, worded as k6 v1.1's does. k6 decodes the body with
//! Go's `json.Unmarshal`, which first checks the whole body with the scanner (nesting
//! limited to 10,000 arrays and objects) and only then converts values, so a syntax error
//! anywhere wins over a number out of float64's range. A syntax error gets k6's prefix
//! with the line and character its `checkErrorInJSON` counts from Go's offset.

use super::scanner::{Op, Scanner, SyntaxError};
use super::token::number;

/// Go's `maxNestingDepth`: arrays and objects nested deeper fail `Unmarshal`.
pub const MAX_NESTING_DEPTH: usize = 10_000;

/// The message of k6's `res.json()` error for `body`, or `None` when `Unmarshal` takes it.
pub(super) fn res_json_message(body: &[u8]) -> Option<String> {
    let mut scanner = Scanner::new(MAX_NESTING_DEPTH);
    let mut number_start = None;
    let mut out_of_range = None;
    for (i, &c) in body.iter().enumerate() {
        let op = scanner.feed(c);
        if op == Op::Error {
            return Some(syntax(body, scanner.error()));
        }
        // A literal ends at the first result that does not continue it.
        if op != Op::Continue {
            if let Some(start) = number_start.take() {
                out_of_range = out_of_range.or_else(|| number(&body[start..i]).err());
            }
        }
        if op == Op::BeginLiteral && (c == b'-' || c.is_ascii_digit()) {
            number_start = Some(i);
        }
    }
    if scanner.eof() == Op::Error {
        return Some(syntax(body, scanner.error()));
    }
    if let Some(start) = number_start {
        out_of_range = out_of_range.or_else(|| number(&body[start..]).err());
    }
    out_of_range
}

/// Whether `body` is one JSON value, at any depth (gjson's `ValidBytes`, which k6 checks
/// before it applies a selector).
pub fn valid(body: &[u8]) -> bool {
    let mut scanner = Scanner::new(usize::MAX);
    body.iter().all(|&c| scanner.feed(c) != Op::Error) && scanner.eof() != Op::Error
}

fn syntax(body: &[u8], err: Option<&SyntaxError>) -> String {
    let (msg, offset) = match err {
        Some(e) => (e.msg.as_str(), e.offset),
        None => ("invalid JSON", body.len()),
    };
    let (line, character) = position(body, offset);
    format!(
        "cannot parse json due to an error at line {line}, character {character} , error: {msg}"
    )
}

/// k6 v1.1's `checkErrorInJSON`: walks the characters of the body (a byte that is not
/// valid UTF-8 is one character) up to and including the one that starts at byte
/// `offset`, counting lines at each `\n`, which counts as the first character of its line.
/// No character starts at `offset` when it is the end of the body or inside a multibyte
/// character: then it counts to the end.
fn position(body: &[u8], offset: usize) -> (usize, usize) {
    let (mut line, mut character) = (1, 0);
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\n' {
            line += 1;
            character = 0;
        }
        character += 1;
        if i == offset {
            break;
        }
        i += char_width(&body[i..]);
    }
    (line, character)
}

/// The bytes of the character at the start of `bytes` as Go's `range` over a string
/// decodes it: a whole valid UTF-8 sequence, or one byte.
fn char_width(bytes: &[u8]) -> usize {
    let width = match bytes[0] {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return 1,
    };
    match bytes.get(..width).map(std::str::from_utf8) {
        Some(Ok(_)) => width,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(body: &[u8]) -> String {
        res_json_message(body).unwrap_or_else(|| "(valid)".into())
    }

    const PREFIX: &str = "cannot parse json due to an error at ";

    fn at(body: &str) -> String {
        let m = msg(body.as_bytes());
        let rest = m.strip_prefix(PREFIX).unwrap_or(&m);
        rest.split(" , error: ")
            .next()
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn positions_follow_k6_v1_1() {
        assert_eq!(at(""), "line 1, character 0");
        assert_eq!(at(" "), "line 1, character 1");
        assert_eq!(at("\n"), "line 2, character 1");
        assert_eq!(at(".5"), "line 1, character 2");
        assert_eq!(at("{,}"), "line 1, character 3");
        assert_eq!(at("\n\n[1,\n2,,3]"), "line 4, character 5");
        assert_eq!(at("\u{a0}1"), "line 1, character 2");
        assert_eq!(at("\u{feff}{}"), "line 1, character 3");
        assert_eq!(at("{\"é\":1,\"ü\":x}"), "line 1, character 13");
        assert_eq!(at("nul"), "line 1, character 3");
    }

    #[test]
    fn messages_are_unmarshal_s() {
        assert_eq!(
            msg(b"{\"a\":1}x"),
            format!(
                "{PREFIX}line 1, character 8 , error: invalid character 'x' after top-level value"
            )
        );
        assert_eq!(
            msg(b"{a:1}"),
            format!(
                "{PREFIX}line 1, character 3 , error: invalid character 'a' looking for beginning of object key string"
            )
        );
        assert_eq!(
            msg(b"\xff1"),
            format!("{PREFIX}line 1, character 2 , error: invalid character '\u{ff}' looking for beginning of value")
        );
    }

    #[test]
    fn a_syntax_error_anywhere_wins_over_a_number_out_of_range() {
        assert_eq!(
            msg(b"[1e400, 1e500]"),
            "json: cannot unmarshal number 1e400 into Go value of type float64"
        );
        assert_eq!(
            msg(b"{\"a\":-1e400}"),
            "json: cannot unmarshal number -1e400 into Go value of type float64"
        );
        assert_eq!(
            msg(b"1.7976931348623159e308"),
            "json: cannot unmarshal number 1.7976931348623159e308 into Go value of type float64"
        );
        assert!(msg(b"[1e400, x]").starts_with(PREFIX));
        assert_eq!(msg(b"[1e-400, -0, 1.5]"), "(valid)");
    }

    #[test]
    fn validity_has_no_depth_limit() {
        let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
        assert!(valid(deep.as_bytes()));
        assert!(msg(deep.as_bytes()).ends_with("invalid character '[' exceeded max depth"));
        assert!(!valid(b"{\"a\":1"));
        assert!(!valid(b""));
    }
}
