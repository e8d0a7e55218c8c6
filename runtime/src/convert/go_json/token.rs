//! Why `JSON.parse` refuses a text, worded as k6's does. k6's `JSON.parse` (sobek's)
//! reads the text with Go's `json.Decoder`, one `Token()` at a time: delimiters are
//! checked against the token state (`invalid character ',' after array element`), each
//! scalar is read by the scanner as a value of its own (`unexpected EOF` when the text
//! ends inside it), a number out of float64's range fails as `Unmarshal` fails, the end
//! of the text at a token boundary is `Unexpected end of JSON input (EOF)`, and anything
//! after the value is `Unexpected token at the end: <the next token>`.

use super::scanner::{is_space, quote_char, Op, Scanner};
use super::strings::unquote;

/// Where the decoder is between tokens (Go's `token*` states).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenState {
    TopValue,
    ArrayStart,
    ArrayValue,
    ArrayComma,
    ObjectStart,
    ObjectKey,
    ObjectColon,
    ObjectValue,
    ObjectComma,
}

/// A token, printed as Go's `%v` prints it.
enum Token {
    Delim(u8),
    Number(f64),
    Str(String),
    Bool(bool),
    Null,
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Token::Delim(c) => write!(f, "{}", char::from(*c)),
            Token::Number(n) => f.write_str(&go_float(*n)),
            Token::Str(s) => f.write_str(s),
            Token::Bool(b) => write!(f, "{b}"),
            Token::Null => f.write_str("<nil>"),
        }
    }
}

/// Why `Token()` gave no token.
enum Stop {
    /// `io.EOF`: the text ended where a token could start.
    Eof,
    /// Any other error, as Go words it.
    Fail(String),
}

/// Go's `Decoder` over a complete text, with the token state machine.
struct Decoder<'t> {
    text: &'t [u8],
    pos: usize,
    state: TokenState,
    stack: Vec<TokenState>,
    scanner: Scanner,
}

/// The message of k6's `JSON.parse` `SyntaxError` for `text`, or `None` when Go reads
/// `text` as one JSON value.
pub(super) fn json_parse_message(text: &[u8]) -> Option<String> {
    let mut d = Decoder {
        text,
        pos: 0,
        state: TokenState::TopValue,
        stack: Vec::new(),
        // Only scalars go through the scanner: the token states track the nesting.
        scanner: Scanner::new(usize::MAX),
    };
    let mut depth = 0usize;
    loop {
        match d.token() {
            Err(Stop::Eof) => return Some("Unexpected end of JSON input (EOF)".into()),
            Err(Stop::Fail(msg)) => return Some(msg),
            Ok(Token::Delim(b'[' | b'{')) => depth += 1,
            Ok(Token::Delim(_)) => depth -= 1,
            Ok(_) => {}
        }
        if depth == 0 {
            break;
        }
    }
    match d.token() {
        Err(Stop::Eof) => None,
        Ok(token) => Some(format!("Unexpected token at the end: {token}")),
        Err(Stop::Fail(_)) => Some("Unexpected token at the end: <nil>".into()),
    }
}

