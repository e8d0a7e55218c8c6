//! Body codings: response bodies decoded from gzip/deflate/br/zstd (k6 asks for none but
//! decodes any), and request bodies compressed for the `compression` param.

use std::io::{Read, Write};

use bytes::Bytes;

use super::headers::Headers;

/// A `compression` coding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Deflate,
    Br,
    Zstd,
}

impl Coding {
    fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Br => "br",
            Coding::Zstd => "zstd",
        }
    }
}

/// Parses `compression: "gzip, br"`; k6's error text for an unknown coding.
pub fn parse_codings(s: &str) -> Result<Vec<Coding>, String> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(str::trim)
        .map(|c| match c {
            "gzip" => Ok(Coding::Gzip),
            "deflate" => Ok(Coding::Deflate),
            "br" => Ok(Coding::Br),
            "zstd" => Ok(Coding::Zstd),
            other => Err(format!(
                "unknown compression algorithm {other}, supported algorithms are [gzip deflate zstd br]"
            )),
        })
        .collect()
}

/// Compresses `body` with each coding in turn; returns it and the `Content-Encoding` value.
pub fn compress(body: &[u8], codings: &[Coding]) -> std::io::Result<(Vec<u8>, String)> {
    let mut data = body.to_vec();
    for c in codings {
        data = match c {
            Coding::Gzip => {
                let mut e =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                e.write_all(&data)?;
                e.finish()?
            }
            Coding::Deflate => {
                let mut e =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                e.write_all(&data)?;
                e.finish()?
            }
            Coding::Br => {
                let mut out = Vec::new();
                {
                    let mut e = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                    e.write_all(&data)?;
                }
                out
            }
            Coding::Zstd => zstd::stream::encode_all(data.as_slice(), 0)?,
        };
    }
    let header = codings
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(", ");
    Ok((data, header))
}

/// The most bytes a compressed response body may expand to. k6 has no such bound: it
/// decodes whatever arrives (a 1 GiB gzip bomb took it 5 GB of memory), so the limit is
/// set where k6 still copes, and a body past it fails the request as a decompression error
/// instead of taking the machine's memory. README: "Known limits".
pub const MAX_DECODED_BODY: u64 = 1 << 30;

/// Why a body could not be decoded, in Go's words where Go's decoders have them.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DecodeError {
    #[error("{0}")]
    Corrupt(String),
    #[error("decompressed body exceeds rk6's limit of {limit} bytes")]
    TooLarge { limit: u64 },
}

/// Decodes a response body by its `Content-Encoding`: a stacked value such as `gzip, br`
/// is undone in reverse order, as k6 does. A coding rk6 does not know leaves the body as
/// it is at that point (k6 hands such bodies to the script undecoded). No stage may
/// produce more than `limit` bytes.
pub fn decode_body(headers: &Headers, raw: Bytes, limit: u64) -> Result<Vec<u8>, DecodeError> {
    // Without a copy when `raw` is the only handle on its buffer (a body just read).
    let mut body = Vec::from(raw);
    let Some(value) = headers.get("content-encoding").map(str::to_ascii_lowercase) else {
        return Ok(body);
    };
    for coding in value.split(',').map(str::trim).rev() {
        body = match decode_one(coding, &body, limit) {
            Some(decoded) => decoded?,
            None => break,
        };
    }
    Ok(body)
}

/// Undoes one coding; `None` when the coding is not one rk6 decodes (`identity` included).
fn decode_one(coding: &str, raw: &[u8], limit: u64) -> Option<Result<Vec<u8>, DecodeError>> {
    let res = match coding {
        "gzip" | "x-gzip" => read_bounded(flate2::read::MultiGzDecoder::new(raw), limit),
        "deflate" => read_bounded(flate2::read::ZlibDecoder::new(raw), limit)
            .or_else(|_| read_bounded(flate2::read::DeflateDecoder::new(raw), limit)),
        "br" => read_bounded(brotli::Decompressor::new(raw, 4096), limit),
        "zstd" => zstd::stream::read::Decoder::new(raw).and_then(|d| read_bounded(d, limit)),
        _ => return None,
    };
    Some(match res {
        Err(e) => Err(DecodeError::Corrupt(go_decoder_text(coding, &e))),
        Ok(out) if out.len() as u64 > limit => Err(DecodeError::TooLarge { limit }),
        Ok(out) => Ok(out),
    })
}

