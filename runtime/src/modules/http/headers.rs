//! A response's headers as k6 shows them: Go-canonical names, in arrival order, kept in one
//! text buffer. A `Vec<(String, String)>` cost two allocations per header on every response,
//! for headers most scripts never read.

/// Response headers (names Go-canonical, values as received).
#[derive(Debug, Clone, Default)]
pub struct Headers {
    text: String,
    /// Per header: where its name ends and where its value ends in `text`.
    ends: Vec<(u32, u32)>,
}

impl Headers {
    /// Room for `count` headers of about `bytes` bytes in all.
    pub fn with_capacity(count: usize, bytes: usize) -> Self {
        Headers {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(count),
        }
    }

    /// Appends a header, its name made Go-canonical.
    pub fn push_canonical(&mut self, name: &str, value: &str) {
        push_canonical_into(&mut self.text, name);
        let name_end = self.offset();
        self.text.push_str(value);
        self.ends.push((name_end, self.offset()));
    }

    /// Appends a header as given.
    pub fn push(&mut self, name: &str, value: &str) {
        self.text.push_str(name);
        let name_end = self.offset();
        self.text.push_str(value);
        self.ends.push((name_end, self.offset()));
    }

    fn offset(&self) -> u32 {
        u32::try_from(self.text.len()).unwrap_or(u32::MAX)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// (name, value) pairs in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let mut start = 0usize;
        self.ends.iter().map(move |&(name_end, value_end)| {
            let (n, v) = (name_end as usize, value_end as usize);
            let pair = (
                self.text.get(start..n).unwrap_or(""),
                self.text.get(n..v).unwrap_or(""),
            );
            start = v;
            pair
        })
    }

    /// Values of the headers named `name` (ASCII case-insensitive), in order.
    pub fn all<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
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
    let mut out = String::with_capacity(name.len());
    push_canonical_into(&mut out, name);
    out
}

/// Appends Go's canonical form of `name` to `out`. Go's CanonicalMIMEHeaderKey changes
/// ASCII letters only: lowercase all, then uppercase the first and each after a '-'.
fn push_canonical_into(out: &mut String, name: &str) {
    let start = out.len();
    out.push_str(name);
    let Some(tail) = out.get_mut(start..) else {
        return;
    };
    tail.make_ascii_lowercase();
    let mut upper = true;
    for (i, b) in name.bytes().enumerate() {
        if upper {
            // `None` inside a multi-byte character, which has no ASCII letter to change.
            if let Some(letter) = tail.get_mut(i..=i) {
                letter.make_ascii_uppercase();
            }
        }
        upper = b == b'-';
    }
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
    }

    #[test]
    fn names_are_go_canonical_and_order_and_repeats_are_kept() {
        let mut h = Headers::default();
        h.push_canonical("content-type", "text/plain");
        h.push_canonical("set-cookie", "a=1");
        h.push_canonical("x-ÄBC-def", "");
        h.push_canonical("SET-COOKIE", "b=2");
        let pairs: Vec<_> = h.iter().collect();
        assert_eq!(
            pairs,
            [
                ("Content-Type", "text/plain"),
                ("Set-Cookie", "a=1"),
                ("X-Äbc-Def", ""),
                ("Set-Cookie", "b=2")
            ]
        );
        assert_eq!(h.get("CONTENT-TYPE"), Some("text/plain"));
        assert_eq!(h.all("set-cookie").collect::<Vec<_>>(), ["a=1", "b=2"]);
        assert_eq!(h.get("location"), None);
        assert_eq!(h.len(), 4);
    }
}
