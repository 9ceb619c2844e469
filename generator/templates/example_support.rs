use graph_client::{Content, Error, Operation, RequestParts};
use serde_json::Value;
use support::{decode, same_as, Outcome};

mod support;

/// One example from the docs and the typed work that checks it. The cases are data (the
/// table at the end of this file) that one test runs, so thousands of examples cost
/// thousands of table rows, not thousands of test functions.
#[allow(dead_code)]
struct Case {
    /// A stable name: the page, the kind of example and its number on the page.
    name: &'static str,
    /// Where the docs show it (`file:line`).
    at: &'static str,
    /// The example's JSON (empty when it has none).
    json: &'static str,
    check: Check,
    /// The types the values of a polymorphic example are read as (`AnyX::type_name`).
    read_as: Option<ReadAs>,
}

/// What is checked, with the typed code that does it.
#[allow(dead_code)]
enum Check {
    /// A value of a model: deserialize, serialize back, compare.
    Model(fn(&str) -> Result<Value, String>),
    /// The generator predicted that the example does not fit its model (the docs contradict
    /// themselves, and a diagnostic says where): deserializing it must fail.
    Mismatch(fn(&str) -> Result<Value, String>),
    /// A response: the operation parses the documented status and body, and the typed value
    /// serializes back to the same JSON.
    Response(u16, fn(http::Response<Vec<u8>>) -> Result<Value, Error>),
    /// A response without a body: the operation reads it as `()` or `None`.
    Empty(u16, fn(http::Response<Vec<u8>>) -> Result<Value, Error>),
    /// A response of bytes (a download), the docs showing it as text: the operation gives
    /// back exactly the bytes and the content type it is answered with.
    Bytes(u16, fn(http::Response<Vec<u8>>) -> Result<Content, Error>),
    /// A request: the builder, given the example's path values, query and body, produces
    /// the documented method, path, query and (as JSON) body.
    Request(Request),
}

/// A request example: the builder call and what it must produce.
#[allow(dead_code)]
struct Request {
    /// The operation's builder given the example's values, its query setters applied; called
    /// with the example's body.
    build: fn(&str) -> Result<RequestParts, Error>,
    method: &'static str,
    /// The documented path, percent-decoded, relative to the service root.
    path: &'static str,
    /// The example URL's query pairs (decoded), and the documented path's fixed pairs it
    /// omits.
    query: &'static [(&'static str, &'static str)],
    /// `Some(content type)`: the body is bytes (the example's text), sent exactly as they are
    /// with this one `Content-Type`; `None`: a JSON body, sent as `application/json`.
    bytes: Option<&'static str>,
}

/// Reads the example as the `Any` enum of its type and says which type each value is read as;
/// the second field is what the docs' `@odata.type`s say.
#[allow(dead_code)]
struct ReadAs(fn(&str) -> Result<Vec<&'static str>, String>, &'static [&'static str]);

/// The service root used to build requests in these tests.
const BASE: &str = "https://graph.microsoft.com/beta";

/// `T` read from `json` and written back as JSON.
#[allow(dead_code)]
fn model<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) -> Result<Value, String> {
    let typed: T = serde_json::from_slice(json.as_bytes()).map_err(|e| format!("does not deserialize into its model: {e}"))?;
    serde_json::to_value(&typed).map_err(|e| format!("the model does not serialize: {e}"))
}

/// The operation's typed reading of a response, written back as JSON.
#[allow(dead_code)]
fn response<O: Operation>(response: http::Response<Vec<u8>>) -> Result<Value, Error>
where
    O::Output: serde::Serialize,
{
    Ok(serde_json::to_value(O::parse_response(response)?)?)
}

/// A response with `status`, `content_type` and `body`, as a transport gives it.
fn answer(status: u16, content_type: &str, body: &[u8]) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, content_type)
        .body(body.to_vec())
        .expect("a valid response")
}

/// The content type a documented download is answered with in these tests.
const BYTES_TYPE: &str = "application/octet-stream";

/// A request body read from the example's JSON.
#[allow(dead_code)]
fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Error> {
    Ok(serde_json::from_slice(text.as_bytes())?)
}

