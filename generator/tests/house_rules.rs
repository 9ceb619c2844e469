//! House rules of `generator/src`, checked on its source with `syn`:
//! - no function outside `#[cfg(test)]` code is longer than [`MAX_FN_LINES`] lines;
//! - the module dependency graph has no cycle: a module uses only modules below it.
//!
//! Line numbers: `proc-macro2` keeps no source positions here (its `span-locations` feature
//! is off, and turning it on for tests would change every span the generator's tests see),
//! so `syn` says which functions exist, where they nest and which are test code, and the
//! source text (rustfmt-formatted, `cargo fmt --check`) says where each one starts and
//! ends: its `fn` line at the indentation its nesting gives, up to the first line that is
//! that indentation and `}`.
//!
//! `cargo test -p doc2rs --test house_rules -- --ignored --nocapture print_module_graph`
//! prints the graph (`MODULE_GRAPH_PREFIX=ir` only `ir`'s modules; `HOUSE_RULES_SRC=dir`
//! another checkout's `src`).

use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_FN_LINES: usize = 150;

/// `generator/src`, or (to print another checkout's graph) `$HOUSE_RULES_SRC`.
fn src_root() -> PathBuf {
    match std::env::var_os("HOUSE_RULES_SRC") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
    }
}

/// A module of the crate: its path (`["ir", "build"]`; the root is empty), its items and
/// the file that holds them.
struct Module {
    path: Vec<String>,
    items: Vec<syn::Item>,
    file: PathBuf,
    /// Indentation of the module's items in `file` (inline modules are indented).
    indent: usize,
}

/// `#[test]`, or a `#[cfg(..)]` that names `test` and no `not` (`cfg(test)`,
/// `cfg(all(test, unix))`).
fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let s = a.meta.to_token_stream().to_string();
        let cfg = a.path().is_ident("cfg");
        cfg && words(&s).any(|w| w == "test") && !words(&s).any(|w| w == "not")
            || a.path().is_ident("test")
    })
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
}

fn parse(file: &Path) -> syn::File {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// Every non-test module of the library, from `lib.rs` through its `mod` items, plus
/// `main.rs` (a crate of its own; its path is `["main"]`).
fn modules() -> Vec<Module> {
    let root = src_root();
    let mut out = Vec::new();
    let lib = root.join("lib.rs");
    collect(vec![], parse(&lib).items, lib, 0, &mut out);
    let main = root.join("main.rs");
    out.push(Module {
        path: vec!["main".into()],
        items: parse(&main).items,
        file: main,
        indent: 0,
    });
    out
}

fn collect(
    path: Vec<String>,
    items: Vec<syn::Item>,
    file: PathBuf,
    indent: usize,
    out: &mut Vec<Module>,
) {
    for item in &items {
        let syn::Item::Mod(m) = item else { continue };
        if is_cfg_test(&m.attrs) {
            continue;
        }
        let mut child = path.clone();
        child.push(m.ident.to_string());
        match &m.content {
            Some((_, inner)) => collect(child, inner.clone(), file.clone(), indent + 4, out),
            None => {
                let dir = if path.is_empty() {
                    src_root()
                } else {
                    src_root().join(path.join("/"))
                };
                let flat = dir.join(format!("{}.rs", m.ident));
                let nested = dir.join(m.ident.to_string()).join("mod.rs");
                let f = if flat.exists() { flat } else { nested };
                let items = parse(&f).items;
                collect(child, items, f, 0, out);
            }
        }
    }
    out.push(Module {
        path,
        items,
        file,
        indent,
    });
}

fn module_name(path: &[String]) -> String {
    if path.is_empty() {
        "crate".into()
    } else {
        path.join("::")
    }
}

// ---------------------------------------------------------------------------------------
// Function length

/// A function `syn` found: its name, the indentation its nesting gives it, and whether it
/// is test code.
struct FnSeen {
    name: String,
    indent: usize,
    test: bool,
}

fn fns_of_items(items: &[syn::Item], indent: usize, test: bool, out: &mut Vec<FnSeen>) {
    for item in items {
        match item {
            syn::Item::Fn(f) => out.push(FnSeen {
                name: f.sig.ident.to_string(),
                indent,
                test: test || is_cfg_test(&f.attrs),
            }),
            syn::Item::Impl(i) => {
                let test = test || is_cfg_test(&i.attrs);
                for ii in &i.items {
                    if let syn::ImplItem::Fn(f) = ii {
                        out.push(FnSeen {
                            name: f.sig.ident.to_string(),
                            indent: indent + 4,
                            test: test || is_cfg_test(&f.attrs),
                        });
                    }
                }
            }
            syn::Item::Trait(t) => {
                let test = test || is_cfg_test(&t.attrs);
                for ti in &t.items {
                    if let syn::TraitItem::Fn(f) = ti
                        && f.default.is_some()
                    {
                        out.push(FnSeen {
                            name: f.sig.ident.to_string(),
                            indent: indent + 4,
                            test: test || is_cfg_test(&f.attrs),
                        });
                    }
                }
            }
            // Inline modules (test modules included: their functions are matched, then
            // skipped).
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    fns_of_items(inner, indent + 4, test || is_cfg_test(&m.attrs), out);
                }
            }
            _ => {}
        }
    }
}

