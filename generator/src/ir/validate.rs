//! Checking the docs' data examples against the models the IR describes, predicting exactly
//! what serde will accept (strings for text types, integers in range, objects, arrays, ...).
//!
//! One contradiction is reconciled: a property the table calls a single complex value but
//! whose data examples carry an array becomes a collection (real service output beats the
//! table; the table's mistake is reported). Every other mismatch is reported and recorded
//! on the example.

use super::hierarchy::{Tree, polymorphic_bases};
use super::representation::JsonHints;
use super::{
    Body, Example, ExampleKind, Ir, Primitive, Property, TypeRef, declaring_type,
    effective_properties, simple_name,
};
use crate::diag::{Code, Diagnostic, Diagnostics, Loc};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One place where an example does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    /// JSON path inside the example (`$.status.code`).
    pub path: String,
    pub message: String,
    /// `(declaring type, property)` when the value of a property is the problem.
    pub owner: Option<(String, String)>,
    /// The value is an array where the model wants a single value.
    pub array_for_single: bool,
}

impl Mismatch {
    fn at(path: &str, message: impl Into<String>) -> Self {
        Mismatch {
            path: path.into(),
            message: message.into(),
            owner: None,
            array_for_single: false,
        }
    }
}

/// Checks examples against one IR; what checking needs (the derived-type tree) is made once.
/// `poly`: the polymorphic bases ([`super::hierarchy::polymorphic_bases`]); a value of one
/// of them is checked against the type its `@odata.type` names, as the SDK reads it.
pub(crate) struct ExampleChecker<'a> {
    ir: &'a Ir,
    poly: &'a BTreeSet<String>,
    tree: Tree<'a>,
}

impl<'a> ExampleChecker<'a> {
    pub fn new(ir: &'a Ir, poly: &'a BTreeSet<String>) -> Self {
        ExampleChecker {
            ir,
            poly,
            tree: Tree::new(ir),
        }
    }

    /// Every example's mismatches, in order (checked in parallel); with `parameters`, a
    /// request example of an action with parameters is checked against them.
    fn all(&self, parameters: bool) -> Vec<Vec<Mismatch>> {
        use rayon::prelude::*;
        let by_operation: BTreeMap<&str, &[Property]> = self
            .ir
            .operations
            .iter()
            .filter(|_| parameters)
            .filter_map(|op| match &op.body {
                Some(Body::Parameters { properties }) => Some((op.id.as_str(), &properties[..])),
                _ => None,
            })
            .collect();
        self.ir
            .examples
            .par_iter()
            .map(|ex| {
                let params = ex
                    .operation
                    .as_deref()
                    .and_then(|op| by_operation.get(op))
                    .filter(|_| ex.kind == ExampleKind::Request && ex.type_name.is_none());
                match params {
                    Some(params) => self.parameters(params, &ex.body),
                    None => self.check(ex),
                }
            })
            .collect()
    }

    /// The type a value of schema type `expected` is read as (see
    /// [`super::hierarchy::Tree::read_as`]).
    pub fn read_as(&self, expected: &'a str, value: &Value) -> &'a str {
        self.tree.read_as(expected, value)
    }

    /// The mismatches of one example read as its annotated type (none without one).
    pub fn check(&self, ex: &Example) -> Vec<Mismatch> {
        match &ex.type_name {
            Some(t) => self.check_as(t, ex.collection, &ex.body),
            None => Vec::new(),
        }
    }

    /// The mismatches of a body read as a value of type `t` (a collection of them, with
    /// `value` and the paging members, when `collection`).
    pub fn check_as(&self, t: &str, collection: bool, body: &Value) -> Vec<Mismatch> {
        let mut out = Vec::new();
        let ty = TypeRef::Complex {
            name: t.to_string(),
        };
        if !collection {
            self.value(&ty, false, body, "$", None, &mut out);
            return out;
        }
        match body.get("value") {
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(&ty, false, item, &format!("$.value[{i}]"), None, &mut out);
                }
            }
            _ => out.push(Mismatch::at(
                "$",
                "collection response without a `value` array",
            )),
        }
        for (key, integer) in [
            ("@odata.count", true),
            ("@odata.nextLink", false),
            ("@odata.deltaLink", false),
            ("@odata.context", false),
        ] {
            if let Some(v) = body.get(key) {
                let ok = v.is_null() || if integer { v.is_i64() } else { v.is_string() };
                if !ok {
                    out.push(Mismatch::at(
                        &format!("$.{key}"),
                        if integer {
                            "expected an integer"
                        } else {
                            "expected a string"
                        },
                    ));
                }
            }
        }
        out
    }

    /// A request body made of an action's parameters: each parameter the body sets is
    /// checked against its type (other members are kept aside, as for a model).
    fn parameters(&self, params: &[Property], body: &Value) -> Vec<Mismatch> {
        let mut out = Vec::new();
        let Value::Object(map) = body else {
            if !body.is_null() {
                out.push(Mismatch::at("$", "expected an object of parameters"));
            }
            return out;
        };
        for (key, value) in map {
            if let Some(p) = params.iter().find(|p| &p.name == key) {
                let path = format!("$.{key}");
                self.value(&p.ty, p.collection, value, &path, None, &mut out);
            }
        }
        out
    }
}

