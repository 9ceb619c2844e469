//! Types inferred from the placeholder values of a resource's JSON representation
//! (`"String (timestamp)"`, `{"@odata.type": "microsoft.graph.x"}`, `["String"]`, ...).
//! Used for properties that appear only in the JSON and to cross-check the table.

use super::typespell::{Base, Primitive, parse_type_spelling};

/// The type a placeholder value stands for, and whether it is a collection.
/// `None` when the value says nothing usable (null, empty array).
pub(crate) fn infer(value: &serde_json::Value) -> Option<(Base, bool)> {
    use serde_json::Value;
    match value {
        Value::Null => None,
        Value::Bool(_) => Some((Base::Primitive(Primitive::Boolean), false)),
        Value::Number(n) if n.is_f64() => Some((Base::Primitive(Primitive::Double), false)),
        Value::Number(_) => Some((Base::Primitive(Primitive::Int64), false)),
        Value::String(s) => Some((Base::Primitive(placeholder_primitive(s)), false)),
        Value::Array(items) => {
            let (base, _) = items.iter().find_map(infer)?;
            Some((base, true))
        }
        Value::Object(map) => match map.get("@odata.type").and_then(Value::as_str) {
            Some(t) => Some((
                Base::Named {
                    name: t.trim_start_matches('#').to_string(),
                    link: None,
                },
                false,
            )),
            None => Some((Base::Primitive(Primitive::Json), false)),
        },
    }
}

fn placeholder_primitive(s: &str) -> Primitive {
    let lower = s.to_lowercase();
    if lower.contains("timestamp") || lower.contains("datetime") {
        return Primitive::DateTimeOffset;
    }
    if lower.contains("duration") {
        return Primitive::Duration;
    }
    match parse_type_spelling(s) {
        Ok(spelling) => match spelling.base {
            Base::Primitive(p) => p,
            Base::Named { .. } => Primitive::String,
        },
        Err(_) => Primitive::String,
    }
}

/// Coarse families, for deciding whether the table and the JSON disagree.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Text,
    Number,
    Bool,
    Any,
}

pub(crate) fn family(p: Primitive) -> Family {
    use Primitive::*;
    match p {
        Boolean => Family::Bool,
        Byte | Int16 | Int32 | Int64 | Single | Double | Decimal => Family::Number,
        Json => Family::Any,
        String | Guid | DateTimeOffset | Date | TimeOfDay | Duration | Binary | Stream => {
            Family::Text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::infer;
    use crate::ir::typespell::{Base, Primitive};
    use serde_json::json;

    #[test]
    fn placeholders_map_to_types() {
        let p = |v| infer(&v);
        assert_eq!(
            p(json!("String (timestamp)")),
            Some((Base::Primitive(Primitive::DateTimeOffset), false))
        );
        assert_eq!(
            p(json!("String")),
            Some((Base::Primitive(Primitive::String), false))
        );
        assert_eq!(
            p(json!(true)),
            Some((Base::Primitive(Primitive::Boolean), false))
        );
        assert_eq!(
            p(json!(["String"])),
            Some((Base::Primitive(Primitive::String), true))
        );
        assert_eq!(
            p(json!([{"@odata.type": "microsoft.graph.x"}])),
            Some((
                Base::Named {
                    name: "microsoft.graph.x".into(),
                    link: None
                },
                true
            ))
        );
        assert_eq!(p(json!([])), None);
        assert_eq!(p(json!(null)), None);
    }
}
