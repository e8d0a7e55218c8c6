//! The Server-Sent Events wire format (the HTML standard's `text/event-stream`), parsed
//! as bytes arrive: lines end in CRLF, LF or CR, a chunk may end anywhere (inside a CRLF
//! too), a leading UTF-8 BOM is skipped, `data:` lines join with `\n`, `event:`, `id:`
//! (kept across events, as the standard's last event ID) and `retry:` set their fields,
//! and a line starting with `:` is a comment (the last one of an event is kept: k6's SSE
//! module shows it). Unknown fields are ignored.
//!
//! Two things the standard leaves open are errors here, so a hostile stream cannot hold
//! memory or pass garbage on: an event (or a line) over [`MAX_EVENT_BYTES`] is dropped
//! with an error, and a line that is not UTF-8 is dropped with an error. Crates that parse
//! the format do neither, hence this one, with property tests.

/// The largest event (its lines together) or line kept; past it the event is dropped up to
/// its blank line and an error is reported once.
pub const MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// One dispatched event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The last event ID seen on the stream (empty until one is set).
    pub id: String,
    /// The `event:` field; empty for an unnamed event (a browser calls it "message").
    pub name: String,
    pub data: String,
    /// The event's last comment line, without its `:` and one leading space.
    pub comment: String,
}

/// What the parser found in a chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Event(SseEvent),
    /// A `retry:` with a valid number of milliseconds.
    Retry(u64),
    /// A dropped line or event, and why.
    Error(String),
}

/// The parser's state between chunks.
#[derive(Debug, Default)]
pub struct Parser {
    line: Vec<u8>,
    /// The previous chunk ended in CR: an LF starting this one belongs to it.
    after_cr: bool,
    /// Past the first bytes (where a BOM may be).
    started: bool,
    data: String,
    has_data: bool,
    name: String,
    comment: String,
    last_id: String,
    /// Bytes the current event holds.
    size: usize,
    /// Dropping the current event (it grew too large) until its blank line.
    skipping: bool,
    /// Bytes of the current line were dropped: its end is not a blank line.
    line_dropped: bool,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl Parser {
    pub fn new() -> Parser {
        Parser::default()
    }

    /// Whether an event has begun and not been dispatched (a stream that ends now ends
    /// mid-event).
    pub fn mid_event(&self) -> bool {
        !self.line.is_empty() || self.has_data || !self.name.is_empty() || self.skipping
    }

    /// Parses `chunk`, appending what completes to `out`.
    pub fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<Parsed>) {
        if !self.started {
            // The BOM may itself arrive split: wait for three bytes (or a mismatch).
            let have = self.line.len() + chunk.len();
            let mut head = self.line.clone();
            head.extend_from_slice(&chunk[..chunk.len().min(3)]);
            if have < 3 && BOM.starts_with(&head) {
                self.line.extend_from_slice(chunk);
                return;
            }
            self.started = true;
            let mut all = std::mem::take(&mut self.line);
            all.extend_from_slice(chunk);
            let body = all.strip_prefix(BOM).unwrap_or(&all).to_vec();
            self.feed_lines(&body, out);
            return;
        }
        if chunk.is_empty() {
            return;
        }
        if self.after_cr && chunk[0] == b'\n' {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        self.feed_lines(chunk, out);
    }

    fn feed_lines(&mut self, mut chunk: &[u8], out: &mut Vec<Parsed>) {
        while let Some(end) = chunk.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.push_line_bytes(&chunk[..end], out);
            let line = std::mem::take(&mut self.line);
            if !std::mem::take(&mut self.line_dropped) {
                self.line(&line, out);
            }
            let cr = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
            if cr {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.push_line_bytes(chunk, out);
    }

    /// Keeps part of a line, unless the event is already too large.
    fn push_line_bytes(&mut self, bytes: &[u8], out: &mut Vec<Parsed>) {
        if bytes.is_empty() {
            return;
        }
        if self.skipping {
            self.line_dropped = true;
            return;
        }
        if self.size + self.line.len() + bytes.len() > MAX_EVENT_BYTES {
            self.drop_event(out);
            self.line_dropped = true;
            return;
        }
        self.line.extend_from_slice(bytes);
    }

    fn drop_event(&mut self, out: &mut Vec<Parsed>) {
        out.push(Parsed::Error(format!(
            "event larger than {} MiB dropped",
            MAX_EVENT_BYTES / (1024 * 1024)
        )));
        self.skipping = true;
        self.line.clear();
        self.reset_event();
    }

    fn reset_event(&mut self) {
        self.data.clear();
        self.has_data = false;
        self.name.clear();
        self.comment.clear();
        self.size = 0;
    }

    fn line(&mut self, line: &[u8], out: &mut Vec<Parsed>) {
        if line.is_empty() {
            if self.skipping {
                self.skipping = false;
            } else {
                self.dispatch(out);
            }
            return;
        }
        if self.skipping {
            return;
        }
        let Ok(text) = std::str::from_utf8(line) else {
            out.push(Parsed::Error(format!(
                "line is not valid UTF-8 and was dropped ({} bytes)",
                line.len()
            )));
            return;
        };
        self.size += line.len() + 1;
        let (field, value) = match text.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (text, ""),
        };
        match field {
            "" => value.clone_into(&mut self.comment),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => value.clone_into(&mut self.name),
            "id" if !value.contains('\0') => value.clone_into(&mut self.last_id),
            "retry" => {
                if let Ok(ms) = value.parse::<u64>() {
                    if value.bytes().all(|b| b.is_ascii_digit()) {
                        out.push(Parsed::Retry(ms));
                    }
                }
            }
            _ => {}
        }
    }

    /// A blank line: the event so far goes out (none without data, as the standard says).
    fn dispatch(&mut self, out: &mut Vec<Parsed>) {
        if self.has_data {
            out.push(Parsed::Event(SseEvent {
                id: self.last_id.clone(),
                name: std::mem::take(&mut self.name),
                data: std::mem::take(&mut self.data),
                comment: std::mem::take(&mut self.comment),
            }));
        }
        self.reset_event();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse_chunks(chunks: &[&[u8]]) -> Vec<Parsed> {
        let mut p = Parser::new();
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, &mut out);
        }
        out
    }

