//! Polymorphic values: for a type with derived types that some field, body or response
//! holds, an enum over the type and every type derived from it at any depth
//! (`AnyDirectoryObject::User(Box<User>)`), chosen by the value's `@odata.type`.
//!
//! Shaped for compile cost (the root entity has about a thousand descendants):
//! - `Deserialize` (and `from_json`) is one call, `runtime::deserialize_any(deserializer,
//!   Self::read)`: the runtime reads the object straight into the variant (no intermediate
//!   JSON value) and asks one non-generic `read` which variant a lower-cased `@odata.type`
//!   names, so the big `match` is compiled once, not once per deserializer; each arm is one
//!   call, `runtime::read_variant(reader, Self::Variant)` (no `?`, no closure).
//! - One `as_object` match hands out the value as `&dyn runtime::Object`; `Serialize`,
//!   `Debug`, `PartialEq` and `type_name()` go through it instead of a `match` arm per variant
//!   each. Variants are boxed, so the enum is two words and never makes a by-value cycle.
//! - A variant whose type a cargo feature leaves out is left out too (its `cfg`), and such a
//!   value reads as the base, with everything in `additional_properties`. The enum is
//!   `#[non_exhaustive]`: cargo unifies features, so another crate in the build turning on one
//!   more area adds variants, and a user's `match` must already have a `_` arm for them (as it
//!   must for a derived type the docs add later).
//!
//! An unknown or missing `@odata.type` yields the base variant with nothing lost; the struct of
//! each variant keeps `odata_type` and unknown members, so serialization writes back what came.

use super::EmitError;
use super::areas::Areas;
use super::names::Names;
use crate::ident::{self, Namer, Style};
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn any_enum(
    names: &Names,
    areas: &Areas,
    base: &str,
    out: &mut Vec<syn::Item>,
) -> Result<(), EmitError> {
    use super::syntax::{attrs, cached, doc_attr, push_items};
    use super::template::{Subst, Template};
    let Some(any) = names.any_ident(base) else {
        return Ok(());
    };
    let module = names.module_of(base);
    let mut members = vec![base];
    members.extend(names.derived(base).iter().map(String::as_str));
    let mut namer = Namer::new(Style::Camel);
    let member = cached("any member", || {
        let v: Template<syn::Variant> = Template::parse("any variant", quote! { __V(Box<__P>) })?;
        let read: Template<syn::Arm> = Template::parse(
            "any from_json arm",
            quote! { "__key" => crate::runtime::read_variant(reader, Self::__V), },
        )?;
        let object: Template<syn::Arm> =
            Template::parse("any as_object arm", quote! { Self::__V(v) => &**v, })?;
        Ok((v, read, object))
    })?;
    let (variant, read, object) = &*member;
    let mut defs = Vec::with_capacity(members.len());
    let mut arms = Vec::with_capacity(members.len());
    let mut objects = Vec::with_capacity(members.len());
    // The base comes first, so its variant takes its name unchanged.
    let variants: Vec<syn::Ident> = members
        .iter()
        .map(|q| ident::make_ident(&namer.claim(names.type_name(q).to_string())))
        .collect();
    for (q, v) in members.iter().zip(&variants) {
        let path = names.item_ty(q, module);
        let cfg = if *q == base {
            Vec::new()
        } else {
            attrs(areas.cfg_of(q))?
        };
        let key = q.to_lowercase();
        let mut def = Subst::new()
            .with_ident("__V", v)
            .with_type("__P", &path)
            .apply(variant)?;
        def.attrs = cfg.clone();
        def.attrs.push(doc_attr(&format!(" A `{q}`."))?);
        defs.push(def);
        if *q != base {
            let mut arm = Subst::new()
                .with_ident("__V", v)
                .with_str("__key", &key)
                .apply(read)?;
            arm.attrs = cfg.clone();
            arms.push(arm);
        }
        let mut arm = Subst::new().with_ident("__V", v).apply(object)?;
        arm.attrs = cfg;
        objects.push(arm);
    }
    let doc = format!(
        " A `{base}` or a value of a type derived from it, by its `@odata.type` ({} types). \
         An unknown or missing `@odata.type` reads as `{}`.",
        defs.len(),
        names.type_name(base)
    );
    let doc = doc_attr(&doc)?;
    let cfg = attrs(areas.cfg_of(base))?;
    let template = cached("any enum", || Template::items("any enum", any_template()))?;
    let made = Subst::new()
        .with_ident("__Any", &any)
        .with_ident("__Base", &variants[0])
        .with_variants("__variants", defs)
        .with_arms("__arms", arms)
        .with_arms("__arms2", objects)
        .apply(&template)?;
    push_items(made, &[doc], &cfg, out)
}

/// The enum and its impls, with placeholders (see [`super::template`]).
fn any_template() -> TokenStream {
    quote! {
        #[derive(Clone)]
        #[non_exhaustive]
        pub enum __Any {
            __variants,
        }
        impl __Any {
            /// Read a JSON value as the type its `@odata.type` names, else as the base type.
            #[inline]
            pub fn from_json(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                crate::runtime::deserialize_any(value, Self::read)
            }
            /// Reads the object as the variant `key` (a lower-cased `@odata.type` without
            /// `#`) names, else as the base type.
            #[inline]
            fn read(
                key: &str,
                reader: &mut dyn crate::runtime::ReadVariant<'_>,
            ) -> Result<Self, crate::runtime::VariantError> {
                match key {
                    __arms => (),
                    _ => crate::runtime::read_variant(reader, Self::__Base),
                }
            }
            /// The value, whichever type it was read as.
            #[inline]
            pub fn as_object(&self) -> &dyn crate::runtime::Object {
                match self {
                    __arms2 => (),
                }
            }
            /// The qualified OData name of the type this value was read as.
            #[inline]
            pub fn type_name(&self) -> &'static str {
                self.as_object().type_name()
            }
        }
        impl serde::Serialize for __Any {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::runtime::serialize_object(self.as_object(), serializer)
            }
        }
        impl<'de> serde::Deserialize<'de> for __Any {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::deserialize_any(deserializer, Self::read)
            }
        }
        impl PartialEq for __Any {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                self.as_object().eq_object(other.as_object())
            }
        }
        impl std::fmt::Debug for __Any {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.as_object().debug().fmt(f)
            }
        }
    }
}
