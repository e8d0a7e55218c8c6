//! k6's error codes for failed requests (`lib/netext/httpext/error_codes.go`), by name:
//! what `res.error_code` holds when a request fails before or while its response arrives.
//! A response with status >= 400 has the code 1000 + status instead.

/// Any failure without a more specific code.
pub const DEFAULT: u32 = 1000;
/// No error: a request that failed before it was sent for a reason k6 gives no code (a bad
/// `compression` param), and a response below 400.
pub const NONE: u32 = 0;

/// The code of a response that arrived with `status` and no transport error: 1000 + status
/// from 400 up, else [`NONE`].
pub fn for_status(status: u16) -> u32 {
    if status >= 400 {
        DEFAULT + u32::from(status)
    } else {
        NONE
    }
}
/// A network error that is not a TCP one.
pub const NET_NON_TCP: u32 = 1010;
pub const INVALID_URL: u32 = 1020;
pub const REQUEST_TIMEOUT: u32 = 1050;
pub const DNS_NO_SUCH_HOST: u32 = 1101;
pub const BLACKLISTED_IP: u32 = 1110;
pub const BLOCKED_HOSTNAME: u32 = 1111;
pub const TCP_BROKEN_PIPE: u32 = 1201;
pub const TCP_DIAL: u32 = 1210;
pub const TCP_DIAL_TIMEOUT: u32 = 1211;
pub const TCP_DIAL_REFUSED: u32 = 1212;
pub const TCP_RESET_BY_PEER: u32 = 1220;
pub const TLS: u32 = 1300;
pub const X509_UNKNOWN_AUTHORITY: u32 = 1310;
pub const X509_HOSTNAME: u32 = 1311;
pub const HTTP2: u32 = 1600;
pub const RESPONSE_DECOMPRESSION: u32 = 1701;
