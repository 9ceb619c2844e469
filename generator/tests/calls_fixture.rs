//! The calls as the docs write them, one rule per fixture page (`tests/fixtures/calls`):
//! which page owns a call and what is merged into it, request lines in every section
//! layout, paths with URLs in their query and colon paths, bodies from every form, bytes
//! in and out, statuses, headers inside the query section, the service root.

mod common;

use common::generated_file;
use doc2rs::Config;
use doc2rs::ir::path::Piece;
use doc2rs::ir::{Body, Ir, Operation, TypeRef};
use std::path::Path;

fn fixture() -> (Ir, Vec<doc2rs::Diagnostic>, doc2rs::Generated) {
    let mut config = Config::new();
    config.docs(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calls"));
    let g = config.run().unwrap();
    (g.ir.clone(), g.diagnostics.clone(), g)
}

fn op<'a>(ir: &'a Ir, method: &str, raw: &str) -> &'a Operation {
    ir.operations
        .iter()
        .find(|o| o.method.as_str() == method && o.paths.iter().any(|p| p.raw == raw))
        .unwrap_or_else(|| panic!("no operation `{method} {raw}`"))
}

fn codes(diags: &[doc2rs::Diagnostic], file: &str) -> Vec<&'static str> {
    diags
        .iter()
        .filter(|d| d.loc.file == file)
        .map(|d| d.code.as_str())
        .collect()
}

#[test]
fn one_operation_per_call_owned_by_the_resource_family_with_every_page_facts() {
    let (ir, diags, _) = fixture();
    let list: Vec<&Operation> = ir
        .operations
        .iter()
        .filter(|o| o.method.as_str() == "GET" && o.paths.iter().any(|p| p.raw == "/widgets"))
        .collect();
    assert_eq!(list.len(), 1, "one operation for GET /widgets");
    let list = list[0];
    // The resource's own page family wins over a copy for another product, whatever the
    // page ids' order.
    assert_eq!(list.id, "api/widget-list.md");
    assert_eq!(list.area, "widgets");
    // Query options and headers of both pages.
    for q in ["$select", "$top", "$filter", "$orderby"] {
        assert!(list.query.iter().any(|o| o == q), "{q} in {:?}", list.query);
    }
    assert!(list.headers.iter().any(|h| h.name == "ConsistencyLevel"));
    assert_eq!(
        list.also_documented_at
            .iter()
            .map(|l| l.file.as_str())
            .collect::<Vec<_>>(),
        ["api/gizmo-shared-widget-list.md"]
    );
    // The update: the owner says 204, the copy 200 + a widget: both are successes, the
    // owner's "no body" stands, the conflict is a note at the copy.
    let update = op(&ir, "PATCH", "/widgets/{id}");
    assert_eq!(update.id, "api/widget-update.md");
    assert_eq!(update.response.statuses, [200, 204]);
    assert!(update.response.ty.is_none());
    assert!(codes(&diags, "api/gizmo-shared-widget-update.md").contains(&"D2R422"));
    // "Supply the values for relevant fields": the resource's own type, from the copy's
    // response (merged in: the owner documents no body).
    assert!(
        matches!(&update.body, Some(Body::Type { ty: TypeRef::Complex { name }, .. }) if name == "microsoft.graph.widget"),
        "{:?}",
        update.body
    );
}

#[test]
fn request_lines_in_every_layout() {
    let (ir, diags, _) = fixture();
    // A `samples` block in the request section.
    assert_eq!(op(&ir, "GET", "/widgets/{id}").id, "api/widget-get.md");
    // Request lines under another heading (no `HTTP request` section): read, with a note.
    assert_eq!(
        op(&ir, "GET", "/widgets/{id}/permissions").id,
        "api/widget-get-permissions.md"
    );
    assert!(codes(&diags, "api/widget-get-permissions.md").contains(&"D2R420"));
    // Request lines only in examples: no operation, and the page says so.
    assert!(
        !ir.operations
            .iter()
            .any(|o| o.id == "api/widget-examples-only.md")
    );
    assert!(codes(&diags, "api/widget-examples-only.md").contains(&"D2R421"));
}

#[test]
fn paths_as_documented() {
    let (ir, _, _) = fixture();
    // The URL in the query is a value: the path stays `/widgets/{id}/owners/$ref` and `$id`
    // is the caller's option (never `DELETE /users/{other-id}`).
    let remove = op(
        &ir,
        "DELETE",
        "https://graph.microsoft.com/v1.0/widgets/{id}/owners/$ref?$id=https://graph.microsoft.com/v1.0/users/{other-id}",
    );
    assert_eq!(remove.paths[0].shape(), "/widgets/{}/owners/$ref");
    assert!(remove.query.iter().any(|q| q == "$id"));
    // A colon path: its value keeps its slashes.
    let download = op(&ir, "GET", "/widgets/{id}/content");
    let colon = &download.paths[1];
    assert_eq!(colon.shape(), "/me/drive/root:/{}:/content");
    assert!(
        colon
            .pieces
            .iter()
            .any(|p| matches!(p, Piece::Param { segments: true, .. }))
    );
    // A redirect target in an example (another host) is no path of the operation.
    assert_eq!(download.paths.len(), 2, "{:?}", download.paths);
}

#[test]
fn bodies_bytes_statuses_and_headers() {
    let (ir, diags, _) = fixture();
    // Downloads are bytes; the headers table inside the query section is headers.
    let download = op(&ir, "GET", "/widgets/{id}/content");
    assert!(download.response.binary);
    assert!(download.query.is_empty(), "{:?}", download.query);
    assert!(download.headers.iter().any(|h| h.name == "if-none-match"));
    assert!(codes(&diags, "api/widget-get-content.md").contains(&"D2R425"));
    // Uploads take bytes and the content type the example shows.
    let upload = op(&ir, "PUT", "/widgets/{id}/content");
    assert!(
        matches!(&upload.body, Some(Body::Binary { content_type: Some(ct) }) if ct == "text/plain"),
        "{:?}",
        upload.body
    );
    // A `Name | Value | Description` table is the body's parameters.
    let copy = op(&ir, "POST", "/widgets/{id}/copy");
    let Some(Body::Parameters { properties }) = &copy.body else {
        panic!("{:?}", copy.body);
    };
    let names: Vec<&str> = properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["name", "parentId"]);
    assert_eq!(copy.response.statuses, [202]);
    // Multipart is bytes the caller builds, never JSON, and diagnosed.
    let attach = op(&ir, "POST", "/widgets/{id}/attachments");
    assert!(
        matches!(&attach.body, Some(Body::Binary { content_type: Some(ct) }) if ct.starts_with("multipart/"))
    );
    assert!(codes(&diags, "api/widget-post-attachment.md").contains(&"D2R424"));
    // The docs' examples are written against v1.0: so is the SDK.
    assert_eq!(
        ir.service_root.as_deref(),
        Some("https://graph.microsoft.com/v1.0")
    );
}

#[test]
fn the_generated_builders_say_so() {
    let (_, _, g) = fixture();
    let requests = generated_file(&g, "requests.rs");
    let client = generated_file(&g, "client.rs");
    assert!(client.contains("DEFAULT_BASE_URL: &str = \"https://graph.microsoft.com/v1.0\""));
    // The colon path's value keeps its `/`; the `$ref` path is the documented one.
    assert!(requests.contains("\"/me/drive/root:/{/}:/content\""));
    assert!(requests.contains("\"/widgets/{}/owners/$ref\""));
    assert!(!requests.contains("\"/users/{}\""));
    assert!(requests.contains("crate::client::Bytes"));
    assert!(requests.contains("request_bytes("));
}
