//! IR → OData CSDL 4.0 XML: one EDMX document, written with quick-xml's `Writer` (which
//! escapes every attribute value). Deterministic: one `Schema` per namespace (sorted), enums
//! then structured types by qualified name, properties in the docs' order.
//!
//! The docs are looser than CSDL. Where they break its rules the exporter decides, always
//! the same way, and counts the decision in [`Report`]:
//! - Names that are not SimpleIdentifiers (`[A-Za-z_][A-Za-z0-9_]*`, at most 128 characters;
//!   `@odata.type`, `bad-name`) are skipped: properties, enum members, types and enums alike.
//!   A namespace must be dotted SimpleIdentifiers and not a reserved one (`Edm`, `odata`, ...).
//! - A property whose name its type or a base type already declares is skipped (CSDL forbids
//!   redeclaring a base property); the first declaration, base first, wins.
//! - A base type that is not exported, or a base chain that loops back, is dropped.
//! - Entity or complex is decided per hierarchy by its root. The root is an `EntityType` when
//!   the IR says entity and its key names one of its own properties that is single-valued and
//!   primitive (of a key-able kind) or an enum; or when it is an abstract entity whose whole
//!   hierarchy is abstract (CSDL lets only abstract entity types go without a key). Otherwise
//!   the hierarchy is written as `ComplexType`s ("demoted": CSDL has no keyless concrete
//!   entity type). Derived types take the root's kind (the IR calls a keyless derived entity
//!   "complex") and never declare a `Key`; key properties are written `Nullable="false"`.
//! - `OpenType` is inherited from bases (a type derived from an open type must be open);
//!   `Abstract` is written only when every base is abstract too.
//! - A property whose type is an exported entity type is a `NavigationProperty`, whichever IR
//!   list it comes from; an IR navigation property to anything else is a plain `Property`.
//! - Enum values: the documented numbers when every exported member has an integer value,
//!   else 0, 1, 2... in order (flags: 1, 2, 4...; members past bit 62 are skipped).
//!   `UnderlyingType="Edm.Int64"` when a value does not fit in an `Edm.Int32`. Members with
//!   invalid or repeated names are skipped; an enum left without members is skipped.

use crate::ir::service::{CallKind, Service, ServiceOperation};
use crate::ir::{
    EnumDef, EnumMember, Ir, Primitive, Property, TypeKind, TypeRef, most_populous_namespace,
    namespace_of, simple_name,
};
use Primitive as P;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use std::collections::{BTreeMap, BTreeSet};
use std::io;

pub const EDMX_NS: &str = "http://docs.oasis-open.org/odata/ns/edmx";
pub const EDM_NS: &str = "http://docs.oasis-open.org/odata/ns/edm";

/// The type written for opaque (unresolved) references and for references to types that are
/// not exported. `Edm.Untyped` would say "any value" exactly, but it only exists in CSDL 4.01
/// and this document declares `Version="4.0"`: a 4.0 reader rejects the whole document at an
/// unknown `Edm` type. `Edm.String` keeps it valid everywhere, at the price of a weaker type
/// for those few properties (the generated SDK itself keeps them as raw JSON). Moving to 4.01
/// means changing this constant and the version together.
pub const FALLBACK: &str = "Edm.String";

/// The docs' `Json` (any JSON value) is written as an empty open complex type of this name,
/// declared in the namespace holding the most types (the 4.0 way to say "any object"; the
/// service's own metadata does the same), unless the docs define a type of that name there.
pub const JSON_TYPE: &str = "Json";

/// What the export skipped or changed to stay valid CSDL (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub schemas: usize,
    pub types: usize,
    pub enums: usize,
    /// Types and enums with invalid names, enums named like a type, enums left empty.
    pub skipped_types: usize,
    /// Properties with invalid names or names already declared (here or in a base).
    pub skipped_properties: usize,
    /// Enum members with invalid or repeated names, or flags past bit 62.
    pub skipped_members: usize,
    /// IR entity types written as complex types (no usable key).
    pub demoted_entities: usize,
    /// Base types dropped (not exported, or a cycle).
    pub dropped_bases: usize,
    /// Properties typed [`FALLBACK`] because their type is `Json`, opaque or not exported.
    pub fallback_types: usize,
    /// Actions and functions written (overloads counted one by one).
    pub operations: usize,
    /// Operations left out: an invalid or repeated parameter name is dropped from one; an
    /// operation named like a type, or like an operation of the other kind, is skipped.
    pub skipped_operations: usize,
    /// Bound operations whose binding the docs leave open (bound to `Edm.EntityType`).
    pub unresolved_bindings: usize,
    /// Entity sets, singletons and imports in the entity container.
    pub container_children: usize,
}

