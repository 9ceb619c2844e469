//! The IR diff on real pages from `docs/`: the old side is a handful of pages as they are,
//! the new side the same pages with one textual edit (or one page dropped).

use doc2rs::diff::{Change, ChangeKind, Impact, diff, to_json, to_markdown};
use doc2rs::ir::Ir;
use doc2rs::test_door::load::from_texts;
use std::path::{Path, PathBuf};

const SCHEDULE: &str = "resources/synchronization-synchronizationschedule.md";
const ATTRIBUTE: &str = "resources/synchronization-attributedefinition.md";
const ENUMS: &str = "resources/enums.md";
const GET: &str = "api/synchronization-synchronizationjob-get.md";
const PAUSE: &str = "api/synchronization-synchronizationjob-pause.md";
const GET_PATH: &str = "GET /servicePrincipals/{id}/synchronization/jobs/{jobId}/\n";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

type Pages = Vec<(String, String)>;

fn pages() -> Pages {
    [SCHEDULE, ATTRIBUTE, ENUMS, GET, PAUSE]
        .iter()
        .map(|rel| {
            let text = std::fs::read_to_string(root().join(rel)).unwrap();
            (rel.to_string(), text)
        })
        .collect()
}

/// `pages` with the first `from` in page `rel` replaced (it must be there).
fn edit(mut pages: Pages, rel: &str, from: &str, to: &str) -> Pages {
    let page = pages.iter_mut().find(|(r, _)| r == rel).unwrap();
    assert!(page.1.contains(from), "{rel} has no `{from}`");
    page.1 = page.1.replacen(from, to, 1);
    pages
}

/// The IR only: emitting code would make each test ten times slower.
fn ir(pages: &Pages) -> Ir {
    let docs = from_texts(&root(), pages);
    doc2rs::test_door::build(&docs.pages, &mut Default::default())
}

fn changes(new: &Pages) -> Vec<Change> {
    diff(&ir(&pages()), &ir(new))
}

/// The only change, or a failure listing all of them.
fn only(changes: &[Change], kind: ChangeKind) -> &Change {
    let found: Vec<&Change> = changes.iter().filter(|c| c.kind == kind).collect();
    assert_eq!(found.len(), 1, "one {kind:?} in {changes:#?}");
    found[0]
}

#[test]
fn identical_docs_have_no_changes() {
    let c = changes(&pages());
    assert!(c.is_empty(), "{c:#?}");
    assert_eq!(to_markdown(&c, Some("docs/")), "No API changes.\n");
}

#[test]
fn property_added_is_compatible() {
    let row = "|interval|Duration|The interval between synchronization iterations.|\n";
    let new = edit(
        pages(),
        SCHEDULE,
        row,
        &format!("{row}|timeZone|String|Time zone.|\n"),
    );
    let c = changes(&new);
    assert_eq!(c.len(), 1, "{c:#?}");
    let added = only(&c, ChangeKind::PropertyAdded);
    assert_eq!(added.impact, Impact::Compatible);
    assert_eq!(
        added.subject,
        "microsoft.graph.synchronizationSchedule.timeZone"
    );
    assert!(added.detail.contains("Option<String>"), "{}", added.detail);
    let loc = added.new.as_ref().unwrap();
    assert_eq!((loc.file.as_str(), loc.line), (SCHEDULE, 23));
}

#[test]
fn property_retyped_is_breaking() {
    let new = edit(pages(), SCHEDULE, "|state|String|", "|state|Int32|");
    let c = changes(&new);
    let retyped = only(&c, ChangeKind::PropertyRetyped);
    assert_eq!(retyped.impact, Impact::Breaking);
    assert_eq!(
        retyped.subject,
        "microsoft.graph.synchronizationSchedule.state"
    );
    assert!(
        retyped.detail.contains("`Option<String>` → `Option<i32>`"),
        "{}",
        retyped.detail
    );
}

#[test]
fn same_rust_type_is_compatible_and_collections_break() {
    // Stream and String both map to `String`.
    let c = changes(&edit(pages(), SCHEDULE, "|state|String|", "|state|Stream|"));
    let retyped = only(&c, ChangeKind::PropertyRetyped);
    assert_eq!(retyped.impact, Impact::Compatible, "{}", retyped.detail);

    let new = edit(
        pages(),
        SCHEDULE,
        "|state|String|",
        "|state|Collection(String)|",
    );
    let c = changes(&new);
    let changed = only(&c, ChangeKind::PropertyCollectionChanged);
    assert_eq!(changed.impact, Impact::Breaking);
    assert!(
        changed.detail.contains("`Option<Vec<String>>`"),
        "{}",
        changed.detail
    );
}

#[test]
fn enum_member_added_is_compatible_and_removed_is_breaking() {
    let new = edit(
        pages(),
        ENUMS,
        "|WriteOnly|\n",
        "|WriteOnly|\n|AppendOnly|\n",
    );
    let c = changes(&new);
    let added = only(&c, ChangeKind::EnumMemberAdded);
    assert_eq!(added.impact, Impact::Compatible);
    assert_eq!(added.subject, "microsoft.graph.mutability.AppendOnly");
    assert!(added.detail.contains("exhaustive"), "{}", added.detail);

    let new = edit(
        pages(),
        ENUMS,
        "|Immutable|\n|WriteOnly|\n",
        "|Immutable|\n",
    );
    let removed = only(&changes(&new), ChangeKind::EnumMemberRemoved).clone();
    assert_eq!(removed.impact, Impact::Breaking);
    assert!(removed.new.is_none() && removed.old.is_some());
}

