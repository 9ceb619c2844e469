//! JSON batching: up to 20 typed requests in one `POST $batch`, each answer read by its own
//! operation, `dependsOn` for order, and throttled answers inside the batch sent again.

use crate::response::{Json, ResponseBody};
use crate::{Client, Error, Operation, RequestParts, Transport};
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;
use std::time::{Duration, SystemTime};

/// A JSON batch under construction: [`Batch::add`] each operation, then
/// [`Client::send_batch`].
#[derive(Debug, Default)]
pub struct Batch {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    id: String,
    parts: RequestParts,
    depends_on: Vec<String>,
}

/// The handle of one request in a batch: it reads that request's answer with the
/// operation's own response rules ([`BatchAnswers::take`]).
pub struct BatchKey<O> {
    id: String,
    operation: PhantomData<fn() -> O>,
}

impl<O> BatchKey<O> {
    /// The request's `id` in the batch (what `dependsOn` names).
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl<O> Clone for BatchKey<O> {
    fn clone(&self) -> Self {
        BatchKey {
            id: self.id.clone(),
            operation: PhantomData,
        }
    }
}

impl<O> std::fmt::Debug for BatchKey<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("BatchKey").field(&self.id).finish()
    }
}

impl Batch {
    /// The most requests one batch may hold (the service's limit).
    pub const MAX: usize = 20;

    pub fn new() -> Self {
        Batch::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Add an operation; its key reads its answer. More than [`Batch::MAX`] is an error.
    pub fn add<O: Operation>(&mut self, operation: O) -> Result<BatchKey<O>, Error> {
        self.add_after(operation, &[])
    }

    /// Add an operation that runs only after the requests `depends_on` (their
    /// [`BatchKey::id`]s) have run.
    pub fn add_after<O: Operation>(
        &mut self,
        operation: O,
        depends_on: &[&str],
    ) -> Result<BatchKey<O>, Error> {
        if self.entries.len() >= Self::MAX {
            return Err(Error::Batch(format!("more than {} requests", Self::MAX)));
        }
        for id in depends_on {
            if !self.entries.iter().any(|e| e.id == *id) {
                return Err(Error::Batch(format!("dependsOn `{id}`: no such request")));
            }
        }
        let id = (self.entries.len() + 1).to_string();
        self.entries.push(Entry {
            id: id.clone(),
            parts: operation.into_parts()?,
            depends_on: depends_on.iter().map(|d| d.to_string()).collect(),
        });
        Ok(BatchKey {
            id,
            operation: PhantomData,
        })
    }
}

/// The answers of a batch, by request.
#[derive(Debug, Default)]
pub struct BatchAnswers {
    answers: BTreeMap<String, http::Response<Vec<u8>>>,
}

impl BatchAnswers {
    /// The typed result of one request, read by its operation (a failed request is its
    /// error, with the status and headers of its own answer).
    pub fn take<O: Operation>(&mut self, key: &BatchKey<O>) -> Result<O::Output, Error> {
        let answer = self
            .answers
            .remove(&key.id)
            .ok_or_else(|| Error::Batch(format!("no answer for request `{}`", key.id)))?;
        O::parse_response(answer)
    }

    /// The status of one request's answer.
    pub fn status(&self, id: &str) -> Option<u16> {
        self.answers.get(id).map(|a| a.status().as_u16())
    }
}

#[derive(Serialize)]
struct WireBatch<'a> {
    requests: Vec<WireRequest<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireRequest<'a> {
    id: &'a str,
    method: &'a str,
    url: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    headers: BTreeMap<&'a str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    depends_on: Vec<&'a str>,
}

#[derive(Deserialize)]
struct WireAnswers {
    responses: Vec<WireAnswer>,
}

#[derive(Deserialize)]
struct WireAnswer {
    id: String,
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: Option<serde_json::Value>,
}

