//! Redirect endpoints: `/redirect/{n}`, `/relative-redirect/{n}`,
//! `/absolute-redirect/{n}` (chains of `n` hops ending at `/get`) and
//! `/redirect-to?url=...&status_code=...`.

use http::StatusCode;

use super::echo::Req;
use super::respond::{self, Reject, Resp};

/// The path one hop further down a chain of `kind` redirects.
fn next_hop(kind: &str, n: u64) -> Result<String, Reject> {
    match n {
        0 => Err(Reject::bad("redirect count must be positive")),
        1 => Ok("/get".to_owned()),
        _ => Ok(format!("/{kind}-redirect/{}", n - 1)),
    }
}

/// `/redirect/{n}`: relative hops unless `?absolute=true`.
pub(super) fn redirect(req: &Req, n: u64) -> Result<Resp, Reject> {
    let absolute = req
        .arg("absolute")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if absolute {
        return absolute_redirect(req, n);
    }
    respond::redirect(StatusCode::FOUND, &next_hop("relative", n)?)
}

pub(super) fn relative_redirect(n: u64) -> Result<Resp, Reject> {
    respond::bare_redirect(StatusCode::FOUND, &next_hop("relative", n)?)
}

pub(super) fn absolute_redirect(req: &Req, n: u64) -> Result<Resp, Reject> {
    let location = format!("{}{}", req.base_url(), next_hop("absolute", n)?);
    respond::redirect(StatusCode::FOUND, &location)
}

/// `/redirect-to`: redirects to `url` with `status_code` if it is a 3xx,
/// else 302.
pub(super) fn redirect_to(req: &Req) -> Result<Resp, Reject> {
    let url = req
        .arg("url")
        .ok_or_else(|| Reject::bad("missing url parameter"))?;
    let status = match req.arg("status_code") {
        Some(code) => code
            .trim()
            .parse::<u16>()
            .map_err(|_| Reject::bad("invalid status_code"))?,
        None => 302,
    };
    let status = StatusCode::from_u16(status)
        .ok()
        .filter(StatusCode::is_redirection)
        .unwrap_or(StatusCode::FOUND);
    respond::bare_redirect(status, &url)
}
