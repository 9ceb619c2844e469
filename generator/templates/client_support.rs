use graph_client::{Client, Error, Operation, ReqwestTransport, RequestParts};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use support::{decode, same_as, Outcome};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;

/// A client pointed at a local server (`/beta` below its root) with a bearer token.
fn client_for(server: &MockServer) -> Client<ReqwestTransport> {
    Client::new(ReqwestTransport::default())
        .with_base_url(format!("{}/beta", server.uri()))
        .with_bearer_token(|| "test-token".to_string())
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
    /// The response example's body (empty when it has none).
    response: &'static str,
    /// The response is typed: the client's result must write back as the documented body.
    typed: bool,
    /// Sends the operation, built from the example's values and body, through the client.
    call: fn(Client<ReqwestTransport>, &'static str) -> Call,
}

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

/// The operation's typed reading of a response, written back as JSON.
#[allow(dead_code)]
fn typed<O: Operation>(status: u16, body: &[u8]) -> Result<Value, Error>
where
    O::Output: serde::Serialize,
{
    Ok(serde_json::to_value(O::parse_response(status, body)?)?)
}

/// A request already built, sent through `Client::send`; its output is the status and body
/// as they came, for the operation's own parser.
#[allow(dead_code)]
struct Built(RequestParts);

impl Operation for Built {
    type Output = (u16, Vec<u8>);
    fn into_parts(self) -> Result<RequestParts, Error> {
        Ok(self.0)
    }
    fn parse_response(status: u16, body: &[u8]) -> Result<(u16, Vec<u8>), Error> {
        Ok((status, body.to_vec()))
    }
}

/// Send built request parts through the client and parse the answer with `parse`.
#[allow(dead_code)]
fn send_parts(client: Client<ReqwestTransport>, parts: Result<RequestParts, Error>, parse: fn(u16, &[u8]) -> Result<Value, Error>) -> Call {
    Box::pin(async move {
        let (status, body) = client.send(Built(parts?)).await?;
        parse(status, &body)
    })
}

/// A request body read from the example's JSON.
#[allow(dead_code)]
fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Error> {
    Ok(serde_json::from_slice(text.as_bytes())?)
}

/// Serve one documented exchange (the documented status and body for the documented method
/// and path, only with the bearer token), call it through the client, compare the result.
async fn exchange(server: Arc<MockServer>, client: Client<ReqwestTransport>, case: &'static Exchange) -> Outcome {
    Mock::given(method(case.method))
        .and(DecodedPath(case.path.to_string()))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(case.status).set_body_raw(case.response.as_bytes().to_vec(), "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let output = (case.call)(client, case.request).await.map_err(|e| format!("the documented call fails: {e}"))?;
    if case.typed {
        same_as(case.response, &output, "the result differs from the documented response")?;
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
