//! Templates: syntax trees with placeholders, filled by [`Subst`] and checked as they are
//! filled.
//!
//! The high-volume emitters (models, enums, `Any` enums, request builders, the rows of the
//! generated test tables) produce the same few shapes thousands of times. Building each as
//! tokens (`quote!`) and parsing them back was most of the emit time, so each shape is
//! written once with `quote!`, parsed once per thread into a [`Template`]
//! ([`super::syntax::cached`]; syntax trees are not `Send`), and each use clones the
//! template's tree and fills its placeholders ([`Subst::apply`]). Text from the docs only
//! ever becomes a string literal or goes through [`crate::ident::make_ident`], exactly as
//! with `quote!`, so nothing in it can change the code; the trees are the ones parsing would
//! give, so prettyplease prints the same text. What that pays, on the full corpus (README,
//! "The full corpus"): emit 2,028 → 967 ms wall, 3,673 → 1,916 ms CPU. Shapes emitted once
//! per crate or per test file (the client tests' error, paging and upload tests, the
//! support files) stay plain `quote!`.
//!
//! A placeholder is what a template's author writes where a value goes:
//! - an identifier starting with `__` (no generated name does): `__T`, filled with an
//!   identifier, a type or an expression wherever it stands; or a list placeholder, filled
//!   with any number of its kind: the match arm `__arms => ()`, the named field
//!   `__fields: ()`, the variant `__variants`, the array element `__elems`, the argument
//!   `__args: ()`, the statement `__stmts;`;
//! - a string literal whose text starts with `__`: `"__name"`;
//! - an unsuffixed integer literal from 999000 to 999999: `999002`.
//!
//! [`Template::new`] records every placeholder of the tree and how many times it occurs. A
//! [`Subst`] registers fills (`with_ident`, `with_str`, ...) and [`Subst::apply`] fills a
//! copy of the tree, then fails (an internal [`EmitError`]) unless each placeholder was
//! registered exactly once and filled at every place it occurs, and each registration
//! names a placeholder of the template: a forgotten fill, a fill of the wrong kind (a type
//! for an identifier that also names a struct), a misspelt or stale name, one name
//! registered twice. Every template is applied by the corpus, snapshot and fuzz tests, so
//! such a mistake fails them instead of leaving `"__name"` or `999002` in compiling output.

use super::EmitError;
use super::syntax::{lit_usize, raw_lit};
use proc_macro2::{Span, TokenStream};
use std::collections::BTreeSet;
use std::sync::Mutex;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};

/// How a placeholder is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// An identifier starting with `__`.
    Ident,
    /// A string literal whose text starts with `__`.
    Str,
    /// An unsuffixed integer literal from 999000 to 999999.
    Int,
}

/// A placeholder of a template: its kind, its name (the identifier, the literal's text or
/// digits) and how many times it occurs.
#[derive(Clone, Debug)]
struct Hole {
    kind: Kind,
    name: String,
    count: usize,
}

/// A placeholder as the template writes it.
fn shown(kind: Kind, name: &str) -> String {
    match kind {
        Kind::Ident | Kind::Int => format!("`{name}`"),
        Kind::Str => format!("`\"{name}\"`"),
    }
}

/// A syntax tree with placeholders (see the module docs), and the placeholders it holds.
#[derive(Clone, Debug)]
pub(crate) struct Template<T> {
    /// Names the template in errors.
    name: &'static str,
    tree: T,
    holes: Vec<Hole>,
}

impl<T: Node> Template<T> {
    /// `tree` as a template named `name`; its placeholders are recorded.
    pub fn new(name: &'static str, mut tree: T) -> Self {
        let mut scan = Scan::default();
        tree.walk(&mut scan);
        know(&scan.holes);
        Template {
            name,
            tree,
            holes: scan.holes,
        }
    }

