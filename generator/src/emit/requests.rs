//! Operations → request builders (sans-IO). One struct per operation with a constructor per
//! documented path (typed path values, percent-encoded per segment), setters for the
//! documented query options and headers, and an `Operation` impl that yields the
//! `http::Request` parts and parses the response into the typed result or a Graph error.
//!
//! Builders live in `requests`, in one inline module per path root (`service_principals`,
//! `applications`, ...); an operation with paths under several roots is re-exported in each.

use super::models::{self, Boxing, StructShape};
use super::names::Names;
use super::syntax::cached;
use super::template::{Subst, Template};
use super::{EmitError, docs, syntax};
use crate::ident::{self, Namer, Style};
use crate::ir::path::{PathTemplate, Piece};
use crate::ir::{Body, Ir, Method, Operation, TypeRef};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

pub(crate) const MODULE: &str = "requests";

pub use super::request_names::OpNames;

/// How a query option's setter is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryKind {
    /// `$top`, `$skip`: a count.
    Number,
    /// `$count`: true or false.
    Flag,
    /// `$select`, `$expand`, `$orderby`: comma-separated items.
    List,
    /// Anything else (`$filter`, `$search`, custom options): text.
    Text,
}

impl QueryKind {
    pub fn of(option: &str) -> Self {
        match option.to_ascii_lowercase().as_str() {
            "$top" | "$skip" => QueryKind::Number,
            "$count" => QueryKind::Flag,
            "$select" | "$expand" | "$orderby" => QueryKind::List,
            _ => QueryKind::Text,
        }
    }
}

/// Setter names: one per query option, then one per header (unique, clear of constructors).
pub(crate) fn setter_names(op_names: &OpNames, op: &Operation) -> Vec<String> {
    let mut namer = Namer::new(Style::Snake);
    for c in op_names.constructors(&op.id) {
        namer.reserve(c);
    }
    let query = query_options(op);
    let names = query.iter().chain(op.headers.iter().map(|h| &h.name));
    names.map(|n| namer.claim(ident::field_name(n))).collect()
}

/// The OData system query options every `GET` takes, whether its page lists them or not.
const ANY_GET: [&str; 2] = ["$select", "$expand"];
/// ... and every `GET` of a collection.
const COLLECTION_GET: [&str; 6] = ["$filter", "$orderby", "$top", "$skip", "$count", "$search"];

/// The query options an operation's builder has a setter for: those its page documents, as
/// spelt there, then the OData system query options a `GET` takes that the page leaves out
/// (`$select` and `$expand`; on a collection also `$filter`, `$orderby`, `$top`, `$skip`,
/// `$count`, `$search`), compared ignoring case.
pub(crate) fn query_options(op: &Operation) -> Vec<String> {
    let mut options = op.query.clone();
    if op.method == Method::Get {
        let collection: &[&str] = if op.response.collection {
            &COLLECTION_GET
        } else {
            &[]
        };
        for o in ANY_GET.iter().chain(collection) {
            if !options.iter().any(|q| q.eq_ignore_ascii_case(o)) {
                options.push(o.to_string());
            }
        }
    }
    options
}

/// Literal path text made safe: anything outside the RFC 3986 path characters is encoded.
fn path_literal(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Parameter names of one path, as Rust idents (unique; the constructor's locals reserved).
/// A name the path uses more than once (`/classes/{id}/assignments/{id}`) is named from the
/// segment before each (`class_id`, `assignment_id`), so the arguments say which is which.
pub(crate) fn param_names(path: &PathTemplate) -> Vec<String> {
    let mut namer = Namer::new(Style::Snake);
    // Locals and body arguments of the generated constructor.
    for local in ["body", "content_type", "path", "parts"] {
        namer.reserve(local);
    }
    // Each parameter's name and the plain word segment just before it, if any.
    let mut params: Vec<(String, Option<&str>)> = Vec::new();
    let mut before: Option<&str> = None;
    for piece in &path.pieces {
        match piece {
            Piece::Literal { text } => {
                before = text
                    .strip_suffix('/')
                    .and_then(|t| t.rsplit('/').next())
                    .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()));
            }
            Piece::Param { name, .. } => params.push((ident::field_name(name), before.take())),
        }
    }
    let repeated = |n: &str| params.iter().filter(|(m, _)| m == n).count() > 1;
    params
        .iter()
        .map(|(name, before)| match before {
            Some(word) if repeated(name) => {
                let word = crate::ir::path_repair::singular(word);
                namer.claim(ident::field_name(&format!("{word}_{name}")))
            }
            _ => namer.claim(name.clone()),
        })
        .collect()
}

