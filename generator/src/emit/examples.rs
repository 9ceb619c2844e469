//! Tests generated from the docs' own examples, as a table of cases (`tests/examples.rs`)
//! that one test runs (thousands of test functions took too long to compile):
//! - request examples: the operation's builder, given the example's path values, query and
//!   body, produces the documented method, path, query and (semantically) the same body;
//! - response examples: the operation's parser accepts the documented status and body, and
//!   the typed value serializes back to the same JSON;
//! - other data examples: the body deserializes into its model and serializes back.
//!
//! An example the generator predicted not to fit its model (a diagnostic says where) gets a
//! case that checks serde rejects it. Each case is a row: its name, doc location, JSON, and
//! a function pointer that does the typed work (a generic helper instantiated once per
//! model or operation, or a small closure calling a request builder); each row carries its
//! area's `cfg`. The support code is `templates/example_support.rs`.

use super::requests::{self, OpNames, QueryKind, Reading, setter_names};
use super::syntax;
use super::template::{Subst, Template};
use super::{EmitError, names::Names};
use crate::ident;
use crate::ir::{Example, ExampleKind, Ir, Operation, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

const SUPPORT: &str = include_str!("../../templates/example_support.rs");

/// What the examples became: tests, and examples left out with the reason.
#[derive(Debug, Default)]
pub(crate) struct ExampleReport {
    pub tests: usize,
    pub skipped: Vec<(String, &'static str)>,
}

/// What the case generator needs besides the IR.
struct Ctx<'a> {
    names: &'a Names,
    op_names: &'a OpNames,
    areas: &'a super::areas::Areas,
    krate: syn::Ident,
    ops: BTreeMap<&'a str, &'a Operation>,
    /// Qualified type names by their lower-cased spelling (`@odata.type` lookups).
    types: BTreeMap<String, &'a str>,
    /// Checks examples against models (see [`fits_output`]) and tells what a value with an
    /// `@odata.type` is read as.
    checker: crate::ir::validate::ExampleChecker<'a>,
}

/// One row of the table of cases: the example's JSON and the typed code that checks it
/// (`Check::...`, as the support code in `templates/example_support.rs` defines it), the
/// types its polymorphic values are read as, and the items (types, operations) that must be
/// compiled for the case to hold.
struct CaseParts<'a> {
    json: String,
    check: syn::Expr,
    read_as: syn::Expr,
    needs: Vec<&'a str>,
}

/// Why an example has no case: a reason to report, or an internal error.
enum NoCase {
    Skip(&'static str),
    Error(EmitError),
}

impl From<&'static str> for NoCase {
    fn from(why: &'static str) -> Self {
        NoCase::Skip(why)
    }
}

impl From<EmitError> for NoCase {
    fn from(e: EmitError) -> Self {
        NoCase::Error(e)
    }
}

/// The expression templates of the cases, parsed once per thread (see [`super::template`]).
struct Templates {
    model_type: Template<syn::Type>,
    collection_type: Template<syn::Type>,
    body_type: Template<syn::Type>,
    mismatch: Template<syn::Expr>,
    model: Template<syn::Expr>,
    empty: Template<syn::Expr>,
    response: Template<syn::Expr>,
    bytes: Template<syn::Expr>,
    request: Template<syn::Expr>,
    build_body: Template<syn::Expr>,
    build_none: Template<syn::Expr>,
    json_body: syn::Expr,
    default_body: syn::Expr,
    bytes_body: syn::Expr,
    none: syn::Expr,
    some_str: Template<syn::Expr>,
    read_as: Template<syn::Expr>,
    row: Template<syn::Expr>,
    table: Template<syn::Item>,
}

