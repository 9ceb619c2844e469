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

fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
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

/// The generator predicted that this example does not fit its model (the docs contradict
/// themselves, and a diagnostic says where); check that serde agrees.
fn mismatch<T: serde::de::DeserializeOwned>(json: &str) {
    assert!(serde_json::from_str::<T>(json).is_err(), "the generator predicted a mismatch, but the example deserializes");
}