/// The IR as one EDMX document.
pub fn to_csdl(ir: &Ir) -> String {
    to_csdl_with_report(ir).0
}

/// [`to_csdl`] plus what it had to skip or change.
pub fn to_csdl_with_report(ir: &Ir) -> (String, Report) {
    let mut report = Report::default();
    let plan = Plan::new(ir, &mut report);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let written = plan.write(&mut w, &mut report);
    written.expect("writing to memory cannot fail");
    let mut out = String::from_utf8(w.into_inner()).expect("the writer writes UTF-8");
    out.push('\n');
    (out, report)
}

/// `[A-Za-z_][A-Za-z0-9_]*`, at most 128 characters (CSDL allows more letters; we keep ASCII).
pub fn is_simple_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let first = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic());
    s.len() <= 128 && first && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn is_namespace(ns: &str) -> bool {
    let reserved = matches!(ns, "Edm" | "odata" | "System" | "Transient");
    ns.len() <= 511 && !reserved && ns.split('.').all(is_simple_identifier)
}

/// The Edm name of a primitive (`Json` → [`FALLBACK`]).
pub fn edm_name(p: Primitive) -> &'static str {
    match p {
        P::String => "Edm.String",
        P::Boolean => "Edm.Boolean",
        P::Byte => "Edm.Byte",
        P::Int16 => "Edm.Int16",
        P::Int32 => "Edm.Int32",
        P::Int64 => "Edm.Int64",
        P::Single => "Edm.Single",
        P::Double => "Edm.Double",
        P::Decimal => "Edm.Decimal",
        P::Guid => "Edm.Guid",
        P::DateTimeOffset => "Edm.DateTimeOffset",
        P::Date => "Edm.Date",
        P::TimeOfDay => "Edm.TimeOfDay",
        P::Duration => "Edm.Duration",
        P::Binary => "Edm.Binary",
        P::Stream => "Edm.Stream",
        P::Json => FALLBACK,
    }
}

const STRING: TypeRef = TypeRef::Primitive {
    primitive: P::String,
};

/// An enum's attributes after `Name`, and its members with their values.
type EnumPlan<'a> = (Vec<(&'static str, &'static str)>, Vec<(&'a str, String)>);

fn plan_enum<'a>(e: &'a EnumDef, r: &mut Report) -> EnumPlan<'a> {
    let mut seen = BTreeSet::new();
    let valid = |m: &&'a EnumMember| is_simple_identifier(&m.name) && seen.insert(&m.name);
    let kept: Vec<&EnumMember> = e.members.iter().filter(valid).collect();
    let value = |m: &&EnumMember| m.value.as_deref()?.trim().parse().ok();
    let parsed: Option<Vec<i64>> = kept.iter().map(value).collect();
    let numbered = (0..kept.len() as u32).map_while(|i| match e.flags {
        true => 1i64.checked_shl(i).filter(|v| *v > 0),
        false => Some(i.into()),
    });
    let values: Vec<i64> = parsed.unwrap_or_else(|| numbered.collect());
    r.skipped_members += e.members.len() - values.len();
    let int64 = values.iter().any(|v| i32::try_from(*v).is_err());
    let mut attrs = vec![];
    attrs.extend(int64.then_some(("UnderlyingType", "Edm.Int64")));
    attrs.extend(e.flags.then_some(("IsFlags", "true")));
    let members = kept
        .iter()
        .zip(values)
        .map(|(m, v)| (m.name.as_str(), v.to_string()));
    (attrs, members.collect())
}

type W = Writer<Vec<u8>>;

/// Writes `<name attrs>` (`<name attrs/>` when `empty`).
fn open(w: &mut W, name: &str, attrs: &[(&str, &str)], empty: bool) -> io::Result<()> {
    let event = if empty { Event::Empty } else { Event::Start };
    w.write_event(event(
        BytesStart::new(name).with_attributes(attrs.iter().copied()),
    ))
}

fn close(w: &mut W, name: &str) -> io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
}

