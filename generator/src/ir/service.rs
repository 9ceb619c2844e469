//! The service the request paths describe, in OData's terms: the entity sets and singletons
//! a path starts at, and the actions and functions its operations call. Derived from the IR,
//! never stored in it; the CSDL export writes it and `lint --metadata` compares it.
//!
//! Which segment calls an operation (the dialect's signs, strongest first):
//! - `f(...)` with named parameters or empty parentheses (`f(k='{v}')`, `delta()`); `f(<key>)`
//!   without a `=` is key syntax, not a call;
//! - a namespace-qualified segment that names no type (`microsoft.graph.assignLicense`; one that
//!   names a type is a cast);
//! - the page title `type: name` naming the path's last segment (`synchronizationJob: start`),
//!   the docs' convention for action and function pages;
//! - POST to a segment that is not a property of the single entity before it, or after a
//!   collection (`/users/{id}/revokeSignInSessions`), unless the body is a resource (a create);
//! - GET of a plain segment after a collection (`/users/delta`).
//!
//! A GET call is a function, a POST call an action. A call is bound to what its path prefix
//! addresses (the walk of `ir::navigation`), else to the type the title names, else to an
//! unresolved entity (`binding.ty == None`); a one-segment path is unbound (an import).
//! Functions are composable when a documented path goes on after the call.

