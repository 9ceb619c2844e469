//! What can go wrong calling an operation, and the response facts every error keeps.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

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

/// Everything that can go wrong calling an operation. An error that comes from a response
/// keeps its status and headers: [`Error::status`], [`Error::headers`],
/// [`Error::request_id`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A path value (or a part of a path value that spans segments) was empty, `.` or `..`:
    /// it would change which resource the path names.
    InvalidPathValue(&'static str),
    /// The service answered with a Graph error body.
    Graph {
        status: u16,
        error: Box<GraphError>,
        headers: Box<http::HeaderMap>,
    },
    /// The service answered with an unsuccessful status and no Graph error body.
    Status {
        status: u16,
        body: Vec<u8>,
        headers: Box<http::HeaderMap>,
    },
    /// The service answered a success status with an empty body where the operation returns
    /// a value (an operation that may answer `204 No Content` returns an `Option` instead).
    EmptyBody {
        status: u16,
        headers: Box<http::HeaderMap>,
    },
    /// A body could not be serialized or a response could not be deserialized.
    Json(serde_json::Error),
    /// The request could not be assembled (an invalid base URL or header value).
    Request(String),
    /// A `@odata.nextLink` points outside the client's base URL; it is not followed.
    ForeignNextLink(String),
    /// An attempt, or the whole call with its retries, took longer than its timeout.
    Timeout {
        /// The timeout that ran out.
        after: Duration,
        /// Whether it was the overall timeout (else one attempt's).
        overall: bool,
    },
    /// More redirects in a row than the redirect policy follows.
    TooManyRedirects(usize),
    /// The token source failed.
    Auth(Box<dyn std::error::Error + Send + Sync>),
    /// A `$batch` was misused (more than 20 requests, a `dependsOn` on a request not in it)
    /// or answered without one of its requests.
    Batch(String),
    /// An upload session could not go on (the service stopped accepting ranges, or the source
    /// ended early).
    Upload(String),
    /// Reading an upload's source failed.
    Io(std::io::Error),
    /// The transport failed (connection refused or reset, a body cut short, ...).
    Transport(Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// The HTTP status, when the error is an answer from the service.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Graph { status, .. }
            | Error::Status { status, .. }
            | Error::EmptyBody { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response headers, when the error is an answer from the service.
    pub fn headers(&self) -> Option<&http::HeaderMap> {
        match self {
            Error::Graph { headers, .. }
            | Error::Status { headers, .. }
            | Error::EmptyBody { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// The service's `request-id` header: what Microsoft support asks for.
    pub fn request_id(&self) -> Option<&str> {
        header_str(self.headers()?, "request-id")
    }

    /// The `client-request-id` the service echoed (the one the client sent).
    pub fn client_request_id(&self) -> Option<&str> {
        header_str(self.headers()?, "client-request-id")
    }

    /// The service's Graph error, when it sent one.
    pub fn graph_error(&self) -> Option<&GraphError> {
        match self {
            Error::Graph { error, .. } => Some(error),
            _ => None,
        }
    }

    pub(crate) fn transport(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Transport(Box::new(e))
    }
}

pub(crate) fn header_str<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidPathValue(name) => {
                return write!(f, "path value `{name}` is empty, `.` or `..`");
            }
            Error::Graph { status, error, .. } => write!(
                f,
                "HTTP {status}: {}: {}",
                error.code.as_deref().unwrap_or("error"),
                error.message.as_deref().unwrap_or("")
            )?,
            Error::Status { status, .. } => write!(f, "HTTP {status}")?,
            Error::EmptyBody { status, .. } => write!(
                f,
                "HTTP {status} with an empty body where a value was expected"
            )?,
            Error::Json(e) => return write!(f, "JSON: {e}"),
            Error::Request(e) => return write!(f, "invalid request: {e}"),
            Error::ForeignNextLink(url) => {
                return write!(f, "nextLink outside the base URL: {url}");
            }
            Error::Timeout { after, overall } => {
                let which = if *overall { "call" } else { "attempt" };
                return write!(f, "the {which} timed out after {after:?}");
            }
            Error::TooManyRedirects(n) => return write!(f, "more than {n} redirects"),
            Error::Auth(e) => return write!(f, "token source: {e}"),
            Error::Batch(e) => return write!(f, "batch: {e}"),
            Error::Upload(e) => return write!(f, "upload session: {e}"),
            Error::Io(e) => return write!(f, "I/O: {e}"),
            Error::Transport(e) => return write!(f, "transport: {e}"),
        }
        if let Some(id) = self.request_id() {
            write!(f, " (request-id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Json(e) => Some(e),
            Error::Io(e) => Some(e),
            Error::Auth(e) | Error::Transport(e) => Some(&**e),
            _ => None,
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

/// The error for an unsuccessful status: a typed Graph error when the body is one.
pub fn error_for(status: u16, headers: http::HeaderMap, body: &[u8]) -> Error {
    let headers = Box::new(headers);
    match serde_json::from_slice::<ErrorEnvelope>(body) {
        Ok(envelope) => Error::Graph {
            status,
            error: Box::new(envelope.error),
            headers,
        },
        Err(_) => Error::Status {
            status,
            body: body.to_vec(),
            headers,
        },
    }
}