    /// A template parsed from tokens.
    pub fn parse(name: &'static str, tokens: TokenStream) -> syn::Result<Self>
    where
        T: syn::parse::Parse,
    {
        Ok(Self::new(name, syn::parse2(tokens)?))
    }

    /// The placeholders, as written (`__T`, `"__name"`, `999002`).
    #[cfg(test)]
    pub fn placeholders(&self) -> Vec<String> {
        self.holes.iter().map(|h| shown(h.kind, &h.name)).collect()
    }
}

impl Template<Vec<syn::Item>> {
    /// Items parsed from tokens, as one template.
    pub fn items(name: &'static str, tokens: TokenStream) -> syn::Result<Self> {
        Ok(Self::new(name, super::syntax::items(tokens)?))
    }
}

impl Template<syn::Field> {
    /// A named field (`pub __f: Option<__Ty>`) parsed from tokens.
    pub fn field(name: &'static str, tokens: TokenStream) -> syn::Result<Self> {
        let field = syn::parse::Parser::parse2(syn::Field::parse_named, tokens)?;
        Ok(Self::new(name, field))
    }
}

/// A syntax tree a template can be made of: walked by the placeholder scan and by
/// [`Subst`].
pub(crate) trait Node: Clone {
    fn walk<V: VisitMut>(&mut self, v: &mut V);
}

macro_rules! nodes {
    ($($ty:ty => $visit:ident),* $(,)?) => {$(
        impl Node for $ty {
            fn walk<V: VisitMut>(&mut self, v: &mut V) {
                v.$visit(self)
            }
        }
    )*};
}

nodes! {
    syn::Item => visit_item_mut,
    syn::ItemImpl => visit_item_impl_mut,
    syn::ImplItem => visit_impl_item_mut,
    syn::Field => visit_field_mut,
    syn::Variant => visit_variant_mut,
    syn::Arm => visit_arm_mut,
    syn::FnArg => visit_fn_arg_mut,
    syn::Stmt => visit_stmt_mut,
    syn::Type => visit_type_mut,
    syn::Expr => visit_expr_mut,
    syn::ExprCall => visit_expr_call_mut,
}

impl<T: Node> Node for Vec<T> {
    fn walk<V: VisitMut>(&mut self, v: &mut V) {
        for t in self {
            t.walk(v);
        }
    }
}

/// Whether an integer literal is a placeholder.
fn is_placeholder_int(i: &syn::LitInt) -> bool {
    i.suffix().is_empty()
        && i.base10_parse::<u32>()
            .is_ok_and(|n| (999_000..=999_999).contains(&n))
}

/// Collects the placeholders of a tree (changing nothing).
#[derive(Default)]
struct Scan {
    holes: Vec<Hole>,
}

impl Scan {
    fn note(&mut self, kind: Kind, name: String) {
        match self
            .holes
            .iter_mut()
            .find(|h| h.kind == kind && h.name == name)
        {
            Some(h) => h.count += 1,
            None => self.holes.push(Hole {
                kind,
                name,
                count: 1,
            }),
        }
    }
}

impl VisitMut for Scan {
    fn visit_ident_mut(&mut self, i: &mut syn::Ident) {
        let name = i.to_string();
        if name.starts_with("__") {
            self.note(Kind::Ident, name);
        }
    }

    fn visit_lit_str_mut(&mut self, s: &mut syn::LitStr) {
        let value = s.value();
        if value.starts_with("__") {
            self.note(Kind::Str, value);
        }
    }

