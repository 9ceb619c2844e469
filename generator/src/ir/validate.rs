//! Checking the docs' data examples against the models the IR describes, predicting exactly
//! what serde will accept (strings for text types, integers in range, objects, arrays, ...).
//!
//! One contradiction is reconciled: a property the table calls a single complex value but
//! whose data examples carry an array becomes a collection (real service output beats the
//! table; the table's mistake is reported). Every other mismatch is reported and recorded
//! on the example.

use super::*;
use crate::diag::{Code, Diagnostic, Diagnostics};
use serde_json::Value;

/// One place where an example does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// JSON path inside the example (`$.status.code`).
    pub path: String,
    pub message: String,
    /// `(declaring type, property)` when the problem is an array given for a single value.
    pub array_for_single: Option<(String, String)>,
}

pub fn check_example(ir: &Ir, ex: &Example) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let Some(t) = &ex.type_name else { return out };
    let ty = TypeRef::Complex { name: t.clone() };
    if ex.collection {
        match ex.body.get("value") {
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    check_value(ir, &ty, false, item, &format!("$.value[{i}]"), None, &mut out);
                }
            }
            _ => out.push(Mismatch { path: "$".into(), message: "collection response without a `value` array".into(), array_for_single: None }),
        }
        for (key, check) in [("@odata.count", "integer"), ("@odata.nextLink", "string"), ("@odata.deltaLink", "string"), ("@odata.context", "string")] {
            if let Some(v) = ex.body.get(key) {
                let ok = v.is_null() || if check == "integer" { v.is_i64() } else { v.is_string() };
                if !ok {
                    out.push(Mismatch { path: format!("$.{key}"), message: format!("expected {check}"), array_for_single: None });
                }
            }
        }
    } else {
        check_value(ir, &ty, false, &ex.body, "$", None, &mut out);
    }
    out
}

fn fits_primitive(p: Primitive, v: &Value) -> bool {
    use Primitive::*;
    match p {
        String | Guid | DateTimeOffset | Date | TimeOfDay | Duration | Binary | Stream => v.is_string(),
        Boolean => v.is_boolean(),
        Byte => v.as_u64().is_some_and(|n| n <= u8::MAX as u64),
        Int16 => v.as_i64().is_some_and(|n| i16::try_from(n).is_ok()),
        Int32 => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Int64 => v.is_i64(),
        Single | Double | Decimal => v.is_number(),
        Json => true,
    }
}

fn check_value(ir: &Ir, ty: &TypeRef, collection: bool, v: &Value, path: &str, owner: Option<(&str, &str)>, out: &mut Vec<Mismatch>) {
    if v.is_null() {
        return; // every field is an Option
    }
    if collection {
        let Value::Array(items) = v else {
            out.push(Mismatch { path: path.into(), message: "expected an array".into(), array_for_single: None });
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            if item.is_null() {
                out.push(Mismatch { path: p, message: "null inside an array".into(), array_for_single: None });
            } else {
                check_value(ir, ty, false, item, &p, None, out);
            }
        }
        return;
    }
    match ty {
        TypeRef::Primitive { primitive } => {
            if !fits_primitive(*primitive, v) {
                out.push(Mismatch { path: path.into(), message: format!("`{v}` is not a valid {}", primitive.edm_name()), array_for_single: None });
            }
        }
        TypeRef::Enum { .. } => {
            if !v.is_string() {
                out.push(Mismatch { path: path.into(), message: "expected an enum member (a string)".into(), array_for_single: None });
            }
        }
        TypeRef::Opaque { .. } => {}
        TypeRef::Complex { name } => {
            let Value::Object(map) = v else {
                let array_for_single = v.is_array().then(|| owner.map(|(t, p)| (t.to_string(), p.to_string()))).flatten();
                out.push(Mismatch { path: path.into(), message: format!("expected a `{}` object", simple_name(name)), array_for_single });
                return;
            };
            let Some(t) = ir.types.get(name) else { return };
            if map.get("@odata.type").is_some_and(|v| !v.is_string() && !v.is_null()) {
                out.push(Mismatch { path: format!("{path}.@odata.type"), message: "expected a string".into(), array_for_single: None });
            }
            let props = effective_properties(ir, t);
            for (key, value) in map {
                if let Some(p) = props.iter().find(|p| &p.name == key) {
                    let declaring = declaring_type(ir, t, key).unwrap_or(&t.name);
                    check_value(ir, &p.ty, p.collection, value, &format!("{path}.{key}"), Some((declaring, key)), out);
                }
            }
        }
    }
}

/// The type in `t`'s base chain that declares property `name`.
fn declaring_type<'a>(ir: &'a Ir, t: &'a TypeDef, name: &str) -> Option<&'a str> {
    let mut cur = Some(t);
    while let Some(t) = cur {
        if t.properties.iter().chain(&t.navigation).any(|p| p.name == name) {
            return Some(&t.name);
        }
        cur = t.base.as_ref().and_then(|b| ir.types.get(b));
    }
    None
}

/// Promote single-valued properties that examples show as arrays, then record what still
/// does not fit.
pub fn reconcile_examples(ir: &mut Ir, diags: &mut Diagnostics) {
    let mut promote: BTreeMap<(String, String), Loc> = BTreeMap::new();
    for ex in &ir.examples {
        for m in check_example(ir, ex) {
            if let Some(key) = m.array_for_single {
                promote.entry(key).or_insert_with(|| ex.loc.clone());
            }
        }
    }
    for ((t, p), example) in promote {
        let Some(def) = ir.types.get_mut(&t) else { continue };
        if let Some(prop) = def.properties.iter_mut().chain(def.navigation.iter_mut()).find(|q| q.name == p) {
            prop.collection = true;
            diags.push(
                Diagnostic::new(
                    Code::ExampleInvalid,
                    prop.loc.clone(),
                    format!("`{p}` of `{t}` is documented as a single value but the examples carry an array; made a collection"),
                )
                .with_related(example),
            );
        }
    }
    let results: Vec<Vec<Mismatch>> = ir.examples.iter().map(|ex| check_example(ir, ex)).collect();
    for (ex, mismatches) in ir.examples.iter_mut().zip(results) {
        if let Some(first) = mismatches.first() {
            let message = format!("{}: {}", first.path, first.message);
            diags.emit(
                Code::ExampleInvalid,
                ex.loc.clone(),
                format!("example does not fit its model `{}` ({message}{})", ex.type_name.as_deref().unwrap_or("?"), if mismatches.len() > 1 { format!(", and {} more", mismatches.len() - 1) } else { String::new() }),
            );
            ex.mismatch = Some(message);
        }
    }
}