/// All of `r`, or `limit + 1` bytes of it: one byte past the limit tells a body at the
/// limit from one beyond it without decoding the rest.
fn read_bounded(r: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    r.take(limit.saturating_add(1)).read_to_end(&mut out)?;
    Ok(out)
}

/// Go's decoder error for what flate2 and the others report: a body cut short is
/// `unexpected EOF`, a gzip header that is not one `gzip: invalid header`.
fn go_decoder_text(coding: &str, e: &std::io::Error) -> String {
    let text = e.to_string();
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "unexpected EOF".into(),
        _ if coding.ends_with("gzip") && text.contains("header") => "gzip: invalid header".into(),
        _ if coding.ends_with("gzip") && text.contains("checksum") => {
            "gzip: invalid checksum".into()
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_coding_round_trips() {
        let body = b"{\"hello\":\"world\"}".repeat(20);
        for c in [Coding::Gzip, Coding::Deflate, Coding::Br, Coding::Zstd] {
            let (z, header) = compress(&body, &[c]).unwrap();
            assert_eq!(header, c.name());
            let headers: Headers = [("Content-Encoding", header.as_str())]
                .into_iter()
                .collect();
            assert_eq!(
                decode_body(&headers, Bytes::from(z.clone()), MAX_DECODED_BODY).unwrap(),
                body,
                "{c:?}"
            );
        }
    }

    #[test]
    fn stacked_codings_are_undone_in_reverse_order() {
        let body = b"stacked body ".repeat(10);
        let (z, header) = compress(&body, &[Coding::Gzip, Coding::Br]).unwrap();
        assert_eq!(header, "gzip, br");
        let headers: Headers = [("content-encoding", header.as_str())]
            .into_iter()
            .collect();
        assert_eq!(
            decode_body(&headers, Bytes::from(z.clone()), MAX_DECODED_BODY).unwrap(),
            body
        );
        let unknown: Headers = [("Content-Encoding", "x-custom")].into_iter().collect();
        assert_eq!(
            decode_body(&unknown, Bytes::from_static(b"as is"), MAX_DECODED_BODY).unwrap(),
            b"as is"
        );
    }

    #[test]
    fn a_body_expanding_past_the_limit_fails_and_one_at_it_does_not() {
        let body = vec![0u8; 4096];
        for c in [Coding::Gzip, Coding::Deflate, Coding::Br, Coding::Zstd] {
            let (z, header) = compress(&body, &[c]).unwrap();
            let headers: Headers = [("Content-Encoding", header.as_str())]
                .into_iter()
                .collect();
            assert_eq!(
                decode_body(&headers, Bytes::from(z.clone()), 4095),
                Err(DecodeError::TooLarge { limit: 4095 }),
                "{c:?}"
            );
            assert_eq!(decode_body(&headers, Bytes::from(z), 4096).unwrap(), body);
        }
    }

    #[test]
    fn corrupt_bodies_fail_in_gos_words() {
        let gzip: Headers = [("Content-Encoding", "gzip")].into_iter().collect();
        // Shorter than a gzip header: Go's gzip.NewReader says unexpected EOF.
        assert_eq!(
            decode_body(&gzip, Bytes::from_static(b"not gzip!"), MAX_DECODED_BODY),
            Err(DecodeError::Corrupt("unexpected EOF".into()))
        );
        assert_eq!(
            decode_body(
                &gzip,
                Bytes::from_static(b"certainly not gzip"),
                MAX_DECODED_BODY
            ),
            Err(DecodeError::Corrupt("gzip: invalid header".into()))
        );
    }

    #[test]
    fn codings_parse_in_order_and_unknown_ones_are_named() {
        assert_eq!(
            parse_codings("gzip, br").unwrap(),
            vec![Coding::Gzip, Coding::Br]
        );
        assert_eq!(
            parse_codings("foo").unwrap_err(),
            "unknown compression algorithm foo, supported algorithms are [gzip deflate zstd br]"
        );
        assert!(parse_codings("gzip,,br").is_err());
        assert!(parse_codings("").unwrap().is_empty());
    }
}