#[test]
fn operation_removed_is_breaking() {
    let mut new = pages();
    new.retain(|(rel, _)| rel != PAUSE);
    let c = changes(&new);
    assert_eq!(c.len(), 1, "{c:#?}");
    let gone = only(&c, ChangeKind::OperationRemoved);
    assert_eq!(gone.impact, Impact::Breaking);
    assert_eq!(
        gone.subject,
        "POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/pause"
    );
    assert_eq!(gone.old.as_ref().unwrap().file, PAUSE);
}

#[test]
fn changed_path_is_breaking() {
    // A parameter added: the shape changes, `new` takes three arguments.
    let added = GET_PATH.replace("{jobId}/", "{jobId}/runs/{runId}");
    let c = changes(&edit(pages(), GET, GET_PATH, &added));
    let removed = only(&c, ChangeKind::PathRemoved);
    assert_eq!(removed.impact, Impact::Breaking);
    assert!(
        removed.detail.contains("new(id, job_id, run_id)"),
        "{}",
        removed.detail
    );
    assert_eq!(only(&c, ChangeKind::PathAdded).impact, Impact::Compatible);

    // A literal segment renamed.
    let renamed = GET_PATH.replace("/jobs/", "/tasks/");
    let c = changes(&edit(pages(), GET, GET_PATH, &renamed));
    assert_eq!(only(&c, ChangeKind::PathRemoved).impact, Impact::Breaking);
}

#[test]
fn path_parameters_renamed_or_swapped() {
    let renamed = GET_PATH.replace("{jobId}", "{synchronizationJobId}");
    let c = changes(&edit(pages(), GET, GET_PATH, &renamed));
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(
        only(&c, ChangeKind::PathParameterChanged).impact,
        Impact::Compatible
    );

    let swapped = "GET /servicePrincipals/{jobId}/synchronization/jobs/{id}/\n";
    let c = changes(&edit(pages(), GET, GET_PATH, swapped));
    assert_eq!(
        only(&c, ChangeKind::PathParameterChanged).impact,
        Impact::Breaking
    );
}

/// A second documented path adds a constructor; the first keeps `new` (names never depend
/// on the other paths).
#[test]
fn second_path_adds_a_constructor_and_renames_none() {
    let two = format!("{GET_PATH}GET /applications/{{id}}/synchronization/jobs/{{jobId}}\n");
    let c = changes(&edit(pages(), GET, GET_PATH, &two));
    assert!(!c.iter().any(|c| c.impact == Impact::Breaking), "{c:#?}");
    let added = only(&c, ChangeKind::PathAdded);
    assert_eq!(added.impact, Impact::Compatible);
    assert!(
        added.detail.contains("`applications(id, job_id)`"),
        "{}",
        added.detail
    );
}

#[test]
fn markdown_puts_breaking_first_with_links() {
    let row = "|interval|Duration|The interval between synchronization iterations.|\n";
    let new = edit(
        pages(),
        SCHEDULE,
        row,
        &format!("{row}|timeZone|String|Time zone.|\n"),
    );
    let new = edit(new, SCHEDULE, "|state|String|", "|state|Int32|");
    let new = edit(new, ENUMS, "|WriteOnly|\n", "|WriteOnly|\n|AppendOnly|\n");
    let mut new = edit(new, GET, "/{jobId}/\n", "/{jobId}/runs/{runId}\n");
    new.retain(|(rel, _)| rel != PAUSE);
    let c = changes(&new);
    let md = to_markdown(&c, Some("docs/"));
    println!("{md}");
    assert!(
        // The path edit also renames the builder: it is named from its (first) path.
        md.starts_with("**4 breaking**, 3 compatible changes: "),
        "{md}"
    );
    let breaking = md.find("### Breaking changes").unwrap();
    let compatible = md.find("### Compatible changes").unwrap();
    let retyped = md
        .find("`microsoft.graph.synchronizationSchedule.state`")
        .unwrap();
    let added = md
        .find("`microsoft.graph.synchronizationSchedule.timeZone`")
        .unwrap();
    assert!(
        breaking < retyped && retyped < compatible && compatible < added,
        "{md}"
    );
    let link = "[docs/resources/synchronization-synchronizationschedule.md:23]\
                (docs/resources/synchronization-synchronizationschedule.md#L23)";
    assert!(md.contains(link), "{md}");
    let json = to_json(&c);
    assert_eq!(json["breaking"], 4);
    assert_eq!(json["changes"][0]["impact"], "breaking");
}

/// Moving a page to another product area moves its items behind another cargo feature.
#[test]
fn area_move_is_breaking() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("docs");
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let (page, other) = (
        "resources/synchronization-synchronizationschedule.md",
        "resources/publicerror.md",
    );
    let moved = read(page).replace("ms.prod: \"applications\"", "ms.prod: \"planner\"");
    assert_ne!(moved, read(page), "the page names its area");
    let old_pages = vec![
        (page.to_string(), read(page)),
        (other.to_string(), read(other)),
    ];
    let new_pages = vec![(page.to_string(), moved), (other.to_string(), read(other))];
    let build = |pages: &[(String, String)]| {
        let docs = doc2rs::test_door::load::from_texts(&root, pages);
        let mut d = doc2rs::diag::Diagnostics::default();
        doc2rs::test_door::build(&docs.pages, &mut d)
    };
    let changes = doc2rs::diff::diff(&build(&old_pages), &build(&new_pages));
    let moved: Vec<_> = changes
        .iter()
        .filter(|c| matches!(c.kind, doc2rs::diff::ChangeKind::AreaChanged))
        .collect();
    assert_eq!(moved.len(), 1, "{changes:#?}");
    assert!(matches!(moved[0].impact, doc2rs::diff::Impact::Breaking));
    assert!(
        moved[0].subject.ends_with("synchronizationSchedule")
            && moved[0].detail.contains("`applications`")
    );
}
