//! Syntax trees built without printing and re-parsing tokens: small constructors (paths,
//! literals, generic types), attributes, the per-thread cache of templates ([`cached`]; the
//! templates themselves are [`super::template`]), and items built and printed in parallel
//! chunks ([`format_items`], [`format_module`]).

use super::EmitError;
use proc_macro2::{Span, TokenStream};
use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};

thread_local! {
    static CACHE: RefCell<HashMap<&'static str, Box<dyn Any>>> = RefCell::new(HashMap::new());
}

/// Templates parsed once per thread (syntax trees are not `Send`) and shared by every use
/// on it. `key` names them (one parse function per key).
pub(crate) fn cached<T: 'static>(
    key: &'static str,
    parse: impl FnOnce() -> syn::Result<T>,
) -> Result<Rc<T>, EmitError> {
    let hit = CACHE.with(|c| {
        c.borrow()
            .get(key)
            .and_then(|t| t.downcast_ref::<Rc<T>>())
            .cloned()
    });
    if let Some(t) = hit {
        return Ok(t);
    }
    let t = parse().map_err(|e| EmitError(format!("internal error: template {key}: {e}")))?;
    let t = Rc::new(t);
    CACHE.with(|c| c.borrow_mut().insert(key, Box::new(t.clone())));
    Ok(t)
}

/// Items parsed from tokens (a template).
pub(crate) fn items(tokens: TokenStream) -> syn::Result<Vec<syn::Item>> {
    Ok(syn::parse2::<syn::File>(tokens)?.items)
}

/// Outer attributes parsed from tokens (such as an area gate, `#[cfg(...)]`, possibly none).
pub(crate) fn attrs(tokens: TokenStream) -> Result<Vec<syn::Attribute>, EmitError> {
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    syn::parse::Parser::parse2(syn::Attribute::parse_outer, tokens)
        .map_err(|e| EmitError(format!("internal error: attributes do not parse: {e}")))
}

/// `#[doc = "text"]`.
pub(crate) fn doc_attr(text: &str) -> Result<syn::Attribute, EmitError> {
    let mut attr = (*cached("doc attribute", || {
        let mut a = syn::parse::Parser::parse2(
            syn::Attribute::parse_outer,
            quote::quote! { #[doc = "__doc"] },
        )?;
        Ok(a.remove(0))
    })?)
    .clone();
    if let syn::Meta::NameValue(nv) = &mut attr.meta
        && let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &mut nv.value
    {
        *s = syn::LitStr::new(text, Span::call_site());
        return Ok(attr);
    }
    Err(EmitError("internal error: doc attribute template".into()))
}

/// An unsuffixed integer literal (`0`, `1`, ...), as `quote!` writes a
/// `Literal::usize_unsuffixed`.
pub(crate) fn lit_usize(i: usize) -> syn::LitInt {
    syn::LitInt::new(&i.to_string(), Span::call_site())
}

/// A string literal expression (any text: it only ever becomes the literal's value).
pub(crate) fn str_expr(text: &str) -> syn::Expr {
    lit_expr(syn::Lit::Str(syn::LitStr::new(text, Span::call_site())))
}

/// `true` or `false`.
pub(crate) fn bool_expr(value: bool) -> syn::Expr {
    lit_expr(syn::Lit::Bool(syn::LitBool::new(value, Span::call_site())))
}

/// A literal expression.
pub(crate) fn lit_expr(lit: syn::Lit) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit,
    })
}

/// An integer literal with a type suffix (`200u16`), as `quote!` writes a `u16` or `u64`.
pub(crate) fn lit_suffixed(value: impl std::fmt::Display, suffix: &str) -> syn::Expr {
    lit_expr(syn::Lit::Int(syn::LitInt::new(
        &format!("{value}{suffix}"),
        Span::call_site(),
    )))
}

/// `&[elems]`.
pub(crate) fn slice_ref(elems: impl IntoIterator<Item = syn::Expr>) -> syn::Expr {
    let mut list = Punctuated::new();
    list.extend(elems);
    syn::Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: None,
        expr: Box::new(syn::Expr::Array(syn::ExprArray {
            attrs: Vec::new(),
            bracket_token: Default::default(),
            elems: list,
        })),
    })
}