/// An entity set, singleton or import of the entity container.
struct Child {
    element: &'static str,
    name: String,
    /// `EntityType`, `Type`, `Action` or `Function`.
    attr: &'static str,
    target: String,
}

/// Every decision, made before anything is written.
struct Plan<'a> {
    ir: &'a Ir,
    enums: BTreeMap<&'a str, EnumPlan<'a>>,
    /// Exported types → their exported base.
    parent: BTreeMap<&'a str, Option<&'a str>>,
    /// Exported types → the properties they declare themselves.
    own: BTreeMap<&'a str, Vec<&'a Property>>,
    /// Roots of hierarchies written as entity types → their key, when it is written.
    entity_roots: BTreeMap<&'a str, Option<&'a str>>,
    /// Entity sets, singletons, actions and functions.
    service: Service,
    /// The namespace holding the most exported types (the container's and `Json`'s home).
    home: Option<&'a str>,
    /// The qualified name written for `Json`, and whether this export declares it.
    json: (String, bool),
}

impl<'a> Plan<'a> {
    fn new(ir: &'a Ir, r: &mut Report) -> Self {
        let ok = |q: &str| is_namespace(namespace_of(q)) && is_simple_identifier(simple_name(q));
        let types: BTreeSet<&str> = ir.types.keys().map(|q| q.as_str()).collect();
        let types: BTreeSet<&str> = types.into_iter().filter(|q| ok(q)).collect();
        let mut plan = Plan {
            ir,
            enums: BTreeMap::new(),
            parent: BTreeMap::new(),
            own: BTreeMap::new(),
            entity_roots: BTreeMap::new(),
            service: crate::ir::service::of(ir),
            home: None,
            json: (FALLBACK.to_string(), false),
        };
        for (q, e) in &ir.enums {
            let e = (ok(q) && !types.contains(q.as_str())).then(|| plan_enum(e, r));
            if let Some(e) = e.filter(|(_, members)| !members.is_empty()) {
                plan.enums.insert(q.as_str(), e);
            }
        }
        r.skipped_types += ir.types.len() - types.len() + ir.enums.len() - plan.enums.len();
        let raw = |q: &str| ir.types[q].base.as_deref().filter(|b| types.contains(b));
        for &q in &types {
            // A type its own bases lead back to becomes a root (a cycle is at most n long).
            let bases = std::iter::successors(raw(q), |c| raw(c)).take(types.len());
            let p = raw(q).filter(|_| !bases.clone().any(|c| c == q));
            r.dropped_bases += usize::from(ir.types[q].base.is_some() && p.is_none());
            plan.parent.insert(q, p);
        }
        for &q in &types {
            let (mut seen, mut mine) = (BTreeSet::new(), Vec::new());
            for c in plan.chain(q).into_iter().rev() {
                let t = &ir.types[c];
                for p in t.properties.iter().chain(&t.navigation) {
                    let fresh = is_simple_identifier(&p.name) && seen.insert(p.name.as_str());
                    match (c == q, fresh) {
                        (true, true) => mine.push(p),
                        (true, false) => r.skipped_properties += 1,
                        _ => {}
                    }
                }
            }
            plan.own.insert(q, mine);
        }
        let concrete = types.iter().filter(|q| !ir.types[**q].is_abstract);
        let concrete: BTreeSet<&str> = concrete.map(|q| plan.root(q)).collect();
        for &q in types.iter().filter(|q| plan.parent[**q].is_none()) {
            let t = &ir.types[q];
            let key = t
                .key
                .as_deref()
                .filter(|k| plan.own[q].iter().any(|p| plan.is_key(p, k)));
            let keyless_ok = t.is_abstract && !concrete.contains(q);
            if t.kind == TypeKind::Entity && (key.is_some() || keyless_ok) {
                plan.entity_roots.insert(q, key);
            }
        }
        let entities = types
            .iter()
            .filter(|q| ir.types[**q].kind == TypeKind::Entity);
        r.demoted_entities += entities.filter(|q| !plan.is_entity(q)).count();
        plan.home = most_populous_namespace(plan.own.keys().copied());
        let json = TypeRef::Primitive { primitive: P::Json };
        let props = plan.own.values().flatten().copied();
        let params = plan.service.operations.iter().flat_map(|o| &o.params);
        let used = props.chain(params).any(|p| p.ty == json);
        if let Some(home) = plan.home.filter(|_| used) {
            let q = format!("{home}.{JSON_TYPE}");
            let defined = plan.own.contains_key(q.as_str()) || plan.enums.contains_key(q.as_str());
            plan.json = (q, !defined);
        }
        plan
    }

