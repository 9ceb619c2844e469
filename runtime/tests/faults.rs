//! The client against real local servers (wiremock, or a raw TCP listener where wiremock
//! cannot misbehave enough), all bound to 127.0.0.1: throttling, server errors, timeouts,
//! connections cut mid-body, redirects across origins, token refreshes under load, tokens
//! kept from foreign hosts, upload sessions that lose a range and throttled `$batch`
//! requests. Every server answers a bounded number of requests and every wait is short.

mod common;

use common::*;
use doc2rs_runtime::{
    AccessToken, Batch, Error, RedirectPolicy, RetryPolicy, Timeouts, UploadOptions, http::Method,
    request, request_json, token_fn,
};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get_thing(id: &str) -> doc2rs_runtime::Request<GetThing> {
    request::<GetThing>(Method::GET, "/things/{}", &[("id", id)]).unwrap()
}

// 1. Throttling -------------------------------------------------------------------------

#[tokio::test]
async fn a_429_storm_is_retried_as_retry_after_says_with_one_client_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/things/1"))
        .respond_with(script(|n, _| match n {
            0 | 2 => ResponseTemplate::new(429).insert_header("Retry-After", "0"),
            // An HTTP date a second ahead: a wait of at most a second.
            1 => {
                let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
                ResponseTemplate::new(429).insert_header("Retry-After", when.as_str())
            }
            _ => ResponseTemplate::new(200).set_body_json(json!({"id": "1"})),
        }))
        .expect(4)
        .mount(&server)
        .await;
    // A backoff of 10 s: were `Retry-After` ignored, the test could not end in time.
    let client = client(&server)
        .retry(RetryPolicy {
            base_delay: Duration::from_secs(10),
            jitter: false,
            ..RetryPolicy::default()
        })
        .build();
    let started = Instant::now();
    let thing = client.send(get_thing("1")).await.unwrap();
    assert_eq!(thing, json!({"id": "1"}));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    let seen = received(&server).await;
    assert_eq!(seen.len(), 4);
    let attempts: Vec<_> = seen.iter().map(|r| header(r, "retry-attempt")).collect();
    assert_eq!(attempts, [None, Some("1"), Some("2"), Some("3")]);
    let id = header(&seen[0], "client-request-id").unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    for r in &seen {
        assert_eq!(
            header(r, "client-request-id"),
            Some(id),
            "one id across the retries"
        );
    }
}

#[tokio::test]
async fn a_429_storm_longer_than_the_retries_is_the_error_with_its_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/things/1"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .insert_header("request-id", "req-42")
                .set_body_json(
                    json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
                ),
        )
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server)
        .retry(RetryPolicy {
            max_retries: 2,
            ..fast_retry()
        })
        .build();
    let err = client.send(get_thing("1")).await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    assert_eq!(err.headers().unwrap()["retry-after"], "0");
    assert_eq!(err.request_id(), Some("req-42"));
    assert_eq!(
        err.graph_error().unwrap().code.as_deref(),
        Some("TooManyRequests")
    );
    assert!(err.to_string().contains("req-42"), "{err}");
    assert_eq!(received(&server).await.len(), 3, "1 attempt + 2 retries");
}

// 2. Server errors ----------------------------------------------------------------------

#[tokio::test]
async fn a_503_is_retried_and_a_post_body_is_replayed_byte_identical() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/things/1"))
        .respond_with(script(|n, _| match n {
            0 => ResponseTemplate::new(503),
            _ => ResponseTemplate::new(200).set_body_json(json!({"id": "1"})),
        }))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1.0/things"))
        .respond_with(script(|n, _| match n {
            0 => ResponseTemplate::new(503).insert_header("Retry-After", "0"),
            _ => ResponseTemplate::new(201).set_body_json(json!({"id": "new"})),
        }))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server).build();
    assert_eq!(client.send(get_thing("1")).await.unwrap()["id"], "1");

    let body = json!({"displayName": "Zoë", "tags": ["a", "b"], "n": 1.5});
    let op = request_json::<GetThing, _>(Method::POST, "/things", &[], &body).unwrap();
    assert_eq!(client.send(op).await.unwrap(), json!({"id": "new"}));

    let seen = received(&server).await;
    let gets = seen.iter().filter(|r| r.method.as_str() == "GET").count();
    let posts: Vec<_> = seen
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect();
    assert_eq!((gets, posts.len()), (2, 2));
    let sent = serde_json::to_vec(&body).unwrap();
    for post in &posts {
        assert_eq!(post.body, sent, "the body replayed as it was");
        assert_eq!(header(post, "content-type"), Some("application/json"));
    }
    assert_eq!(header(posts[1], "retry-attempt"), Some("1"));
}