/// The outer attributes of an expression (`None` for kinds the emitters never make).
pub(crate) fn expr_attrs_mut(expr: &mut syn::Expr) -> Option<&mut Vec<syn::Attribute>> {
    Some(match expr {
        syn::Expr::Struct(e) => &mut e.attrs,
        syn::Expr::Lit(e) => &mut e.attrs,
        syn::Expr::Path(e) => &mut e.attrs,
        syn::Expr::Call(e) => &mut e.attrs,
        _ => return None,
    })
}

/// Put `attrs` before the attributes an expression already has.
pub(crate) fn prepend_expr_attrs(
    expr: &mut syn::Expr,
    attrs: Vec<syn::Attribute>,
) -> Result<(), EmitError> {
    if attrs.is_empty() {
        return Ok(());
    }
    let own = expr_attrs_mut(expr)
        .ok_or_else(|| EmitError("internal error: an expression kind without attributes".into()))?;
    own.splice(0..0, attrs);
    Ok(())
}

/// The attributes of an item (`None` for kinds the emitters never make).
pub(crate) fn attrs_mut(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Const(i) => &mut i.attrs,
        _ => return None,
    })
}

/// Put `attrs` before the attributes an item already has.
pub(crate) fn prepend_attrs(
    item: &mut syn::Item,
    attrs: &[syn::Attribute],
) -> Result<(), EmitError> {
    if attrs.is_empty() {
        return Ok(());
    }
    let own = attrs_mut(item)
        .ok_or_else(|| EmitError("internal error: an item kind without attributes".into()))?;
    own.splice(0..0, attrs.iter().cloned());
    Ok(())
}

/// Items made from a template, appended to `out`: `doc` on the first (the item they
/// document), `cfg` (an area gate, possibly none) on every one.
pub(crate) fn push_items(
    mut items: Vec<syn::Item>,
    doc: &[syn::Attribute],
    cfg: &[syn::Attribute],
    out: &mut Vec<syn::Item>,
) -> Result<(), EmitError> {
    for (k, item) in items.iter_mut().enumerate() {
        if k == 0 {
            prepend_attrs(item, doc)?;
        }
        prepend_attrs(item, cfg)?;
    }
    out.append(&mut items);
    Ok(())
}

/// A path of idents, `a::b::C`.
pub(crate) fn path<'a>(segments: impl IntoIterator<Item = &'a syn::Ident>) -> syn::Path {
    syn::Path {
        leading_colon: None,
        segments: segments
            .into_iter()
            .map(|s| syn::PathSegment::from(s.clone()))
            .collect(),
    }
}

/// A type named by a path.
pub(crate) fn path_type(path: syn::Path) -> syn::Type {
    syn::Type::Path(syn::TypePath {
        attrs: Vec::new(),
        qself: None,
        path,
    })
}

/// `serde_json::Value`: a value of an undefined type, kept as raw JSON.
pub(crate) fn json_value_ty() -> syn::Type {
    path_type(path([&id("serde_json"), &id("Value")]))
}

/// `Name<arg>` (`Option<T>`, `Vec<T>`, `Box<T>`), `name` a plain identifier.
pub(crate) fn generic_type(name: &str, arg: syn::Type) -> syn::Type {
    let mut args = Punctuated::new();
    args.push(syn::GenericArgument::Type(arg));
    let segment = syn::PathSegment {
        ident: syn::Ident::new(name, Span::call_site()),
        arguments: syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: None,
            lt_token: Default::default(),
            args,
            gt_token: Default::default(),
        }),
    };
    path_type(syn::Path {
        leading_colon: None,
        segments: std::iter::once(segment).collect(),
    })
}

/// A plain identifier (not from the docs: names the generator writes itself).
pub(crate) fn id(name: &str) -> syn::Ident {
    syn::Ident::new(name, Span::call_site())
}

/// A file of items (no inner attributes).
pub(crate) fn file(items: Vec<syn::Item>) -> syn::File {
    syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items,
    }
}

/// Builds the items for one source element, appending them to the list.
pub(crate) trait Build<T>:
    Fn(&T, &mut Vec<syn::Item>) -> Result<(), EmitError> + Sync
{
}
impl<T, F: Fn(&T, &mut Vec<syn::Item>) -> Result<(), EmitError> + Sync> Build<T> for F {}

