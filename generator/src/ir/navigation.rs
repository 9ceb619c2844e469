//! Navigation properties the request paths define. `GET /users/{id}/usageRights` returning
//! a `usageRight` collection says `user` has a navigation property `usageRights`, whether or
//! not the resource page's Relationships table lists it (it may be commented out, misspelt
//! or missing). Each added property is a note at the path's line.
//!
//! The walk: a path's first segment has the type the operations on exactly that path return
//! (an entity set or a singleton); a key segment (`{id}`) picks one element of a collection;
//! a type-cast segment (`microsoft.graph.user`) narrows; any other segment is a property of
//! the type so far. A path whose last segment is not yet a property of the single entity its
//! prefix addresses adds one, typed by what the operation returns. Segments that call a
//! function (`f(...)`), `$value`, `$ref`, `$count` end the walk.

use super::call::call;
use super::path::{is_identifier, segments};
use super::{Ir, Method, Property, TypeRef, effective_properties};
use crate::diag::{Code, Diagnostics, Loc};
use std::collections::BTreeMap;

/// What a path prefix addresses: a type, single or a collection.
pub(super) type Addressed = (String, bool);

fn key(segs: &[String]) -> String {
    segs.iter()
        .map(|s| s.to_lowercase())
        .collect::<Vec<_>>()
        .join("/")
}

/// What the documented paths say they address, for [`walk`].
pub(super) struct PathFacts {
    /// Lower-cased path (`users/{}`) → what GET on it returns.
    facts: BTreeMap<String, Addressed>,
    /// Lower-cased qualified type name → the IR's name.
    lower: BTreeMap<String, String>,
}

impl PathFacts {
    pub(super) fn new(ir: &Ir) -> Self {
        let lower = ir
            .types
            .keys()
            .map(|k| (k.to_lowercase(), k.clone()))
            .collect();
        let mut facts = BTreeMap::new();
        for (segs, addressed, ..) in get_paths(ir) {
            facts.entry(key(&segs)).or_insert(addressed);
        }
        PathFacts { facts, lower }
    }

    /// What `segs` addresses, if the walk can tell.
    pub(super) fn walk(&self, ir: &Ir, segs: &[String]) -> Option<Addressed> {
        walk(ir, &self.facts, &self.lower, segs)
    }

    /// The IR's name of a type spelled `q` in any case.
    pub(super) fn type_named(&self, q: &str) -> Option<&str> {
        self.lower.get(&q.to_lowercase()).map(String::as_str)
    }
}

/// A GET path's segments, what it returns, its line, the request line (`GET /x`) and
/// whether its last segment calls an operation (see [`call`]).
type GetPath = (Vec<String>, Addressed, Loc, String, bool);

/// Every GET path returning a structured type. A path ending in a key also documents its
/// collection.
fn get_paths(ir: &Ir) -> Vec<GetPath> {
    let mut documented = Vec::new();
    for op in &ir.operations {
        let returned = match (&op.response.ty, op.method) {
            (Some(TypeRef::Complex { name }), Method::Get) => {
                Some((name.clone(), op.response.collection))
            }
            _ => None,
        };
        let Some((ty, collection)) = returned else {
            continue;
        };
        for p in &op.paths {
            let segs = segments(p);
            if segs.is_empty() {
                continue;
            }
            let loc = p.loc.clone().unwrap_or_else(|| op.loc.clone());
            let line = format!("{} {}", op.method, p.raw);
            if segs.last().is_some_and(|s| s == "{}") {
                let coll = segs[..segs.len() - 1].to_vec();
                let c = (ty.clone(), true);
                documented.push((coll, c, loc.clone(), line.clone(), false));
                documented.push((segs, (ty.clone(), false), loc, line, false));
            } else {
                let calls = call(ir, op, &segs).is_some();
                documented.push((segs, (ty.clone(), collection), loc, line, calls));
            }
        }
    }
    documented
}

