//! Tests generated from the docs' own examples:
//! - request examples: the operation's builder, given the example's path values, query and
//!   body, produces the documented method, path, query and (semantically) the same body;
//! - response examples: the operation's parser accepts the documented status and body, and
//!   the typed value serializes back to the same JSON;
//! - other data examples: the body deserializes into its model and serializes back.
//!
//! An example the generator predicted not to fit its model (a diagnostic says where) gets a
//! test that checks serde rejects it.

use super::requests::{OpNames, QueryKind, setter_names};
use super::{EmitError, names::Names};
use crate::ident;
use crate::ir::hierarchy::Tree;
use crate::ir::{Example, ExampleKind, Ir, Operation};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

const SUPPORT: &str = include_str!("../../templates/example_support.rs");

/// What the examples became: tests, and examples left out with the reason.
#[derive(Debug, Default)]
pub struct ExampleReport {
    pub tests: usize,
    pub skipped: Vec<(String, &'static str)>,
}

/// One test per example that has something to check; a stable name per example (page stem,
/// kind, counter within the page).
fn example_test(
    tree: &Tree,
    names: &Names,
    op_names: &OpNames,
    krate: &syn::Ident,
    ex: &Example,
    ops: &BTreeMap<&str, &Operation>,
) -> Result<TokenStream, &'static str> {
    let json = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let model_path = |ty: &str, collection: bool| {
        let module = ident::make_ident(names.module_of(ty));
        let model = names.any_ident(ty).unwrap_or_else(|| names.ident(ty));
        if collection {
            quote! { #krate::runtime::Collection<#krate::#module::#model> }
        } else {
            quote! { #krate::#module::#model }
        }
    };
    if ex.mismatch.is_some() {
        let ty = ex.type_name.as_deref().ok_or("no type")?;
        let path = model_path(ty, ex.collection);
        let body = json(&ex.body);
        return Ok(quote! { mismatch::<#path>(#body); });
    }
    let op = ex.operation.as_deref().and_then(|id| ops.get(id));
    match (ex.kind, op) {
        (ExampleKind::Request, Some(op)) => {
            let call = ex.call.as_ref().ok_or("URL matches no documented path")?;
            let (method, _) = ex.request_line.as_ref().ok_or("no request line")?;
            if !method.eq_ignore_ascii_case(&op.method) {
                return Err("method differs from the operation's");
            }
            let root = ident::make_ident(op_names.module(&op.id));
            let ty = op_names.ident(&op.id);
            let ctor = ident::make_ident(&op_names.constructors(&op.id)[call.path]);
            let values = &call.values;
            let setter = setter_names(op_names, op);
            let mut setters = Vec::new();
            for (k, v) in &call.query {
                let Some(i) = op.query.iter().position(|q| q == k) else {
                    return Err("uses a query option the page does not document");
                };
                let f = ident::make_ident(&setter[i]);
                let arg = match QueryKind::of(k) {
                    QueryKind::Number => {
                        let n: u64 = v
                            .trim()
                            .parse()
                            .map_err(|_| "a numeric query option is not a number")?;
                        quote! { #n }
                    }
                    QueryKind::Flag => {
                        let b: bool = v
                            .trim()
                            .parse()
                            .map_err(|_| "$count is not true or false")?;
                        quote! { #b }
                    }
                    QueryKind::List => {
                        let items = v.split(',');
                        quote! { &[#(#items),*] }
                    }
                    QueryKind::Text => quote! { #v },
                };
                setters.push(quote! { .#f(#arg) });
            }
            let has_body = !ex.body.is_null();
            let (body_arg, body_check) = match (&op.body, has_body) {
                (Some(_), true) => {
                    let b = json(&ex.body);
                    (
                        quote! { serde_json::from_str(#b).expect("example body fits the body type") },
                        quote! { Some(#b) },
                    )
                }
                (Some(_), false) => (quote! { Default::default() }, quote! { None }),
                (None, true) => return Err("has a body the operation does not document"),
                (None, false) => (quote! {}, quote! { None }),
            };
            let path = crate::ir::path::strip_service_root(&ex.request_line.as_ref().unwrap().1);
            let path = crate::ir::path::percent_decode(path.split('?').next().unwrap_or(""));
            let query = call.query.iter().map(|(k, v)| quote! { (#k, #v) });
            let m = op.method.clone();
            Ok(quote! {
                let request = #krate::requests::#root::#ty::#ctor(#(#values,)* #body_arg)
                    .expect("documented path values are accepted")
                    #(#setters)*
                    .into_parts()
                    .and_then(|parts| parts.into_request(BASE))
                    .expect("request builds");
                check_request(request, #m, #path, &[#(#query),*], #body_check);
            })
        }
        (ExampleKind::Response, Some(op)) => {
            let status = ex.status.or(op.response.status).unwrap_or(200);
            let root = ident::make_ident(op_names.module(&op.id));
            let ty = op_names.ident(&op.id);
            if op.response.ty.is_none() {
                if ex.body.is_null() {
                    return Ok(quote! {
                        #krate::requests::#root::#ty::parse_response(#status, b"").expect("documented response parses");
                    });
                }
                return Err("has a body the operation does not document");
            }
            if ex.body.is_null() {
                return Err("typed response without a body");
            }
            let body = json(&ex.body);
            let read_as = match &op.response.ty {
                Some(crate::ir::TypeRef::Complex { name }) => {
                    read_as(tree, names, krate, name, op.response.collection, &ex.body)
                }
                _ => quote! {},
            };
            Ok(quote! {
                check_response::<#krate::requests::#root::#ty>(#status, #body);
                #read_as
            })
        }
        _ => {
            let ty = ex.type_name.as_deref().ok_or("type unknown")?;
            let path = model_path(ty, ex.collection);
            let body = json(&ex.body);
            let read_as = read_as(tree, names, krate, ty, ex.collection, &ex.body);
            Ok(quote! {
                roundtrip::<#path>(#body);
                #read_as
            })
        }
    }
}

/// When values of a polymorphic type in an example name a derived type by `@odata.type`,
/// check each is read as that type (`AnyDirectoryObject::User`), not as the base.
fn read_as(
    tree: &Tree,
    names: &Names,
    krate: &syn::Ident,
    ty: &str,
    collection: bool,
    body: &serde_json::Value,
) -> TokenStream {
    let Some(any) = names.any_ident(ty) else {
        return quote! {};
    };
    let read = |v: &serde_json::Value| tree.read_as(ty, v).to_string();
    let items: Vec<&serde_json::Value> = if collection {
        match body.get("value") {
            Some(serde_json::Value::Array(items)) => items.iter().collect(),
            _ => return quote! {},
        }
    } else {
        vec![body]
    };
    let expected: Vec<String> = items.iter().map(|v| read(v)).collect();
    if expected.iter().all(|e| e == ty) {
        return quote! {};
    }
    let module = ident::make_ident(names.module_of(ty));
    let path = quote! { #krate::#module::#any };
    let text = serde_json::to_string(body).unwrap_or_default();
    if collection {
        quote! {
            let read: #krate::runtime::Collection<#path> = serde_json::from_str(#text).unwrap();
            let read: Vec<&str> = read.value.iter().map(#path::type_name).collect();
            assert_eq!(read, [#(#expected),*]);
        }
    } else {
        let e = &expected[0];
        quote! {
            let read: #path = serde_json::from_str(#text).unwrap();
            assert_eq!(read.type_name(), #e);
        }
    }
}

pub fn tests_file(
    ir: &Ir,
    names: &Names,
    op_names: &OpNames,
    areas: &super::areas::Areas,
    crate_name: &str,
) -> Result<(String, ExampleReport), EmitError> {
    let krate_name = crate_name.replace('-', "_");
    let support = SUPPORT.replace("graph_client", &format!("{krate_name}::client"));
    let support: TokenStream = support
        .parse()
        .map_err(|e| EmitError(format!("example support template: {e}")))?;
    let ops: BTreeMap<&str, &Operation> =
        ir.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    // Names first (sequential: counters per page), then tests built in parallel chunks.
    let mut counters: BTreeMap<String, usize> = BTreeMap::new();
    let named: Vec<(usize, String, &Example)> = ir
        .examples
        .iter()
        .enumerate()
        .map(|(i, ex)| {
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
            (i, ident::field_name(&format!("{stem}_{kind}_{n}")), ex)
        })
        .collect();
    let tree = Tree::new(ir);
    let skipped = std::sync::Mutex::new(Vec::new());
    let build = |(i, name, ex): &(usize, String, &Example)| {
        let krate = ident::make_ident(&krate_name);
        match example_test(&tree, names, op_names, &krate, ex, &ops) {
            Ok(body) => {
                let name = ident::make_ident(name);
                let doc = format!(" {}:{}", ex.loc.file, ex.loc.line);
                let needs = ex
                    .operation
                    .as_deref()
                    .filter(|_| ex.mismatch.is_none())
                    .or(ex.type_name.as_deref())
                    .unwrap_or("");
                let cfg = areas.cfg_of(needs);
                quote! {
                    #cfg
                    #[doc = #doc]
                    #[test]
                    fn #name() {
                        #body
                    }
                }
            }
            Err(why) => {
                if let Ok(mut s) = skipped.lock() {
                    s.push((*i, format!("{}:{}", ex.loc.file, ex.loc.line), why));
                }
                quote! {}
            }
        }
    };
    let tests = super::format_items_body(&named, build, "tests/examples.rs")?;
    let mut skipped = skipped.into_inner().unwrap_or_default();
    skipped.sort();
    let report = ExampleReport {
        tests: named.len() - skipped.len(),
        skipped: skipped.into_iter().map(|(_, at, why)| (at, why)).collect(),
    };
    let support = super::format_body(support, "tests/examples.rs")?;
    Ok((format!("{}\n{support}{tests}", super::HEADER), report))
}
