//! A type's JSON representation (the resource page's `resource` block) checked against its
//! tables: the table wins; properties only in the JSON are added; each disagreement is a
//! diagnostic, and what the JSON says is kept as a [`JsonHints`] entry for when the data
//! examples side with it (`validate::reconcile_examples`).

use super::resolve::Resolver;
use super::shape::{self, Family};
use super::typespell::Base;
use super::{Primitive, Property, TypeDef, TypeRef, simple_name};
use crate::diag::{Code, Diagnostics, Loc};
use std::collections::BTreeMap;

/// What the JSON representation says of a property the table types differently:
/// (type, property) → (type, collection). Used when data examples side with the JSON.
pub(crate) type JsonHints = BTreeMap<(String, String), (TypeRef, bool)>;

/// Compare the JSON representation with the tables: the table wins; JSON-only properties are
/// added (nothing is dropped), and each disagreement is a diagnostic.
pub(super) fn cross_check(
    def: &mut TypeDef,
    json: &serde_json::Map<String, serde_json::Value>,
    loc: &Loc,
    r: &Resolver,
    ns: &str,
    hints: &mut JsonHints,
    diags: &mut Diagnostics,
) {
    // Name → the first property (or, after them, navigation property) of that name: one
    // lookup per key, however long the JSON and the tables are.
    // (JSON keys are unique, so the properties added below need no entry.)
    let mut index: BTreeMap<String, (bool, usize)> = BTreeMap::new();
    for (i, p) in def.properties.iter().enumerate() {
        index.entry(p.name.clone()).or_insert((false, i));
    }
    for (i, p) in def.navigation.iter().enumerate() {
        index.entry(p.name.clone()).or_insert((true, i));
    }
    for (key, value) in json {
        if key.starts_with('@') {
            continue;
        }
        let inferred = shape::infer(value);
        let known = match index.get(key) {
            Some(&(false, i)) => def.properties.get(i),
            Some(&(true, i)) => def.navigation.get(i),
            None => None,
        };
        match (known, inferred) {
            (Some(p), Some((base, collection))) => {
                if let Some(why) = disagreement(p, &base, collection) {
                    let hint = match &base {
                        Base::Primitive(prim) => Some(TypeRef::Primitive { primitive: *prim }),
                        Base::Named { name, .. } => {
                            r.named(name, None, ns, loc, &mut Diagnostics::default())
                        }
                    };
                    if let Some(hint) = hint {
                        hints.insert((def.name.clone(), p.name.clone()), (hint, collection));
                    }
                    diags.emit(
                        Code::TypeTableJsonMismatch,
                        p.loc.clone(),
                        format!(
                            "`{}`: table and JSON representation disagree ({why}); the table wins",
                            p.name
                        ),
                    );
                }
            }
            (Some(_), None) => {}
            (None, inferred) => {
                let (ty, collection) = match inferred {
                    Some((Base::Primitive(p), c)) => (TypeRef::Primitive { primitive: p }, c),
                    Some((Base::Named { name, .. }, c)) => (
                        r.named(&name, None, ns, loc, diags)
                            .unwrap_or(TypeRef::Opaque { spelling: name }),
                        c,
                    ),
                    None => (
                        TypeRef::Primitive {
                            primitive: Primitive::Json,
                        },
                        false,
                    ),
                };
                diags.emit(
                    Code::PropertyOnlyInJson,
                    loc.clone(),
                    format!(
                        "`{key}` appears only in the JSON representation of `{}`; added",
                        def.name
                    ),
                );
                def.properties.push(Property {
                    name: key.clone(),
                    ty,
                    collection,
                    read_only: false,
                    nullable: None,
                    description: String::new(),
                    loc: loc.clone(),
                });
            }
        }
    }
}

fn disagreement(p: &Property, base: &Base, collection: bool) -> Option<String> {
    if p.collection != collection {
        return Some(format!(
            "table says {}a collection, JSON says {}",
            if p.collection { "" } else { "not " },
            if collection {
                "collection"
            } else {
                "single value"
            }
        ));
    }
    match (&p.ty, base) {
        (TypeRef::Complex { name }, Base::Named { name: j, .. }) => {
            let a = simple_name(name);
            let b = simple_name(j.trim_start_matches('#'));
            (!a.eq_ignore_ascii_case(b)).then(|| format!("`{a}` vs `{b}`"))
        }
        (TypeRef::Complex { name }, Base::Primitive(p)) if *p != Primitive::Json => {
            Some(format!("`{}` vs `{p:?}`", simple_name(name)))
        }
        (TypeRef::Primitive { primitive }, Base::Named { name, .. }) => {
            Some(format!("`{primitive:?}` vs `{name}`"))
        }
        (TypeRef::Primitive { primitive: a }, Base::Primitive(b)) => {
            let (fa, fb) = (shape::family(*a), shape::family(*b));
            (fa != fb && fa != Family::Any && fb != Family::Any)
                .then(|| format!("`{a:?}` vs `{b:?}`"))
        }
        _ => None,
    }
}
