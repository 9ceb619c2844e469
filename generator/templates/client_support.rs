use graph_client::{Client, Content, Error, Operation, ReqwestTransport, RequestParts, RetryPolicy};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use support::{decode, same_as, Outcome};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;

/// A client pointed at a local server (`/beta` below its root) with a bearer token. The
/// exchanges check what each call sends and reads, so nothing is retried (the runtime
/// crate's own tests cover the retries).
fn client_for(server: &MockServer) -> Client<ReqwestTransport> {
    Client::builder(ReqwestTransport::default(), format!("{}/beta", server.uri()))
        .bearer_token("test-token")
        .retry(RetryPolicy::none())
        .build()
}

/// A local server on 127.0.0.1 and a client pointed at it.
#[allow(dead_code)]
async fn local() -> (MockServer, Client<ReqwestTransport>) {
    let server = MockServer::start().await;
    let client = client_for(&server);
    (server, client)
}

/// Matches a request whose path, percent-decoded, is `/beta` + the documented path, ignoring
/// ASCII case (Graph's path segments are case-insensitive, and the docs spell them either
/// way: `timeCards`, `timecards`).
struct DecodedPath(String);

impl wiremock::Match for DecodedPath {
    fn matches(&self, request: &Request) -> bool {
        decode(request.url.path()).trim_end_matches('/').eq_ignore_ascii_case(&format!("/beta{}", self.0.trim_end_matches('/')))
    }
}

/// The typed result of a call, written back as JSON.
type Call = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send>>;

/// One documented exchange (a request example and its response example): served by the
/// local server and called through the client. The exchanges are data (the table at the
/// end of this file) that one test runs.
#[allow(dead_code)]
struct Exchange {
    /// A stable name: the operation, and a number when it has several exchanges.
    name: &'static str,
    /// Where the docs show the request and the response (`file:line`).
    at: &'static str,
    method: &'static str,
    /// The documented path, percent-decoded, relative to the service root.
    path: &'static str,
    /// The request example's body (empty when it has none).
    request: &'static str,
    status: u16,
    /// The request's one `Content-Type` (`None`: the request has no body and none).
    request_type: Option<&'static str>,
    /// The response example's body (empty when it has none).
    response: &'static str,
    /// What the client's result must be.
    expect: Expect,
    /// Sends the operation, built from the example's values and body, through the client.
    call: fn(Client<ReqwestTransport>, &'static str) -> Call,
}

/// What an exchange's result is compared with.
#[allow(dead_code)]
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// Nothing: the operation documents no body (`()`).
    Nothing,
    /// The typed result writes back as the documented body.
    Json,
    /// The answer is empty and the result is `None`.
    Null,
    /// The answer is bytes (the example's text, served as `application/octet-stream`): the
    /// result is exactly those bytes and that content type, never parsed.
    Bytes,
}

/// The content type a documented download is served with.
const BYTES_TYPE: &str = "application/octet-stream";

/// Send an operation through the client; its typed result written back as JSON.
///
/// The client sends the operation's request and the operation parses the answer, as
/// `Client::send` does; only the async part is shared by every operation (`send_parts`), so
/// no future is compiled per operation: the per-operation code is the request builder and
/// [`typed`].
#[allow(dead_code)]
fn send<O>(client: Client<ReqwestTransport>, operation: Result<O, Error>) -> Call
where
    O: Operation,
    O::Output: serde::Serialize,
{
    send_parts(client, operation.and_then(O::into_parts), typed::<O>)
}

/// Send a download through the client; its bytes and content type as JSON (see [`bytes`]).
#[allow(dead_code)]
fn send_bytes<O: Operation<Output = Content>>(client: Client<ReqwestTransport>, operation: Result<O, Error>) -> Call {
    send_parts(client, operation.and_then(O::into_parts), |response| O::parse_response(response).map(|c| bytes(&c)))
}

/// The operation's typed reading of a response, written back as JSON.
#[allow(dead_code)]
fn typed<O: Operation>(response: http::Response<Vec<u8>>) -> Result<Value, Error>
where
    O::Output: serde::Serialize,
{
    Ok(serde_json::to_value(O::parse_response(response)?)?)
}

/// Bytes and their content type as JSON, to compare exactly.
#[allow(dead_code)]
fn bytes(content: &Content) -> Value {
    serde_json::json!({"contentType": content.content_type, "bytes": content.bytes})
}

