//! Semantic diff of two IRs, each change classified by what it does to the generated Rust
//! API (see `bench/generated-code.md`).
//!
//! Rust names and types come from the emitter itself ([`Names`], [`OpNames`],
//! [`OpNames::constructors`], `models::value_type`), so the diff sees what `emit`
//! would generate for each side.
//!
//! Matching: types and enums by qualified name, properties by JSON name, enum members by
//! wire name, operations by id (the page) and then by method plus a shared path shape
//! ([`PathTemplate::shape`]), paths within an operation by shape.
//!
//! Rules (**breaking** = code that compiled against the old SDK may stop compiling or
//! silently send a different request):
//! - removed type, enum, property, enum member, operation, path, query option or header:
//!   breaking (the item, field, variant, builder, constructor or setter disappears);
//! - added type, enum, operation, path, query option or header: compatible (an added derived
//!   type is a new variant of its base's `Any…` enum, which is `#[non_exhaustive]`); an added
//!   property is compatible because every field is `Option<T>`; an added enum member is
//!   compatible by policy because enums are open (`Undocumented(String)`), although an
//!   exhaustive `match` sees a new variant and the value no longer reads as `Undocumented`;
//! - a property whose Rust field type changes (primitive mapping, referenced type, `Vec`,
//!   `Box` for a new by-value cycle) is breaking; a documented type change that maps to the
//!   same Rust type (`Double` → `Decimal`, one opaque spelling → another) is compatible;
//! - a changed base type is breaking (inheritance is flattened: the struct's inherited
//!   fields follow the new base); inherited property changes are reported once, on the type
//!   that declares them, unless the base changed or is missing on one side;
//! - a Rust item renamed by the naming pass (a new type taking the name first) is breaking;
//! - paths: a removed shape is breaking; a constructor that changes name (one path → several
//!   turns `new` into per-path names) is breaking; for the same shape, a parameter name
//!   that moves to another slot is breaking (constructor arguments are positional `&str`s),
//!   parameters that are only renamed are compatible;
//! - changed method, response `Output` type, or body argument (added, dropped, retyped):
//!   breaking; action parameters are fields of the `…Body` struct and follow the property
//!   rules; a changed documented status is compatible (documentation only);
//! - `nullable`, `read_only`, descriptions, enum numeric values and flags do not change the
//!   generated API and are not reported.
//!
//! Reporting: each change carries its impact, kind, subject, the product area (cargo
//! feature) and the resource (type or request builder). `to_markdown` is a summary that fits
//! a GitHub comment (≤ 65,536 characters, whatever the size): counts by class; the semver consequence for the
//! generated crate (major when anything breaks, minor for additions, patch otherwise) and the
//! cargo features the breaking changes reach; mass moves (≥ 5 items behind another feature, or
//! builders moved between modules) said once; breaking changes grouped by area and resource,
//! then compatible ones, itemised while they fit, the rest counted by area. `doc2rs diff
//! --full FILE` writes `to_markdown_full`, every change on one line; JSON keeps everything.
//! `tests/compile_consequence.rs` checks the classification against the compiler.

use crate::diag::Loc;
use crate::emit::models::{self, Boxing};
use crate::emit::names::Names;
use crate::emit::requests::{self, OpNames};
use crate::ident;
use crate::ir::path::{PathTemplate, Piece};
use crate::ir::{Body, EnumMember, Ir, Operation, Property, TypeRef, effective_properties};
use ChangeKind::*;
use Impact::*;
use proc_macro2::TokenStream;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    Breaking,
    Compatible,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ChangeKind {
    TypeAdded,
    TypeRemoved,
    /// The Rust name of a struct or enum changed (the naming pass gave it to another item).
    TypeRenamed,
    BaseChanged,
    PropertyAdded,
    PropertyRemoved,
    PropertyRetyped,
    PropertyCollectionChanged,
    EnumAdded,
    EnumRemoved,
    EnumMemberAdded,
    EnumMemberRemoved,
    OperationAdded,
    OperationRemoved,
    /// The request builder's Rust name or module changed.
    OperationRenamed,
    /// Same operation, documented on another page.
    OperationMoved,
    PathAdded,
    PathRemoved,
    PathParameterChanged,
    ConstructorRenamed,
    MethodChanged,
    ResponseTypeChanged,
    ResponseStatusChanged,
    RequestBodyChanged,
    QueryOptionAdded,
    QueryOptionRemoved,
    HeaderAdded,
    HeaderRemoved,
    /// The item moved to another product area, i.e. behind another cargo feature.
    AreaChanged,
}

