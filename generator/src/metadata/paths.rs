//! Do the documented paths exist in the service? Each request path of the IR
//! (`ir.operations[*].paths`) is walked segment by segment against the official metadata,
//! which is only the referee here (names and types for generation come from the docs):
//!
//! - at the root: an entity set, a singleton (`/me` is the `me` singleton) or an import;
//! - on a single structured value: a property or navigation property, its own or inherited
//!   (complex types too: `/me/mailboxSettings`), the media stream (`$value` of a `HasStream`
//!   entity, an `Edm.Stream` property such as `content`), `$ref`, path addressing
//!   (`root:/{path}:` goes on at the same type, a driveItem), a cast, a bound operation;
//! - on a collection: a key (`{id}`, or parentheses `x(<key>)`, `x('{id}')`), `$count`,
//!   `$ref`, a cast, an operation bound to the collection;
//! - casts: qualified (`microsoft.graph.user`) or, as the docs also write them, by the short
//!   name; to a type derived from the one so far (or a base of it);
//! - bound actions and functions: qualified or not, with arguments, `()` or no parentheses
//!   (`/delta`), bound to the type so far or one of its bases (a collection to a collection);
//!   a composable function's result continues the path, anything else ends it.
//!
//! Names match case-insensitively (the docs' casing varies). A path that does not resolve
//! is a [`Code::MetadataPathUnresolved`] warning at its doc line, naming the segment that
//! failed and what was expected there.

use super::csdl_read::{Csdl, Operation, Pos, Prop, RootKind, StructType};
use crate::diag::{Code, Diagnostic, Loc};
use crate::ir::path::PathTemplate;
use crate::ir::{Ir, Method};
use std::collections::{BTreeMap, BTreeSet};

/// What the walk has reached.
#[derive(Debug, Clone, PartialEq, Eq)]
enum At {
    /// Before the first segment.
    Service,
    /// A structured type (lower-cased qualified name), one value or a collection.
    Node { ty: String, coll: bool },
    /// A primitive or enum value (`stream`: `Edm.Stream`), one or a collection.
    Value { stream: bool, coll: bool },
    /// After `$ref`, `$count`, `$value` or a call whose result cannot be composed: what it
    /// was, for the message.
    End(String),
}

/// A path segment: a name (with its parentheses, if any) or a `:/path:` address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Name(String),
    Address(String),
}

impl Segment {
    fn text(&self) -> String {
        match self {
            Segment::Name(s) => s.clone(),
            Segment::Address(s) => format!(":/{s}:"),
        }
    }
}

/// The template's path with `{}` for every parameter, split into segments: `/` inside
/// parentheses or quotes does not split, and `:/…:` (path addressing) is one segment.
pub fn segments(p: &PathTemplate) -> Vec<Segment> {
    split(&p.blanked())
}