/// Items of one module built and printed in parallel chunks, as [`super::format_items_body`]
/// does for tokens: prettyplease prints top-level items independently, so the concatenation
/// equals printing them as one file.
pub(crate) fn format_items<T: Sync>(
    items: &[T],
    build: impl Build<T>,
) -> Result<String, EmitError> {
    use rayon::prelude::*;
    let bodies = items
        .par_chunks(super::CHUNK)
        .map(|chunk| {
            let mut out = Vec::new();
            for t in chunk {
                build(t, &mut out)?;
            }
            Ok(super::print_file(file(out)))
        })
        .collect::<Result<Vec<String>, EmitError>>()?;
    Ok(bodies.concat())
}

/// An inline module, `head` (its attributes, visibility and name; its content is replaced)
/// holding the `prelude` items and then the items built from `items`, built and printed in
/// parallel chunks (no header). prettyplease prints the items of a module one after the
/// other, each ending with a hard break at the module's indentation, so an item prints the
/// same whatever surrounds it: each chunk after the first is printed inside a bare
/// `mod chunk { ... }` and its lines are spliced in; should a printed chunk not have that
/// shape, the module is printed whole.
pub(crate) fn format_module<T: Sync>(
    head: &(dyn Fn() -> Result<syn::ItemMod, EmitError> + Sync),
    prelude: &(dyn Fn(&mut Vec<syn::Item>) -> Result<(), EmitError> + Sync),
    items: &[T],
    build: impl Build<T>,
) -> Result<String, EmitError> {
    if let Some(text) = format_module_chunks(head, prelude, items, &build)? {
        return Ok(text);
    }
    let mut body = Vec::new();
    prelude(&mut body)?;
    for item in items {
        build(item, &mut body)?;
    }
    Ok(print_module(&head()?, body))
}

/// A module with `content` printed as a file.
fn print_module(m: &syn::ItemMod, content: Vec<syn::Item>) -> String {
    let mut m = m.clone();
    m.content = Some((Default::default(), content));
    m.semi = None;
    super::print_file(file(vec![syn::Item::Mod(m)]))
}

/// [`format_module`] in chunks; `None` when a printed chunk is not of the expected shape.
fn format_module_chunks<T: Sync>(
    head: &(dyn Fn() -> Result<syn::ItemMod, EmitError> + Sync),
    prelude: &(dyn Fn(&mut Vec<syn::Item>) -> Result<(), EmitError> + Sync),
    items: &[T],
    build: &impl Build<T>,
) -> Result<Option<String>, EmitError> {
    use rayon::prelude::*;
    const OPEN: &str = "mod chunk {\n";
    const CLOSE: &str = "\n}\n";
    let chunks: Vec<&[T]> = items.chunks(super::CHUNK).collect();
    let texts = (0..chunks.len().max(1))
        .into_par_iter()
        .map(|i| {
            let mut body = Vec::new();
            if i == 0 {
                prelude(&mut body)?;
            }
            for item in chunks.get(i).copied().unwrap_or_default() {
                build(item, &mut body)?;
            }
            if i == 0 {
                Ok(Some(print_module(&head()?, body)))
            } else if body.is_empty() {
                Ok(None)
            } else {
                let chunk = cached("mod chunk", || syn::parse2(quote::quote! { mod chunk {} }))?;
                Ok(Some(print_module(&chunk, body)))
            }
        })
        .collect::<Result<Vec<Option<String>>, EmitError>>()?;
    let mut texts = texts.into_iter().flatten();
    let first = texts.next().unwrap_or_default();
    let mut out = String::with_capacity(first.len());
    // An empty module prints as `mod name {}`: nothing can be spliced into it.
    let Some(first) = first.strip_suffix("}\n").filter(|_| first.ends_with(CLOSE)) else {
        return Ok(None);
    };
    out.push_str(first);
    for text in texts {
        match text.strip_prefix(OPEN).filter(|t| t.ends_with(CLOSE)) {
            Some(inner) => out.push_str(&inner[..inner.len() - 2]),
            None => return Ok(None),
        }
    }
    out.push_str("}\n");
    Ok(Some(out))
}