/// The type one polymorphic value is read as.
#[allow(dead_code)]
fn read_one<P: serde::de::DeserializeOwned>(json: &str, type_name: fn(&P) -> &'static str) -> Result<Vec<&'static str>, String> {
    let value: P = serde_json::from_str(json).map_err(|e| e.to_string())?;
    Ok(vec![type_name(&value)])
}

/// The types the values of a polymorphic collection are read as.
#[allow(dead_code)]
fn read_all<P: serde::de::DeserializeOwned>(json: &str, type_name: fn(&P) -> &'static str) -> Result<Vec<&'static str>, String> {
    let page: graph_runtime::Collection<P> = serde_json::from_str(json).map_err(|e| e.to_string())?;
    Ok(page.value.iter().map(type_name).collect())
}

/// Check one case.
fn check(case: &Case) -> Outcome {
    match &case.check {
        Check::Model(read) => same_as(case.json, &read(case.json)?, "the round trip changed the example")?,
        Check::Mismatch(read) => {
            if read(case.json).is_ok() {
                return Err("the generator predicted a mismatch, but the example deserializes".into());
            }
        }
        Check::Response(status, parse) => {
            let back = parse(answer(*status, "application/json", case.json.as_bytes())).map_err(|e| format!("the documented response does not parse: {e}"))?;
            same_as(case.json, &back, "the round trip changed the response")?;
        }
        Check::Empty(status, parse) => {
            let back = parse(answer(*status, "application/json", b"")).map_err(|e| format!("the documented response does not parse: {e}"))?;
            if !back.is_null() {
                return Err(format!("an empty response read as {back}"));
            }
        }
        Check::Bytes(status, parse) => {
            let back = parse(answer(*status, BYTES_TYPE, case.json.as_bytes())).map_err(|e| format!("the documented response is not read: {e}"))?;
            if back.bytes != case.json.as_bytes() || back.content_type.as_deref() != Some(BYTES_TYPE) {
                return Err(format!("read as {back:?}, not the bytes and content type served"));
            }
        }
        Check::Request(request) => check_request(request, case.json)?,
    }
    if let Some(ReadAs(read, expected)) = &case.read_as {
        let read = read(case.json).map_err(|e| format!("does not read as its polymorphic type: {e}"))?;
        if read != *expected {
            return Err(format!("values are read as {read:?}, the docs say {expected:?}"));
        }
    }
    Ok(())
}

/// Build a request example and compare it with the docs: method, path (decoded, relative
/// to the service root), query pairs and JSON body.
fn check_request(request: &Request, body: &str) -> Outcome {
    let built = (request.build)(body)
        .and_then(|parts| parts.into_request(BASE))
        .map_err(|e| format!("the request does not build: {e}"))?;
    if built.method().as_str() != request.method {
        return Err(format!("method {} instead of {}", built.method(), request.method));
    }
    let path = decode(built.uri().path());
    let path = path.strip_prefix("/beta").unwrap_or(&path);
    // Graph's path segments are case-insensitive, and the docs spell them either way
    // (`timeCards`, `timecards`): the builder writes its operation's first spelling.
    if !path.trim_end_matches('/').eq_ignore_ascii_case(request.path.trim_end_matches('/')) {
        return Err(format!("path {path} instead of {}", request.path));
    }
    let query: Vec<(String, String)> = built
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect();
    let mut want: Vec<(String, String)> = request.query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    // The docs write the options in any order; the builder, the path's fixed pairs first.
    let mut query = query;
    query.sort();
    want.sort();
    if query != want {
        return Err(format!("query {query:?} instead of {want:?}"));
    }
    let content_types: Vec<&[u8]> = built.headers().get_all(http::header::CONTENT_TYPE).iter().map(|v| v.as_bytes()).collect();
    match request.bytes {
        Some(content_type) => {
            if built.body().as_slice() != body.as_bytes() {
                return Err(format!("the body sent differs from the example's bytes: {:?}", String::from_utf8_lossy(built.body())));
            }
            if content_types != [content_type.as_bytes()] {
                return Err(format!("Content-Type {content_types:?} instead of only {content_type:?}"));
            }
        }
        None if !body.is_empty() => {
            let sent: Value = serde_json::from_slice(built.body()).map_err(|e| format!("the body sent is not JSON: {e}"))?;
            same_as(body, &sent, "the body sent differs")?;
            if content_types != [b"application/json".as_slice()] {
                return Err(format!("Content-Type {content_types:?} instead of only application/json"));
            }
        }
        None => {}
    }
    Ok(())
}

/// Every example of the table, each failure caught and listed (see `support::run_table`).
#[test]
fn documented_examples() {
    support::run_table("documented_examples", "examples", CASES, |case| (case.name, case.at), || check);
}
