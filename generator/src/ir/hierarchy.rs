//! The type hierarchy: each type's base from every statement the docs make, strongest
//! first, with conflicts and cycles diagnosed; then entity vs complex the way the service
//! decides it (a key, or an entity base).
//!
//! Sources, in order of strength ([`BaseSource`]):
//! 1. the resource annotation's `baseType`;
//! 2. the prose before the first section ("Inherits from [x](x.md)", "Derived from x");
//! 3. property rows described "Inherited from [x]": `x` is an ancestor; the most derived
//!    of the ancestors the rows name is the base;
//! 4. data examples: a value whose `@odata.type` names type `x` where the schema says `b`
//!    means `x` derives from `b`, when the pages already make `b` a base;
//! 5. a keyed type with no other statement derives from the root entity type: the keyed,
//!    base-less type whose only property is its key and that the most types derive from
//!    by a statement of 1–4.
//!
//! A weaker statement never overrides a stronger one, except to make it more precise: when
//! it names a type that itself derives from the stronger statement's base (rows say
//! "Inherited from outlookItem" where the annotation says `entity`), it is taken. A
//! statement that contradicts the chosen chain is a diagnostic at its line.

use super::path::Piece;
use super::{BaseOrigin, BaseSource, Ir, Method, TypeKind, TypeRef, effective_properties};
use crate::diag::{Code, Diagnostic, Diagnostics, Loc};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One resolved statement: `ty` derives (directly or not) from `base`.
#[derive(Debug, Clone)]
pub(crate) struct Claim {
    pub ty: String,
    pub base: String,
    pub source: BaseSource,
    pub loc: Loc,
}

/// The base chain of `name`, nearest first, stopping at a cycle.
pub(crate) fn ancestors<'a>(ir: &'a Ir, name: &str) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let mut cur = ir.types.get(name).and_then(|t| t.base.as_deref());
    while let Some(b) = cur {
        if b == name || out.contains(&b) {
            break;
        }
        out.push(b);
        cur = ir.types.get(b).and_then(|t| t.base.as_deref());
    }
    out
}

/// Whether `ty` is `base` or derives from it.
pub(crate) fn derives_from(ir: &Ir, ty: &str, base: &str) -> bool {
    ty == base || ancestors(ir, ty).contains(&base)
}

/// Every type deriving from `name` at any depth, sorted by name.
pub fn descendants<'a>(ir: &'a Ir, name: &str) -> Vec<&'a str> {
    Tree::new(ir).descendants(name)
}

/// Direct derived types of each type.
pub(crate) fn children(ir: &Ir) -> BTreeMap<&str, Vec<&str>> {
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in ir.types.values() {
        if let Some(b) = &t.base {
            out.entry(b.as_str()).or_default().push(&t.name);
        }
    }
    out
}

/// The derived types of every type, for many look-ups in an IR that does not change
/// meanwhile ([`descendants`] builds one).
pub(crate) struct Tree<'a> {
    children: BTreeMap<&'a str, Vec<&'a str>>,
}

impl<'a> Tree<'a> {
    pub fn new(ir: &'a Ir) -> Self {
        Tree {
            children: children(ir),
        }
    }

    /// Every type deriving from `name` at any depth, sorted by name.
    pub fn descendants(&self, name: &str) -> Vec<&'a str> {
        let mut seen: BTreeSet<&'a str> = BTreeSet::new();
        let mut stack: Vec<&str> = vec![name];
        while let Some(n) = stack.pop() {
            for c in self.children.get(n).into_iter().flatten() {
                if *c != name && seen.insert(c) {
                    stack.push(c);
                }
            }
        }
        seen.into_iter().collect()
    }

    /// The type a JSON value of schema type `expected` is read as by the generated SDK: the
    /// type derived from `expected` (at any depth) that its `@odata.type` names, else
    /// `expected`.
    pub fn read_as(&self, expected: &'a str, value: &Value) -> &'a str {
        let Some(tag) = value.get("@odata.type").and_then(Value::as_str) else {
            return expected;
        };
        let key = tag.trim_start_matches('#').to_lowercase();
        // `key` is lower-cased: an ASCII name matches it as its ASCII lower case does.
        let lowercase_is_key = |d: &str| {
            if d.is_ascii() {
                d.eq_ignore_ascii_case(&key)
            } else {
                d.to_lowercase() == key
            }
        };
        self.descendants(expected)
            .into_iter()
            .find(|d| lowercase_is_key(d))
            .unwrap_or(expected)
    }
}

