//! Bearer tokens: an async [`TokenSource`] (scopes in, token and expiry out), cached until
//! shortly before it expires and refreshed once however many calls wait for it, and sent
//! only to [`AllowedHosts`].

use crate::Error;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// A future a [`TokenSource`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, Error>> + Send + 'a>>;

/// An access token and when it expires.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    pub token: String,
    pub expires_at: SystemTime,
}

impl AccessToken {
    pub fn new(token: impl Into<String>, expires_at: SystemTime) -> Self {
        AccessToken {
            token: token.into(),
            expires_at,
        }
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Where tokens come from (a credential: client secret, certificate, managed identity, a
/// device-code flow). Implement it with `Box::pin(async move { ... })`, or wrap an async
/// closure with [`token_fn`].
pub trait TokenSource: Send + Sync + 'static {
    /// A token for `scopes` (the client's, `https://graph.microsoft.com/.default` unless
    /// set).
    fn token<'a>(&'a self, scopes: &'a [String]) -> TokenFuture<'a>;
}

/// A [`TokenSource`] from an async function of the scopes.
pub fn token_fn<F, Fut>(f: F) -> impl TokenSource
where
    F: Fn(Vec<String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AccessToken, Error>> + Send + 'static,
{
    struct FnSource<F>(F);
    impl<F, Fut> TokenSource for FnSource<F>
    where
        F: Fn(Vec<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<AccessToken, Error>> + Send + 'static,
    {
        fn token<'a>(&'a self, scopes: &'a [String]) -> TokenFuture<'a> {
            Box::pin((self.0)(scopes.to_vec()))
        }
    }
    FnSource(f)
}

/// A token that never expires (tests, or a token obtained elsewhere).
#[derive(Clone)]
pub struct StaticToken(pub String);

impl StaticToken {
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(token.into())
    }
}

impl TokenSource for StaticToken {
    fn token<'a>(&'a self, _: &'a [String]) -> TokenFuture<'a> {
        let far = SystemTime::now() + Duration::from_secs(100 * 365 * 24 * 3600);
        Box::pin(std::future::ready(Ok(AccessToken::new(
            self.0.clone(),
            far,
        ))))
    }
}

/// Any credential of the Azure SDK (`azure_identity::ClientSecretCredential`,
/// `ManagedIdentityCredential`, `AzureCliCredential`, ...) as a [`TokenSource`] (feature
/// `azure`). The client's cache still decides when to ask it.
#[cfg(feature = "azure")]
#[derive(Clone, Debug)]
pub struct AzureCredential(pub Arc<dyn azure_core::credentials::TokenCredential>);

#[cfg(feature = "azure")]
impl TokenSource for AzureCredential {
    fn token<'a>(&'a self, scopes: &'a [String]) -> TokenFuture<'a> {
        Box::pin(async move {
            let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
            let token = self
                .0
                .get_token(&scopes, None)
                .await
                .map_err(|e| Error::Auth(Box::new(e)))?;
            let expires_at = SystemTime::from(token.expires_on);
            Ok(AccessToken::new(token.token.secret(), expires_at))
        })
    }
}

/// The scope asked for by default: every permission the app was granted for Graph.
pub const DEFAULT_SCOPE: &str = "https://graph.microsoft.com/.default";

/// A token source with its cache: a token is reused until `margin` before it expires; when
/// it must be refreshed, one caller asks the source and the others wait for that answer.
pub(crate) struct TokenCache {
    source: Arc<dyn TokenSource>,
    scopes: Vec<String>,
    margin: Duration,
    cached: tokio::sync::Mutex<Option<AccessToken>>,
    refreshes: AtomicU64,
}

impl TokenCache {
    pub(crate) fn new(source: Arc<dyn TokenSource>, scopes: Vec<String>, margin: Duration) -> Self {
        TokenCache {
            source,
            scopes,
            margin,
            cached: tokio::sync::Mutex::new(None),
            refreshes: AtomicU64::new(0),
        }
    }

    /// A valid token, from the cache or the source.
    pub(crate) async fn token(&self) -> Result<String, Error> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = &*cached
            && token.expires_at > SystemTime::now() + self.margin
        {
            return Ok(token.token.clone());
        }
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        let fresh = self.source.token(&self.scopes).await?;
        let value = fresh.token.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    /// How many times the source was asked.
    pub(crate) fn refreshes(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }
}

/// The hosts a token is sent to. By default the base URL's origin only (as Microsoft's
/// SDKs validate hosts before adding a token): a `nextLink`, a redirect or an upload URL
/// elsewhere gets no token.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AllowedHosts {
    /// `scheme://host[:port]`, lower-cased; a bare host means `https://host`.
    origins: Vec<String>,
}

impl AllowedHosts {
    /// Hosts (`graph.microsoft.com`, meaning HTTPS) or origins (`http://127.0.0.1:8080`).
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<str>>(hosts: I) -> Self {
        AllowedHosts {
            origins: hosts
                .into_iter()
                .map(|h| {
                    let h = h.as_ref().trim_end_matches('/').to_ascii_lowercase();
                    if h.contains("://") {
                        h
                    } else {
                        format!("https://{h}")
                    }
                })
                .collect(),
        }
    }

    /// The origin of `base_url`.
    pub fn of_base_url(base_url: &str) -> Self {
        match base_url.parse::<http::Uri>() {
            Ok(uri) => AllowedHosts {
                origins: origin(&uri).into_iter().collect(),
            },
            Err(_) => AllowedHosts::default(),
        }
    }

    /// Whether a token may be sent to `uri`.
    pub fn allows(&self, uri: &http::Uri) -> bool {
        origin(uri).is_some_and(|o| self.origins.contains(&o))
    }
}

/// `scheme://host[:port]` of `uri`, lower-cased, the default port left out.
fn origin(uri: &http::Uri) -> Option<String> {
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host()?.to_ascii_lowercase();
    let default = matches!(
        (scheme.as_str(), uri.port_u16()),
        ("https", Some(443)) | ("http", Some(80))
    );
    Some(match uri.port_u16() {
        Some(port) if !default => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_go_to_allowed_origins_only() {
        let graph = AllowedHosts::of_base_url("https://graph.microsoft.com/beta");
        for yes in [
            "https://graph.microsoft.com/beta/me",
            "https://GRAPH.microsoft.com:443/v1.0",
        ] {
            assert!(graph.allows(&yes.parse().unwrap()), "{yes}");
        }
        for no in [
            "http://graph.microsoft.com/beta/me",
            "https://graph.microsoft.com:8443/beta",
            "https://graph.microsoft.com.evil.test/beta",
            "https://contoso.sharepoint.com/upload",
        ] {
            assert!(!graph.allows(&no.parse().unwrap()), "{no}");
        }
        let local = AllowedHosts::of_base_url("http://127.0.0.1:5000/beta");
        assert!(local.allows(&"http://127.0.0.1:5000/x".parse().unwrap()));
        assert!(!local.allows(&"http://127.0.0.1:5001/x".parse().unwrap()));
        let listed = AllowedHosts::new(["graph.microsoft.us", "http://localhost:8080"]);
        assert!(listed.allows(&"https://graph.microsoft.us/v1.0".parse().unwrap()));
        assert!(listed.allows(&"http://localhost:8080/v1.0".parse().unwrap()));
        assert!(!listed.allows(&"http://graph.microsoft.us/v1.0".parse().unwrap()));
    }

    #[tokio::test]
    async fn a_token_is_reused_until_shortly_before_it_expires() {
        let calls = Arc::new(AtomicU64::new(0));
        let counter = calls.clone();
        let source = token_fn(move |scopes| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                assert_eq!(scopes, [DEFAULT_SCOPE]);
                // The first token expires within the margin: the next call refreshes.
                let life = if n == 0 { 30 } else { 3600 };
                Ok(AccessToken::new(
                    format!("t{n}"),
                    SystemTime::now() + Duration::from_secs(life),
                ))
            }
        });
        let cache = TokenCache::new(
            Arc::new(source),
            vec![DEFAULT_SCOPE.into()],
            Duration::from_secs(60),
        );
        assert_eq!(cache.token().await.unwrap(), "t0");
        assert_eq!(cache.token().await.unwrap(), "t1");
        assert_eq!(cache.token().await.unwrap(), "t1");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.refreshes(), 2);
        assert!(!format!("{:?}", AccessToken::new("secret", SystemTime::now())).contains("secret"));
    }
}
