//! The client: a transport, a base URL, a token source and the policies of `middleware`,
//! applied in one fixed order around every request (see the `middleware` module docs).

use crate::auth::{AllowedHosts, DEFAULT_SCOPE, StaticToken, TokenCache, TokenSource};
use crate::middleware::{Policies, RedirectPolicy, RetryPolicy, Timeouts, is_idempotent};
use crate::response::{Content, Response};
use crate::{Body, Error, Operation, RequestParts, Transport};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// An async client for the operations of a generated SDK. Cheap to clone (one `Arc`); one
/// client serves any number of concurrent calls and shares its token cache.
pub struct Client<T> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    transport: T,
    base_url: String,
    policies: Policies,
    token: Option<TokenCache>,
    allowed: AllowedHosts,
}

impl<T> Clone for Client<T> {
    fn clone(&self) -> Self {
        Client {
            inner: self.inner.clone(),
        }
    }
}

/// Sets up a [`Client`]: [`Client::builder`].
pub struct ClientBuilder<T> {
    transport: T,
    base_url: String,
    policies: Policies,
    token: Option<Arc<dyn TokenSource>>,
    scopes: Vec<String>,
    refresh_margin: Duration,
    allowed: Option<AllowedHosts>,
}

impl<T: Transport> ClientBuilder<T> {
    /// Where tokens come from (none: requests go without `Authorization`).
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.token = Some(Arc::new(source));
        self
    }

    /// A fixed bearer token.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.token_source(StaticToken::new(token))
    }

    /// The scopes asked of the token source (default `https://graph.microsoft.com/.default`).
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How long before its expiry a cached token is refreshed (default 5 minutes).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The hosts the token is sent to (default: the base URL's origin only).
    pub fn allowed_hosts(mut self, hosts: AllowedHosts) -> Self {
        self.allowed = Some(hosts);
        self
    }

    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.policies.retry = retry;
        self
    }

    pub fn redirects(mut self, redirect: RedirectPolicy) -> Self {
        self.policies.redirect = redirect;
        self
    }

    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.policies.timeouts = timeouts;
        self
    }

    /// The `User-Agent` (`None`: none is sent).
    pub fn user_agent(mut self, agent: Option<String>) -> Self {
        self.policies.user_agent = agent;
        self
    }

    pub fn client_request_id(mut self, on: bool) -> Self {
        self.policies.client_request_id = on;
        self
    }

    pub fn gzip(mut self, on: bool) -> Self {
        self.policies.gzip = on;
        self
    }

    /// Every policy at once.
    pub fn policies(mut self, policies: Policies) -> Self {
        self.policies = policies;
        self
    }

    pub fn build(self) -> Client<T> {
        let allowed = self
            .allowed
            .unwrap_or_else(|| AllowedHosts::of_base_url(&self.base_url));
        let token = self
            .token
            .map(|source| TokenCache::new(source, self.scopes, self.refresh_margin));
        Client {
            inner: Arc::new(Inner {
                transport: self.transport,
                base_url: self.base_url,
                policies: self.policies,
                token,
                allowed,
            }),
        }
    }
}

/// A streaming answer: status, headers and the body as it arrives. What
/// [`Client::download`] returns; read it with [`Body::chunk`] or as a `Stream`.
#[derive(Debug)]
pub struct Download {
    pub status: http::StatusCode,
    pub headers: http::HeaderMap,
    pub body: Body,
}

impl Download {
    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        crate::error::header_str(&self.headers, "content-type")
    }

    /// The `Content-Length` header (absent when the body was compressed or chunked).
    pub fn content_length(&self) -> Option<u64> {
        crate::error::header_str(&self.headers, "content-length")?
            .parse()
            .ok()
    }

    /// Write the body to `out` chunk by chunk; the number of bytes written.
    pub async fn write_to(mut self, out: &mut impl std::io::Write) -> Result<u64, Error> {
        let mut written = 0;
        while let Some(chunk) = self.body.chunk().await {
            let chunk = chunk?;
            out.write_all(&chunk)?;
            written += chunk.len() as u64;
        }
        Ok(written)
    }
}

/// Marks a request that must not carry the client's token (an upload session's URL is
/// pre-authenticated: Graph answers `401` to a token there).
#[derive(Clone, Copy, Debug)]
pub(crate) struct NoToken;

