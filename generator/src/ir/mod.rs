//! The intermediate schema (IR): what the docs define, resolved and normalised, independent
//! of Rust. Serialisable as JSON (`doc2rs ir`) so other tools can read it.
//!
//! Names are qualified OData names as the docs spell them (`microsoft.graph.synchronizationJob`);
//! maps are sorted so output is deterministic.
//!
//! `Ir { types, enums, operations, examples, pages }`, all keyed by qualified OData name
//! (`microsoft.graph.synchronizationJob`) in sorted maps. A `TypeDef` has kind (entity when it
//! has a key), key, base, open, abstract, description, properties and navigation properties.
//! A `Property` has its exact JSON name, a `TypeRef` (`primitive` | `complex` | `enum` |
//! `opaque`), collection, read-only, nullable, description and `Loc`. `EnumDef` has flags and
//! members (wire name, numeric value, description). `Example` is a data body with the type it
//! holds and, when the docs contradict themselves, the predicted mismatch.
//!
//! Resolution rules: the Properties table wins over the JSON representation (a note says so);
//! properties found only in the JSON are added; an undefined name becomes `opaque` (raw JSON)
//! with a warning. Two sources against one change the model: when data examples and the JSON
//! representation agree against the table, or examples carry an array for a single value,
//! the property follows the examples (warning `D2R405` at the table row).

pub(crate) mod build;
pub(crate) mod call;
pub(crate) mod enums;
pub(crate) mod hierarchy;
pub(crate) mod navigation;
pub(crate) mod ops;
#[cfg(test)]
mod pass_tests;
pub mod path;
pub(crate) mod path_repair;
pub(crate) mod possible_values;
pub(crate) mod representation;
pub(crate) mod resolve;
pub(crate) mod resources;
pub(crate) mod select;
pub mod service;
pub(crate) mod shape;
pub(crate) mod typespell;
pub(crate) mod validate;

use crate::diag::Loc;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
pub use typespell::Primitive;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Ir {
    /// Entity and complex types by qualified name.
    pub types: BTreeMap<String, TypeDef>,
    /// Enum types by qualified name.
    pub enums: BTreeMap<String, EnumDef>,
    /// Documented operations (filled from API pages).
    pub operations: Vec<Operation>,
    /// Data examples (request and response bodies) with the type they hold.
    pub examples: Vec<Example>,
    /// Every page read, with its kind.
    pub pages: BTreeMap<String, crate::page::PageKind>,
    /// The service root the docs' requests are written against
    /// (`https://graph.microsoft.com/v1.0` for v1.0 docs); `None` when they never say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_root: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TypeKind {
    /// Has a key property.
    Entity,
    Complex,
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    pub name: String,
    pub namespace: String,
    pub kind: TypeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Qualified name of the base type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Where the docs state the base (see `ir::hierarchy`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_source: Option<BaseOrigin>,
    pub open: bool,
    #[serde(rename = "abstract")]
    pub is_abstract: bool,
    pub description: String,
    /// The product area (`ms.prod` of the defining page); a cargo feature of the SDK.
    pub area: String,
    pub properties: Vec<Property>,
    pub navigation: Vec<Property>,
    pub loc: Loc,
}

/// Which statement of the docs a base type comes from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BaseSource {
    /// `"baseType"` in the resource annotation.
    Annotation,
    /// "Inherits from \[x\]" / "Derived from \[x\]" in the page prose.
    Prose,
    /// Property rows described "Inherited from \[x\]".
    InheritedRows,
    /// Data examples carry a value of this type (by `@odata.type`) where the schema says
    /// the base.
    Example,
    /// A keyed type with no stated base derives from the root entity type (the keyed type
    /// whose only property is its key and that most types derive from).
    KeyedEntity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseOrigin {
    pub source: BaseSource,
    pub loc: Loc,
}

impl TypeDef {
    /// The simple (unqualified) name.
    pub fn simple_name(&self) -> &str {
        simple_name(&self.name)
    }
}

/// The product area of a page: its `ms.prod`, normalised to a cargo feature name
/// (`"Sharepoint"` → `sharepoint`); `general` when empty or a placeholder.
pub(crate) fn area_of(page: &crate::page::Page) -> String {
    let raw = page
        .front_matter
        .get("ms.prod")
        .map(String::as_str)
        .unwrap_or("");
    let mut area = String::new();
    for c in raw.trim().chars() {
        if c.is_ascii_alphanumeric() {
            area.push(c.to_ascii_lowercase());
        } else if !area.is_empty() && !area.ends_with('-') {
            area.push('-');
        }
    }
    let area = area.trim_end_matches('-').to_string();
    if area.is_empty()
        || raw.contains("TODO")
        || !area.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        "general".into()
    } else {
        area
    }
}