fn fits_primitive(p: Primitive, v: &Value) -> bool {
    use Primitive::*;
    match p {
        String | Guid | DateTimeOffset | Date | TimeOfDay | Duration | Binary | Stream => {
            v.is_string()
        }
        Boolean => v.is_boolean(),
        Byte => v.as_u64().is_some_and(|n| n <= u8::MAX as u64),
        Int16 => v.as_i64().is_some_and(|n| i16::try_from(n).is_ok()),
        Int32 => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Int64 => v.is_i64(),
        Single | Double | Decimal => v.is_number(),
        Json => true,
    }
}

impl ExampleChecker<'_> {
    fn value(
        &self,
        ty: &TypeRef,
        collection: bool,
        v: &Value,
        path: &str,
        owner: Option<(&str, &str)>,
        out: &mut Vec<Mismatch>,
    ) {
        let (ir, poly) = (self.ir, self.poly);
        if v.is_null() {
            return; // every field is an Option
        }
        let mut fail = |message: String| {
            out.push(Mismatch {
                owner: own(owner),
                array_for_single: !collection && v.is_array(),
                ..Mismatch::at(path, message)
            });
        };
        if collection {
            let Value::Array(items) = v else {
                return fail("expected an array".into());
            };
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                if item.is_null() {
                    out.push(Mismatch::at(&p, "null inside an array"));
                } else {
                    self.value(ty, false, item, &p, None, out);
                }
            }
            return;
        }
        match ty {
            TypeRef::Primitive { primitive } if !fits_primitive(*primitive, v) => {
                fail(format!("`{v}` is not a valid {}", primitive.edm_name()))
            }
            TypeRef::Enum { .. } if !v.is_string() => {
                fail("expected an enum member (a string)".into())
            }
            TypeRef::Complex { name } => {
                let Value::Object(map) = v else {
                    return fail(format!("expected a `{}` object", simple_name(name)));
                };
                let actual = if poly.contains(name) {
                    self.tree.read_as(name, v)
                } else {
                    name
                };
                let Some(t) = ir.types.get(actual) else {
                    return;
                };
                if map
                    .get("@odata.type")
                    .is_some_and(|v| !v.is_string() && !v.is_null())
                {
                    out.push(Mismatch::at(
                        &format!("{path}.@odata.type"),
                        "expected a string",
                    ));
                }
                let props = effective_properties(ir, t);
                for (key, value) in map {
                    if let Some(p) = props.iter().find(|p| &p.name == key) {
                        let declaring = declaring_type(ir, t, key).unwrap_or(&t.name);
                        self.value(
                            &p.ty,
                            p.collection,
                            value,
                            &format!("{path}.{key}"),
                            Some((declaring, key)),
                            out,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn own(owner: Option<(&str, &str)>) -> Option<(String, String)> {
    owner.map(|(t, p)| (t.to_string(), p.to_string()))
}

/// Reconcile properties that the data examples contradict, then record what still does not
/// fit. A property is retyped when the JSON representation agrees with the examples (two
/// sources against the table), or made a collection when examples carry an array for it.
pub(crate) fn reconcile_examples(ir: &mut Ir, hints: &JsonHints, diags: &mut Diagnostics) {
    // (type, property) → (the JSON representation's type, the first example that disagrees)
    type Fix = (Option<(TypeRef, bool)>, Loc);
    let mut fixes: BTreeMap<(String, String), Fix> = BTreeMap::new();
    let poly = polymorphic_bases(ir);
    let found = ExampleChecker::new(ir, &poly).all(false);
    for (ex, mismatches) in ir.examples.iter().zip(found) {
        for m in mismatches {
            let Some(key) = m.owner else { continue };
            let hint = hints.get(&key).cloned();
            if hint.is_some() || m.array_for_single {
                fixes.entry(key).or_insert_with(|| (hint, ex.loc.clone()));
            }
        }
    }
    for ((t, p), (hint, example)) in fixes {
        let Some(def) = ir.types.get_mut(&t) else {
            continue;
        };
        let Some(prop) = def
            .properties
            .iter_mut()
            .chain(def.navigation.iter_mut())
            .find(|q| q.name == p)
        else {
            continue;
        };
        let message = match hint {
            Some((ty, collection)) => {
                prop.ty = ty;
                prop.collection = collection;
                format!(
                    "`{p}` of `{t}`: the examples and the JSON representation agree against the table; their type is taken"
                )
            }
            None => {
                prop.collection = true;
                format!(
                    "`{p}` of `{t}` is documented as a single value but the examples carry an array; made a collection"
                )
            }
        };
        diags.push(
            Diagnostic::new(Code::ExampleInvalid, prop.loc.clone(), message).with_related(example),
        );
    }
    let poly = polymorphic_bases(ir);
    let results = ExampleChecker::new(ir, &poly).all(true);
    for (ex, mismatches) in ir.examples.iter_mut().zip(results) {
        if let Some(first) = mismatches.first() {
            let message = format!("{}: {}", first.path, first.message);
            let more = if mismatches.len() > 1 {
                format!(", and {} more", mismatches.len() - 1)
            } else {
                String::new()
            };
            diags.emit(
                Code::ExampleInvalid,
                ex.loc.clone(),
                match &ex.type_name {
                    Some(t) => format!("example does not fit its model `{t}` ({message}{more})"),
                    None => {
                        format!("example does not fit the operation's parameters ({message}{more})")
                    }
                },
            );
            ex.mismatch = Some(message);
        }
    }
}
