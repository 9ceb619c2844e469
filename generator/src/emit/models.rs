//! Entity and complex types → serde structs.
//!
//! Inheritance is flattened: a derived type carries its base types' properties as its own
//! fields (base first), so JSON maps 1:1 onto one struct and users write `job.id`, not
//! `job.base.base.id` (see `bench/generated-code.md`). Every field is optional; unknown properties land
//! in `additional_properties`, so a round trip keeps everything.

use super::EmitError;
use super::docs;
use super::names::Names;
use crate::ident::{self, Namer, Style};
use crate::ir::{Ir, Primitive, Property, TypeDef, TypeRef, effective_properties};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use std::collections::BTreeMap;

/// Field names every struct reserves for its fixed members.
const ODATA_TYPE: &str = "odata_type";
const ADDITIONAL: &str = "additional_properties";

/// Edges `a → b` where `a` holds `b` by value (not in a Vec); fields on such edges inside a
/// cycle need a `Box`.
pub(crate) struct Boxing {
    /// Types on a by-value cycle with the members of their strongly connected component.
    component: BTreeMap<String, usize>,
}

impl Boxing {
    /// Given the IR's polymorphic bases: a polymorphic value is held through its `Any...`
    /// enum, whose variants are boxed, so it closes no by-value cycle.
    pub fn new(ir: &Ir, polymorphic: &std::collections::BTreeSet<String>) -> Self {
        Self::skipping(ir, polymorphic)
    }

    /// For the naive baseline, which holds every value by its struct.
    pub fn new_naive(ir: &Ir) -> Self {
        Self::skipping(ir, &Default::default())
    }