/// `microsoft.graph.x` → `x`.
pub fn simple_name(qualified: &str) -> &str {
    qualified.rsplit('.').next().unwrap_or(qualified)
}

/// The namespace most of `qualified` names are in (the first such in order): the service's
/// main namespace.
pub fn most_populous_namespace<'a>(qualified: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for q in qualified {
        *counts.entry(namespace_of(q)).or_default() += 1;
    }
    let best = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
    best.map(|(ns, _)| *ns)
}

/// `microsoft.graph.x` → `microsoft.graph`.
pub fn namespace_of(qualified: &str) -> &str {
    qualified.rsplit_once('.').map_or("", |(ns, _)| ns)
}

#[derive(Debug, Clone, Serialize)]
pub struct Property {
    /// The exact JSON name.
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub collection: bool,
    pub read_only: bool,
    /// `Some(true)` for "Nullable", `Some(false)` for "Not nullable", else unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    pub description: String,
    pub loc: Loc,
}

/// A resolved type reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TypeRef {
    Primitive {
        primitive: Primitive,
    },
    /// An entity or complex type in `Ir::types`.
    Complex {
        name: String,
    },
    /// An enum in `Ir::enums`.
    Enum {
        name: String,
    },
    /// Unresolved: kept as raw JSON so nothing is lost; a diagnostic says why.
    Opaque {
        spelling: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumDef {
    pub name: String,
    pub namespace: String,
    pub flags: bool,
    pub description: String,
    pub area: String,
    pub members: Vec<EnumMember>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumMember {
    /// The exact wire value.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub description: String,
    pub loc: Loc,
}

/// An operation's HTTP method: the five the docs' request lines use (`ir::ops` reads no
/// other). Serialised as the docs write it (`"GET"`); ordered as those words are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Delete,
    Get,
    Patch,
    Post,
    Put,
}

impl Method {
    /// The method a request line names (upper case, as the docs write it).
    pub fn parse(word: &str) -> Option<Method> {
        Some(match word {
            "DELETE" => Method::Delete,
            "GET" => Method::Get,
            "PATCH" => Method::Patch,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            _ => return None,
        })
    }

    /// The method as HTTP writes it (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Delete => "DELETE",
            Method::Get => "GET",
            Method::Patch => "PATCH",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }

    /// Whether a request with this method carries a body (`POST`, `PATCH`, `PUT`).
    pub fn takes_body(self) -> bool {
        matches!(self, Method::Post | Method::Patch | Method::Put)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The first line of a request example: its method and its URL as the docs write it.
/// Serialised as the pair `["GET", "https://..."]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    pub method: Method,
    pub url: String,
}

impl Serialize for RequestLine {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.method, &self.url).serialize(serializer)
    }
}

