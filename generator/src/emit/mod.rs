//! IR → Rust files. Every item is built as a `syn` tree, printed by prettyplease: the
//! high-volume shapes (models, enums, request builders) from templates parsed once per
//! thread ([`template`]), the rest as tokens (`quote!`) parsed into a `syn::File`. Text from
//! the docs only ever enters as string literals.

pub(crate) mod areas;
pub(crate) mod client_tests;
pub(crate) mod docs;
pub(crate) mod enums;
pub(crate) mod examples;
pub(crate) mod models;
pub(crate) mod naive;
pub(crate) mod names;
pub(crate) mod poly;
pub(crate) mod print;
pub(crate) mod request_names;
pub(crate) mod requests;
pub(crate) mod syntax;
pub(crate) mod template;

use crate::ident;
use crate::ir::Ir;
use names::{Names, RUNTIME};
pub use print::EmitError;
use print::{CHUNK, print_file};
pub(crate) use print::{HEADER, format, format_items_body};
use proc_macro2::TokenStream;
use quote::quote;
use rayon::prelude::*;
use std::collections::BTreeMap;

const CLIENT_SRC: &str = include_str!("../../templates/client.rs");
const TEST_SUPPORT_SRC: &str = include_str!("../../templates/test_support.rs");

/// A hand-written template as a module file: parsed (so a broken template is an error, not
/// broken output), its `//!` docs dropped (they move to the module declaration). The text
/// is constant, so it is made once per process (runs in a loop, as tests and the fuzzer do,
/// reuse it).
fn template(src: &'static str, what: &str) -> Result<String, EmitError> {
    made(src.as_ptr() as usize, String::new(), || {
        render(src, what, |_| Ok(()))
    })
}

/// A template parsed, its inner attributes dropped, edited as a syntax tree and printed
/// with the `@generated` header.
fn render(
    src: &str,
    what: &str,
    edit: impl FnOnce(&mut syn::File) -> Result<(), EmitError>,
) -> Result<String, EmitError> {
    let mut file = syn::parse_file(src).map_err(|e| EmitError(format!("{what} template: {e}")))?;
    file.attrs.clear();
    edit(&mut file)?;
    Ok(format!("{HEADER}\n{}", prettyplease::unparse(&file)))
}

/// A template's text, made once per process for each key.
fn made(
    src: usize,
    variant: String,
    make: impl FnOnce() -> Result<String, EmitError>,
) -> Result<String, EmitError> {
    type Cache = std::sync::Mutex<BTreeMap<(usize, String), Result<String, EmitError>>>;
    static MADE: std::sync::LazyLock<Cache> = std::sync::LazyLock::new(Default::default);
    let key = (src, variant);
    if let Some(made) = MADE.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return made;
    }
    let made = make();
    if let Ok(mut m) = MADE.lock() {
        m.insert(key, made.clone());
    }
    made
}

/// The service root an SDK's client defaults to when the docs never name one.
pub(crate) const FALLBACK_SERVICE_ROOT: &str = "https://graph.microsoft.com/beta";

/// The service root the generated client defaults to: the docs' (`Ir::service_root`,
/// without a trailing `/`) when it is an `https://` URL without white space, else
/// [`FALLBACK_SERVICE_ROOT`].
pub(crate) fn service_root(ir: &Ir) -> &str {
    ir.service_root
        .as_deref()
        .map(|r| r.trim_end_matches('/'))
        .filter(|r| {
            r.len() > "https://".len()
                && r.starts_with("https://")
                && !r.chars().any(|c| c.is_whitespace() || c.is_control())
        })
        .unwrap_or(FALLBACK_SERVICE_ROOT)
}

/// The SDK's `client` module (the client template) with `DEFAULT_BASE_URL` set to `root`
/// (a string literal in the syntax tree, never text spliced into code).
fn client_template(root: &str) -> Result<String, EmitError> {
    made(CLIENT_SRC.as_ptr() as usize, root.to_string(), || {
        render(CLIENT_SRC, "client", |file| {
            let constant = file.items.iter_mut().find_map(|item| match item {
                syn::Item::Const(c) if c.ident == "DEFAULT_BASE_URL" => Some(c),
                _ => None,
            });
            let constant = constant.ok_or_else(|| {
                EmitError("client template: no `DEFAULT_BASE_URL` constant".into())
            })?;
            *constant.expr = syntax::str_expr(root);
            Ok(())
        })
    })
}