/// Types with derived types that some property, request body, response or action parameter
/// holds: where a value of a derived type can arrive, so the SDK dispatches on `@odata.type`.
pub(crate) fn polymorphic_bases(ir: &Ir) -> BTreeSet<String> {
    let children = children(ir);
    let mut held: BTreeSet<&str> = BTreeSet::new();
    for t in ir.types.values() {
        held.extend(
            t.properties
                .iter()
                .chain(&t.navigation)
                .filter_map(|p| p.ty.named()),
        );
    }
    for op in &ir.operations {
        held.extend(op.references());
    }
    held.into_iter()
        .filter(|n| ir.types.contains_key(*n) && children.contains_key(n))
        .map(str::to_string)
        .collect()
}

/// Set bases from the page statements (annotation, prose, inherited rows).
pub(super) fn assign_stated(ir: &mut Ir, claims: &[Claim], diags: &mut Diagnostics) {
    let mut by_type: BTreeMap<&str, Vec<&Claim>> = BTreeMap::new();
    for c in claims {
        if c.ty != c.base && ir.types.contains_key(&c.base) {
            by_type.entry(c.ty.as_str()).or_default().push(c);
        }
    }
    // Direct statements first (annotation, prose), for every type, so that rows can then be
    // compared with whole chains.
    for (ty, cs) in &by_type {
        let direct: Vec<&&Claim> = cs
            .iter()
            .filter(|c| matches!(c.source, BaseSource::Annotation | BaseSource::Prose))
            .collect();
        let Some(first) = direct.first() else {
            continue;
        };
        set_base(ir, ty, first);
    }
    for (ty, cs) in &by_type {
        for c in cs {
            let t = &ir.types[*ty];
            let chosen = t.base.as_deref() == Some(c.base.as_str())
                && t.base_source
                    .as_ref()
                    .is_some_and(|o| o.loc == c.loc && o.source == c.source);
            if !chosen {
                offer(ir, ty, c, diags);
            }
        }
    }
}

/// A weaker statement about `ty`'s base: taken when there is none yet or when it refines the
/// current base; reported when it contradicts the chain.
fn offer(ir: &mut Ir, ty: &str, c: &Claim, diags: &mut Diagnostics) {
    let Some(t) = ir.types.get(ty) else { return };
    if derives_from(ir, &c.base, ty) {
        diags.push(
            Diagnostic::new(
                Code::BaseTypeCycle,
                c.loc.clone(),
                format!(
                    "`{}` would derive from `{}`, which derives from it; ignored",
                    ty, c.base
                ),
            )
            .with_related(t.loc.clone()),
        );
        return;
    }
    match t.base.clone() {
        None => set_base(ir, ty, c),
        // Consistent: an ancestor already in the chain.
        Some(_) if ancestors(ir, ty).contains(&c.base.as_str()) => {}
        Some(current) if derives_from(ir, &c.base, &current) => set_base(ir, ty, c),
        Some(current) => {
            let origin = t.base_source.clone();
            let mut d = Diagnostic::new(
                Code::BaseTypeConflict,
                c.loc.clone(),
                format!(
                    "{} says `{}` derives from `{}`, but its base is `{}`{}; kept `{}`",
                    describe(c.source),
                    ty,
                    c.base,
                    current,
                    origin
                        .as_ref()
                        .map(|o| format!(" ({})", describe(o.source)))
                        .unwrap_or_default(),
                    current
                ),
            );
            if let Some(o) = origin {
                d = d.with_related(o.loc);
            }
            diags.push(d);
        }
    }
}

fn set_base(ir: &mut Ir, ty: &str, c: &Claim) {
    if let Some(t) = ir.types.get_mut(ty) {
        t.base = Some(c.base.clone());
        t.base_source = Some(BaseOrigin {
            source: c.source,
            loc: c.loc.clone(),
        });
    }
}

fn describe(s: BaseSource) -> &'static str {
    match s {
        BaseSource::Annotation => "the resource annotation",
        BaseSource::Prose => "the page",
        BaseSource::InheritedRows => "an \"Inherited from\" row",
        BaseSource::Example => "an example",
        BaseSource::KeyedEntity => "the entity rule",
    }
}

