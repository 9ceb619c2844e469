//! The properties every fuzz input must satisfy, as functions returning `Err(why)`.
//!
//! Shared by the harness (`fuzz/src`) and by `generator/tests/fuzz_regressions.rs`, which
//! includes this file by path: it may only use crates doc2rs itself depends on (doc2rs,
//! syn, quote, proc-macro2, rayon, serde_json).

use doc2rs::diag::{Diagnostic, Diagnostics, Loc};
use doc2rs::test_door::emit::Files;
use doc2rs::test_door::{ident, jsonc, load, page, typespell};
use doc2rs::{Config, ir};
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Mutex, OnceLock};

/// The identifier every injection payload tries to smuggle into the generated code. Its
/// spelling is one identifier making never produces (a doubled `_`, mixed case), so a name
/// derived from payload text (`evil_injected`, `EvilInjected`) is no finding; only text
/// that reached the code verbatim is.
pub const MARKER: &str = "evil__Injected";

/// Text that would become code if a description, name or example were pasted into the
/// output unescaped. Each defines or calls [`MARKER`].
pub const PAYLOADS: &[&str] = &[
    "\"; } fn evil__Injected() { \"",
    "\"#; fn evil__Injected() {} r#\"",
    "\"##; fn evil__Injected() {} r##\"",
    "*/ fn evil__Injected() {} /*",
    "\\\"); evil__Injected(); (\"",
    "'; evil__Injected!(); '",
    "\n} fn evil__Injected() {\n",
    "`; fn evil__Injected() {} `",
    "\"}]} fn evil__Injected() {} {[{\"",
    "\u{0}\"; evil__Injected! {} \"",
    "\n/// x\nfn evil__Injected() {}\n",
    "#[doc = \"\"] fn evil__Injected() {}",
    "\r\"; fn evil__Injected() {} \"\r",
    "\\u{22}; fn evil__Injected() {} \\u{22}",
    "x\"]; fn evil__Injected() {} [\"",
];

/// The separator line that starts each page in a multi-page fixture.
pub const PAGE_MARK: &str = "<!-- doc2rs-fuzz-page: ";

/// Pages as one text: `PAGE_MARK name -->` lines before each page.
pub fn join_pages(pages: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (name, text)) in pages.iter().enumerate() {
        out.push_str(&format!("{PAGE_MARK}{name} -->\n{text}"));
        // The next marker must start a line; the last page keeps its text exactly.
        if i + 1 < pages.len() && !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The inverse of [`join_pages`]; a text without markers is one page.
pub fn split_pages(text: &str) -> Vec<(String, String)> {
    if !text.starts_with(PAGE_MARK) {
        return vec![("resources/fuzz.md".to_string(), text.to_string())];
    }
    let mut pages: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(PAGE_MARK)
            && let Some(name) = rest.trim_end().strip_suffix("-->")
        {
            pages.push((name.trim().to_string(), String::new()));
        } else if let Some(last) = pages.last_mut() {
            last.1.push_str(line);
        }
    }
    pages
}

/// 1-based lines of `text` as the diagnostics count them (split at `\n`).
fn line_of(text: &str, line: u32) -> Option<&str> {
    text.split('\n').nth(line.checked_sub(1)? as usize)
}

/// A `Loc` lies inside the page it names: `1 <= line <= lines + 1`, `1 <= col <= chars of
/// that line + 1`.
pub fn check_loc(pages: &[(String, String)], loc: &Loc, what: &str) -> Result<(), String> {
    let Some((_, text)) = pages.iter().find(|(name, _)| *name == loc.file) else {
        return Err(format!(
            "{what}: Loc {loc} names a file that is not an input"
        ));
    };
    let lines = text.lines().count() as u32;
    if loc.line == 0 || loc.line > lines + 1 {
        return Err(format!("{what}: Loc {loc} is past the end ({lines} lines)"));
    }
    let width = line_of(text, loc.line).map_or(0, |l| l.chars().count()) as u32;
    if loc.col == 0 || loc.col > width + 1 {
        return Err(format!(
            "{what}: Loc {loc} column is outside its line ({width} chars)"
        ));
    }
    Ok(())
}