// 3. Timeouts ---------------------------------------------------------------------------

#[tokio::test]
async fn a_post_that_times_out_is_not_retried_but_a_get_is() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(201)
        .set_body_json(json!({"id": "new"}))
        .set_delay(Duration::from_secs(1));
    Mock::given(method("POST"))
        .and(path("/v1.0/things"))
        .respond_with(slow)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/things/1"))
        .respond_with(script(|n, _| {
            let ok = ResponseTemplate::new(200).set_body_json(json!({"id": "1"}));
            if n == 0 {
                ok.set_delay(Duration::from_secs(1))
            } else {
                ok
            }
        }))
        .expect(2)
        .mount(&server)
        .await;
    let attempt = Duration::from_millis(200);
    let client = client(&server)
        .timeouts(Timeouts {
            attempt: Some(attempt),
            overall: Some(Duration::from_secs(5)),
        })
        .build();

    let op = request_json::<GetThing, _>(Method::POST, "/things", &[], &json!({"a": 1})).unwrap();
    let err = client.send(op).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after, overall: false } if after == attempt),
        "{err:?}"
    );
    assert_eq!(client.send(get_thing("1")).await.unwrap()["id"], "1");

    let seen = received(&server).await;
    let posts = seen.iter().filter(|r| r.method.as_str() == "POST").count();
    let gets: Vec<_> = seen.iter().filter(|r| r.method.as_str() == "GET").collect();
    assert_eq!(
        posts, 1,
        "a POST that may have been acted on is not sent again"
    );
    assert_eq!(gets.len(), 2);
    assert_eq!(header(gets[1], "retry-attempt"), Some("1"));
}

#[tokio::test]
async fn slow_answers_end_in_the_attempt_then_the_overall_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/things/1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "1"}))
                .set_delay(Duration::from_secs(2)),
        )
        .mount(&server)
        .await;

    let attempt_only = client(&server)
        .retry(RetryPolicy::none())
        .timeouts(Timeouts {
            attempt: Some(Duration::from_millis(150)),
            overall: None,
        })
        .build();
    let err = attempt_only.send(get_thing("1")).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { overall: false, .. }),
        "{err:?}"
    );
    assert_eq!(
        received(&server).await.len(),
        1,
        "no retry under RetryPolicy::none()"
    );

    let overall = Duration::from_millis(400);
    let bounded = client(&server)
        .retry(RetryPolicy {
            max_retries: 10,
            ..fast_retry()
        })
        .timeouts(Timeouts {
            attempt: Some(Duration::from_millis(150)),
            overall: Some(overall),
        })
        .build();
    let started = Instant::now();
    let err = bounded.send(get_thing("1")).await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(err, Error::Timeout { after, overall: true } if after == overall),
        "{err:?}"
    );
    assert!(took >= overall && took < Duration::from_secs(2), "{took:?}");
    // Timed-out attempts of a GET were retried until the overall limit ended the call.
    let attempts = received(&server).await.len() - 1;
    assert!((2..=3).contains(&attempts), "{attempts} attempts");
}

// 4. Connections cut mid-body -------------------------------------------------------------