fn templates() -> Result<std::rc::Rc<Templates>, EmitError> {
    syntax::cached("example cases", || {
        let e = |t: TokenStream| syn::parse2::<syn::Expr>(t);
        Ok(Templates {
            model_type: Template::parse("model type", quote! { __K::__module::__Model })?,
            collection_type: Template::parse(
                "collection type",
                quote! { __K::runtime::Collection<__K::__module::__Model> },
            )?,
            body_type: Template::parse("body type", quote! { __K::requests::__root::__Body })?,
            mismatch: Template::parse("mismatch check", quote! { Check::Mismatch(model::<__P>) })?,
            model: Template::parse("model check", quote! { Check::Model(model::<__P>) })?,
            empty: Template::parse(
                "empty check",
                quote! { Check::Empty(__status, response::<__K::requests::__root::__Ty>) },
            )?,
            bytes: Template::parse(
                "bytes check",
                quote! { Check::Bytes(__status, __K::requests::__root::__Ty::parse_response) },
            )?,
            response: Template::parse(
                "response check",
                quote! { Check::Response(__status, response::<__K::requests::__root::__Ty>) },
            )?,
            request: Template::parse(
                "request check",
                quote! {
                    Check::Request(Request {
                        build: __build,
                        method: "__method",
                        path: "__path",
                        query: __query,
                        bytes: __bytes,
                    })
                },
            )?,
            build_body: Template::parse("build with body", quote! { |body| __call })?,
            build_none: Template::parse("build without body", quote! { |_| __call })?,
            json_body: e(quote! { json(body)? })?,
            default_body: e(quote! { Default::default() })?,
            bytes_body: e(quote! { body.as_bytes() })?,
            none: e(quote! { None })?,
            some_str: Template::parse("some text", quote! { Some("__s") })?,
            read_as: Template::parse(
                "read-as check",
                quote! { Some(ReadAs(|json| __reader(json, __K::__module::__Any::type_name), __expected)) },
            )?,
            row: Template::parse(
                "example row",
                quote! { Case { name: "__name", at: "__at", json: "__json", check: __check, read_as: __read_as } },
            )?,
            table: Template::parse(
                "example table",
                quote! {
                    /// Every example the docs give that can be checked, in the order of the docs.
                    static CASES: &[Case] = &[__elems];
                },
            )?,
        })
    })
}

/// Whether the operation's parser reads a response example: it is annotated with the
/// operation's output (the validator has checked it against that), or the validator finds
/// it fits the output too. An example annotated with another type that does not (one
/// thumbnail where the operation lists thumbnail sets) documents something else.
pub(super) fn fits_output(
    checker: &crate::ir::validate::ExampleChecker,
    op: &Operation,
    ex: &Example,
) -> bool {
    let (Some(TypeRef::Complex { name }), Some(t)) = (&op.response.ty, &ex.type_name) else {
        return true;
    };
    if t == name && ex.collection == op.response.collection {
        return true;
    }
    checker
        .check_as(name, op.response.collection, &ex.body)
        .is_empty()
}

/// Why a documented response is not checked through the operation, if it is not: a
/// redirect (the transport follows it; there is nothing to parse).
pub(super) fn unparsed_status(status: u16) -> Option<&'static str> {
    match status {
        300..=399 => Some("a redirect: the transport follows it"),
        400.. => Some("an error response the docs show, not the call's result"),
        _ => None,
    }
}

impl<'a> Ctx<'a> {
    /// The model path of a type (its `Any` enum when it has one), maybe in a `Collection`.
    fn model_path(
        &self,
        t: &Templates,
        ty: &str,
        collection: bool,
    ) -> Result<syn::Type, EmitError> {
        let module = ident::make_ident(self.names.module_of(ty));
        let model = self
            .names
            .any_ident(ty)
            .unwrap_or_else(|| self.names.ident(ty));
        let template = if collection {
            &t.collection_type
        } else {
            &t.model_type
        };
        Subst::new()
            .with_ident("__K", &self.krate)
            .with_ident("__module", &module)
            .with_ident("__Model", &model)
            .apply(template)
    }

