//! Go's `encoding/json` scanner: the byte-at-a-time state machine behind `json.Valid`,
//! `json.Unmarshal`'s up-front check and `Decoder`'s reading of one value. Its states,
//! its transitions and the wording of its errors (`invalid character 'x' looking for
//! beginning of value`) are Go's, so that rk6 fails on the same byte with the same text.

/// What stepping one byte told the caller (Go's `scan*` opcodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    /// An uninteresting byte.
    Continue,
    /// The first byte of a string, number or literal; the literal ends at the next
    /// result that is not [`Op::Continue`].
    BeginLiteral,
    BeginObject,
    ObjectKey,
    ObjectValue,
    EndObject,
    BeginArray,
    ArrayValue,
    EndArray,
    SkipSpace,
    /// The top-level value ended before this byte.
    End,
    Error,
}

/// A syntax error: Go's message and `Offset` (the bytes read, the offending one included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub msg: String,
    pub offset: usize,
}

/// Where the scanner is; one variant per state function of Go's scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    BeginValueOrEmpty,
    BeginValue,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    /// After `\u` and this many hex digits.
    InStringEscU(u8),
    Neg,
    /// In the integer part after a non-zero digit (Go's `state1`).
    Digits,
    /// After a leading `0` (Go's `state0`), or after the integer part.
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside `true`, `false` or `null`, expecting `word[at]`.
    Literal {
        word: &'static str,
        at: usize,
    },
    Error,
}

/// What a container being scanned expects (Go's `parse*` states).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// Go's `scanner`, with its nesting limit as a field (`Unmarshal` has 10,000, gjson's
/// validity check none).
pub(super) struct Scanner {
    state: State,
    stack: Vec<Parse>,
    end_top: bool,
    err: Option<SyntaxError>,
    /// Bytes fed so far.
    bytes: usize,
    max_depth: usize,
}

impl Scanner {
    pub(super) fn new(max_depth: usize) -> Self {
        Scanner {
            state: State::BeginValue,
            stack: Vec::new(),
            end_top: false,
            err: None,
            bytes: 0,
            max_depth,
        }
    }

    /// Starts a new top-level value (Go's `reset`, which keeps the byte count).
    pub(super) fn reset(&mut self) {
        self.state = State::BeginValue;
        self.stack.clear();
        self.end_top = false;
        self.err = None;
    }

    /// The error recorded, if any.
    pub(super) fn error(&self) -> Option<&SyntaxError> {
        self.err.as_ref()
    }

    /// Counts `c` as read and steps it, as `checkValid` and `Decoder.readValue` do.
    pub(super) fn feed(&mut self, c: u8) -> Op {
        self.bytes += 1;
        self.step(c)
    }

    /// Tells the scanner the input ended (Go's `eof`): a space is stepped so that a number
    /// can end, and a value still open is `unexpected end of JSON input`.
    pub(super) fn eof(&mut self) -> Op {
        if self.err.is_some() {
            return Op::Error;
        }
        if self.end_top {
            return Op::End;
        }
        self.step(b' ');
        if self.end_top {
            return Op::End;
        }
        if self.err.is_none() {
            self.err = Some(SyntaxError {
                msg: "unexpected end of JSON input".into(),
                offset: self.bytes,
            });
        }
        Op::Error
    }

    /// Steps one byte without counting it (Go's `scan.step`).
    pub(super) fn step(&mut self, c: u8) -> Op {
        match self.state {
            State::BeginValueOrEmpty => self.begin_value_or_empty(c),
            State::BeginValue => self.begin_value(c),
            State::BeginStringOrEmpty => self.begin_string_or_empty(c),
            State::BeginString => self.begin_string(c),
            State::EndValue => self.end_value(c),
            State::EndTop => self.end_top(c),
            State::InString => self.in_string(c),
            State::InStringEsc => self.in_string_esc(c),
            State::InStringEscU(n) => self.in_string_esc_u(c, n),
            State::Neg => self.neg(c),
            State::Digits => self.digits(c),
            State::Zero => self.zero(c),
            State::Dot => self.dot(c),
            State::Dot0 => self.dot0(c),
            State::E => self.e(c),
            State::ESign => self.e_sign(c),
            State::E0 => self.e0(c),
            State::Literal { word, at } => self.literal(c, word, at),
            State::Error => Op::Error,
        }
    }