#[tokio::test]
async fn a_body_cut_short_is_retried_for_a_get() {
    let (uri, server) = raw_server(vec![
        http_cut(1000, b"{\"id\":\"1\","),
        http_json("200 OK", r#"{"id":"1","name":"whole"}"#),
    ])
    .await;
    let client = client_for(&uri).build();
    let thing = client.send(get_thing("1")).await.unwrap();
    assert_eq!(thing, json!({"id": "1", "name": "whole"}));
    let heads = server.await.unwrap();
    assert_eq!(heads.len(), 2, "one retry on a new connection");
    assert!(
        heads[0].starts_with("GET /v1.0/things/1 HTTP/1.1"),
        "{}",
        heads[0]
    );
    assert_eq!(head_header(&heads[0], "retry-attempt"), None);
    assert_eq!(head_header(&heads[1], "retry-attempt"), Some("1"));
    assert_eq!(
        head_header(&heads[0], "client-request-id"),
        head_header(&heads[1], "client-request-id")
    );
}

#[tokio::test]
async fn a_streamed_download_cut_short_is_an_error_not_a_short_body() {
    let (uri, server) = raw_server(vec![http_cut(1000, b"0123456789")]).await;
    let client = client_for(&uri).build();
    let op = request::<GetContent>(Method::GET, "/drive/items/{}/content", &[("id", "1")]).unwrap();
    let mut download = client.download(op).await.unwrap();
    assert_eq!(download.status, 200);
    assert_eq!(download.content_length(), Some(1000));
    let mut got = Vec::new();
    let err = loop {
        match download.body.chunk().await {
            Some(Ok(chunk)) => got.extend_from_slice(&chunk),
            Some(Err(e)) => break e,
            None => panic!("the body ended after {} bytes without an error", got.len()),
        }
    };
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(got.len() <= 10);
    assert!(
        download.body.chunk().await.is_none(),
        "the body ends after its error"
    );
    assert!(download.body.chunk().await.is_none(), "and stays ended");
    assert_eq!(
        server.await.unwrap().len(),
        1,
        "a streamed body is not retried"
    );

    // The buffered `send` of the same download retries instead, and reads it whole.
    let (uri, server) = raw_server(vec![
        http_cut(1000, b"0123456789"),
        http_json("200 OK", r#""whole""#),
    ])
    .await;
    let client = client_for(&uri).build();
    let op = request::<GetContent>(Method::GET, "/drive/items/{}/content", &[("id", "1")]).unwrap();
    let content = client.send(op).await.unwrap();
    assert_eq!(content.bytes, br#""whole""#);
    assert_eq!(server.await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_gzip_stream_cut_short_is_an_error_not_a_short_body() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let text: Vec<u8> = (0..20_000u32).flat_map(|i| i.to_le_bytes()).collect();
    std::io::Write::write_all(&mut encoder, &text).unwrap();
    let gz = encoder.finish().unwrap();
    // Well framed (all the bytes the header promises arrive) but the gzip stream stops
    // halfway: only the decoder can tell.
    let half = &gz[..gz.len() / 2];
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        half.len()
    )
    .into_bytes();
    answer.extend_from_slice(half);
    let (uri, server) = raw_server(vec![answer]).await;
    let client = client_for(&uri).build();
    let op = request::<GetContent>(Method::GET, "/drive/items/{}/content", &[("id", "1")]).unwrap();
    let download = client.download(op).await.unwrap();
    let err = download.body.collect().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let heads = server.await.unwrap();
    assert_eq!(heads.len(), 1);
    assert_eq!(head_header(&heads[0], "accept-encoding"), Some("gzip"));
}

// 5. Redirects ----------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_to_another_origin_drops_the_token() {
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/drive/items/1/content"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "Location",
            format!("{}/blob/1?sig=abc", storage.uri()).as_str(),
        ))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/blob/1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"file-bytes".to_vec(), "text/plain"))
        .expect(1)
        .mount(&storage)
        .await;
    let client = client(&api).bearer_token("secret").build();
    let op = request::<GetContent>(Method::GET, "/drive/items/{}/content", &[("id", "1")]).unwrap();
    let download = client.download(op).await.unwrap();
    assert_eq!(download.content_type(), Some("text/plain"));
    let mut body = Vec::new();
    download.write_to(&mut body).await.unwrap();
    assert_eq!(body, b"file-bytes");

    let at_api = received(&api).await;
    let at_storage = received(&storage).await;
    assert_eq!(header(&at_api[0], "authorization"), Some("Bearer secret"));
    assert_eq!(at_storage.len(), 1);
    assert_eq!(at_storage[0].url.query(), Some("sig=abc"));
    assert_eq!(
        header(&at_storage[0], "authorization"),
        None,
        "no token for another origin"
    );
}

