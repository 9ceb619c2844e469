//! Operations → request builders (sans-IO). One struct per operation with a constructor per
//! documented path (typed path values, percent-encoded per segment), setters for the
//! documented query options and headers, and an `Operation` impl that yields the
//! `http::Request` parts and parses the response into the typed result or a Graph error.
//!
//! Builders live in `requests`, in one inline module per path root (`service_principals`,
//! `applications`, ...); an operation with paths under several roots is re-exported in each.

use super::docs;
use super::models::{self, Boxing, StructShape};
use super::names::Names;
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

/// The `Output` type and the parse function.
fn output(ir_names: &Names, op: &Operation) -> (TokenStream, TokenStream) {
    match &op.response.ty {
        Some(TypeRef::Complex { name }) => {
            let t = ir_names.path(name, MODULE);
            let t = if op.response.collection {
                quote! { crate::runtime::Collection<#t> }
            } else {
                t
            };
            (t, quote! { crate::client::parse_json(status, body) })
        }
        _ => (
            quote! { () },
            quote! { crate::client::parse_empty(status, body) },
        ),
    }
}

/// The builder struct, its impls and its body struct, each prefixed with `cfg`.
fn operation_item(
    names: &Names,
    op_names: &OpNames,
    boxing: &Boxing,
    op: &Operation,
    cfg: &TokenStream,
) -> TokenStream {
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
            let mut pi = params.iter();
            let steps = path.pieces.iter().map(|piece| match piece {
                Piece::Literal { text } => {
                    let text = path_literal(text);
                    quote! { path.literal(#text); }
                }
                Piece::Param { name, quoted } => {
                    let id = pi.next().expect("one ident per param");
                    let f = if *quoted {
                        quote! { quoted }
                    } else {
                        quote! { param }
                    };
                    quote! { path.#f(#name, #id)?; }
                }
            });
            let query = path
                .query
                .iter()
                .map(|(k, v)| quote! { parts.push_query(#k, #v.to_string()); });
            let doc = format!(" `{} {}`", op.method, path.raw);
            let mut args: Vec<TokenStream> = params.iter().map(|p| quote! { #p: &str }).collect();
            let body_field = match &body_ty {
                Some(t) => {
                    args.push(quote! { body: #t });
                    quote! { body }
                }
                None => quote! {},
            };
            let mutable = if path.query.is_empty() {
                quote! {}
            } else {
                quote! { mut }
            };
            quote! {
                #[doc = #doc]
                pub fn #ctor(#(#args),*) -> Result<Self, crate::client::Error> {
                    let mut path = crate::client::PathBuilder::new();
                    #(#steps)*
                    let #mutable parts = crate::client::RequestParts::new(#method, path.finish());
                    #(#query)*
                    Ok(Self { parts, #body_field })
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
            pub fn #f(mut self, #arg) -> Self {
                self.parts.push_query(#q, #value);
                self
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
                pub fn #f(mut self, value: impl Into<String>) -> Self {
                    self.parts.push_header(#name, value.into());
                    self
                }
            }
        });
    let (out_ty, parse) = output(names, op);
    let (field, into_parts) = match &body_ty {
        Some(t) => (
            quote! { body: #t, },
            quote! {
                let mut parts = self.parts;
                parts.body = Some(serde_json::to_vec(&self.body)?);
                Ok(parts)
            },
        ),
        None => (quote! {}, quote! { Ok(self.parts) }),
    };
    let mut doc = vec![docs::clean(&op.name), docs::clean(&op.description)];
    let status = op
        .response
        .status
        .map(|s| format!(" The documented success status is {s}."))
        .unwrap_or_default();
    doc.push(docs::clean(&format!("Documented at `{}`.{status}", op.id)));
    let doc = docs::attrs(&doc);
    let body_struct = match &op.body {
        Some(Body::Parameters { properties }) => {
            let props: Vec<_> = properties.iter().collect();
            let shape = StructShape {
                cfg: cfg.clone(),
                owner: "",
                module: MODULE,
                ident: op_names.body_ident(&op.id),
                doc: vec![docs::clean(&format!(
                    "The parameters of `{}`, sent as the JSON request body.",
                    op.name
                ))],
            };
            models::struct_tokens(names, boxing, shape, &props)
        }
        _ => quote! {},
    };
    quote! {
        #cfg
        #doc
        #[derive(Clone, Debug)]
        pub struct #ident {
            parts: crate::client::RequestParts,
            #field
        }

        #cfg
        impl #ident {
            #(#ctors)*
            #(#query_setters)*
            #(#header_setters)*
        }

        #cfg
        impl crate::client::Operation for #ident {
            type Output = #out_ty;

            fn into_parts(self) -> Result<crate::client::RequestParts, crate::client::Error> {
                #into_parts
            }

            fn parse_response(status: u16, body: &[u8]) -> Result<Self::Output, crate::client::Error> {
                #parse
            }
        }

        #body_struct
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
                quote! { #[doc = #doc] pub mod #m }
            };
            let prelude = || {
                let reexports = reexports.clone();
                quote! { #(#reexports)* }
            };
            let item = |op: &&Operation| {
                operation_item(names, op_names, boxing, op, &areas.cfg_of(&op.id))
            };
            super::format_module_body(&head, &prelude, homed, item, MODULE)
        })
        .collect::<Result<Vec<String>, _>>()?;
    Ok(format!("{}\n{}", super::HEADER, bodies.concat()))
}
