//! Rust names for everything the IR defines: a module per namespace, a type identifier per
//! type or enum (unique within its module), decided once, in sorted order, so every run
//! names things the same way.

use crate::ident::{self, Namer, Style};
use crate::ir::{Ir, namespace_of, simple_name};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// The module that holds the hand-written support types.
pub const RUNTIME: &str = "runtime";

pub struct Names {
    /// namespace → module name
    modules: BTreeMap<String, String>,
    /// qualified name → (module, type name)
    items: BTreeMap<String, (String, String)>,
}

/// `microsoft.graph` → `graph`, `microsoft.graph.callRecords` → `call_records`.
fn module_for(namespace: &str) -> String {
    let rest = namespace
        .strip_prefix("microsoft.graph.")
        .or_else(|| (namespace == "microsoft.graph").then_some("graph"))
        .unwrap_or(namespace);
    ident::field_name(rest)
}

impl Names {
    pub fn new(ir: &Ir) -> Self {
        let mut namespaces: Vec<&str> = ir
            .types
            .keys()
            .chain(ir.enums.keys())
            .map(|q| namespace_of(q))
            .collect();
        namespaces.sort_unstable();
        namespaces.dedup();
        let mut module_namer = Namer::new(Style::Snake);
        module_namer.reserve(RUNTIME);
        let modules: BTreeMap<String, String> = namespaces
            .into_iter()
            .map(|ns| (ns.to_string(), module_namer.claim(module_for(ns))))
            .collect();
        let mut namers: BTreeMap<&str, Namer> = BTreeMap::new();
        let mut qualified: Vec<&String> = ir.types.keys().chain(ir.enums.keys()).collect();
        qualified.sort();
        let mut items = BTreeMap::new();
        for q in qualified {
            let module = &modules[namespace_of(q)];
            let namer = namers
                .entry(module)
                .or_insert_with(|| Namer::new(Style::Camel));
            let name = namer.claim(ident::type_name(simple_name(q)));
            items.insert(q.clone(), (module.clone(), name));
        }
        Names { modules, items }
    }

    /// Modules with the namespace each holds, sorted by module name.
    pub fn modules(&self) -> Vec<(&str, &str)> {
        let mut v: Vec<(&str, &str)> = self
            .modules
            .iter()
            .map(|(ns, m)| (m.as_str(), ns.as_str()))
            .collect();
        v.sort();
        v
    }

    pub fn module_of(&self, qualified: &str) -> &str {
        &self.items[qualified].0
    }

    pub fn type_name(&self, qualified: &str) -> &str {
        &self.items[qualified].1
    }

    pub fn ident(&self, qualified: &str) -> syn::Ident {
        ident::make_ident(self.type_name(qualified))
    }

    /// The path to use for `qualified` from inside module `from`.
    pub fn path(&self, qualified: &str, from: &str) -> TokenStream {
        let (module, _) = &self.items[qualified];
        let ty = self.ident(qualified);
        if module == from {
            quote! { #ty }
        } else {
            let m = ident::make_ident(module);
            quote! { crate::#m::#ty }
        }
    }

    /// The path to a runtime support type.
    pub fn runtime(name: &str) -> TokenStream {
        let m = format_ident!("{}", RUNTIME);
        let t = format_ident!("{}", name);
        quote! { crate::#m::#t }
    }
}