#[tokio::test]
async fn a_same_origin_307_keeps_the_token_and_a_redirect_loop_ends() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/v1.0/new"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1.0/new"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "moved"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/v1.0/loop"))
        .expect(4)
        .mount(&server)
        .await;
    let client = client(&server)
        .bearer_token("secret")
        .redirects(RedirectPolicy { max_redirects: 3 })
        .build();

    let op = request_json::<GetThing, _>(Method::POST, "/old", &[], &json!({"k": "v"})).unwrap();
    assert_eq!(client.send(op).await.unwrap()["id"], "moved");
    let seen = received(&server).await;
    assert_eq!(seen.len(), 2);
    for r in &seen {
        assert_eq!(
            header(r, "authorization"),
            Some("Bearer secret"),
            "{}",
            r.url
        );
        assert_eq!(r.method.as_str(), "POST", "a 307 keeps the method");
        assert_eq!(r.body, br#"{"k":"v"}"#, "and the body");
    }

    let op = request::<GetThing>(Method::GET, "/loop", &[]).unwrap();
    let err = client.send(op).await.unwrap_err();
    assert!(matches!(err, Error::TooManyRedirects(3)), "{err:?}");
    assert_eq!(
        received(&server).await.len(),
        2 + 4,
        "the request and 3 redirects, no retry"
    );
}

// 6. Tokens under load --------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_calls_share_one_token_refresh() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/v1\.0/things/\d+$"))
        .respond_with(|r: &wiremock::Request| {
            ResponseTemplate::new(200).set_body_json(json!({"path": r.url.path()}))
        })
        .expect(100)
        .mount(&server)
        .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let source = token_fn(move |_scopes| {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(AccessToken::new(
                "tok",
                SystemTime::now() + Duration::from_secs(3600),
            ))
        }
    });
    let client = client(&server).token_source(source).build();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.send(get_thing(&i.to_string())).await })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        let thing = task.await.unwrap().unwrap();
        assert_eq!(thing["path"], format!("/v1.0/things/{i}"));
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "one refresh for all callers"
    );
    assert_eq!(client.token_refreshes(), 1);
    let seen = received(&server).await;
    assert_eq!(seen.len(), 100);
    assert!(
        seen.iter()
            .all(|r| header(r, "authorization") == Some("Bearer tok"))
    );
}

#[tokio::test]
async fn a_token_within_the_refresh_margin_is_refreshed_on_the_next_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/things/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1"})))
        .expect(3)
        .mount(&server)
        .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let source = token_fn(move |scopes| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            assert_eq!(scopes, ["https://graph.microsoft.com/.default"]);
            // The first token expires in 30 s, inside the 60 s margin.
            let life = if n == 0 { 30 } else { 3600 };
            Ok(AccessToken::new(
                format!("t{n}"),
                SystemTime::now() + Duration::from_secs(life),
            ))
        }
    });
    let client = client(&server)
        .token_source(source)
        .refresh_margin(Duration::from_secs(60))
        .build();
    for _ in 0..3 {
        client.send(get_thing("1")).await.unwrap();
    }
    assert_eq!(client.token_refreshes(), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let tokens: Vec<_> = received(&server)
        .await
        .iter()
        .map(|r| header(r, "authorization").unwrap().to_string())
        .collect();
    assert_eq!(tokens, ["Bearer t0", "Bearer t1", "Bearer t1"]);
}

// 7. Tokens stay home ---------------------------------------------------------------------

