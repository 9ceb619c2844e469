//! Enums → open Rust enums: one variant per documented member plus `Undocumented(String)`,
//! which keeps any other value exactly as the service sent it (Graph enums are evolvable:
//! members after `unknownFutureValue` appear when a client opts in). Serialisation writes
//! back the exact wire string, so round trips are lossless.

use super::docs;
use super::names::Names;
use crate::ident::{self, Namer, Style};
use crate::ir::EnumDef;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// The catch-all variant; reserved so no member can take its name.
pub const CATCH_ALL: &str = "Undocumented";

/// The enum and its impls, each prefixed with `cfg` (an area gate, possibly empty).
pub fn enum_item(names: &Names, e: &EnumDef, cfg: &TokenStream) -> TokenStream {
    let ident = names.ident(&e.name);
    let mut namer = Namer::new(Style::Camel);
    namer.reserve(CATCH_ALL);
    let mut seen = BTreeSet::new();
    let members: Vec<_> = e
        .members
        .iter()
        .filter(|m| seen.insert(m.name.as_str()))
        .map(|m| {
            let variant = ident::make_ident(&namer.claim(ident::variant_name(&m.name)));
            let mut doc = vec![docs::clean(&m.description)];
            if let Some(v) = &m.value {
                doc.push(docs::clean(&format!("Numeric value {v}.")));
            }
            (variant, m.name.as_str(), docs::attrs(&doc))
        })
        .collect();
    let variants = members.iter().map(|(v, _, doc)| quote! { #doc #v, });
    let to_str = members
        .iter()
        .map(|(v, wire, _)| quote! { Self::#v => #wire, });
    let from_str = members
        .iter()
        .map(|(v, wire, _)| quote! { #wire => Self::#v, });
    let catch_all = ident::make_ident(CATCH_ALL);
    let mut doc = vec![docs::clean(&e.description)];
    doc.push(docs::clean(&format!(
        "OData enum `{}`{}. Source: `{}`.",
        e.name,
        if e.flags {
            " (flags: several members may be combined, comma-separated)"
        } else {
            ""
        },
        e.loc.file
    )));
    let doc = docs::attrs(&doc);
    quote! {
        #cfg
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #ident {
            #(#variants)*
            /// A value not documented when this code was generated, kept as sent.
            #catch_all(String),
        }

        #cfg
        impl #ident {
            /// The value as it appears on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#catch_all(other) => other,
                }
            }
        }

        #cfg
        impl From<&str> for #ident {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#catch_all(other.to_string()),
                }
            }
        }

        #cfg
        impl serde::Serialize for #ident {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #cfg
        impl<'de> serde::Deserialize<'de> for #ident {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    }
}