/// The name a line defines as a function at exactly `indent` spaces, if any.
fn fn_on_line(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut rest = &line[indent..];
    if let Some(r) = rest.strip_prefix("pub") {
        rest = match r.strip_prefix('(') {
            Some(r) => r.split_once(')')?.1,
            None => r,
        };
        rest = rest.strip_prefix(' ')?;
    }
    for word in ["const ", "async ", "unsafe ", "safe "] {
        rest = rest.strip_prefix(word).unwrap_or(rest);
    }
    if let Some(r) = rest.strip_prefix("extern ") {
        rest = r.trim_start_matches(|c| c != ' ').strip_prefix(' ')?;
    }
    let rest = rest.strip_prefix("fn ")?;
    let rest = rest.strip_prefix("r#").unwrap_or(rest);
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| (indent, &rest[..end]))
}

/// (file, function, first line, lines) of every non-test function, each matched to the
/// line that defines it: the first line at its indentation after the previous match in its
/// module (a module's items are in source order).
fn function_lengths() -> Vec<(String, String, usize, usize)> {
    let root = src_root();
    let mut out = Vec::new();
    for m in modules() {
        // Inline modules that are not test code are modules of their own.
        let items: Vec<syn::Item> = m
            .items
            .iter()
            .filter(|i| !matches!(i, syn::Item::Mod(md) if !is_cfg_test(&md.attrs)))
            .cloned()
            .collect();
        let mut fns = Vec::new();
        fns_of_items(&items, m.indent, false, &mut fns);
        let text = std::fs::read_to_string(&m.file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let rel = m.file.strip_prefix(&root).unwrap().display().to_string();
        let mut from: BTreeMap<usize, usize> = BTreeMap::new();
        for f in fns {
            let start = from.get(&f.indent).copied().unwrap_or(0);
            let at = (start..lines.len())
                .find(|&n| fn_on_line(lines[n]) == Some((f.indent, f.name.as_str())));
            let Some(at) = at else {
                panic!(
                    "{rel}: `fn {}` (indented {}) not found in the text; is the file formatted?",
                    f.name, f.indent
                );
            };
            from.insert(f.indent, at + 1);
            let close = format!("{}}}", " ".repeat(f.indent));
            let first = lines[at].trim_end();
            let end = if first.ends_with('}') || first.ends_with(';') {
                at
            } else {
                (at + 1..lines.len())
                    .find(|&n| lines[n].trim_end() == close)
                    .unwrap_or_else(|| panic!("{rel}:{}: end of `fn {}` not found", at + 1, f.name))
            };
            if !f.test {
                out.push((rel.clone(), f.name, at + 1, end - at + 1));
            }
        }
    }
    out
}

#[test]
fn no_function_over_150_lines() {
    let all = function_lengths();
    assert!(all.len() > 500, "too few functions found ({})", all.len());
    let mut long: Vec<_> = all.into_iter().filter(|f| f.3 > MAX_FN_LINES).collect();
    long.sort_by_key(|f| std::cmp::Reverse(f.3));
    let list: Vec<String> = long
        .iter()
        .map(|(file, name, line, n)| format!("  {file}:{line} fn {name}: {n} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "{} functions outside #[cfg(test)] code are over {MAX_FN_LINES} lines; split them into named steps:\n{}",
        long.len(),
        list.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Module graph

/// A module's names: the items it defines and the names its `use` items bind (to absolute
/// paths inside the crate).
#[derive(Default)]
struct Names {
    defined: BTreeSet<String>,
    imported: BTreeMap<String, Vec<String>>,
}

/// Edges `module -> modules it names` (by `use` or by a path in code), test code left out.
/// A path counts when it starts with `crate`, `super`, `self` or a module name in scope (a
/// child module, a module a `use` binds, a child of a glob-imported module). It names the
/// module that defines the item: the longest module prefix of the path, followed through
/// `use` items there (`emit::EmitError` re-exported from `emit::print` names `emit::print`).
/// Paths inside `quote!`-like macros are the generated code's, not ours.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mods: Vec<Module> = modules()
        .into_iter()
        .filter(|m| m.path != ["main"])
        .collect();
    let known: BTreeSet<Vec<String>> = mods.iter().map(|m| m.path.clone()).collect();
    let items_of = |m: &Module| -> Vec<syn::Item> {
        m.items
            .iter()
            .filter(|i| !item_is_test(i) && !matches!(i, syn::Item::Mod(_)))
            .cloned()
            .collect()
    };
    // Pass 1: what each module defines and imports, and the module names in its scope.
    let mut names: BTreeMap<Vec<String>, Names> = BTreeMap::new();
    let mut scopes: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for m in &mods {
        let mut scope: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for k in &known {
            if k.len() == m.path.len() + 1 && k.starts_with(&m.path) {
                scope.insert(k.last().unwrap().clone(), k.clone());
            }
        }
        let mut n = Names::default();
        for item in &m.items {
            if let Some(name) = item_name(item) {
                n.defined.insert(name);
            }
        }
        for item in items_of(m) {
            if let syn::Item::Use(u) = &item {
                let mut leaves = Vec::new();
                use_leaves(vec![], &u.tree, &mut leaves);
                for (segs, bound) in leaves {
                    let Some(abs) = absolute(&m.path, &scope, &segs) else {
                        continue;
                    };
                    match bound {
                        Some(b) => {
                            if known.contains(&abs) {
                                scope.insert(b.clone(), abs.clone());
                            }
                            n.imported.insert(b, abs);
                        }
                        // A glob: the children of a module come into scope.
                        None if known.contains(&abs) => {
                            for k in &known {
                                if k.len() == abs.len() + 1 && k.starts_with(&abs) {
                                    scope
                                        .entry(k.last().unwrap().clone())
                                        .or_insert_with(|| k.clone());
                                }
                            }
                        }
                        None => {}
                    }
                }
            }
        }
        names.insert(m.path.clone(), n);
        scopes.insert(m.path.clone(), scope);
    }
    // Pass 2: the paths each module names, each resolved to its defining module.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &mods {
        let scope = &scopes[&m.path];
        let mut paths: Vec<Vec<String>> = Vec::new();
        for item in items_of(m) {
            match &item {
                syn::Item::Use(u) => {
                    let mut leaves = Vec::new();
                    use_leaves(vec![], &u.tree, &mut leaves);
                    paths.extend(leaves.into_iter().map(|(segs, _)| segs));
                }
                other => scan(other.to_token_stream(), &mut paths),
            }
        }
        let from = module_name(&m.path);
        let entry = graph.entry(from.clone()).or_default();
        for segs in paths {
            let Some(abs) = absolute(&m.path, scope, &segs) else {
                continue;
            };
            let to = module_name(&defining_module(&known, &names, abs));
            if to != from {
                entry.insert(to);
            }
        }
    }
    graph
}

fn item_name(item: &syn::Item) -> Option<String> {
    Some(match item {
        syn::Item::Fn(i) => i.sig.ident.to_string(),
        syn::Item::Mod(i) => i.ident.to_string(),
        syn::Item::Const(i) => i.ident.to_string(),
        syn::Item::Static(i) => i.ident.to_string(),
        syn::Item::Struct(i) => i.ident.to_string(),
        syn::Item::Enum(i) => i.ident.to_string(),
        syn::Item::Union(i) => i.ident.to_string(),
        syn::Item::Trait(i) => i.ident.to_string(),
        syn::Item::Type(i) => i.ident.to_string(),
        syn::Item::Macro(i) => i.ident.as_ref()?.to_string(),
        _ => return None,
    })
}

fn item_is_test(item: &syn::Item) -> bool {
    let attrs = match item {
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        _ => return false,
    };
    is_cfg_test(attrs)
}

/// The leaves of a `use` tree: the path, and the name it binds (`None` for a glob).
fn use_leaves(
    prefix: Vec<String>,
    tree: &syn::UseTree,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            let mut prefix = prefix;
            prefix.push(p.ident.to_string());
            use_leaves(prefix, &p.tree, out);
        }
        // `use x::{self}` binds `x`.
        syn::UseTree::Name(n) if n.ident == "self" => {
            let bound = prefix.last().cloned();
            out.push((prefix, bound));
        }
        syn::UseTree::Name(n) => {
            let mut segs = prefix;
            segs.push(n.ident.to_string());
            out.push((segs, Some(n.ident.to_string())));
        }
        syn::UseTree::Rename(r) => {
            let mut segs = prefix;
            if r.ident != "self" {
                segs.push(r.ident.to_string());
            }
            out.push((segs, Some(r.rename.to_string())));
        }
        syn::UseTree::Glob(_) => out.push((prefix, None)),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_leaves(prefix.clone(), t, out);
            }
        }
    }
}