#[tokio::test]
async fn a_token_is_never_sent_to_a_foreign_next_link_or_an_upload_url() {
    let api = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let foreign = format!("{}/v1.0/things?$skiptoken=2", elsewhere.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/things"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [{"id": "1"}], "@odata.nextLink": foreign})),
        )
        .expect(2)
        .mount(&api)
        .await;
    Mock::given(method("PUT"))
        .and(path("/upload/session-1"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "f", "size": 10})))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let client = client(&api).bearer_token("secret").build();
    let list = || request::<ListThings>(Method::GET, "/things", &[]).unwrap();

    let mut items = client.items(list());
    assert_eq!(items.next_item().await.unwrap().unwrap()["id"], "1");
    let err = items.next_item().await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::ForeignNextLink(link) if *link == foreign),
        "{err:?}"
    );
    assert!(
        items.next_item().await.is_none(),
        "the stream ends after the error"
    );
    assert!(items.next_item().await.is_none(), "and stays ended");
    let err = client.send_all(list()).await.unwrap_err();
    assert!(matches!(err, Error::ForeignNextLink(_)), "{err:?}");
    assert!(received(&elsewhere).await.is_empty());

    // The upload URL is on the API's own origin, and still gets no token.
    let refreshes = client.token_refreshes();
    let upload_url = format!("{}/upload/session-1", api.uri());
    let options = UploadOptions::default();
    let done: Value = client
        .upload_session(&upload_url, vec![7u8; 10], &options)
        .await
        .unwrap();
    assert_eq!(done, json!({"id": "f", "size": 10}));
    let seen = received(&api).await;
    let put = seen.iter().find(|r| r.method.as_str() == "PUT").unwrap();
    assert_eq!(header(put, "authorization"), None);
    assert_eq!(header(put, "content-range"), Some("bytes 0-9/10"));
    assert_eq!(put.body, [7u8; 10]);
    for get in seen.iter().filter(|r| r.method.as_str() == "GET") {
        assert_eq!(header(get, "authorization"), Some("Bearer secret"));
    }
    assert_eq!(
        client.token_refreshes(),
        refreshes,
        "the token source was not even asked"
    );
}

// 10. Upload sessions -----------------------------------------------------------------------

/// An upload session: ranges written into `data`; the 2nd range fails once with `500`
/// (nothing written), the 3rd is throttled once with `503`; `GET` tells the next expected
/// byte.
#[derive(Default)]
struct Session {
    data: Vec<u8>,
    next: usize,
    puts: Vec<(String, usize, Option<String>, Option<String>)>,
    failed_second: bool,
    throttled_third: bool,
}

