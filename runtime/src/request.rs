//! Building a documented operation's request safely (sans-IO): literal path text from the
//! docs, caller values percent-encoded, typed query and header setters, JSON or byte bodies.

use crate::Error;
use crate::response::ResponseBody;
use serde::Serialize;
use std::fmt;

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

    /// The path and query (the path as it stands when it is an absolute URL): what a
    /// `$batch` request's `url` is.
    pub fn path_and_query(&self) -> String {
        let mut url = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            url.push(if i == 0 && !url.contains('?') {
                '?'
            } else {
                '&'
            });
            url.extend(percent_encoding::utf8_percent_encode(k, QUERY_VALUE));
            url.push('=');
            url.extend(percent_encoding::utf8_percent_encode(v, QUERY_VALUE));
        }
        url
    }

    /// Assemble the `http::Request` against a base URL (e.g. an SDK's `DEFAULT_BASE_URL`).
    /// It carries at most one `Content-Type`: the last one in `headers`, else
    /// `content_type`.
    pub fn into_request(self, base_url: &str) -> Result<http::Request<Vec<u8>>, Error> {
        let path_and_query = self.path_and_query();
        let url = if path_and_query.starts_with("https://") || path_and_query.starts_with("http://")
        {
            path_and_query
        } else {
            format!("{}{}", base_url.trim_end_matches('/'), path_and_query)
        };
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

/// A request for the documented operation whose marker type is `K`: the builders in
/// `requests` are aliases of it (`type GetUsers = Request<kinds::GetUsers>`), each with its
/// own constructors and setters, while the `Operation` impl, `Clone` and `Debug` are written
/// once here for all of them (see doc2rs's `bench/generated-code.md`).
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
    /// How the response is read, and so the typed result: [`Json<T>`](crate::Json) (`T`),
    /// [`JsonOrEmpty<T>`](crate::JsonOrEmpty) (`Option<T>`), [`Bytes`](crate::Bytes) ([`crate::Content`]) or [`NoContent`](crate::NoContent) (`()`).
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