fn split(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let (mut cur, mut depth, mut quote) = (String::new(), 0usize, false);
    let mut chars = text.chars().peekable();
    let flush = |cur: &mut String, out: &mut Vec<Segment>| {
        if !cur.is_empty() {
            out.push(Segment::Name(std::mem::take(cur)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => quote = !quote,
            '(' if !quote => depth += 1,
            ')' if !quote => depth = depth.saturating_sub(1),
            '/' if !quote && depth == 0 => {
                flush(&mut cur, &mut out);
                continue;
            }
            ':' if !quote && depth == 0 && chars.peek() == Some(&'/') => {
                flush(&mut cur, &mut out);
                chars.next();
                let addr: String = chars.by_ref().take_while(|&c| c != ':').collect();
                out.push(Segment::Address(addr));
                continue;
            }
            ':' if !quote && depth == 0 && chars.peek().is_none() => continue,
            _ => {}
        }
        cur.push(c);
    }
    flush(&mut cur, &mut out);
    out
}

/// A segment that names a fixed key (`applicationProxy`, `inbox`, `fido2`): an identifier.
/// Sample values (`AAMkAGVmMDEz`, hex or GUIDs) are not: the docs put a parameter there.
fn is_key_literal(seg: &str) -> bool {
    let mut chars = seg.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !crate::ir::path_repair::is_sample_value(seg)
        && !crate::ir::path_repair::is_unbraced_placeholder(seg)
}

/// `f(a='{}')` → (`f`, `Some("a='{}'")`); `x` → (`x`, `None`).
fn split_args(seg: &str) -> (&str, Option<&str>) {
    match seg.split_once('(') {
        Some((head, rest)) => (head, Some(rest.strip_suffix(')').unwrap_or(rest))),
        None => (seg, None),
    }
}

/// `Collection(x)` (any case) → (`x`, true).
fn element(t: &str) -> (&str, bool) {
    let lower = t.get(..11).map(str::to_ascii_lowercase);
    match lower.as_deref() == Some("collection(") {
        true => (t[11..].strip_suffix(')').unwrap_or(&t[11..]), true),
        false => (t, false),
    }
}

/// The official service, indexed for the walk.
pub struct Service<'a> {
    csdl: &'a Csdl,
    /// Lower-cased root name → the container member.
    roots: BTreeMap<String, &'a super::csdl_read::Root>,
    /// Lower-cased short name → qualified lower-cased type names.
    short_types: BTreeMap<String, Vec<String>>,
    /// Lower-cased short name → operations of that name.
    ops: BTreeMap<String, Vec<&'a Operation>>,
    /// Lower-cased type → the types whose base it is (sorted).
    children: BTreeMap<String, Vec<String>>,
    /// Every lower-cased name the document gives: roots, types (short), members, operations.
    names: BTreeSet<String>,
}

/// Why a path does not resolve: the segment (0-based) and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub index: usize,
    pub segment: String,
    pub expected: String,
    /// The official element the walk stood at: the type, or the entity container.
    pub official: Option<Pos>,
}

impl<'a> Service<'a> {
    pub fn new(csdl: &'a Csdl) -> Self {
        let mut roots = BTreeMap::new();
        for r in &csdl.roots {
            roots.entry(r.name.to_lowercase()).or_insert(r);
        }
        let mut short_types: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for k in csdl.types.keys() {
            let short = k.rsplit('.').next().unwrap_or(k);
            short_types
                .entry(short.to_string())
                .or_default()
                .push(k.to_string());
        }
        let mut ops: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
        for o in &csdl.operations {
            ops.entry(o.name.to_lowercase()).or_default().push(o);
        }
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut names: BTreeSet<String> = BTreeSet::new();
        for (k, t) in csdl.types.iter() {
            if !t.base.is_empty() {
                children
                    .entry(t.base.clone())
                    .or_default()
                    .push(k.to_string());
            }
            names.extend(t.props.keys().chain(t.navs.keys()).map(str::to_string));
        }
        names.extend(roots.keys().cloned());
        names.extend(short_types.keys().cloned());
        names.extend(ops.keys().cloned());
        Service {
            csdl,
            roots,
            short_types,
            ops,
            children,
            names,
        }
    }

    /// Walks `segs`; `Err` names the first segment that does not resolve.
    /// `last_called`: the docs read the last segment as a call (an action or function), so it
    /// is not taken for a fixed key.
    pub fn resolve(&self, segs: &[Segment], last_called: bool) -> Result<(), Unresolved> {
        let mut at = At::Service;
        for (index, seg) in segs.iter().enumerate() {
            let called = last_called && index + 1 == segs.len();
            at = self.step(&at, seg, called).map_err(|expected| Unresolved {
                index,
                segment: seg.text(),
                expected,
                official: self.position(&at),
            })?;
        }
        match at {
            At::Service => Err(Unresolved {
                index: 0,
                segment: String::new(),
                expected: "a path".into(),
                official: self.csdl.container,
            }),
            _ => Ok(()),
        }
    }

    fn position(&self, at: &At) -> Option<Pos> {
        match at {
            At::Node { ty, .. } => self.ty(ty).map(|t| t.pos),
            _ => self.csdl.container,
        }
    }