#[tokio::test]
async fn an_upload_session_resumes_a_lost_range_from_the_next_expected_ranges() {
    const TOTAL: usize = 1_000_000;
    let source: Vec<u8> = (0..TOTAL).map(|i| (i * 31 % 251) as u8).collect();
    let session = Arc::new(Mutex::new(Session {
        data: vec![0; TOTAL],
        ..Session::default()
    }));
    let server = MockServer::start().await;
    let state = session.clone();
    Mock::given(path("/upload/abc"))
        .respond_with(move |r: &wiremock::Request| {
            let mut s = state.lock().unwrap();
            if r.method.as_str() == "GET" {
                let next = s.next;
                return ResponseTemplate::new(200)
                    .set_body_json(json!({"nextExpectedRanges": [format!("{next}-")]}));
            }
            let range = header(r, "content-range").unwrap_or_default().to_string();
            s.puts.push((
                range.clone(),
                r.body.len(),
                header(r, "content-length").map(str::to_string),
                header(r, "authorization").map(str::to_string),
            ));
            let (start, end, total) = parse_range(&range);
            assert_eq!(total, TOTAL);
            if start == 327_680 && !s.failed_second {
                s.failed_second = true;
                return ResponseTemplate::new(500)
                    .set_body_json(json!({"error": {"code": "generalException"}}));
            }
            if start == 655_360 && !s.throttled_third {
                s.throttled_third = true;
                return ResponseTemplate::new(503).insert_header("Retry-After", "0");
            }
            if start != s.next || end + 1 - start != r.body.len() {
                return ResponseTemplate::new(416);
            }
            s.data[start..=end].copy_from_slice(&r.body);
            s.next = end + 1;
            if s.next == TOTAL {
                ResponseTemplate::new(201).set_body_json(json!({"id": "file", "size": TOTAL}))
            } else {
                let next = s.next;
                ResponseTemplate::new(202)
                    .set_body_json(json!({"nextExpectedRanges": [format!("{next}-")]}))
            }
        })
        .mount(&server)
        .await;
    let client = client(&server).bearer_token("secret").build();
    let upload_url = format!("{}/upload/abc", server.uri());
    let options = UploadOptions {
        range_size: 320 * 1024,
        ..UploadOptions::default()
    };
    let done: Value = client
        .upload_session(&upload_url, source.clone(), &options)
        .await
        .unwrap();
    assert_eq!(done, json!({"id": "file", "size": TOTAL}));

    {
        let s = session.lock().unwrap();
        assert!(
            s.data == source,
            "the server reassembled exactly the source bytes"
        );
        let ranges: Vec<_> = s.puts.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            ranges,
            [
                "bytes 0-327679/1000000",
                "bytes 327680-655359/1000000", // 500: the session is asked where it stands
                "bytes 327680-655359/1000000",
                "bytes 655360-983039/1000000", // 503: retried by the client's retry policy
                "bytes 655360-983039/1000000",
                "bytes 983040-999999/1000000",
            ]
        );
        for (range, len, content_length, authorization) in &s.puts {
            let (start, end, _) = parse_range(range);
            assert_eq!(end + 1 - start, *len, "{range}");
            assert_eq!(
                content_length.as_deref(),
                Some(len.to_string().as_str()),
                "{range}"
            );
            assert_eq!(*authorization, None, "no token on the upload URL: {range}");
        }
    }
    let seen = received(&server).await;
    let gets: Vec<_> = seen.iter().filter(|r| r.method.as_str() == "GET").collect();
    assert_eq!(gets.len(), 1, "one status query after the lost range");
    assert_eq!(header(gets[0], "authorization"), None);
    assert_eq!(client.token_refreshes(), 0);

    // A range size that is not a multiple of 320 KiB is refused before anything is sent.
    let bad = UploadOptions {
        range_size: 1000,
        ..UploadOptions::default()
    };
    let err = client
        .upload_session::<Value>(&upload_url, source, &bad)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Upload(_)), "{err:?}");
    assert_eq!(received(&server).await.len(), seen.len());
}

/// `bytes a-b/total`.
fn parse_range(range: &str) -> (usize, usize, usize) {
    let rest = range.strip_prefix("bytes ").expect(range);
    let (span, total) = rest.split_once('/').unwrap();
    let (a, b) = span.split_once('-').unwrap();
    (
        a.parse().unwrap(),
        b.parse().unwrap(),
        total.parse().unwrap(),
    )
}

// 11. Batches -------------------------------------------------------------------------------

/// A `$batch` endpoint: each sub-request answered by its URL; request `5` throttled the
/// first time (and what depends on it failed with `424`); every batch recorded.
struct BatchServer {
    batches: Mutex<Vec<Value>>,
}

