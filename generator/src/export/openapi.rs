//! IR → OpenAPI 3.0.3, as a `serde_json::Value` (keys sorted: deterministic). `paths` come
//! from the operations, `components.schemas` from the types and enums, plus [`ERROR_SCHEMA`]
//! for every operation's `default` response. Decisions, counted in [`Report`]:
//! - Schemas are keyed by qualified name; characters outside `[A-Za-z0-9._-]` become `_`, a
//!   key taken already gets `_2`, `_3`... (renamed).
//! - Inheritance is flattened, as in the generated SDK: a schema lists the type's effective
//!   properties (bases first, no `@odata.type`) and stands alone.
//! - Every property is `nullable: true` (the SDK reads every field as optional). References
//!   are wrapped, `allOf: [$ref]`, as 3.0 ignores siblings of `$ref`; collections are arrays
//!   of non-nullable items. `Json`, opaque types and references to types or enums the IR
//!   does not define (a fallback) are `{}`, any value.
//! - Enums are strings with their wire names in `enum`; flags enums (comma-separated lists)
//!   get a `pattern` instead.
//! - Paths: literals as written, parameters as `{name}` (sanitized like schema keys; a name
//!   repeated in one path gets `_2`...). Templates equal but for parameter names are one
//!   path, named by the first seen. Query pairs fixed in a documented path (`?$filter=..`)
//!   cannot be in an OpenAPI path: such a template yields to one without them. Otherwise a
//!   method already on a path is dropped, the first (IR order) kept.
//! - Each kept (operation, path) is one OpenAPI operation; `operationId` is its name in
//!   lowerCamelCase, then `_2`, `_3`... for later paths and for names taken already.
//! - Responses: the documented status (out-of-range ones ignored), else `204` without a body
//!   type and `200` with one; a collection is `{value: [...], @odata.nextLink}`.

use crate::ir::path::{PathTemplate, Piece};
use crate::ir::{Body, Ir, Operation, Primitive, Property, TypeRef, effective_properties};
use Primitive as P;
use heck::ToLowerCamelCase;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

pub const OPENAPI_VERSION: &str = "3.0.3";
pub const TITLE: &str = "Microsoft Graph (beta), from the API reference docs";
pub const SERVER: &str = "https://graph.microsoft.com/beta";
/// The shared error schema: `{error: {code, message, innerError}}`.
pub const ERROR_SCHEMA: &str = "ODataError";

/// What the document holds and what the export had to drop or change (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub paths: usize,
    pub operations: usize,
    /// Component schemas, [`ERROR_SCHEMA`] included.
    pub schemas: usize,
    /// (operation, path) pairs whose method the same OpenAPI path already had.
    pub dropped_duplicates: usize,
    /// Schema keys that differ from the qualified name; path parameter names sanitized.
    pub renamed: usize,
    /// References to undefined types or enums, written as `{}`.
    pub fallback_refs: usize,
}

/// The IR as one OpenAPI 3.0.3 document.
pub fn to_openapi(ir: &Ir) -> Value {
    to_openapi_with_report(ir).0
}

/// [`to_openapi`] as pretty-printed JSON with a final newline.
pub fn to_openapi_string(ir: &Ir) -> String {
    pretty(&to_openapi(ir))
}

/// A document as pretty-printed JSON, with a final newline.
pub fn pretty(doc: &Value) -> String {
    let mut out = serde_json::to_string_pretty(doc).expect("a JSON value always serializes");
    out.push('\n');
    out
}