/// A documented operation (one API page; a second page for the same method and path is
/// merged into it).
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// Stable id: the page that documents it (`api/synchronization-synchronizationjob-get.md`).
    pub id: String,
    /// A name in the docs' words, from the title ("Create synchronizationJob").
    pub name: String,
    /// Documented only by a template stub (TODO placeholders).
    pub stub: bool,
    pub area: String,
    pub description: String,
    pub method: Method,
    /// Every documented path; at least one.
    pub paths: Vec<path::PathTemplate>,
    /// Documented query options (`$select`, `$filter`, ... and custom ones), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<String>,
    /// Documented request headers other than Authorization and Content-Type.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderParam>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    pub response: Response,
    pub loc: Loc,
    /// Other pages documenting the same operation (merged into this one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_documented_at: Vec<Loc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeaderParam {
    pub name: String,
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Body {
    /// A JSON representation of a type (create, update).
    Type {
        #[serde(rename = "type")]
        ty: TypeRef,
        collection: bool,
    },
    /// An action's parameters, as one JSON object.
    Parameters { properties: Vec<Property> },
    /// Raw bytes (a file's `content`, a `$value`, a documented non-JSON body): sent as the
    /// caller gives them, with the caller's content type (or the documented one). A
    /// `multipart/...` body is such bytes, built by the caller (never JSON).
    Binary {
        /// The content type the docs name for it (`text/plain`, `multipart/form-data`).
        #[serde(skip_serializing_if = "Option::is_none")]
        content_type: Option<String>,
    },
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Response {
    /// The documented success status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Every 2xx status the docs show for the operation (its Response section and its
    /// response examples, on every page that documents it), sorted; each one is a success.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<u16>,
    /// The body is bytes, not JSON (a download: `.../content`, `$value`, a `stream`):
    /// the caller gets the bytes and their content type.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub binary: bool,
    /// The body type; `None` when there is no body.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<TypeRef>,
    pub collection: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExampleKind {
    Request,
    Response,
    /// A data block on a resource page (a repeated `resource` or an `example` annotation).
    Example,
}

/// How a request example's URL maps onto its operation.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleCall {
    /// Index into `Operation::paths`.
    pub path: usize,
    /// Parameter values, in path order (percent-decoded).
    pub values: Vec<String>,
    /// Query pairs of the example URL (percent-decoded).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
}

/// One JSON body from the docs that is data, not a type placeholder.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub kind: ExampleKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The operation (by `Operation::id`) an API-page example belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Request examples: the method and URL of the first line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_line: Option<RequestLine>,
    /// Request examples: where that first line is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_loc: Option<Loc>,
    /// Request examples: which documented path the URL matches, with the values it fills in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<ExampleCall>,
    /// Response examples: the status of the first line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The type the body holds (qualified), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// The body is `{"value": [...]}` of `type_name`.
    pub collection: bool,
    pub body: serde_json::Value,
    /// Where the body does not fit its model (the docs contradict themselves); a generated
    /// test then checks that deserializing it fails, as predicted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mismatch: Option<String>,
    pub loc: Loc,
}

/// The properties of `t` and all its bases, base first, each JSON name once.
pub fn effective_properties<'a>(ir: &'a Ir, t: &'a TypeDef) -> Vec<&'a Property> {
    let mut chain = vec![t];
    let mut cur = t.base.as_ref().and_then(|b| ir.types.get(b));
    while let Some(b) = cur {
        if chain.iter().any(|c| c.name == b.name) {
            break;
        }
        chain.push(b);
        cur = b.base.as_ref().and_then(|n| ir.types.get(n));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for t in chain.iter().rev() {
        for p in t.properties.iter().chain(&t.navigation) {
            if p.name != "@odata.type" && seen.insert(p.name.as_str()) {
                out.push(p);
            }
        }
    }
    out
}

/// The type in `t`'s base chain that declares property `name`.
pub fn declaring_type<'a>(ir: &'a Ir, t: &'a TypeDef, name: &str) -> Option<&'a str> {
    let mut cur = Some(t);
    while let Some(t) = cur {
        if t.properties
            .iter()
            .chain(&t.navigation)
            .any(|p| p.name == name)
        {
            return Some(&t.name);
        }
        cur = t.base.as_ref().and_then(|b| ir.types.get(b));
    }
    None
}

/// Whether `t` or one of its base types has a property named `name`.
pub fn has_property(ir: &Ir, t: &TypeDef, name: &str) -> bool {
    declaring_type(ir, t, name).is_some()
}

impl TypeRef {
    /// The type or enum this names, if any.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Complex { name } | TypeRef::Enum { name } => Some(name),
            TypeRef::Primitive { .. } | TypeRef::Opaque { .. } => None,
        }
    }
}

impl TypeDef {
    /// The types and enums this type refers to: its base and its properties' types.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        let props = self.properties.iter().chain(&self.navigation);
        self.base
            .as_deref()
            .into_iter()
            .chain(props.filter_map(|p| p.ty.named()))
    }
}

impl Operation {
    /// The types and enums its request body and response name.
    pub fn references(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.response.ty.iter().filter_map(TypeRef::named).collect();
        match &self.body {
            Some(Body::Type { ty, .. }) => out.extend(ty.named()),
            Some(Body::Parameters { properties }) => {
                out.extend(properties.iter().filter_map(|p| p.ty.named()))
            }
            Some(Body::Binary { .. }) | None => {}
        }
        out
    }
}

/// Every type and enum reachable from `roots` through [`TypeDef::references`], roots included.
pub fn closure<'a>(ir: &'a Ir, roots: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = roots.into_iter().collect();
    while let Some(n) = stack.pop() {
        if seen.insert(n) {
            stack.extend(ir.types.get(n).into_iter().flat_map(TypeDef::references));
        }
    }
    seen
}
