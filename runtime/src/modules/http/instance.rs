//! `k6/http`'s per-VU instance: the VU's client (its connection pool), its cookie jar, the
//! expected statuses and the last hop's tags. k6 resets the jar (and, under
//! `noVUConnectionReuse`, the connections) before every iteration.

use std::sync::{Arc, Mutex};

use cookie_store::CookieStore;

use crate::metrics::Wire;
use crate::net::client::{HttpClient, Jar};
use crate::net::config::HttpConfig;
use crate::net::connector::Connector;
use crate::vu::instances::Instance;
use crate::vu::state::VuState;

/// HTTP state of one VU.
pub struct VuHttp {
    vu: u64,
    /// Built on the VU's first request: VUs that never send one cost nothing here.
    client: Option<HttpClient>,
    /// The VU's wire counter, which its connections count into.
    wire: Arc<Wire>,
    /// The VU's own jar (`http.cookieJar()`); jars from `new http.CookieJar()` belong to
    /// their JS objects.
    pub vu_jar: Jar,
    /// The last hop's tag inputs and tag set, reused while a VU repeats a request.
    pub last_hop_tags: Option<(super::response::OwnedHopTagKey, crate::metrics::TagSet)>,
    /// Set by `http.setResponseCallback`; `None` means no `http_req_failed`.
    pub expected: Option<Expected>,
    no_cookies_reset: bool,
    no_vu_connection_reuse: bool,
}

impl VuHttp {
    /// The HTTP state of VU `vu` (its number picks its `localIPs` address).
    fn new(config: &HttpConfig, vu: u64, wire: Arc<Wire>) -> Self {
        VuHttp {
            vu,
            client: None,
            wire,
            vu_jar: Arc::new(Mutex::new(CookieStore::new())),
            last_hop_tags: None,
            expected: Some(Expected::default()),
            no_cookies_reset: config.no_cookies_reset,
            no_vu_connection_reuse: config.no_vu_connection_reuse,
        }
    }

    /// The VU's client (its connection pool), created on first use.
    pub fn client(&mut self, config: &HttpConfig) -> HttpClient {
        if let Some(c) = &self.client {
            return c.clone();
        }
        let c = build_client(config, self.vu, self.wire.clone());
        self.client = Some(c.clone());
        c
    }
}

impl Instance for VuHttp {
    fn new(vu: &VuState) -> Self {
        VuHttp::new(&vu.config.http, vu.id, vu.wire.clone())
    }

    /// k6 starts every iteration with an empty VU jar unless `noCookiesReset`, and with
    /// fresh connections under `noVUConnectionReuse`.
    fn iteration_started(&mut self) {
        if !self.no_cookies_reset {
            self.vu_jar = Arc::new(Mutex::new(CookieStore::new()));
        }
        if self.no_vu_connection_reuse {
            self.client = None;
        }
    }
}

fn build_client(config: &HttpConfig, vu: u64, wire: Arc<Wire>) -> HttpClient {
    let connector = Connector::new(config, vu, wire);
    crate::net::pool::Pool::new(connector, !config.no_connection_reuse)
}

/// Which statuses count as expected (`http.expectedStatuses`); default 200–399.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub ranges: Vec<(u16, u16)>,
}

impl Default for Expected {
    fn default() -> Self {
        Expected {
            ranges: vec![(200, 399)],
        }
    }
}

impl Expected {
    pub fn matches(&self, status: u16) -> bool {
        self.ranges
            .iter()
            .any(|(a, b)| *a <= status && status <= *b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_expected_statuses_are_200_to_399() {
        let e = Expected::default();
        assert!(e.matches(200) && e.matches(302) && !e.matches(404) && !e.matches(199));
    }
}