pub use super::call::{Call, CallKind, call};
use super::navigation::PathFacts;
use super::path::{is_identifier, segments, split_call};
use super::{
    Body, Ir, Method, Operation, Primitive, Property, TypeRef, effective_properties,
    most_populous_namespace, namespace_of, simple_name,
};
use crate::diag::Loc;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The binding parameter of a bound operation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Binding {
    /// The bound type; `None` when neither the path nor the title tells.
    pub ty: Option<String>,
    pub collection: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceOperation {
    pub kind: CallKind,
    pub namespace: String,
    pub name: String,
    /// `None`: unbound (called from the service root).
    pub binding: Option<Binding>,
    /// Non-binding parameters. Function parameters have no documented type here: `String`.
    pub params: Vec<Property>,
    pub returns: Option<(TypeRef, bool)>,
    /// A documented path goes on after a call to it.
    pub composable: bool,
    /// The operation (page) that documents it.
    pub operation: String,
    pub loc: Loc,
}

/// An entity set (a collection at the root) or a singleton.
#[derive(Debug, Clone, Serialize)]
pub struct Root {
    pub name: String,
    pub ty: String,
    pub collection: bool,
    pub loc: Loc,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Service {
    pub roots: Vec<Root>,
    /// Sorted by namespace, name and binding; one per (kind, name, binding).
    pub operations: Vec<ServiceOperation>,
}

/// The service the IR's paths describe.
pub fn of(ir: &Ir) -> Service {
    let known = PathFacts::new(ir);
    let main_ns = most_populous_namespace(ir.types.keys().map(String::as_str))
        .unwrap_or("microsoft.graph")
        .to_string();
    let mut roots: BTreeMap<String, Root> = BTreeMap::new();
    let mut found: BTreeMap<(String, String, Option<Binding>, CallKind), ServiceOperation> =
        BTreeMap::new();
    let mut composable: BTreeSet<String> = BTreeSet::new();
    // (namespace, lower-cased name) → spelling → paths that spell it so
    let mut spellings: BTreeMap<(String, String), BTreeMap<String, usize>> = BTreeMap::new();
    for op in &ir.operations {
        for p in &op.paths {
            let segs = segments(p);
            let loc = p.loc.clone().unwrap_or_else(|| op.loc.clone());
            // a root: what GET on the first segment (or on a key of it) addresses
            if let Some(first) = segs.first().filter(|s| is_identifier(s)) {
                let name = first.to_string();
                if let Some((ty, collection)) = known.walk(ir, &segs[..1]) {
                    roots.entry(name.to_lowercase()).or_insert(Root {
                        name,
                        ty,
                        collection,
                        loc: loc.clone(),
                    });
                }
            }
            // calls inside the path (composable functions)
            for seg in segs.iter().take(segs.len().saturating_sub(1)) {
                if let (head, Some(inner)) = split_call(seg)
                    && (inner.trim().is_empty() || inner.contains('='))
                {
                    let name = head.rsplit('.').next().unwrap_or(head);
                    composable.insert(name.to_lowercase());
                }
            }
            let Some(c) = classify(ir, &known, op, &segs) else {
                continue;
            };
            let (prefix, namespace) = (&segs[..segs.len() - 1], c.qualifier.clone());
            let binding = match prefix.is_empty() {
                true => None,
                false => Some(binding(ir, &known, op, prefix)),
            };
            let namespace = namespace
                .filter(|q| ir.types.keys().any(|k| namespace_of(k) == q))
                .or_else(|| {
                    let ty = binding.as_ref().and_then(|b| b.ty.as_deref());
                    ty.map(|t| namespace_of(t).to_string())
                })
                .unwrap_or_else(|| main_ns.clone());
            let params = match (c.kind, &op.body) {
                (CallKind::Action, Some(Body::Parameters { properties })) => properties.clone(),
                (CallKind::Action, _) => vec![],
                (CallKind::Function, _) => c
                    .params
                    .iter()
                    .map(|name| Property {
                        name: name.clone(),
                        ty: TypeRef::Primitive {
                            primitive: Primitive::String,
                        },
                        collection: false,
                        read_only: false,
                        nullable: None,
                        description: String::new(),
                        loc: loc.clone(),
                    })
                    .collect(),
            };
            let returns = op.response.ty.clone().map(|t| (t, op.response.collection));
            let lower = (namespace.clone(), c.name.to_lowercase());
            *spellings
                .entry(lower)
                .or_default()
                .entry(c.name.clone())
                .or_default() += 1;
            let key = (
                namespace.clone(),
                c.name.to_lowercase(),
                binding.clone(),
                c.kind,
            );
            found.entry(key).or_insert(ServiceOperation {
                kind: c.kind,
                namespace,
                name: c.name,
                binding,
                params,
                returns,
                composable: false,
                operation: op.id.clone(),
                loc,
            });
        }
    }
    let mut operations: Vec<ServiceOperation> = found.into_values().collect();
    for o in &mut operations {
        let lower = o.name.to_lowercase();
        o.composable = o.kind == CallKind::Function && composable.contains(&lower);
        // one spelling per name: the one most paths use (`range` over a stray `Range`)
        let spelled = &spellings[&(o.namespace.clone(), lower)];
        let best = spelled
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
        o.name = best.map_or_else(|| o.name.clone(), |(n, _)| n.clone());
    }
    Service {
        roots: roots.into_values().collect(),
        operations,
    }
}

/// [`call`], plus the signs that need the walk: POST to a non-property of an entity or after
/// a collection, GET of a plain segment after a collection.
fn classify(ir: &Ir, known: &PathFacts, op: &Operation, segs: &[String]) -> Option<Call> {
    if let Some(c) = call(ir, op, segs) {
        return Some(c);
    }
    let (last, prefix) = segs.split_last()?;
    if prefix.is_empty() || !is_identifier(last) {
        return None;
    }
    let kind = match (op.method, &op.body) {
        (Method::Get, _) => CallKind::Function,
        (Method::Post, Some(Body::Type { .. })) => return None,
        (Method::Post, _) => CallKind::Action,
        _ => return None,
    };
    let (ty, collection) = known.walk(ir, prefix)?;
    let is_property = || {
        ir.types.get(&ty).is_some_and(|t| {
            effective_properties(ir, t)
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(last))
        })
    };
    let calls = match kind {
        CallKind::Function => collection,
        CallKind::Action => collection || !is_property(),
    };
    calls.then(|| Call {
        kind,
        qualifier: None,
        name: last.clone(),
        params: vec![],
    })
}

/// What a call after `prefix` is bound to.
fn binding(ir: &Ir, known: &PathFacts, op: &Operation, prefix: &[String]) -> Binding {
    if let Some((ty, collection)) = known.walk(ir, prefix) {
        return Binding {
            ty: Some(ty),
            collection,
        };
    }
    let titled = op.name.split_once(':').map(|(t, _)| t.trim());
    let ty = titled.and_then(|t| {
        let simple = |k: &&String| simple_name(k).eq_ignore_ascii_case(t);
        known
            .type_named(t)
            .map(str::to_string)
            .or_else(|| ir.types.keys().find(simple).cloned())
    });
    // the title names the type, not whether the path ends at one of it or a collection
    Binding {
        ty,
        collection: false,
    }
}
