//! Subsets: include / exclude by area, namespace, type or path glob, applied to the IR.
//!
//! Selected roots are the types, enums and operations an include names (all of them when
//! there is no include), minus those an exclude names. Everything the roots reference
//! (base types, property types, request bodies, responses) is pulled in, even when an
//! exclude names it: otherwise the generated code would not compile. A selection whose
//! includes name nothing is an error.

use super::{Ir, closure};
use globset::{Glob, GlobMatcher};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// One selector: `area:NAME`, `namespace:NAME`, `type:GLOB` (qualified type or enum name,
/// case-insensitive) or `path:GLOB` (an operation's documented path, e.g.
/// `/servicePrincipals/**`).
#[derive(Debug, Clone)]
pub(crate) enum Selector {
    Area(String),
    Namespace(String),
    Type(String, GlobMatcher),
    Path(String, GlobMatcher),
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Area(a) => write!(f, "area:{a}"),
            Selector::Namespace(n) => write!(f, "namespace:{n}"),
            Selector::Type(g, _) => write!(f, "type:{g}"),
            Selector::Path(g, _) => write!(f, "path:{g}"),
        }
    }
}

impl FromStr for Selector {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (kind, value) = s
            .split_once(':')
            .ok_or_else(|| format!("`{s}`: expected area:, namespace:, type: or path:"))?;
        let glob = |g: &str, case_insensitive: bool| {
            globset::GlobBuilder::new(g)
                .case_insensitive(case_insensitive)
                .literal_separator(true)
                .build()
                .map(|g: Glob| g.compile_matcher())
                .map_err(|e| format!("`{s}`: {e}"))
        };
        match kind {
            "area" => Ok(Selector::Area(value.to_lowercase())),
            "namespace" => Ok(Selector::Namespace(value.to_lowercase())),
            "type" => Ok(Selector::Type(value.into(), glob(value, true)?)),
            "path" => Ok(Selector::Path(value.into(), glob(value, true)?)),
            _ => Err(format!("`{s}`: expected area:, namespace:, type: or path:")),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Selection {
    pub include: Vec<Selector>,
    pub exclude: Vec<Selector>,
}

impl Selection {
    pub fn is_all(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }
}

/// A definition (type or enum) by qualified name, namespace and area.
fn def_matches(sel: &Selector, name: &str, namespace: &str, area: &str) -> bool {
    match sel {
        Selector::Area(a) => area == a,
        Selector::Namespace(n) => namespace.eq_ignore_ascii_case(n),
        Selector::Type(_, g) => g.is_match(name),
        Selector::Path(..) => false,
    }
}

fn op_matches(sel: &Selector, op: &super::Operation) -> bool {
    match sel {
        Selector::Area(a) => op.area == *a,
        Selector::Path(_, g) => op.paths.iter().any(|p| {
            let text: String = p.raw.split('?').next().unwrap_or("").to_string();
            let text = if text.starts_with('/') {
                text
            } else {
                format!("/{text}")
            };
            g.is_match(text.trim_end_matches('/'))
        }),
        Selector::Namespace(_) | Selector::Type(..) => false,
    }
}

/// Keep the selected part of the IR. Errors when an include names nothing.
pub(crate) fn apply(ir: &mut Ir, sel: &Selection) -> Result<(), String> {
    if sel.is_all() {
        return Ok(());
    }
    for inc in &sel.include {
        let any = ir
            .types
            .values()
            .any(|t| def_matches(inc, &t.name, &t.namespace, &t.area))
            || ir
                .enums
                .values()
                .any(|e| def_matches(inc, &e.name, &e.namespace, &e.area))
            || ir.operations.iter().any(|o| op_matches(inc, o));
        if !any {
            return Err(format!("the selection `{inc}` names nothing in the docs"));
        }
    }
    let chosen = |m: &dyn Fn(&Selector) -> bool| {
        (sel.include.is_empty() || sel.include.iter().any(m)) && !sel.exclude.iter().any(m)
    };
    let mut roots: Vec<String> = Vec::new();
    for t in ir.types.values() {
        if chosen(&|s| def_matches(s, &t.name, &t.namespace, &t.area)) {
            roots.push(t.name.clone());
        }
    }
    for e in ir.enums.values() {
        if chosen(&|s| def_matches(s, &e.name, &e.namespace, &e.area)) {
            roots.push(e.name.clone());
        }
    }
    ir.operations.retain(|o| chosen(&|s| op_matches(s, o)));
    for op in &ir.operations {
        roots.extend(op.references().into_iter().map(str::to_string));
    }
    let keep: BTreeSet<String> = closure(ir, roots.iter().map(String::as_str))
        .into_iter()
        .map(str::to_string)
        .collect();
    ir.types.retain(|k, _| keep.contains(k));
    ir.enums.retain(|k, _| keep.contains(k));
    let ops: BTreeSet<&str> = ir.operations.iter().map(|o| o.id.as_str()).collect();
    let ops: BTreeSet<String> = ops.into_iter().map(str::to_string).collect();
    ir.examples.retain(|ex| match &ex.operation {
        Some(op) => ops.contains(op),
        None => ex.type_name.as_ref().is_some_and(|t| keep.contains(t)),
    });
    Ok(())
}
