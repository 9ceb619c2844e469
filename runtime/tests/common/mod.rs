//! What the integration tests share: marker types for typed operations, a client with short
//! retry waits against a local server, scripted wiremock answers and a raw TCP server.
#![allow(dead_code)]

use doc2rs_runtime::model::Collection;
use doc2rs_runtime::{
    Client, ClientBuilder, Json, JsonOrEmpty, Kind, ReqwestTransport, RetryPolicy,
};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

/// `GET`/`POST` answered with a JSON value.
pub enum GetThing {}
impl Kind for GetThing {
    type Response = Json<Value>;
}

/// A collection page.
pub enum ListThings {}
impl Kind for ListThings {
    type Response = Json<Collection<Value>>;
}

/// Bytes (a download).
pub enum GetContent {}
impl Kind for GetContent {
    type Response = doc2rs_runtime::Bytes;
}

/// A JSON body or nothing (`202 Accepted`).
pub enum StartCopy {}
impl Kind for StartCopy {
    type Response = JsonOrEmpty<Value>;
}

/// A retry policy that waits 10 ms, 20 ms, 40 ms (no jitter) when the service says nothing.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(10),
        jitter: false,
        ..RetryPolicy::default()
    }
}

/// The base URL of a local server's `v1.0`.
pub fn base(uri: &str) -> String {
    format!("{uri}/v1.0")
}

/// A client for `uri/v1.0` over reqwest with [`fast_retry`].
pub fn client_for(uri: &str) -> ClientBuilder<ReqwestTransport> {
    Client::builder(ReqwestTransport::default(), base(uri)).retry(fast_retry())
}

/// [`client_for`] a wiremock server.
pub fn client(server: &MockServer) -> ClientBuilder<ReqwestTransport> {
    client_for(&server.uri())
}

/// The requests a wiremock server received.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// A header of a received request as text.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Answers by the number of the request it is (0 for the first this mock matched).
pub struct Script<F>(AtomicUsize, F);

pub fn script<F>(f: F) -> Script<F>
where
    F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync,
{
    Script(AtomicUsize::new(0), f)
}

impl<F> Respond for Script<F>
where
    F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync,
{
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        (self.1)(n, request)
    }
}

/// A raw HTTP/1.1 server on 127.0.0.1: it accepts one connection per entry of `answers`
/// (at most that many, each within 5 s), reads the request head, writes the entry's bytes
/// as they are and closes the connection. The join handle gives the request heads it read
/// (one per connection accepted).
pub async fn raw_server(answers: Vec<Vec<u8>>) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let mut heads = Vec::new();
        for answer in answers {
            let accept = tokio::time::timeout(Duration::from_secs(5), listener.accept()).await;
            let Ok(Ok((mut socket, _))) = accept else {
                break;
            };
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                match tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await {
                    Ok(Ok(n)) if n > 0 => head.extend_from_slice(&buf[..n]),
                    _ => break,
                }
            }
            heads.push(String::from_utf8_lossy(&head).into_owned());
            let _ = socket.write_all(&answer).await;
            let _ = socket.flush().await;
            let _ = socket.shutdown().await;
        }
        heads
    });
    (uri, handle)
}

/// A complete HTTP/1.1 answer with a JSON body that closes the connection.
pub fn http_json(status: &str, json: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        json.len()
    )
    .into_bytes()
}

/// An HTTP/1.1 answer that promises `promised` bytes of body and sends only `sent`.
pub fn http_cut(promised: usize, sent: &[u8]) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {promised}\r\n\r\n"
    )
    .into_bytes();
    answer.extend_from_slice(sent);
    answer
}

/// The value of `name` in a raw request head (case-insensitive).
pub fn head_header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}
