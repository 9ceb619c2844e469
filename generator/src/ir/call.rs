//! What a path's last segment calls, read off the segment, the method and the page title
//! alone (the syntactic signs of [`super::service`]'s list): `f(...)` with named parameters
//! or empty parentheses, a namespace-qualified segment that names no type, a title
//! `type: name` naming the segment. A GET call is a function, a POST call an action.

use super::path::{call_argument_names, is_identifier, split_call};
use super::{Ir, Method, Operation};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CallKind {
    Action,
    Function,
}

/// What a path's last segment calls, read off the segment, the method and the title alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub kind: CallKind,
    /// The namespace written before the name, if any (`microsoft.graph`).
    pub qualifier: Option<String>,
    pub name: String,
    /// Parameter names written in the parentheses (`f(a={a},b='{b}')` → `a`, `b`).
    pub params: Vec<String>,
}

/// The operation `segs`' last segment calls, by the syntactic signs (see the module docs).
/// POST and GET only.
pub fn call(ir: &Ir, op: &Operation, segs: &[String]) -> Option<Call> {
    let kind = match op.method {
        Method::Get => CallKind::Function,
        Method::Post => CallKind::Action,
        _ => return None,
    };
    let (head, inner) = split_call(segs.last()?);
    let (qualifier, name) = match head.rsplit_once('.') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, head),
    };
    if !is_identifier(name) || qualifier.is_some_and(|q| !q.split('.').all(is_identifier)) {
        return None;
    }
    let is_type =
        |q: &str| ir.types.contains_key(q) || ir.types.keys().any(|k| k.eq_ignore_ascii_case(q));
    let titled = op
        .name
        .split_once(':')
        .is_some_and(|(_, n)| n.trim().eq_ignore_ascii_case(name));
    let params = match inner {
        Some(inner) if inner.trim().is_empty() => Some(vec![]),
        Some(inner) if inner.contains('=') => Some(
            call_argument_names(inner)
                .filter(|k| is_identifier(k))
                .map(str::to_string)
                .collect(),
        ),
        Some(_) => return None,
        None if qualifier.is_some() && !is_type(head) => Some(vec![]),
        None if titled => Some(vec![]),
        None => None,
    }?;
    Some(Call {
        kind,
        qualifier: qualifier.map(str::to_string),
        name: name.to_string(),
        params,
    })
}