    fn visit_lit_int_mut(&mut self, i: &mut syn::LitInt) {
        if is_placeholder_int(i) {
            self.note(Kind::Int, i.base10_digits().to_string());
        }
    }
}

/// The literal placeholders of every template made in this process.
static KNOWN: Mutex<BTreeSet<(Kind, String)>> = Mutex::new(BTreeSet::new());

fn know(holes: &[Hole]) {
    if let Ok(mut known) = KNOWN.lock() {
        let literals = holes.iter().filter(|h| h.kind != Kind::Ident);
        known.extend(literals.map(|h| (h.kind, h.name.clone())));
    }
}

/// Whether a literal is a placeholder of a template made in this process: a string literal
/// whose text is one (`"__name"`), an unsuffixed integer literal that is one (`999002`).
/// For checks that none reaches the output (the fuzzer's); a placeholder identifier is any
/// identifier starting with `__`.
pub fn is_placeholder_literal(lit: &syn::Lit) -> bool {
    let key = match lit {
        syn::Lit::Str(s) => (Kind::Str, s.value()),
        syn::Lit::Int(i) if i.suffix().is_empty() => (Kind::Int, i.base10_digits().to_string()),
        _ => return false,
    };
    KNOWN.lock().is_ok_and(|known| known.contains(&key))
}

/// One registered fill: the placeholder's name, what fills it, at how many places it did.
struct Fill<T> {
    name: &'static str,
    with: T,
    hits: usize,
}

impl<T> Fill<T> {
    fn new(name: &'static str, with: T) -> Self {
        Fill {
            name,
            with,
            hits: 0,
        }
    }
}

/// Fills for the placeholders of a template: registered with `with_*`, applied with
/// [`Subst::apply`].
#[derive(Default)]
pub(crate) struct Subst<'a> {
    idents: Vec<Fill<&'a syn::Ident>>,
    types: Vec<Fill<&'a syn::Type>>,
    exprs: Vec<Fill<&'a syn::Expr>>,
    strs: Vec<Fill<&'a str>>,
    /// String literals written raw (`r#"..."#`) where that reads better.
    texts: Vec<Fill<&'a str>>,
    ints: Vec<Fill<usize>>,
    arms: Vec<Fill<Vec<syn::Arm>>>,
    elems: Vec<Fill<Vec<syn::Expr>>>,
    fields: Vec<Fill<Vec<syn::Field>>>,
    variants: Vec<Fill<Vec<syn::Variant>>>,
    args: Vec<Fill<Vec<syn::FnArg>>>,
    stmts: Vec<Fill<Vec<syn::Stmt>>>,
}

impl<'a> Subst<'a> {
    pub fn new() -> Self {
        Self::default()
    }
    /// The identifier `name` becomes `with`, wherever it stands.
    pub fn with_ident(mut self, name: &'static str, with: &'a syn::Ident) -> Self {
        self.idents.push(Fill::new(name, with));
        self
    }
    /// The type `name` (a lone identifier) becomes `with`.
    pub fn with_type(mut self, name: &'static str, with: &'a syn::Type) -> Self {
        self.types.push(Fill::new(name, with));
        self
    }
    /// The expression `name` (a lone identifier) becomes `with`.
    pub fn with_expr(mut self, name: &'static str, with: &'a syn::Expr) -> Self {
        self.exprs.push(Fill::new(name, with));
        self
    }
    /// The string literal `"name"` becomes `"with"`.
    pub fn with_str(mut self, name: &'static str, with: &'a str) -> Self {
        self.strs.push(Fill::new(name, with));
        self
    }
    /// The string literal `"name"` becomes `with` as a raw string literal (`r#"..."#`) when
    /// it spans lines or holds quotes or backslashes (the JSON of generated tests, readable
    /// in a diff), else as an ordinary one.
    pub fn with_text(mut self, name: &'static str, with: &'a str) -> Self {
        self.texts.push(Fill::new(name, with));
        self
    }
    /// The integer literal `digits` (a placeholder number, such as `999001`) becomes the
    /// unsuffixed `with`.
    pub fn with_int(mut self, digits: &'static str, with: usize) -> Self {
        self.ints.push(Fill::new(digits, with));
        self
    }
    /// The match arm whose pattern is the identifier `name` becomes `with` (any number).
    pub fn with_arms(mut self, name: &'static str, with: Vec<syn::Arm>) -> Self {
        self.arms.push(Fill::new(name, with));
        self
    }
    /// The array element `name` (a lone identifier) becomes `with` (any number).
    pub fn with_elems(mut self, name: &'static str, with: Vec<syn::Expr>) -> Self {
        self.elems.push(Fill::new(name, with));
        self
    }
    /// The named field `name` becomes `with` (any number).
    pub fn with_fields(mut self, name: &'static str, with: Vec<syn::Field>) -> Self {
        self.fields.push(Fill::new(name, with));
        self
    }
    /// The enum variant `name` becomes `with` (any number).
    pub fn with_variants(mut self, name: &'static str, with: Vec<syn::Variant>) -> Self {
        self.variants.push(Fill::new(name, with));
        self
    }
    /// The function argument `name: ()` becomes `with` (any number).
    pub fn with_args(mut self, name: &'static str, with: Vec<syn::FnArg>) -> Self {
        self.args.push(Fill::new(name, with));
        self
    }
    /// The statement `name;` becomes `with` (any number).
    pub fn with_stmts(mut self, name: &'static str, with: Vec<syn::Stmt>) -> Self {
        self.stmts.push(Fill::new(name, with));
        self
    }