/// One request as the batch writes it: its URL relative to the service root, its headers
/// and its body (JSON as it is, anything else base64).
fn wire<'a>(
    entry: &'a Entry,
    base_url: &str,
    keep: &BTreeSet<&str>,
) -> Result<WireRequest<'a>, Error> {
    let mut url = entry.parts.path_and_query();
    if url.contains("://") {
        let base = base_url.trim_end_matches('/');
        url = url
            .strip_prefix(base)
            .map(str::to_string)
            .ok_or_else(|| Error::Batch(format!("`{url}` is outside the service root")))?;
    }
    let mut headers: BTreeMap<&str, &str> = entry
        .parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = match (&entry.parts.body, entry.parts.content_type.as_deref()) {
        (None, _) => None,
        (Some(bytes), Some(ct)) if ct.starts_with("application/json") => {
            headers.insert("Content-Type", ct);
            Some(serde_json::from_slice(bytes)?)
        }
        (Some(bytes), ct) => {
            headers.insert("Content-Type", ct.unwrap_or("application/octet-stream"));
            let text = base64::engine::general_purpose::STANDARD.encode(bytes);
            Some(serde_json::Value::String(text))
        }
    };
    Ok(WireRequest {
        id: &entry.id,
        method: entry.parts.method.as_str(),
        url,
        headers,
        body,
        depends_on: entry
            .depends_on
            .iter()
            .map(String::as_str)
            .filter(|d| keep.contains(d))
            .collect(),
    })
}

/// An answer inside the batch as the `http::Response` its operation reads: a JSON body as
/// JSON bytes, a string body of another content type base64-decoded.
fn answer(wire: WireAnswer) -> Result<(String, http::Response<Vec<u8>>), Error> {
    let mut builder = http::Response::builder().status(wire.status);
    let mut json = true;
    for (k, v) in &wire.headers {
        if k.eq_ignore_ascii_case("content-type") {
            json = v.contains("json");
        }
        builder = builder.header(k.as_str(), v.as_str());
    }
    let body = match wire.body {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::String(text)) if !json => base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .unwrap_or_else(|_| text.into_bytes()),
        Some(value) => serde_json::to_vec(&value)?,
    };
    let response = builder
        .body(body)
        .map_err(|e| Error::Batch(format!("answer `{}`: {e}", wire.id)))?;
    Ok((wire.id, response))
}