    fn skipping(ir: &Ir, poly: &std::collections::BTreeSet<String>) -> Self {
        let names: Vec<&String> = ir.types.keys().collect();
        let pos: BTreeMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let edges: Vec<Vec<usize>> = names
            .iter()
            .map(|n| {
                effective_properties(ir, &ir.types[*n])
                    .into_iter()
                    .filter(|p| !p.collection)
                    .filter_map(|p| match &p.ty {
                        TypeRef::Complex { name } if !poly.contains(name) => {
                            pos.get(name.as_str()).copied()
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let comp = tarjan(&edges);
        let mut component = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            let c = comp[i];
            let cyclic = comp.iter().filter(|&&x| x == c).count() > 1 || edges[i].contains(&i);
            if cyclic {
                component.insert((*n).clone(), c);
            }
        }
        Boxing { component }
    }

    pub(super) fn needs_box(&self, from: &str, to: &str) -> bool {
        matches!((self.component.get(from), self.component.get(to)), (Some(a), Some(b)) if a == b)
    }
}

/// Strongly connected components (iterative Tarjan); returns a component id per node.
fn tarjan(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let (mut index, mut low, mut comp) = (vec![usize::MAX; n], vec![0; n], vec![usize::MAX; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next, mut ncomp) = (0, 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*ei) {
                *ei += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = ncomp;
                    if w == v {
                        break;
                    }
                }
                ncomp += 1;
            }
        }
    }
    comp
}

/// [`primitive_ty`] as tokens (the naive baseline, `doc2rs diff`).
pub(crate) fn primitive(p: Primitive) -> TokenStream {
    primitive_ty(p).into_token_stream()
}

/// [`value_ty`] as tokens (the naive baseline, `doc2rs diff`).
pub(crate) fn value_type(
    names: &Names,
    boxing: &Boxing,
    owner: &str,
    module: &str,
    p: &Property,
) -> TokenStream {
    value_ty(names, boxing, owner, module, p).into_token_stream()
}

/// The Rust type of a primitive.
pub(crate) fn primitive_ty(p: Primitive) -> syn::Type {
    use super::syntax::{id, path, path_type};
    let plain = |name: &str| path_type(path([&id(name)]));
    match p {
        Primitive::String | Primitive::Stream => plain("String"),
        Primitive::Boolean => plain("bool"),
        Primitive::Byte => plain("u8"),
        Primitive::Int16 => plain("i16"),
        Primitive::Int32 => plain("i32"),
        Primitive::Int64 => plain("i64"),
        Primitive::Single => plain("f32"),
        Primitive::Double | Primitive::Decimal => plain("f64"),
        Primitive::Guid => Names::runtime_ty("Guid"),
        Primitive::DateTimeOffset => Names::runtime_ty("DateTimeOffset"),
        Primitive::Date => Names::runtime_ty("Date"),
        Primitive::TimeOfDay => Names::runtime_ty("TimeOfDay"),
        Primitive::Duration => Names::runtime_ty("Duration"),
        Primitive::Binary => Names::runtime_ty("Base64"),
        Primitive::Json => super::syntax::json_value_ty(),
    }
}

/// The Rust type of one property's value (without the outer `Option`).
pub(crate) fn value_ty(
    names: &Names,
    boxing: &Boxing,
    owner: &str,
    module: &str,
    p: &Property,
) -> syn::Type {
    use super::syntax::generic_type;
    let inner = match &p.ty {
        TypeRef::Primitive { primitive: prim } => primitive_ty(*prim),
        TypeRef::Complex { name } => {
            let path = names.ty(name, module);
            if !p.collection && names.any_ident(name).is_none() && boxing.needs_box(owner, name) {
                generic_type("Box", path)
            } else {
                path
            }
        }
        TypeRef::Enum { name } => names.ty(name, module),
        TypeRef::Opaque { .. } => super::syntax::json_value_ty(),
    };
    if p.collection {
        generic_type("Vec", inner)
    } else {
        inner
    }
}

/// The struct for a type and its impls, each gated by `cfg`.
pub(crate) fn struct_item(
    ir: &Ir,
    names: &Names,
    boxing: &Boxing,
    t: &TypeDef,
    cfg: Vec<syn::Attribute>,
    out: &mut Vec<syn::Item>,
) -> Result<(), EmitError> {
    let mut doc = vec![docs::clean(&t.description)];
    let mut facts = format!("OData type `{}`", t.name);
    if let Some(base) = &t.base {
        facts.push_str(&format!(", derived from `{base}`"));
    }
    if let Some(key) = &t.key {
        facts.push_str(&format!(", key `{key}`"));
    }
    facts.push_str(&format!(". Source: `{}`.", t.loc.file));
    doc.push(docs::clean(&facts));
    let shape = StructShape {
        cfg,
        owner: &t.name,
        module: names.module_of(&t.name),
        ident: names.ident(&t.name),
        doc,
    };
    struct_items(names, boxing, shape, &effective_properties(ir, t), out)
}

/// What a generated struct is called and where it lives.
pub(crate) struct StructShape<'a> {
    /// The area gate put on the struct and each of its impls (possibly none).
    pub cfg: Vec<syn::Attribute>,
    /// Qualified name of the type the struct stands for (for boxing decisions).
    pub owner: &'a str,
    /// The module the struct is emitted in.
    pub module: &'a str,
    pub ident: syn::Ident,
    pub doc: Vec<String>,
}

/// A struct with one optional field per property plus `@odata.type` and a catch-all map,
/// and its impls. Used for models and for action parameter bodies; every item carries
/// `shape.cfg`.
///
/// The impls are shaped for the compiler (see `bench/generated-code.md`): the struct implements
/// `runtime::Model` with one `match` from field index to field (`&dyn Slot`; past the last,
/// `additional_properties`) and one for writing, and its `Serialize`, `Deserialize`, `Clone`, `Debug` and `PartialEq` are one call
/// each to a generic function of the runtime. Per field the compiler sees its declaration,
/// its JSON name, two match arms and `Default`; nothing per field is generic or uses `?`.
pub(crate) fn struct_items(
    names: &Names,
    boxing: &Boxing,
    shape: StructShape,
    props: &[&Property],
    out: &mut Vec<syn::Item>,
) -> Result<(), EmitError> {
    use super::syntax::{cached, push_items};
    use super::template::{Subst, Template};
    let mut namer = Namer::new(Style::Snake);
    namer.reserve(ODATA_TYPE);
    namer.reserve(ADDITIONAL);
    let field_template = cached("model field", || {
        Template::field("model field", quote! { pub __f: Option<__Ty> })
    })?;
    let arm_template = cached("model arm", || {
        Template::parse("model arm", quote! { 999001 => &self.__f, })
    })?;
    let mut fields = Vec::with_capacity(props.len());
    let mut json_names = Vec::with_capacity(props.len());
    let mut reads = Vec::with_capacity(props.len());
    for (i, p) in props.iter().enumerate() {
        let field = ident::make_ident(&namer.claim(ident::field_name(&p.name)));
        let ty = value_ty(names, boxing, shape.owner, shape.module, p);
        let mut doc = vec![docs::clean(&p.description)];
        if let TypeRef::Opaque { spelling } = &p.ty {
            doc.push(docs::clean(&format!(
                "The docs name an undefined type `{spelling}`; the value is kept as raw JSON."
            )));
        }
        let mut decl = Subst::new()
            .with_ident("__f", &field)
            .with_type("__Ty", &ty)
            .apply(&field_template)?;
        decl.attrs = docs::attr_list(&doc)?;
        fields.push(decl);
        json_names.push(super::syntax::str_expr(&p.name));
        let subst = Subst::new().with_ident("__f", &field).with_int("999001", i);
        reads.push(subst.apply(&arm_template)?);
    }
    let name = if shape.owner.is_empty() {
        shape.ident.to_string()
    } else {
        shape.owner.to_string()
    };
    let template = cached("model", || Template::items("model", model_template()))?;
    let made = Subst::new()
        .with_ident("__T", &shape.ident)
        .with_str("__name", &name)
        .with_int("999002", fields.len())
        .with_fields("__fields", fields)
        .with_elems("__elems", json_names)
        .with_arms("__arms", reads)
        .apply(&template)?;
    push_items(made, &docs::attr_list(&shape.doc)?, &shape.cfg, out)
}

/// The comment after the header of a file with models: why their `unsafe impl`s keep
/// `runtime::Model`'s contract (prettyplease prints no comments, so it is said once per file).
pub(crate) const MODEL_SAFETY: &str = "// SAFETY (every `unsafe impl crate::runtime::Model` in this file): `field` is one `match`\n// from a field's index to `&self.field`: a plain projection of the struct's fields.\n";

/// `HEADER`, `body`, and [`MODEL_SAFETY`] between them when `body` implements `Model`.
pub(crate) fn with_header(body: &str) -> String {
    let safety = match body.contains("unsafe impl crate::runtime::Model for") {
        true => MODEL_SAFETY,
        false => "",
    };
    format!("{}{safety}\n{body}", super::HEADER)
}

/// The struct and impls of every model, with placeholders (see [`super::template`]).
fn model_template() -> TokenStream {
    quote! {
        #[derive(Default)]
        pub struct __T {
            __fields: (),
            /// The `@odata.type` annotation: the concrete type of this value.
            pub odata_type: Option<String>,
            /// Properties the docs do not describe, kept so a round trip loses nothing.
            pub additional_properties: crate::runtime::Map,
        }
        unsafe impl crate::runtime::Model for __T {
            const NAME: &'static str = "__name";
            const FIELDS: &'static [&'static str] = &[__elems, "@odata.type"];
            #[inline]
            fn field(&self, i: usize) -> &dyn crate::runtime::Slot {
                match i {
                    __arms => (),
                    999002 => &self.odata_type,
                    _ => &self.additional_properties,
                }
            }
        }
        impl serde::Serialize for __T {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::runtime::serialize_model(self, serializer)
            }
        }
        impl<'de> serde::Deserialize<'de> for __T {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::deserialize_model(deserializer)
            }
        }
        impl Clone for __T {
            #[inline]
            fn clone(&self) -> Self {
                crate::runtime::clone_model(self)
            }
        }
        impl PartialEq for __T {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                crate::runtime::eq_model(self, other)
            }
        }
        impl std::fmt::Debug for __T {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::runtime::debug_model(self, f)
            }
        }
    }
}
