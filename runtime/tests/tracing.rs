//! The `tracing` span of a call. Alone in its test binary: the subscriber is the process's
//! global one, so no call made by another test on another thread can race it (with a scoped
//! subscriber, a callsite first reached by a test without one may be cached as uninteresting).

mod common;

use common::*;
use doc2rs_runtime::{http::Method, request};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

// A `tracing` span per call --------------------------------------------------------------------

/// A span's name and the field values given to it, in order.
type Span = (String, Vec<(String, String)>);

/// Records each new span's name and every field value given to it (at creation or later).
#[derive(Clone, Default)]
struct Spans(std::sync::Arc<std::sync::Mutex<Vec<Span>>>);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0
            .push((field.name().to_string(), format!("{value:?}")));
    }
}

impl tracing::Subscriber for Spans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut spans = self.0.lock().unwrap();
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        spans.push((span.metadata().name().to_string(), fields));
        tracing::span::Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        let (_, fields) = &mut spans[span.into_u64() as usize - 1];
        values.record(&mut Fields(fields));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_call_is_one_tracing_span_with_method_url_status_and_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/things/7"))
        .respond_with(script(|n, _| match n {
            0 => ResponseTemplate::new(503).insert_header("retry-after", "0"),
            _ => ResponseTemplate::new(200).set_body_json(json!({"id": "7"})),
        }))
        .expect(2)
        .mount(&server)
        .await;
    let spans = Spans::default();
    tracing::subscriber::set_global_default(spans.clone()).unwrap();
    let client = client(&server).build();
    let op = request::<GetThing>(Method::GET, "/things/{}", &[("id", "7")]).unwrap();
    client.send(op).await.unwrap();
    let spans = spans.0.lock().unwrap().clone();
    let calls: Vec<_> = spans
        .iter()
        .filter(|(name, _)| name == "graph.request")
        .collect();
    assert_eq!(calls.len(), 1, "{spans:?}");
    let field = |name: &str| {
        let values = calls[0].1.iter().filter(|(k, _)| k == name);
        values.map(|(_, v)| v.clone()).next_back()
    };
    assert_eq!(field("method").as_deref(), Some("GET"));
    assert!(field("url").unwrap().ends_with("/v1.0/things/7"));
    assert_eq!(field("status").as_deref(), Some("200"));
    assert_eq!(field("attempts").as_deref(), Some("2"));
}