/// A path as written, made absolute (`["ir", "path", "parse"]`), or `None` for a path
/// outside the crate (another crate, a local name).
fn absolute(
    current: &[String],
    scope: &BTreeMap<String, Vec<String>>,
    segs: &[String],
) -> Option<Vec<String>> {
    let first = segs.first()?;
    let (mut base, rest) = match first.as_str() {
        "crate" => (vec![], &segs[1..]),
        "self" => (current.to_vec(), &segs[1..]),
        "super" => {
            let mut p = current.to_vec();
            let mut i = 0;
            while segs.get(i).map(String::as_str) == Some("super") {
                p.pop()?;
                i += 1;
            }
            (p, &segs[i..])
        }
        name => (scope.get(name)?.clone(), &segs[1..]),
    };
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The module that defines what `path` names: its longest module prefix, followed through
/// the `use` items of that module.
fn defining_module(
    known: &BTreeSet<Vec<String>>,
    names: &BTreeMap<Vec<String>, Names>,
    mut path: Vec<String>,
) -> Vec<String> {
    for _ in 0..16 {
        let m = (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| known.contains(p))
            .unwrap_or_default();
        let Some(name) = path.get(m.len()) else {
            return m;
        };
        let n = &names[&m];
        match n.imported.get(name) {
            Some(target) if !n.defined.contains(name) => {
                let mut next = target.clone();
                next.extend(path[m.len() + 1..].iter().cloned());
                path = next;
            }
            _ => return m,
        }
    }
    panic!("`use` items loop: {path:?}")
}

/// Every path of two or more segments in a token stream (`a::b`, `a::b::{c, d::e}` as
/// `a::b::c` and `a::b::d::e`).
fn scan(tokens: proc_macro2::TokenStream, out: &mut Vec<Vec<String>>) {
    use proc_macro2::{Delimiter, TokenTree as T};
    let toks: Vec<T> = tokens.into_iter().collect();
    let colons = |i: usize| {
        matches!((toks.get(i), toks.get(i + 1)), (Some(T::Punct(a)), Some(T::Punct(b)))
            if a.as_char() == ':' && b.as_char() == ':')
    };
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            T::Group(g) => scan(g.stream(), out),
            T::Ident(id) => {
                let name = id.to_string();
                let is_macro = matches!(toks.get(i + 1), Some(T::Punct(p)) if p.as_char() == '!');
                if is_macro && ["quote", "quote_spanned", "parse_quote"].contains(&name.as_str()) {
                    i += 3; // the name, `!` and its group
                    continue;
                }
                // A path starts at an ident not preceded by `::`.
                if !(i >= 2 && colons(i - 2)) {
                    let mut segs = vec![name];
                    let mut j = i + 1;
                    while colons(j) {
                        match toks.get(j + 2) {
                            Some(T::Ident(next)) => {
                                segs.push(next.to_string());
                                j += 3;
                            }
                            Some(T::Group(g)) if g.delimiter() == Delimiter::Brace => {
                                // `prefix::{a, b::c}` (a `use` inside a function)
                                let mut inner = Vec::new();
                                scan_use_group(g.stream(), &mut inner);
                                out.extend(inner.into_iter().map(|tail| {
                                    let mut p = segs.clone();
                                    p.extend(tail.into_iter().filter(|s| s != "self"));
                                    p
                                }));
                                break;
                            }
                            _ => break,
                        }
                    }
                    if segs.len() > 1 {
                        out.push(segs);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// The leading paths of a `use` group's elements (`a, b::c, d::{e}, f as g` → `a`, `b::c`,
/// `d`, `f`).
fn scan_use_group(tokens: proc_macro2::TokenStream, out: &mut Vec<Vec<String>>) {
    use proc_macro2::TokenTree as T;
    let toks: Vec<T> = tokens.into_iter().collect();
    let mut i = 0;
    while i < toks.len() {
        let mut segs = Vec::new();
        while let Some(T::Ident(id)) = toks.get(i) {
            segs.push(id.to_string());
            let colons = matches!((toks.get(i + 1), toks.get(i + 2)), (Some(T::Punct(a)), Some(T::Punct(b)))
                if a.as_char() == ':' && b.as_char() == ':');
            if !colons {
                break;
            }
            i += 3;
        }
        if !segs.is_empty() {
            out.push(segs);
        }
        // on to the next element
        while i < toks.len() && !matches!(&toks[i], T::Punct(p) if p.as_char() == ',') {
            i += 1;
        }
        i += 1;
    }
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}

fn print_edges(graph: &BTreeMap<String, BTreeSet<String>>, only: impl Fn(&str) -> bool) -> String {
    let mut out = String::new();
    for (from, to) in graph {
        if only(from) {
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            out.push_str(&format!("{from} -> {}\n", to.join(", ")));
        }
    }
    out
}

#[test]
fn module_graph_has_no_cycle() {
    let graph = module_graph();
    assert!(graph.contains_key("ir::build"), "{graph:?}");
    let found = cycles(&graph);
    let mut report = String::new();
    for c in &found {
        report.push_str(&format!("cycle: {{{}}}\n", c.join(", ")));
        let members: BTreeSet<&str> = c.iter().map(String::as_str).collect();
        for from in c {
            let to: Vec<&str> = graph[from]
                .iter()
                .map(String::as_str)
                .filter(|t| members.contains(t))
                .collect();
            report.push_str(&format!("  {from} -> {}\n", to.join(", ")));
        }
    }
    assert!(
        found.is_empty(),
        "the module graph of generator/src has cycles:\n{report}"
    );
}

#[test]
#[ignore = "prints the module graph"]
fn print_module_graph() {
    let graph = module_graph();
    let only = std::env::var("MODULE_GRAPH_PREFIX").unwrap_or_default();
    print!("{}", print_edges(&graph, |m| m.starts_with(&only)));
}