    fn ty(&self, lower: &str) -> Option<&'a StructType> {
        self.csdl.types.get(lower)
    }

    /// `ty` and its bases, most derived first (lower-cased; a cycle stops).
    fn lineage(&self, ty: &str) -> Vec<String> {
        let mut out = vec![ty.to_string()];
        while let Some(base) = self
            .ty(out.last().map_or("", String::as_str))
            .map(|t| &t.base)
        {
            if base.is_empty() || out.contains(base) {
                break;
            }
            out.push(base.clone());
        }
        out
    }

    fn related(&self, a: &str, b: &str) -> bool {
        self.lineage(a).iter().any(|t| t == b) || self.lineage(b).iter().any(|t| t == a)
    }

    /// Where a value of the (shown) type `t` leads.
    fn at_type(&self, t: &str) -> At {
        let (inner, coll) = element(t);
        let lower = inner.to_lowercase();
        match self.ty(&lower) {
            Some(_) => At::Node { ty: lower, coll },
            None => At::Value {
                stream: lower == "edm.stream",
                coll,
            },
        }
    }

    fn is_entity(&self, ty: &str) -> bool {
        self.ty(ty).is_some_and(|t| t.kind == "EntityType")
    }

    fn has_stream(&self, ty: &str) -> bool {
        let lineage = self.lineage(ty);
        lineage
            .iter()
            .any(|t| self.ty(t).is_some_and(|t| t.has_stream))
    }

    /// A property or navigation property of `ty`, its own or inherited.
    fn member(&self, ty: &str, name: &str) -> Option<&'a Prop> {
        self.lineage(ty).iter().find_map(|t| {
            let t = self.ty(t)?;
            t.props.get(name).or_else(|| t.navs.get(name))
        })
    }

    fn step(&self, at: &At, seg: &Segment, called: bool) -> Result<At, String> {
        let name = match seg {
            Segment::Address(_) => return self.address(at),
            Segment::Name(n) => n,
        };
        let written = name;
        let name = name.to_lowercase();
        match at {
            At::End(what) => Err(format!("nothing after {what}")),
            At::Service => self.root(&name, split_args(written).0),
            At::Value { stream, coll } => match name.as_str() {
                "$value" if !coll => Ok(At::End("`$value`".into())),
                "$count" if *coll => Ok(At::End("`$count`".into())),
                _ => Err(format!(
                    "`$value`{} after a {} value",
                    if *coll { " or `$count`" } else { "" },
                    if *stream { "stream" } else { "primitive" }
                )),
            },
            At::Node { ty, coll } => self.on_node(ty, *coll, &name, written, called),
        }
    }

    fn address(&self, at: &At) -> Result<At, String> {
        match at {
            At::Node { ty, coll: false } => Ok(At::Node {
                ty: ty.clone(),
                coll: false,
            }),
            _ => Err("path addressing (`:/path:`) after a single entity".into()),
        }
    }

    /// `name` lower-cased; `shown`: its name as written.
    fn root(&self, name: &str, shown: &str) -> Result<At, String> {
        let (head, args) = split_args(name);
        if matches!(head, "$batch" | "$metadata") && args.is_none() {
            return Ok(At::End(format!("`{head}`")));
        }
        let Some(r) = self.roots.get(head) else {
            let mut out = String::from("an entity set, a singleton or an operation import");
            if !self.names.contains(head) {
                out.push_str(&format!(
                    " (`{shown}` is named nowhere in the official metadata)"
                ));
            }
            return Err(out);
        };
        let at = match r.kind {
            RootKind::EntitySet => At::Node {
                ty: r.target.to_lowercase(),
                coll: true,
            },
            RootKind::Singleton => self.at_type(&r.target),
            RootKind::FunctionImport | RootKind::ActionImport => {
                let short = r.target.rsplit('.').next().unwrap_or(&r.target);
                let op = self.ops.get(&short.to_lowercase()).and_then(|o| o.first());
                return Ok(op.map_or(At::End(format!("`{head}`")), |o| self.result(o)));
            }
        };
        match args {
            None => Ok(at),
            Some(_) => self.key(&at, head),
        }
    }

    /// A key on `at` (a collection of entities).
    fn key(&self, at: &At, seg: &str) -> Result<At, String> {
        match at {
            At::Node { ty, coll: true } if self.is_entity(ty) => Ok(At::Node {
                ty: ty.clone(),
                coll: false,
            }),
            _ => Err(format!(
                "a key only after a collection of entities (`{seg}`)"
            )),
        }
    }

    /// `name`: the segment lower-cased; `written`: as the docs write it; `called`: the docs
    /// call it.
    fn on_node(
        &self,
        ty: &str,
        coll: bool,
        name: &str,
        written: &str,
        called: bool,
    ) -> Result<At, String> {
        let here = At::Node {
            ty: ty.to_string(),
            coll,
        };
        match name {
            "{}" => return self.key(&here, name),
            "$ref" if self.is_entity(ty) => return Ok(At::End("`$ref`".into())),
            "$count" if coll => return Ok(At::End("`$count`".into())),
            "$value" if !coll && self.has_stream(ty) => return Ok(At::End("`$value`".into())),
            _ => {}
        }
        let (head, args) = split_args(name);
        let call = args.is_none_or(|a| a.trim().is_empty() || a.contains('='));
        if !coll && let Some(p) = self.member(ty, head) {
            let at = self.at_type(&p.ty);
            // `worksheets(<key>)`, `x(name='{v}')`: a key in parentheses
            return match args {
                None => Ok(at),
                Some(_) => self.key(&at, name),
            };
        }
        // `roleTemplateId={id}`: an alternate key, a property of the element named
        if coll
            && let Some((prop, value)) = head.split_once('=')
            && args.is_none()
            && !value.is_empty()
            && self.member(ty, prop).is_some()
        {
            return self.key(&here, name);
        }
        if call && let Some(at) = self.bound(ty, coll, head) {
            return Ok(at);
        }
        if args.is_none()
            && let Some(t) = self.cast(ty, head)
        {
            return Ok(At::Node { ty: t, coll });
        }
        // `/onPremisesPublishingProfiles/applicationProxy`: a fixed key, written as a segment
        let fixed_key = is_key_literal(written) && !called && !self.is_name_here(ty, head);
        if coll && args.is_none() && fixed_key {
            return self.key(&here, name);
        }
        Err(self.expected(ty, coll, split_args(written).0))
    }

    /// What a segment `head` (as written) after `ty` could have been.
    fn expected(&self, ty: &str, coll: bool, head: &str) -> String {
        let shown = self.shown(ty);
        let mut out = match coll {
            true => format!(
                "a key, `$count`, `$ref`, a cast or an operation bound to a collection of `{shown}`"
            ),
            false => {
                format!("a property, navigation property, cast or bound operation of `{shown}`")
            }
        };
        let head = head.split(['=', '(']).next().unwrap_or(head);
        let lower = head.to_lowercase();
        if let Some(d) = self.declared_below(ty, coll, &lower) {
            out.push_str(&format!(
                " (`{head}` belongs to `{}`, derived from it: the path lacks the cast)",
                self.shown(&d)
            ));
        } else if !self.names.contains(&lower) && is_key_literal(&lower) {
            out.push_str(&format!(
                " (`{head}` is named nowhere in the official metadata)"
            ));
        }
        out
    }

    /// `name` is a member of `ty`'s elements (or of a type derived from it) or the name of an
    /// operation: a segment that lost its key before it (`/education/users/schools`) or an
    /// operation not bound here (`/directoryObjects/delta`), not a fixed key.
    fn is_name_here(&self, ty: &str, name: &str) -> bool {
        self.member(ty, name).is_some()
            || self.ops.contains_key(name)
            || self.declared_below(ty, false, name).is_some()
    }

    fn shown<'s>(&'s self, ty: &'s str) -> &'s str {
        self.ty(ty).map_or(ty, |t| t.name.as_str())
    }

    /// The first type derived from `ty` (at any depth, in name order) that has a member or a
    /// bound operation `name`.
    fn declared_below(&self, ty: &str, coll: bool, name: &str) -> Option<String> {
        let mut queue: Vec<String> = self.children.get(ty).cloned().unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some(d) = queue.pop() {
            if !seen.insert(d.clone()) {
                continue;
            }
            let own = self.ty(&d).is_some_and(|t| {
                let stream = name == "$value" && t.has_stream;
                !coll && (stream || t.props.contains_key(name) || t.navs.contains_key(name))
            });
            if own || self.bound_exactly(&d, coll, name) {
                return Some(d);
            }
            queue.extend(self.children.get(&d).cloned().unwrap_or_default());
        }
        None
    }

    fn bound_exactly(&self, ty: &str, coll: bool, name: &str) -> bool {
        let ops = self.ops.get(name).map_or(&[][..], Vec::as_slice);
        ops.iter().any(|o| {
            o.bound
                .as_deref()
                .map(element)
                .is_some_and(|(b, c)| c == coll && b.eq_ignore_ascii_case(ty))
        })
    }

    /// A cast of `ty` to `name` (qualified or short): the type, if related.
    fn cast(&self, ty: &str, name: &str) -> Option<String> {
        let candidates = match name.contains('.') {
            true => vec![name.to_string()],
            false => self.short_types.get(name).cloned().unwrap_or_default(),
        };
        candidates
            .into_iter()
            .filter(|c| self.ty(c).is_some())
            .find(|c| self.related(ty, c))
    }

    /// An operation `name` (qualified or not) bound to `ty` (or a base), `coll` as bound.
    fn bound(&self, ty: &str, coll: bool, name: &str) -> Option<At> {
        // the qualifier names the operation's schema, not the binding type's: not checked
        let short = name.rsplit('.').next().unwrap_or(name);
        let lineage = self.lineage(ty);
        let fits = |o: &&&Operation| {
            let Some(b) = o.bound.as_deref() else {
                return false;
            };
            let (bt, bc) = element(b);
            bc == coll && lineage.contains(&bt.to_lowercase())
        };
        let found: Vec<&&Operation> = self.ops.get(short)?.iter().filter(fits).collect();
        let best = found.iter().find(|o| o.composable).or(found.first())?;
        Some(self.result(best))
    }

    /// Where a call of `o` leads: its result when composable, else the end.
    fn result(&self, o: &Operation) -> At {
        match (&o.returns, o.composable) {
            (Some(r), true) => self.at_type(r),
            _ => At::End(format!("a call of `{}`", o.name)),
        }
    }
}

