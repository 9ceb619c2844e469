//! The client's reading and writing of requests, over a transport that records each
//! request and answers with a canned response (no network; `tests/faults.rs` and the
//! generated SDKs' `tests/client.rs` run against local servers).

use doc2rs_runtime::{
    Body, Bytes, Client, Content, Error, Json, JsonOrEmpty, Kind, NoContent, Operation, Request,
    RequestParts, RetryPolicy, Transport, request, request_bytes, request_json, with_header,
};
use std::future::Future;
use std::sync::{Arc, Mutex};

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
    ) -> impl Future<Output = Result<http::Response<Body>, Error>> + Send {
        self.seen.lock().unwrap().push(request);
        let mut response = http::Response::builder().status(self.status);
        if let Some(content_type) = self.content_type {
            response = response.header(http::header::CONTENT_TYPE, content_type);
        }
        let response = response.body(Body::from(self.body)).unwrap();
        std::future::ready(Ok(response))
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
    Client::builder(transport.clone(), "https://example.test/v1.0")
        .retry(RetryPolicy::none())
        .build()
}

fn content_types(request: &http::Request<Vec<u8>>) -> Vec<&str> {
    let all = request.headers().get_all(http::header::CONTENT_TYPE);
    all.iter().map(|v| v.to_str().unwrap()).collect()
}

#[tokio::test]
async fn a_download_is_the_bytes_and_content_type_sent() {
    let body: &[u8] = b"\x00\xffnot json {";
    let transport = Canned::new(200, Some("application/octet-stream"), body);
    let op = request::<Download>(
        http::Method::GET,
        "/me/drive/root:/{/}:/content",
        &[("item_path", "a/b.txt")],
    )
    .unwrap();
    let content = client(&transport).send(op).await.unwrap();
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
    let content = client(&transport).send(op.unwrap()).await.unwrap();
    assert_eq!(content, Content::default());
    let transport = Canned::new(
        404,
        Some("application/json"),
        br#"{"error":{"code":"itemNotFound"}}"#,
    );
    let op = request::<Download>(http::Method::GET, "/x/{}/content", &[("id", "1")]);
    match client(&transport).send(op.unwrap()).await {
        Err(Error::Graph {
            status: 404, error, ..
        }) => {
            assert_eq!(error.code.as_deref(), Some("itemNotFound"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_upload_sends_exactly_the_bytes_with_one_content_type() {
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
    let out = client(&transport).send(op).await.unwrap();
    assert_eq!(out, serde_json::json!({"id": "1"}));
    let seen = transport.seen();
    assert_eq!(seen[0].body(), &body);
    assert_eq!(content_types(&seen[0]), ["application/x-custom"]);
    let op = request_bytes::<Upload>(http::Method::PUT, "/x", &[], body.clone(), "image/png");
    let request = op
        .unwrap()
        .into_parts()
        .unwrap()
        .into_request("https://graph.microsoft.com/beta");
    let request = request.unwrap();
    assert_eq!(content_types(&request), ["image/png"]);
    assert_eq!(request.body(), &body);
    // A JSON body gets application/json, once.
    let parts = RequestParts::at_json(http::Method::POST, "/x", &[], &serde_json::json!({}));
    let request = parts
        .unwrap()
        .into_request("https://graph.microsoft.com/beta")
        .unwrap();
    assert_eq!(content_types(&request), ["application/json"]);
    // No body, no Content-Type.
    let parts = RequestParts::at(http::Method::DELETE, "/x", &[]).unwrap();
    assert!(
        content_types(
            &parts
                .into_request("https://graph.microsoft.com/beta")
                .unwrap()
        )
        .is_empty()
    );
}

#[tokio::test]
async fn every_2xx_is_a_success_and_an_empty_body_reads_by_the_output() {
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
            Err(Error::EmptyBody { status: s, .. }) if s == status
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
    assert_eq!(client(&transport).send(op.unwrap()).await.unwrap(), None);
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
    for hostile in [
        "", "/", "a/", "/a", "a//b", ".", "..", "a/../b", "../a", "a/.", "%2e/..",
    ] {
        assert!(
            matches!(path(hostile), Err(Error::InvalidPathValue("item_path"))),
            "{hostile:?} is refused"
        );
    }
    // The other markers are unchanged: one segment, `/` and `.` encoded.
    let one = RequestParts::at(
        http::Method::GET,
        "/a/{}/b('{'}')",
        &[("x", "c/d.e"), ("y", "o'k")],
    );
    assert_eq!(one.unwrap().path, "/a/c%2Fd%2Ee/b('o%27%27k')");
}
