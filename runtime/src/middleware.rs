//! The policies the [`crate::Client`] applies around every request, each a plain value with
//! its decisions as functions that are tested alone (`tests` below) and through the client
//! against a local server (`tests/faults.rs`).
//!
//! The pipeline is fixed and small rather than a `tower` stack: per call, headers are set
//! once (`User-Agent`, `client-request-id`, `Accept-Encoding`), then up to
//! [`RetryPolicy::max_retries`] + 1 attempts run, each under [`Timeouts::attempt`] and each
//! following redirects ([`RedirectPolicy`]) with the token added per hop to allowed hosts
//! only; the whole call runs under [`Timeouts::overall`]. A fixed order means no layer can
//! be put where it breaks another (a retry outside the redirects, a token added after
//! them), and it costs generated SDKs no `tower` types in their compile.

use std::time::{Duration, SystemTime};

/// When and how often a request is sent again. On by default (as in Microsoft's SDKs):
/// `429 Too Many Requests`, `503 Service Unavailable` and `504 Gateway Timeout` are retried
/// up to 3 times, waiting what `Retry-After` says (seconds or an HTTP date) or else an
/// exponential backoff with jitter, at most 180 s in all. A request is sent again only when
/// that is safe: after a retryable status (the service did not act on it, and the client
/// holds the body, so it is replayed as it was), or after a failed or timed-out attempt when
/// the method is idempotent (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: never retry).
    pub max_retries: u32,
    /// The first backoff wait when the service sends no `Retry-After`; doubled per retry.
    pub base_delay: Duration,
    /// The longest single wait (a longer `Retry-After` ends the retries).
    pub max_delay: Duration,
    /// The most time spent waiting across all retries of one call.
    pub max_total_wait: Duration,
    /// Statuses that are retried.
    pub statuses: Vec<u16>,
    /// Randomize each backoff wait between half and all of it, so many clients throttled
    /// together do not come back together.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_secs(3),
            max_delay: Duration::from_secs(180),
            max_total_wait: Duration::from_secs(180),
            statuses: vec![429, 503, 504],
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Whether an answer with `status` is retried (attempts and time permitting).
    pub fn retries_status(&self, status: u16) -> bool {
        self.max_retries > 0 && self.statuses.contains(&status)
    }

    /// How long to wait before retry number `retry` (1 for the first), given the headers of
    /// the answer that asked for it (none after a failed attempt) and the time `waited` so
    /// far; `None` when there is no retry left or the wait would pass a limit.
    pub fn wait(
        &self,
        retry: u32,
        headers: Option<&http::HeaderMap>,
        waited: Duration,
        now: SystemTime,
    ) -> Option<Duration> {
        if retry == 0 || retry > self.max_retries {
            return None;
        }
        let wait = match headers.and_then(|h| retry_after(h, now)) {
            Some(asked) => asked,
            None => self.backoff(retry),
        };
        (wait <= self.max_delay && waited + wait <= self.max_total_wait).then_some(wait)
    }

    /// The backoff before retry number `retry` when the service says nothing:
    /// `base_delay * 2^(retry-1)`, capped at `max_delay`, with jitter between half and all.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32 << retry.saturating_sub(1).min(16);
        let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
        if self.jitter {
            let half = full / 2;
            half + full.mul_f64(fastrand::f64()) / 2
        } else {
            full
        }
    }
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date (a date in the
/// past is no wait).
pub fn retry_after(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether a request with `method` may be sent again after an attempt that failed midway
/// (the service may have acted on it).
pub fn is_idempotent(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET
            | http::Method::HEAD
            | http::Method::PUT
            | http::Method::DELETE
            | http::Method::OPTIONS
    )
}

/// Which redirects are followed. On by default: up to 5 in a row (`301`, `302`, `303`,
/// `307`, `308` with a `Location`). `303` (and `301`/`302` after a `POST`) continue as a
/// `GET` without the body; `307`/`308` keep method and body. The `Authorization` header is
/// dropped when a redirect leaves the origin (scheme, host and port) of the request (a
/// download's `302` to a pre-authenticated storage URL gets no token), and the client adds
/// its token again only for allowed hosts.
#[derive(Clone, Debug, PartialEq)]
pub struct RedirectPolicy {
    /// Redirects followed in a row (0: a redirect is returned as the answer).
    pub max_redirects: usize,
}

impl Default for RedirectPolicy {
    fn default() -> Self {
        RedirectPolicy { max_redirects: 5 }
    }
}

impl RedirectPolicy {
    /// Never follow a redirect.
    pub fn none() -> Self {
        RedirectPolicy { max_redirects: 0 }
    }

    /// The request to send next when `status` with `headers` answered `request`; `None`
    /// when the answer is not a redirect to follow.
    pub fn follow(
        &self,
        request: &http::Request<Vec<u8>>,
        status: http::StatusCode,
        headers: &http::HeaderMap,
    ) -> Option<http::Request<Vec<u8>>> {
        if self.max_redirects == 0 || !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
            return None;
        }
        let location = headers.get(http::header::LOCATION)?.to_str().ok()?;
        let target = resolve(request.uri(), location)?;
        let as_get = status == http::StatusCode::SEE_OTHER
            || (matches!(status.as_u16(), 301 | 302) && request.method() == http::Method::POST);
        let mut next = http::Request::new(if as_get {
            Vec::new()
        } else {
            request.body().clone()
        });
        *next.method_mut() = if as_get && request.method() != http::Method::HEAD {
            http::Method::GET
        } else {
            request.method().clone()
        };
        *next.headers_mut() = request.headers().clone();
        if as_get {
            next.headers_mut().remove(http::header::CONTENT_TYPE);
            next.headers_mut().remove(http::header::CONTENT_LENGTH);
        }
        if !same_origin(request.uri(), &target) {
            next.headers_mut().remove(http::header::AUTHORIZATION);
            next.headers_mut().remove(http::header::COOKIE);
        }
        *next.uri_mut() = target;
        *next.extensions_mut() = request.extensions().clone();
        Some(next)
    }
}