/// [`to_openapi`] plus its counts.
pub fn to_openapi_with_report(ir: &Ir) -> (Value, Report) {
    let mut x = Exporter {
        ir,
        types: BTreeMap::new(),
        enums: BTreeMap::new(),
        r: Report::default(),
    };
    let mut used = BTreeSet::from([ERROR_SCHEMA.to_string()]);
    let names = ir.types.keys().map(|q| (q, false));
    for (q, is_enum) in names.chain(ir.enums.keys().map(|q| (q, true))) {
        let key = unique(sanitize(q), &mut used);
        x.r.renamed += usize::from(key != *q);
        let map = if is_enum { &mut x.enums } else { &mut x.types };
        map.insert(q.as_str(), key);
    }
    let mut schemas = Map::new();
    schemas.insert(ERROR_SCHEMA.into(), error_schema());
    for (q, t) in &ir.types {
        let props = effective_properties(ir, t).into_iter();
        let props = props.map(|p| (p.name.clone(), x.property(p))).collect();
        let key = x.types[q.as_str()].clone();
        schemas.insert(key, describe(object(props), &t.description));
    }
    for (q, e) in &ir.enums {
        let mut seen = BTreeSet::new();
        let members = e.members.iter().map(|m| m.name.as_str());
        let members: Vec<&str> = members.filter(|m| seen.insert(*m)).collect();
        let mut s = json!({"type": "string"});
        if e.flags && !members.is_empty() {
            let alt: Vec<String> = members.iter().map(|m| ecma_escape(m)).collect();
            s["pattern"] = json!(format!("^({0})(,\\s*({0}))*$", alt.join("|")));
        } else if !members.is_empty() {
            s["enum"] = json!(members);
        }
        schemas.insert(x.enums[q.as_str()].clone(), describe(s, &e.description));
    }
    let paths = x.paths();
    x.r.schemas = schemas.len();
    let doc = json!({
        "openapi": OPENAPI_VERSION,
        "info": {"title": TITLE, "version": "beta"},
        "servers": [{"url": SERVER}],
        "paths": paths,
        "components": {"schemas": schemas},
    });
    (doc, x.r)
}

struct Exporter<'a> {
    ir: &'a Ir,
    /// Qualified name → component key, for types and for enums.
    types: BTreeMap<&'a str, String>,
    enums: BTreeMap<&'a str, String>,
    r: Report,
}

/// One OpenAPI path: its text and its parameter names, in order.
struct PathItem {
    text: String,
    params: Vec<String>,
}

impl<'a> Exporter<'a> {
    /// The schema of one value of `ty` (a `$ref`, a primitive, or `{}`).
    fn schema(&mut self, ty: &TypeRef) -> Value {
        let key = match ty {
            TypeRef::Primitive { primitive } => return primitive_schema(*primitive),
            TypeRef::Opaque { .. } => return json!({}),
            TypeRef::Complex { name } => self.types.get(name.as_str()),
            TypeRef::Enum { name } => self.enums.get(name.as_str()),
        };
        match key {
            Some(k) => json!({"$ref": format!("#/components/schemas/{k}")}),
            None => {
                self.r.fallback_refs += 1;
                json!({})
            }
        }
    }

    fn property(&mut self, p: &Property) -> Value {
        let inner = self.schema(&p.ty);
        let mut s = match (p.collection, inner.get("$ref").is_some()) {
            (true, _) => array(inner),
            (false, true) => json!({"allOf": [inner]}),
            (false, false) => inner,
        };
        s["nullable"] = json!(true);
        if p.read_only {
            s["readOnly"] = json!(true);
        }
        describe(s, &p.description)
    }

    fn paths(&mut self) -> Map<String, Value> {
        let ir = self.ir;
        let ops = &ir.operations;
        let pairs = ops.iter().enumerate().flat_map(|(i, op)| {
            let paths = op.paths.iter().enumerate();
            paths.map(move |(j, t)| (i, j, t))
        });
        // Templates without a query first: they win a clash over a method.
        let (plain, queried): (Vec<_>, Vec<_>) =
            pairs.partition(|(.., t)| t.query.is_empty() && t.options.is_empty());
        let (mut items, mut kept, mut taken) = (BTreeMap::new(), BTreeMap::new(), BTreeSet::new());
        for (i, j, t) in plain.into_iter().chain(queried) {
            // Each of the IR's methods is an OpenAPI path-item field.
            let method = ops[i].method.as_str().to_lowercase();
            let key = blank(t);
            if !items.contains_key(&key) {
                items.insert(key.clone(), self.path_item(t));
            }
            if taken.insert((key.clone(), method.clone())) {
                kept.insert((i, j), (key, method));
            } else {
                self.r.dropped_duplicates += 1;
            }
        }
        let (mut out, mut ids) = (Map::new(), BTreeSet::new());
        for ((i, _), (key, method)) in kept {
            let (op, item) = (&ops[i], &items[&key]);
            let id = unique(operation_id(&op.name), &mut ids);
            let o = self.operation(op, id, &item.params);
            out.entry(item.text.clone()).or_insert_with(|| json!({}))[method.as_str()] = o;
            self.r.operations += 1;
        }
        self.r.paths = out.len();
        out
    }