impl Decoder<'_> {
    /// Go's `Decoder.Token`.
    fn token(&mut self) -> Result<Token, Stop> {
        use TokenState as S;
        loop {
            let c = self.peek().ok_or(Stop::Eof)?;
            match c {
                b'[' | b'{' => {
                    if !self.value_allowed() {
                        return Err(self.unexpected(c));
                    }
                    self.pos += 1;
                    self.stack.push(self.state);
                    self.state = if c == b'[' {
                        S::ArrayStart
                    } else {
                        S::ObjectStart
                    };
                    return Ok(Token::Delim(c));
                }
                b']' | b'}' => {
                    let open = match c {
                        b']' => [S::ArrayStart, S::ArrayComma],
                        _ => [S::ObjectStart, S::ObjectComma],
                    };
                    if !open.contains(&self.state) {
                        return Err(self.unexpected(c));
                    }
                    self.pos += 1;
                    self.state = self.stack.pop().unwrap_or(S::TopValue);
                    self.value_end();
                    return Ok(Token::Delim(c));
                }
                b':' if self.state == S::ObjectColon => {
                    self.pos += 1;
                    self.state = S::ObjectValue;
                }
                b',' if self.state == S::ArrayComma => {
                    self.pos += 1;
                    self.state = S::ArrayValue;
                }
                b',' if self.state == S::ObjectComma => {
                    self.pos += 1;
                    self.state = S::ObjectKey;
                }
                b':' | b',' => return Err(self.unexpected(c)),
                b'"' if matches!(self.state, S::ObjectStart | S::ObjectKey) => {
                    let key = self.scalar()?;
                    self.state = S::ObjectColon;
                    return Ok(key);
                }
                _ => {
                    if !self.value_allowed() {
                        return Err(self.unexpected(c));
                    }
                    let value = self.scalar()?;
                    self.value_end();
                    return Ok(value);
                }
            }
        }
    }

    /// The next byte that is not whitespace, now at `pos`.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&c) = self.text.get(self.pos) {
            if !is_space(c) {
                return Some(c);
            }
            self.pos += 1;
        }
        None
    }

    fn value_allowed(&self) -> bool {
        use TokenState as S;
        matches!(
            self.state,
            S::TopValue | S::ArrayStart | S::ArrayValue | S::ObjectValue
        )
    }

    fn value_end(&mut self) {
        use TokenState as S;
        self.state = match self.state {
            S::ArrayStart | S::ArrayValue => S::ArrayComma,
            S::ObjectValue => S::ObjectComma,
            other => other,
        };
    }

    /// Go's `tokenError`: `c` is not allowed here. The state after `{` adds no context.
    fn unexpected(&self, c: u8) -> Stop {
        use TokenState as S;
        let context = match self.state {
            S::TopValue | S::ArrayStart | S::ArrayValue | S::ObjectValue => {
                " looking for beginning of value"
            }
            S::ArrayComma => " after array element",
            S::ObjectKey => " looking for beginning of object key string",
            S::ObjectColon => " after object key",
            S::ObjectComma => " after object key:value pair",
            S::ObjectStart => "",
        };
        Stop::Fail(format!("invalid character {}{context}", quote_char(c)))
    }

    /// A string, number or literal read as `Decode` reads a value (Go's `readValue`):
    /// scanned as a top-level value of its own, ended by the first byte that cannot
    /// continue it.
    fn scalar(&mut self) -> Result<Token, Stop> {
        self.scanner.reset();
        let start = self.pos;
        let mut end = None;
        for (i, &c) in self.text.iter().enumerate().skip(start) {
            match self.scanner.feed(c) {
                Op::End => {
                    end = Some(i);
                    break;
                }
                Op::Error => return Err(self.scan_error()),
                _ => {}
            }
        }
        let end = match end {
            Some(end) => end,
            None if self.scanner.step(b' ') == Op::End => self.text.len(),
            None => return Err(Stop::Fail("unexpected EOF".into())),
        };
        self.pos = end;
        literal(&self.text[start..end])
    }

    fn scan_error(&self) -> Stop {
        let msg = self.scanner.error().map(|e| e.msg.clone());
        Stop::Fail(msg.unwrap_or_else(|| "invalid JSON".into()))
    }
}

/// The token of a scalar literal the scanner took.
fn literal(lit: &[u8]) -> Result<Token, Stop> {
    Ok(match lit.first() {
        Some(b'"') => Token::Str(unquote(lit)),
        Some(b't') => Token::Bool(true),
        Some(b'f') => Token::Bool(false),
        Some(b'n') => Token::Null,
        _ => Token::Number(number(lit).map_err(Stop::Fail)?),
    })
}

/// A number literal as a float64, or Go's error for one out of its range (underflow is
/// not an error: it gives zero).
pub(super) fn number(lit: &[u8]) -> Result<f64, String> {
    let text = String::from_utf8_lossy(lit);
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err(format!(
            "json: cannot unmarshal number {text} into Go value of type float64"
        )),
    }
}

