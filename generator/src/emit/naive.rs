//! The naive baseline for the compile-cost benchmark (`bench/compile.sh`): the crate a
//! simple script would write for the same IR. One
//! `#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]` struct per type with
//! every field an `Option`, inherited fields copied, a flattened map for the rest; one derived
//! enum per enum (a variant per member, `#[serde(other)]` for the rest); no requests, no
//! polymorphism, no tests. It is measured, never shipped.

use super::names::Names;
use super::{EmitError, Files, HEADER, format_items_body, models};
use crate::ident::{self, Namer, Style};
use crate::ir::{Ir, Primitive as P, TypeRef, effective_properties};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// Items of the naive crate.
enum Item<'a> {
    Type(&'a crate::ir::TypeDef),
    Enum(&'a crate::ir::EnumDef),
}

fn struct_tokens(
    ir: &Ir,
    names: &Names,
    boxing: &models::Boxing,
    t: &crate::ir::TypeDef,
) -> TokenStream {
    let module = names.module_of(&t.name);
    let mut namer = Namer::new(Style::Snake);
    namer.reserve("additional_properties");
    let fields = effective_properties(ir, t).into_iter().map(|p| {
        let field = ident::make_ident(&namer.claim(ident::field_name(&p.name)));
        let json = &p.name;
        let inner = match &p.ty {
            // a naive crate keeps dates, GUIDs, durations and base64 as strings
            TypeRef::Primitive { primitive } => match primitive {
                P::Guid | P::DateTimeOffset | P::Date | P::TimeOfDay | P::Duration | P::Binary => {
                    quote! { String }
                }
                p => models::primitive(*p),
            },
            TypeRef::Complex { name } => {
                let path = names.item_path(name, module);
                match !p.collection && boxing.needs_box(&t.name, name) {
                    true => quote! { Box<#path> },
                    false => path,
                }
            }
            TypeRef::Enum { name } => names.item_path(name, module),
            TypeRef::Opaque { .. } => quote! { serde_json::Value },
        };
        let ty = match p.collection {
            true => quote! { Vec<#inner> },
            false => inner,
        };
        quote! {
            #[serde(rename = #json, skip_serializing_if = "Option::is_none")]
            pub #field: Option<#ty>,
        }
    });
    let ident = names.ident(&t.name);
    quote! {
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct #ident {
            #(#fields)*
            #[serde(flatten)]
            pub additional_properties: serde_json::Map<String, serde_json::Value>,
        }
    }
}

fn enum_tokens(names: &Names, e: &crate::ir::EnumDef) -> TokenStream {
    let mut namer = Namer::new(Style::Camel);
    namer.reserve("Other");
    let mut seen = BTreeSet::new();
    let variants = e.members.iter().filter(|m| seen.insert(&m.name)).map(|m| {
        let v = ident::make_ident(&namer.claim(ident::variant_name(&m.name)));
        let wire = &m.name;
        quote! { #[serde(rename = #wire)] #v, }
    });
    let ident = names.ident(&e.name);
    quote! {
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum #ident {
            #(#variants)*
            #[default]
            #[serde(other)]
            Other,
        }
    }
}

/// The naive crate: `Cargo.toml` and `src/<module>.rs` per namespace plus `src/lib.rs`.
pub(crate) fn emit(ir: &Ir, crate_name: &str) -> Result<Files, EmitError> {
    let names = Names::new(ir);
    let boxing = models::Boxing::new_naive(ir);
    let mut modules: BTreeMap<&str, BTreeMap<&str, Item>> = BTreeMap::new();
    for t in ir.types.values() {
        let m = modules.entry(names.module_of(&t.name)).or_default();
        m.insert(names.type_name(&t.name), Item::Type(t));
    }
    for e in ir.enums.values() {
        let m = modules.entry(names.module_of(&e.name)).or_default();
        m.insert(names.type_name(&e.name), Item::Enum(e));
    }
    let mut files = Files::new();
    for (module, items) in &modules {
        let items: Vec<&Item> = items.values().collect();
        let build = |i: &&Item| match i {
            Item::Type(t) => struct_tokens(ir, &names, &boxing, t),
            Item::Enum(e) => enum_tokens(&names, e),
        };
        let body = format_items_body(&items, build, module)?;
        files.insert(format!("src/{module}.rs"), format!("{HEADER}\n{body}"));
    }
    let decls = modules.keys().map(|m| {
        let id = ident::make_ident(m);
        quote! { pub mod #id; }
    });
    let lib = quote! {
        //! The naive baseline crate (doc2rs compile-cost benchmark).
        #![allow(warnings, clippy::all)]
        #(#decls)*
    };
    files.insert("src/lib.rs".into(), super::format(lib, "lib.rs")?);
    let name = super::package_name(crate_name);
    files.insert(
        "Cargo.toml".into(),
        format!(
            "# @generated by doc2rs (naive baseline). Do not edit by hand.\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n"
        ),
    );
    Ok(files)
}
