//! The client's ordinary work against a local wiremock server on 127.0.0.1: gzip answers and
//! the headers every call carries, delta rounds paged lazily and resumed from their link,
//! and a `202 Accepted` read with its headers.

mod common;

use common::*;
use doc2rs_runtime::{http::Method, request, request_json};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::io::Write;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

// 8. gzip and the per-call headers ------------------------------------------------------------

#[tokio::test]
async fn a_gzip_answer_is_decoded_and_every_call_says_who_it_is() {
    let server = MockServer::start().await;
    let thing = json!({"id": "1", "displayName": "compressed ".repeat(50)});
    let compressed = gzip(&serde_json::to_vec(&thing).unwrap());
    Mock::given(method("GET"))
        .and(path("/v1.0/things/1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Content-Encoding", "gzip")
                .set_body_raw(compressed.clone(), "application/json"),
        )
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server).build();
    let op = || request::<GetThing>(Method::GET, "/things/{}", &[("id", "1")]).unwrap();
    assert_eq!(client.send(op()).await.unwrap(), thing);

    // Streamed: decoded as it arrives; the compressed length is not the body's.
    let op = request::<GetContent>(Method::GET, "/things/{}", &[("id", "1")]).unwrap();
    let download = client.download(op).await.unwrap();
    assert_eq!(download.content_length(), None);
    assert!(!download.headers.contains_key("content-encoding"));
    let mut download = download;
    let mut body = Vec::new();
    while let Some(chunk) = download.body.chunk().await {
        body.extend_from_slice(&chunk.unwrap());
    }
    assert!(
        download.body.chunk().await.is_none(),
        "a finished body stays finished"
    );
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), thing);

    let seen = received(&server).await;
    assert_eq!(seen.len(), 2);
    for r in &seen {
        assert_eq!(header(r, "accept-encoding"), Some("gzip"));
        let agent = header(r, "user-agent").unwrap();
        assert!(agent.starts_with("doc2rs-runtime/"), "{agent}");
        assert_eq!(header(r, "client-request-id").map(str::len), Some(36));
        assert_eq!(
            header(r, "authorization"),
            None,
            "no token source, no token"
        );
    }
    assert_ne!(
        header(&seen[0], "client-request-id"),
        header(&seen[1], "client-request-id"),
        "one id per call"
    );
}

// 9. Delta rounds ---------------------------------------------------------------------------

