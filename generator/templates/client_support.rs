use graph_client::{Client, Error, Operation as _, ReqwestTransport};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use support::{decode, same};

mod support;

/// A local server on 127.0.0.1 and a client pointed at it with a bearer token.
async fn local() -> (MockServer, Client<ReqwestTransport>) {
    let server = MockServer::start().await;
    let client = Client::new(ReqwestTransport::default())
        .with_base_url(format!("{}/beta", server.uri()))
        .with_bearer_token(|| "test-token".to_string());
    (server, client)
}

/// Matches a request whose path, percent-decoded, is `/beta` + the documented path.
struct DecodedPath(String);

impl wiremock::Match for DecodedPath {
    fn matches(&self, request: &Request) -> bool {
        decode(request.url.path()).trim_end_matches('/') == format!("/beta{}", self.0.trim_end_matches('/'))
    }
}


/// Serve one documented exchange: the documented status and body for the documented
/// method and path, only with the bearer token.
async fn serve(server: &MockServer, verb: &str, path: &str, status: u16, body: &str) {
    Mock::given(method(verb))
        .and(DecodedPath(path.to_string()))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json"))
        .expect(1)
        .mount(server)
        .await;
}

#[allow(dead_code)]
fn same_json<T: serde::Serialize>(typed: &T, documented: &str) {
    let back = serde_json::to_value(typed).unwrap();
    let original: serde_json::Value = serde_json::from_str(documented).unwrap();
    assert!(same(&original, &back), "documented: {original:#}\nreceived:   {back:#}");
}

