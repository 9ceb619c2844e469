//! Tests generated from the docs' own examples: every request and response body whose type
//! is known must deserialize into its model and serialize back to the same JSON.

use super::{format, names::Names, EmitError};
use crate::ident;
use crate::ir::{ExampleKind, Ir};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

const SUPPORT: &str = include_str!("../../templates/example_support.rs");

/// A stable test name per example: page stem, kind, and a counter within the page.
pub fn test_names(ir: &Ir) -> Vec<Option<String>> {
    let mut counters: BTreeMap<String, usize> = BTreeMap::new();
    ir.examples
        .iter()
        .map(|ex| {
            ex.type_name.as_ref()?;
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
            let key = format!("{stem}_{kind}");
            let n = counters.entry(key.clone()).or_default();
            *n += 1;
            Some(ident::field_name(&format!("{key}_{n}")))
        })
        .collect()
}

pub fn tests_file(ir: &Ir, names: &Names, crate_name: &str) -> Result<String, EmitError> {
    let krate = ident::make_ident(&crate_name.replace('-', "_"));
    let support: TokenStream = SUPPORT
        .parse()
        .map_err(|e| EmitError(format!("example support template: {e}")))?;
    let tests = ir
        .examples
        .iter()
        .zip(test_names(ir))
        .filter_map(|(ex, name)| {
            let name = ident::make_ident(&name?);
            let ty = ex.type_name.as_ref()?;
            let module = ident::make_ident(names.module_of(ty));
            let model = names.ident(ty);
            let mut path = quote! { #krate::#module::#model };
            if ex.collection {
                path = quote! { #krate::runtime::Collection<#path> };
            }
            let json = serde_json::to_string_pretty(&ex.body).ok()?;
            let mut doc = format!(" {}:{}", ex.loc.file, ex.loc.line);
            let check = match &ex.mismatch {
                Some(m) => {
                    doc.push_str(&format!(": does not fit its model ({m})"));
                    quote! { mismatch::<#path>(#json); }
                }
                None => quote! { roundtrip::<#path>(#json); },
            };
            Some(quote! {
                #[doc = #doc]
                #[test]
                fn #name() {
                    #check
                }
            })
        });
    format(quote! { #support #(#tests)* }, "tests/examples.rs")
}