impl ChangeKind {
    /// `PropertyAdded` → `property added`.
    pub fn words(self) -> String {
        let mut s = String::new();
        for c in format!("{self:?}").chars() {
            if c.is_ascii_uppercase() && !s.is_empty() {
                s.push(' ');
            }
            s.push(c.to_ascii_lowercase());
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub impact: Impact,
    pub kind: ChangeKind,
    /// A qualified name (`microsoft.graph.x.prop`) or `METHOD /path` (plus what in it).
    pub subject: String,
    pub detail: String,
    pub old: Option<Loc>,
    pub new: Option<Loc>,
    /// The product area (cargo feature) of the item changed, new side first.
    pub area: String,
    /// The type (qualified name) or request builder (`requests::m::Name`) the change is in.
    pub resource: String,
}

impl Change {
    /// The doc line responsible: the old side for removals, else the new side.
    pub fn loc(&self) -> Option<&Loc> {
        let removal = format!("{:?}", self.kind).ends_with("Removed");
        let (a, b) = if removal {
            (&self.old, &self.new)
        } else {
            (&self.new, &self.old)
        };
        a.as_ref().or(b.as_ref())
    }
}

type At<'a> = (Option<&'a Loc>, Option<&'a Loc>);

/// Type tokens as compact text without `crate::`: `Vec<graph::Foo>`.
fn show(ts: TokenStream) -> String {
    ts.to_string().replace(' ', "").replace("crate::", "")
}

fn show_path(p: &PathTemplate) -> String {
    let mut s = String::new();
    for piece in &p.pieces {
        match piece {
            Piece::Literal { text } => s.push_str(text),
            Piece::Param { name, .. } => write!(s, "{{{name}}}").unwrap(),
        }
    }
    s
}

fn spell(t: &TypeRef) -> String {
    match t {
        TypeRef::Primitive { primitive } => format!("{primitive:?}"),
        TypeRef::Complex { name } | TypeRef::Enum { name } => name.clone(),
        TypeRef::Opaque { spelling } => spelling.clone(),
    }
}

fn subject(op: &Operation, p: &PathTemplate) -> String {
    format!("{} {}", op.method, show_path(p))
}

fn signature(ctor: &str, p: &PathTemplate) -> String {
    format!("{ctor}({})", requests::param_names(p).join(", "))
}

fn params(p: &PathTemplate) -> Vec<&str> {
    p.params().map(|(name, _)| name).collect()
}

/// Parameter names of one path shape, old vs new: `None` when equal; breaking when a slot
/// takes a name another slot had (arguments are positional, so values would shift);
/// compatible when names are only renamed (duplicates like `{id}`…`{id}` allowed).
fn param_change(old: &[&str], new: &[&str]) -> Option<Impact> {
    if old == new {
        return None;
    }
    let shifted = old.iter().zip(new).any(|(o, n)| o != n && old.contains(n));
    Some(if shifted || old.len() != new.len() {
        Breaking
    } else {
        Compatible
    })
}

/// One IR with the Rust names the emitter gives it.
struct Side<'a> {
    ir: &'a Ir,
    names: Names,
    boxing: Boxing,
    ops: OpNames,
    areas: crate::emit::areas::Areas,
}

impl<'a> Side<'a> {
    fn new(ir: &'a Ir) -> Self {
        let names = Names::new(ir);
        let (boxing, ops) = (Boxing::new(ir, names.polymorphic()), OpNames::new(ir));
        Side {
            ir,
            names,
            boxing,
            ops,
            areas: crate::emit::areas::Areas::new(ir),
        }
    }

    fn item(&self, q: &str) -> String {
        format!("{}::{}", self.names.module_of(q), self.names.type_name(q))
    }

    /// The field type without the outer `Option`; `owner` is empty for body parameters.
    fn field(&self, owner: &str, p: &Property) -> String {
        let module = if owner.is_empty() {
            requests::MODULE
        } else {
            self.names.module_of(owner)
        };
        show(models::value_type(
            &self.names,
            &self.boxing,
            owner,
            module,
            p,
        ))
    }

    fn builder(&self, op: &Operation) -> String {
        let (m, i) = (self.ops.module(&op.id), self.ops.ident(&op.id));
        format!("{}::{m}::{i}", requests::MODULE)
    }

    fn complex(&self, ty: Option<&TypeRef>) -> Option<String> {
        match ty? {
            TypeRef::Complex { name } => Some(show(self.names.path(name, requests::MODULE))),
            _ => None,
        }
    }

    /// What the constructors take besides the path parameters.
    fn body(&self, op: &Operation) -> String {
        match &op.body {
            None => "no body argument".into(),
            Some(Body::Parameters { .. }) => format!("body: {}", self.ops.body_ident(&op.id)),
            Some(Body::Type { ty, collection }) => match self.complex(Some(ty)) {
                Some(t) if *collection => format!("body: Vec<{t}>"),
                Some(t) => format!("body: {t}"),
                None => "body: serde_json::Value".into(),
            },
            Some(Body::Binary { .. }) => "body: bytes and content type".into(),
        }
    }

