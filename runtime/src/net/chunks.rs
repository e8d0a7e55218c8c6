//! A plain streamed body (chunked HTTP, NDJSON, text) cut into the pieces `k6/x/stream`
//! hands a script, as bytes arrive: whole lines (`split: 'line'`, what NDJSON streams such
//! as Ollama's need) or whatever arrived (`split: 'none'`). Both are UTF-8 text: a
//! character split across two reads is held until its end arrives.
//!
//! Lines end in LF or CRLF; a line that is still open when the body ends is the last
//! line; blank lines are skipped (keep-alive newlines are not data). As in the SSE parser
//! ([`super::sse`]), a hostile stream cannot hold memory or pass garbage on: a line over
//! [`MAX_PIECE_BYTES`] is dropped with one error, and bytes that are not UTF-8 are dropped
//! with an error.

/// The largest line (or held partial text) kept; past it the line is dropped up to its end.
pub const MAX_PIECE_BYTES: usize = super::sse::MAX_EVENT_BYTES;

/// How the body is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// One piece per line, without its line end.
    Line,
    /// One piece per read from the connection (a transport chunk, or part of one).
    None,
}

/// What the splitter found in a read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Data(String),
    /// Dropped bytes, and why.
    Error(String),
}

/// The splitter's state between reads.
#[derive(Debug)]
pub struct Splitter {
    split: Split,
    /// The open line (line mode) or the start of a split character (raw mode).
    held: Vec<u8>,
    /// Dropping the open line (it grew too large) until its end.
    skipping: bool,
}

impl Splitter {
    pub fn new(split: Split) -> Splitter {
        Splitter {
            split,
            held: Vec::new(),
            skipping: false,
        }
    }

    /// Cuts `chunk`, appending what completes to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<Piece>) {
        match self.split {
            Split::None => self.feed_raw(chunk, out),
            Split::Line => self.feed_lines(chunk, out),
        }
    }

    /// The body ended: the open line, if any, is the last; a character cut short is an
    /// error.
    pub fn finish(&mut self, out: &mut Vec<Piece>) {
        let rest = std::mem::take(&mut self.held);
        if self.skipping || rest.is_empty() {
            return;
        }
        match self.split {
            Split::Line => emit_line(&rest, out),
            Split::None => out.push(Piece::Error(
                "the stream ended inside a UTF-8 character".into(),
            )),
        }
    }

    fn feed_raw(&mut self, chunk: &[u8], out: &mut Vec<Piece>) {
        let mut bytes = std::mem::take(&mut self.held);
        bytes.extend_from_slice(chunk);
        let (text, rest) = match std::str::from_utf8(&bytes) {
            Ok(s) => (s.to_string(), &[][..]),
            // A character cut at the end of the read: keep its start for the next one.
            Err(e) if e.error_len().is_none() => {
                let (ok, rest) = bytes.split_at(e.valid_up_to());
                (String::from_utf8_lossy(ok).into_owned(), rest)
            }
            Err(_) => {
                out.push(Piece::Error("a chunk that is not UTF-8 was dropped".into()));
                return;
            }
        };
        self.held = rest.to_vec();
        if !text.is_empty() {
            out.push(Piece::Data(text));
        }
    }

    fn feed_lines(&mut self, mut chunk: &[u8], out: &mut Vec<Piece>) {
        while let Some(end) = chunk.iter().position(|&b| b == b'\n') {
            let (line, rest) = chunk.split_at(end);
            chunk = &rest[1..];
            if std::mem::take(&mut self.skipping) {
                self.held.clear();
                continue;
            }
            if self.held.is_empty() {
                emit_line(line, out);
            } else {
                let mut whole = std::mem::take(&mut self.held);
                whole.extend_from_slice(line);
                if whole.len() > MAX_PIECE_BYTES {
                    out.push(too_long());
                } else {
                    emit_line(&whole, out);
                }
            }
        }
        if self.skipping {
            return;
        }
        if self.held.len() + chunk.len() > MAX_PIECE_BYTES {
            self.held.clear();
            self.skipping = true;
            out.push(too_long());
        } else {
            self.held.extend_from_slice(chunk);
        }
    }
}