pub fn check_diagnostics(pages: &[(String, String)], diags: &[Diagnostic]) -> Result<(), String> {
    for d in diags {
        check_loc(
            pages,
            &d.loc,
            &format!("diagnostic {} {}", d.code, d.message),
        )?;
        if let Some(r) = &d.related {
            check_loc(
                pages,
                r,
                &format!("related place of {} {}", d.code, d.message),
            )?;
        }
    }
    Ok(())
}

/// Every identifier token of a Rust text (recursing into groups), and every literal.
fn tokens_of(
    tokens: proc_macro2::TokenStream,
    idents: &mut Vec<String>,
    literals: &mut Vec<proc_macro2::Literal>,
) {
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Ident(i) => idents.push(i.to_string()),
            proc_macro2::TokenTree::Literal(l) => literals.push(l),
            proc_macro2::TokenTree::Group(g) => tokens_of(g.stream(), idents, literals),
            proc_macro2::TokenTree::Punct(_) => {}
        }
    }
}

/// No template placeholder reached the code: no identifier starts with `__` (placeholder
/// identifiers do, generated names never), and no literal is one a template holds
/// (`"__name"`, `999002`; see `doc2rs::test_door::emit::template`).
fn check_placeholders(
    path: &str,
    idents: &[String],
    literals: &[proc_macro2::Literal],
) -> Result<(), String> {
    if let Some(i) = idents
        .iter()
        .find(|i| i.trim_start_matches("r#").starts_with("__"))
    {
        return Err(format!(
            "template placeholder `{i}` left in generated {path}"
        ));
    }
    if let Some(l) = literals
        .iter()
        .find(|l| doc2rs::test_door::emit::is_placeholder_literal(&syn::Lit::new((*l).clone())))
    {
        return Err(format!("template placeholder {l} left in generated {path}"));
    }
    Ok(())
}

/// Every `.rs` file parses with `syn::parse_file`, no identifier equals [`MARKER`] (text
/// from the docs only ever enters as literals and doc attributes), and no template
/// placeholder is left in it.
pub fn check_rust(files: &Files) -> Result<(), String> {
    // Most files repeat from run to run (templates, unchanged modules): check each text once.
    static CHECKED: Mutex<BTreeSet<u64>> = Mutex::new(BTreeSet::new());
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".rs")) {
        let mut h = std::hash::DefaultHasher::new();
        text.hash(&mut h);
        let key = h.finish();
        if CHECKED.lock().is_ok_and(|c| c.contains(&key)) {
            continue;
        }
        if let Err(e) = syn::parse_file(text) {
            return Err(format!("generated {path} does not parse: {e}"));
        }
        let tokens: proc_macro2::TokenStream = text
            .parse()
            .map_err(|e| format!("generated {path} does not tokenize: {e}"))?;
        let (mut names, mut literals) = (Vec::new(), Vec::new());
        tokens_of(tokens, &mut names, &mut literals);
        if names.iter().any(|n| n == MARKER || n == "r#evil__Injected") {
            return Err(format!(
                "injection: identifier `{MARKER}` appears as code in generated {path}"
            ));
        }
        check_placeholders(path, &names, &literals)?;
        if let Ok(mut c) = CHECKED.lock() {
            if c.len() > 100_000 {
                c.clear();
            }
            c.insert(key);
        }
    }
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".toml")) {
        // TOML: every line is blank, a comment, a `[table]` or `key = value`; a description
        // breaking out of its string would show as a line of another shape.
        for line in text.lines() {
            let l = line.trim();
            let ok = l.is_empty()
                || l.starts_with('#')
                || (l.starts_with('[') && l.ends_with(']'))
                || l.split_once('=').is_some_and(|(k, _)| {
                    !k.trim().is_empty()
                        && k.trim()
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_.\"".contains(c))
                });
            if !ok || (l.contains(MARKER) && !l.contains('"')) {
                return Err(format!(
                    "generated {path} has a line out of shape: `{line}`"
                ));
            }
        }
    }
    Ok(())
}