/// A hand-written test support template (`templates/*_support.rs`) as a file whose paths
/// name the generated crate: the template is written against stand-in crates
/// (`graph_client`, `graph_runtime`), and each path or `use` that starts with one is
/// re-rooted at the module of the generated crate it stands for (`krate::client`).
pub(crate) fn support_file(
    src: &str,
    what: &str,
    krate: &syn::Ident,
) -> Result<syn::File, EmitError> {
    let mut file = syn::parse_file(src).map_err(|e| EmitError(format!("{what} template: {e}")))?;
    let roots = [("graph_client", "client"), ("graph_runtime", "runtime")];
    CrateRoots {
        roots: roots.map(|(from, module)| (from, [krate.clone(), id(module)])),
    }
    .visit_file_mut(&mut file);
    Ok(file)
}

/// Re-roots paths at stand-in crates, for [`support_file`].
struct CrateRoots {
    roots: [(&'static str, [syn::Ident; 2]); 2],
}

impl CrateRoots {
    fn to(&self, ident: &syn::Ident) -> Option<&[syn::Ident; 2]> {
        self.roots
            .iter()
            .find(|(from, _)| ident == from)
            .map(|(_, to)| to)
    }
}

impl VisitMut for CrateRoots {
    fn visit_path_mut(&mut self, p: &mut syn::Path) {
        if p.leading_colon.is_none()
            && p.segments.len() > 1
            && let Some([krate, module]) = self.to(&p.segments[0].ident).cloned()
        {
            p.segments[0].ident = module;
            p.segments.insert(0, syn::PathSegment::from(krate));
        }
        visit_mut::visit_path_mut(self, p);
    }

    fn visit_use_path_mut(&mut self, u: &mut syn::UsePath) {
        if let Some([krate, module]) = self.to(&u.ident).cloned() {
            let glob = syn::UseTree::Glob(syn::UseGlob {
                star_token: Default::default(),
            });
            let tree = std::mem::replace(&mut *u.tree, glob);
            u.ident = krate;
            *u.tree = syn::UseTree::Path(syn::UsePath {
                ident: module,
                colon2_token: Default::default(),
                tree: Box::new(tree),
            });
            return;
        }
        visit_mut::visit_use_path_mut(self, u);
    }
}

/// `text` as a raw string literal with as many `#` as it needs, when it spans lines or holds
/// `"` or `\`; an ordinary literal when it needs none of that or cannot be raw (a carriage
/// return, which no string literal may hold unescaped). The literal's value is `text`
/// either way (a test checks it).
pub(crate) fn raw_lit(text: &str) -> syn::LitStr {
    if !text.contains(['\n', '"', '\\'])
        || text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return syn::LitStr::new(text, Span::call_site());
    }
    // One `#` more than the longest run of `#` after a `"` in the text.
    let mut longest = 0;
    for (i, _) in text.match_indices('"') {
        let run = text[i + 1..].bytes().take_while(|b| *b == b'#').count();
        longest = longest.max(run);
    }
    let hashes = "#".repeat(longest + 1);
    let token = format!("r{hashes}\"{text}\"{hashes}");
    match token.parse::<proc_macro2::Literal>().map(syn::Lit::new) {
        Ok(syn::Lit::Str(lit)) if lit.value() == text => lit,
        _ => syn::LitStr::new(text, Span::call_site()),
    }
}

#[cfg(test)]
mod raw_tests {
    use super::raw_lit;