/// `http::Method::GET` and the like.
fn method_expr(method: Method) -> Result<syn::Expr, EmitError> {
    let m = format_ident!("{}", method.as_str());
    let template = cached("method", || {
        Template::parse("method", quote! { http::Method::__M })
    })?;
    Subst::new().with_ident("__M", &m).apply(&template)
}

/// The Rust type of the body the caller passes, if any.
fn body_type(ir_names: &Names, op_names: &OpNames, op: &Operation) -> Option<syn::Type> {
    match op.body.as_ref()? {
        Body::Type {
            ty: TypeRef::Complex { name },
            collection,
        } => {
            let t = ir_names.ty(name, MODULE);
            Some(if *collection {
                syntax::generic_type("Vec", t)
            } else {
                t
            })
        }
        Body::Type { .. } => Some(syntax::json_value_ty()),
        // Bytes and a content type: two arguments of their own (see `operation_item`).
        Body::Binary { .. } => None,
        Body::Parameters { .. } => Some(syntax::path_type(syntax::path([
            &op_names.body_ident(&op.id)
        ]))),
    }
}

/// How an operation's response is read (the `client::ResponseBody` its `Kind` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// JSON read as the output type; an empty body is an error (`client::Json<T>`).
    Json,
    /// JSON read as `Option<T>`, an empty body `None` (`client::JsonOrEmpty<T>`): the docs
    /// show a `204` for the operation, or it is a `PATCH` (Graph answers `204` unless asked
    /// for the representation).
    JsonOrEmpty,
    /// Bytes and their content type (`client::Bytes`, output `client::Content`).
    Bytes,
    /// No documented body; any body is ignored (`client::NoContent`, output `()`).
    NoContent,
}

impl Reading {
    pub fn of(op: &Operation) -> Self {
        let r = &op.response;
        if r.binary {
            Reading::Bytes
        } else if !matches!(r.ty, Some(TypeRef::Complex { .. })) {
            Reading::NoContent
        } else if r.statuses.contains(&204) || r.status == Some(204) || op.method == Method::Patch {
            Reading::JsonOrEmpty
        } else {
            Reading::Json
        }
    }
}

/// The output's type (`X`, `crate::runtime::Collection<X>`) when the response is JSON.
fn json_output(ir_names: &Names, op: &Operation) -> Result<Option<syn::Type>, EmitError> {
    let Some(TypeRef::Complex { name }) = &op.response.ty else {
        return Ok(None);
    };
    let t = ir_names.ty(name, MODULE);
    Ok(Some(if op.response.collection {
        let template = cached("collection type", || {
            Template::parse(
                "collection type",
                quote! { crate::runtime::Collection<__X> },
            )
        })?;
        Subst::new().with_type("__X", &t).apply(&template)?
    } else {
        t
    }))
}

