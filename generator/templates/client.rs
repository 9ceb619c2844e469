//! The SDK's `client` module: everything of the runtime crate (`doc2rs-runtime`: the
//! client, its policies, responses, paging, batching, uploads), the service root of these
//! docs, and the request type the generated builders are aliases of. Written by hand (in
//! the doc2rs repository, `generator/templates/client.rs`); the generator sets
//! `DEFAULT_BASE_URL`.

#[doc(no_inline)]
pub use ::doc2rs_runtime::*;

/// The service root of the docs this SDK was generated from (the root the docs' requests
/// are written against; beta when they never say).
pub const DEFAULT_BASE_URL: &str = "https://graph.microsoft.com/beta";

/// A client for [`DEFAULT_BASE_URL`] with the default policies (retry on throttling,
/// redirects, timeouts, gzip) and no token; [`builder`] sets up a token source and the rest.
pub fn new<T: Transport>(transport: T) -> Client<T> {
    Client::new(transport, DEFAULT_BASE_URL)
}

/// [`Client::builder`] at [`DEFAULT_BASE_URL`].
pub fn builder<T: Transport>(transport: T) -> ClientBuilder<T> {
    Client::builder(transport, DEFAULT_BASE_URL)
}

/// A request for the documented operation whose marker type is `K`: the builders in
/// `requests` are aliases of it (`type GetUsers = Request<kinds::GetUsers>`), each with its
/// own constructors and setters. It is this crate's own type (so the builders can have
/// inherent constructors) around the runtime's request, which does the work. Hidden from
/// the docs: each builder's own page shows its constructors and setters (this page would
/// list every operation's).
#[doc(hidden)]
pub struct Request<K>(::doc2rs_runtime::Request<K>);

impl<K> Request<K> {
    /// The request as it stands.
    pub fn parts(&self) -> &RequestParts {
        self.0.parts()
    }
}

impl<K> Clone for Request<K> {
    fn clone(&self) -> Self {
        Request(self.0.clone())
    }
}

impl<K> std::fmt::Debug for Request<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<K: Kind> Operation for Request<K> {
    type Output = <K::Response as ResponseBody>::Output;
    fn into_parts(self) -> Result<RequestParts, Error> {
        self.0.into_parts()
    }
    fn parse_response(response: http::Response<Vec<u8>>) -> Result<Self::Output, Error> {
        <::doc2rs_runtime::Request<K>>::parse_response(response)
    }
}

/// A request to a documented path (see [`RequestParts::at`]): what every generated
/// constructor calls.
pub fn request<K>(
    method: http::Method,
    template: &str,
    values: &[(&'static str, &str)],
) -> Result<Request<K>, Error> {
    ::doc2rs_runtime::request(method, template, values).map(Request)
}

/// [`request`] with a JSON body.
pub fn request_json<K, B: serde::Serialize>(
    method: http::Method,
    template: &str,
    values: &[(&'static str, &str)],
    body: &B,
) -> Result<Request<K>, Error> {
    ::doc2rs_runtime::request_json(method, template, values, body).map(Request)
}

/// [`request`] with a body of bytes, sent as they are with `content_type`.
pub fn request_bytes<K>(
    method: http::Method,
    template: &str,
    values: &[(&'static str, &str)],
    body: Vec<u8>,
    content_type: &str,
) -> Result<Request<K>, Error> {
    ::doc2rs_runtime::request_bytes(method, template, values, body, content_type).map(Request)
}

/// Adds a query option to a request: what every generated query setter calls.
pub fn with_query<K>(request: Request<K>, name: &str, value: String) -> Request<K> {
    Request(::doc2rs_runtime::with_query(request.0, name, value))
}

/// Adds a header to a request: what every generated header setter calls.
pub fn with_header<K>(request: Request<K>, name: &str, value: String) -> Request<K> {
    Request(::doc2rs_runtime::with_header(request.0, name, value))
}