/// What one pipeline run gave.
#[derive(Debug, PartialEq)]
pub struct Outcome {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
}

/// The whole pipeline in memory: pages → page model → IR → formatted files.
pub fn run(pages: &[(String, String)]) -> Result<Outcome, String> {
    let docs = load::from_texts(Path::new("docs"), pages);
    let g = Config::new()
        .run_on(docs)
        .map_err(|e| format!("generation failed: {e}"))?;
    Ok(Outcome {
        files: g.files,
        diagnostics: g.diagnostics,
    })
}

fn pool(threads: usize) -> &'static rayon::ThreadPool {
    static POOLS: [OnceLock<rayon::ThreadPool>; 2] = [OnceLock::new(), OnceLock::new()];
    POOLS[threads.clamp(1, 2) - 1].get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
    })
}

/// The whole pipeline holds its properties on these pages; with `determinism`, also the
/// same output for the pages in another order and on 1 and 2 threads.
pub fn check_pipeline(pages: &[(String, String)], determinism: bool) -> Result<(), String> {
    let first = pool(2).install(|| run(pages))?;
    check_diagnostics(pages, &first.diagnostics)?;
    check_rust(&first.files)?;
    if determinism {
        let mut permuted: Vec<(String, String)> = pages.to_vec();
        permuted.reverse();
        if permuted.len() > 2 {
            permuted.rotate_left(1);
        }
        let again = pool(1).install(|| run(&permuted))?;
        if again != first {
            return Err(diff_outcomes(&first, &again, "pages reversed, 1 thread"));
        }
        let twice = pool(2).install(|| run(&permuted))?;
        if twice != first {
            return Err(diff_outcomes(&first, &twice, "pages reversed, 2 threads"));
        }
    }
    Ok(())
}

fn diff_outcomes(a: &Outcome, b: &Outcome, how: &str) -> String {
    for (path, text) in &a.files {
        if b.files.get(path) != Some(text) {
            return format!("nondeterministic ({how}): {path} differs");
        }
    }
    if let Some(path) = b.files.keys().find(|p| !a.files.contains_key(*p)) {
        return format!("nondeterministic ({how}): {path} appears only once");
    }
    format!("nondeterministic ({how}): diagnostics differ")
}

/// The page parser alone: no panic, every Loc of the page model and of the diagnostics
/// inside the file.
pub fn check_page(name: &str, text: &str) -> Result<(), String> {
    let pages = [(name.to_string(), text.to_string())];
    let mut diags = Diagnostics::default();
    let p = page::parse_page(name, text, &mut diags);
    let diags = diags.into_sorted();
    check_diagnostics(&pages, &diags)?;
    for h in &p.headings {
        check_loc(&pages, &h.loc, "heading")?;
    }
    for b in &p.blocks {
        match &b.kind {
            page::BlockKind::Paragraph(x) => check_loc(&pages, &x.loc, "paragraph")?,
            page::BlockKind::Code(c) => {
                check_loc(&pages, &c.loc, "code block")?;
                if let Some(a) = &c.annotation {
                    check_loc(&pages, &a.loc, "annotation")?;
                }
            }
            page::BlockKind::Table(t) => {
                check_loc(&pages, &t.loc, "table")?;
                for c in t.header.iter().chain(t.rows.iter().flatten()) {
                    check_loc(&pages, &c.loc, "table cell")?;
                }
            }
        }
    }
    Ok(())
}

