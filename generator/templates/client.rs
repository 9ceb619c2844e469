//! Request support shared by all generated operations: building `http::Request`s safely
//! (sans-IO), mapping responses to typed results or typed Graph errors, paging, and a small
//! async client over a pluggable transport. Written by hand (in the doc2rs repository,
//! `generator/templates/client.rs`) and copied verbatim into every SDK.

use crate::runtime::Collection;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::future::Future;
use std::sync::Arc;

/// The service root of the docs this SDK was generated from.
pub const DEFAULT_BASE_URL: &str = "https://graph.microsoft.com/beta";

/// The `error` object of a Graph error response: `{"error": {"code", "message", ...}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<serde_json::Value>,
    /// Anything else the service sent.
    #[serde(flatten)]
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: GraphError,
}

/// Everything that can go wrong calling an operation.
#[derive(Debug)]
pub enum Error {
    /// A path value was empty, `.` or `..`: it would change which resource the path names.
    InvalidPathValue(&'static str),
    /// The service answered with a Graph error body.
    Graph { status: u16, error: Box<GraphError> },
    /// The service answered with an unsuccessful status and no Graph error body.
    Status { status: u16, body: Vec<u8> },
    /// A body could not be serialized or a response could not be deserialized.
    Json(serde_json::Error),
    /// The request could not be assembled (an invalid base URL or header value).
    Request(String),
    /// A `@odata.nextLink` points outside the client's base URL; it is not followed.
    ForeignNextLink(String),
    /// The transport failed.
    Transport(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidPathValue(name) => {
                write!(f, "path value `{name}` is empty, `.` or `..`")
            }
            Error::Graph { status, error } => write!(
                f,
                "HTTP {status}: {}: {}",
                error.code.as_deref().unwrap_or("error"),
                error.message.as_deref().unwrap_or("")
            ),
            Error::Status { status, .. } => write!(f, "HTTP {status}"),
            Error::Json(e) => write!(f, "JSON: {e}"),
            Error::Request(e) => write!(f, "invalid request: {e}"),
            Error::ForeignNextLink(url) => write!(f, "nextLink outside the base URL: {url}"),
            Error::Transport(e) => write!(f, "transport: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e)
    }
}

/// Characters kept as they are in a path value: RFC 3986 unreserved, minus `.`.
/// Everything else is percent-encoded, so a value is always exactly one segment.
const PATH_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'~');

/// Characters encoded in a query value.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'$')
    .remove(b',')
    .remove(b'/')
    .remove(b'(')
    .remove(b')')
    .remove(b'\'');

/// A request path under construction: literal text from the docs, caller values encoded.
#[derive(Debug, Default)]
pub struct PathBuilder {
    path: String,
}

impl PathBuilder {
    pub fn new() -> Self {
        PathBuilder::default()
    }