/// What a builder's page says first: the call, what it returns and its setters
/// (` `GET /users` → `runtime::Collection<graph::User>` (`client.send`). Setters: ...`),
/// since rustdoc shows an alias's own doc but not the `Kind` that decides its output. The
/// text is the docs' path and the generator's own type names, inside a string literal.
fn call_summary(names: &Names, op: &Operation, setters: &[String]) -> Result<String, EmitError> {
    let text = |t: &syn::Type| {
        quote!(#t)
            .to_string()
            .replace(' ', "")
            .replace("crate::", "")
    };
    let json = || -> Result<String, EmitError> {
        Ok(json_output(names, op)?.map_or_else(|| "()".to_string(), |t| text(&t)))
    };
    let output = match Reading::of(op) {
        Reading::Json => json()?,
        Reading::JsonOrEmpty => format!("Option<{}>", json()?),
        Reading::Bytes => "client::Content".to_string(),
        Reading::NoContent => "()".to_string(),
    };
    let path = op.paths.first().map_or("", |p| p.raw.as_str());
    let more = match op.paths.len() {
        0 | 1 => String::new(),
        2 => " (and 1 more path, one constructor each)".to_string(),
        n => format!(" (and {} more paths, one constructor each)", n - 1),
    };
    let setters = match setters {
        [] => String::new(),
        _ => {
            let list: Vec<String> = setters.iter().map(|s| format!("`{s}`")).collect();
            format!(" Setters: {}.", list.join(", "))
        }
    };
    Ok(format!(
        " `{} {path}`{more} → `{output}` (`client.send`).{setters}",
        op.method
    ))
}

/// The `client::ResponseBody` the operation's `Kind` names: `crate::client::Json<X>` and the
/// like.
fn response_type(ir_names: &Names, op: &Operation) -> Result<syn::Type, EmitError> {
    let reading = Reading::of(op);
    let json = match reading {
        Reading::Json | Reading::JsonOrEmpty => json_output(ir_names, op)?,
        Reading::Bytes | Reading::NoContent => None,
    };
    let key = match reading {
        Reading::Json => "json response",
        Reading::JsonOrEmpty => "json-or-empty response",
        Reading::Bytes => "bytes response",
        Reading::NoContent => "no-content response",
    };
    let template = cached(key, || {
        Template::parse(
            key,
            match reading {
                Reading::Json => quote! { crate::client::Json<__X> },
                Reading::JsonOrEmpty => quote! { crate::client::JsonOrEmpty<__X> },
                Reading::Bytes => quote! { crate::client::Bytes },
                Reading::NoContent => quote! { crate::client::NoContent },
            },
        )
    })?;
    match &json {
        Some(t) => Subst::new().with_type("__X", t).apply(&template),
        None => Subst::new().apply(&template),
    }
}

/// The templates of an operation's items (see [`super::template`]).
struct Templates {
    /// The builder: an alias of `client::Request` over the operation's marker type, its
    /// inherent impl (empty: the constructors and setters go in) and its `Kind` impl.
    alias: Template<syn::Item>,
    inherent: Template<syn::ItemImpl>,
    kind: Template<syn::Item>,
    /// A constructor: `{ __body }` and the one that adds fixed query options.
    ctor: Template<syn::ImplItem>,
    ctor_query: Template<syn::ImplItem>,
    /// `__p: &str`, `body: __B`, and a body of bytes with its content type.
    param: Template<syn::FnArg>,
    body_param: Template<syn::FnArg>,
    bytes_params: Vec<syn::FnArg>,
    /// The call that makes the request parts, without and with a body, and one path value.
    request: Template<syn::Expr>,
    request_json: Template<syn::Expr>,
    request_bytes: Template<syn::Expr>,
    value: Template<syn::Expr>,
    /// `let parts = with_query(parts, k, v);`
    query: Template<syn::Stmt>,
    /// Setters: a query option of each `QueryKind`, a header.
    set_number: Template<syn::ImplItem>,
    set_flag: Template<syn::ImplItem>,
    set_list: Template<syn::ImplItem>,
    set_text: Template<syn::ImplItem>,
    set_header: Template<syn::ImplItem>,
}

fn templates() -> syn::Result<Templates> {
    Ok(Templates {
        alias: Template::parse(
            "builder alias",
            quote! { pub type __T = crate::client::Request<kinds::__T>; },
        )?,
        inherent: Template::parse("builder impl", quote! { impl __T {} })?,
        kind: Template::parse(
            "builder kind",
            quote! {
                impl crate::client::Kind for kinds::__T {
                    type Response = __R;
                }
            },
        )?,
        ctor: Template::parse(
            "constructor",
            quote! {
                #[inline]
                pub fn __c(__args: ()) -> Result<Self, crate::client::Error> {
                    __body
                }
            },
        )?,
        ctor_query: Template::parse(
            "constructor with query",
            quote! {
                #[inline]
                pub fn __c(__args: ()) -> Result<Self, crate::client::Error> {
                    let parts = __body?;
                    __stmts;
                    Ok(parts)
                }
            },
        )?,
        param: Template::parse("path parameter", quote! { __p: &str })?,
        body_param: Template::parse("body parameter", quote! { body: __B })?,
        bytes_params: {
            let f: syn::ItemFn =
                syn::parse2(quote! { fn f(body: impl Into<Vec<u8>>, content_type: &str) {} })?;
            f.sig.inputs.into_iter().collect()
        },
        request: Template::parse(
            "request",
            quote! { crate::client::request(__m, "__path", &[__elems]) },
        )?,
        request_json: Template::parse(
            "json request",
            quote! { crate::client::request_json(__m, "__path", &[__elems], &body) },
        )?,
        request_bytes: Template::parse(
            "bytes request",
            quote! {
                crate::client::request_bytes(__m, "__path", &[__elems], body.into(), content_type)
            },
        )?,
        value: Template::parse("path value", quote! { ("__name", __p) })?,
        query: Template::parse(
            "fixed query option",
            quote! { let parts = crate::client::with_query(parts, "__k", "__v".to_string()); },
        )?,
        set_number: Template::parse(
            "number setter",
            quote! {
                #[inline]
                pub fn __f(self, value: u64) -> Self {
                    crate::client::with_query(self, "__q", value.to_string())
                }
            },
        )?,
        set_flag: Template::parse(
            "flag setter",
            quote! {
                #[inline]
                pub fn __f(self, value: bool) -> Self {
                    crate::client::with_query(self, "__q", value.to_string())
                }
            },
        )?,
        set_list: Template::parse(
            "list setter",
            quote! {
                #[inline]
                pub fn __f(self, values: &[&str]) -> Self {
                    crate::client::with_query(self, "__q", values.join(","))
                }
            },
        )?,
        set_text: Template::parse(
            "text setter",
            quote! {
                #[inline]
                pub fn __f(self, value: impl Into<String>) -> Self {
                    crate::client::with_query(self, "__q", value.into())
                }
            },
        )?,
        set_header: Template::parse(
            "header setter",
            quote! {
                #[inline]
                pub fn __f(self, value: impl Into<String>) -> Self {
                    crate::client::with_header(self, "__q", value.into())
                }
            },
        )?,
    })
}

/// A call of an operation's constructor from outside the crate (the generated tests):
/// `krate::requests::root::Op::ctor(args..)`, the constructor of the operation's path number
/// `path`, given its arguments: the path's values, then, when the operation takes one, the
/// body arguments (a body; bytes and their content type). [`str_args`] makes values of
/// text.
pub(crate) fn constructor_call(
    krate: &syn::Ident,
    op_names: &OpNames,
    op: &Operation,
    path: usize,
    args: impl IntoIterator<Item = syn::Expr>,
) -> Result<syn::Expr, EmitError> {
    let template = cached("constructor call", || {
        Template::parse(
            "constructor call",
            quote! { __K::requests::__root::__Ty::__ctor() },
        )
    })?;
    let root = ident::make_ident(op_names.module(&op.id));
    let ty = op_names.ident(&op.id);
    let ctor = ident::make_ident(&op_names.constructors(&op.id)[path]);
    let mut call: syn::ExprCall = Subst::new()
        .with_ident("__K", krate)
        .with_ident("__root", &root)
        .with_ident("__Ty", &ty)
        .with_ident("__ctor", &ctor)
        .apply(&template)?;
    call.args.extend(args);
    Ok(syn::Expr::Call(call))
}

/// Path values as string literal arguments.
pub(crate) fn str_args(values: &[String]) -> impl Iterator<Item = syn::Expr> + '_ {
    values.iter().map(|v| syntax::str_expr(v))
}