    fn output(&self, op: &Operation) -> String {
        match self.complex(op.response.ty.as_ref()) {
            Some(t) if op.response.collection => format!("runtime::Collection<{t}>"),
            Some(t) => t,
            None => "()".into(),
        }
    }
}

struct Diff<'a> {
    old: Side<'a>,
    new: Side<'a>,
    out: Vec<Change>,
    /// (area, resource) of the item being compared.
    ctx: (String, String),
}

/// The changes from `old` to `new`, breaking first, then by subject.
pub fn diff(old: &Ir, new: &Ir) -> Vec<Change> {
    let (old, new) = (Side::new(old), Side::new(new));
    let mut d = Diff {
        old,
        new,
        out: Vec::new(),
        ctx: Default::default(),
    };
    d.types();
    d.enums();
    d.operations();
    let key = |c: &Change| (c.impact, c.subject.clone(), c.kind, c.detail.clone());
    d.out.sort_by_cached_key(key);
    d.out
}

impl Diff<'_> {
    fn push(
        &mut self,
        impact: Impact,
        kind: ChangeKind,
        subject: impl Into<String>,
        detail: String,
        at: At,
    ) {
        let (old, new) = (at.0.cloned(), at.1.cloned());
        let subject = subject.into();
        let (area, resource) = self.ctx.clone();
        self.out.push(Change {
            impact,
            kind,
            subject,
            detail,
            old,
            new,
            area,
            resource,
        });
    }

    /// Items present on one side only (types or enums, by qualified name).
    fn presence<T>(
        &mut self,
        what: &str,
        maps: [&BTreeMap<String, T>; 2],
        loc: fn(&T) -> &Loc,
        area: fn(&T) -> &str,
        kinds: [ChangeKind; 2],
    ) {
        let [old, new] = maps;
        for (q, o) in old.iter().filter(|(q, _)| !new.contains_key(*q)) {
            self.ctx = (area(o).to_string(), q.clone());
            let d = format!("{what} `{}` removed", self.old.item(q));
            self.push(Breaking, kinds[0], q, d, (Some(loc(o)), None));
        }
        for (q, n) in new.iter().filter(|(q, _)| !old.contains_key(*q)) {
            self.ctx = (area(n).to_string(), q.clone());
            let d = format!("new {what} `{}`", self.new.item(q));
            self.push(Compatible, kinds[1], q, d, (None, Some(loc(n))));
        }
    }

    /// An item no longer compiled under a feature that used to include it is gone for builds
    /// that enable only that feature (features gate items by the areas that need them).
    fn area(&mut self, subject: &str, items: [&str; 2], at: At) {
        let (old, new) = (self.old.areas.of(items[0]), self.new.areas.of(items[1]));
        let lost: Vec<&String> = old.iter().filter(|a| !new.contains(*a)).collect();
        if !lost.is_empty() && !new.is_empty() {
            let lost: Vec<String> = lost.iter().map(|a| format!("`{a}`")).collect();
            let d = format!(
                "no longer compiled with feature {}: builds that enable only that lose it",
                lost.join(", ")
            );
            self.push(Breaking, AreaChanged, subject, d, at);
        }
    }

    fn renamed(&mut self, q: &str, what: &str, at: At) {
        let (a, b) = (self.old.item(q), self.new.item(q));
        if a != b {
            let d = format!("{what} `{a}` is now `{b}`");
            self.push(Breaking, TypeRenamed, q, d, at);
        }
    }

    fn types(&mut self) {
        let (old, new) = (self.old.ir, self.new.ir);
        let kinds = [TypeRemoved, TypeAdded];
        self.presence(
            "struct",
            [&old.types, &new.types],
            |t| &t.loc,
            |t| &t.area,
            kinds,
        );
        for (q, o) in &old.types {
            let Some(n) = new.types.get(q) else { continue };
            self.ctx = (n.area.clone(), q.clone());
            let at = (Some(&o.loc), Some(&n.loc));
            self.renamed(q, "struct", at);
            self.area(q, [q, q], at);
            if o.base != n.base {
                let base = |b: &Option<String>| b.clone().unwrap_or_else(|| "none".into());
                let (a, b) = (base(&o.base), base(&n.base));
                let d =
                    format!("base `{a}` → `{b}`: the flattened struct's inherited fields follow");
                self.push(Breaking, BaseChanged, q, d, at);
            }
            // Inherited changes are reported by the base, unless the base changed or is gone.
            let in_both = |b: &String| old.types.contains_key(b) && new.types.contains_key(b);
            let same_base = o.base == n.base && o.base.as_ref().is_none_or(in_both);
            let own: BTreeSet<&str> = [o, n]
                .iter()
                .flat_map(|t| t.properties.iter().chain(&t.navigation))
                .map(|p| p.name.as_str())
                .collect();
            let props = |ir, t| -> BTreeMap<&str, &Property> {
                effective_properties(ir, t)
                    .into_iter()
                    .map(|p| (p.name.as_str(), p))
                    .collect()
            };
            let (op, np) = (props(old, o), props(new, n));
            let names: BTreeSet<&str> = op.keys().chain(np.keys()).copied().collect();
            for name in names.into_iter().filter(|k| !same_base || own.contains(k)) {
                let (s, a, b) = (format!("{q}.{name}"), op.get(name), np.get(name));
                self.property(q, &s, a.copied(), b.copied());
            }
        }
    }

    /// One property: a struct field, or a body parameter when `owner` is empty.
    fn property(&mut self, owner: &str, subject: &str, o: Option<&Property>, n: Option<&Property>) {
        let at = (o.map(|p| &p.loc), n.map(|p| &p.loc));
        let ot = o.map(|p| self.old.field(owner, p)).unwrap_or_default();
        let nt = n.map(|p| self.new.field(owner, p)).unwrap_or_default();
        let (impact, kind, detail) = match (o, n) {
            (Some(_), None) => {
                let d = format!("field `Option<{ot}>` removed");
                (Breaking, PropertyRemoved, d)
            }
            (None, Some(_)) => {
                let d = format!("new optional field `Option<{nt}>`");
                (Compatible, PropertyAdded, d)
            }
            (Some(o), Some(n)) => {
                let (a, b) = (spell(&o.ty), spell(&n.ty));
                let d = format!("`Option<{ot}>` → `Option<{nt}>`");
                if o.collection != n.collection {
                    (Breaking, PropertyCollectionChanged, d)
                } else if ot != nt {
                    let d = format!("{d} (documented `{a}` → `{b}`)");
                    (Breaking, PropertyRetyped, d)
                } else if o.ty != n.ty {
                    let d = format!("documented `{a}` → `{b}`; the Rust type stays `Option<{ot}>`");
                    (Compatible, PropertyRetyped, d)
                } else {
                    return;
                }
            }
            (None, None) => return,
        };
        self.push(impact, kind, subject, detail, at);
    }

    fn enums(&mut self) {
        let (old, new) = (self.old.ir, self.new.ir);
        let kinds = [EnumRemoved, EnumAdded];
        self.presence(
            "enum",
            [&old.enums, &new.enums],
            |e| &e.loc,
            |e| &e.area,
            kinds,
        );
        for (q, o) in &old.enums {
            let Some(n) = new.enums.get(q) else { continue };
            self.ctx = (n.area.clone(), q.clone());
            self.renamed(q, "enum", (Some(&o.loc), Some(&n.loc)));
            self.area(q, [q, q], (Some(&o.loc), Some(&n.loc)));
            let ty = self.new.names.type_name(q).to_string();
            let gone = |m: &&EnumMember| !n.members.iter().any(|x| x.name == m.name);
            for m in o.members.iter().filter(gone) {
                let (v, w) = (ident::variant_name(&m.name), &m.name);
                let d = format!("variant `{ty}::{v}` removed; `{w}` reads as `{ty}::Undocumented`");
                let (s, at) = (format!("{q}.{w}"), (Some(&m.loc), None));
                self.push(Breaking, EnumMemberRemoved, s, d, at);
            }
            let mut seen = BTreeSet::new();
            let added = n.members.iter().filter(|m| seen.insert(&m.name));
            for m in added.filter(|m| !o.members.iter().any(|x| x.name == m.name)) {
                let (v, w) = (ident::variant_name(&m.name), &m.name);
                let d = format!(
                    "new variant `{ty}::{v}`; compatible by policy (the enum is open), but exhaustive \
                     matches see a new variant and `{w}` no longer reads as `{ty}::Undocumented`"
                );
                let (s, at) = (format!("{q}.{w}"), (None, Some(&m.loc)));
                self.push(Compatible, EnumMemberAdded, s, d, at);
            }
        }
    }

    fn operations(&mut self) {
        let (old, new) = (self.old.ir, self.new.ir);
        let mut taken = vec![false; new.operations.len()];
        let by_id = |o: &Operation, _: &[bool]| new.operations.iter().position(|n| n.id == o.id);
        let by_shape = |o: &Operation, taken: &[bool]| {
            let shapes: BTreeSet<String> = o.paths.iter().map(PathTemplate::shape).collect();
            new.operations.iter().enumerate().position(|(j, n)| {
                !taken[j]
                    && n.method == o.method
                    && n.paths.iter().any(|p| shapes.contains(&p.shape()))
            })
        };
        let mut rest: Vec<&Operation> = old.operations.iter().collect();
        let mut pairs = Vec::new();
        type Find<'a> = &'a dyn Fn(&Operation, &[bool]) -> Option<usize>;
        for find in [&by_id as Find, &by_shape] {
            rest.retain(|o| match find(o, &taken) {
                Some(j) => {
                    taken[j] = true;
                    pairs.push((*o, j));
                    false
                }
                None => true,
            });
        }
        for o in rest {
            self.ctx = (o.area.clone(), self.old.builder(o));
            let (b, s, at) = (
                self.old.builder(o),
                subject(o, &o.paths[0]),
                (Some(&o.loc), None),
            );
            let d = format!(
                "request builder `{b}` removed (was documented at `{}`)",
                o.id
            );
            self.push(Breaking, OperationRemoved, s, d, at);
        }
        for (o, j) in pairs {
            self.operation(o, &new.operations[j]);
        }
        for (n, _) in new.operations.iter().zip(&taken).filter(|(_, t)| !**t) {
            self.ctx = (n.area.clone(), self.new.builder(n));
            let (b, s, at) = (
                self.new.builder(n),
                subject(n, &n.paths[0]),
                (None, Some(&n.loc)),
            );
            let d = format!("new request builder `{b}`");
            self.push(Compatible, OperationAdded, s, d, at);
        }
    }

    fn operation(&mut self, o: &Operation, n: &Operation) {
        self.ctx = (n.area.clone(), self.new.builder(n));
        let at = (Some(&o.loc), Some(&n.loc));
        let s = subject(n, &n.paths[0]);
        let (ob, nb) = (self.old.builder(o), self.new.builder(n));
        if ob != nb {
            let d = format!("request builder `{ob}` is now `{nb}`");
            self.push(Breaking, OperationRenamed, &s, d, at);
        }
        self.area(&s, [&o.id, &n.id], at);
        if o.id != n.id {
            let d = format!("now documented at `{}` (was `{}`)", n.id, o.id);
            self.push(Compatible, OperationMoved, &s, d, at);
        }
        if o.method != n.method {
            let (a, b) = (&o.method, &n.method);
            let d = format!("`{a}` → `{b}`: the builder sends another request");
            self.push(Breaking, MethodChanged, &s, d, at);
        }
        self.paths(o, n);
        let lists = |op: &Operation| {
            [
                requests::query_options(op),
                op.headers.iter().map(|h| h.name.clone()).collect(),
            ]
        };
        let kinds = [
            ("query option", QueryOptionRemoved, QueryOptionAdded),
            ("header", HeaderRemoved, HeaderAdded),
        ];
        for ((a, b), (what, removed, added)) in lists(o).iter().zip(&lists(n)).zip(kinds) {
            for x in a.iter().filter(|x| !b.contains(x)) {
                let (sx, d) = (
                    format!("{s} {x}"),
                    format!("setter for {what} `{x}` removed"),
                );
                self.push(Breaking, removed, sx, d, at);
            }
            for x in b.iter().filter(|x| !a.contains(x)) {
                let (sx, d) = (format!("{s} {x}"), format!("new setter for {what} `{x}`"));
                self.push(Compatible, added, sx, d, at);
            }
        }
        let body_params = |op: &'_ Operation| match &op.body {
            Some(Body::Parameters { properties }) => Some(properties.clone()),
            _ => None,
        };
        if let (Some(a), Some(b)) = (body_params(o), body_params(n)) {
            let names: BTreeSet<&str> = a.iter().chain(&b).map(|p| p.name.as_str()).collect();
            for name in names {
                let find = |v: &'_ [Property]| v.iter().find(|p| p.name == name).cloned();
                let (sb, pa, pb) = (format!("{s} body.{name}"), find(&a), find(&b));
                self.property("", &sb, pa.as_ref(), pb.as_ref());
            }
        } else if self.old.body(o) != self.new.body(n) {
            let (a, b) = (self.old.body(o), self.new.body(n));
            let d = format!("constructors take `{a}` → `{b}`");
            self.push(Breaking, RequestBodyChanged, &s, d, at);
        }
        // Only complex types are recorded as responses, so another type is another `Output`.
        let (a, b) = (self.old.output(o), self.new.output(n));
        if a != b {
            let d = format!("`Output = {a}` → `Output = {b}`");
            self.push(Breaking, ResponseTypeChanged, &s, d, at);
        }
        if o.response.status != n.response.status {
            let st = |x: Option<u16>| x.map_or("none".into(), |v| v.to_string());
            let (a, b) = (st(o.response.status), st(n.response.status));
            let d = format!("documented status {a} → {b} (docs only)");
            self.push(Compatible, ResponseStatusChanged, &s, d, at);
        }
    }

    /// Paths by shape; constructors by name and arguments.
    fn paths(&mut self, o: &Operation, n: &Operation) {
        let (oc, nc) = (
            self.old.ops.constructors(&o.id).to_vec(),
            self.new.ops.constructors(&n.id).to_vec(),
        );
        let mut matched = vec![false; n.paths.len()];
        for (i, p) in o.paths.iter().enumerate() {
            let Some(j) = n.paths.iter().position(|q| q.shape() == p.shape()) else {
                let mut d = format!("constructor `{}` removed", signature(&oc[i], p));
                if let Some(j) = nc.iter().position(|c| *c == oc[i]) {
                    let (now, sig) = (subject(n, &n.paths[j]), signature(&nc[j], &n.paths[j]));
                    d = format!("`{}` now builds `{now}` as `{sig}`", oc[i]);
                }
                let at = (p.loc.as_ref().or(Some(&o.loc)), None);
                self.push(Breaking, PathRemoved, subject(o, p), d, at);
                continue;
            };
            matched[j] = true;
            let (q, s) = (&n.paths[j], subject(n, &n.paths[j]));
            let at = (
                p.loc.as_ref().or(Some(&o.loc)),
                q.loc.as_ref().or(Some(&n.loc)),
            );
            if oc[i] != nc[j] {
                let (a, b) = (signature(&oc[i], p), signature(&nc[j], q));
                let d = format!("constructor `{a}` is now `{b}`");
                self.push(Breaking, ConstructorRenamed, &s, d, at);
            }
            let (a, b) = (params(p), params(q));
            if let Some(impact) = param_change(&a, &b) {
                let why = match impact {
                    Breaking => "positional arguments change meaning",
                    Compatible => "renamed only (positional `&str` arguments)",
                };
                let d = format!("parameters ({}) → ({}): {why}", a.join(", "), b.join(", "));
                self.push(impact, PathParameterChanged, &s, d, at);
            }
        }
        for (j, q) in n.paths.iter().enumerate().filter(|(j, _)| !matched[*j]) {
            let d = format!("new constructor `{}`", signature(&nc[j], q));
            let at = (None, q.loc.as_ref().or(Some(&n.loc)));
            self.push(Compatible, PathAdded, subject(n, q), d, at);
        }
    }
}