/// Every documented path against `official` (named `label` in locations): (paths, resolved,
/// a warning per unresolved path at its doc line, naming the official element the walk
/// stood at), the diagnostics sorted.
pub fn check(ir: &Ir, official: &Csdl, label: &str) -> (usize, usize, Vec<Diagnostic>) {
    let service = Service::new(official);
    let (mut total, mut resolved) = (0, 0);
    let mut diagnostics = Vec::new();
    for op in &ir.operations {
        for p in &op.paths {
            total += 1;
            let segs = segments(p);
            let last = segs.last().map(Segment::text).unwrap_or_default();
            // POST to one entity of a collection is no OData request: a call, not a key
            let called =
                op.method == Method::Post || crate::ir::service::call(ir, op, &[last]).is_some();
            let Err(u) = service.resolve(&segs, called) else {
                resolved += 1;
                continue;
            };
            let loc: Loc = p.loc.clone().unwrap_or_else(|| op.loc.clone());
            let message = match u.segment.is_empty() {
                true => format!("`{} {}` has no segments", op.method, p.raw),
                false => format!(
                    "`{} {}` does not exist in the official metadata: segment {} `{}` does not resolve; expected {}",
                    op.method,
                    p.raw,
                    u.index + 1,
                    u.segment,
                    u.expected
                ),
            };
            let mut d = Diagnostic::new(Code::MetadataPathUnresolved, loc, message);
            if let Some(pos) = u.official {
                d = d.with_related(Loc {
                    file: label.to_string(),
                    line: pos.line,
                    col: pos.col,
                });
            }
            diagnostics.push(d);
        }
    }
    diagnostics.sort();
    (total, resolved, diagnostics)
}