/// Values in data examples whose `@odata.type` names a type other than the one the schema
/// expects there: evidence that it derives from the expected type.
pub(super) fn from_examples(ir: &mut Ir, diags: &mut Diagnostics) {
    let mut claims: Vec<Claim> = Vec::new();
    // Lower-cased name → the first type (in name order) spelled so: how both the claims and
    // `walk` look an `@odata.type` up.
    let mut first: BTreeMap<String, &str> = BTreeMap::new();
    for k in ir.types.keys() {
        first.entry(k.to_lowercase()).or_insert(k);
    }
    for ex in &ir.examples {
        let Some(t) = &ex.type_name else { continue };
        let mut visit = |expected: &str, named: &str| {
            if let Some(&found) = first.get(&qualify(named).to_lowercase())
                && found != expected
            {
                claims.push(Claim {
                    ty: found.to_string(),
                    base: expected.to_string(),
                    source: BaseSource::Example,
                    loc: ex.loc.clone(),
                });
            }
        };
        if ex.collection {
            if let Some(Value::Array(items)) = ex.body.get("value") {
                for item in items {
                    walk(ir, &first, t, item, 0, &mut visit);
                }
            }
        } else {
            walk(ir, &first, t, &ex.body, 0, &mut visit);
        }
    }
    // One statement per (type, base), the first example wins; sorted for determinism.
    claims.sort_by(|a, b| (&a.ty, &a.base).cmp(&(&b.ty, &b.base)));
    claims.dedup_by(|a, b| a.ty == b.ty && a.base == b.base);
    // Examples place a type in a hierarchy the pages state; they do not make a type a base
    // (a copied annotation naming the wrong type is common).
    let bases: BTreeSet<String> = children(ir).keys().map(|k| k.to_string()).collect();
    claims.retain(|c| bases.contains(&c.base));
    for c in &claims {
        offer(ir, &c.ty.clone(), c, diags);
    }
}

/// `#microsoft.graph.user` → `microsoft.graph.user`; a bare name is in `microsoft.graph`.
fn qualify(odata_type: &str) -> String {
    let t = odata_type.trim().trim_start_matches('#');
    if t.contains('.') {
        t.to_string()
    } else {
        format!("microsoft.graph.{t}")
    }
}

/// Visit every object in `v` (of schema type `ty`) that carries an `@odata.type`.
fn walk(
    ir: &Ir,
    first: &BTreeMap<String, &str>,
    ty: &str,
    v: &Value,
    depth: usize,
    visit: &mut dyn FnMut(&str, &str),
) {
    if depth > 64 {
        return;
    }
    let Value::Object(map) = v else { return };
    let mut actual = ty.to_string();
    if let Some(Value::String(named)) = map.get("@odata.type") {
        visit(ty, named);
        let q = qualify(named).to_lowercase();
        if let Some(found) = first.get(&q)
            && derives_from(ir, found, ty)
        {
            actual = found.to_string();
        }
    }
    let Some(t) = ir.types.get(&actual) else {
        return;
    };
    for p in effective_properties(ir, t) {
        let (TypeRef::Complex { name }, Some(value)) = (&p.ty, map.get(&p.name)) else {
            continue;
        };
        match value {
            Value::Array(items) => {
                for item in items {
                    walk(ir, first, name, item, depth + 1, visit);
                }
            }
            other => walk(ir, first, name, other, depth + 1, visit),
        }
    }
}

/// Types that a GET on a path ending in a key segment returns, with the first such path.
fn addressed_by_key(ir: &Ir) -> BTreeMap<String, Loc> {
    let mut out = BTreeMap::new();
    for op in &ir.operations {
        let (Some(TypeRef::Complex { name }), Method::Get, false) =
            (&op.response.ty, op.method, op.response.collection)
        else {
            continue;
        };
        for p in &op.paths {
            let n = p.pieces.len();
            let keyed = n >= 2
                && matches!(&p.pieces[n - 1], Piece::Param { quoted: false, .. })
                && matches!(&p.pieces[n - 2], Piece::Literal { text } if text.ends_with('/'));
            if keyed && ir.types.contains_key(name) {
                out.entry(name.clone())
                    .or_insert_with(|| p.loc.clone().unwrap_or_else(|| op.loc.clone()));
            }
        }
    }
    out
}