    fn path_item(&mut self, t: &PathTemplate) -> PathItem {
        let (mut text, mut params, mut used) = (String::new(), Vec::new(), BTreeSet::new());
        for piece in &t.pieces {
            match piece {
                Piece::Literal { text: l } => text.push_str(l),
                Piece::Param { name, .. } => {
                    let clean = sanitize(name);
                    self.r.renamed += usize::from(clean != *name);
                    let name = unique(clean, &mut used);
                    text.push_str(&format!("{{{name}}}"));
                    params.push(name);
                }
            }
        }
        PathItem { text, params }
    }

    fn operation(&mut self, op: &Operation, id: String, path_params: &[String]) -> Value {
        let string = json!({"type": "string"});
        let path = path_params
            .iter()
            .map(|n| param(n, "path", true, string.clone()));
        let mut params: Vec<Value> = path.collect();
        let mut seen = BTreeSet::new();
        for q in op.query.iter().filter(|q| !q.is_empty() && seen.insert(*q)) {
            let schema = match q.to_lowercase().as_str() {
                "$top" | "$skip" => json!({"type": "integer", "format": "int32"}),
                "$count" => json!({"type": "boolean"}),
                _ => string.clone(),
            };
            params.push(param(q, "query", false, schema));
        }
        let mut seen = BTreeSet::new();
        for h in &op.headers {
            if !h.name.is_empty() && seen.insert(h.name.to_lowercase()) {
                let p = param(&h.name, "header", h.required, string.clone());
                params.push(describe(p, &h.description));
            }
        }
        let mut o = json!({"operationId": id, "summary": op.name, "responses": self.responses(op)});
        o = describe(o, &op.description);
        if !params.is_empty() {
            o["parameters"] = json!(params);
        }
        if let Some(body) = &op.body {
            let (media, schema) = match body {
                Body::Type { ty, collection } => {
                    let s = self.schema(ty);
                    (media_type(ty), if *collection { array(s) } else { s })
                }
                Body::Parameters { properties } => {
                    let mut props = Map::new();
                    for p in properties {
                        props.entry(&p.name).or_insert_with(|| self.property(p));
                    }
                    ("application/json", object(props))
                }
                Body::Binary { content_type } => (
                    content_type
                        .as_deref()
                        .unwrap_or("application/octet-stream"),
                    json!({"type": "string", "format": "binary"}),
                ),
            };
            o["requestBody"] = json!({"required": true, "content": {media: {"schema": schema}}});
        }
        o
    }

    fn responses(&mut self, op: &Operation) -> Value {
        let r = &op.response;
        let status = match r.status.filter(|s| (100..=599).contains(s)) {
            Some(s) => s,
            None if r.ty.is_none() => 204,
            None => 200,
        };
        let text = ["Documented response", "Success"][usize::from(status / 100 == 2)];
        let mut ok = json!({"description": text});
        if let Some(ty) = &r.ty {
            let mut s = self.schema(ty);
            if r.collection {
                let link = json!({"type": "string", "nullable": true});
                let props = json!({"value": array(s), "@odata.nextLink": link});
                s = json!({"type": "object", "properties": props});
            }
            ok["content"] = json!({media_type(ty): {"schema": s}});
        }
        let error = json!({"$ref": format!("#/components/schemas/{ERROR_SCHEMA}")});
        let error =
            json!({"description": "Error", "content": {"application/json": {"schema": error}}});
        json!({status.to_string(): ok, "default": error})
    }
}

fn primitive_schema(p: Primitive) -> Value {
    let (ty, format) = match p {
        P::String => ("string", None),
        P::Boolean => ("boolean", None),
        P::Byte => ("integer", Some("uint8")),
        P::Int16 | P::Int32 => ("integer", Some("int32")),
        P::Int64 => ("integer", Some("int64")),
        P::Single => ("number", Some("float")),
        P::Double | P::Decimal => ("number", Some("double")),
        P::Guid => ("string", Some("uuid")),
        P::DateTimeOffset => ("string", Some("date-time")),
        P::Date => ("string", Some("date")),
        P::TimeOfDay => ("string", Some("time")),
        P::Duration => ("string", Some("duration")),
        P::Binary => ("string", Some("byte")),
        P::Stream => ("string", Some("binary")),
        P::Json => return json!({}),
    };
    let mut s = json!({"type": ty});
    if let Some(f) = format {
        s["format"] = json!(f);
    }
    s
}

fn media_type(ty: &TypeRef) -> &'static str {
    let stream = matches!(
        ty,
        TypeRef::Primitive {
            primitive: P::Stream
        }
    );
    ["application/json", "application/octet-stream"][usize::from(stream)]
}