/// Add the navigation properties the operations' paths imply.
pub(super) fn from_paths(ir: &mut Ir, diags: &mut Diagnostics) {
    let known = PathFacts::new(ir);
    let (facts, lower) = (&known.facts, &known.lower);
    // A segment that calls an action or function is no property.
    let documented: Vec<_> = get_paths(ir).into_iter().filter(|d| !d.4).collect();
    // New properties can make deeper paths walkable: a few rounds reach a fixpoint.
    for _ in 0..4 {
        let mut added: Vec<(String, Property, String)> = Vec::new();
        // The owner of each path's last segment when it names no property yet (each path
        // on its own, in parallel), then taken in order.
        let missing: Vec<Option<(String, &String)>> = {
            use rayon::prelude::*;
            let ir = &*ir;
            documented
                .par_iter()
                .map(|(segs, _, _, _, _)| {
                    let last = segs.last().filter(|s| is_identifier(s))?;
                    if segs.len() < 2 {
                        return None;
                    }
                    let Some((owner, false)) = walk(ir, facts, lower, &segs[..segs.len() - 1])
                    else {
                        return None;
                    };
                    let t = ir.types.get(&owner)?;
                    let exists = effective_properties(ir, t)
                        .iter()
                        .any(|p| p.name.eq_ignore_ascii_case(last));
                    (!exists).then_some((owner, last))
                })
                .collect()
        };
        for ((_, (ty, collection), loc, line, _), missing) in documented.iter().zip(missing) {
            let Some((owner, last)) = missing else {
                continue;
            };
            if added
                .iter()
                .any(|(o, p, _)| *o == owner && p.name.eq_ignore_ascii_case(last))
            {
                continue;
            }
            added.push((
                owner,
                Property {
                    name: last.clone(),
                    ty: TypeRef::Complex { name: ty.clone() },
                    collection: *collection,
                    read_only: false,
                    nullable: None,
                    description: String::new(),
                    loc: loc.clone(),
                },
                line.clone(),
            ));
        }
        if added.is_empty() {
            break;
        }
        for (owner, p, line) in added {
            diags.emit(
                Code::NavigationFromPath,
                p.loc.clone(),
                format!(
                    "`{}` of `{owner}` is documented only by the path `{line}`; added as a navigation property",
                    p.name
                ),
            );
            ir.types.get_mut(&owner).unwrap().navigation.push(p);
        }
    }
}

/// What `segs` addresses, if the walk can tell: the longest prefix with a known fact, then
/// the remaining segments one by one. A loop, not recursion, and the prefix keys are slices
/// of one lower-cased text: paths can have thousands of segments.
fn walk(
    ir: &Ir,
    facts: &BTreeMap<String, Addressed>,
    lower: &BTreeMap<String, String>,
    segs: &[String],
) -> Option<Addressed> {
    let mut joined = String::new();
    let mut ends = Vec::with_capacity(segs.len());
    for (i, s) in segs.iter().enumerate() {
        if i > 0 {
            joined.push('/');
        }
        joined.push_str(&s.to_lowercase());
        ends.push(joined.len());
    }
    let (known, mut at) = (1..=segs.len())
        .rev()
        .find_map(|i| facts.get(&joined[..ends[i - 1]]).map(|f| (i, f.clone())))?;
    for last in &segs[known..] {
        at = step(ir, lower, at, last)?;
    }
    Some(at)
}

/// What one more segment addresses after `(ty, collection)`.
fn step(
    ir: &Ir,
    lower: &BTreeMap<String, String>,
    (ty, collection): Addressed,
    last: &str,
) -> Option<Addressed> {
    if last == "{}" {
        return collection.then_some((ty, false));
    }
    if last.contains('.') && !last.contains('(') {
        let cast = lower.get(&last.to_lowercase())?;
        return Some((cast.clone(), collection));
    }
    if collection || !is_identifier(last) {
        return None;
    }
    let t = ir.types.get(&ty)?;
    let p = effective_properties(ir, t)
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(last))?;
    match &p.ty {
        TypeRef::Complex { name } => Some((name.clone(), p.collection)),
        _ => None,
    }
}
