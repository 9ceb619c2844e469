//! Enums → open Rust enums: one variant per documented member plus `Undocumented(String)`,
//! which keeps any other value exactly as the service sent it (Graph enums are evolvable:
//! members after `unknownFutureValue` appear when a client opts in). Serialisation writes
//! back the exact wire string, so round trips are lossless.

use super::names::Names;
use super::{EmitError, docs};
use crate::ident::{self, Namer, Style};
use crate::ir::EnumDef;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// The catch-all variant; reserved so no member can take its name.
pub(crate) const CATCH_ALL: &str = "Undocumented";

/// The enum and its impls, each prefixed with `cfg` (an area gate, possibly none).
pub(crate) fn enum_item(
    names: &Names,
    e: &EnumDef,
    cfg: &[syn::Attribute],
    out: &mut Vec<syn::Item>,
) -> Result<(), EmitError> {
    use super::syntax::{cached, push_items};
    use super::template::{Subst, Template};
    let ident = names.ident(&e.name);
    let mut namer = Namer::new(Style::Camel);
    namer.reserve(CATCH_ALL);
    let mut seen = BTreeSet::new();
    let member = cached("enum member", || {
        let v: Template<syn::Variant> = Template::parse("enum variant", quote! { __V })?;
        let to: Template<syn::Arm> =
            Template::parse("enum as_str arm", quote! { Self::__V => "__wire", })?;
        let from: Template<syn::Arm> =
            Template::parse("enum from arm", quote! { "__wire" => Self::__V, })?;
        Ok((v, to, from))
    })?;
    let (variant, to_str, from_str) = &*member;
    let mut variants = Vec::new();
    let mut to_strs = Vec::new();
    let mut from_strs = Vec::new();
    for m in e.members.iter().filter(|m| seen.insert(m.name.as_str())) {
        let v = ident::make_ident(&namer.claim(ident::variant_name(&m.name)));
        let mut doc = vec![docs::clean(&m.description)];
        if let Some(value) = &m.value {
            doc.push(docs::clean(&format!("Numeric value {value}.")));
        }
        let mut variant = Subst::new().with_ident("__V", &v).apply(variant)?;
        variant.attrs = docs::attr_list(&doc)?;
        variants.push(variant);
        let subst = || {
            Subst::new()
                .with_ident("__V", &v)
                .with_str("__wire", &m.name)
        };
        to_strs.push(subst().apply(to_str)?);
        from_strs.push(subst().apply(from_str)?);
    }
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
    let doc = docs::attr_list(&doc)?;
    let catch_all = ident::make_ident(CATCH_ALL);
    let template = cached("enum", || Template::items("enum", enum_template()))?;
    let made = Subst::new()
        .with_ident("__T", &ident)
        .with_ident("__Catch", &catch_all)
        .with_variants("__variants", variants)
        .with_arms("__arms", to_strs)
        .with_arms("__arms2", from_strs)
        .apply(&template)?;
    push_items(made, &doc, cfg, out)
}

/// The enum and its impls, with placeholders (see [`super::template`]).
fn enum_template() -> TokenStream {
    quote! {
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum __T {
            __variants,
            /// A value not documented when this code was generated, kept as sent.
            __Catch(String),
        }

        impl __T {
            /// The value as it appears on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    __arms => (),
                    Self::__Catch(other) => other,
                }
            }
        }

        impl From<&str> for __T {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    __arms2 => (),
                    other => Self::__Catch(other.to_string()),
                }
            }
        }

        impl serde::Serialize for __T {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for __T {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    }
}