    /// A copy of the template's tree with its placeholders filled. An internal error when a
    /// placeholder is left unfilled (at any of its places), a name is registered twice, or a
    /// registration names no placeholder of the template.
    pub fn apply<T: Node>(mut self, template: &Template<T>) -> Result<T, EmitError> {
        let mut tree = template.tree.clone();
        tree.walk(&mut self);
        self.check(template)?;
        Ok(tree)
    }

    /// Every registration: its kind, name and how many places it filled.
    fn registrations(&self) -> impl Iterator<Item = (Kind, &'static str, usize)> + '_ {
        fn each<T>(
            list: &[Fill<T>],
            kind: Kind,
        ) -> impl Iterator<Item = (Kind, &'static str, usize)> + '_ {
            list.iter().map(move |f| (kind, f.name, f.hits))
        }
        let idents = each(&self.idents, Kind::Ident)
            .chain(each(&self.types, Kind::Ident))
            .chain(each(&self.exprs, Kind::Ident))
            .chain(each(&self.arms, Kind::Ident))
            .chain(each(&self.elems, Kind::Ident))
            .chain(each(&self.fields, Kind::Ident))
            .chain(each(&self.variants, Kind::Ident))
            .chain(each(&self.args, Kind::Ident))
            .chain(each(&self.stmts, Kind::Ident));
        let literals = each(&self.strs, Kind::Str)
            .chain(each(&self.texts, Kind::Str))
            .chain(each(&self.ints, Kind::Int));
        idents.chain(literals)
    }

    /// After filling: each placeholder registered once and filled at all its places, each
    /// registration a placeholder of the template. One pass over the registrations; should
    /// it fail, [`Subst::diagnose`] says why.
    fn check<T>(&self, t: &Template<T>) -> Result<(), EmitError> {
        let mut filled = 0u64;
        let ok = t.holes.len() <= 64
            && self.registrations().all(|(kind, name, hits)| {
                let place = t
                    .holes
                    .iter()
                    .position(|h| h.kind == kind && h.name == name);
                match place {
                    Some(p) if filled & (1 << p) == 0 && t.holes[p].count == hits => {
                        filled |= 1 << p;
                        true
                    }
                    _ => false,
                }
            })
            && filled.count_ones() as usize == t.holes.len();
        if ok { Ok(()) } else { self.diagnose(t) }
    }

    /// Why [`Subst::check`] failed.
    fn diagnose<T>(&self, t: &Template<T>) -> Result<(), EmitError> {
        let fail = |why: String| {
            Err(EmitError(format!(
                "internal error: template `{}`: {why}",
                t.name
            )))
        };
        for hole in &t.holes {
            let mut regs = self
                .registrations()
                .filter(|(kind, name, _)| *kind == hole.kind && *name == hole.name);
            let placeholder = shown(hole.kind, &hole.name);
            match (regs.next(), regs.next()) {
                (None, _) => return fail(format!("placeholder {placeholder} left unfilled")),
                (Some(_), Some(_)) => {
                    return fail(format!("placeholder {placeholder} registered twice"));
                }
                (Some((_, _, hits)), None) if hits != hole.count => {
                    return fail(format!(
                        "placeholder {placeholder} filled at {hits} of its {} places \
                         (registered as the wrong kind?)",
                        hole.count
                    ));
                }
                _ => {}
            }
        }
        // Each placeholder has its own registration: any more name none.
        if self.registrations().count() == t.holes.len() {
            return Ok(());
        }
        match self
            .registrations()
            .find(|(kind, name, _)| !t.holes.iter().any(|h| h.kind == *kind && h.name == *name))
        {
            Some((kind, name, _)) => fail(format!(
                "{} is registered but no placeholder of the template",
                shown(kind, name)
            )),
            None => Ok(()),
        }
    }
}

/// The identifier a path is, if it is one lone identifier.
fn lone_ident(path: &syn::Path) -> Option<&syn::Ident> {
    match (&path.leading_colon, path.segments.first()) {
        (None, Some(s)) if path.segments.len() == 1 && s.arguments.is_none() => Some(&s.ident),
        _ => None,
    }
}

/// The lone identifier an expression is, if it is one.
fn expr_ident(e: &syn::Expr) -> Option<&syn::Ident> {
    match e {
        syn::Expr::Path(p) if p.qself.is_none() => lone_ident(&p.path),
        _ => None,
    }
}

/// The identifier an arm's pattern is, if it is one (a list placeholder: `__arms => ()`).
fn arm_ident(a: &syn::Arm) -> Option<&syn::Ident> {
    match &a.pat {
        syn::Pat::Ident(p) => Some(&p.ident),
        _ => None,
    }
}

/// A named field's name (`__fields: ()`).
fn field_ident(f: &syn::Field) -> Option<&syn::Ident> {
    f.ident.as_ref()
}

/// A variant's name (`__variants`).
fn variant_ident(v: &syn::Variant) -> Option<&syn::Ident> {
    Some(&v.ident)
}

/// The identifier an argument's pattern is, if it is one (`__args: ()`).
fn arg_ident(a: &syn::FnArg) -> Option<&syn::Ident> {
    match a {
        syn::FnArg::Typed(t) => match &*t.pat {
            syn::Pat::Ident(p) => Some(&p.ident),
            _ => None,
        },
        syn::FnArg::Receiver(_) => None,
    }
}

/// The identifier a statement is, if it is one (`__stmts;`).
fn stmt_ident(s: &syn::Stmt) -> Option<&syn::Ident> {
    match s {
        syn::Stmt::Expr(e, _) => expr_ident(e),
        _ => None,
    }
}

/// Replace each element of a list that `key` names after a registered list placeholder by
/// that placeholder's fill (taken from the registration on first use): match arms,
/// statements.
fn splice_vec<T>(
    list: &mut Vec<T>,
    key: impl Fn(&T) -> Option<&syn::Ident>,
    with: &mut [Fill<Vec<T>>],
) {
    let find =
        |t: &T, with: &[Fill<Vec<T>>]| key(t).and_then(|id| with.iter().position(|f| id == f.name));
    if with.is_empty() || !list.iter().any(|t| find(t, with).is_some()) {
        return;
    }
    for t in std::mem::take(list) {
        match find(&t, with) {
            Some(k) => {
                with[k].hits += 1;
                list.append(&mut with[k].with);
            }
            None => list.push(t),
        }
    }
}

/// [`splice_vec`] for a punctuated list (array elements, fields, arguments, variants),
/// keeping a trailing separator.
fn splice<T, P: Default>(
    list: &mut Punctuated<T, P>,
    key: impl Fn(&T) -> Option<&syn::Ident>,
    with: &mut [Fill<Vec<T>>],
) {
    if with.is_empty()
        || !list
            .iter()
            .any(|t| key(t).is_some_and(|id| with.iter().any(|f| id == f.name)))
    {
        return;
    }
    let trailing = list.trailing_punct();
    let mut items: Vec<T> = std::mem::take(list).into_iter().collect();
    splice_vec(&mut items, key, with);
    list.extend(items);
    if trailing && !list.is_empty() {
        list.push_punct(P::default());
    }
}

impl VisitMut for Subst<'_> {
    fn visit_ident_mut(&mut self, i: &mut syn::Ident) {
        if let Some(f) = self.idents.iter_mut().find(|f| i == f.name) {
            *i = f.with.clone();
            f.hits += 1;
        }
    }

    fn visit_type_mut(&mut self, t: &mut syn::Type) {
        if let syn::Type::Path(p) = t
            && p.qself.is_none()
            && let Some(id) = lone_ident(&p.path)
            && let Some(f) = self.types.iter_mut().find(|f| id == f.name)
        {
            *t = f.with.clone();
            f.hits += 1;
            return;
        }
        visit_mut::visit_type_mut(self, t);
    }

    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        if !self.exprs.is_empty()
            && let Some(id) = expr_ident(e)
            && let Some(f) = self.exprs.iter_mut().find(|f| id == f.name)
        {
            *e = f.with.clone();
            f.hits += 1;
            return;
        }
        visit_mut::visit_expr_mut(self, e);
    }

