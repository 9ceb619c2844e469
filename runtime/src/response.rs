//! Reading a response: the typed result of a documented operation (JSON, JSON or nothing,
//! bytes, nothing), or the error with the response's status and headers.

use crate::Error;
use crate::error::error_for;
use serde::de::DeserializeOwned;

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
        return Err(error_for(status, parts.headers, &body));
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
                headers: Box::new(parts.headers),
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

/// A successful answer with its status and headers: what [`crate::Client::send_with_response`]
/// returns (`202 Accepted` and its `Location`, the `request-id` of a success, an `ETag`).
#[derive(Clone, Debug)]
pub struct Response<T> {
    pub status: http::StatusCode,
    pub headers: http::HeaderMap,
    /// The operation's typed result.
    pub value: T,
}

impl<T> Response<T> {
    /// The service's `request-id` header.
    pub fn request_id(&self) -> Option<&str> {
        crate::error::header_str(&self.headers, "request-id")
    }

    /// The `client-request-id` the service echoed (the one the client sent).
    pub fn client_request_id(&self) -> Option<&str> {
        crate::error::header_str(&self.headers, "client-request-id")
    }

    /// The `Location` header (a `202 Accepted` long-running operation's monitor URL, a
    /// created resource).
    pub fn location(&self) -> Option<&str> {
        crate::error::header_str(&self.headers, "location")
    }

    /// A header by name.
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::error::header_str(&self.headers, name)
    }

    pub fn into_value(self) -> T {
        self.value
    }
}