    /// The types the `@odata.type`s in a JSON value name, at any depth.
    fn named_types(&self, v: &serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::Object(map) => {
                let tag = map.get("@odata.type").and_then(|t| t.as_str());
                let key = tag.map(|t| t.trim_start_matches('#').to_lowercase());
                if let Some(t) = key.and_then(|k| self.types.get(&k))
                    && !out.contains(t)
                {
                    out.push(t);
                }
                map.values().for_each(|v| self.named_types(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| self.named_types(v, out)),
            _ => {}
        }
    }

    /// The case of one example, or why it has none.
    fn example_case(&self, t: &Templates, ex: &'a Example) -> Result<CaseParts<'a>, NoCase> {
        let json = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
        let op = ex
            .operation
            .as_deref()
            .and_then(|id| self.ops.get(id).copied());
        if ex.mismatch.is_some() {
            // The prediction holds for the full model: every type a value is dispatched to
            // by its `@odata.type` must be compiled (an area that leaves one out reads the
            // value as its base, which may fit).
            let (path, owner) = match (&ex.type_name, op) {
                (Some(ty), _) => (self.model_path(t, ty, ex.collection)?, ty.as_str()),
                (None, Some(op)) if ex.kind == ExampleKind::Request => {
                    let Some(crate::ir::Body::Parameters { .. }) = &op.body else {
                        return Err("no type".into());
                    };
                    let root = ident::make_ident(self.op_names.module(&op.id));
                    let body = self.op_names.body_ident(&op.id);
                    let path = Subst::new()
                        .with_ident("__K", &self.krate)
                        .with_ident("__root", &root)
                        .with_ident("__Body", &body)
                        .apply(&t.body_type)?;
                    (path, op.id.as_str())
                }
                _ => return Err("no type".into()),
            };
            let mut needs = vec![owner];
            self.named_types(&ex.body, &mut needs);
            return Ok(CaseParts {
                json: json(&ex.body),
                check: Subst::new().with_type("__P", &path).apply(&t.mismatch)?,
                read_as: t.none.clone(),
                needs,
            });
        }
        match (ex.kind, op) {
            (ExampleKind::Request, Some(op)) => self.request_case(t, ex, op),
            (ExampleKind::Response, Some(op)) => {
                let status = ex.status.or(op.response.status).unwrap_or(200);
                if let Some(why) = unparsed_status(status) {
                    return Err(why.into());
                }
                let root = ident::make_ident(self.op_names.module(&op.id));
                let ty = self.op_names.ident(&op.id);
                let needs = vec![op.id.as_str()];
                let status = syntax::lit_suffixed(status, "u16");
                let check = |template: &Template<syn::Expr>| {
                    Subst::new()
                        .with_ident("__K", &self.krate)
                        .with_ident("__root", &root)
                        .with_ident("__Ty", &ty)
                        .with_expr("__status", &status)
                        .apply(template)
                };
                let reading = Reading::of(op);
                if reading == Reading::Bytes {
                    // Served as the example's text, compared as bytes; never parsed.
                    let serde_json::Value::String(text) = &ex.body else {
                        return Err(
                            "a download the docs do not show as text: no bytes to compare".into(),
                        );
                    };
                    return Ok(CaseParts {
                        json: text.clone(),
                        check: check(&t.bytes)?,
                        read_as: t.none.clone(),
                        needs,
                    });
                }
                if reading == Reading::JsonOrEmpty && ex.body.is_null() {
                    return Ok(CaseParts {
                        json: String::new(),
                        check: check(&t.empty)?,
                        read_as: t.none.clone(),
                        needs,
                    });
                }
                if op.response.ty.is_none() {
                    if ex.body.is_null() {
                        return Ok(CaseParts {
                            json: String::new(),
                            check: check(&t.empty)?,
                            read_as: t.none.clone(),
                            needs,
                        });
                    }
                    return Err("has a body the operation does not document".into());
                }
                if ex.body.is_null() {
                    return Err("typed response without a body".into());
                }
                if !fits_output(&self.checker, op, ex) {
                    // It documents another type: checked as a value of that type.
                    return self.model_case(t, ex);
                }
                let read_as = match &op.response.ty {
                    Some(TypeRef::Complex { name }) => {
                        self.read_as(t, name, op.response.collection, &ex.body)?
                    }
                    _ => t.none.clone(),
                };
                Ok(CaseParts {
                    json: json(&ex.body),
                    check: check(&t.response)?,
                    read_as,
                    needs,
                })
            }
            _ => self.model_case(t, ex),
        }
    }

    /// A data example: a value of its type, round-tripped.
    fn model_case(&self, t: &Templates, ex: &'a Example) -> Result<CaseParts<'a>, NoCase> {
        let ty = ex.type_name.as_deref().ok_or("type unknown")?;
        let path = self.model_path(t, ty, ex.collection)?;
        Ok(CaseParts {
            json: serde_json::to_string_pretty(&ex.body).unwrap_or_default(),
            check: Subst::new().with_type("__P", &path).apply(&t.model)?,
            read_as: self.read_as(t, ty, ex.collection, &ex.body)?,
            needs: vec![ty],
        })
    }

    /// A request example: the builder given its values, query and body.
    fn request_case(
        &self,
        t: &Templates,
        ex: &'a Example,
        op: &'a Operation,
    ) -> Result<CaseParts<'a>, NoCase> {
        let call = ex.call.as_ref().ok_or("URL matches no documented path")?;
        let line = ex.request_line.as_ref().ok_or("no request line")?;
        let url = &line.url;
        if line.method != op.method {
            return Err("method differs from the operation's".into());
        }
        let setter = setter_names(self.op_names, op);
        let options = requests::query_options(op);
        let mut setters = Vec::new();
        for (k, v) in &call.query {
            let Some(i) = options.iter().position(|q| q == k) else {
                return Err("uses a query option the page does not document".into());
            };
            let f = ident::make_ident(&setter[i]);
            let arg = match QueryKind::of(k) {
                QueryKind::Number => {
                    let n: u64 = v
                        .trim()
                        .parse()
                        .map_err(|_| "a numeric query option is not a number")?;
                    syntax::lit_suffixed(n, "u64")
                }
                QueryKind::Flag => {
                    let b: bool = v
                        .trim()
                        .parse()
                        .map_err(|_| "$count is not true or false")?;
                    syntax::bool_expr(b)
                }
                QueryKind::List => syntax::slice_ref(v.split(',').map(syntax::str_expr)),
                QueryKind::Text => syntax::str_expr(v),
            };
            setters.push((f, arg));
        }
        let has_body = !ex.body.is_null();
        let mut body_args = Vec::new();
        let mut bytes = t.none.clone();
        let (build, body_arg, body) = match (&op.body, has_body) {
            (Some(crate::ir::Body::Binary { content_type }), _) => {
                // The example's text (none when the docs show none) sent as bytes, with the
                // documented content type.
                let text = match &ex.body {
                    serde_json::Value::String(text) => text.clone(),
                    serde_json::Value::Null => String::new(),
                    _ => return Err("a body of bytes the docs show as JSON".into()),
                };
                let content_type = content_type
                    .as_deref()
                    .unwrap_or("application/octet-stream");
                body_args.push(syntax::str_expr(content_type));
                bytes = Subst::new()
                    .with_str("__s", content_type)
                    .apply(&t.some_str)?;
                (&t.build_body, Some(&t.bytes_body), text)
            }
            (Some(_), true) => (
                &t.build_body,
                Some(&t.json_body),
                serde_json::to_string_pretty(&ex.body).unwrap_or_default(),
            ),
            (Some(_), false) => (&t.build_none, Some(&t.default_body), String::new()),
            (None, true) => return Err("has a body the operation does not document".into()),
            (None, false) => (&t.build_none, None, String::new()),
        };
        // `Op::ctor(values.., body)? .setter(arg).. .into_parts()`.
        let call_expr = super::requests::constructor_call(
            &self.krate,
            self.op_names,
            op,
            call.path,
            super::requests::str_args(&call.values)
                .chain(body_arg.cloned())
                .chain(body_args),
        )?;
        let mut chain = syn::Expr::Try(syn::ExprTry {
            attrs: Vec::new(),
            expr: Box::new(call_expr),
            question_token: Default::default(),
        });
        let method_call = |receiver: syn::Expr, method: syn::Ident, arg: Option<syn::Expr>| {
            syn::Expr::MethodCall(syn::ExprMethodCall {
                attrs: Vec::new(),
                receiver: Box::new(receiver),
                dot_token: Default::default(),
                method,
                turbofish: None,
                paren_token: Default::default(),
                args: arg.into_iter().collect(),
            })
        };
        for (f, arg) in setters {
            chain = method_call(chain, f, Some(arg));
        }
        chain = method_call(chain, syntax::id("into_parts"), None);
        let build = Subst::new().with_expr("__call", &chain).apply(build)?;
        let (path, query) = expected_path_and_query(url, &op.paths[call.path]);
        let query = syntax::slice_ref(query.iter().map(|(k, v)| {
            let mut elems = syn::punctuated::Punctuated::new();
            elems.push(syntax::str_expr(k));
            elems.push(syntax::str_expr(v));
            syn::Expr::Tuple(syn::ExprTuple {
                attrs: Vec::new(),
                paren_token: Default::default(),
                elems,
            })
        }));
        let check = Subst::new()
            .with_expr("__build", &build)
            .with_str("__method", op.method.as_str())
            .with_str("__path", &path)
            .with_expr("__query", &query)
            .with_expr("__bytes", &bytes)
            .apply(&t.request)?;
        Ok(CaseParts {
            json: body,
            check,
            read_as: t.none.clone(),
            needs: vec![op.id.as_str()],
        })
    }

    /// When values of a polymorphic type in an example name a derived type by
    /// `@odata.type`, `Some(ReadAs(..))` checks each is read as that type
    /// (`AnyDirectoryObject::User`), not as the base; else `None`. A derived type an area
    /// leaves out is read as the base: each expected name carries its type's `cfg`.
    fn read_as(
        &self,
        t: &Templates,
        ty: &str,
        collection: bool,
        body: &serde_json::Value,
    ) -> Result<syn::Expr, EmitError> {
        let Some(any) = self.names.any_ident(ty) else {
            return Ok(t.none.clone());
        };
        let items: Vec<&serde_json::Value> = if collection {
            match body.get("value") {
                Some(serde_json::Value::Array(items)) => items.iter().collect(),
                _ => return Ok(t.none.clone()),
            }
        } else {
            vec![body]
        };
        let expected: Vec<&str> = items.iter().map(|v| self.checker.read_as(ty, v)).collect();
        if expected.iter().all(|e| *e == ty) {
            return Ok(t.none.clone());
        }
        let mut elems = Vec::new();
        for e in expected {
            match self.areas.predicate(e) {
                Some(p) if e != ty => {
                    let mut when = syntax::str_expr(e);
                    syntax::prepend_expr_attrs(&mut when, syntax::attrs(quote! { #[cfg(#p)] })?)?;
                    let mut otherwise = syntax::str_expr(ty);
                    syntax::prepend_expr_attrs(
                        &mut otherwise,
                        syntax::attrs(quote! { #[cfg(not(#p))] })?,
                    )?;
                    elems.push(when);
                    elems.push(otherwise);
                }
                _ => elems.push(syntax::str_expr(e)),
            }
        }
        let module = ident::make_ident(self.names.module_of(ty));
        let reader = syntax::id(if collection { "read_all" } else { "read_one" });
        let expected = syntax::slice_ref(elems);
        Subst::new()
            .with_ident("__K", &self.krate)
            .with_ident("__module", &module)
            .with_ident("__Any", &any)
            .with_ident("__reader", &reader)
            .with_expr("__expected", &expected)
            .apply(&t.read_as)
    }
}

/// The path (percent-decoded, relative to the service root, with its leading `/`) and the
/// query pairs a request example shows: the pairs of its URL, then the fixed pairs of the
/// documented path it omits (the builder always sends those).
pub(super) fn expected_path_and_query(
    url: &str,
    template: &crate::ir::path::PathTemplate,
) -> (String, Vec<(String, String)>) {
    use crate::ir::path::{percent_decode, strip_service_root};
    let rest = strip_service_root(url);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut path = percent_decode(path);
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    for (k, v) in &template.query {
        if !pairs.iter().any(|(q, _)| q == k) {
            pairs.push((k.clone(), v.clone()));
        }
    }
    (path, pairs)
}

pub(crate) fn tests_file(
    ir: &Ir,
    names: &Names,
    op_names: &OpNames,
    areas: &super::areas::Areas,
    crate_name: &str,
) -> Result<(String, ExampleReport), EmitError> {
    let krate = ident::make_ident(&crate_name.replace('-', "_"));
    let mut file = super::syntax::support_file(SUPPORT, "example support", &krate)?;
    let ctx = Ctx {
        names,
        op_names,
        areas,
        krate: krate.clone(),
        ops: ir.operations.iter().map(|o| (o.id.as_str(), o)).collect(),
        types: ir
            .types
            .keys()
            .map(|q| (q.to_lowercase(), q.as_str()))
            .collect(),
        checker: crate::ir::validate::ExampleChecker::new(ir, names.polymorphic()),
    };
    // A stable name per example: the page stem, the kind, a counter within the page.
    let mut counters: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut cases = Vec::new();
    let t = templates()?;
    for ex in &ir.examples {
        let stem = ex
            .loc
            .file
            .rsplit('/')
            .next()
            .unwrap_or(&ex.loc.file)
            .trim_end_matches(".md");
        let kind = match ex.kind {
            ExampleKind::Request => "request",
            ExampleKind::Response => "response",
            ExampleKind::Example => "example",
        };
        let n = counters.entry(format!("{stem}_{kind}")).or_default();
        *n += 1;
        let name = ident::field_name(&format!("{stem}_{kind}_{n}"));
        let at = format!("{}:{}", ex.loc.file, ex.loc.line);
        match ctx.example_case(&t, ex) {
            Ok(CaseParts {
                json,
                check,
                read_as,
                needs,
            }) => {
                let mut row = Subst::new()
                    .with_str("__name", &name)
                    .with_str("__at", &at)
                    .with_text("__json", &json)
                    .with_expr("__check", &check)
                    .with_expr("__read_as", &read_as)
                    .apply(&t.row)?;
                syntax::prepend_expr_attrs(&mut row, syntax::attrs(areas.cfg_all(&needs))?)?;
                cases.push(row);
            }
            Err(NoCase::Skip(why)) => skipped.push((at, why)),
            Err(NoCase::Error(e)) => return Err(e),
        }
    }
    let report = ExampleReport {
        tests: cases.len(),
        skipped,
    };
    file.items
        .push(Subst::new().with_elems("__elems", cases).apply(&t.table)?);
    let text = super::print_file(file);
    Ok((format!("{}\n{text}", super::HEADER), report))
}