/// `n` as Go's `%v` prints a float64: the shortest digits that read back as `n`, in
/// exponent form when the decimal exponent is below -4 or at least 6 (`1e+06`).
fn go_float(n: f64) -> String {
    let sci = format!("{n:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{exp_sign}{:02}", exp.abs());
    }
    // Digits before the decimal point: 1 to 6, or none (then 1 to 4 zeros after it).
    let point = exp + 1;
    let body = if point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(text: &str) -> String {
        json_parse_message(text.as_bytes()).unwrap_or_else(|| "(valid)".into())
    }

    #[test]
    fn valid_texts_have_no_message() {
        for t in [
            "1",
            " [1, {\"a\": [true, null]}, \"x\"] ",
            "{}",
            "-0.5e3",
            "\"\\ud800\"",
        ] {
            assert_eq!(msg(t), "(valid)", "{t}");
        }
    }

    #[test]
    fn the_end_of_the_text_is_eof_between_tokens_and_unexpected_inside_one() {
        for t in ["", " ", "{", "[", "{\"a\"", "{\"a\":", "[1,"] {
            assert_eq!(msg(t), "Unexpected end of JSON input (EOF)", "{t}");
        }
        for t in ["nul", "\"abc", "1.", "1e", "-", "\"\\"] {
            assert_eq!(msg(t), "unexpected EOF", "{t}");
        }
    }

    #[test]
    fn misplaced_characters_name_the_decoder_state() {
        assert_eq!(
            msg("{\"a\":}"),
            "invalid character '}' looking for beginning of value"
        );
        assert_eq!(msg("[1 2]"), "invalid character '2' after array element");
        assert_eq!(msg("{,}"), "invalid character ','");
        assert_eq!(msg("{a:1}"), "invalid character 'a'");
        assert_eq!(
            msg("{\"a\":1,}"),
            "invalid character '}' looking for beginning of object key string"
        );
        assert_eq!(msg("{\"a\" 1}"), "invalid character '1' after object key");
        assert_eq!(
            msg("{\"a\":1 \"b\":2}"),
            "invalid character '\"' after object key:value pair"
        );
        assert_eq!(
            msg("[1.]"),
            "invalid character ']' after decimal point in numeric literal"
        );
        assert_eq!(
            msg("\u{a0}1"),
            "invalid character 'Â' looking for beginning of value"
        );
    }

    #[test]
    fn trailing_input_names_the_next_token() {
        assert_eq!(msg("1 2"), "Unexpected token at the end: 2");
        assert_eq!(msg("01"), "Unexpected token at the end: 1");
        assert_eq!(msg("{\"a\":1} {\"b\":2}"), "Unexpected token at the end: {");
        assert_eq!(
            msg("1 1234567"),
            "Unexpected token at the end: 1.234567e+06"
        );
        assert_eq!(msg("1 0.00001"), "Unexpected token at the end: 1e-05");
        assert_eq!(
            msg("1 \"b\\u00e9\\ud800x\""),
            "Unexpected token at the end: bé\u{fffd}x"
        );
        for t in ["{\"a\":1}x", "0x10", "nulll", "[1]]", "1 null", "1 1e400"] {
            assert_eq!(msg(t), "Unexpected token at the end: <nil>", "{t}");
        }
    }

    #[test]
    fn numbers_out_of_range_fail_as_unmarshal_does() {
        assert_eq!(
            msg("[1, 1.7976931348623159e308]"),
            "json: cannot unmarshal number 1.7976931348623159e308 into Go value of type float64"
        );
        assert_eq!(msg("1e-400"), "(valid)");
    }

    #[test]
    fn floats_print_as_go_prints_them() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (2.0, "2"),
            (123456.0, "123456"),
            (1e21, "1e+21"),
            (0.0001, "0.0001"),
            (1.5e-7, "1.5e-07"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (-12.25, "-12.25"),
        ];
        for (n, text) in cases {
            assert_eq!(go_float(n), text);
        }
    }
}