    fn event(id: &str, name: &str, data: &str, comment: &str) -> Parsed {
        Parsed::Event(SseEvent {
            id: id.into(),
            name: name.into(),
            data: data.into(),
            comment: comment.into(),
        })
    }

    #[test]
    fn fields_comments_and_multiline_data() {
        let s = b"retry: 10000\n: hello\nid: ABCD\ndata: {\"ping\": \"pong\"}\ndata: {\"hello\": \"sse\"}\n\nevent: EFGH\ndata: x\n\n";
        assert_eq!(
            parse_chunks(&[s]),
            vec![
                Parsed::Retry(10000),
                event(
                    "ABCD",
                    "",
                    "{\"ping\": \"pong\"}\n{\"hello\": \"sse\"}",
                    "hello"
                ),
                event("ABCD", "EFGH", "x", ""),
            ]
        );
    }

    #[test]
    fn every_line_ending_and_a_bom() {
        let s = b"\xEF\xBB\xBFdata: a\r\n\r\ndata: b\r\rdata: c\n\n";
        assert_eq!(
            parse_chunks(&[s]),
            vec![
                event("", "", "a", ""),
                event("", "", "b", ""),
                event("", "", "c", "")
            ]
        );
        // A CRLF split between chunks is one line end.
        assert_eq!(
            parse_chunks(&[b"data: a\r", b"\n\r", b"\n"]),
            vec![event("", "", "a", "")]
        );
    }

    #[test]
    fn no_event_without_data_and_unknown_fields_ignored() {
        assert_eq!(parse_chunks(&[b"event: x\nfoo: bar\n\n\n"]), vec![]);
        assert_eq!(parse_chunks(&[b"data\n\n"]), vec![event("", "", "", "")]);
    }

    #[test]
    fn a_line_that_is_not_utf8_is_an_error_and_dropped() {
        let out = parse_chunks(&[b"data: \xFF\xFE\ndata: ok\n\n"]);
        assert!(matches!(&out[0], Parsed::Error(e) if e.contains("UTF-8")));
        assert_eq!(out[1], event("", "", "ok", ""));
    }

    #[test]
    fn an_oversized_event_is_dropped_with_one_error_and_bounded_memory() {
        let mut p = Parser::new();
        let mut out = Vec::new();
        p.feed(b"data: ", &mut out);
        let block = vec![b'x'; 1024 * 1024];
        for _ in 0..(MAX_EVENT_BYTES / block.len() + 4) {
            p.feed(&block, &mut out);
            assert!(p.line.len() <= MAX_EVENT_BYTES);
        }
        p.feed(b"\n\ndata: next\n\n", &mut out);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(matches!(&out[0], Parsed::Error(e) if e.contains("larger than 8 MiB")));
        assert_eq!(out[1], event("", "", "next", ""));
    }

    /// Events as a server would write them, with the line end `eol`.
    fn serialise(events: &[(String, String, Vec<String>)], eol: &str) -> Vec<u8> {
        let mut s = String::new();
        for (id, name, data) in events {
            if !id.is_empty() {
                s += &format!("id: {id}{eol}");
            }
            if !name.is_empty() {
                s += &format!("event: {name}{eol}");
            }
            for line in data {
                s += &format!("data: {line}{eol}");
            }
            s += eol;
        }
        s.into_bytes()
    }

    proptest! {
        #[test]
        fn events_survive_any_chunking_and_line_ending(
            events in prop::collection::vec(
                ("[a-z0-9]{0,4}", "[a-z]{0,4}", prop::collection::vec("[ -~&&[^\r\n]]{0,12}", 1..4)),
                0..6,
            ),
            eol in prop::sample::select(vec!["\n", "\r", "\r\n"]),
            cuts in prop::collection::vec(0usize..400, 0..8),
        ) {
            let bytes = serialise(&events, eol);
            let mut cuts: Vec<usize> = cuts.into_iter().filter(|c| *c <= bytes.len()).collect();
            cuts.sort_unstable();
            let mut chunks: Vec<&[u8]> = Vec::new();
            let mut from = 0;
            for c in cuts {
                chunks.push(&bytes[from..c]);
                from = c;
            }
            chunks.push(&bytes[from..]);
            let whole = parse_chunks(&[&bytes]);
            prop_assert_eq!(&parse_chunks(&chunks), &whole);
            let mut last_id = String::new();
            let expected: Vec<Parsed> = events
                .iter()
                .map(|(id, name, data)| {
                    if !id.is_empty() {
                        last_id = id.clone();
                    }
                    event(&last_id, name, &data.join("\n"), "")
                })
                .collect();
            prop_assert_eq!(whole, expected);
        }
    }
}