fn error_schema() -> Value {
    let string = json!({"type": "string"});
    let inner =
        json!({"type": "object", "description": "Service details (request-id, date, ...)."});
    let props = json!({"code": string, "message": string, "innerError": inner});
    let error = json!({"type": "object", "required": ["code", "message"], "properties": props});
    json!({"type": "object", "required": ["error"], "properties": {"error": error}})
}

fn param(name: &str, place: &str, required: bool, schema: Value) -> Value {
    json!({"name": name, "in": place, "required": required, "schema": schema})
}

fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

/// `type: object` with `properties`, when there are some.
fn object(properties: Map<String, Value>) -> Value {
    match properties.is_empty() {
        true => json!({"type": "object"}),
        false => json!({"type": "object", "properties": properties}),
    }
}

/// `s` with a `description`, when there is one.
fn describe(mut s: Value, description: &str) -> Value {
    if !description.trim().is_empty() {
        s["description"] = json!(description.trim());
    }
    s
}

/// The path with its parameters blanked: equal for templates that differ only in names.
fn blank(t: &PathTemplate) -> String {
    let piece = |p: &Piece| match p {
        Piece::Literal { text } => text.clone(),
        Piece::Param { .. } => "{}".into(),
    };
    t.pieces.iter().map(piece).collect()
}

/// `[A-Za-z0-9._-]` kept, anything else `_`.
fn sanitize(s: &str) -> String {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    s.chars().map(|c| if ok(c) { c } else { '_' }).collect()
}

/// `base`, or `base_2`, `base_3`... whichever is free first (then taken).
fn unique(base: String, used: &mut BTreeSet<String>) -> String {
    let (mut name, mut n) = (base.clone(), 1);
    while !used.insert(name.clone()) {
        n += 1;
        name = format!("{base}_{n}");
    }
    name
}

/// "Create synchronizationJob" → `createSynchronizationJob` (ASCII letters and digits).
fn operation_id(name: &str) -> String {
    let ascii = |c: char| if c.is_ascii_alphanumeric() { c } else { ' ' };
    let words: String = name.replace(['\'', '’'], "").chars().map(ascii).collect();
    Some(words.to_lower_camel_case())
        .filter(|id| !id.is_empty())
        .unwrap_or("operation".into())
}

/// ECMA-262 regex syntax characters escaped.
fn ecma_escape(s: &str) -> String {
    let meta = |c: char| "^$\\.*+?()[]{}|/".contains(c);
    s.chars()
        .flat_map(|c| meta(c).then_some('\\').into_iter().chain([c]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_primitives() {
        assert_eq!(
            operation_id("Create synchronizationJob"),
            "createSynchronizationJob"
        );
        assert_eq!(
            operation_id("synchronizationJob: pause"),
            "synchronizationJobPause"
        );
        assert_eq!(operation_id("Get user's photo (ßeta)"), "getUsersPhotoEta");
        assert_eq!(operation_id("—"), "operation");
        let mut used = BTreeSet::from(["a_2".to_string()]);
        let names = ["a", "a", "a", "b"].map(|n| unique(n.into(), &mut used));
        assert_eq!(names, ["a", "a_3", "a_4", "b"]);
        let t = crate::ir::path::parse("/a/{id}/b('{id | name}')").unwrap();
        assert_eq!(blank(&t), "/a/{}/b('{}')");
        assert_eq!(sanitize("a.b c-d_e/f`1"), "a.b_c-d_e_f_1");
        assert_eq!(ecma_escape("a.b-c(d)"), r"a\.b-c\(d\)");
        let double = json!({"type": "number", "format": "double"});
        assert_eq!(primitive_schema(P::Decimal), double);
        assert_eq!(primitive_schema(P::Boolean), json!({"type": "boolean"}));
        assert_eq!(primitive_schema(P::Json), json!({}));
        let formats = [
            P::Byte,
            P::Int16,
            P::Single,
            P::Guid,
            P::Binary,
            P::Stream,
            P::Duration,
        ];
        let formats = formats.map(|p| primitive_schema(p)["format"].clone());
        let want = [
            "uint8", "int32", "float", "uuid", "byte", "binary", "duration",
        ];
        assert_eq!(formats, want.map(|f| json!(f)));
        let stream = TypeRef::Primitive {
            primitive: P::Stream,
        };
        assert_eq!(media_type(&stream), "application/octet-stream");
    }
}