/// The root entity type: a keyed, base-less type whose only property is its key, with the
/// most direct derived types (at least one stated); ties by name.
pub(crate) fn root_entity(ir: &Ir) -> Option<&str> {
    let children = children(ir);
    ir.types
        .values()
        .filter(|t| {
            t.base.is_none()
                && t.key.is_some()
                && t.properties.len() == 1
                && t.properties[0].name == *t.key.as_ref().unwrap()
        })
        .map(|t| (children.get(t.name.as_str()).map_or(0, Vec::len), &t.name))
        .filter(|(n, _)| *n >= 1)
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, n)| n.as_str())
}

/// Keyed types without a stated base derive from the root entity; cycles are broken; a
/// type is an entity when it has a key or an entity base.
pub(super) fn finish(ir: &mut Ir, diags: &mut Diagnostics) {
    // A type the paths address by key (`GET /auditLogs/signIns/{id}` returns one `signIn`)
    // is an entity even when its page names no key; so is a type with an `id` that a
    // Relationships row targets (navigation properties lead to entities).
    let mut addressed = addressed_by_key(ir);
    for t in ir.types.values() {
        for p in &t.navigation {
            if let TypeRef::Complex { name } = &p.ty
                && ir.types[name].properties.iter().any(|q| q.name == "id")
            {
                addressed
                    .entry(name.clone())
                    .or_insert_with(|| p.loc.clone());
            }
        }
    }
    for name in addressed.keys() {
        let t = ir.types.get_mut(name).unwrap();
        if t.key.is_none() && t.base.is_none() {
            if t.properties.iter().any(|p| p.name == "id") {
                t.key = Some("id".into());
            }
            t.kind = TypeKind::Entity;
        }
    }
    if let Some(root) = root_entity(ir).map(str::to_string) {
        let root_key = ir.types[&root].key.clone();
        let orphans: Vec<(String, Loc)> = ir
            .types
            .values()
            .filter(|t| {
                t.base.is_none()
                    && t.name != root
                    && (t.key == root_key
                        || t.kind == TypeKind::Entity && addressed.contains_key(&t.name))
            })
            .map(|t| {
                let loc = addressed.get(&t.name).unwrap_or(&t.loc).clone();
                (t.name.clone(), loc)
            })
            .collect();
        for (name, loc) in orphans {
            set_base(
                ir,
                &name,
                &Claim {
                    ty: name.clone(),
                    base: root.clone(),
                    source: BaseSource::KeyedEntity,
                    loc,
                },
            );
        }
    }
    break_base_cycles(ir, diags);
    let entities: Vec<String> = ir
        .types
        .values()
        .filter(|t| {
            t.kind == TypeKind::Complex
                && ancestors(ir, &t.name)
                    .iter()
                    .any(|a| ir.types[*a].key.is_some())
        })
        .map(|t| t.name.clone())
        .collect();
    for name in entities {
        ir.types.get_mut(&name).unwrap().kind = TypeKind::Entity;
    }
}

/// Types whose base chain comes back to them lose their base (a diagnostic each).
fn break_base_cycles(ir: &mut Ir, diags: &mut Diagnostics) {
    let names: Vec<String> = ir.types.keys().cloned().collect();
    for name in names {
        let mut seen = vec![name.clone()];
        let mut cur = ir.types[&name].base.clone();
        while let Some(b) = cur {
            if seen.contains(&b) {
                let t = ir.types.get_mut(&name).unwrap();
                diags.emit(
                    Code::BaseTypeCycle,
                    t.loc.clone(),
                    format!("base types of `{name}` form a cycle; base dropped"),
                );
                t.base = None;
                break;
            }
            seen.push(b.clone());
            cur = ir.types.get(&b).and_then(|t| t.base.clone());
        }
    }
}

