//! Small text codecs shared by the target server's handlers: percent-decoding of
//! paths, httpbin's header-name casing, `key=value` header parameter lists (as in
//! `Digest`, `Content-Type` and `Content-Disposition`), and HTTP dates.

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

/// Decodes `%XX` escapes (but not `+`, which is literal in paths). Borrows when
/// there is nothing to decode, which is the common case.
pub(super) fn percent_decode(input: &str) -> Cow<'_, str> {
    if !input.contains('%') {
        return Cow::Borrowed(input);
    }
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex_value(*hi).zip(hex_value(*lo)),
            _ => None,
        };
        match escaped {
            Some((hi, lo)) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn hex_value(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

/// Renders a (lower-case, as hyper stores it) header name the way httpbin shows
/// it: Python's `str.title()`, i.e. a letter is upper-cased when the character
/// before it is not a letter (`x-b3-traceid` → `X-B3-Traceid`). The usual names
/// are matched first so the hot path does not allocate.
pub(super) fn title_case(name: &str) -> Cow<'static, str> {
    let known = match name {
        "host" => "Host",
        "accept" => "Accept",
        "accept-encoding" => "Accept-Encoding",
        "accept-language" => "Accept-Language",
        "user-agent" => "User-Agent",
        "content-type" => "Content-Type",
        "content-length" => "Content-Length",
        "connection" => "Connection",
        "cookie" => "Cookie",
        "authorization" => "Authorization",
        "transfer-encoding" => "Transfer-Encoding",
        _ => "",
    };
    if !known.is_empty() {
        return Cow::Borrowed(known);
    }
    let mut out = String::with_capacity(name.len());
    let mut after_letter = false;
    for c in name.chars() {
        out.push(if after_letter {
            c.to_ascii_lowercase()
        } else {
            c.to_ascii_uppercase()
        });
        after_letter = c.is_ascii_alphabetic();
    }
    Cow::Owned(out)
}

/// Iterates the `key=value` parameters of a header such as
/// `Digest realm="x", nonce="y"` (separator `,`) or
/// `form-data; name="f"; filename="a.txt"` (separator `;`). Values may be
/// quoted, with backslash escapes; a separator inside quotes does not split.
/// Items without `=` (like the leading `form-data`) are skipped. Keys are
/// returned as written; compare them case-insensitively.
pub(super) fn params(input: &str, separator: u8) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
    let mut rest = input;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let (item, tail) = split_unquoted(rest, separator);
        rest = tail;
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        return Some((key.trim(), unquote(value.trim())));
    })
}

/// Splits at the first `separator` that is not inside a quoted string.
fn split_unquoted(input: &str, separator: u8) -> (&str, &str) {
    let mut quoted = false;
    let mut escaped = false;
    for (i, b) in input.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            _ if b == separator && !quoted => return (&input[..i], &input[i + 1..]),
            _ => {}
        }
    }
    (input, "")
}

fn unquote(value: &str) -> Cow<'_, str> {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return Cow::Borrowed(value);
    };
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' {
            chars.next().unwrap_or('\\')
        } else {
            c
        });
    }
    Cow::Owned(out)
}

/// Formats `time` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub(super) fn http_date(time: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = secs / 86_400;
    let (year, month, day) = civil_from_days(days);
    let day_secs = secs % 86_400;
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        day_secs / 3600,
        day_secs / 60 % 60,
        day_secs % 60,
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after
/// Howard Hinnant's `civil_from_days`, restricted to dates after the epoch.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn decodes_percent_escapes_leniently() {
        assert_eq!(percent_decode("/a%20b+c"), "/a b+c");
        assert_eq!(percent_decode("/bad%zz%4"), "/bad%zz%4");
    }

    #[test]
    fn title_cases_like_python() {
        assert_eq!(title_case("x-probe"), "X-Probe");
        assert_eq!(title_case("x-b3-traceid"), "X-B3-Traceid");
        assert_eq!(title_case("x-1a"), "X-1A");
        assert_eq!(title_case("dnt"), "Dnt");
    }

    #[test]
    fn parses_quoted_params() {
        let got: Vec<_> = params(r#"Digest a="x, y", b=2 ,c="q\"d""#, b',').collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], ("Digest a", Cow::Borrowed("x, y")));
        assert_eq!(got[1], ("b", Cow::Borrowed("2")));
        assert_eq!(got[2].1, "q\"d");
    }

    #[test]
    fn formats_http_dates() {
        let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