/// `location` read against the URI it answered: absolute, absolute-path or relative.
fn resolve(base: &http::Uri, location: &str) -> Option<http::Uri> {
    if location.contains("://") {
        return location.parse().ok();
    }
    let scheme = base.scheme_str()?;
    let authority = base.authority()?.as_str();
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{scheme}://{rest}").parse().ok();
    }
    let path = if location.starts_with('/') {
        location.to_string()
    } else {
        let dir = base.path().rsplit_once('/').map_or("", |(dir, _)| dir);
        format!("{dir}/{location}")
    };
    format!("{scheme}://{authority}{path}").parse().ok()
}

/// Whether `a` and `b` have the same scheme, host and port.
pub fn same_origin(a: &http::Uri, b: &http::Uri) -> bool {
    fn port(u: &http::Uri) -> Option<u16> {
        u.port_u16().or(match u.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        })
    }
    a.scheme_str().map(str::to_ascii_lowercase) == b.scheme_str().map(str::to_ascii_lowercase)
        && a.host().map(str::to_ascii_lowercase) == b.host().map(str::to_ascii_lowercase)
        && port(a) == port(b)
}

/// Time limits. On by default: 100 s per attempt (the default of .NET's `HttpClient`, which
/// Microsoft's .NET SDK runs on) and 300 s for a whole call with its retries. A streaming
/// download's limits cover the wait for its headers; its body is read at the caller's pace.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeouts {
    pub attempt: Option<Duration>,
    pub overall: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            attempt: Some(Duration::from_secs(100)),
            overall: Some(Duration::from_secs(300)),
        }
    }
}