/// Rows repeated from a base type ("Inherited from [x]") are not the derived type's own.
pub(super) fn drop_inherited_rows(ir: &mut Ir) {
    let names: Vec<String> = ir.types.keys().cloned().collect();
    for name in names {
        let mut inherited: Vec<String> = Vec::new();
        let mut cur = ir.types[&name].base.clone();
        while let Some(b) = cur {
            let Some(t) = ir.types.get(&b) else { break };
            inherited.extend(
                t.properties
                    .iter()
                    .chain(&t.navigation)
                    .map(|p| p.name.clone()),
            );
            cur = t.base.clone();
        }
        if inherited.is_empty() {
            continue;
        }
        let t = ir.types.get_mut(&name).unwrap();
        t.properties.retain(|p| !inherited.contains(&p.name));
        t.navigation.retain(|p| !inherited.contains(&p.name));
    }
}

#[cfg(test)]
mod tests {
    use super::{Claim, ancestors, assign_stated, derives_from, descendants, finish};
    use crate::diag::{Code, Diagnostics, Loc};
    use crate::ir::{BaseSource, Ir, TypeKind, TypeRef};
    use crate::ir::{Primitive, Property, TypeDef, namespace_of};

    fn ty(name: &str, base: Option<&str>, key: bool) -> TypeDef {
        TypeDef {
            name: name.into(),
            namespace: namespace_of(name).into(),
            kind: if key {
                TypeKind::Entity
            } else {
                TypeKind::Complex
            },
            key: key.then(|| "id".into()),
            base: base.map(Into::into),
            base_source: None,
            open: false,
            is_abstract: false,
            description: String::new(),
            area: "general".into(),
            properties: vec![],
            navigation: vec![],
            loc: Loc {
                file: format!("{name}.md"),
                line: 1,
                col: 1,
            },
        }
    }

    fn ir(types: Vec<TypeDef>) -> Ir {
        let mut ir = Ir::default();
        for t in types {
            ir.types.insert(t.name.clone(), t);
        }
        ir
    }

    #[test]
    fn chains_and_descendants() {
        let ir = ir(vec![
            ty("n.a", None, true),
            ty("n.b", Some("n.a"), false),
            ty("n.c", Some("n.b"), false),
        ]);
        assert_eq!(ancestors(&ir, "n.c"), ["n.b", "n.a"]);
        assert_eq!(descendants(&ir, "n.a"), ["n.b", "n.c"]);
        assert!(derives_from(&ir, "n.c", "n.a"));
        assert!(!derives_from(&ir, "n.a", "n.c"));
    }

    #[test]
    fn a_weaker_statement_refines_or_conflicts() {
        let mut i = ir(vec![
            ty("n.entity", None, true),
            ty("n.item", Some("n.entity"), false),
            ty("n.other", Some("n.entity"), false),
            ty("n.post", None, false),
        ]);
        let claim = |base: &str, source| Claim {
            ty: "n.post".into(),
            base: base.into(),
            source,
            loc: Loc {
                file: "post.md".into(),
                line: 3,
                col: 1,
            },
        };
        let mut d = Diagnostics::default();
        assign_stated(
            &mut i,
            &[
                claim("n.entity", BaseSource::Annotation),
                claim("n.item", BaseSource::InheritedRows),
                claim("n.other", BaseSource::InheritedRows),
            ],
            &mut d,
        );
        assert_eq!(i.types["n.post"].base.as_deref(), Some("n.item"));
        assert_eq!(
            i.types["n.post"].base_source.as_ref().unwrap().source,
            BaseSource::InheritedRows
        );
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::BaseTypeConflict]);
    }

    #[test]
    fn keyed_types_derive_from_the_root_entity_and_kinds_follow() {
        let mut root = ty("n.entity", None, true);
        root.properties.push(Property {
            name: "id".into(),
            ty: TypeRef::Primitive {
                primitive: Primitive::String,
            },
            collection: false,
            read_only: false,
            nullable: None,
            description: String::new(),
            loc: root.loc.clone(),
        });
        let mut i = ir(vec![
            root,
            ty("n.a", Some("n.entity"), false),
            ty("n.b", Some("n.entity"), false),
            ty("n.keyed", None, true),
            ty("n.derived", Some("n.keyed"), false),
            ty("n.plain", None, false),
        ]);
        finish(&mut i, &mut Diagnostics::default());
        assert_eq!(i.types["n.keyed"].base.as_deref(), Some("n.entity"));
        assert_eq!(i.types["n.plain"].base, None);
        assert_eq!(i.types["n.derived"].kind, TypeKind::Entity);
        assert_eq!(i.types["n.plain"].kind, TypeKind::Complex);
    }
}