/// The most a GitHub comment holds; [`to_markdown`] stays within it.
pub const COMMENT_LIMIT: usize = 65_536;

/// A mass move (an area split, a module renamed) is said once from this many items.
const MASS_MOVE: usize = 5;

/// One itemised line, linked to the doc line responsible.
fn item_line(c: &Change, link_base: Option<&str>) -> String {
    let mut s = format!("- `{}`: {}", c.subject, c.detail.replace('\n', " "));
    if let Some(loc) = c.loc() {
        let file = format!("{}{}", link_base.unwrap_or(""), loc.file);
        write!(s, " ([{file}:{}]({file}#L{}))", loc.line, loc.line).unwrap();
    }
    s.push('\n');
    s
}

/// The consequence for the generated crate's version: major for a breaking change, minor
/// for additions only, patch when nothing in the API changed.
pub fn semver(changes: &[Change]) -> &'static str {
    if changes.iter().any(|c| c.impact == Breaking) {
        "major"
    } else if changes.is_empty() {
        "patch"
    } else {
        "minor"
    }
}

/// `(from, to)` of a mass move: an item behind another feature, a builder in another module.
fn move_key(c: &Change) -> Option<String> {
    match c.kind {
        AreaChanged => Some(format!("area: {}", c.detail)),
        OperationRenamed => {
            let module = |t: &str| -> Option<String> {
                let p = t.split('`').nth(1)?;
                Some(p.rsplit_once("::")?.0.to_string())
            };
            let (a, b) = c.detail.split_once(" is now ")?;
            let (a, b) = (module(a)?, module(b)?);
            (a != b).then(|| format!("builders moved from `{a}` to `{b}`"))
        }
        _ => None,
    }
}