    fn fail(&mut self, c: u8, context: &str) -> Op {
        self.state = State::Error;
        self.err = Some(SyntaxError {
            msg: format!("invalid character {} {context}", quote_char(c)),
            offset: self.bytes,
        });
        Op::Error
    }

    fn push(&mut self, c: u8, p: Parse, ok: Op) -> Op {
        self.stack.push(p);
        if self.stack.len() <= self.max_depth {
            ok
        } else {
            self.fail(c, "exceeded max depth")
        }
    }

    fn pop(&mut self) {
        self.stack.pop();
        if self.stack.is_empty() {
            self.state = State::EndTop;
            self.end_top = true;
        } else {
            self.state = State::EndValue;
        }
    }

    fn begin_value_or_empty(&mut self, c: u8) -> Op {
        match c {
            _ if is_space(c) => Op::SkipSpace,
            b']' => self.end_value(c),
            _ => self.begin_value(c),
        }
    }

    fn begin_value(&mut self, c: u8) -> Op {
        let (next, op) = match c {
            _ if is_space(c) => return Op::SkipSpace,
            b'{' => {
                self.state = State::BeginStringOrEmpty;
                return self.push(c, Parse::ObjectKey, Op::BeginObject);
            }
            b'[' => {
                self.state = State::BeginValueOrEmpty;
                return self.push(c, Parse::ArrayValue, Op::BeginArray);
            }
            b'"' => (State::InString, Op::BeginLiteral),
            b'-' => (State::Neg, Op::BeginLiteral),
            b'0' => (State::Zero, Op::BeginLiteral),
            b'1'..=b'9' => (State::Digits, Op::BeginLiteral),
            b't' => (literal("true"), Op::BeginLiteral),
            b'f' => (literal("false"), Op::BeginLiteral),
            b'n' => (literal("null"), Op::BeginLiteral),
            _ => return self.fail(c, "looking for beginning of value"),
        };
        self.state = next;
        op
    }

    fn begin_string_or_empty(&mut self, c: u8) -> Op {
        match c {
            _ if is_space(c) => Op::SkipSpace,
            b'}' => {
                if let Some(top) = self.stack.last_mut() {
                    *top = Parse::ObjectValue;
                }
                self.end_value(c)
            }
            _ => self.begin_string(c),
        }
    }

    fn begin_string(&mut self, c: u8) -> Op {
        match c {
            _ if is_space(c) => Op::SkipSpace,
            b'"' => {
                self.state = State::InString;
                Op::BeginLiteral
            }
            _ => self.fail(c, "looking for beginning of object key string"),
        }
    }

    fn end_value(&mut self, c: u8) -> Op {
        let Some(&top) = self.stack.last() else {
            self.state = State::EndTop;
            self.end_top = true;
            return self.end_top(c);
        };
        if is_space(c) {
            self.state = State::EndValue;
            return Op::SkipSpace;
        }
        match (top, c) {
            (Parse::ObjectKey, b':') => {
                self.set_top(Parse::ObjectValue);
                self.state = State::BeginValue;
                Op::ObjectKey
            }
            (Parse::ObjectKey, _) => self.fail(c, "after object key"),
            (Parse::ObjectValue, b',') => {
                self.set_top(Parse::ObjectKey);
                self.state = State::BeginString;
                Op::ObjectValue
            }
            (Parse::ObjectValue, b'}') => {
                self.pop();
                Op::EndObject
            }
            (Parse::ObjectValue, _) => self.fail(c, "after object key:value pair"),
            (Parse::ArrayValue, b',') => {
                self.state = State::BeginValue;
                Op::ArrayValue
            }
            (Parse::ArrayValue, b']') => {
                self.pop();
                Op::EndArray
            }
            (Parse::ArrayValue, _) => self.fail(c, "after array element"),
        }
    }

