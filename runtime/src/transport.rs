//! The one thing the client needs from an HTTP stack: send a request, return the status,
//! headers and a streamed body. Retries, redirects, tokens and decoding are the client's
//! (`middleware`), so a transport does none of them.

use crate::{Body, Error};
use std::future::Future;

/// Sends one request and returns the answer as it arrives (the body may still be
/// streaming). Implement it for any HTTP stack; `ReqwestTransport` (feature `reqwest`) is one. A transport
/// must not follow redirects or decode bodies itself: the client does both.
pub trait Transport: Send + Sync + 'static {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> impl Future<Output = Result<http::Response<Body>, Error>> + Send;
}

/// A [`Transport`] over reqwest (feature `reqwest`; add `reqwest-rustls` for HTTPS). Its
/// [`Default`] does not follow redirects (the client does); a `reqwest::Client` given here
/// should be built with `redirect(reqwest::redirect::Policy::none())` too.
#[cfg(feature = "reqwest")]
#[derive(Clone, Debug)]
pub struct ReqwestTransport(pub reqwest::Client);

#[cfg(feature = "reqwest")]
impl Default for ReqwestTransport {
    fn default() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        ReqwestTransport(client)
    }
}

#[cfg(feature = "reqwest")]
impl Transport for ReqwestTransport {
    async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Body>, Error> {
        let request = reqwest::Request::try_from(request).map_err(Error::transport)?;
        let response = self.0.execute(request).await.map_err(Error::transport)?;
        let mut builder = http::Response::builder().status(response.status());
        if let Some(headers) = builder.headers_mut() {
            *headers = response.headers().clone();
        }
        let chunks = futures_util::stream::unfold(Some(response), |response| async move {
            let mut response = response?;
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                Ok(None) => None,
                Err(e) => Some((Err(Error::transport(e)), None)),
            }
        });
        builder
            .body(Body::from_stream(chunks))
            .map_err(|e| Error::Request(e.to_string()))
    }
}