impl wiremock::Respond for BatchServer {
    fn respond(&self, r: &wiremock::Request) -> ResponseTemplate {
        let batch: Value = serde_json::from_slice(&r.body).unwrap();
        let mut batches = self.batches.lock().unwrap();
        let first = batches.is_empty();
        batches.push(batch.clone());
        let requests = batch["requests"].as_array().unwrap();
        let throttled = |id: &str| first && id == "5";
        let answers: Vec<Value> = requests
            .iter()
            .map(|q| {
                let id = q["id"].as_str().unwrap();
                let url = q["url"].as_str().unwrap();
                let depends: Vec<&str> = q["dependsOn"]
                    .as_array()
                    .map(|d| d.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if throttled(id) {
                    json!({"id": id, "status": 429, "headers": {"Retry-After": "0"},
                           "body": {"error": {"code": "TooManyRequests"}}})
                } else if depends.iter().any(|d| throttled(d)) {
                    json!({"id": id, "status": 424, "body": {"error": {"code": "FailedDependency"}}})
                } else if url.ends_with("/missing") {
                    json!({"id": id, "status": 404, "headers": {"Content-Type": "application/json"},
                           "body": {"error": {"code": "itemNotFound", "message": "no such thing"}}})
                } else {
                    json!({"id": id, "status": 200, "headers": {"Content-Type": "application/json"},
                           "body": {"url": url, "method": q["method"]}})
                }
            })
            .collect();
        // Answers come back in another order than asked, as the service may send them.
        let answers: Vec<Value> = answers.into_iter().rev().collect();
        ResponseTemplate::new(200).set_body_json(json!({"responses": answers}))
    }
}

#[tokio::test]
async fn a_batch_of_twenty_sends_its_throttled_request_again() {
    let server = MockServer::start().await;
    let responder = Arc::new(BatchServer {
        batches: Mutex::new(Vec::new()),
    });
    Mock::given(method("POST"))
        .and(path("/v1.0/$batch"))
        .respond_with(SharedResponder(responder.clone()))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server).bearer_token("secret").build();

    let mut batch = Batch::new();
    let mut keys = Vec::new();
    for i in 1..=19 {
        keys.push(batch.add(get_thing(&i.to_string())).unwrap());
    }
    // The 20th runs after the 5th (the one the service throttles).
    let after = batch.add_after(get_thing("20"), &[keys[4].id()]).unwrap();
    keys.push(after);
    assert_eq!(batch.len(), 20);
    let err = batch.add(get_thing("21")).unwrap_err();
    assert!(matches!(err, Error::Batch(_)), "{err:?}");

    let mut answers = client.send_batch(batch).await.unwrap();
    for (i, key) in keys.iter().enumerate() {
        let thing = answers.take(key).unwrap();
        assert_eq!(
            thing,
            json!({"url": format!("/things/{}", i + 1), "method": "GET"})
        );
    }
    {
        let batches = responder.batches.lock().unwrap();
        assert_eq!(
            batches.len(),
            2,
            "one batch and one with the throttled request"
        );
        let ids = |b: &Value| -> Vec<String> {
            b["requests"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q["id"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(ids(&batches[0]).len(), 20);
        assert_eq!(
            ids(&batches[1]),
            ["5", "20"],
            "the throttled one and its dependent"
        );
        assert_eq!(batches[0]["requests"][19]["dependsOn"], json!(["5"]));
        assert_eq!(batches[1]["requests"][1]["dependsOn"], json!(["5"]));
        assert!(batches[0]["requests"][0].get("dependsOn").is_none());
        assert_eq!(batches[0]["requests"][0]["url"], "/things/1");
    }
    let seen = received(&server).await;
    assert_eq!(header(&seen[0], "authorization"), Some("Bearer secret"));
    assert_eq!(header(&seen[0], "content-type"), Some("application/json"));

    // A sub-answer 404 with a Graph error body is that request's own error.
    let mut batch = Batch::new();
    let found = batch.add(get_thing("1")).unwrap();
    let missing = batch.add(get_thing("missing")).unwrap();
    let mut answers = client.send_batch(batch).await.unwrap();
    assert!(answers.take(&found).is_ok());
    let err = answers.take(&missing).unwrap_err();
    assert!(matches!(&err, Error::Graph { status: 404, .. }), "{err:?}");
    assert_eq!(
        err.graph_error().unwrap().code.as_deref(),
        Some("itemNotFound")
    );
    assert!(
        matches!(answers.take(&found), Err(Error::Batch(_))),
        "taken once"
    );
}

/// A responder shared with the test, which reads what it recorded.
struct SharedResponder<R>(Arc<R>);

impl<R: wiremock::Respond> wiremock::Respond for SharedResponder<R> {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        self.0.respond(request)
    }
}
