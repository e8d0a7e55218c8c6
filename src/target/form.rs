//! Request-body decoding for the echo endpoints, with werkzeug's leniency:
//! URL-encoded and multipart bodies become `form`/`files` (malformed parts are
//! dropped, never an error), anything else is shown raw as `data`.

use std::borrow::Cow;

use base64::Engine as _;
use http::{header, HeaderMap};

use super::echo::MultiMap;
use super::text::params;

/// A body split the way httpbin reports it.
pub(super) struct Body<'a> {
    /// The raw bytes when the body is not a form (what `json` is parsed from).
    pub raw: Option<&'a [u8]>,
    pub data: Cow<'a, str>,
    pub form: MultiMap<'a>,
    pub files: MultiMap<'a>,
}

pub(super) fn parse<'a>(headers: &HeaderMap, body: &'a [u8]) -> Body<'a> {
    let mut parsed = Body {
        raw: None,
        data: Cow::Borrowed(""),
        form: MultiMap::default(),
        files: MultiMap::default(),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (mime, mime_params) = content_type.split_once(';').unwrap_or((content_type, ""));
    let mime = mime.trim();
    if mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        for (key, value) in url::form_urlencoded::parse(body) {
            parsed.form.push(key, value);
        }
    } else if mime.eq_ignore_ascii_case("multipart/form-data") {
        let boundary = params(mime_params, b';').find(|(k, _)| k.eq_ignore_ascii_case("boundary"));
        if let Some((_, boundary)) = boundary {
            multipart(body, &boundary, &mut parsed);
        }
    } else {
        parsed.raw = Some(body);
        parsed.data = json_safe(body, "application/octet-stream");
    }
    parsed
}

/// Text as-is; binary as an RFC 2397 `data:` URL, since JSON cannot hold raw
/// bytes (httpbin's `json_safe`).
pub(super) fn json_safe<'a>(bytes: &'a [u8], content_type: &str) -> Cow<'a, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
            Cow::Owned(format!("data:{content_type};base64,{encoded}"))
        }
    }
}

/// Walks `--boundary`-delimited parts (RFC 7578), stopping quietly at the
/// first malformed one.
fn multipart<'a>(body: &'a [u8], boundary: &str, out: &mut Body<'a>) {
    let delimiter = format!("--{boundary}");
    let separator = format!("\r\n--{boundary}");
    let Some(start) = find(body, delimiter.as_bytes()) else {
        return;
    };
    let mut rest = &body[start + delimiter.len()..];
    // Each iteration starts just after a delimiter.
    while !rest.starts_with(b"--") {
        let Some(line_end) = find(rest, b"\r\n") else {
            return;
        };
        rest = &rest[line_end + 2..];
        let (head, content) = match rest.strip_prefix(b"\r\n") {
            Some(content) => (&rest[..0], content),
            None => {
                let Some(head_end) = find(rest, b"\r\n\r\n") else {
                    return;
                };
                (&rest[..head_end], &rest[head_end + 4..])
            }
        };
        let Some(content_end) = find(content, separator.as_bytes()) else {
            return;
        };
        add_part(head, &content[..content_end], out);
        rest = &content[content_end + separator.len()..];
    }
}

fn add_part<'a>(head: &[u8], content: &'a [u8], out: &mut Body<'a>) {
    let head = String::from_utf8_lossy(head);
    let mut name = None;
    let mut is_file = false;
    let mut content_type = "application/octet-stream";
    for line in head.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key.eq_ignore_ascii_case("content-disposition") {
            for (param, param_value) in params(value, b';') {
                if param.eq_ignore_ascii_case("name") {
                    name = Some(param_value.into_owned());
                } else if param.eq_ignore_ascii_case("filename") {
                    is_file = true;
                }
            }
        } else if key.eq_ignore_ascii_case("content-type") {
            content_type = value.trim();
        }
    }
    let Some(name) = name else { return };
    if is_file {
        let value = json_safe(content, content_type).into_owned();
        out.files.push(name, value);
    } else {
        out.form.push(name, String::from_utf8_lossy(content));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(content_type: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers
    }

    fn json(map: &MultiMap<'_>) -> String {
        serde_json::to_string(map).unwrap_or_default()
    }

    #[test]
    fn multipart_fields_and_files() {
        let body = b"preamble\r\n--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
            --XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n\
            Content-Type: image/png\r\n\r\n\xff\x00\r\n--XX\r\n\
            Content-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n--XX--\r\n";
        let parsed = parse(&headers("multipart/form-data; boundary=XX"), body);
        assert_eq!(json(&parsed.form), r#"{"a":["1","2"]}"#);
        assert_eq!(json(&parsed.files), r#"{"f":"data:image/png;base64,/wA="}"#);
        assert_eq!(parsed.data, "");
        assert!(parsed.raw.is_none());
    }

    #[test]
    fn garbage_multipart_is_an_empty_form() {
        for body in [&b"garbage"[..], b"--XX", b"--XX\r\nno-end", b""] {
            let parsed = parse(&headers("multipart/form-data; boundary=XX"), body);
            assert_eq!(json(&parsed.form), "{}");
        }
        let parsed = parse(&headers("multipart/form-data"), b"--XX--");
        assert_eq!(json(&parsed.files), "{}");
    }

    #[test]
    fn binary_data_becomes_a_data_url() {
        let parsed = parse(&HeaderMap::new(), b"\xff\xfe\x00");
        assert_eq!(parsed.data, "data:application/octet-stream;base64,//4A");
    }
}