    fn set_top(&mut self, p: Parse) {
        if let Some(top) = self.stack.last_mut() {
            *top = p;
        }
    }

    fn end_top(&mut self, c: u8) -> Op {
        if !is_space(c) {
            // Recorded now, reported by the next step or by `eof`.
            self.fail(c, "after top-level value");
        }
        Op::End
    }

    fn in_string(&mut self, c: u8) -> Op {
        match c {
            b'"' => self.state = State::EndValue,
            b'\\' => self.state = State::InStringEsc,
            0..0x20 => return self.fail(c, "in string literal"),
            _ => {}
        }
        Op::Continue
    }

    fn in_string_esc(&mut self, c: u8) -> Op {
        match c {
            b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => self.state = State::InString,
            b'u' => self.state = State::InStringEscU(0),
            _ => return self.fail(c, "in string escape code"),
        }
        Op::Continue
    }

    fn in_string_esc_u(&mut self, c: u8, read: u8) -> Op {
        if !c.is_ascii_hexdigit() {
            return self.fail(c, "in \\u hexadecimal character escape");
        }
        self.state = if read == 3 {
            State::InString
        } else {
            State::InStringEscU(read + 1)
        };
        Op::Continue
    }

    fn neg(&mut self, c: u8) -> Op {
        self.state = match c {
            b'0' => State::Zero,
            b'1'..=b'9' => State::Digits,
            _ => return self.fail(c, "in numeric literal"),
        };
        Op::Continue
    }

    fn digits(&mut self, c: u8) -> Op {
        if c.is_ascii_digit() {
            return Op::Continue;
        }
        self.zero(c)
    }

    fn zero(&mut self, c: u8) -> Op {
        self.state = match c {
            b'.' => State::Dot,
            b'e' | b'E' => State::E,
            _ => return self.end_value(c),
        };
        Op::Continue
    }

    fn dot(&mut self, c: u8) -> Op {
        if !c.is_ascii_digit() {
            return self.fail(c, "after decimal point in numeric literal");
        }
        self.state = State::Dot0;
        Op::Continue
    }

    fn dot0(&mut self, c: u8) -> Op {
        match c {
            b'0'..=b'9' => Op::Continue,
            b'e' | b'E' => {
                self.state = State::E;
                Op::Continue
            }
            _ => self.end_value(c),
        }
    }

    fn e(&mut self, c: u8) -> Op {
        if c == b'+' || c == b'-' {
            self.state = State::ESign;
            return Op::Continue;
        }
        self.e_sign(c)
    }

    fn e_sign(&mut self, c: u8) -> Op {
        if !c.is_ascii_digit() {
            return self.fail(c, "in exponent of numeric literal");
        }
        self.state = State::E0;
        Op::Continue
    }

    fn e0(&mut self, c: u8) -> Op {
        if c.is_ascii_digit() {
            return Op::Continue;
        }
        self.end_value(c)
    }

    fn literal(&mut self, c: u8, word: &'static str, at: usize) -> Op {
        let want = word.as_bytes()[at];
        if c != want {
            let context = format!("in literal {word} (expecting '{}')", want as char);
            return self.fail(c, &context);
        }
        self.state = if at + 1 == word.len() {
            State::EndValue
        } else {
            State::Literal { word, at: at + 1 }
        };
        Op::Continue
    }
}

/// The state after the first letter of `word`.
fn literal(word: &'static str) -> State {
    State::Literal { word, at: 1 }
}