/// The tolerant JSON parser: offsets inside the input; strict JSON parses as serde_json does.
pub fn check_json(text: &str) -> Result<(), String> {
    match jsonc::parse_lenient(text) {
        Ok(l) => {
            if let Some(r) = l.repairs.iter().find(|r| r.offset > text.len()) {
                return Err(format!("repair {:?} at {} past the end", r.kind, r.offset));
            }
            for r in &l.repairs {
                let _ = jsonc::line_col(text, r.offset);
            }
            // What was read is JSON: it prints as text serde_json reads back (numbers may
            // round differently, which is serde_json's business).
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&l.value.to_string())
                && !e.to_string().contains("recursion limit")
            {
                return Err(format!("printed value is not JSON: {e}"));
            }
        }
        Err(e) => {
            if e.offset > text.len() {
                return Err(format!("error offset {} past the end: {e}", e.offset));
            }
            let _ = jsonc::line_col(text, e.offset);
        }
    }
    Ok(())
}

/// The path-template parser: parameters named; a concrete path made from the template
/// matches it again and gives back the values.
pub fn check_path(text: &str) -> Result<(), String> {
    let Ok(t) = ir::path::parse(text) else {
        return Ok(());
    };
    let _ = (t.shape(), t.literal_segments(), t.match_path(text));
    if t.params().any(|(name, _)| name.is_empty()) {
        return Err("a parameter without a name".into());
    }
    use ir::path::Piece;
    let adjacent = t
        .pieces
        .windows(2)
        .any(|w| matches!(w, [Piece::Param { .. }, Piece::Param { .. }]));
    if adjacent {
        return Ok(());
    }
    let mut concrete = String::new();
    let mut values = Vec::new();
    for (i, p) in t.pieces.iter().enumerate() {
        match p {
            Piece::Literal { text } => concrete.push_str(text),
            Piece::Param { .. } => {
                let v = format!("Q{i}z");
                concrete.push_str(&v);
                values.push(v);
            }
        }
    }
    // Only when no literal holds the value text by chance (values are found by the next
    // literal, case-insensitively).
    let lower = concrete.to_lowercase();
    let unambiguous = t.pieces.iter().all(|p| match p {
        Piece::Literal { text } => {
            !text.is_empty()
                && lower.matches(&text.to_lowercase()).count() == 1
                && !text.contains(['%'])
                && text.to_lowercase().len() == text.len()
        }
        Piece::Param { .. } => true,
    });
    if unambiguous && !concrete.ends_with('/') && t.match_path(&concrete) != Some(values.clone()) {
        return Err(format!(
            "`{concrete}` made from the template does not match it back (want {values:?}, got {:?})",
            t.match_path(&concrete)
        ));
    }
    Ok(())
}

/// Type spellings: no panic; a named type has a name.
pub fn check_type(text: &str) -> Result<(), String> {
    if let Ok(s) = typespell::parse_type_spelling(text)
        && let typespell::Base::Named { name, .. } = &s.base
        && name.is_empty()
    {
        return Err("a named type with an empty name".into());
    }
    Ok(())
}