impl<T: Transport> Client<T> {
    /// Send a batch in one `POST $batch` and read every answer. Answers the retry policy
    /// retries (`429`, `503`, `504`), and the `424 Failed Dependency` answers of requests
    /// that depend on them, are sent again in a smaller batch after the longest
    /// `Retry-After` among them (or the backoff), within the policy's limits.
    pub async fn send_batch(&self, batch: Batch) -> Result<BatchAnswers, Error> {
        let retry = self.policies().retry.clone();
        let mut answers = BatchAnswers::default();
        let mut pending: BTreeSet<String> = batch.entries.iter().map(|e| e.id.clone()).collect();
        let mut waited = Duration::ZERO;
        let mut retries = 0;
        loop {
            let keep: BTreeSet<&str> = pending.iter().map(String::as_str).collect();
            let requests = batch
                .entries
                .iter()
                .filter(|e| keep.contains(e.id.as_str()))
                .map(|e| wire(e, self.base_url(), &keep))
                .collect::<Result<Vec<_>, _>>()?;
            let parts =
                RequestParts::at_json(http::Method::POST, "/$batch", &[], &WireBatch { requests })?;
            let wire: WireAnswers = Json::<WireAnswers>::read(self.send_parts(parts).await?)?;
            let mut again = BTreeSet::new();
            // The wait each throttled answer asks for (`None`: past the policy's limits).
            let mut waits = Vec::new();
            for w in wire.responses {
                let (id, response) = answer(w)?;
                if !keep.contains(id.as_str()) {
                    continue;
                }
                if retry.retries_status(response.status().as_u16()) {
                    let now = SystemTime::now();
                    waits.push(retry.wait(retries + 1, Some(response.headers()), waited, now));
                    again.insert(id.clone());
                }
                answers.answers.insert(id, response);
            }
            for id in &pending {
                if !answers.answers.contains_key(id) {
                    return Err(Error::Batch(format!("no answer for request `{id}`")));
                }
            }
            // A request that failed because what it depends on was throttled goes again too.
            for entry in &batch.entries {
                let failed = answers.status(&entry.id) == Some(424);
                if failed && entry.depends_on.iter().any(|d| again.contains(d)) {
                    again.insert(entry.id.clone());
                }
            }
            retries += 1;
            let longest = waits
                .iter()
                .try_fold(Duration::ZERO, |longest, w| w.map(|w| longest.max(w)));
            let (false, Some(wait)) = (again.is_empty(), longest) else {
                return Ok(answers);
            };
            tokio::time::sleep(wait).await;
            waited += wait;
            pending = again;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_holds_twenty_requests_and_known_dependencies() {
        let mut batch = Batch::new();
        let first = batch
            .add(crate::request::<Probe>(http::Method::GET, "/users/{}", &[("id", "a")]).unwrap())
            .unwrap();
        assert_eq!(first.id(), "1");
        let err = batch.add_after(probe(), &["7"]).unwrap_err();
        assert!(matches!(err, Error::Batch(_)), "{err}");
        for _ in 1..Batch::MAX {
            batch.add_after(probe(), &[first.id()]).unwrap();
        }
        assert_eq!(batch.len(), 20);
        assert!(matches!(batch.add(probe()), Err(Error::Batch(_))));
        let keep: BTreeSet<&str> = ["1", "2"].into();
        let w = wire(&batch.entries[1], "https://g.test/v1.0", &keep).unwrap();
        assert_eq!(w.depends_on, ["1"]);
        let json =
            serde_json::to_value(wire(&batch.entries[0], "https://g.test/v1.0", &keep).unwrap())
                .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"id": "1", "method": "GET", "url": "/users/a"})
        );
    }

    #[test]
    fn bodies_go_as_json_or_base64_and_come_back_the_same_way() {
        let mut batch = Batch::new();
        let json = crate::request_json::<Probe, _>(
            http::Method::POST,
            "/users",
            &[],
            &serde_json::json!({"a": 1}),
        );
        batch.add(json.unwrap()).unwrap();
        let bytes = crate::request_bytes::<Probe>(
            http::Method::PUT,
            "/x/content",
            &[],
            vec![0, 255],
            "image/png",
        );
        batch.add(bytes.unwrap()).unwrap();
        let keep = BTreeSet::new();
        let w = serde_json::to_value(wire(&batch.entries[0], "", &keep).unwrap()).unwrap();
        assert_eq!(w["body"], serde_json::json!({"a": 1}));
        assert_eq!(w["headers"]["Content-Type"], "application/json");
        let w = serde_json::to_value(wire(&batch.entries[1], "", &keep).unwrap()).unwrap();
        assert_eq!(w["body"], "AP8=");
        assert_eq!(w["headers"]["Content-Type"], "image/png");
        let back = |headers: &[(&str, &str)], body| {
            answer(WireAnswer {
                id: "1".into(),
                status: 200,
                headers: headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                body,
            })
            .unwrap()
            .1
        };
        let png = back(
            &[("Content-Type", "image/png")],
            Some(serde_json::json!("AP8=")),
        );
        assert_eq!(png.body(), &[0, 255]);
        let json = back(
            &[("Content-Type", "application/json")],
            Some(serde_json::json!({"id": "1"})),
        );
        assert_eq!(json.body(), br#"{"id":"1"}"#);
        assert!(back(&[], None).body().is_empty());
    }

    enum Probe {}
    impl crate::Kind for Probe {
        type Response = crate::Json<serde_json::Value>;
    }
    fn probe() -> crate::Request<Probe> {
        crate::request::<Probe>(http::Method::GET, "/me", &[]).unwrap()
    }
}