/// JSON's whitespace, the only bytes skipped between tokens (Go's `isSpace`).
pub(super) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// A byte quoted as Go's `quoteChar` does: read as the code point of the same value (so
/// the first byte of a UTF-8 sequence shows as a Latin-1 letter) and escaped as
/// `strconv.Quote` escapes what it does not print.
pub(super) fn quote_char(c: u8) -> String {
    let inner = match c {
        b'\'' => "\\'".to_string(),
        b'"' => "\"".to_string(),
        b'\\' => "\\\\".to_string(),
        0x07 => "\\a".to_string(),
        0x08 => "\\b".to_string(),
        0x0c => "\\f".to_string(),
        b'\n' => "\\n".to_string(),
        b'\r' => "\\r".to_string(),
        b'\t' => "\\t".to_string(),
        0x0b => "\\v".to_string(),
        0..0x20 | 0x7f => format!("\\x{c:02x}"),
        // C1 controls, the no-break space and the soft hyphen: not printable to Go.
        0x80..=0xa0 | 0xad => format!("\\u{c:04x}"),
        _ => char::from(c).to_string(),
    };
    format!("'{inner}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `checkValid` with Go's `Unmarshal` depth limit.
    fn check(text: &str) -> Option<SyntaxError> {
        let mut s = Scanner::new(10_000);
        for &c in text.as_bytes() {
            if s.feed(c) == Op::Error {
                return s.err;
            }
        }
        if s.eof() == Op::Error {
            return s.err;
        }
        None
    }

    fn msg(text: &str) -> String {
        check(text)
            .map(|e| format!("{} @{}", e.msg, e.offset))
            .unwrap_or_default()
    }

    #[test]
    fn valid_texts_pass() {
        for t in [
            "1",
            " -0.5e+3 ",
            "\"a\\u00e9\\n\"",
            "[]",
            "{}",
            "[1,{\"a\":[true,false,null]}]",
        ] {
            assert_eq!(check(t), None, "{t}");
        }
    }

    #[test]
    fn errors_are_worded_and_placed_as_go_does() {
        assert_eq!(msg(""), "unexpected end of JSON input @0");
        assert_eq!(
            msg("{,}"),
            "invalid character ',' looking for beginning of object key string @2"
        );
        assert_eq!(msg("[1 2]"), "invalid character '2' after array element @4");
        assert_eq!(
            msg("{\"a\" 1}"),
            "invalid character '1' after object key @6"
        );
        assert_eq!(
            msg("{\"a\":1 \"b\":2}"),
            "invalid character '\"' after object key:value pair @8"
        );
        assert_eq!(msg("1 2"), "invalid character '2' after top-level value @3");
        assert_eq!(
            msg("nul"),
            "invalid character ' ' in literal null (expecting 'l') @3"
        );
        assert_eq!(
            msg("1."),
            "invalid character ' ' after decimal point in numeric literal @2"
        );
        assert_eq!(msg("-"), "invalid character ' ' in numeric literal @1");
        assert_eq!(
            msg("1e+"),
            "invalid character ' ' in exponent of numeric literal @3"
        );
        assert_eq!(
            msg("\"\\"),
            "invalid character ' ' in string escape code @2"
        );
        assert_eq!(
            msg("\"\\u12G4\""),
            "invalid character 'G' in \\u hexadecimal character escape @6"
        );
        assert_eq!(
            msg("\"a\u{1}b\""),
            "invalid character '\\x01' in string literal @3"
        );
        assert_eq!(msg("\"abc"), "unexpected end of JSON input @4");
    }

    #[test]
    fn nesting_beyond_the_limit_fails_at_the_opening_bracket() {
        let ok = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(check(&ok), None);
        let deep = format!("{}{}", "[".repeat(10_001), "]".repeat(10_001));
        assert_eq!(
            msg(&deep),
            "invalid character '[' exceeded max depth @10001"
        );
    }

    #[test]
    fn bytes_are_quoted_as_go_quotes_them() {
        let cases = [
            (b'x', "'x'"),
            (b'\'', "'\\''"),
            (b'"', "'\"'"),
            (b'\\', "'\\\\'"),
            (0, "'\\x00'"),
            (0x0b, "'\\v'"),
            (0x1f, "'\\x1f'"),
            (0x7f, "'\\x7f'"),
            (0x85, "'\\u0085'"),
            (0xa0, "'\\u00a0'"),
            (0xc2, "'Â'"),
            (0xe2, "'â'"),
            (0xef, "'ï'"),
        ];
        for (c, quoted) in cases {
            assert_eq!(quote_char(c), quoted, "{c:#x}");
        }
    }
}