    /// Literal text from the docs (already valid path text).
    pub fn literal(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// A caller value that fills one path segment (or part of one).
    pub fn param(&mut self, name: &'static str, value: &str) -> Result<(), Error> {
        // Empty values and dot segments would name another resource (URL parsers resolve
        // `..` even when percent-encoded), so they are refused.
        if matches!(value, "" | "." | "..") {
            return Err(Error::InvalidPathValue(name));
        }
        self.path
            .extend(percent_encoding::utf8_percent_encode(value, PATH_VALUE));
        Ok(())
    }

    /// A caller value inside an OData string literal (`f(key='value')`): quotes doubled.
    pub fn quoted(&mut self, name: &'static str, value: &str) -> Result<(), Error> {
        self.param(name, &value.replace('\'', "''"))
    }

    pub fn finish(self) -> String {
        self.path
    }
}

/// Method, path, query, headers and body of one request, before a base URL is applied.
#[derive(Clone, Debug)]
pub struct RequestParts {
    pub method: http::Method,
    /// A path relative to the base URL, or an absolute URL (a nextLink).
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl RequestParts {
    pub fn new(method: http::Method, path: String) -> Self {
        RequestParts {
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// The parts of a request to a documented path. `template` is the path's literal text
    /// (already valid path text: the generator percent-encodes anything else, so it holds no
    /// `{`) with `{}` where a caller value fills a segment and `{'}` where it goes inside an
    /// OData string literal (`f(key='{'}')`, quotes doubled); `values` are the caller values
    /// in order, each with its parameter's name. A value is percent-encoded so it is always
    /// exactly one segment; an empty, `.` or `..` value is an error.
    pub fn at(
        method: http::Method,
        template: &str,
        values: &[(&'static str, &str)],
    ) -> Result<Self, Error> {
        let mut path = PathBuilder::new();
        let mut values = values.iter();
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            path.literal(&rest[..start]);
            let (quoted, len) = if rest[start..].starts_with("{'}") {
                (true, 3)
            } else {
                (false, 2)
            };
            if let Some((name, value)) = values.next() {
                if quoted {
                    path.quoted(name, value)?;
                } else {
                    path.param(name, value)?;
                }
            }
            rest = &rest[start + len..];
        }
        path.literal(rest);
        Ok(RequestParts::new(method, path.finish()))
    }
    /// [`RequestParts::at`] with a JSON body.
    pub fn at_json<B: Serialize>(
        method: http::Method,
        template: &str,
        values: &[(&'static str, &str)],
        body: &B,
    ) -> Result<Self, Error> {
        let mut parts = Self::at(method, template, values)?;
        parts.body = Some(serde_json::to_vec(body)?);
        Ok(parts)
    }
    /// Add a query option (`$select`, `$top`, ...); the value is encoded.
    pub fn push_query(&mut self, name: &str, value: String) {
        self.query.push((name.to_string(), value));
    }

    pub fn push_header(&mut self, name: &str, value: String) {
        self.headers.push((name.to_string(), value));
    }

    /// Assemble the `http::Request` against a base URL (e.g. [`DEFAULT_BASE_URL`]).
    pub fn into_request(self, base_url: &str) -> Result<http::Request<Vec<u8>>, Error> {
        let mut url = if self.path.starts_with("https://") || self.path.starts_with("http://") {
            self.path
        } else {
            format!("{}{}", base_url.trim_end_matches('/'), self.path)
        };
        for (i, (k, v)) in self.query.iter().enumerate() {
            url.push(if i == 0 && !url.contains('?') { '?' } else { '&' });
            url.extend(percent_encoding::utf8_percent_encode(k, QUERY_VALUE));
            url.push('=');
            url.extend(percent_encoding::utf8_percent_encode(v, QUERY_VALUE));
        }
        let mut builder = http::Request::builder().method(self.method).uri(url);
        for (k, v) in &self.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        if self.body.is_some() {
            builder = builder.header(http::header::CONTENT_TYPE, "application/json");
        }
        builder
            .body(self.body.unwrap_or_default())
            .map_err(|e| Error::Request(e.to_string()))
    }
}

/// A request for the documented operation whose marker type is `K`: the builders in
/// `requests` are aliases of it (`type GetUsers = Request<kinds::GetUsers>`), each with its
/// own constructors and setters, while the `Operation` impl, `Clone` and `Debug` are written
/// once here for all of them (see ARCHITECTURE.md, "Generated code").
pub struct Request<K> {
    parts: RequestParts,
    kind: std::marker::PhantomData<fn() -> K>,
}
impl<K> Request<K> {
    /// The request as it stands.
    pub fn parts(&self) -> &RequestParts {
        &self.parts
    }
}
impl<K> Clone for Request<K> {
    fn clone(&self) -> Self {
        Request {
            parts: self.parts.clone(),
            kind: std::marker::PhantomData,
        }
    }
}
impl<K> fmt::Debug for Request<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Request").field(&self.parts).finish()
    }
}
/// What the marker type of a documented operation says about its response.
pub trait Kind {
    /// The typed result (`()` when the response has no body).
    type Output: DeserializeOwned;
    /// The documented response has no body: any body is ignored.
    const NO_CONTENT: bool = false;
}
impl<K: Kind> Operation for Request<K> {
    type Output = K::Output;
    fn into_parts(self) -> Result<RequestParts, Error> {
        Ok(self.parts)
    }
    fn parse_response(status: u16, body: &[u8]) -> Result<K::Output, Error> {
        if K::NO_CONTENT {
            parse_empty(status, body)?;
            Ok(K::Output::deserialize(serde_json::Value::Null)?)
        } else {
            parse_json(status, body)
        }
    }
}
/// A request to a documented path (see [`RequestParts::at`]): what every generated
/// constructor calls.
pub fn request<K>(
    method: http::Method,
    template: &str,
    values: &[(&'static str, &str)],
) -> Result<Request<K>, Error> {
    Ok(Request {
        parts: RequestParts::at(method, template, values)?,
        kind: std::marker::PhantomData,
    })
}
/// [`request`] with a JSON body.
pub fn request_json<K, B: Serialize>(
    method: http::Method,
    template: &str,
    values: &[(&'static str, &str)],
    body: &B,
) -> Result<Request<K>, Error> {
    Ok(Request {
        parts: RequestParts::at_json(method, template, values, body)?,
        kind: std::marker::PhantomData,
    })
}
/// Adds a query option to a request: what every generated query setter calls.
pub fn with_query<K>(mut request: Request<K>, name: &str, value: String) -> Request<K> {
    request.parts.push_query(name, value);
    request
}
/// Adds a header to a request: what every generated header setter calls.
pub fn with_header<K>(mut request: Request<K>, name: &str, value: String) -> Request<K> {
    request.parts.push_header(name, value);
    request
}
/// One documented operation: how to build its request and read its response.
pub trait Operation {
    /// The typed result (`()` when the response has no body).
    type Output;
    fn into_parts(self) -> Result<RequestParts, Error>;
    fn parse_response(status: u16, body: &[u8]) -> Result<Self::Output, Error>;
}

/// The error for an unsuccessful status: a typed Graph error when the body is one.
pub fn error_for(status: u16, body: &[u8]) -> Error {
    match serde_json::from_slice::<ErrorEnvelope>(body) {
        Ok(envelope) => Error::Graph {
            status,
            error: Box::new(envelope.error),
        },
        Err(_) => Error::Status {
            status,
            body: body.to_vec(),
        },
    }
}

/// Read a JSON response body.
pub fn parse_json<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    if !(200..300).contains(&status) {
        return Err(error_for(status, body));
    }
    Ok(serde_json::from_slice(body)?)
}

/// Read a response that carries no body.
pub fn parse_empty(status: u16, body: &[u8]) -> Result<(), Error> {
    if !(200..300).contains(&status) {
        return Err(error_for(status, body));
    }
    Ok(())
}

/// Sends requests. Implement it for any HTTP stack; [`ReqwestTransport`] is one.
pub trait Transport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> impl Future<Output = Result<http::Response<Vec<u8>>, Error>> + Send;
}

type TokenHook = Arc<dyn Fn() -> String + Send + Sync>;

/// An async client: a transport, a base URL and an optional bearer-token hook.
#[derive(Clone)]
pub struct Client<T> {
    transport: T,
    base_url: String,
    token: Option<TokenHook>,
}

impl<T: Transport + Sync> Client<T> {
    pub fn new(transport: T) -> Self {
        Client {
            transport,
            base_url: DEFAULT_BASE_URL.to_string(),
            token: None,
        }
    }

    /// Use another service root (a national cloud, a test server).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Called for every request; its result is sent as `Authorization: Bearer ...`.
    pub fn with_bearer_token(mut self, token: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.token = Some(Arc::new(token));
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    async fn execute(&self, parts: RequestParts) -> Result<(u16, Vec<u8>), Error> {
        let mut request = parts.into_request(&self.base_url)?;
        if let Some(token) = &self.token {
            let value = http::HeaderValue::try_from(format!("Bearer {}", token()))
                .map_err(|e| Error::Request(e.to_string()))?;
            request
                .headers_mut()
                .insert(http::header::AUTHORIZATION, value);
        }
        let response = self.transport.send(request).await?;
        Ok((response.status().as_u16(), response.into_body()))
    }

    /// Send one operation and read its typed result.
    pub async fn send<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        let (status, body) = self.execute(operation.into_parts()?).await?;
        O::parse_response(status, &body)
    }

    /// Fetch the page after `page`, following its `@odata.nextLink` (only within the base
    /// URL's origin, so the bearer token never leaves it).
    pub async fn next_page<I: DeserializeOwned>(
        &self,
        page: &Collection<I>,
    ) -> Result<Option<Collection<I>>, Error> {
        let Some(next) = &page.odata_next_link else {
            return Ok(None);
        };
        if !same_origin(next, &self.base_url) {
            return Err(Error::ForeignNextLink(next.clone()));
        }
        let (status, body) = self
            .execute(RequestParts::new(http::Method::GET, next.clone()))
            .await?;
        parse_json(status, &body).map(Some)
    }

    /// Send a collection operation and follow `@odata.nextLink` to the end.
    pub async fn send_all<O, I>(&self, operation: O) -> Result<Vec<I>, Error>
    where
        O: Operation<Output = Collection<I>>,
        I: DeserializeOwned,
    {
        let mut page = self.send(operation).await?;
        let mut items = std::mem::take(&mut page.value);
        while let Some(mut next) = self.next_page(&page).await? {
            items.append(&mut next.value);
            page = next;
        }
        Ok(items)
    }
}

/// Whether `url` has the same scheme, host and port as `base`.
fn same_origin(url: &str, base: &str) -> bool {
    fn origin(u: &str) -> Option<&str> {
        let rest = u.split_once("://")?.1;
        let end = rest.find('/').unwrap_or(rest.len());
        Some(&u[..u.len() - rest.len() + end])
    }
    matches!((origin(url), origin(base)), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
}

/// A [`Transport`] over reqwest (feature `reqwest`; add `reqwest-rustls` for HTTPS).
#[cfg(feature = "reqwest")]
#[derive(Clone, Debug, Default)]
pub struct ReqwestTransport(pub reqwest::Client);

#[cfg(feature = "reqwest")]
impl Transport for ReqwestTransport {
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let transport = |e: reqwest::Error| Error::Transport(Box::new(e));
        let request = reqwest::Request::try_from(request).map_err(transport)?;
        let response = self.0.execute(request).await.map_err(transport)?;
        let mut builder = http::Response::builder().status(response.status());
        for (k, v) in response.headers() {
            builder = builder.header(k, v);
        }
        let body = response.bytes().await.map_err(transport)?;
        builder
            .body(body.to_vec())
            .map_err(|e| Error::Request(e.to_string()))
    }
}