/// The attributes of an impl item.
fn impl_item_attrs(item: &mut syn::ImplItem) -> Result<&mut Vec<syn::Attribute>, EmitError> {
    match item {
        syn::ImplItem::Fn(f) => Ok(&mut f.attrs),
        _ => Err(EmitError(
            "internal error: a template not a function".into(),
        )),
    }
}

/// The constructor of an operation's builder for one of its paths: the path's values (and
/// the body) as arguments, the path as one template, its fixed query pairs.
fn constructor(
    t: &Templates,
    op: &Operation,
    ctor: &str,
    path: &PathTemplate,
    body_ty: Option<&syn::Type>,
    method: &syn::Expr,
) -> Result<syn::ImplItem, EmitError> {
    let ctor = ident::make_ident(ctor);
    let params: Vec<syn::Ident> = param_names(path)
        .iter()
        .map(|p| ident::make_ident(p))
        .collect();
    // The path as one template: literal text, `{}` or `{'}` where a value goes.
    let mut template = String::new();
    let mut pi = params.iter();
    let mut values = Vec::new();
    for piece in &path.pieces {
        match piece {
            Piece::Literal { text } => template.push_str(&path_literal(text)),
            Piece::Param {
                name,
                quoted,
                segments,
            } => {
                template.push_str(match (*segments, *quoted) {
                    (true, _) => "{/}",
                    (false, true) => "{'}",
                    (false, false) => "{}",
                });
                let id = pi.next().expect("one ident per param");
                values.push(
                    Subst::new()
                        .with_str("__name", name)
                        .with_ident("__p", id)
                        .apply(&t.value)?,
                );
            }
        }
    }
    let mut args = params
        .iter()
        .map(|p| Subst::new().with_ident("__p", p).apply(&t.param))
        .collect::<Result<Vec<syn::FnArg>, EmitError>>()?;
    let call = match (body_ty, &op.body) {
        (Some(b), _) => {
            args.push(Subst::new().with_type("__B", b).apply(&t.body_param)?);
            &t.request_json
        }
        (None, Some(Body::Binary { .. })) => {
            args.extend(t.bytes_params.iter().cloned());
            &t.request_bytes
        }
        (None, _) => &t.request,
    };
    let parts = Subst::new()
        .with_expr("__m", method)
        .with_str("__path", &template)
        .with_elems("__elems", values)
        .apply(call)?;
    let query = path
        .query
        .iter()
        .map(|(k, v)| {
            Subst::new()
                .with_str("__k", k)
                .with_str("__v", v)
                .apply(&t.query)
        })
        .collect::<Result<Vec<syn::Stmt>, EmitError>>()?;
    let f = Subst::new()
        .with_ident("__c", &ctor)
        .with_args("__args", args)
        .with_expr("__body", &parts);
    let mut f = if query.is_empty() {
        f.apply(&t.ctor)?
    } else {
        f.with_stmts("__stmts", query).apply(&t.ctor_query)?
    };
    let mut doc = vec![syntax::doc_attr(&format!(" `{} {}`", op.method, path.raw))?];
    if let Some(Body::Binary { content_type }) = &op.body {
        let shown = content_type
            .as_ref()
            .map(|c| format!(" (the docs show `{c}`)"))
            .unwrap_or_default();
        doc.push(syntax::doc_attr("")?);
        doc.extend(docs::attr_list(&[docs::clean(&format!(
            "The body is sent as it is, with `content_type` as its `Content-Type`{shown}."
        ))])?);
    }
    impl_item_attrs(&mut f)?.splice(0..0, doc);
    Ok(f)
}

