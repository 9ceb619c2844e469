//! The diff's breaking/compatible classification checked against the compiler: for a few
//! real kinds of doc change, a consumer crate that uses the old item is compiled against the
//! SDK generated from the old pages and against the one from the new pages. It must compile
//! against the old SDK, and fail against the new one exactly when `diff` reports a breaking
//! change.
//!
//! The pages are real ones from `docs/` (a job, its schedule, an attribute definition, the
//! enums page and two operation pages), each case one textual edit. Dependencies are compiled
//! once into `target/compile-consequence-test`.

use doc2rs::Config;
use doc2rs::diff::{Impact, diff};
use std::path::{Path, PathBuf};
use std::process::Command;

const SCHEDULE: &str = "resources/synchronization-synchronizationschedule.md";
const ATTRIBUTE: &str = "resources/synchronization-attributedefinition.md";
const ENUMS: &str = "resources/enums.md";
const GET: &str = "api/synchronization-synchronizationjob-get.md";
const PAUSE: &str = "api/synchronization-synchronizationjob-pause.md";
const GET_PATH: &str = "GET /servicePrincipals/{id}/synchronization/jobs/{jobId}/\n";

type Pages = Vec<(String, String)>;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn pages() -> Pages {
    [SCHEDULE, ATTRIBUTE, ENUMS, GET, PAUSE]
        .iter()
        .map(|rel| {
            let text = std::fs::read_to_string(workspace().join("docs").join(rel)).unwrap();
            (rel.to_string(), text)
        })
        .collect()
}

fn edit(mut pages: Pages, rel: &str, from: &str, to: &str) -> Pages {
    let page = pages.iter_mut().find(|(r, _)| r == rel).unwrap();
    assert!(page.1.contains(from), "{rel} has no `{from}`");
    page.1 = page.1.replacen(from, to, 1);
    pages
}

/// Write the pages, generate a crate from them into `dir/sdk`; the IR for the diff.
fn generate(dir: &Path, pages: &Pages) -> doc2rs::ir::Ir {
    let docs = dir.join("docs");
    for (rel, text) in pages {
        let p = docs.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let mut config = Config::new();
    config.docs(&docs).out_dir(dir.join("sdk"));
    let (g, _) = config.generate().expect("the pages generate");
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("sdk/Cargo.lock")).unwrap();
    g.ir
}

/// `cargo check` of a consumer crate using `sdk_dir` (its default features); Ok(()) or the
/// compiler's messages.
fn consumer_compiles(root: &Path, name: &str, sdk_dir: &Path, code: &str) -> Result<(), String> {
    consumer_compiles_with(root, name, sdk_dir, None, code)
}

struct Case {
    name: &'static str,
    new: Pages,
    /// Consumer code written against the old SDK.
    uses: &'static str,
}

fn cases() -> Vec<Case> {
    let row = "|interval|Duration|The interval between synchronization iterations.|\n";
    let schedule =
        "pub fn f(s: &sdk::graph::SynchronizationSchedule) -> Option<String> { s.state.clone() }\n";
    let mut without_pause = pages();
    without_pause.retain(|(rel, _)| rel != PAUSE);
    vec![
        Case {
            name: "property_added",
            new: edit(
                pages(),
                SCHEDULE,
                row,
                &format!("{row}|timeZone|String|Time zone.|\n"),
            ),
            uses: schedule,
        },
        Case {
            name: "property_retyped",
            new: edit(pages(), SCHEDULE, "|state|String|", "|state|Int32|"),
            uses: schedule,
        },
        Case {
            name: "operation_removed",
            new: without_pause,
            uses: "pub fn f() { let _ = sdk::requests::service_principals::PostServicePrincipalsSynchronizationJobsPause::new(\"sp\", \"job\"); }\n",
        },
        Case {
            name: "second_path_added",
            new: edit(
                pages(),
                GET,
                GET_PATH,
                &format!("{GET_PATH}GET /applications/{{id}}/synchronization/jobs/{{jobId}}\n"),
            ),
            uses: "pub fn f() { let _ = sdk::requests::service_principals::GetServicePrincipalsSynchronizationJobs::new(\"sp\", \"job\"); }\n",
        },
        Case {
            name: "enum_member_added",
            new: edit(
                pages(),
                ENUMS,
                "|WriteOnly|\n",
                "|WriteOnly|\n|AppendOnly|\n",
            ),
            uses: "pub fn f() -> sdk::graph::Mutability { sdk::graph::Mutability::WriteOnly }\n",
        },
        Case {
            name: "enum_member_removed",
            new: edit(pages(), ENUMS, "|WriteOnly|\n", ""),
            uses: "pub fn f() -> sdk::graph::Mutability { sdk::graph::Mutability::WriteOnly }\n",
        },
    ]
}