/// A request already built, sent through `Client::send`; its output is the response as it
/// came (status, headers, body), for the operation's own parser.
#[allow(dead_code)]
struct Built(RequestParts);

impl Operation for Built {
    type Output = http::Response<Vec<u8>>;
    fn into_parts(self) -> Result<RequestParts, Error> {
        Ok(self.0)
    }
    fn parse_response(response: http::Response<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error> {
        Ok(response)
    }
}

/// Send built request parts through the client and parse the answer with `parse`.
#[allow(dead_code)]
fn send_parts(client: Client<ReqwestTransport>, parts: Result<RequestParts, Error>, parse: fn(http::Response<Vec<u8>>) -> Result<Value, Error>) -> Call {
    Box::pin(async move { parse(client.send(Built(parts?)).await?) })
}

/// A request body read from the example's JSON.
#[allow(dead_code)]
fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Error> {
    Ok(serde_json::from_slice(text.as_bytes())?)
}

/// Serve one documented exchange (the documented status and body for the documented method
/// and path, only with the bearer token), call it through the client, compare the result.
async fn exchange(server: Arc<MockServer>, client: Client<ReqwestTransport>, case: &'static Exchange) -> Outcome {
    let served = if case.expect == Expect::Bytes { BYTES_TYPE } else { "application/json" };
    Mock::given(method(case.method))
        .and(DecodedPath(case.path.to_string()))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(case.status).set_body_raw(case.response.as_bytes().to_vec(), served))
        .expect(1)
        .mount(&server)
        .await;
    let output = (case.call)(client, case.request).await.map_err(|e| format!("the documented call fails: {e}"))?;
    match case.expect {
        Expect::Nothing => {}
        Expect::Json => same_as(case.response, &output, "the result differs from the documented response")?,
        Expect::Null if output.is_null() => {}
        Expect::Null => return Err(format!("an empty answer read as {output}, not None")),
        Expect::Bytes => {
            let want = bytes(&Content { content_type: Some(BYTES_TYPE.to_string()), bytes: case.response.as_bytes().to_vec() });
            if output != want {
                return Err(format!("the download reads as {output}, not the {want} served"));
            }
        }
    }
    let received = server.received_requests().await.unwrap_or_default();
    let request = received.last().ok_or("no request arrived")?;
    let types: Vec<&str> = request.headers.get_all("content-type").iter().filter_map(|v| v.to_str().ok()).collect();
    if types != case.request_type.into_iter().collect::<Vec<_>>() {
        return Err(format!("Content-Type {types:?}, not {:?}", case.request_type));
    }
    if case.request_type.is_some_and(|t| t != "application/json") && request.body != case.request.as_bytes() {
        return Err(format!("the bytes sent differ from the example's: {:?}", String::from_utf8_lossy(&request.body)));
    }
    server.verify().await;
    Ok(())
}

/// Every exchange of the table against one local server (its mocks reset between cases),
/// each failure or panic caught and listed (see `support::run_table`).
#[test]
fn documented_exchanges() {
    support::run_table("documented_exchanges", "local-server exchanges", EXCHANGES, |case| (case.name, case.at), || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        let server = Arc::new(runtime.block_on(MockServer::start()));
        let client = client_for(&server);
        move |case| {
            runtime.block_on(async {
                server.reset().await;
                match tokio::spawn(exchange(server.clone(), client.clone(), case)).await {
                    Ok(outcome) => outcome,
                    Err(e) if e.is_panic() => Err(support::caught_panic()),
                    Err(e) => Err(e.to_string()),
                }
            })
        }
    });
}