    /// `p` is `key`, single-valued, of a primitive type CSDL allows in keys or an enum.
    fn is_key(&self, p: &Property, key: &str) -> bool {
        let no_key = |p: &P| matches!(p, P::Single | P::Double | P::Binary | P::Stream | P::Json);
        let ty_ok = match &p.ty {
            TypeRef::Primitive { primitive } => !no_key(primitive),
            TypeRef::Enum { name } => self.enums.contains_key(name.as_str()),
            _ => false,
        };
        p.name == key && !p.collection && ty_ok
    }

    /// `q`, its base, ..., the root (exported bases never loop).
    fn chain(&self, q: &'a str) -> Vec<&'a str> {
        let mut out = vec![q];
        while let Some(Some(b)) = self.parent.get(out[out.len() - 1]) {
            out.push(b);
        }
        out
    }

    fn root(&self, q: &'a str) -> &'a str {
        self.chain(q).last().copied().unwrap_or(q)
    }

    fn is_entity(&self, q: &str) -> bool {
        let root = self.own.get_key_value(q).map(|(q, _)| self.root(q));
        root.is_some_and(|r| self.entity_roots.contains_key(r))
    }

    /// The CSDL name for `ty` and whether it is an exported entity type.
    fn type_name<'b>(&'b self, ty: &'b TypeRef) -> (&'b str, bool) {
        let name = match ty {
            TypeRef::Primitive { primitive: P::Json } => return (&self.json.0, false),
            TypeRef::Primitive { primitive } => return (edm_name(*primitive), false),
            TypeRef::Complex { name } | TypeRef::Enum { name } => name.as_str(),
            TypeRef::Opaque { .. } => return (FALLBACK, false),
        };
        match self.own.contains_key(name) || self.enums.contains_key(name) {
            true => (name, self.is_entity(name)),
            false => (FALLBACK, false),
        }
    }

    /// The operations to write, by namespace, and the container's children; counts what is
    /// left out.
    fn plan_service(&self, r: &mut Report) -> (BTreeMap<&str, Vec<&ServiceOperation>>, Vec<Child>) {
        let taken: BTreeSet<&str> = self.own.keys().chain(self.enums.keys()).copied().collect();
        let mut kinds: BTreeMap<(&str, &str), CallKind> = BTreeMap::new();
        let mut ops: BTreeMap<&str, Vec<&ServiceOperation>> = BTreeMap::new();
        for o in &self.service.operations {
            let q = format!("{}.{}", o.namespace, o.name);
            let kind = *kinds.entry((&o.namespace, &o.name)).or_insert(o.kind);
            let ok = is_namespace(&o.namespace) && is_simple_identifier(&o.name);
            if !ok || taken.contains(q.as_str()) || kind != o.kind {
                r.skipped_operations += 1;
                continue;
            }
            ops.entry(o.namespace.as_str()).or_default().push(o);
        }
        r.operations = ops.values().map(Vec::len).sum();
        let mut names = BTreeSet::new();
        let mut children = vec![];
        for root in &self.service.roots {
            let entity = self.own.contains_key(root.ty.as_str()) && self.is_entity(&root.ty);
            if entity && is_simple_identifier(&root.name) && names.insert(root.name.clone()) {
                let element = ["Singleton", "EntitySet"][usize::from(root.collection)];
                let attr = ["Type", "EntityType"][usize::from(root.collection)];
                children.push(Child {
                    element,
                    name: root.name.clone(),
                    attr,
                    target: root.ty.clone(),
                });
            }
        }
        for o in ops.values().flatten().filter(|o| o.binding.is_none()) {
            if names.insert(o.name.clone()) {
                let (element, attr) = match o.kind {
                    CallKind::Action => ("ActionImport", "Action"),
                    CallKind::Function => ("FunctionImport", "Function"),
                };
                let target = format!("{}.{}", o.namespace, o.name);
                children.push(Child {
                    element,
                    name: o.name.clone(),
                    attr,
                    target,
                });
            }
        }
        r.container_children = children.len();
        (ops, children)
    }

    fn write(&self, w: &mut W, r: &mut Report) -> io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        let (ops, children) = self.plan_service(r);
        let mut schemas: BTreeMap<&str, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
        for &q in self.enums.keys() {
            schemas.entry(namespace_of(q)).or_default().0.push(q);
        }
        for &q in self.own.keys() {
            schemas.entry(namespace_of(q)).or_default().1.push(q);
        }
        for &ns in ops.keys() {
            schemas.entry(ns).or_default();
        }
        (r.schemas, r.types, r.enums) = (schemas.len(), self.own.len(), self.enums.len());
        let home = self.home;
        let root = [("Version", "4.0"), ("xmlns:edmx", EDMX_NS)];
        open(w, "edmx:Edmx", &root, false)?;
        open(w, "edmx:DataServices", &[], schemas.is_empty())?;
        for (ns, (enums, types)) in &schemas {
            open(w, "Schema", &[("Namespace", ns), ("xmlns", EDM_NS)], false)?;
            for &q in enums {
                let (attrs, members) = &self.enums[q];
                let attrs = [&[("Name", simple_name(q))], &attrs[..]].concat();
                open(w, "EnumType", &attrs, false)?;
                for (name, value) in members {
                    open(w, "Member", &[("Name", name), ("Value", value)], true)?;
                }
                close(w, "EnumType")?;
            }
            for &q in types {
                self.write_type(w, q, r)?;
            }
            if self.json.1 && home == Some(*ns) {
                let attrs = [("Name", JSON_TYPE), ("OpenType", "true")];
                open(w, "ComplexType", &attrs, true)?;
            }
            for o in ops.get(ns).into_iter().flatten() {
                self.write_operation(w, o, r)?;
            }
            if home == Some(*ns) && !children.is_empty() {
                let name = ["Service", "ServiceContainer"]
                    .into_iter()
                    .find(|n| !self.own.contains_key(format!("{ns}.{n}").as_str()))
                    .unwrap_or("ServiceContainer");
                open(w, "EntityContainer", &[("Name", name)], false)?;
                for c in &children {
                    let attrs = [("Name", c.name.as_str()), (c.attr, c.target.as_str())];
                    open(w, c.element, &attrs, true)?;
                }
                close(w, "EntityContainer")?;
            }
            close(w, "Schema")?;
        }
        if !schemas.is_empty() {
            close(w, "edmx:DataServices")?;
        }
        close(w, "edmx:Edmx")
    }