#[test]
fn breaking_means_the_old_consumer_stops_compiling() {
    let tmp = tempfile::tempdir().unwrap();
    let old_dir = tmp.path().join("old");
    let old_ir = generate(&old_dir, &pages());
    let mut table = Vec::new();
    for case in cases() {
        let new_dir = tmp.path().join(format!("new-{}", case.name));
        let new_ir = generate(&new_dir, &case.new);
        let changes = diff(&old_ir, &new_ir);
        assert!(
            !changes.is_empty(),
            "{}: the edit changes the API",
            case.name
        );
        let breaking = changes.iter().any(|c| c.impact == Impact::Breaking);
        let against_old = consumer_compiles(
            tmp.path(),
            &format!("old_{}", case.name),
            &old_dir.join("sdk"),
            case.uses,
        );
        assert!(
            against_old.is_ok(),
            "{}: the consumer must compile against the old SDK:\n{}",
            case.name,
            against_old.unwrap_err()
        );
        let against_new = consumer_compiles(
            tmp.path(),
            &format!("new_{}", case.name),
            &new_dir.join("sdk"),
            case.uses,
        );
        table.push(format!(
            "{}: diff says {}, the compiler {}",
            case.name,
            if breaking { "breaking" } else { "compatible" },
            if against_new.is_ok() {
                "accepts"
            } else {
                "rejects"
            }
        ));
        assert_eq!(
            against_new.is_err(),
            breaking,
            "{}: diff says breaking = {breaking}, the compiler {}: {changes:#?}\n{}",
            case.name,
            if against_new.is_ok() {
                "accepts the old consumer"
            } else {
                "rejects it"
            },
            against_new.err().unwrap_or_default()
        );
    }
    println!("{}", table.join("\n"));
}

/// A resource page in `area` with an optional base type.
fn shape_page(name: &str, area: &str, base: Option<&str>) -> (String, String) {
    let base = base.map_or(String::new(), |b| {
        format!(", \"baseType\": \"microsoft.graph.{b}\"")
    });
    let text = format!(
        "---\ntitle: \"{name} resource type\"\nms.prod: \"{area}\"\ndoc_type: resourcePageType\n---\n\n\
         # {name} resource type\n\nNamespace: microsoft.graph\n\n## Properties\n\n\
         | Property | Type | Description |\n|:---|:---|:---|\n| id | String | Id. |\n| {name}Size | Int32 | Size. |\n\n\
         ## JSON representation\n\n<!-- {{ \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\", \"keyProperty\": \"id\"{base} }} -->\n\
         ```json\n{{ \"id\": \"String\", \"{name}Size\": 1 }}\n```\n"
    );
    (format!("resources/{name}.md"), text)
}

/// `cargo check` of a consumer crate against `sdk_dir`, with only `features` of the SDK when
/// given; Ok(()) or the compiler's messages.
fn consumer_compiles_with(
    root: &Path,
    name: &str,
    sdk_dir: &Path,
    features: Option<&[&str]>,
    code: &str,
) -> Result<(), String> {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let features = features.map_or(String::new(), |f| {
        format!(", default-features = false, features = {f:?}")
    });
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nsdk = {{ package = \"graph-docs-generated\", path = {:?}{features} }}\n\n[workspace]\n",
            sdk_dir.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), code).unwrap();
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let out = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet"])
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/compile-consequence-test"),
        )
        .current_dir(&dir)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Cargo unifies features: another crate in the build may turn on one more area of the SDK,
/// and the `Any…` enum of a base with derived types in that area gains variants. A user's
/// `match` that compiles with one area must compile with two; the enum being
/// `#[non_exhaustive]`, a `match` without a `_` arm is refused from the start.
#[test]
fn one_more_area_does_not_break_a_users_match() {
    let tmp = tempfile::tempdir().unwrap();
    let drawing = "---\ntitle: \"drawing resource type\"\nms.prod: \"area-a\"\ndoc_type: resourcePageType\n---\n\n\
                   # drawing resource type\n\nNamespace: microsoft.graph\n\n## Properties\n\n\
                   | Property | Type | Description |\n|:---|:---|:---|\n| id | String | Id. |\n| shapes | [shape](shape.md) collection | Shapes. |\n\n\
                   ## JSON representation\n\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.drawing\", \"keyProperty\": \"id\" } -->\n\
                   ```json\n{ \"id\": \"String\", \"shapes\": [{\"@odata.type\": \"microsoft.graph.shape\"}] }\n```\n";
    let pages = vec![
        ("resources/drawing.md".to_string(), drawing.to_string()),
        shape_page("shape", "area-a", None),
        shape_page("circle", "area-a", Some("shape")),
        shape_page("square", "area-b", Some("shape")),
    ];
    let sdk = tmp.path().join("shapes");
    generate(&sdk, &pages);
    let graph = std::fs::read_to_string(sdk.join("sdk/src/graph.rs")).unwrap();
    assert!(
        graph.contains("#[non_exhaustive]\npub enum AnyShape"),
        "{graph}"
    );
    assert!(graph.contains("Square(Box<Square>)"), "{graph}");
    let user = "pub fn kind(s: &sdk::graph::AnyShape) -> &'static str {\n    \
                match s {\n        sdk::graph::AnyShape::Shape(_) => \"shape\",\n        \
                sdk::graph::AnyShape::Circle(_) => \"circle\",\n        _ => \"another shape\",\n    }\n}\n";
    for features in [&["area-a"][..], &["area-a", "area-b"]] {
        let name = format!("user_{}", features.join("_").replace('-', "_"));
        let compiled =
            consumer_compiles_with(tmp.path(), &name, &sdk.join("sdk"), Some(features), user);
        assert!(compiled.is_ok(), "{features:?}: {}", compiled.unwrap_err());
    }
    let exhaustive = "pub fn kind(s: &sdk::graph::AnyShape) -> &'static str {\n    \
                      match s {\n        sdk::graph::AnyShape::Shape(_) => \"shape\",\n        \
                      sdk::graph::AnyShape::Circle(_) => \"circle\",\n    }\n}\n";
    let refused = consumer_compiles_with(
        tmp.path(),
        "user_exhaustive",
        &sdk.join("sdk"),
        Some(&["area-a"]),
        exhaustive,
    );
    let message = refused.expect_err("a match without `_` is refused");
    assert!(message.contains("E0004"), "{message}");
}