/// Where a generated crate gets the runtime crate (`doc2rs-runtime`) from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDep {
    /// A path, relative to the generated crate or absolute.
    Path(String),
    /// A version requirement (the runtime as published).
    Version(String),
}

impl Default for RuntimeDep {
    fn default() -> Self {
        RuntimeDep::Version(env!("CARGO_PKG_VERSION").to_string())
    }
}

impl RuntimeDep {
    /// The dependency as a TOML inline table; the text is a TOML basic string (JSON string
    /// escapes are TOML's), so nothing in it can reach the rest of `Cargo.toml`.
    fn toml(&self) -> String {
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
        match self {
            RuntimeDep::Path(path) => format!("{{ path = {} }}", quoted(path)),
            RuntimeDep::Version(version) => format!("{{ version = {} }}", quoted(version)),
        }
    }
}

/// Generated files by path relative to the output root, `/`-separated.
pub type Files = BTreeMap<String, String>;

/// What shape the output takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A complete crate: `Cargo.toml`, `src/lib.rs`, one `src/<module>.rs` per namespace and
    /// `tests/examples.rs`.
    Crate,
    /// For `build.rs`: the module files plus `mod.rs`, to be `include!`d at a crate root.
    Include,
}

#[derive(Debug, Clone)]
pub(crate) struct EmitOptions {
    pub layout: Layout,
    /// Package name written into `Cargo.toml` (crate layout).
    pub crate_name: String,
    /// Where `Cargo.toml` (crate layout) gets the runtime crate from.
    pub runtime: RuntimeDep,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            layout: Layout::Crate,
            crate_name: "graph-docs-generated".into(),
            runtime: RuntimeDep::default(),
        }
    }
}

