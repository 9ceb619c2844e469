//! Snapshot tests: small fixture pages, one construct each, and the code emitted for them.
//! Review changes with `cargo insta review` (or accept with `INSTA_UPDATE=always`).

use doc2rs::Config;
use doc2rs::test_door::load::from_texts;
use std::path::Path;

/// Generate from the named fixtures; returns the `graph` module and the diagnostics.
fn generate(fixtures: &[&str]) -> (String, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let pages: Vec<(String, String)> = fixtures
        .iter()
        .map(|f| {
            let name = format!("resources/{f}.md");
            let text = std::fs::read_to_string(dir.join(format!("{f}.md"))).unwrap();
            (name, text)
        })
        .collect();
    let g = Config::new()
        .run_on(from_texts(&dir, &pages))
        .expect("generation succeeds");
    let module = g.files.get("src/graph.rs").cloned().unwrap_or_default();
    // The module must be valid Rust on its own.
    syn::parse_file(&module).expect("emitted module parses");
    let diags = g
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    (module, diags)
}

#[test]
fn entity_with_every_primitive() {
    let (code, diags) = generate(&["entity-primitives"]);
    insta::assert_snapshot!(code);
    assert!(
        diags.contains("D2R305"),
        "JSON-only property reported: {diags}"
    );
}

#[test]
fn nested_complex_types_and_boxed_recursion() {
    let (code, _) = generate(&["complex-nested", "complex-orderline"]);
    assert!(
        code.contains("pub parent: Option<Box<OrderLine>>"),
        "recursive field is boxed"
    );
    assert!(
        code.contains("pub lines: Option<Vec<OrderLine>>"),
        "collections need no box"
    );
    insta::assert_snapshot!(code);
}

#[test]
fn inheritance_is_flattened() {
    let (code, diags) = generate(&["inheritance", "inheritance-base"]);
    assert!(!diags.contains("D2R307"), "{diags}");
    insta::assert_snapshot!(code);
}

#[test]
fn enums_from_pages_and_sections() {
    let (code, _) = generate(&["enum-page", "enum-sections"]);
    insta::assert_snapshot!(code);
}

#[test]
fn naming_obstacle_course() {
    let (code, _) = generate(&["naming", "naming-option"]);
    insta::assert_snapshot!(code);
    // The hostile description stays a doc comment: no item but the two types (and impls).
    let file = syn::parse_file(&code).unwrap();
    assert!(file.items.iter().all(|i| matches!(
        i,
        syn::Item::Struct(_) | syn::Item::Enum(_) | syn::Item::Impl(_)
    )));
    assert!(
        code.contains("fn evil"),
        "the text is kept, as documentation"
    );
}

#[test]
fn unresolved_types_stay_raw_json() {
    let (code, diags) = generate(&["unresolved"]);
    insta::assert_snapshot!(code);
    insta::assert_snapshot!(diags);
}

/// The requests module for an operation with two paths (one an OData function with a
/// quoted argument), typed query options, a header, and an action with a parameter body.
fn generate_requests(fixtures: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let pages: Vec<(String, String)> = fixtures
        .iter()
        .map(|f| {
            let folder = if f.starts_with("api-") {
                "api"
            } else {
                "resources"
            };
            (
                format!("{folder}/{f}.md"),
                std::fs::read_to_string(dir.join(format!("{f}.md"))).unwrap(),
            )
        })
        .collect();
    let g = Config::new()
        .run_on(from_texts(&dir, &pages))
        .expect("generation succeeds");
    g.files
        .get("src/requests.rs")
        .cloned()
        .expect("a requests module")
}

#[test]
fn request_builders() {
    let code = generate_requests(&["api-operation", "api-action", "entity-primitives"]);
    syn::parse_file(&code).expect("requests module parses");
    assert!(
        code.contains("pub fn top(self, value: u64) -> Self"),
        "typed $top"
    );
    assert!(
        code.contains("pub fn select(self, values: &[&str]) -> Self"),
        "list $select"
    );
    assert!(
        code.contains("(period='{'}')") && code.contains("(\"period_value\", period_value)"),
        "quoted OData argument"
    );
    insta::assert_snapshot!(code);
}
