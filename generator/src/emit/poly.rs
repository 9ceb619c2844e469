//! Polymorphic values: for a type with derived types that some field, body or response
//! holds, an enum over the type and every type derived from it at any depth
//! (`AnyDirectoryObject::User(Box<User>)`), chosen by the value's `@odata.type`.
//!
//! Shaped for compile cost (the root entity has about a thousand descendants):
//! - `Deserialize` reads the value into a `serde_json::Value` once and hands it to one
//!   non-generic `from_json`, so the big `match` is compiled once, not once per deserializer;
//!   each arm is one call, `runtime::read_boxed(value, Self::Variant)` (no `?`, no closure).
//! - One `as_object` match hands out the value as `&dyn runtime::Object`; `Serialize`,
//!   `Debug`, `PartialEq` and `type_name()` go through it instead of a `match` arm per variant
//!   each. Variants are boxed, so the enum is two words and never makes a by-value cycle.
//! - A variant whose type a cargo feature leaves out is left out too (its `cfg`), and such a
//!   value reads as the base, with everything in `additional_properties`.
//!
//! An unknown or missing `@odata.type` yields the base variant with nothing lost; the struct of
//! each variant keeps `odata_type` and unknown members, so serialization writes back what came.

use super::areas::Areas;
use super::names::Names;
use crate::ident::{self, Namer, Style};
use crate::ir::{Ir, hierarchy};
use proc_macro2::TokenStream;
use quote::quote;

pub fn any_enum(ir: &Ir, names: &Names, areas: &Areas, base: &str) -> TokenStream {
    let Some(any) = names.any_ident(base) else {
        return quote! {};
    };
    let module = names.module_of(base);
    let mut members = vec![base];
    members.extend(hierarchy::descendants(ir, base));
    let mut namer = Namer::new(Style::Camel);
    let variants: Vec<(syn::Ident, TokenStream, TokenStream, String, &str)> = members
        .iter()
        .map(|q| {
            let v = ident::make_ident(&namer.claim(names.type_name(q).to_string()));
            let path = names.item_path(q, module);
            let cfg = if *q == base {
                quote! {}
            } else {
                areas.cfg_of(q)
            };
            (v, path, cfg, q.to_lowercase(), *q)
        })
        .collect();
    let base_variant = &variants[0].0;
    let defs = variants.iter().map(|(v, path, cfg, _, q)| {
        let doc = format!(" A `{q}`.");
        quote! { #cfg #[doc = #doc] #v(Box<#path>), }
    });
    let arms = variants[1..].iter().map(|(v, _, cfg, key, _)| {
        quote! { #cfg #key => crate::runtime::read_boxed(value, Self::#v), }
    });
    let objects = variants.iter().map(|(v, _, cfg, _, _)| {
        quote! { #cfg Self::#v(v) => &**v, }
    });
    let doc = format!(
        " A `{base}` or a value of a type derived from it, by its `@odata.type` ({} types). \
         An unknown or missing `@odata.type` reads as `{}`.",
        variants.len(),
        names.type_name(base)
    );
    let cfg = areas.cfg_of(base);
    quote! {
        #cfg
        #[doc = #doc]
        #[derive(Clone)]
        pub enum #any {
            #(#defs)*
        }
        #cfg
        impl #any {
            /// Read a JSON value as the type its `@odata.type` names, else as the base type.
            #[inline]
            pub fn from_json(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                match crate::runtime::odata_type_key(&value).as_str() {
                    #(#arms)*
                    _ => crate::runtime::read_boxed(value, Self::#base_variant),
                }
            }
            /// The value, whichever type it was read as.
            #[inline]
            pub fn as_object(&self) -> &dyn crate::runtime::Object {
                match self {
                    #(#objects)*
                }
            }
            /// The qualified OData name of the type this value was read as.
            #[inline]
            pub fn type_name(&self) -> &'static str {
                self.as_object().type_name()
            }
        }
        #cfg
        impl serde::Serialize for #any {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::runtime::serialize_object(self.as_object(), serializer)
            }
        }
        #cfg
        impl<'de> serde::Deserialize<'de> for #any {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                Self::from_json(value).map_err(serde::de::Error::custom)
            }
        }
        #cfg
        impl PartialEq for #any {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                self.as_object().eq_object(other.as_object())
            }
        }
        #cfg
        impl std::fmt::Debug for #any {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.as_object().debug().fmt(f)
            }
        }
    }
}