/// The client's calls against the local server, on operations written here (the marker
/// types every generated builder has, one per way of reading a response), so they run
/// whatever operations the docs hold.
mod calls {
    use super::{decode, local};
    use graph_client::{request, request_bytes, request_json, Bytes, Error, Json, JsonOrEmpty, Kind};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};

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

    const CONTENT: &str = "/me/drive/root:/{/}:/content";

    /// A download is the bytes and the content type the server sends, never parsed.
    #[tokio::test]
    async fn a_download_is_the_bytes_and_content_type_sent() {
        let (server, client) = local().await;
        let body = b"\x89PNG\r\n\x1a\n\x00{not json".to_vec();
        Mock::given(method("GET"))
            .and(path("/beta/me/drive/root:/Folder%20A/b.png:/content"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "image/png"))
            .expect(1)
            .mount(&server)
            .await;
        let op = request::<Download>(http::Method::GET, CONTENT, &[("item_path", "Folder A/b.png")]).unwrap();
        let content = client.send(op).await.unwrap();
        assert_eq!(content.bytes, body);
        assert_eq!(content.content_type.as_deref(), Some("image/png"));
    }

    /// An upload sends exactly the caller's bytes with one `Content-Type`, the caller's.
    #[tokio::test]
    async fn an_upload_sends_exactly_the_bytes_and_one_content_type() {
        let (server, client) = local().await;
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(201).set_body_raw(br#"{"id": "01"}"#.to_vec(), "application/json"))
            .expect(1)
            .mount(&server)
            .await;
        let body = b"\x00\xff{\"a\": 1}\r\n--boundary--".to_vec();
        let op = request_bytes::<Upload>(http::Method::PUT, CONTENT, &[("item_path", "f/g.txt")], body.clone(), "text/plain").unwrap();
        let created = client.send(op).await.unwrap();
        assert_eq!(created, serde_json::json!({"id": "01"}));
        let received = server.received_requests().await.unwrap();
        assert_eq!(received[0].body, body);
        let types: Vec<_> = received[0].headers.get_all("content-type").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        assert_eq!(types, ["text/plain"]);
        assert_eq!(received[0].url.path(), "/beta/me/drive/root:/f/g.txt:/content");
    }

    /// A PATCH answered `204 No Content` is `Ok(None)`; answered with the representation,
    /// `Some`.
    #[tokio::test]
    async fn a_patch_answered_204_is_ok() {
        let (server, client) = local().await;
        let patch = || request_json::<Update, _>(http::Method::PATCH, "/items/{}", &[("id", "1")], &serde_json::json!({"name": "x"})).unwrap();
        Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(204)).up_to_n_times(1).mount(&server).await;
        assert_eq!(client.send(patch()).await.unwrap(), None);
        Mock::given(method("PATCH"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(br#"{"name": "x"}"#.to_vec(), "application/json"))
            .mount(&server)
            .await;
        assert_eq!(client.send(patch()).await.unwrap(), Some(serde_json::json!({"name": "x"})));
        let received = server.received_requests().await.unwrap();
        let types: Vec<_> = received[0].headers.get_all("content-type").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        assert_eq!(types, ["application/json"]);
    }

    /// A value that is a path arrives with its slashes; each part arrives intact (`%`, `?`,
    /// `#`, `:` stay inside it); parts that would climb out of the path are refused.
    #[tokio::test]
    async fn a_colon_path_arrives_with_its_slashes() {
        let (server, client) = local().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_raw(b"x".to_vec(), "text/plain")).mount(&server).await;
        let values = ["a/b.txt", "Folder A/100%/x?y=z#w/c:d/ü.txt", "...", "a/.../b"];
        for value in values {
            let op = request::<Download>(http::Method::GET, CONTENT, &[("item_path", value)]).unwrap();
            client.send(op).await.expect("request succeeds");
        }
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), values.len());
        for (request, value) in received.iter().zip(values) {
            let raw = request.url.path();
            let inner = raw.strip_prefix("/beta/me/drive/root:/").and_then(|p| p.strip_suffix(":/content"));
            let inner = inner.unwrap_or_else(|| panic!("{value:?} changed the path: {raw}"));
            assert_eq!(inner.matches('/').count(), value.matches('/').count(), "{value:?}: {raw}");
            let parts: Vec<String> = inner.split('/').map(decode).collect();
            assert_eq!(parts, value.split('/').collect::<Vec<_>>(), "{value:?} arrives part by part");
            assert!(request.url.query().is_none() && request.url.fragment().is_none(), "{value:?} leaked into query or fragment");
        }
        for value in ["", "/", "/a", "a/", "a//b", ".", "..", "a/../b", "../a", "a/./b"] {
            let op = request::<Download>(http::Method::GET, CONTENT, &[("item_path", value)]);
            assert!(matches!(op, Err(Error::InvalidPathValue("item_path"))), "{value:?} is refused");
        }
    }
}
