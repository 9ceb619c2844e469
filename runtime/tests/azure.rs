//! An Azure SDK credential as the client's token source (feature `azure`): its token is
//! sent, its expiry drives the cache, and its failure is `Error::Auth`.
#![cfg(feature = "azure")]

mod common;

use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::time::{Duration as AzureDuration, OffsetDateTime};
use common::*;
use doc2rs_runtime::{AzureCredential, Error, http::Method, request};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Hands out `azure-<n>` tokens valid for an hour, or fails when `fail` is set.
#[derive(Debug, Default)]
struct Stand {
    calls: AtomicUsize,
    fail: bool,
}

#[async_trait::async_trait]
impl TokenCredential for Stand {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        assert_eq!(scopes, ["https://graph.microsoft.com/.default"]);
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if self.fail {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "no credential here",
            ));
        }
        Ok(AccessToken::new(
            Secret::new(format!("azure-{n}")),
            OffsetDateTime::now_utc() + AzureDuration::hours(1),
        ))
    }
}

#[tokio::test]
async fn an_azure_credential_is_a_token_source() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/things/1"))
        .and(header("authorization", "Bearer azure-0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "1"})))
        .expect(2)
        .mount(&server)
        .await;
    let stand = Arc::new(Stand::default());
    let azure = client(&server)
        .token_source(AzureCredential(stand.clone()))
        .build();
    for _ in 0..2 {
        let op = request::<GetThing>(Method::GET, "/things/{}", &[("id", "1")]).unwrap();
        azure.send(op).await.unwrap();
    }
    assert_eq!(stand.calls.load(Ordering::SeqCst), 1, "cached for its hour");

    let failing = client(&server)
        .token_source(AzureCredential(Arc::new(Stand {
            fail: true,
            ..Stand::default()
        })))
        .build();
    let op = request::<GetThing>(Method::GET, "/things/{}", &[("id", "1")]).unwrap();
    let err = failing.send(op).await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    assert!(err.to_string().contains("no credential here"), "{err}");
}
