//! Cargo features per product area (`ms.prod`), so a user compiles only what they use.
//!
//! An area's closure is its own types, enums and operations plus everything they reference
//! (base types, property types, request bodies, responses), transitively. Each generated
//! item is gated by `#[cfg(any(feature = ...))]` over the areas whose closure holds it; an
//! item every area needs carries no gate. `full` (the default) enables every area.

use crate::ir::{Ir, closure};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) struct Areas {
    pub all: BTreeSet<String>,
    /// Qualified type/enum name or operation id → areas that need it.
    needed_by: BTreeMap<String, BTreeSet<String>>,
}

impl Areas {
    pub fn new(ir: &Ir) -> Self {
        // Roots of each area: its own definitions and what its operations use.
        let mut roots: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for t in ir.types.values() {
            roots.entry(&t.area).or_default().push(&t.name);
        }
        for e in ir.enums.values() {
            roots.entry(&e.area).or_default().push(&e.name);
        }
        for op in &ir.operations {
            roots.entry(&op.area).or_default().extend(op.references());
        }
        let mut needed_by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        // Each area's closure on its own (in parallel); sets, so the order does not matter.
        let closures: Vec<(&str, BTreeSet<&str>)> = {
            use rayon::prelude::*;
            let roots: Vec<(&str, &Vec<&str>)> = roots.iter().map(|(a, s)| (*a, s)).collect();
            roots
                .into_par_iter()
                .map(|(area, start)| (area, closure(ir, start.iter().copied())))
                .collect()
        };
        for (area, reached) in closures {
            for n in reached {
                match needed_by.get_mut(n) {
                    Some(areas) => {
                        areas.insert(area.to_string());
                    }
                    None => {
                        needed_by.insert(n.to_string(), BTreeSet::from([area.to_string()]));
                    }
                }
            }
        }
        for op in &ir.operations {
            needed_by
                .entry(op.id.clone())
                .or_default()
                .insert(op.area.clone());
        }
        let all = roots.keys().map(|a| a.to_string()).collect();
        Areas { all, needed_by }
    }

    /// The areas that need an item (type, enum or operation id).
    pub fn of(&self, item: &str) -> BTreeSet<String> {
        self.needed_by.get(item).cloned().unwrap_or_default()
    }

    /// `#[cfg(any(feature = "a", ...))]` for an item needed by `areas`; nothing when every
    /// area needs it.
    pub fn cfg(&self, areas: &BTreeSet<String>) -> TokenStream {
        if areas.is_empty() || *areas == self.all {
            return quote! {};
        }
        if areas.len() == 1 {
            let a = areas.iter().next().unwrap();
            return quote! { #[cfg(feature = #a)] };
        }
        let features = areas.iter().map(|a| quote! { feature = #a });
        quote! { #[cfg(any(#(#features),*))] }
    }

    pub fn cfg_of(&self, item: &str) -> TokenStream {
        match self.needed_by.get(item) {
            Some(areas) => self.cfg(areas),
            None => quote! {},
        }
    }

    /// The `cfg` predicate under which an item is compiled (`feature = "a"` or
    /// `any(...)`); `None` when it always is.
    pub fn predicate(&self, item: &str) -> Option<TokenStream> {
        let areas = self.of(item);
        if areas.is_empty() || areas == self.all {
            return None;
        }
        let features: Vec<TokenStream> = areas.iter().map(|a| quote! { feature = #a }).collect();
        Some(match &features[..] {
            [one] => one.clone(),
            _ => quote! { any(#(#features),*) },
        })
    }

    /// `#[cfg(...)]` for code that needs every one of `items` compiled; nothing when they
    /// always are.
    pub fn cfg_all(&self, items: &[&str]) -> TokenStream {
        let mut preds: Vec<TokenStream> = Vec::new();
        for p in items.iter().filter_map(|i| self.predicate(i)) {
            if !preds.iter().any(|q| q.to_string() == p.to_string()) {
                preds.push(p);
            }
        }
        match &preds[..] {
            [] => quote! {},
            [one] => quote! { #[cfg(#one)] },
            _ => quote! { #[cfg(all(#(#preds),*))] },
        }
    }

    /// The `[features]` table: `default = ["full"]`, `full` = every area, one per area.
    pub fn features_toml(&self) -> String {
        let mut out = String::from(
            "[features]\ndefault = [\"full\"]\n# Every area. Depend with `default-features = false` and pick areas to compile less.\nfull = [",
        );
        out.push_str(
            &self
                .all
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", "),
        );
        out.push_str("]\n");
        for a in &self.all {
            out.push_str(&format!("{a} = []\n"));
        }
        out
    }
}