/// A delta endpoint: three pages, then the delta link; the delta link answers the changes.
async fn delta_server() -> MockServer {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(method("GET"))
        .and(path("/v1.0/things/delta"))
        .respond_with(move |r: &wiremock::Request| {
            let link = |q: &str| format!("{uri}/v1.0/things/delta?{q}");
            let body = match r.url.query() {
                None => json!({"value": [{"id": "1"}, {"id": "2"}],
                               "@odata.nextLink": link("$skiptoken=p2")}),
                Some("$skiptoken=p2") => json!({"value": [{"id": "3"}, {"id": "4"}],
                                                "@odata.nextLink": link("$skiptoken=p3")}),
                Some("$skiptoken=p3") => json!({"value": [{"id": "5"}],
                                                "@odata.deltaLink": link("$deltatoken=d1")}),
                Some("$deltatoken=d1") => {
                    json!({"value": [{"id": "2", "@removed": {"reason": "deleted"}}],
                                                 "@odata.deltaLink": link("$deltatoken=d2")})
                }
                Some(other) => {
                    return ResponseTemplate::new(400).set_body_string(other.to_string());
                }
            };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&server)
        .await;
    server
}

fn delta() -> doc2rs_runtime::Request<ListThings> {
    request::<ListThings>(Method::GET, "/things/delta", &[]).unwrap()
}

#[tokio::test]
async fn a_three_page_delta_round_streams_in_order_and_resumes_from_its_link() {
    let server = delta_server().await;
    let client = client(&server).build();
    let mut items = client.items(delta());
    let mut ids = Vec::new();
    // `next_item` and `StreamExt::next` read the same stream.
    let first = items.next_item().await.unwrap().unwrap();
    ids.push(first["id"].as_str().unwrap().to_string());
    assert_eq!(items.delta_link(), None, "not before the last page");
    while let Some(item) = items.next().await {
        ids.push(item.unwrap()["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    let link = items.delta_link().expect("the round's delta link");
    assert_eq!(
        link,
        format!("{}/v1.0/things/delta?$deltatoken=d1", server.uri())
    );
    assert_eq!(items.next_link(), None);
    let queries: Vec<_> = received(&server)
        .await
        .iter()
        .map(|r| r.url.query().map(str::to_string))
        .collect();
    assert_eq!(
        queries,
        [
            None,
            Some("$skiptoken=p2".into()),
            Some("$skiptoken=p3".into())
        ]
    );

    // The next round, from the stored link: what changed.
    let mut changes = client.resume::<Value>(link);
    let change = changes.next_item().await.unwrap().unwrap();
    assert_eq!(
        change,
        json!({"id": "2", "@removed": {"reason": "deleted"}})
    );
    assert!(changes.next_item().await.is_none());
    assert!(
        changes.next_item().await.is_none(),
        "a finished stream stays finished"
    );
    assert_eq!(
        changes.delta_link(),
        Some(format!("{}/v1.0/things/delta?$deltatoken=d2", server.uri()))
    );
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn pages_are_fetched_only_as_they_are_read() {
    let server = delta_server().await;
    let client = client(&server).build();
    let mut pages = client.pages(delta());
    tokio::task::yield_now().await;
    assert!(
        received(&server).await.is_empty(),
        "nothing before the first read"
    );

    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.value.len(), 2);
    assert_eq!(
        received(&server).await.len(),
        1,
        "one page read, one request"
    );
    assert_eq!(
        pages.next_link(),
        Some(format!("{}/v1.0/things/delta?$skiptoken=p2", server.uri()))
    );

    let rest: Vec<_> = pages.by_ref().collect().await;
    assert_eq!(rest.len(), 2);
    let last = rest[1].as_ref().unwrap();
    assert_eq!(last.value, [json!({"id": "5"})]);
    assert!(last.odata_delta_link.is_some());
    assert_eq!(pages.delta_link(), last.odata_delta_link);
    assert_eq!(received(&server).await.len(), 3);
    assert!(pages.next().await.is_none());
    assert_eq!(
        received(&server).await.len(),
        3,
        "no request after the last page"
    );
}

// 12. 202 Accepted --------------------------------------------------------------------------

#[tokio::test]
async fn a_202_accepted_is_read_with_its_location_and_request_id() {
    let server = MockServer::start().await;
    let monitor = format!("{}/monitor/copy-1", server.uri());
    Mock::given(method("POST"))
        .and(path("/v1.0/drive/items/1/copy"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", monitor.as_str())
                .insert_header("request-id", "rid-7"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).build();
    let op = request_json::<StartCopy, _>(
        Method::POST,
        "/drive/items/{}/copy",
        &[("id", "1")],
        &json!({"name": "copy.txt"}),
    )
    .unwrap();
    let accepted = client.send_with_response(op).await.unwrap();
    assert_eq!(accepted.status, 202);
    assert_eq!(accepted.location(), Some(monitor.as_str()));
    assert_eq!(accepted.request_id(), Some("rid-7"));
    assert_eq!(accepted.value, None, "no body");
    let seen = received(&server).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, br#"{"name":"copy.txt"}"#);
}

/// Nothing to read.
enum Probe {}
impl doc2rs_runtime::Kind for Probe {
    type Response = doc2rs_runtime::NoContent;
}

#[tokio::test]
async fn a_head_answer_that_names_gzip_has_no_body_to_decode() {
    let server = MockServer::start().await;
    Mock::given(method("HEAD"))
        .and(path("/v1.0/things/1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Content-Encoding", "gzip")
                .set_body_raw(gzip(b"{\"id\":\"1\"}"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1.0/things/1"))
        .respond_with(ResponseTemplate::new(204).insert_header("Content-Encoding", "gzip"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).build();
    let head = request::<Probe>(Method::HEAD, "/things/{}", &[("id", "1")]).unwrap();
    client.send(head).await.unwrap();
    let delete = request::<Probe>(Method::DELETE, "/things/{}", &[("id", "1")]).unwrap();
    client.send(delete).await.unwrap();
}
