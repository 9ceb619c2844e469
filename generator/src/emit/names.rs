//! Rust names for everything the IR defines: a module per namespace, a type identifier per
//! type or enum (unique within its module), decided once, in sorted order, so every run
//! names things the same way.

use crate::ident::{self, Namer, Style};
use crate::ir::{Ir, namespace_of, simple_name};
use proc_macro2::TokenStream;
use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};

/// The module that holds the hand-written support types.
pub(crate) const RUNTIME: &str = "runtime";

pub struct Names {
    /// namespace → module name
    modules: BTreeMap<String, String>,
    /// qualified name → (module, type name)
    items: BTreeMap<String, (String, String)>,
    /// Polymorphic bases (see `ir::hierarchy::polymorphic_bases`) → the name of the enum
    /// over the type and its derived types (`AnyDirectoryObject`), in the type's module, and
    /// every type derived from the base, sorted (the enum's variants after the base).
    any: BTreeMap<String, (String, Vec<String>)>,
    /// The polymorphic bases themselves, as the example checker takes them.
    polymorphic: BTreeSet<String>,
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
        Self::with_polymorphic(ir, crate::ir::hierarchy::polymorphic_bases(ir))
    }

    /// Names given the IR's polymorphic bases (`ir::hierarchy::polymorphic_bases`), when the
    /// caller has them already.
    pub fn with_polymorphic(ir: &Ir, polymorphic: BTreeSet<String>) -> Self {
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
        // Claimed after every type, so a type's own name never depends on them.
        let mut any = BTreeMap::new();
        let tree = crate::ir::hierarchy::Tree::new(ir);
        for q in &polymorphic {
            let (module, name) = &items[q];
            let namer = namers.get_mut(module.as_str()).unwrap();
            let below = tree.descendants(q).into_iter().map(String::from).collect();
            any.insert(q.clone(), (namer.claim(format!("Any{name}")), below));
        }
        Names {
            modules,
            items,
            any,
            polymorphic,
        }
    }

    /// Types a value of a derived type can arrive as (they have an `Any...` enum).
    pub fn polymorphic(&self) -> &BTreeSet<String> {
        &self.polymorphic
    }

    /// Every type derived from a polymorphic base at any depth, sorted by name (empty for
    /// other types).
    pub fn derived(&self, qualified: &str) -> &[String] {
        self.any
            .get(qualified)
            .map_or(&[], |(_, below)| below.as_slice())
    }

    /// The name of the enum over a polymorphic base and its derived types, if `qualified`
    /// is one.
    pub fn any_name(&self, qualified: &str) -> Option<&str> {
        self.any.get(qualified).map(|(name, _)| name.as_str())
    }

    /// The enum over a polymorphic base and its derived types, if `qualified` is one.
    pub fn any_ident(&self, qualified: &str) -> Option<syn::Ident> {
        self.any_name(qualified).map(ident::make_ident)
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

    /// [`Names::ty`] as tokens.
    pub fn path(&self, qualified: &str, from: &str) -> TokenStream {
        self.ty(qualified, from).into_token_stream()
    }

    /// [`Names::item_ty`] as tokens.
    pub fn item_path(&self, qualified: &str, from: &str) -> TokenStream {
        self.item_ty(qualified, from).into_token_stream()
    }

    /// The type that holds a value of `qualified`, from inside module `from`: its `Any...`
    /// enum when derived types can arrive there, else the item itself.
    pub fn ty(&self, qualified: &str, from: &str) -> syn::Type {
        match self.any_ident(qualified) {
            Some(any) => self.ty_to(qualified, any, from),
            None => self.item_ty(qualified, from),
        }
    }

    /// The path to the struct or enum generated for `qualified`, from inside module `from`.
    pub fn item_ty(&self, qualified: &str, from: &str) -> syn::Type {
        self.ty_to(qualified, self.ident(qualified), from)
    }

    fn ty_to(&self, qualified: &str, ty: syn::Ident, from: &str) -> syn::Type {
        use super::syntax::{id, path, path_type};
        let (module, _) = &self.items[qualified];
        if module == from {
            path_type(path([&ty]))
        } else {
            path_type(path([&id("crate"), &ident::make_ident(module), &ty]))
        }
    }

    /// The path to a runtime support type.
    pub fn runtime_ty(name: &str) -> syn::Type {
        use super::syntax::{id, path, path_type};
        path_type(path([&id("crate"), &id(RUNTIME), &id(name)]))
    }
}