/// Identifier making: every style gives an identifier that parses where it is used, and
/// the namer never hands out one name twice.
pub fn check_ident(text: &str) -> Result<(), String> {
    let field = ident::field_ident(text);
    let ty = ident::type_ident(text);
    let variant = ident::variant_ident(text);
    // Printed and parsed again, as the generator's output is.
    let item = quote::quote! {
        struct #ty { #field: u8 }
        enum E { #variant }
        fn f() { let #field = 1; }
    }
    .to_string();
    syn::parse_str::<syn::File>(&item)
        .map_err(|e| format!("identifiers from `{text}` do not parse in `{item}`: {e}"))?;
    let mut namer = ident::Namer::new(ident::Style::Snake);
    let mut seen = std::collections::BTreeSet::new();
    for part in [text, &format!("{text}_2"), text, &text.to_uppercase()] {
        let n = namer.claim(ident::field_name(part));
        let escaped = ident::make_ident(&n).to_string();
        if !seen.insert(escaped.clone()) {
            return Err(format!("namer gave `{escaped}` twice"));
        }
    }
    Ok(())
}

/// A unit input wrapped into pages, so the regression test also runs the whole pipeline
/// over it: `kind` is the fixture's extension.
pub fn wrap(kind: &str, text: &str) -> Vec<(String, String)> {
    let cell = text
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ");
    let one_line = text.replace(['\n', '\r'], " ");
    let fm = |doc_type: &str| format!("---\ntitle: \"t\"\ndoc_type: {doc_type}\n---\n\n");
    match kind {
        "json" => vec![
            (
                "resources/thing.md".into(),
                format!(
                    "{}# thing resource type\n\nNamespace: microsoft.graph\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n|id|String|Id.|\n\n## JSON representation\n\n<!-- {{ \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.thing\", \"keyProperty\": \"id\" }} -->\n```json\n{text}\n```\n",
                    fm("resourcePageType")
                ),
            ),
            (
                "api/thing-update.md".into(),
                format!(
                    "{}# Update thing\n\nNamespace: microsoft.graph\n\n## HTTP request\n\n```http\nPATCH /things/{{id}}\n```\n\n## Example\n\n### Request\n\n<!-- {{ \"blockType\": \"request\", \"name\": \"update_thing\" }} -->\n```http\nPATCH https://graph.microsoft.com/beta/things/1\nContent-type: application/json\n\n{text}\n```\n\n### Response\n\n<!-- {{ \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.thing\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{text}\n```\n\n<!-- {text} -->\n```http\nGET /x\n```\n",
                    fm("apiPageType")
                ),
            ),
        ],
        "path" => vec![(
            "api/thing-get.md".into(),
            format!(
                "{}# Get thing\n\nNamespace: microsoft.graph\n\n## HTTP request\n\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nGET {one_line}\n```\n\n## Response\n\nIf successful, this method returns a `200 OK` response code and a [thing](thing.md) object in the response body.\n\n## Example\n\n<!-- {{ \"blockType\": \"request\", \"name\": \"get_thing\" }} -->\n```http\nGET https://graph.microsoft.com/beta{one_line}\n```\n",
                fm("apiPageType")
            ),
        )],
        "type" | "ident" => {
            let (name, ty) = if kind == "type" {
                ("p".to_string(), cell.clone())
            } else {
                (cell.clone(), "String".to_string())
            };
            let key = serde_json::Value::String(one_line.clone()).to_string();
            vec![
                (
                    "resources/thing.md".into(),
                    format!(
                        "{}# thing resource type\n\nNamespace: microsoft.graph\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n|id|String|Id.|\n|{name}|{ty}|A value.|\n\n## JSON representation\n\n<!-- {{ \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.thing\", \"keyProperty\": \"id\" }} -->\n```json\n{{ \"id\": \"String\", {key}: \"String\" }}\n```\n",
                        fm("resourcePageType")
                    ),
                ),
                (
                    "resources/kind.md".into(),
                    format!(
                        "{}# kind enum type\n\nNamespace: microsoft.graph\n\n## Members\n\n| Member | Value | Description |\n|:--|:--|:--|\n|a|0|A.|\n|{name}|1|{cell}|\n",
                        fm("enumPageType")
                    ),
                ),
            ]
        }
        _ => split_pages(text),
    }
}

/// Every property for a fixture of kind `kind` (its extension): the unit check for that
/// kind, then the whole pipeline (with the determinism check) on it wrapped into pages.
pub fn check_fixture(kind: &str, text: &str) -> Result<(), String> {
    match kind {
        "json" => check_json(text)?,
        "path" => check_path(text)?,
        "type" => check_type(text)?,
        "ident" => check_ident(text)?,
        _ => {
            for (name, page) in split_pages(text) {
                check_page(&name, &page)?;
            }
        }
    }
    check_pipeline(&wrap(kind, text), true)
}
