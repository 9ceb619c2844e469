//! Helpers shared by the generated tests.

/// Two JSON values are the same for a round trip: `null` and an absent member count as
/// equal (models skip `None`), and numbers compare by value (`1` and `1.0`).
pub fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let present = |m: &serde_json::Map<String, Value>| -> Vec<String> {
                m.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k.clone()).collect()
            };
            present(x) == present(y) && x.iter().filter(|(_, v)| !v.is_null()).all(|(k, v)| same(v, &y[k]))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Percent-decode a URL path or query component.
pub fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}