/// A model item: a struct for a type or an enum.
enum Model<'a> {
    Type(&'a crate::ir::TypeDef),
    Enum(&'a crate::ir::EnumDef),
    /// The `Any...` enum of a polymorphic base.
    Any(&'a crate::ir::TypeDef),
}

/// Lints the generated modules allow: names come from the docs, and docs describe
/// everything in their own words.
fn module_allows() -> TokenStream {
    quote! { #[allow(clippy::large_enum_variant, clippy::enum_variant_names, clippy::doc_markdown, clippy::too_long_first_doc_paragraph, non_camel_case_types)] }
}

/// What the emitted tests cover.
#[derive(Debug, Default, Clone)]
pub struct EmitReport {
    /// Operations with request code.
    pub operations: usize,
    /// Tests generated from the docs' examples.
    pub example_tests: usize,
    /// Examples not turned into tests, with the reason.
    pub skipped_examples: Vec<(String, &'static str)>,
    /// End-to-end tests against the local server.
    pub client_tests: usize,
    /// Time spent formatting (prettyplease), part of the emit time.
    pub format_time: std::time::Duration,
}

pub(crate) fn emit(ir: &Ir, opts: &EmitOptions) -> Result<(Files, EmitReport), EmitError> {
    print::reset_format_time();
    let mut report = EmitReport {
        operations: ir.operations.len(),
        ..EmitReport::default()
    };
    use crate::timing::time;
    // The tables the models consult, made at the same time (the request names are made
    // alongside the models, below).
    let polymorphic = time(1, "polymorphic bases", || {
        crate::ir::hierarchy::polymorphic_bases(ir)
    });
    let ((names, boxing), areas) = rayon::join(
        || {
            rayon::join(
                || {
                    time(1, "names", || {
                        Names::with_polymorphic(ir, polymorphic.clone())
                    })
                },
                || time(1, "boxing", || models::Boxing::new(ir, &polymorphic)),
            )
        },
        || time(1, "areas", || areas::Areas::new(ir)),
    );
    let mut files = Files::new();
    let src = match opts.layout {
        Layout::Crate => "src/",
        Layout::Include => "",
    };
    files.insert(
        format!("{src}client.rs"),
        client_template(service_root(ir))?,
    );
    let crate_layout = opts.layout == Layout::Crate;
    let modules = models_by_module(ir, &names);
    let models = || {
        time(2, "models (concurrent)", || {
            modules
                .par_iter()
                .map(|(module, items)| {
                    let items: Vec<&Model> = items.values().collect();
                    let build = |m: &&Model, out: &mut Vec<syn::Item>| match m {
                        Model::Type(t) => {
                            let cfg = syntax::attrs(areas.cfg_of(&t.name))?;
                            models::struct_item(ir, &names, &boxing, t, cfg, out)
                        }
                        Model::Enum(e) => {
                            let cfg = syntax::attrs(areas.cfg_of(&e.name))?;
                            enums::enum_item(&names, e, &cfg, out)
                        }
                        Model::Any(t) => poly::any_enum(&names, &areas, &t.name, out),
                    };
                    Ok((
                        format!("{src}{module}.rs"),
                        models::with_header(&syntax::format_items(&items, build)?),
                    ))
                })
                .collect::<Result<Vec<(String, String)>, EmitError>>()
        })
    };
    let requests = |op_names: &requests::OpNames| {
        if ir.operations.is_empty() {
            return Ok(None);
        }
        time(2, "requests (concurrent)", || {
            requests::requests_module(ir, &names, op_names, &boxing, &areas)
        })
        .map(Some)
    };
    // Every output is independent: all are built at the same time (each also in parallel
    // chunks inside), so the cores stay busy until the last chunk.
    type Tests = Option<(String, examples::ExampleReport, String, usize)>;
    let tests = |op_names: &requests::OpNames| -> Result<Tests, EmitError> {
        if !crate_layout {
            return Ok(None);
        }
        let (a, b) = rayon::join(
            || {
                time(2, "example tests (concurrent)", || {
                    examples::tests_file(ir, &names, op_names, &areas, &opts.crate_name)
                })
            },
            || {
                time(2, "client tests (concurrent)", || {
                    client_tests::tests_file(ir, &names, op_names, &areas, &opts.crate_name)
                })
            },
        );
        let ((examples, report), (client, count)) = (a?, b?);
        Ok(Some((examples, report, client, count)))
    };
    let t = crate::timing::span(1, "requests, tests and models");
    let ((requests_text, tests), model_files) = rayon::join(
        || {
            let op_names = time(2, "request names (concurrent)", || {
                requests::OpNames::new(ir)
            });
            rayon::join(|| requests(&op_names), || tests(&op_names))
        },
        models,
    );
    drop(t);
    if let Some(text) = requests_text? {
        files.insert(format!("{src}{}.rs", requests::MODULE), text);
    }
    if let Some((examples, examples_report, client, client_count)) = tests? {
        report.example_tests = examples_report.tests;
        report.skipped_examples = examples_report.skipped;
        files.insert("tests/examples.rs".into(), examples);
        files.insert(
            "tests/support/mod.rs".into(),
            template(TEST_SUPPORT_SRC, "test support")?,
        );
        report.client_tests = client_count;
        files.insert("tests/client.rs".into(), client);
    }
    files.extend(model_files?);

    root_files(ir, opts, &names, &modules, &areas, &mut files)?;
    report.format_time = print::format_time();
    Ok((files, report))
}

/// The model items of each module, sorted by Rust name.
fn models_by_module<'a>(
    ir: &'a Ir,
    names: &'a Names,
) -> BTreeMap<&'a str, BTreeMap<&'a str, Model<'a>>> {
    let mut modules: BTreeMap<&'a str, BTreeMap<&'a str, Model<'a>>> = BTreeMap::new();
    for t in ir.types.values() {
        modules
            .entry(names.module_of(&t.name))
            .or_default()
            .insert(names.type_name(&t.name), Model::Type(t));
    }
    for e in ir.enums.values() {
        modules
            .entry(names.module_of(&e.name))
            .or_default()
            .insert(names.type_name(&e.name), Model::Enum(e));
    }
    for q in ir.types.keys() {
        if let Some(any) = names.any_name(q) {
            modules
                .entry(names.module_of(q))
                .or_default()
                .insert(any, Model::Any(&ir.types[q]));
        }
    }
    modules
}

/// The crate root (`src/lib.rs`, `Cargo.toml`, `rustfmt.toml`) or, for `build.rs`,
/// `mod.rs`: the module declarations (module, doc, whether lints are relaxed for
/// docs-derived names).
fn root_files(
    ir: &Ir,
    opts: &EmitOptions,
    names: &Names,
    modules: &BTreeMap<&str, BTreeMap<&str, Model>>,
    areas: &areas::Areas,
    files: &mut Files,
) -> Result<(), EmitError> {
    let mut decl_list: Vec<(String, String, bool)> = vec![(
        "client".into(),
        "Requests, responses and the client (from the runtime crate, `doc2rs-runtime`), and the service root of these docs.".into(),
        false,
    )];
    for (m, ns) in names.modules() {
        if modules.contains_key(m) {
            decl_list.push((
                m.to_string(),
                format!("Types of the `{ns}` namespace."),
                true,
            ));
        }
    }
    if !ir.operations.is_empty() {
        decl_list.push((
            requests::MODULE.into(),
            "Request builders, one per documented operation, by path root.".into(),
            true,
        ));
    }
    let allows = module_allows();
    let runtime = ident::make_ident(RUNTIME);
    let runtime_decl = quote! {
        /// Support for the generated models (dates, durations, GUIDs, collections): the
        /// runtime crate's `model` module.
        #[doc(no_inline)]
        pub use ::doc2rs_runtime::model as #runtime;
    };
    let decls = std::iter::once(runtime_decl).chain(decl_list.iter().map(|(m, doc, relaxed)| {
        let doc = format!(" {doc}");
        let id = ident::make_ident(m);
        let allows = relaxed.then(|| allows.clone());
        match opts.layout {
            Layout::Crate => quote! { #[doc = #doc] #allows pub mod #id; },
            Layout::Include => {
                let file = format!("{m}.rs");
                quote! { #[doc = #doc] #allows pub mod #id { include!(#file); } }
            }
        }
    }));
    match opts.layout {
        Layout::Crate => {
            let lib = quote! {
                //! Microsoft Graph models and requests generated by doc2rs from the API reference docs.
                #(#decls)*
            };
            files.insert("src/lib.rs".into(), format(lib, "lib.rs")?);
            files.insert(
                "Cargo.toml".into(),
                cargo_toml(&opts.crate_name, &opts.runtime, areas),
            );
            files.insert(
                "rustfmt.toml".into(),
                "# @generated by doc2rs: the code is formatted by prettyplease; rustfmt leaves it alone.\ndisable_all_formatting = true\n".into(),
            );
        }
        Layout::Include => {
            files.insert("mod.rs".into(), format(quote! { #(#decls)* }, "mod.rs")?);
        }
    }
    Ok(())
}

/// A cargo package name from `name`: only the characters cargo allows (so nothing else can
/// reach `Cargo.toml`).
pub(crate) fn package_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn cargo_toml(name: &str, runtime: &RuntimeDep, areas: &areas::Areas) -> String {
    let name = package_name(name);
    let runtime = runtime.toml();
    let features = areas.features_toml();
    [
        "# @generated by doc2rs. Do not edit by hand.",
        "[package]",
        &format!("name = \"{name}\""),
        "version = \"0.1.0\"",
        "edition = \"2021\"",
        "publish = false",
        "",
        "[dependencies]",
        "# Requests, responses, the client and the model support (see its docs).",
        &format!("doc2rs-runtime = {runtime}"),
        "serde = { version = \"1\", features = [\"derive\"] }",
        "serde_json = \"1\"",
        "http = \"1\"",
        "",
        features.trim_end(),
        "# A Transport over reqwest (plain HTTP); add `reqwest-rustls` for HTTPS.",
        "reqwest = [\"doc2rs-runtime/reqwest\"]",
        "reqwest-rustls = [\"reqwest\", \"doc2rs-runtime/reqwest-rustls\"]",
        "# A `tracing` span per request.",
        "tracing = [\"doc2rs-runtime/tracing\"]",
        "# Typed views of dates, times and durations (`to_offset_date_time()`, ...), from the `time` crate.",
        "time = [\"doc2rs-runtime/time\"]",
        "# `client::AzureCredential`: an Azure SDK credential (`azure_identity`) as the token source.",
        "azure = [\"doc2rs-runtime/azure\"]",
        "",
        "[dev-dependencies]",
        "# The local-server tests use the reqwest transport; the areas are the ones the tests are",
        "# built with (`--no-default-features --features AREA` tests one area).",
        &format!("{name} = {{ path = \".\", default-features = false, features = [\"reqwest\"] }}"),
        "percent-encoding = \"2\"",
        "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }",
        "wiremock = \"0.6\"",
        "",
    ]
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_carries_the_marker_stale_files_are_removed_by() {
        let first = HEADER.lines().next().unwrap_or_default();
        assert!(first.contains(crate::write::MARKER), "{first}");
    }

    #[test]
    fn carriage_returns_in_docs_are_fixed_in_every_form() {
        // `///`, `/** */` and `#[doc = "..."]` (a block comment cannot hold `*/`).
        for doc in [" a\rb", " a\r\nb\r\nc", " a\r\nb */ c"] {
            let tokens = || quote! { #[doc = #doc] pub struct S; };
            let text = print::format_body(tokens(), "test").unwrap();
            let mut file: syn::File = syn::parse2(tokens()).unwrap();
            print::fix_doc_attrs(&mut file);
            assert_eq!(text, prettyplease::unparse(&file), "{doc:?}");
            assert!(!text.contains('\r'), "{text:?}");
        }
    }
}

/// What a Rust developer calling Graph sees for the calls of issue 18: downloads, uploads,
/// operations that may answer `204`, values that are paths, the docs' service root.
#[cfg(test)]
mod call_tests {
    use super::*;
    use crate::diag::Loc;
    use crate::ir::path::{self, Piece};
    use crate::ir::{Body, Example, ExampleCall, ExampleKind, Operation, Response, TypeDef};
    use crate::ir::{TypeKind, TypeRef};

    fn loc(file: &str) -> Loc {
        Loc {
            file: file.into(),
            line: 1,
            col: 1,
        }
    }

    fn op(id: &str, method: &str, raw: &str, body: Option<Body>, response: Response) -> Operation {
        // Hand-built IR: only `item-path` is a value spanning segments here (the parser
        // would mark `{filename}` in `{parent-id}:/{filename}:` too).
        let mut path = path::parse(raw).unwrap();
        for piece in &mut path.pieces {
            if let Piece::Param { name, segments, .. } = piece {
                *segments = name == "item-path";
            }
        }
        Operation {
            id: id.into(),
            name: id.into(),
            stub: false,
            area: "files".into(),
            description: String::new(),
            method: crate::ir::Method::parse(method).expect("a method"),
            paths: vec![path],
            query: vec![],
            headers: vec![],
            body,
            response,
            loc: loc(id),
            also_documented_at: vec![],
        }
    }

    fn example(kind: ExampleKind, op: &str, body: serde_json::Value) -> Example {
        Example {
            kind,
            name: None,
            operation: Some(op.into()),
            request_line: None,
            request_loc: None,
            call: None,
            status: None,
            type_name: None,
            collection: false,
            body,
            mismatch: None,
            loc: loc(op),
        }
    }

    fn request(
        op: &str,
        method: &str,
        url: &str,
        values: &[&str],
        body: serde_json::Value,
    ) -> Example {
        Example {
            request_line: Some(crate::ir::RequestLine {
                method: crate::ir::Method::parse(method).expect("a method"),
                url: url.into(),
            }),
            request_loc: None,
            call: Some(ExampleCall {
                path: 0,
                values: values.iter().map(|v| v.to_string()).collect(),
                query: vec![],
            }),
            ..example(ExampleKind::Request, op, body)
        }
    }

    fn response(op: &str, status: u16, body: serde_json::Value) -> Example {
        Example {
            status: Some(status),
            ..example(ExampleKind::Response, op, body)
        }
    }

    const ITEM: &str = "microsoft.graph.driveItem";
    const DOWNLOAD: &str = "api/driveitem-get-content.md";
    const UPLOAD: &str = "api/driveitem-put-content.md";
    const UPDATE: &str = "api/driveitem-update.md";
    const GET: &str = "api/driveitem-get.md";
    const COPY: &str = "api/driveitem-copy.md";

    fn ir(service_root: Option<&str>) -> Ir {
        let item = TypeRef::Complex { name: ITEM.into() };
        let typed = |statuses: &[u16]| Response {
            status: statuses.first().copied(),
            statuses: statuses.to_vec(),
            ty: Some(item.clone()),
            ..Response::default()
        };
        let operations = vec![
            op(
                DOWNLOAD,
                "GET",
                "/me/drive/root:/{item-path}:/content",
                None,
                Response {
                    status: Some(200),
                    statuses: vec![200],
                    binary: true,
                    ..Response::default()
                },
            ),
            op(
                UPLOAD,
                "PUT",
                "/me/drive/items/{parent-id}:/{filename}:/content",
                Some(Body::Binary {
                    content_type: Some("text/plain".into()),
                }),
                typed(&[200, 201]),
            ),
            op(
                UPDATE,
                "PATCH",
                "/me/drive/items/{item-id}",
                Some(Body::Type {
                    ty: item.clone(),
                    collection: false,
                }),
                typed(&[200]),
            ),
            op(GET, "GET", "/me/drive/items/{item-id}", None, typed(&[200])),
            op(
                COPY,
                "POST",
                "/me/drive/items/{item-id}/copy",
                None,
                typed(&[202, 204]),
            ),
        ];
        let v1 = "https://graph.microsoft.com/v1.0";
        let examples = vec![
            request(
                DOWNLOAD,
                "GET",
                &format!("{v1}/me/drive/root:/a/b.txt:/content"),
                &["a/b.txt"],
                serde_json::Value::Null,
            ),
            response(DOWNLOAD, 200, serde_json::json!("Hello, bytes {not json")),
            request(
                UPLOAD,
                "PUT",
                &format!("{v1}/me/drive/items/p1:/f.txt:/content"),
                &["p1", "f.txt"],
                serde_json::json!("The contents of the file goes here."),
            ),
            response(UPLOAD, 201, serde_json::json!({"id": "0123"})),
            request(
                UPDATE,
                "PATCH",
                &format!("{v1}/me/drive/items/i1"),
                &["i1"],
                serde_json::json!({"name": "new.txt"}),
            ),
            response(UPDATE, 204, serde_json::Value::Null),
        ];
        let types = [(
            ITEM.to_string(),
            TypeDef {
                name: ITEM.into(),
                namespace: "microsoft.graph".into(),
                kind: TypeKind::Entity,
                key: Some("id".into()),
                base: None,
                base_source: None,
                open: false,
                is_abstract: false,
                description: String::new(),
                area: "files".into(),
                properties: vec![],
                navigation: vec![],
                loc: loc("resources/driveitem.md"),
            },
        )];
        Ir {
            types: types.into_iter().collect(),
            operations,
            examples,
            service_root: service_root.map(str::to_string),
            ..Ir::default()
        }
    }

    fn files(service_root: Option<&str>) -> Files {
        let (files, _) = emit(&ir(service_root), &EmitOptions::default()).unwrap();
        for (name, text) in &files {
            if name.ends_with(".rs") {
                syn::parse_file(text).unwrap_or_else(|e| panic!("{name} parses: {e}"));
            }
        }
        files
    }

    /// The text with its white space runs made one space.
    fn squash(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn a_binary_get_returns_content() {
        let requests = squash(&files(None)["src/requests.rs"]);
        assert!(
            requests.contains(
                "for kinds::GetMeRootByPathContent { type Response = crate::client::Bytes; }"
            ),
            "{requests}"
        );
        assert!(requests.contains("pub fn new(item_path: &str) -> Result<Self, crate::client::Error> { crate::client::request( http::Method::GET, \"/me/drive/root:/{/}:/content\", &[(\"item-path\", item_path)], ) }"), "{requests}");
        assert!(requests.contains("(`client::Content`)"), "{requests}");
    }

    #[test]
    fn a_binary_put_takes_bytes_and_a_content_type() {
        let requests = squash(&files(None)["src/requests.rs"]);
        assert!(requests.contains("pub fn new( parent_id: &str, filename: &str, body: impl Into<Vec<u8>>, content_type: &str, ) -> Result<Self, crate::client::Error> { crate::client::request_bytes( http::Method::PUT, \"/me/drive/items/{}:/{}:/content\", &[(\"parent-id\", parent_id), (\"filename\", filename)], body.into(), content_type, ) }"), "{requests}");
        assert!(
            requests.contains("(the docs show `text/plain`)"),
            "{requests}"
        );
        assert!(
            requests.contains("crate::client::Json<crate::graph::DriveItem>"),
            "{requests}"
        );
    }

    #[test]
    fn an_operation_that_may_answer_204_returns_an_option() {
        let requests = squash(&files(None)["src/requests.rs"]);
        // A PATCH, and a POST the docs show answering 204.
        for kind in ["PatchMeDriveItems", "PostMeDriveItemsCopy"] {
            let want = format!(
                "for kinds::{kind} {{ type Response = crate::client::JsonOrEmpty<crate::graph::DriveItem>; }}"
            );
            assert!(requests.contains(&want), "{kind}: {requests}");
        }
        // A GET documented with 200 only: an empty body is an error, not `None`.
        assert!(requests.contains("for kinds::GetMeDriveItems { type Response = crate::client::Json<crate::graph::DriveItem>; }"), "{requests}");
    }

    #[test]
    fn the_default_base_url_is_the_docs_service_root() {
        let client = |root| squash(&files(root)["src/client.rs"]);
        let constant = |url: &str| format!("pub const DEFAULT_BASE_URL: &str = \"{url}\";");
        let v1 = "https://graph.microsoft.com/v1.0";
        assert!(client(Some(v1)).contains(&constant(v1)));
        assert!(client(Some("https://graph.microsoft.com/v1.0/")).contains(&constant(v1)));
        assert!(client(None).contains(&constant(FALLBACK_SERVICE_ROOT)));
        // Docs text only ever becomes a literal; something that is no https URL is not used.
        let hostile = "https://x\";fn(evil){}//a";
        let text = client(Some(hostile));
        assert!(
            text.contains(&constant("https://x\\\";fn(evil){}//a")),
            "a literal"
        );
        assert!(
            client(Some("graph.microsoft.com/v1.0")).contains(&constant(FALLBACK_SERVICE_ROOT))
        );
        assert!(client(Some("https://a b")).contains(&constant(FALLBACK_SERVICE_ROOT)));
        // Everything else in the client is the template's.
        let beta = files(None)["src/client.rs"].clone();
        let v1_text = files(Some(v1))["src/client.rs"].clone();
        assert_eq!(beta.replace(FALLBACK_SERVICE_ROOT, v1), v1_text);
    }

    #[test]
    fn the_test_tables_compare_bytes_as_bytes() {
        let files = files(None);
        let examples = squash(&files["tests/examples.rs"]);
        // The download's example is served as bytes and compared as bytes, never parsed.
        assert!(examples.contains("json: \"Hello, bytes {not json\", check: Check::Bytes( 200u16, graph_docs_generated::requests::me::GetMeRootByPathContent::parse_response, )"), "{examples}");
        // The upload's example text is the body, sent with the documented type.
        assert!(
            examples.contains("body.as_bytes(), \"text/plain\""),
            "{examples}"
        );
        assert!(
            examples.contains("bytes: Some(\"text/plain\")"),
            "{examples}"
        );
        // The PATCH answered 204: an empty answer read as `None`.
        assert!(examples.contains("Check::Empty( 204u16, response::<graph_docs_generated::requests::me::PatchMeDriveItems>, )"), "{examples}");
        let client = squash(&files["tests/client.rs"]);
        for test in [
            "documented_download_is_the_bytes_sent",
            "documented_upload_sends_exactly_the_bytes",
            "documented_patch_answered_204_is_ok",
            "documented_colon_path_arrives_with_its_slashes",
            // The hand-written ones, whatever the docs hold.
            "a_download_is_the_bytes_and_content_type_sent",
            "a_colon_path_arrives_with_its_slashes",
        ] {
            assert!(client.contains(&format!("async fn {test}()")), "{test}");
        }
        assert!(
            client.contains("response: \"Hello, bytes {not json\", expect: Expect::Bytes"),
            "{client}"
        );
        assert!(
            client.contains("request_type: Some(\"text/plain\")"),
            "{client}"
        );
        assert!(client.contains("status: 204u16, request_type: Some(\"application/json\"), response: \"\", expect: Expect::Null"), "{client}");
    }
}
