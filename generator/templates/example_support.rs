use graph_client::Operation as _;
use support::{decode, same};

mod support;

/// Deserialize `json` into `T`, serialize it back and compare the two as JSON values.
/// `null` and an absent member count as equal (models skip `None`), and numbers compare
/// by value (`1` and `1.0`).
fn roundtrip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) {
    let original: serde_json::Value = serde_json::from_str(json).expect("example is JSON");
    let typed: T = serde_json::from_value(original.clone()).expect("example deserializes into its model");
    let back = serde_json::to_value(&typed).expect("model serializes");
    if !same(&original, &back) {
        panic!("round trip changed the example:\noriginal: {original:#}\nback:     {back:#}");
    }
}


#[allow(dead_code)]
/// The generator predicted that this example does not fit its model (the docs contradict
/// themselves, and a diagnostic says where); check that serde agrees.
fn mismatch<T: serde::de::DeserializeOwned>(json: &str) {
    assert!(serde_json::from_str::<T>(json).is_err(), "the generator predicted a mismatch, but the example deserializes");
}

/// The service root used to build requests in these tests.
const BASE: &str = "https://graph.microsoft.com/beta";

/// Check a built request against a documented example: method, path (decoded, relative to
/// the service root), query pairs and JSON body.
#[allow(dead_code)]
fn check_request(request: http::Request<Vec<u8>>, method: &str, path: &str, query: &[(&str, &str)], body: Option<&str>) {
    assert_eq!(request.method().as_str(), method);
    let built = decode(request.uri().path());
    let built = built.strip_prefix("/beta").unwrap_or(&built);
    assert_eq!(built.trim_end_matches('/'), path.trim_end_matches('/'), "path");
    let built_query: Vec<(String, String)> = request
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect();
    let want: Vec<(String, String)> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    assert_eq!(built_query, want, "query");
    if let Some(body) = body {
        let sent: serde_json::Value = serde_json::from_slice(request.body()).expect("body is JSON");
        let documented: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(same(&documented, &sent), "body differs:\ndocumented: {documented:#}\nsent:       {sent:#}");
    }
}


/// Parse a documented response through the operation and compare it with the docs' JSON.
#[allow(dead_code)]
fn check_response<O>(status: u16, json: &str)
where
    O: graph_client::Operation,
    O::Output: serde::Serialize,
{
    let output = O::parse_response(status, json.as_bytes()).expect("documented response parses");
    let back = serde_json::to_value(&output).unwrap();
    let original: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(same(&original, &back), "round trip changed the response:\noriginal: {original:#}\nback:     {back:#}");
}