fn counts_line(changes: &[&Change]) -> String {
    let mut counts: BTreeMap<ChangeKind, usize> = BTreeMap::new();
    for c in changes {
        *counts.entry(c.kind).or_default() += 1;
    }
    let counts: Vec<String> = counts
        .iter()
        .map(|(k, n)| format!("{} ×{n}", k.words()))
        .collect();
    counts.join(", ")
}

/// A review for a pull request, at most [`COMMENT_LIMIT`] characters whatever the change:
/// counts by class, the semver and cargo-feature consequence, mass moves said once, then
/// breaking changes grouped by area and by type or request builder, then compatible ones,
/// itemised while they fit (the rest counted by area; [`to_markdown_full`] lists all).
pub fn to_markdown(changes: &[Change], link_base: Option<&str>) -> String {
    summary_within(changes, link_base, COMMENT_LIMIT)
}

fn area_name(a: &str) -> &str {
    if a.is_empty() { "(no area)" } else { a }
}

/// [`to_markdown`] within `limit` characters.
pub fn summary_within(changes: &[Change], link_base: Option<&str>, limit: usize) -> String {
    if changes.is_empty() {
        return "No API changes.\n".into();
    }
    let all: Vec<&Change> = changes.iter().collect();
    let breaking: Vec<&Change> = all
        .iter()
        .copied()
        .filter(|c| c.impact == Breaking)
        .collect();
    let compatible: Vec<&Change> = all
        .iter()
        .copied()
        .filter(|c| c.impact == Compatible)
        .collect();
    let plural = if compatible.len() == 1 { "" } else { "s" };
    let mut s = format!(
        "**{} breaking**, {} compatible change{plural}: {}\n\n",
        breaking.len(),
        compatible.len(),
        counts_line(&all)
    );
    let features: BTreeSet<&str> = breaking.iter().map(|c| area_name(&c.area)).collect();
    let semver = semver(changes);
    write!(s, "Semver: **{semver}** for the generated crate").unwrap();
    if breaking.is_empty() {
        s.push_str(".\n");
    } else {
        let list: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
        writeln!(
            s,
            "; breaking changes reach builds that enable cargo feature {} (and `full`, the default).",
            list.join(", ")
        )
        .unwrap();
    }
    // Mass moves: said once, left out of the itemised lists.
    let mut moves: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    for c in &all {
        if let Some(k) = move_key(c) {
            moves.entry(k).or_default().push(c);
        }
    }
    moves.retain(|_, v| v.len() >= MASS_MOVE);
    let moved: BTreeSet<*const Change> = moves
        .values()
        .flatten()
        .map(|c| *c as *const Change)
        .collect();
    if !moves.is_empty() {
        s.push_str("\n### Moves\n\n");
        for (k, v) in &moves {
            let impact = if v.iter().any(|c| c.impact == Breaking) {
                "breaking"
            } else {
                "compatible"
            };
            writeln!(s, "- {} items ({impact}): {k}", v.len()).unwrap();
        }
    }
    // Every area once, whatever fits below.
    let mut by_area: BTreeMap<&str, (Vec<&Change>, usize)> = BTreeMap::new();
    for c in &all {
        let e = by_area.entry(area_name(&c.area)).or_default();
        match c.impact {
            Breaking => e.0.push(c),
            Compatible => e.1 += 1,
        }
    }
    s.push_str("\n### By area\n\n| area | breaking | compatible | breaking changes |\n|---|---:|---:|---|\n");
    for (area, (b, n)) in &by_area {
        writeln!(s, "| `{area}` | {} | {n} | {} |", b.len(), counts_line(b)).unwrap();
    }
    let tail_reserve = 4_000;
    let mut left_out: BTreeMap<(Impact, String), usize> = BTreeMap::new();
    for (impact, title) in [(Breaking, "Breaking"), (Compatible, "Compatible")] {
        write!(s, "\n### {title} changes\n").unwrap();
        let items: Vec<&Change> = all
            .iter()
            .copied()
            .filter(|c| c.impact == impact && !moved.contains(&(*c as *const Change)))
            .collect();
        if items.is_empty() {
            s.push_str("\nNone.\n");
            continue;
        }
        // area → resource → changes
        let mut grouped: BTreeMap<&str, BTreeMap<&str, Vec<&Change>>> = BTreeMap::new();
        for c in items {
            grouped
                .entry(area_name(&c.area))
                .or_default()
                .entry(c.resource.as_str())
                .or_default()
                .push(c);
        }
        let group_by_resource = impact == Breaking;
        let before = s.len();
        for (area, resources) in &grouped {
            let n: usize = resources.values().map(Vec::len).sum();
            let head = format!("\n#### area `{area}` ({n})\n\n");
            if s.len() + head.len() + tail_reserve > limit {
                *left_out.entry((impact, area.to_string())).or_default() += n;
                continue;
            }
            s.push_str(&head);
            for (resource, cs) in resources {
                let mut block = String::new();
                if group_by_resource && !resource.is_empty() {
                    writeln!(block, "- **`{resource}`** ({})", cs.len()).unwrap();
                }
                for c in cs {
                    let line = item_line(c, link_base);
                    if group_by_resource && !resource.is_empty() {
                        block.push_str("  ");
                    }
                    block.push_str(&line);
                }
                if s.len() + block.len() + tail_reserve > limit {
                    *left_out.entry((impact, area.to_string())).or_default() += cs.len();
                } else {
                    s.push_str(&block);
                }
            }
        }
        if s.len() == before {
            s.push_str("\nCounted by area above; the full report lists each.\n");
        }
    }
    if !left_out.is_empty() {
        let total: usize = left_out.values().sum();
        write!(
            s,
            "\n### Not itemised here ({total}; the full report lists them)\n\n"
        )
        .unwrap();
        let mut line = String::new();
        for ((impact, area), n) in &left_out {
            let part = format!("{area} ({n} {}), ", format!("{impact:?}").to_lowercase());
            if s.len() + line.len() + part.len() + 100 < limit {
                line.push_str(&part);
            }
        }
        s.push_str(line.trim_end_matches(", "));
        s.push('\n');
    }
    s
}

