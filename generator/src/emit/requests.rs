//! Operations → request builders (sans-IO). One struct per operation with a constructor per
//! documented path (typed path values, percent-encoded per segment), setters for the
//! documented query options and headers, and an `Operation` impl that yields the
//! `http::Request` parts and parses the response into the typed result or a Graph error.
//!
//! Builders live in `requests`, in one inline module per path root (`service_principals`,
//! `applications`, ...); an operation with paths under several roots is re-exported in each.

use super::models::{self, Boxing, StructShape};
use super::names::Names;
use super::{EmitError, docs, syntax};
use crate::ident::{self, Namer, Style};
use crate::ir::path::{PathTemplate, Piece};
use crate::ir::{Body, Ir, Operation, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

pub const MODULE: &str = "requests";

pub use super::request_names::OpNames;

/// How a query option's setter is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
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
pub fn setter_names(op_names: &OpNames, op: &Operation) -> Vec<String> {
    let mut namer = Namer::new(Style::Snake);
    for c in op_names.constructors(&op.id) {
        namer.reserve(c);
    }
    let names = op.query.iter().chain(op.headers.iter().map(|h| &h.name));
    names.map(|n| namer.claim(ident::field_name(n))).collect()
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
pub fn param_names(path: &PathTemplate) -> Vec<String> {
    let mut namer = Namer::new(Style::Snake);
    // Locals of the generated constructor.
    for local in ["body", "path", "parts"] {
        namer.reserve(local);
    }
    path.params()
        .map(|(name, _)| namer.claim(ident::field_name(name)))
        .collect()
}

fn method_tokens(method: &str) -> TokenStream {
    let m = format_ident!("{}", if method.is_empty() { "GET" } else { method });
    quote! { http::Method::#m }
}

/// The Rust type of the body the caller passes, if any.
fn body_type(ir_names: &Names, op_names: &OpNames, op: &Operation) -> Option<TokenStream> {
    match op.body.as_ref()? {
        Body::Type {
            ty: TypeRef::Complex { name },
            collection,
        } => {
            let t = ir_names.path(name, MODULE);
            Some(if *collection {
                quote! { Vec<#t> }
            } else {
                t
            })
        }
        Body::Type { .. } => Some(quote! { serde_json::Value }),
        Body::Parameters { .. } => {
            let b = op_names.body_ident(&op.id);
            Some(quote! { #b })
        }
    }
}

/// The `Output` type, and whether the documented response has no body.
fn output(ir_names: &Names, op: &Operation) -> (TokenStream, bool) {
    match &op.response.ty {
        Some(TypeRef::Complex { name }) => {
            let t = ir_names.path(name, MODULE);
            let t = if op.response.collection {
                quote! { crate::runtime::Collection<#t> }
            } else {
                t
            };
            (t, false)
        }
        _ => (quote! { () }, true),
    }
}

/// The builder (an alias of `client::Request` over the operation's marker type in `kinds`),
/// its constructors and setters, its `Kind` impl and its body struct, each prefixed with `cfg`.
fn operation_item(
    names: &Names,
    op_names: &OpNames,
    boxing: &Boxing,
    op: &Operation,
    cfg: &TokenStream,
    out: &mut Vec<syn::Item>,
) -> Result<(), EmitError> {
    let ident = op_names.ident(&op.id);
    let body_ty = body_type(names, op_names, op);
    let method = method_tokens(&op.method);
    let ctors = op_names
        .constructors(&op.id)
        .iter()
        .zip(&op.paths)
        .map(|(ctor, path)| {
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
                    Piece::Param { name, quoted } => {
                        template.push_str(if *quoted { "{'}" } else { "{}" });
                        let id = pi.next().expect("one ident per param");
                        values.push(quote! { (#name, #id) });
                    }
                }
            }
            let doc = format!(" `{} {}`", op.method, path.raw);
            let mut args: Vec<TokenStream> = params.iter().map(|p| quote! { #p: &str }).collect();
            let parts = match &body_ty {
                Some(t) => {
                    args.push(quote! { body: #t });
                    quote! { crate::client::request_json(#method, #template, &[#(#values),*], &body) }
                }
                None => quote! { crate::client::request(#method, #template, &[#(#values),*]) },
            };
            let body = if path.query.is_empty() {
                parts
            } else {
                let query = path.query.iter().map(|(k, v)| {
                    quote! { let parts = crate::client::with_query(parts, #k, #v.to_string()); }
                });
                quote! {
                    let parts = #parts?;
                    #(#query)*
                    Ok(parts)
                }
            };
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #ctor(#(#args),*) -> Result<Self, crate::client::Error> {
                    #body
                }
            }
        });
    let setters = setter_names(op_names, op);
    let query_setters = op.query.iter().zip(&setters).map(|(q, f)| {
        let f = ident::make_ident(f);
        let doc = format!(" Sets the `{q}` query option.");
        let (arg, value) = match QueryKind::of(q) {
            QueryKind::Number => (quote! { value: u64 }, quote! { value.to_string() }),
            QueryKind::Flag => (quote! { value: bool }, quote! { value.to_string() }),
            QueryKind::List => (quote! { values: &[&str] }, quote! { values.join(",") }),
            QueryKind::Text => (quote! { value: impl Into<String> }, quote! { value.into() }),
        };
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn #f(self, #arg) -> Self {
                crate::client::with_query(self, #q, #value)
            }
        }
    });
    let header_setters = op
        .headers
        .iter()
        .zip(&setters[op.query.len()..])
        .map(|(h, f)| {
            let f = ident::make_ident(f);
            let mut doc = vec![docs::clean(&format!("Sets the `{}` header.", h.name))];
            doc.push(docs::clean(&h.description));
            let doc = docs::attrs(&doc);
            let name = &h.name;
            quote! {
                #doc
                #[inline]
                pub fn #f(self, value: impl Into<String>) -> Self {
                    crate::client::with_header(self, #name, value.into())
                }
            }
        });
    let (out_ty, no_content) = output(names, op);
    let mut doc = vec![docs::clean(&op.name), docs::clean(&op.description)];
    let status = op
        .response
        .status
        .map(|s| format!(" The documented success status is {s}."))
        .unwrap_or_default();
    doc.push(docs::clean(&format!("Documented at `{}`.{status}", op.id)));
    let doc = docs::attrs(&doc);
    let no_content = no_content.then(|| quote! { const NO_CONTENT: bool = true; });
    syntax::parse_into(
        quote! {
            #cfg
            #doc
            pub type #ident = crate::client::Request<kinds::#ident>;

            #cfg
            impl #ident {
                #(#ctors)*
                #(#query_setters)*
                #(#header_setters)*
            }

            #cfg
            impl crate::client::Kind for kinds::#ident {
                type Output = #out_ty;
                #no_content
            }
        },
        out,
    )?;
    match &op.body {
        Some(Body::Parameters { properties }) => {
            let props: Vec<_> = properties.iter().collect();
            let shape = StructShape {
                cfg: syntax::attrs(cfg.clone())?,
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

/// The `requests` module: one inline module per path root, formatted in parallel (one
/// chunk per root; the concatenation equals formatting the module as one file).
pub fn requests_module(
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
            let reexports = reexported.iter().map(|op| {
                let home_id = ident::make_ident(op_names.module(&op.id));
                let ty = op_names.ident(&op.id);
                let cfg = areas.cfg_of(&op.id);
                let body = matches!(op.body, Some(Body::Parameters { .. })).then(|| {
                    let b = op_names.body_ident(&op.id);
                    quote! { #cfg pub use super::#home_id::#b; }
                });
                quote! { #cfg pub use super::#home_id::#ty; #body }
            });
            let head = || {
                let m = ident::make_ident(root);
                let doc = format!(" Operations on paths under `/{root}`.");
                syn::parse2(quote! { #[doc = #doc] pub mod #m {} })
                    .map_err(|e| EmitError(format!("internal error: module head: {e}")))
            };
            let prelude = |out: &mut Vec<syn::Item>| {
                let reexports = reexports.clone();
                let markers = homed.iter().map(|op| {
                    let ty = op_names.ident(&op.id);
                    let cfg = areas.cfg_of(&op.id);
                    quote! { #cfg pub enum #ty {} }
                });
                let kinds = (!homed.is_empty()).then(|| {
                    quote! {
                        /// The operations' marker types: `Request<kinds::X>` is the builder `X`.
                        pub mod kinds {
                            #(#markers)*
                        }
                    }
                });
                syntax::parse_into(quote! { #(#reexports)* #kinds }, out)
            };
            let item = |op: &&Operation, out: &mut Vec<syn::Item>| {
                operation_item(names, op_names, boxing, op, &areas.cfg_of(&op.id), out)
            };
            syntax::format_module(&head, &prelude, homed, item)
        })
        .collect::<Result<Vec<String>, _>>()?;
    Ok(format!("{}\n{}", super::HEADER, bodies.concat()))
}