/// Every policy of a client. [`Policies::default`] is what Microsoft's SDKs do by default;
/// each field can be changed on its own (see [`crate::ClientBuilder`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Policies {
    pub retry: RetryPolicy,
    pub redirect: RedirectPolicy,
    pub timeouts: Timeouts,
    /// Sent as `User-Agent` unless the request sets its own.
    pub user_agent: Option<String>,
    /// Send a new `client-request-id` (a UUID) with every call, the same across its
    /// retries, so a call can be found in the service's logs.
    pub client_request_id: bool,
    /// Ask for `gzip` (`Accept-Encoding`) and decode gzip answers as they stream.
    pub gzip: bool,
}

/// The `User-Agent` sent by default.
pub const USER_AGENT: &str = concat!("doc2rs-runtime/", env!("CARGO_PKG_VERSION"));

impl Default for Policies {
    fn default() -> Self {
        Policies {
            retry: RetryPolicy::default(),
            redirect: RedirectPolicy::default(),
            timeouts: Timeouts::default(),
            user_agent: Some(USER_AGENT.to_string()),
            client_request_id: true,
            gzip: true,
        }
    }
}

impl Policies {
    /// Set the per-call headers on `request`: `User-Agent` (unless set), `client-request-id`
    /// (unless set), `Accept-Encoding: gzip` (unless set).
    pub fn prepare(&self, request: &mut http::Request<Vec<u8>>) {
        let headers = request.headers_mut();
        if let Some(agent) = &self.user_agent
            && !headers.contains_key(http::header::USER_AGENT)
            && let Ok(value) = http::HeaderValue::from_str(agent)
        {
            headers.insert(http::header::USER_AGENT, value);
        }
        if self.client_request_id && !headers.contains_key("client-request-id") {
            let id = uuid::Uuid::new_v4().hyphenated().to_string();
            if let Ok(value) = http::HeaderValue::from_str(&id) {
                headers.insert("client-request-id", value);
            }
        }
        if self.gzip && !headers.contains_key(http::header::ACCEPT_ENCODING) {
            headers.insert(
                http::header::ACCEPT_ENCODING,
                http::HeaderValue::from_static("gzip"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let h = headers(&[("retry-after", "7")]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let h = headers(&[("retry-after", &later)]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        let h = headers(&[("retry-after", &earlier)]);
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&http::HeaderMap::new(), now), None);
    }

    #[test]
    fn waits_follow_retry_after_then_backoff_within_the_limits() {
        let now = SystemTime::now();
        let p = RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        };
        let h = headers(&[("retry-after", "2")]);
        assert_eq!(
            p.wait(1, Some(&h), Duration::ZERO, now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            p.wait(1, None, Duration::ZERO, now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            p.wait(2, None, Duration::ZERO, now),
            Some(Duration::from_secs(6))
        );
        assert_eq!(
            p.wait(3, None, Duration::ZERO, now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            p.wait(4, None, Duration::ZERO, now),
            None,
            "3 retries at most"
        );
        let long = headers(&[("retry-after", "181")]);
        assert_eq!(
            p.wait(1, Some(&long), Duration::ZERO, now),
            None,
            "over max_delay"
        );
        let h = headers(&[("retry-after", "100")]);
        assert_eq!(
            p.wait(2, Some(&h), Duration::from_secs(100), now),
            None,
            "over the total"
        );
        assert_eq!(RetryPolicy::none().wait(1, None, Duration::ZERO, now), None);
        assert!(!RetryPolicy::none().retries_status(429));
        assert!(p.retries_status(429) && p.retries_status(503) && p.retries_status(504));
        assert!(!p.retries_status(500) && !p.retries_status(404));
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_backoff() {
        let p = RetryPolicy::default();
        for retry in 1..=3 {
            let full = Duration::from_secs(3) * (1 << (retry - 1));
            for _ in 0..200 {
                let d = p.backoff(retry);
                assert!(d >= full / 2 && d <= full, "{d:?} for {full:?}");
            }
        }
    }

    #[test]
    fn only_idempotent_methods_are_replayed_after_a_failure() {
        for m in ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"] {
            assert!(is_idempotent(&m.parse().unwrap()), "{m}");
        }
        for m in ["POST", "PATCH"] {
            assert!(!is_idempotent(&m.parse().unwrap()), "{m}");
        }
    }

    fn request(method: &str, uri: &str) -> http::Request<Vec<u8>> {
        http::Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", "Bearer secret")
            .header("content-type", "application/json")
            .body(b"{}".to_vec())
            .unwrap()
    }

    fn redirect(status: u16, location: &str) -> (http::StatusCode, http::HeaderMap) {
        (
            http::StatusCode::from_u16(status).unwrap(),
            headers(&[("location", location)]),
        )
    }

    #[test]
    fn a_redirect_to_another_origin_drops_the_token() {
        let p = RedirectPolicy::default();
        let r = request(
            "GET",
            "https://graph.microsoft.com/v1.0/me/drive/items/1/content",
        );
        let (s, h) = redirect(302, "https://storage.example.net/file?sig=abc");
        let next = p.follow(&r, s, &h).unwrap();
        assert_eq!(next.uri(), "https://storage.example.net/file?sig=abc");
        assert!(!next.headers().contains_key("authorization"));
        // Same origin: kept; another port or scheme is another origin.
        let (s, h) = redirect(301, "/v1.0/users/2");
        let next = p.follow(&r, s, &h).unwrap();
        assert_eq!(next.uri(), "https://graph.microsoft.com/v1.0/users/2");
        assert!(next.headers().contains_key("authorization"));
        for other in [
            "https://graph.microsoft.com:8443/x",
            "http://graph.microsoft.com/x",
        ] {
            let (s, h) = redirect(307, other);
            let next = p.follow(&r, s, &h).unwrap();
            assert!(!next.headers().contains_key("authorization"), "{other}");
        }
        let (s, h) = redirect(302, "other");
        let next = p.follow(&r, s, &h).unwrap();
        assert_eq!(
            next.uri(),
            "https://graph.microsoft.com/v1.0/me/drive/items/1/other"
        );
    }

    #[test]
    fn see_other_becomes_a_get_and_307_keeps_the_body() {
        let p = RedirectPolicy::default();
        let r = request("POST", "https://a.test/x");
        let (s, h) = redirect(303, "https://a.test/y");
        let next = p.follow(&r, s, &h).unwrap();
        assert_eq!(next.method(), http::Method::GET);
        assert!(next.body().is_empty() && !next.headers().contains_key("content-type"));
        let (s, h) = redirect(307, "https://a.test/y");
        let next = p.follow(&r, s, &h).unwrap();
        assert_eq!(next.method(), http::Method::POST);
        assert_eq!(next.body(), b"{}");
        let (s, h) = redirect(200, "https://a.test/y");
        assert!(p.follow(&r, s, &h).is_none());
        let (s, h) = redirect(302, "https://a.test/y");
        assert!(RedirectPolicy::none().follow(&r, s, &h).is_none());
    }

    #[test]
    fn prepare_sets_agent_id_and_encoding_once() {
        let p = Policies::default();
        let mut a = request("GET", "https://a.test/x");
        p.prepare(&mut a);
        let mut b = request("GET", "https://a.test/x");
        p.prepare(&mut b);
        assert_eq!(a.headers()["user-agent"], USER_AGENT);
        assert_eq!(a.headers()["accept-encoding"], "gzip");
        let id = a.headers()["client-request-id"]
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(id.len(), 36);
        assert_ne!(id, b.headers()["client-request-id"], "one id per call");
        p.prepare(&mut a);
        assert_eq!(a.headers()["client-request-id"], id.as_str(), "kept");
        let off = Policies {
            user_agent: None,
            client_request_id: false,
            gzip: false,
            ..Policies::default()
        };
        let mut c = request("GET", "https://a.test/x");
        off.prepare(&mut c);
        for h in ["user-agent", "client-request-id", "accept-encoding"] {
            assert!(!c.headers().contains_key(h), "{h}");
        }
    }
}
