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

/// The service root of the docs this SDK was generated from (the generator writes the
/// root the docs' requests are written against; beta when they never say).
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
    /// A path value (or a part of a path value that spans segments) was empty, `.` or `..`:
    /// it would change which resource the path names.
    InvalidPathValue(&'static str),
    /// The service answered with a Graph error body.
    Graph { status: u16, error: Box<GraphError> },
    /// The service answered with an unsuccessful status and no Graph error body.
    Status { status: u16, body: Vec<u8> },
    /// The service answered a success status with an empty body where the operation returns
    /// a value (an operation that may answer `204 No Content` returns an `Option` instead).
    EmptyBody { status: u16 },
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
            Error::EmptyBody { status } => {
                write!(f, "HTTP {status} with an empty body where a value was expected")
            }
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

/// Characters kept in each part of a value that spans segments (`root:/{item-path}:`):
/// RFC 3986 unreserved. A part is never `.` or `..` (refused), so a `.` inside one is kept,
/// as the docs write file names (`FolderA/FileB.txt`).
const PATH_PART: &percent_encoding::AsciiSet = &PATH_VALUE.remove(b'.');

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

    /// A caller value that is itself a path (`root:/{item-path}:/content`, value
    /// `Folder A/file.txt`): its `/` are kept and each part between them is percent-encoded
    /// (`%`, `?`, `#`, `:` stay inside the part). A part that is empty, `.` or `..` (a
    /// leading, trailing or doubled `/`, a dot segment) is refused, so the value can only
    /// name a path below the documented prefix.
    pub fn segments(&mut self, name: &'static str, value: &str) -> Result<(), Error> {
        if value.split('/').any(|part| matches!(part, "" | "." | "..")) {
            return Err(Error::InvalidPathValue(name));
        }
        for (i, part) in value.split('/').enumerate() {
            if i > 0 {
                self.path.push('/');
            }
            self.path
                .extend(percent_encoding::utf8_percent_encode(part, PATH_PART));
        }
        Ok(())
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
    /// Headers other than `Content-Type` (a `Content-Type` here replaces `content_type`).
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// The body's content type: `application/json` for a JSON body, the caller's for bytes.
    /// Sent as the one `Content-Type` header (none when `None`).
    pub content_type: Option<String>,
}

impl RequestParts {
    pub fn new(method: http::Method, path: String) -> Self {
        RequestParts {
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            content_type: None,
        }
    }

    /// The parts of a request to a documented path. `template` is the path's literal text
    /// (already valid path text: the generator percent-encodes anything else, so it holds no
    /// `{`) with `{}` where a caller value fills a segment, `{'}` where it goes inside an
    /// OData string literal (`f(key='{'}')`, quotes doubled) and `{/}` where it is a path of
    /// its own (`root:/{/}:/content`, see [`PathBuilder::segments`]); `values` are the
    /// caller values in order, each with its parameter's name. A `{}` value is
    /// percent-encoded so it is always exactly one segment; an empty, `.` or `..` value (or
    /// part of a `{/}` value) is an error.
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
            let marker = &rest[start..];
            let len = if marker.starts_with("{'}") || marker.starts_with("{/}") {
                3
            } else {
                2
            };
            if let Some((name, value)) = values.next() {
                match &marker[..len] {
                    "{'}" => path.quoted(name, value)?,
                    "{/}" => path.segments(name, value)?,
                    _ => path.param(name, value)?,
                }
            }
            rest = &rest[start + len..];
        }
        path.literal(rest);
        Ok(RequestParts::new(method, path.finish()))
    }
    /// [`RequestParts::at`] with a JSON body (`Content-Type: application/json`).
    pub fn at_json<B: Serialize>(
        method: http::Method,
        template: &str,
        values: &[(&'static str, &str)],
        body: &B,
    ) -> Result<Self, Error> {
        let mut parts = Self::at(method, template, values)?;
        parts.body = Some(serde_json::to_vec(body)?);
        parts.content_type = Some("application/json".to_string());
        Ok(parts)
    }
    /// [`RequestParts::at`] with a body of bytes sent as they are, with `content_type`.
    pub fn at_bytes(
        method: http::Method,
        template: &str,
        values: &[(&'static str, &str)],
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<Self, Error> {
        let mut parts = Self::at(method, template, values)?;
        parts.body = Some(body);
        parts.content_type = Some(content_type.to_string());
        Ok(parts)
    }
    /// Add a query option (`$select`, `$top`, ...); the value is encoded.
    pub fn push_query(&mut self, name: &str, value: String) {
        self.query.push((name.to_string(), value));
    }

    pub fn push_header(&mut self, name: &str, value: String) {
        self.headers.push((name.to_string(), value));
    }

    /// Assemble the `http::Request` against a base URL (e.g. [`DEFAULT_BASE_URL`]). It
    /// carries at most one `Content-Type`: the last one in `headers`, else `content_type`.
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
        let mut content_type = self.content_type;
        for (k, v) in self.headers {
            if k.eq_ignore_ascii_case(http::header::CONTENT_TYPE.as_str()) {
                content_type = Some(v);
            } else {
                builder = builder.header(k.as_str(), v.as_str());
            }
        }
        if let Some(content_type) = content_type {
            builder = builder.header(http::header::CONTENT_TYPE, content_type);
        }
        builder
            .body(self.body.unwrap_or_default())
            .map_err(|e| Error::Request(e.to_string()))
    }
}

/// A response body of bytes (a download: a file's `content`, a `$value`) and the content
/// type the service sent with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Content {
    /// The `Content-Type` header, as sent (`None` when there was none or it was not text).
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// How a documented operation's response is read: [`Json`], [`JsonOrEmpty`], [`Bytes`] or
/// [`NoContent`]. Every 2xx status is a success; any other status is an [`Error::Graph`]
/// (or [`Error::Status`] when the body is not a Graph error).
pub trait ResponseBody {
    /// The typed result.
    type Output;
    fn read(response: http::Response<Vec<u8>>) -> Result<Self::Output, Error>;
}

/// A JSON body read as `T`; an empty body is [`Error::EmptyBody`].
pub struct Json<T>(std::marker::PhantomData<fn() -> T>);
/// A JSON body read as `Some(T)`, or `None` when the body is empty (`204 No Content`, a
/// `PATCH` answered without the representation).
pub struct JsonOrEmpty<T>(std::marker::PhantomData<fn() -> T>);
/// A body of bytes: [`Content`], never parsed.
pub enum Bytes {}
/// No body is documented: `()`, whatever the body.
pub enum NoContent {}

/// The status, headers and body of a successful response; the error for any other.
fn successful(
    response: http::Response<Vec<u8>>,
) -> Result<(http::response::Parts, Vec<u8>), Error> {
    let (parts, body) = response.into_parts();
    let status = parts.status.as_u16();
    if !(200..300).contains(&status) {
        return Err(error_for(status, &body));
    }
    Ok((parts, body))
}

/// No body, or only white space.
fn is_empty(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

impl<T: DeserializeOwned> ResponseBody for Json<T> {
    type Output = T;
    fn read(response: http::Response<Vec<u8>>) -> Result<T, Error> {
        let (parts, body) = successful(response)?;
        if is_empty(&body) {
            return Err(Error::EmptyBody {
                status: parts.status.as_u16(),
            });
        }
        Ok(serde_json::from_slice(&body)?)
    }
}

impl<T: DeserializeOwned> ResponseBody for JsonOrEmpty<T> {
    type Output = Option<T>;
    fn read(response: http::Response<Vec<u8>>) -> Result<Option<T>, Error> {
        let (_, body) = successful(response)?;
        if is_empty(&body) {
            return Ok(None);
        }
        Ok(Some(serde_json::from_slice(&body)?))
    }
}

impl ResponseBody for Bytes {
    type Output = Content;
    fn read(response: http::Response<Vec<u8>>) -> Result<Content, Error> {
        let (parts, bytes) = successful(response)?;
        let content_type = parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(Content {
            content_type,
            bytes,
        })
    }
}

impl ResponseBody for NoContent {
    type Output = ();
    fn read(response: http::Response<Vec<u8>>) -> Result<(), Error> {
        successful(response).map(drop)
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
    /// How the response is read, and so the typed result: [`Json<T>`] (`T`),
    /// [`JsonOrEmpty<T>`] (`Option<T>`), [`Bytes`] ([`Content`]) or [`NoContent`] (`()`).
    type Response: ResponseBody;
}
impl<K: Kind> Operation for Request<K> {
    type Output = <K::Response as ResponseBody>::Output;
    fn into_parts(self) -> Result<RequestParts, Error> {
        Ok(self.parts)
    }
    fn parse_response(response: http::Response<Vec<u8>>) -> Result<Self::Output, Error> {
        K::Response::read(response)
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
/// [`request`] with a body of bytes, sent as they are with `content_type`.
pub fn request_bytes<K>(
    method: http::Method,
    template: &str,
    values: &[(&'static str, &str)],
    body: Vec<u8>,
    content_type: &str,
) -> Result<Request<K>, Error> {
    Ok(Request {
        parts: RequestParts::at_bytes(method, template, values, body, content_type)?,
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
    /// Read the response (status, headers and body): the typed result, or the error.
    fn parse_response(response: http::Response<Vec<u8>>) -> Result<Self::Output, Error>;
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

    /// Send built request parts: the one future every operation is sent through.
    async fn execute(&self, parts: RequestParts) -> Result<http::Response<Vec<u8>>, Error> {
        let mut request = parts.into_request(&self.base_url)?;
        if let Some(token) = &self.token {
            let value = http::HeaderValue::try_from(format!("Bearer {}", token()))
                .map_err(|e| Error::Request(e.to_string()))?;
            request
                .headers_mut()
                .insert(http::header::AUTHORIZATION, value);
        }
        self.transport.send(request).await
    }

    /// Send one operation and read its typed result.
    pub async fn send<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        let response = self.execute(operation.into_parts()?).await?;
        O::parse_response(response)
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
        let response = self
            .execute(RequestParts::new(http::Method::GET, next.clone()))
            .await?;
        Json::<Collection<I>>::read(response).map(Some)
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

#[cfg(test)]
mod tests {
    //! The client's reading and writing of requests, over a transport that records each
    //! request and answers with a canned response (no network; the generated
    //! `tests/client.rs` runs the same paths against a local server).
    use super::*;
    use std::sync::Mutex;

    /// Records every request; answers each with `status`, `content_type` and `body`.
    #[derive(Clone)]
    struct Canned {
        status: u16,
        content_type: Option<&'static str>,
        body: &'static [u8],
        seen: Arc<Mutex<Vec<http::Request<Vec<u8>>>>>,
    }

    impl Canned {
        fn new(status: u16, content_type: Option<&'static str>, body: &'static [u8]) -> Self {
            Canned {
                status,
                content_type,
                body,
                seen: Arc::default(),
            }
        }
        fn seen(&self) -> Vec<http::Request<Vec<u8>>> {
            std::mem::take(&mut *self.seen.lock().unwrap())
        }
    }

    impl Transport for Canned {
        fn send(
            &self,
            request: http::Request<Vec<u8>>,
        ) -> impl Future<Output = Result<http::Response<Vec<u8>>, Error>> + Send {
            self.seen.lock().unwrap().push(request);
            let mut response = http::Response::builder().status(self.status);
            if let Some(content_type) = self.content_type {
                response = response.header(http::header::CONTENT_TYPE, content_type);
            }
            let response = response.body(self.body.to_vec()).unwrap();
            std::future::ready(Ok(response))
        }
    }

    /// Poll a future that never waits (the canned transport's) to its end.
    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    enum Download {}
    impl Kind for Download {
        type Response = Bytes;
    }
    enum Upload {}
    impl Kind for Upload {
        type Response = Json<serde_json::Value>;
    }
    enum Update {}
    impl Kind for Update {
        type Response = JsonOrEmpty<serde_json::Value>;
    }
    enum Delete {}
    impl Kind for Delete {
        type Response = NoContent;
    }

    fn client(transport: &Canned) -> Client<Canned> {
        Client::new(transport.clone()).with_base_url("https://example.test/v1.0")
    }

    fn content_types(request: &http::Request<Vec<u8>>) -> Vec<&str> {
        let all = request.headers().get_all(http::header::CONTENT_TYPE);
        all.iter().map(|v| v.to_str().unwrap()).collect()
    }

    #[test]
    fn a_download_is_the_bytes_and_content_type_sent() {
        let body: &[u8] = b"\x00\xffnot json {";
        let transport = Canned::new(200, Some("application/octet-stream"), body);
        let op = request::<Download>(
            http::Method::GET,
            "/me/drive/root:/{/}:/content",
            &[("item_path", "a/b.txt")],
        )
        .unwrap();
        let content = block_on(client(&transport).send(op)).unwrap();
        assert_eq!(content.bytes, body);
        assert_eq!(
            content.content_type.as_deref(),
            Some("application/octet-stream")
        );
        let seen = transport.seen();
        assert_eq!(
            seen[0].uri().to_string(),
            "https://example.test/v1.0/me/drive/root:/a/b.txt:/content"
        );
        assert!(content_types(&seen[0]).is_empty(), "a GET has no body type");
        // No Content-Type, and a Graph error is still an error.
        let transport = Canned::new(200, None, b"");
        let op = request::<Download>(http::Method::GET, "/x/{}/content", &[("id", "1")]);
        let content = block_on(client(&transport).send(op.unwrap())).unwrap();
        assert_eq!(content, Content::default());
        let transport = Canned::new(404, Some("application/json"), br#"{"error":{"code":"itemNotFound"}}"#);
        let op = request::<Download>(http::Method::GET, "/x/{}/content", &[("id", "1")]);
        match block_on(client(&transport).send(op.unwrap())) {
            Err(Error::Graph { status: 404, error }) => {
                assert_eq!(error.code.as_deref(), Some("itemNotFound"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_upload_sends_exactly_the_bytes_with_one_content_type() {
        let transport = Canned::new(201, Some("application/json"), br#"{"id":"1"}"#);
        let body = b"\x00{\"not\": json}\r\n".to_vec();
        let op = request_bytes::<Upload>(
            http::Method::PUT,
            "/me/drive/root:/{/}:/content",
            &[("item_path", "f/g.bin")],
            body.clone(),
            "text/plain",
        )
        .unwrap();
        // A Content-Type header added on top replaces the body's: still one.
        let op = with_header(op, "content-type", "application/x-custom".to_string());
        let out = block_on(client(&transport).send(op)).unwrap();
        assert_eq!(out, serde_json::json!({"id": "1"}));
        let seen = transport.seen();
        assert_eq!(seen[0].body(), &body);
        assert_eq!(content_types(&seen[0]), ["application/x-custom"]);
        let op = request_bytes::<Upload>(http::Method::PUT, "/x", &[], body.clone(), "image/png");
        let request = op.unwrap().into_parts().unwrap().into_request(DEFAULT_BASE_URL);
        let request = request.unwrap();
        assert_eq!(content_types(&request), ["image/png"]);
        assert_eq!(request.body(), &body);
        // A JSON body gets application/json, once.
        let parts = RequestParts::at_json(http::Method::POST, "/x", &[], &serde_json::json!({}));
        let request = parts.unwrap().into_request(DEFAULT_BASE_URL).unwrap();
        assert_eq!(content_types(&request), ["application/json"]);
        // No body, no Content-Type.
        let parts = RequestParts::at(http::Method::DELETE, "/x", &[]).unwrap();
        assert!(content_types(&parts.into_request(DEFAULT_BASE_URL).unwrap()).is_empty());
    }

    #[test]
    fn every_2xx_is_a_success_and_an_empty_body_reads_by_the_output() {
        let answer = |status: u16, body: &'static [u8]| {
            http::Response::builder()
                .status(status)
                .body(body.to_vec())
                .unwrap()
        };
        for status in [200, 201, 202, 203, 204, 206, 299] {
            assert!(<Request<Delete>>::parse_response(answer(status, b"{}")).is_ok());
            assert!(<Request<Delete>>::parse_response(answer(status, b"")).is_ok());
            assert_eq!(
                <Request<Update>>::parse_response(answer(status, b"")).unwrap(),
                None
            );
            assert_eq!(
                <Request<Update>>::parse_response(answer(status, b" {\"a\":1}")).unwrap(),
                Some(serde_json::json!({"a": 1}))
            );
            assert!(matches!(
                <Request<Upload>>::parse_response(answer(status, b"\n")),
                Err(Error::EmptyBody { status: s }) if s == status
            ));
        }
        for status in [199, 300, 304, 400, 500] {
            assert!(<Request<Delete>>::parse_response(answer(status, b"")).is_err());
            assert!(<Request<Update>>::parse_response(answer(status, b"")).is_err());
        }
        // A PATCH answered 204 through the client.
        let transport = Canned::new(204, None, b"");
        let op = request_json::<Update, _>(
            http::Method::PATCH,
            "/x/{}",
            &[("id", "1")],
            &serde_json::json!({"a": 1}),
        );
        assert_eq!(block_on(client(&transport).send(op.unwrap())).unwrap(), None);
    }

    #[test]
    fn a_value_that_is_a_path_keeps_its_slashes_and_nothing_else() {
        let path = |value: &str| {
            RequestParts::at(
                http::Method::GET,
                "/me/drive/root:/{/}:/content",
                &[("item_path", value)],
            )
            .map(|p| p.path)
        };
        assert_eq!(
            path("Folder A/FileB.txt").unwrap(),
            "/me/drive/root:/Folder%20A/FileB.txt:/content"
        );
        assert_eq!(
            path("100%/a?b=c#d/e:f/ü").unwrap(),
            "/me/drive/root:/100%25/a%3Fb%3Dc%23d/e%3Af/%C3%BC:/content"
        );
        assert_eq!(path("...").unwrap(), "/me/drive/root:/...:/content");
        for hostile in ["", "/", "a/", "/a", "a//b", ".", "..", "a/../b", "../a", "a/.", "%2e/.."] {
            assert!(
                matches!(path(hostile), Err(Error::InvalidPathValue("item_path"))),
                "{hostile:?} is refused"
            );
        }
        // The other markers are unchanged: one segment, `/` and `.` encoded.
        let one = RequestParts::at(http::Method::GET, "/a/{}/b('{'}')", &[("x", "c/d.e"), ("y", "o'k")]);
        assert_eq!(one.unwrap().path, "/a/c%2Fd%2Ee/b('o%27%27k')");
    }
}