    /// `Collection(T)` or `T` for a type reference.
    fn type_text(&self, ty: &TypeRef, collection: bool) -> String {
        let (name, _) = self.type_name(ty);
        match collection {
            true => format!("Collection({name})"),
            false => name.to_string(),
        }
    }

    fn write_operation(&self, w: &mut W, o: &ServiceOperation, r: &mut Report) -> io::Result<()> {
        let (element, bound) = (["Action", "Function"][o.kind as usize], o.binding.is_some());
        let mut attrs = vec![("Name", o.name.as_str())];
        attrs.extend(bound.then_some(("IsBound", "true")));
        attrs.extend(o.composable.then_some(("IsComposable", "true")));
        open(w, element, &attrs, false)?;
        let mut names = BTreeSet::from(["bindingParameter"]);
        if let Some(b) = &o.binding {
            let ty = match b.ty.as_deref().filter(|t| self.own.contains_key(t)) {
                Some(t) => self.type_text(&TypeRef::Complex { name: t.into() }, b.collection),
                None => {
                    r.unresolved_bindings += 1;
                    "Edm.EntityType".to_string()
                }
            };
            open(
                w,
                "Parameter",
                &[("Name", "bindingParameter"), ("Type", &ty)],
                true,
            )?;
        }
        for p in &o.params {
            if !is_simple_identifier(&p.name) || !names.insert(p.name.as_str()) {
                r.skipped_properties += 1;
                continue;
            }
            let ty = self.type_text(&p.ty, p.collection);
            let mut attrs = vec![("Name", p.name.as_str()), ("Type", ty.as_str())];
            attrs.extend((p.nullable == Some(false)).then_some(("Nullable", "false")));
            open(w, "Parameter", &attrs, true)?;
        }
        // a function returns something; when the docs don't say what, the fallback type
        let returns = match (&o.returns, o.kind) {
            (Some((ty, collection)), _) => Some(self.type_text(ty, *collection)),
            (None, CallKind::Function) => Some(FALLBACK.to_string()),
            (None, CallKind::Action) => None,
        };
        if let Some(ty) = returns {
            open(w, "ReturnType", &[("Type", &ty)], true)?;
        }
        close(w, element)
    }

