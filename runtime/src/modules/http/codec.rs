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

/// Decodes a response body by its `Content-Encoding`: a stacked value such as `gzip, br`
/// is undone in reverse order, as k6 does. A coding rk6 does not know leaves the body as
/// it is at that point (k6 hands such bodies to the script undecoded).
pub fn decode_body(headers: &Headers, raw: Bytes) -> Result<Vec<u8>, String> {
    // Without a copy when `raw` is the only handle on its buffer (a body just read).
    let mut body = Vec::from(raw);
    let Some(value) = headers.get("content-encoding").map(str::to_ascii_lowercase) else {
        return Ok(body);
    };
    for coding in value.split(',').map(str::trim).rev() {
        body = match decode_one(coding, &body) {
            Some(decoded) => decoded.map_err(|e| e.to_string())?,
            None => break,
        };
    }
    Ok(body)
}

/// Undoes one coding; `None` when the coding is not one rk6 decodes (`identity` included).
fn decode_one(coding: &str, raw: &[u8]) -> Option<std::io::Result<Vec<u8>>> {
    let mut out = Vec::new();
    let res = match coding {
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(raw).read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(raw)
            .read_to_end(&mut out)
            .or_else(|_| {
                out.clear();
                flate2::read::DeflateDecoder::new(raw).read_to_end(&mut out)
            }),
        "br" => brotli::Decompressor::new(raw, 4096).read_to_end(&mut out),
        "zstd" => zstd::stream::read::Decoder::new(raw).and_then(|mut d| d.read_to_end(&mut out)),
        _ => return None,
    };
    Some(res.map(|_| out))
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
                decode_body(&headers, Bytes::from(z.clone())).unwrap(),
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
        assert_eq!(decode_body(&headers, Bytes::from(z.clone())).unwrap(), body);
        let unknown: Headers = [("Content-Encoding", "x-custom")].into_iter().collect();
        assert_eq!(
            decode_body(&unknown, Bytes::from_static(b"as is")).unwrap(),
            b"as is"
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