/// The builder (an alias of `client::Request` over the operation's marker type in `kinds`),
/// its constructors and setters, its `Kind` impl and its body struct, each prefixed with `cfg`.
fn operation_item(
    names: &Names,
    op_names: &OpNames,
    boxing: &Boxing,
    op: &Operation,
    cfg: &[syn::Attribute],
    out: &mut Vec<syn::Item>,
) -> Result<(), EmitError> {
    let t = cached("operation", templates)?;
    let ident = op_names.ident(&op.id);
    let body_ty = body_type(names, op_names, op);
    let method = method_expr(op.method)?;
    let mut fns: Vec<syn::ImplItem> = Vec::new();
    for (ctor, path) in op_names.constructors(&op.id).iter().zip(&op.paths) {
        fns.push(constructor(&t, op, ctor, path, body_ty.as_ref(), &method)?);
    }
    let setters = setter_names(op_names, op);
    let query = query_options(op);
    for (q, f) in query.iter().zip(&setters) {
        let f = ident::make_ident(f);
        let shape = match QueryKind::of(q) {
            QueryKind::Number => &t.set_number,
            QueryKind::Flag => &t.set_flag,
            QueryKind::List => &t.set_list,
            QueryKind::Text => &t.set_text,
        };
        let mut item = Subst::new()
            .with_ident("__f", &f)
            .with_str("__q", q)
            .apply(shape)?;
        let doc = syntax::doc_attr(&format!(" Sets the `{q}` query option."))?;
        impl_item_attrs(&mut item)?.insert(0, doc);
        fns.push(item);
    }
    for (h, f) in op.headers.iter().zip(&setters[query.len()..]) {
        let f = ident::make_ident(f);
        let doc = vec![
            docs::clean(&format!("Sets the `{}` header.", h.name)),
            docs::clean(&h.description),
        ];
        let mut item = Subst::new()
            .with_ident("__f", &f)
            .with_str("__q", &h.name)
            .apply(&t.set_header)?;
        impl_item_attrs(&mut item)?.splice(0..0, docs::attr_list(&doc)?);
        fns.push(item);
    }
    let response_ty = response_type(names, op)?;
    let mut doc = vec![docs::clean(&op.name), docs::clean(&op.description)];
    let status = op
        .response
        .status
        .map(|s| format!(" The documented success status is {s}."))
        .unwrap_or_default();
    let reading = match Reading::of(op) {
        Reading::Json => "",
        Reading::JsonOrEmpty => " An empty answer (`204 No Content`) is `None`.",
        Reading::Bytes => " The answer is bytes and their content type (`client::Content`).",
        Reading::NoContent => "",
    };
    doc.push(docs::clean(&format!(
        "Documented at `{}`.{status}{reading}",
        op.id
    )));
    let mut doc = docs::attr_list(&doc)?;
    doc.push(syntax::doc_attr("")?);
    doc.push(syntax::doc_attr(&call_summary(names, op, &setters)?)?);
    let builder = || Subst::new().with_ident("__T", &ident);
    let mut inherent = builder().apply(&t.inherent)?;
    inherent.items = fns;
    let items = vec![
        builder().apply(&t.alias)?,
        syn::Item::Impl(inherent),
        builder().with_type("__R", &response_ty).apply(&t.kind)?,
    ];
    syntax::push_items(items, &doc, cfg, out)?;
    match &op.body {
        Some(Body::Parameters { properties }) => {
            let props: Vec<_> = properties.iter().collect();
            let shape = StructShape {
                cfg: cfg.to_vec(),
                owner: "",
                module: MODULE,
                ident: op_names.body_ident(&op.id),
                doc: vec![docs::clean(&format!(
                    "The parameters of `{}`, sent as the JSON request body.",
                    op.name
                ))],
            };
            models::struct_items(names, boxing, shape, &props, out)
        }
        _ => Ok(()),
    }
}

