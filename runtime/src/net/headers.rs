//! A response's headers as k6 shows them: Go-canonical names, in arrival order, kept in one
//! text buffer. A `Vec<(String, String)>` cost two allocations per header on every response,
//! for headers most scripts never read.

/// Response headers (names Go-canonical, values as received).
#[derive(Debug, Clone, Default)]
pub struct Headers {
    /// UTF-8 (only whole `&str`s go in, and canonicalisation changes ASCII letters only);
    /// bytes so that names are canonicalised in place.
    text: Vec<u8>,
    /// Per header: where its name ends and where its value ends in `text`.
    ends: Vec<(u32, u32)>,
}

impl Headers {
    /// Room for `count` headers of about `bytes` bytes in all.
    pub fn with_capacity(count: usize, bytes: usize) -> Self {
        Headers {
            text: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(count),
        }
    }

    /// Appends a header as received, its name made Go-canonical; a value that is not
    /// UTF-8 is kept with U+FFFD in place of what is not.
    pub fn push_received(&mut self, name: &str, value: &[u8]) {
        push_canonical_into(&mut self.text, name);
        let name_end = self.offset();
        // ASCII (nearly every value) is checked a word at a time, and is UTF-8.
        if value.is_ascii() {
            self.text.extend_from_slice(value);
        } else {
            self.text
                .extend_from_slice(String::from_utf8_lossy(value).as_bytes());
        }
        self.ends.push((name_end, self.offset()));
    }

    /// Appends a header as given.
    pub fn push(&mut self, name: &str, value: &str) {
        self.text.extend_from_slice(name.as_bytes());
        let name_end = self.offset();
        self.text.extend_from_slice(value.as_bytes());
        self.ends.push((name_end, self.offset()));
    }

    fn offset(&self) -> u32 {
        u32::try_from(self.text.len()).unwrap_or(u32::MAX)
    }

    /// (name, value) pairs in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.raw().map(|(k, v)| (text(k), text(v)))
    }

    /// (name, value) byte pairs in arrival order.
    fn raw(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        let mut start = 0usize;
        self.ends.iter().map(move |&(name_end, value_end)| {
            let (n, v) = (name_end as usize, value_end as usize);
            let pair = (
                self.text.get(start..n).unwrap_or_default(),
                self.text.get(n..v).unwrap_or_default(),
            );
            start = v;
            pair
        })
    }

    /// Values of the headers named `name` (ASCII case-insensitive), in order.
    pub fn all<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.raw()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| text(v))
    }

    /// The first value of the header named `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.all(name).next()
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * std::mem::size_of::<(u32, u32)>()
    }
}

/// Text of a stored name or value (always UTF-8: see [`Headers::text`]).
fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("")
}

impl<'a> FromIterator<(&'a str, &'a str)> for Headers {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(iter: I) -> Self {
        let mut h = Headers::default();
        for (k, v) in iter {
            h.push(k, v);
        }
        h
    }
}

/// Go's canonical MIME header key: `content-type` -> `Content-Type`.
pub fn canonical_header(name: &str) -> String {
    let mut out = Vec::with_capacity(name.len());
    push_canonical_into(&mut out, name);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends Go's canonical form of `name` to `out`. Go's CanonicalMIMEHeaderKey changes
/// ASCII letters only: upper case first and after each '-', lower case elsewhere.
fn push_canonical_into(out: &mut Vec<u8>, name: &str) {
    if let Some(known) = common_canonical(name) {
        out.extend_from_slice(known.as_bytes());
        return;
    }
    let mut upper = true;
    out.extend(name.bytes().map(|b| {
        let c = if upper {
            b.to_ascii_uppercase()
        } else {
            b.to_ascii_lowercase()
        };
        upper = b == b'-';
        c
    }));
}

/// The canonical form of headers most responses carry, for names as hyper gives them
/// (lower case): a table lookup instead of a pass over the bytes.
fn common_canonical(name: &str) -> Option<&'static str> {
    Some(match name {
        "date" => "Date",
        "server" => "Server",
        "content-type" => "Content-Type",
        "content-length" => "Content-Length",
        "connection" => "Connection",
        "keep-alive" => "Keep-Alive",
        "transfer-encoding" => "Transfer-Encoding",
        "content-encoding" => "Content-Encoding",
        "cache-control" => "Cache-Control",
        "set-cookie" => "Set-Cookie",
        "location" => "Location",
        "vary" => "Vary",
        "etag" => "Etag",
        "last-modified" => "Last-Modified",
        "expires" => "Expires",
        "accept-ranges" => "Accept-Ranges",
        "access-control-allow-origin" => "Access-Control-Allow-Origin",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_canonicalised_like_go() {
        assert_eq!(canonical_header("content-type"), "Content-Type");
        assert_eq!(canonical_header("x-probe"), "X-Probe");
        assert_eq!(canonical_header("WWW-AUTHENTICATE"), "Www-Authenticate");
        assert_eq!(canonical_header("a--b-"), "A--B-");
        // The table of common names agrees with the rule (Go writes "Etag", not "ETag").
        for name in [
            "date",
            "server",
            "content-type",
            "content-length",
            "connection",
            "keep-alive",
            "transfer-encoding",
            "content-encoding",
            "cache-control",
            "set-cookie",
            "location",
            "vary",
            "etag",
            "last-modified",
            "expires",
            "accept-ranges",
            "access-control-allow-origin",
        ] {
            let mut by_rule = Vec::new();
            let mut upper = true;
            for b in name.bytes() {
                by_rule.push(if upper { b.to_ascii_uppercase() } else { b });
                upper = b == b'-';
            }
            assert_eq!(
                common_canonical(name).map(str::as_bytes),
                Some(&by_rule[..])
            );
        }
    }

    #[test]
    fn names_are_go_canonical_and_order_and_repeats_are_kept() {
        let mut h = Headers::default();
        h.push_received("content-type", b"text/plain");
        h.push_received("set-cookie", b"a=1");
        h.push_received("x-\u{c4}BC-def", b"");
        h.push_received("SET-COOKIE", b"b=2");
        h.push_received("x-latin1", b"caf\xe9 \xc3\xa9");
        let pairs: Vec<_> = h.iter().collect();
        assert_eq!(
            pairs,
            [
                ("Content-Type", "text/plain"),
                ("Set-Cookie", "a=1"),
                ("X-Äbc-Def", ""),
                ("Set-Cookie", "b=2"),
                ("X-Latin1", "caf\u{fffd} \u{e9}")
            ]
        );
        assert_eq!(h.get("CONTENT-TYPE"), Some("text/plain"));
        assert_eq!(h.all("set-cookie").collect::<Vec<_>>(), ["a=1", "b=2"]);
        assert_eq!(h.get("location"), None);
        assert_eq!(h.iter().count(), 5);
    }
}
