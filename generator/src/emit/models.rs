//! Entity and complex types → serde structs.
//!
//! Inheritance is flattened: a derived type carries its base types' properties as its own
//! fields (base first), so JSON maps 1:1 onto one struct and users write `job.id`, not
//! `job.base.base.id` (see ARCHITECTURE.md). Every field is optional; unknown properties land
//! in `additional_properties`, so a round trip keeps everything.

use super::docs;
use super::names::Names;
use crate::ident::{self, Namer, Style};
use crate::ir::{Ir, Primitive, Property, TypeDef, TypeRef, effective_properties};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// Field names every struct reserves for its fixed members.
const ODATA_TYPE: &str = "odata_type";
const ADDITIONAL: &str = "additional_properties";

/// serde's `rename_all = "camelCase"` applied to a snake_case field name.
fn serde_camel(field: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Edges `a → b` where `a` holds `b` by value (not in a Vec); fields on such edges inside a
/// cycle need a `Box`.
pub struct Boxing {
    /// Types on a by-value cycle with the members of their strongly connected component.
    component: BTreeMap<String, usize>,
}

impl Boxing {
    pub fn new(ir: &Ir) -> Self {
        // A polymorphic value is held through its `Any...` enum, whose variants are boxed.
        Self::skipping(ir, crate::ir::hierarchy::polymorphic_bases(ir))
    }

    /// For the naive baseline, which holds every value by its struct.
    pub fn new_naive(ir: &Ir) -> Self {
        Self::skipping(ir, Default::default())
    }

    fn skipping(ir: &Ir, poly: std::collections::BTreeSet<String>) -> Self {
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

pub fn primitive(p: Primitive) -> TokenStream {
    match p {
        Primitive::String | Primitive::Stream => quote! { String },
        Primitive::Boolean => quote! { bool },
        Primitive::Byte => quote! { u8 },
        Primitive::Int16 => quote! { i16 },
        Primitive::Int32 => quote! { i32 },
        Primitive::Int64 => quote! { i64 },
        Primitive::Single => quote! { f32 },
        Primitive::Double | Primitive::Decimal => quote! { f64 },
        Primitive::Guid => Names::runtime("Guid"),
        Primitive::DateTimeOffset => Names::runtime("DateTimeOffset"),
        Primitive::Date => Names::runtime("Date"),
        Primitive::TimeOfDay => Names::runtime("TimeOfDay"),
        Primitive::Duration => Names::runtime("Duration"),
        Primitive::Binary => Names::runtime("Base64"),
        Primitive::Json => quote! { serde_json::Value },
    }
}

/// The Rust type of one property's value (without the outer `Option`).
pub fn value_type(
    names: &Names,
    boxing: &Boxing,
    owner: &str,
    module: &str,
    p: &Property,
) -> TokenStream {
    let inner = match &p.ty {
        TypeRef::Primitive { primitive: prim } => primitive(*prim),
        TypeRef::Complex { name } => {
            let path = names.path(name, module);
            if !p.collection && names.any_ident(name).is_none() && boxing.needs_box(owner, name) {
                quote! { Box<#path> }
            } else {
                path
            }
        }
        TypeRef::Enum { name } => names.path(name, module),
        TypeRef::Opaque { .. } => quote! { serde_json::Value },
    };
    if p.collection {
        quote! { Vec<#inner> }
    } else {
        inner
    }
}

pub fn struct_item(ir: &Ir, names: &Names, boxing: &Boxing, t: &TypeDef) -> TokenStream {
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
        owner: &t.name,
        module: names.module_of(&t.name),
        ident: names.ident(&t.name),
        doc,
    };
    struct_tokens(names, boxing, shape, &effective_properties(ir, t))
}

/// What a generated struct is called and where it lives.
pub struct StructShape<'a> {
    /// Qualified name of the type the struct stands for (for boxing decisions).
    pub owner: &'a str,
    /// The module the struct is emitted in.
    pub module: &'a str,
    pub ident: syn::Ident,
    pub doc: Vec<String>,
}

/// A serde struct with one optional field per property plus `@odata.type` and a catch-all
/// map. Used for models and for action parameter bodies.
pub fn struct_tokens(
    names: &Names,
    boxing: &Boxing,
    shape: StructShape,
    props: &[&Property],
) -> TokenStream {
    let mut namer = Namer::new(Style::Snake);
    namer.reserve(ODATA_TYPE);
    namer.reserve(ADDITIONAL);
    let fields = props.iter().map(|p| {
        let name = namer.claim(ident::field_name(&p.name));
        let field = ident::make_ident(&name);
        let ty = value_type(names, boxing, shape.owner, shape.module, p);
        let json = &p.name;
        let rename = (serde_camel(&name) != *json).then(|| quote! { rename = #json, });
        let mut doc = vec![docs::clean(&p.description)];
        if let TypeRef::Opaque { spelling } = &p.ty {
            doc.push(docs::clean(&format!(
                "The docs name an undefined type `{spelling}`; the value is kept as raw JSON."
            )));
        }
        let doc = docs::attrs(&doc);
        quote! {
            #doc
            #[serde(#rename skip_serializing_if = "Option::is_none")]
            pub #field: Option<#ty>,
        }
    });
    let doc = docs::attrs(&shape.doc);
    let ident = shape.ident;
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct #ident {
            #(#fields)*
            /// The `@odata.type` annotation: the concrete type of this value.
            #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
            pub odata_type: Option<String>,
            /// Properties the docs do not describe, kept so a round trip loses nothing.
            #[serde(flatten)]
            pub additional_properties: serde_json::Map<String, serde_json::Value>,
        }
    }
}