/// The items at the head of each module of `requests`: a re-export of an operation homed in
/// another module, the marker type of each operation homed here, and the `kinds` module
/// that holds them.
struct Prelude {
    reexport: Template<syn::Item>,
    marker: Template<syn::Item>,
    kinds: syn::ItemMod,
}

/// The `requests` module: one inline module per path root, formatted in parallel (one
/// chunk per root; the concatenation equals formatting the module as one file).
pub(crate) fn requests_module(
    ir: &Ir,
    names: &Names,
    op_names: &OpNames,
    boxing: &Boxing,
    areas: &super::areas::Areas,
) -> Result<String, super::EmitError> {
    use rayon::prelude::*;
    // root → (operations homed there, operations re-exported there)
    type Root<'a> = (Vec<&'a Operation>, Vec<&'a Operation>);
    let mut roots: BTreeMap<String, Root> = BTreeMap::new();
    for op in &ir.operations {
        let home = op_names.module(&op.id).to_string();
        let mut others: Vec<String> = op
            .paths
            .iter()
            .map(|p| op_names.root_module(p))
            .filter(|r| *r != home)
            .collect();
        others.sort();
        others.dedup();
        roots.entry(home).or_default().0.push(op);
        for other in others {
            roots.entry(other).or_default().1.push(op);
        }
    }
    let roots: Vec<(String, Root)> = roots.into_iter().collect();
    let bodies = roots
        .par_iter()
        .map(|(root, (homed, reexported))| {
            let head = || {
                let m = ident::make_ident(root);
                let doc = format!(" Operations on paths under `/{root}`.");
                syn::parse2(quote! { #[doc = #doc] pub mod #m {} })
                    .map_err(|e| EmitError(format!("internal error: module head: {e}")))
            };
            let prelude = |out: &mut Vec<syn::Item>| {
                let prelude = cached("requests prelude", || {
                    Ok(Prelude {
                        reexport: Template::parse(
                            "re-export",
                            quote! { pub use super::__M::__T; },
                        )?,
                        marker: Template::parse("marker type", quote! { pub enum __T {} })?,
                        kinds: syn::parse2(quote! {
                            /// The operations' marker types: `Request<kinds::X>` is the builder `X`.
                            /// Hidden from the docs (each builder's page says what it returns);
                            /// listed, they would make the runtime's `Kind` page list every one.
                            #[doc(hidden)]
                            pub mod kinds {}
                        })?,
                    })
                })?;
                for op in reexported {
                    let home_id = ident::make_ident(op_names.module(&op.id));
                    let cfg = syntax::attrs(areas.cfg_of(&op.id))?;
                    let mut names = vec![op_names.ident(&op.id)];
                    if matches!(op.body, Some(Body::Parameters { .. })) {
                        names.push(op_names.body_ident(&op.id));
                    }
                    for ty in &names {
                        let item = Subst::new()
                            .with_ident("__M", &home_id)
                            .with_ident("__T", ty)
                            .apply(&prelude.reexport)?;
                        syntax::push_items(vec![item], &[], &cfg, out)?;
                    }
                }
                if !homed.is_empty() {
                    let mut markers = Vec::with_capacity(homed.len());
                    for op in homed {
                        let ty = op_names.ident(&op.id);
                        let cfg = syntax::attrs(areas.cfg_of(&op.id))?;
                        let item = Subst::new().with_ident("__T", &ty).apply(&prelude.marker)?;
                        syntax::push_items(vec![item], &[], &cfg, &mut markers)?;
                    }
                    let mut kinds = prelude.kinds.clone();
                    kinds.content = Some((Default::default(), markers));
                    out.push(syn::Item::Mod(kinds));
                }
                Ok(())
            };
            let item = |op: &&Operation, out: &mut Vec<syn::Item>| {
                let cfg = syntax::attrs(areas.cfg_of(&op.id))?;
                operation_item(names, op_names, boxing, op, &cfg, out)
            };
            syntax::format_module(&head, &prelude, homed, item)
        })
        .collect::<Result<Vec<String>, _>>()?;
    Ok(super::models::with_header(&bodies.concat()))
}