    #[test]
    fn raw_literals_keep_the_text_exactly() {
        for text in [
            "{\n  \"a\": \"b\\\"c\"\n}",
            "\"#\"## and \"### too",
            "no quotes at all",
            "tab\there \"q\"",
            "cr\r\n\"q\"",
            "\u{0}\"",
            "",
        ] {
            let lit = raw_lit(text);
            assert_eq!(lit.value(), text);
            let printed = quote::quote!(#lit).to_string();
            let reparsed: syn::LitStr = syn::parse_str(&printed).unwrap();
            assert_eq!(reparsed.value(), text, "{printed}");
        }
        let json = raw_lit("{\n\"a\": 1\n}");
        assert!(quote::quote!(#json).to_string().starts_with("r#\""));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::{ToTokens, quote};

    /// Items parsed from tokens, appended to `out`.
    fn parse_into(tokens: TokenStream, out: &mut Vec<syn::Item>) -> Result<(), EmitError> {
        out.append(&mut syn::parse2::<syn::File>(tokens).unwrap().items);
        Ok(())
    }

    /// Items whose printing wraps, numbered so every chunk differs (as in `emit::tests`).
    fn item(i: &usize, out: &mut Vec<syn::Item>) -> Result<(), EmitError> {
        let f = quote::format_ident!("function_with_a_rather_long_name_number_{}", i);
        let s = quote::format_ident!("Struct{}", i);
        let doc = format!(" Item {i}: a doc comment long enough to matter, [escaped] and all.");
        parse_into(
            quote! {
                #[doc = #doc]
                #[cfg(any(feature = "alpha", feature = "beta", feature = "gamma", feature = "delta"))]
                pub fn #f(first_argument: &str, second_argument: Option<Vec<String>>, third: u64) -> Result<#s, crate::client::Error> {
                    let value = first_argument.split(',').map(|s| s.trim().to_string()).collect::<Vec<_>>();
                    Ok(#s { value, second_argument, third })
                }
                #[derive(Clone, Debug)]
                pub struct #s { value: Vec<String>, second_argument: Option<Vec<String>>, third: u64 }
            },
            out,
        )
    }

    #[test]
    fn a_module_in_chunks_prints_as_a_whole() {
        let head = || -> Result<syn::ItemMod, EmitError> {
            Ok(syn::parse2(quote! { #[doc = " A module."] pub mod users {} }).unwrap())
        };
        let prelude =
            |out: &mut Vec<syn::Item>| parse_into(quote! { pub use super::me::GetMe; }, out);
        for n in [
            0,
            1,
            super::super::CHUNK - 1,
            super::super::CHUNK,
            3 * super::super::CHUNK + 5,
        ] {
            let items: Vec<usize> = (0..n).collect();
            let chunked = format_module_chunks(&head, &prelude, &items, &item).unwrap();
            // Spliced, not printed whole as a fallback.
            assert!(chunked.is_some(), "{n} items");
            let all = items.iter().map(|i| {
                let mut v = Vec::new();
                item(i, &mut v).unwrap();
                quote! { #(#v)* }
            });
            let whole = super::super::print::format_body(
                quote! { #[doc = " A module."] pub mod users { pub use super::me::GetMe; #(#all)* } },
                "test",
            )
            .unwrap();
            assert_eq!(chunked.unwrap(), whole, "{n} items");
            let items_text = format_items(&items, item).unwrap();
            let whole_items = super::super::format_items_body(
                &items,
                |i| {
                    let mut v = Vec::new();
                    item(i, &mut v).unwrap();
                    quote! { #(#v)* }
                },
                "test",
            )
            .unwrap();
            assert_eq!(items_text, whole_items, "{n} items");
        }
        // An empty module prints on one line: printed whole.
        let head =
            || -> Result<syn::ItemMod, EmitError> { Ok(syn::parse2(quote! { mod m {} }).unwrap()) };
        let empty = |_: &mut Vec<syn::Item>| Ok(());
        let none: [usize; 0] = [];
        assert!(
            format_module_chunks(&head, &empty, &none, &item)
                .unwrap()
                .is_none()
        );
        assert_eq!(
            format_module(&head, &empty, &none, item).unwrap(),
            "mod m {}\n"
        );
    }

    #[test]
    fn doc_attributes_hold_any_text() {
        let evil = "\"] pub fn pwned() {} #[doc = \"";
        let attr = doc_attr(evil).unwrap();
        let tokens = attr.to_token_stream();
        let file: syn::File = syn::parse2(quote! { #tokens pub struct S; }).unwrap();
        assert_eq!(file.items.len(), 1);
        assert_eq!(
            attr.to_token_stream().to_string(),
            quote! { #[doc = #evil] }.to_string()
        );
    }

    #[test]
    fn support_templates_name_the_generated_crate() {
        let src = "use graph_client::{Client, Error};\n\
                   use support::decode;\n\
                   /// Mentions graph_client in prose, which stays as written.\n\
                   fn f(v: graph_runtime::Collection<u8>) -> graph_client::Error { graph_client::Error::from(v) }\n";
        let krate = crate::ident::make_ident("my_sdk");
        let file = support_file(src, "test", &krate).unwrap();
        assert_eq!(
            prettyplease::unparse(&file),
            "use my_sdk::client::{Client, Error};\n\
             use support::decode;\n\
             /// Mentions graph_client in prose, which stays as written.\n\
             fn f(v: my_sdk::runtime::Collection<u8>) -> my_sdk::client::Error {\n    \
             my_sdk::client::Error::from(v)\n}\n"
        );
        assert!(support_file("fn (", "test", &krate).is_err());
    }
}