    fn write_type(&self, w: &mut W, q: &'a str, r: &mut Report) -> io::Result<()> {
        let (chain, props, types) = (self.chain(q), &self.own[q], &self.ir.types);
        let kind = ["ComplexType", "EntityType"][usize::from(self.is_entity(q))];
        let is_abstract = chain.iter().all(|c| types[*c].is_abstract);
        let is_open = chain.iter().any(|c| types[*c].open);
        let mut attrs = vec![("Name", simple_name(q))];
        attrs.extend(self.parent[q].map(|b| ("BaseType", b)));
        attrs.extend(is_abstract.then_some(("Abstract", "true")));
        attrs.extend(is_open.then_some(("OpenType", "true")));
        let key = self.entity_roots.get(q).copied().flatten();
        let empty = props.is_empty() && key.is_none();
        open(w, kind, &attrs, empty)?;
        if let Some(k) = key {
            open(w, "Key", &[], false)?;
            open(w, "PropertyRef", &[("Name", k)], true)?;
            close(w, "Key")?;
        }
        for p in props {
            let (name, nav) = self.type_name(&p.ty);
            r.fallback_types += usize::from(name == FALLBACK && p.ty != STRING);
            let ty = self.type_text(&p.ty, p.collection);
            let mut attrs = vec![("Name", p.name.as_str()), ("Type", &ty)];
            // CSDL: a collection-valued navigation property takes no Nullable.
            let not_null = key == Some(p.name.as_str()) || p.nullable == Some(false);
            attrs.extend((not_null && !(nav && p.collection)).then_some(("Nullable", "false")));
            let element = ["Property", "NavigationProperty"][usize::from(nav)];
            open(w, element, &attrs, true)?;
        }
        if !empty {
            close(w, kind)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Loc;
    use crate::ir::TypeDef;

    fn loc() -> Loc {
        Loc {
            file: "t.md".into(),
            line: 1,
            col: 1,
        }
    }

    /// `name:Type`, then `*` for a collection, `!` for not nullable; Type is `String`, `Int64`,
    /// `Json`, `enum:t.x`, `?x` (opaque) or else a type name.
    #[rustfmt::skip]
    fn prop(spec: &str) -> Property {
        let (name, ty) = spec.split_once(':').unwrap();
        let bare = ty.trim_end_matches(['*', '!']);
        let (collection, nullable) = (ty.contains('*'), ty.contains('!').then_some(false));
        let mut primitive = [P::String, P::Int64, P::Json].into_iter();
        let primitive = primitive.find(|p| format!("{p:?}") == bare);
        let ty = match (primitive, bare.strip_prefix("enum:"), bare.strip_prefix('?')) {
            (Some(primitive), ..) => TypeRef::Primitive { primitive },
            (_, Some(n), _) => TypeRef::Enum { name: n.into() },
            (_, _, Some(s)) => TypeRef::Opaque { spelling: s.into() },
            _ => TypeRef::Complex { name: bare.into() },
        };
        let (name, description, read_only, loc) = (name.into(), "<&\"'>".into(), false, loc());
        Property { name, ty, collection, read_only, nullable, description, loc }
    }

    /// `name flag... | property... | navigation...`; flags: entity, abstract, key=k, base=q.
    #[rustfmt::skip]
    fn add(ir: &mut Ir, spec: &str) {
        let mut parts = spec.split('|').map(str::split_whitespace);
        let mut head = parts.next().unwrap();
        let name = format!("t.{}", head.next().unwrap());
        let flags: Vec<&str> = head.collect();
        let arg = |k: &str| flags.iter().find_map(|f| f.strip_prefix(k)).map(String::from);
        let (key, base, is_abstract) = (arg("key="), arg("base="), flags.contains(&"abstract"));
        let kind = [TypeKind::Complex, TypeKind::Entity][usize::from(flags.contains(&"entity"))];
        let mut lists = parts.map(|p| p.map(prop).collect::<Vec<_>>());
        let (properties, navigation) = (lists.next().unwrap_or_default(), lists.next());
        let (namespace, description, open, loc) = ("t".into(), String::new(), false, loc());
        let t = TypeDef { name: name.clone(), namespace, kind, key, base, base_source: None, open, is_abstract,
            description, area: "t".into(), properties, navigation: navigation.unwrap_or_default(), loc };
        ir.types.insert(name, t);
    }

    /// `name [flags] | member[=value]...`
    #[rustfmt::skip]
    fn add_enum(ir: &mut Ir, spec: &str) {
        let (head, members) = spec.split_once('|').unwrap();
        let name = format!("t.{}", head.split_whitespace().next().unwrap());
        let member = |m: &str| {
            let (n, v) = m.split_once('=').map_or((m, None), |(n, v)| (n, Some(v.into())));
            EnumMember { name: n.into(), value: v, description: String::new(), loc: loc() }
        };
        let members = members.split_whitespace().map(member).collect();
        let (namespace, flags, description) = ("t".into(), head.contains("flags"), "".into());
        let e = EnumDef { name: name.clone(), namespace, flags, description, area: "t".into(), members, loc: loc() };
        ir.enums.insert(name, e);
    }

    #[test]
    fn hand_made_ir() {
        let mut ir = Ir::default();
        for spec in [
            "base entity abstract key=id | id:String @odata.type:String",
            "derived base=t.base key=id | id:String tags:String* extra:?Integer \
             | parent:t.base others:t.base* detail:t.detail",
            "detail | n:Int64! raw:Json color:enum:t.color* gone:t.missing",
            "keyless entity | a:String",
            "loop1 base=t.loop2",
            "loop2 base=t.loop1",
            "bad-type",
        ] {
            add(&mut ir, spec);
        }
        add_enum(&mut ir, "color flags | red green bad-name blue red");
        add_enum(&mut ir, "level | low=-1 high=3000000000");
        add_enum(&mut ir, "empty | @x");

        let (xml, r) = to_csdl_with_report(&ir);
        let mut reader = quick_xml::Reader::from_str(&xml);
        while reader.read_event().expect("well-formed") != Event::Eof {}
        let lines: Vec<&str> = xml.lines().map(str::trim).collect();
        for want in [
            r#"<EnumType Name="color" IsFlags="true">|<Member Name="red" Value="1"/>|<Member Name="green" Value="2"/>|<Member Name="blue" Value="4"/>|</EnumType>"#,
            r#"<EnumType Name="level" UnderlyingType="Edm.Int64">|<Member Name="low" Value="-1"/>|<Member Name="high" Value="3000000000"/>"#,
            r#"<EntityType Name="base" Abstract="true">|<Key>|<PropertyRef Name="id"/>|</Key>|<Property Name="id" Type="Edm.String" Nullable="false"/>|</EntityType>"#,
            r#"<EntityType Name="derived" BaseType="t.base">|<Property Name="tags" Type="Collection(Edm.String)"/>|<Property Name="extra" Type="Edm.String"/>|<NavigationProperty Name="parent" Type="t.base"/>|<NavigationProperty Name="others" Type="Collection(t.base)"/>|<Property Name="detail" Type="t.detail"/>|</EntityType>"#,
            r#"<ComplexType Name="detail">|<Property Name="n" Type="Edm.Int64" Nullable="false"/>|<Property Name="raw" Type="t.Json"/>|<Property Name="color" Type="Collection(t.color)"/>|<Property Name="gone" Type="Edm.String"/>|</ComplexType>"#,
            r#"<ComplexType Name="keyless">|<Property Name="a" Type="Edm.String"/>|</ComplexType>|<ComplexType Name="loop1"/>|<ComplexType Name="loop2"/>|<ComplexType Name="Json" OpenType="true"/>|</Schema>"#,
        ] {
            let want: Vec<&str> = want.split('|').collect();
            assert!(
                lines.windows(want.len()).any(|w| w == want),
                "missing {want:?}\n{xml}"
            );
        }
        assert_eq!(xml.matches("<Key>").count(), 1, "{xml}");
        assert!(!xml.contains("odata.type") && !xml.contains("bad") && !xml.contains("empty"));
        let want = "Report { schemas: 1, types: 6, enums: 2, skipped_types: 2, skipped_properties: 2, \
                    skipped_members: 3, demoted_entities: 1, dropped_bases: 2, fallback_types: 2, \
                    operations: 0, skipped_operations: 0, unresolved_bindings: 0, container_children: 0 }";
        assert_eq!(format!("{r:?}"), want);
        assert_eq!(to_csdl(&ir), xml, "deterministic");
    }
}