    fn visit_lit_mut(&mut self, l: &mut syn::Lit) {
        match l {
            syn::Lit::Str(s) if !self.strs.is_empty() || !self.texts.is_empty() => {
                let value = s.value();
                if let Some(f) = self.strs.iter_mut().find(|f| f.name == value) {
                    *s = syn::LitStr::new(f.with, Span::call_site());
                    f.hits += 1;
                } else if let Some(f) = self.texts.iter_mut().find(|f| f.name == value) {
                    *s = raw_lit(f.with);
                    f.hits += 1;
                }
            }
            syn::Lit::Int(i) if !self.ints.is_empty() && i.suffix().is_empty() => {
                if let Some(f) = self.ints.iter_mut().find(|f| f.name == i.base10_digits()) {
                    *i = lit_usize(f.with);
                    f.hits += 1;
                }
            }
            _ => {}
        }
    }

    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        visit_mut::visit_expr_match_mut(self, m);
        splice_vec(&mut m.arms, arm_ident, &mut self.arms);
    }

    fn visit_expr_array_mut(&mut self, a: &mut syn::ExprArray) {
        visit_mut::visit_expr_array_mut(self, a);
        splice(&mut a.elems, expr_ident, &mut self.elems);
    }

    fn visit_fields_named_mut(&mut self, f: &mut syn::FieldsNamed) {
        visit_mut::visit_fields_named_mut(self, f);
        splice(&mut f.named, field_ident, &mut self.fields);
    }

    fn visit_signature_mut(&mut self, sig: &mut syn::Signature) {
        visit_mut::visit_signature_mut(self, sig);
        splice(&mut sig.inputs, arg_ident, &mut self.args);
    }

    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        visit_mut::visit_block_mut(self, b);
        splice_vec(&mut b.stmts, stmt_ident, &mut self.stmts);
    }

    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        visit_mut::visit_item_enum_mut(self, e);
        splice(&mut e.variants, variant_ident, &mut self.variants);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::syntax::{file, generic_type, items, path, path_type};
    use quote::{ToTokens, quote};

    fn id(name: &str) -> syn::Ident {
        syn::Ident::new(name, Span::call_site())
    }

    #[test]
    fn placeholders_are_filled() {
        let t = id("Thing");
        let f = id("field");
        let arm = Template::<syn::Arm>::parse("arm", quote! { 999001 => &self.__f, }).unwrap();
        let arms = (0..2)
            .map(|i| {
                Subst::new()
                    .with_ident("__f", &f)
                    .with_int("999001", i)
                    .apply(&arm)
                    .unwrap()
            })
            .collect();
        let field = Template::field("field", quote! { pub __f: Option<__Ty> }).unwrap();
        let ty = generic_type("Vec", path_type(path([&t])));
        let field = Subst::new()
            .with_ident("__f", &f)
            .with_type("__Ty", &ty)
            .apply(&field)
            .unwrap();
        let template = Template::items(
            "items",
            quote! {
                pub struct __T { __fields: (), pub last: u8 }
                impl __T {
                    const N: &'static [&'static str] = &[__elems, "last"];
                    const S: &'static str = "__name";
                    fn f(&self, i: usize) -> u8 { match i { __arms => 0, _ => 1 } }
                }
            },
        )
        .unwrap();
        assert_eq!(
            template.placeholders(),
            [
                "`__T`",
                "`__fields`",
                "`__elems`",
                "`\"__name\"`",
                "`__arms`"
            ]
        );
        let out = Subst::new()
            .with_ident("__T", &t)
            .with_str("__name", "a \"name\"")
            .with_arms("__arms", arms)
            .with_fields("__fields", vec![field])
            .with_elems("__elems", vec![syn::parse2(quote! { "x" }).unwrap()])
            .apply(&template)
            .unwrap();
        let expected = items(quote! {
            pub struct Thing { pub field: Option<Vec<Thing>>, pub last: u8 }
            impl Thing {
                const N: &'static [&'static str] = &["x", "last"];
                const S: &'static str = "a \"name\"";
                fn f(&self, i: usize) -> u8 { match i { 0 => &self.field, 1 => &self.field, _ => 1 } }
            }
        })
        .unwrap();
        let print = |items: Vec<syn::Item>| prettyplease::unparse(&file(items));
        assert_eq!(print(out.clone()), print(expected));
        // The same tokens as writing it out.
        let tokens = quote! { #(#out)* }.to_string();
        assert!(tokens.contains("Option < Vec < Thing > >"), "{tokens}");
    }

    fn error<T: Node>(subst: Subst, template: &Template<T>) -> String {
        match subst.apply(template) {
            Ok(_) => panic!("applied"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_placeholder_left_unfilled_is_an_error() {
        let template = Template::<syn::Expr>::parse(
            "row",
            quote! { Row { name: "__name", type_name: __T::NAME, index: 999001 } },
        )
        .unwrap();
        let (ty, row) = (id("Thing"), id("Row"));
        // Each of the three kinds forgotten.
        let e = error(
            Subst::new().with_ident("__T", &ty).with_int("999001", 1),
            &template,
        );
        assert_eq!(
            e,
            "internal error: template `row`: placeholder `\"__name\"` left unfilled"
        );
        let e = error(
            Subst::new().with_str("__name", "n").with_int("999001", 1),
            &template,
        );
        assert!(e.ends_with("placeholder `__T` left unfilled"), "{e}");
        let e = error(
            Subst::new().with_str("__name", "n").with_ident("__T", &ty),
            &template,
        );
        assert!(e.ends_with("placeholder `999001` left unfilled"), "{e}");
        // Filled as the wrong kind: an expression for what is a path's first segment.
        let expr: syn::Expr = syn::parse2(quote! { Thing }).unwrap();
        let e = error(
            Subst::new()
                .with_str("__name", "n")
                .with_int("999001", 1)
                .with_expr("__T", &expr),
            &template,
        );
        assert!(
            e.ends_with(
                "placeholder `__T` filled at 0 of its 1 places (registered as the wrong kind?)"
            ),
            "{e}"
        );
        // A type where the placeholder is also a struct's name: filled at one place of two.
        let template = Template::items("s", quote! { struct __T; impl X for __T {} }).unwrap();
        let as_type = path_type(path([&ty]));
        let e = error(Subst::new().with_type("__T", &as_type), &template);
        assert!(
            e.ends_with("filled at 1 of its 2 places (registered as the wrong kind?)"),
            "{e}"
        );
        // A fill that names no placeholder.
        let e = error(
            Subst::new().with_ident("__T", &ty).with_ident("__U", &row),
            &template,
        );
        assert!(
            e.ends_with("`__U` is registered but no placeholder of the template"),
            "{e}"
        );
        assert!(Subst::new().with_ident("__T", &ty).apply(&template).is_ok());
    }

    #[test]
    fn a_placeholder_filled_twice_is_an_error() {
        let template = Template::<syn::Expr>::parse("call", quote! { f(__x, "__s") }).unwrap();
        let (a, b) = (id("a"), id("b"));
        let e = error(
            Subst::new()
                .with_ident("__x", &a)
                .with_ident("__x", &b)
                .with_str("__s", "s"),
            &template,
        );
        assert_eq!(
            e,
            "internal error: template `call`: placeholder `__x` registered twice"
        );
        // Also as two kinds of fill.
        let expr = crate::emit::syntax::str_expr("x");
        let e = error(
            Subst::new()
                .with_ident("__x", &a)
                .with_expr("__x", &expr)
                .with_str("__s", "s"),
            &template,
        );
        assert!(e.ends_with("placeholder `__x` registered twice"), "{e}");
        let e = error(
            Subst::new()
                .with_ident("__x", &a)
                .with_str("__s", "s")
                .with_text("__s", "t"),
            &template,
        );
        assert!(e.ends_with("placeholder `\"__s\"` registered twice"), "{e}");
        let ok = Subst::new()
            .with_ident("__x", &a)
            .with_str("__s", "s")
            .apply(&template)
            .unwrap();
        assert_eq!(ok.to_token_stream().to_string(), "f (a , \"s\")");
    }

    #[test]
    fn placeholder_literals_are_known() {
        let _ = Template::<syn::Expr>::parse(
            "known",
            quote! { ("__known_str", 999123, 999124u32, "plain") },
        )
        .unwrap();
        let lit = |t: TokenStream| syn::parse2::<syn::Lit>(t).unwrap();
        assert!(is_placeholder_literal(&lit(quote! { "__known_str" })));
        assert!(is_placeholder_literal(&lit(quote! { 999123 })));
        assert!(!is_placeholder_literal(&lit(quote! { 999124u32 })));
        assert!(!is_placeholder_literal(&lit(quote! { "plain" })));
        assert!(!is_placeholder_literal(&lit(quote! { 999123u64 })));
    }
}