impl<T: Transport> Client<T> {
    /// A client for the service at `base_url` (an SDK's `client::DEFAULT_BASE_URL`, a
    /// national cloud, a test server) with the default policies and no token.
    pub fn new(transport: T, base_url: impl Into<String>) -> Self {
        Client::builder(transport, base_url).build()
    }

    /// A client to set up: token source, scopes, allowed hosts, policies.
    pub fn builder(transport: T, base_url: impl Into<String>) -> ClientBuilder<T> {
        ClientBuilder {
            transport,
            base_url: base_url.into(),
            policies: Policies::default(),
            token: None,
            scopes: vec![DEFAULT_SCOPE.to_string()],
            refresh_margin: Duration::from_secs(300),
            allowed: None,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    pub fn policies(&self) -> &Policies {
        &self.inner.policies
    }

    /// How many times the token source was asked for a token.
    pub fn token_refreshes(&self) -> u64 {
        self.inner.token.as_ref().map_or(0, TokenCache::refreshes)
    }

    /// Send one operation and read its typed result.
    pub async fn send<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        let response = self.send_parts(operation.into_parts()?).await?;
        O::parse_response(response)
    }

    /// Send one operation; its typed result with the answer's status and headers
    /// (`request-id`, a `202`'s `Location`).
    pub async fn send_with_response<O: Operation>(
        &self,
        operation: O,
    ) -> Result<Response<O::Output>, Error> {
        let response = self.send_parts(operation.into_parts()?).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let value = O::parse_response(response)?;
        Ok(Response {
            status,
            headers,
            value,
        })
    }

    /// Send request parts through every policy; the whole answer, whatever its status.
    pub async fn send_parts(&self, parts: RequestParts) -> Result<http::Response<Vec<u8>>, Error> {
        let request = parts.into_request(&self.inner.base_url)?;
        let response = self.execute(request, true).await?;
        let (head, body) = response.into_parts();
        Ok(http::Response::from_parts(head, body.collect().await?))
    }

    /// Send an operation whose answer is bytes (a file's `content`, a `$value`) and return
    /// the body as it streams, never whole in memory. Redirects (a download's `302` to a
    /// storage URL) are followed without the token. An unsuccessful status is the error.
    pub async fn download<O: Operation<Output = Content>>(
        &self,
        operation: O,
    ) -> Result<Download, Error> {
        let request = operation.into_parts()?.into_request(&self.inner.base_url)?;
        let response = self.execute(request, false).await?;
        let (head, body) = response.into_parts();
        if !head.status.is_success() {
            let body = body.collect().await?;
            return Err(crate::error::error_for(
                head.status.as_u16(),
                head.headers,
                &body,
            ));
        }
        Ok(Download {
            status: head.status,
            headers: head.headers,
            body,
        })
    }

    /// One call through every policy. `buffered`: read each attempt's body whole, inside
    /// the attempt (a body cut short is a failed attempt, retried like one).
    pub(crate) async fn execute(
        &self,
        mut request: http::Request<Vec<u8>>,
        buffered: bool,
    ) -> Result<http::Response<Body>, Error> {
        let policies = &self.inner.policies;
        policies.prepare(&mut request);
        #[cfg(feature = "tracing")]
        let span = tracing::info_span!(
            "graph.request",
            method = %request.method(),
            url = %request.uri(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let call = self.attempts(request, buffered, &attempts);
        #[cfg(feature = "tracing")]
        let call = tracing::Instrument::instrument(call, span.clone());
        let result = match policies.timeouts.overall {
            Some(after) => tokio::time::timeout(after, call)
                .await
                .unwrap_or(Err(Error::Timeout {
                    after,
                    overall: true,
                })),
            None => call.await,
        };
        #[cfg(feature = "tracing")]
        {
            span.record(
                "attempts",
                attempts.load(std::sync::atomic::Ordering::Relaxed),
            );
            match &result {
                Ok(response) => span.record("status", response.status().as_u16()),
                Err(e) => span.record("status", e.status().unwrap_or(0)),
            };
        }
        result
    }

    /// The attempts of one call: a retryable answer or a failed attempt (of an idempotent
    /// request) is tried again after the wait the retry policy gives. `count` is how many
    /// attempts were made (readable after a timeout cut the call short).
    async fn attempts(
        &self,
        request: http::Request<Vec<u8>>,
        buffered: bool,
        count: &std::sync::atomic::AtomicU32,
    ) -> Result<http::Response<Body>, Error> {
        let retry = &self.inner.policies.retry;
        let mut waited = Duration::ZERO;
        let mut retries = 0;
        loop {
            let mut this = copy(&request);
            if retries > 0 {
                this.headers_mut()
                    .insert("retry-attempt", http::HeaderValue::from(retries));
            }
            count.store(retries + 1, std::sync::atomic::Ordering::Relaxed);
            let outcome = self.attempt(this, buffered).await;
            let again = match &outcome {
                Ok(response) if retry.retries_status(response.status().as_u16()) => {
                    Some(Some(response.headers()))
                }
                Err(Error::Transport(_) | Error::Timeout { overall: false, .. })
                    if retry.max_retries > 0 && is_idempotent(request.method()) =>
                {
                    Some(None)
                }
                _ => None,
            };
            let Some(headers) = again else {
                return outcome;
            };
            retries += 1;
            let Some(wait) = retry.wait(retries, headers, waited, SystemTime::now()) else {
                return outcome;
            };
            drop(outcome);
            tokio::time::sleep(wait).await;
            waited += wait;
        }
    }

    /// One attempt under the attempt timeout: the request and the redirects it leads to.
    async fn attempt(
        &self,
        request: http::Request<Vec<u8>>,
        buffered: bool,
    ) -> Result<http::Response<Body>, Error> {
        let hops = self.follow_redirects(request, buffered);
        match self.inner.policies.timeouts.attempt {
            Some(after) => tokio::time::timeout(after, hops)
                .await
                .unwrap_or(Err(Error::Timeout {
                    after,
                    overall: false,
                })),
            None => hops.await,
        }
    }

    async fn follow_redirects(
        &self,
        mut request: http::Request<Vec<u8>>,
        buffered: bool,
    ) -> Result<http::Response<Body>, Error> {
        let redirect = &self.inner.policies.redirect;
        let mut hops = 0;
        loop {
            self.authorize(&mut request).await?;
            let response = self.inner.transport.send(copy(&request)).await?;
            if let Some(next) = redirect.follow(&request, response.status(), response.headers()) {
                hops += 1;
                if hops > redirect.max_redirects {
                    return Err(Error::TooManyRedirects(redirect.max_redirects));
                }
                request = next;
                continue;
            }
            let (mut head, mut body) = response.into_parts();
            let gzipped = head
                .headers
                .get(http::header::CONTENT_ENCODING)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
            if gzipped && self.inner.policies.gzip {
                head.headers.remove(http::header::CONTENT_ENCODING);
                head.headers.remove(http::header::CONTENT_LENGTH);
                body = crate::body::gunzip(body);
            }
            if buffered {
                body = Body::from(body.collect().await?);
            }
            return Ok(http::Response::from_parts(head, body));
        }
    }

    /// Add the token when the request goes to an allowed host (and the request may carry
    /// one); never send it elsewhere.
    async fn authorize(&self, request: &mut http::Request<Vec<u8>>) -> Result<(), Error> {
        let Some(cache) = &self.inner.token else {
            return Ok(());
        };
        if request.extensions().get::<NoToken>().is_some()
            || !self.inner.allowed.allows(request.uri())
        {
            request.headers_mut().remove(http::header::AUTHORIZATION);
            return Ok(());
        }
        let token = cache.token().await?;
        let value = http::HeaderValue::try_from(format!("Bearer {token}"))
            .map_err(|e| Error::Request(e.to_string()))?;
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
        Ok(())
    }

    /// Whether `url` (a `nextLink`, a `deltaLink`) is within the base URL's origin, so the
    /// client may follow it with its token.
    pub(crate) fn owns(&self, url: &str) -> bool {
        match (
            url.parse::<http::Uri>(),
            self.inner.base_url.parse::<http::Uri>(),
        ) {
            (Ok(url), Ok(base)) => crate::middleware::same_origin(&url, &base),
            _ => false,
        }
    }
}

/// A request sent again: method, URI, headers, body and extensions.
fn copy(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    *copy.extensions_mut() = request.extensions().clone();
    copy
}