fn too_long() -> Piece {
    Piece::Error(format!(
        "a line over rk6's limit of {} MiB was dropped",
        MAX_PIECE_BYTES / (1024 * 1024)
    ))
}

/// A finished line (its LF gone): without a CR before it, skipped when blank.
fn emit_line(line: &[u8], out: &mut Vec<Piece>) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return;
    }
    out.push(match std::str::from_utf8(line) {
        Ok(s) => Piece::Data(s.to_string()),
        Err(_) => Piece::Error("a line that is not UTF-8 was dropped".into()),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(split: Split, reads: &[&[u8]]) -> Vec<Piece> {
        let mut s = Splitter::new(split);
        let mut out = Vec::new();
        for r in reads {
            s.feed(r, &mut out);
        }
        s.finish(&mut out);
        out
    }

    fn data(items: &[&str]) -> Vec<Piece> {
        items.iter().map(|s| Piece::Data(s.to_string())).collect()
    }

    #[test]
    fn lines_end_in_lf_or_crlf_and_the_last_needs_no_end() {
        let out = run(
            Split::Line,
            &[b"{\"a\":1}\r\n{\"b\"", b":2}\n\n\r\n", b"tail"],
        );
        assert_eq!(out, data(&["{\"a\":1}", "{\"b\":2}", "tail"]));
    }

    #[test]
    fn a_bad_line_is_dropped_and_the_next_one_still_comes() {
        let out = run(Split::Line, &[b"ok\n\xff\xfe\nnext\n"]);
        assert_eq!(
            out,
            vec![
                Piece::Data("ok".into()),
                Piece::Error("a line that is not UTF-8 was dropped".into()),
                Piece::Data("next".into()),
            ]
        );
    }

    #[test]
    fn an_endless_line_is_dropped_once_and_memory_stays_bounded() {
        let mut s = Splitter::new(Split::Line);
        let mut out = Vec::new();
        let block = vec![b'x'; 1024 * 1024];
        for _ in 0..20 {
            s.feed(&block, &mut out);
            assert!(s.held.len() <= MAX_PIECE_BYTES);
        }
        s.feed(b"\nafter\n", &mut out);
        s.finish(&mut out);
        assert_eq!(out, vec![too_long(), Piece::Data("after".into())]);
    }

    #[test]
    fn raw_reads_keep_a_split_character_whole() {
        let euro = "€".as_bytes();
        let out = run(Split::None, &[b"a", &euro[..1], &euro[1..], b"b"]);
        assert_eq!(out, data(&["a", "€", "b"]));
        let cut = run(Split::None, &[b"a", &euro[..2]]);
        assert_eq!(
            cut,
            vec![
                Piece::Data("a".into()),
                Piece::Error("the stream ended inside a UTF-8 character".into())
            ]
        );
    }

    proptest! {
        /// However the body is cut into reads, the lines are the same.
        #[test]
        fn lines_do_not_depend_on_where_reads_end(
            lines in proptest::collection::vec("[a-z{}\":0-9 é€]{1,20}", 0..12),
            cuts in proptest::collection::vec(0usize..400, 0..8),
        ) {
            let body: Vec<u8> = lines.iter().flat_map(|l| format!("{l}\r\n").into_bytes()).collect();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (body.len() + 1)).collect();
            cuts.sort_unstable();
            let mut reads = Vec::new();
            let mut at = 0;
            for c in cuts {
                reads.push(&body[at..c]);
                at = c;
            }
            reads.push(&body[at..]);
            let got = run(Split::Line, &reads);
            let want: Vec<Piece> = lines.iter().map(|l| Piece::Data(l.clone())).collect();
            prop_assert_eq!(got, want);
            let raw: String = run(Split::None, &reads)
                .into_iter()
                .map(|p| match p { Piece::Data(s) => s, Piece::Error(e) => panic!("{e}") })
                .collect();
            prop_assert_eq!(raw.into_bytes(), body);
        }
    }
}