/// The complete itemised report: every change, breaking first, each linked to its doc line.
pub fn to_markdown_full(changes: &[Change], link_base: Option<&str>) -> String {
    if changes.is_empty() {
        return "No API changes.\n".into();
    }
    let all: Vec<&Change> = changes.iter().collect();
    let breaking = changes.iter().filter(|c| c.impact == Breaking).count();
    let compatible = changes.len() - breaking;
    let plural = if compatible == 1 { "" } else { "s" };
    let mut s = format!(
        "**{breaking} breaking**, {compatible} compatible change{plural}: {}\n\nSemver: **{}** for the generated crate.\n",
        counts_line(&all),
        semver(changes)
    );
    for (impact, title) in [(Breaking, "Breaking"), (Compatible, "Compatible")] {
        write!(s, "\n### {title} changes\n\n").unwrap();
        let items: Vec<&Change> = changes.iter().filter(|c| c.impact == impact).collect();
        if items.is_empty() {
            s.push_str("None.\n");
        }
        for c in items {
            write!(s, "`{}` · {} · ", area_name(&c.area), c.resource).unwrap();
            s.push_str(item_line(c, link_base).trim_start_matches("- "));
        }
    }
    s
}

/// `{ "breaking": n, "compatible": m, "changes": [...] }`.
pub fn to_json(changes: &[Change]) -> serde_json::Value {
    let breaking = changes.iter().filter(|c| c.impact == Breaking).count();
    let compatible = changes.len() - breaking;
    serde_json::json!({ "breaking": breaking, "compatible": compatible, "changes": changes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_moves_break_renames_do_not() {
        let (id, job) = ("id", "jobId");
        assert_eq!(param_change(&[id, job], &[id, job]), None);
        assert_eq!(
            param_change(&[id, job], &[id, "syncJobId"]),
            Some(Compatible)
        );
        assert_eq!(param_change(&[id, job], &[job, id]), Some(Breaking));
        assert_eq!(param_change(&[id, job], &[job, "x"]), Some(Breaking));
        assert_eq!(param_change(&[id, id], &[id, job]), Some(Compatible));
    }

    #[test]
    fn empty_report_and_removal_links() {
        assert_eq!(to_markdown(&[], None), "No API changes.\n");
        assert_eq!(EnumMemberAdded.words(), "enum member added");
        let loc = |line| {
            Some(Loc {
                file: "api/x.md".into(),
                line,
                col: 1,
            })
        };
        let (subject, detail) = ("GET /x".to_string(), "gone".to_string());
        let (old, new) = (loc(3), loc(9));
        let c = Change {
            impact: Breaking,
            kind: PathRemoved,
            subject,
            detail,
            old,
            new,
            area: "applications".into(),
            resource: "requests::x::GetX".into(),
        };
        let md = to_markdown(std::slice::from_ref(&c), None);
        assert!(
            md.contains("([api/x.md:3](api/x.md#L3))"),
            "removals link the old side: {md}"
        );
        assert!(md.contains("### Compatible changes\n\nNone."), "{md}");
        assert!(md.contains("Semver: **major**"), "{md}");
        assert!(md.contains("cargo feature `applications`"), "{md}");
        // Whatever the size, the summary fits the limit.
        let many: Vec<Change> = (0..5000)
            .map(|i| Change {
                subject: format!("GET /x{i}"),
                resource: format!("requests::x::GetX{i}"),
                ..c.clone()
            })
            .collect();
        let md = to_markdown(&many, None);
        assert!(md.len() <= COMMENT_LIMIT, "{}", md.len());
        assert!(
            md.contains("the full report lists them"),
            "{}",
            &md[md.len() - 300..]
        );
        assert!(to_markdown_full(&many, None).len() > COMMENT_LIMIT);
        assert_eq!(to_json(&[])["breaking"], 0);
    }
}
