//! Type hierarchy and polymorphic values on fixture pages: entity → directoryObject → user →
//! guestUser (three levels below the root, each base stated a different way: prose,
//! "Inherited from" rows, the annotation), a group whose `members` hold directoryObjects, and
//! an example with an unknown subtype (`#microsoft.graph.martian`) and a value without
//! `@odata.type`.
//!
//! The IR is checked directly; then the SDK generated from the fixtures is compiled and its
//! tests run (the generated example tests check each value is read as its type), together
//! with a hand-written test that matches on the variants.

use doc2rs::ir::BaseSource;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/polymorphism")
}

#[test]
fn bases_come_from_every_source() {
    let mut config = doc2rs::Config::new();
    config.docs(fixtures());
    let generated = config.run().unwrap();
    let ir = &generated.ir;
    let base = |t: &str| {
        let t = &ir.types[&format!("microsoft.graph.{t}")];
        (
            t.base.clone().unwrap_or_default(),
            t.base_source.as_ref().map(|o| o.source),
        )
    };
    assert_eq!(
        base("directoryObject"),
        ("microsoft.graph.entity".into(), Some(BaseSource::Prose))
    );
    assert_eq!(
        base("user"),
        (
            "microsoft.graph.directoryObject".into(),
            Some(BaseSource::Prose)
        )
    );
    assert_eq!(
        base("group"),
        (
            "microsoft.graph.directoryObject".into(),
            Some(BaseSource::InheritedRows)
        )
    );
    assert_eq!(
        base("guestUser"),
        ("microsoft.graph.user".into(), Some(BaseSource::Annotation))
    );
    // guestUser has no key of its own: it is an entity through its base.
    let guest = &ir.types["microsoft.graph.guestUser"];
    assert_eq!(guest.kind, doc2rs::ir::TypeKind::Entity);
    assert_eq!(
        doc2rs::test_door::descendants(ir, "microsoft.graph.directoryObject"),
        [
            "microsoft.graph.group",
            "microsoft.graph.guestUser",
            "microsoft.graph.user"
        ]
    );
}

const DISPATCH_TEST: &str = r###"
use polymorphism_fixture::graph::{AnyDirectoryObject, Group};
use polymorphism_fixture::runtime::Collection;

const PAGE: &str = r##"{"value": [
  {"@odata.type": "#microsoft.graph.user", "id": "u1", "displayName": "Adele"},
  {"@odata.type": "#microsoft.graph.group", "id": "g1", "mailEnabled": true},
  {"@odata.type": "#microsoft.graph.guestUser", "id": "u2", "displayName": "Guest", "inviter": "u1"},
  {"@odata.type": "#microsoft.graph.martian", "id": "m1", "antennae": 3},
  {"id": "d1"}
]}"##;

#[test]
fn derived_values_are_read_as_their_types() {
    let page: Collection<AnyDirectoryObject> = serde_json::from_str(PAGE).unwrap();
    match &page.value[0] {
        AnyDirectoryObject::User(u) => assert_eq!(u.display_name.as_deref(), Some("Adele")),
        other => panic!("read as {}", other.type_name()),
    }
    match &page.value[1] {
        AnyDirectoryObject::Group(g) => assert_eq!(g.mail_enabled, Some(true)),
        other => panic!("read as {}", other.type_name()),
    }
    // Three levels below the base: the inherited fields are there too.
    match &page.value[2] {
        AnyDirectoryObject::GuestUser(g) => {
            assert_eq!(g.inviter.as_deref(), Some("u1"));
            assert_eq!(g.display_name.as_deref(), Some("Guest"));
            assert_eq!(g.id.as_deref(), Some("u2"));
        }
        other => panic!("read as {}", other.type_name()),
    }
    // An unknown subtype reads as the base, with nothing lost.
    match &page.value[3] {
        AnyDirectoryObject::DirectoryObject(d) => {
            assert_eq!(d.odata_type.as_deref(), Some("#microsoft.graph.martian"));
            assert_eq!(d.additional_properties["antennae"], 3);
        }
        other => panic!("read as {}", other.type_name()),
    }
    assert!(matches!(&page.value[4], AnyDirectoryObject::DirectoryObject(d) if d.id.as_deref() == Some("d1")));
    // Serialization writes back exactly what came.
    let original: serde_json::Value = serde_json::from_str(PAGE).unwrap();
    assert_eq!(serde_json::to_value(&page.value).unwrap(), original["value"]);
}

#[test]
fn a_property_of_the_base_type_holds_derived_values() {
    let group: Group = serde_json::from_str(
        r##"{"id": "g1", "members": [{"@odata.type": "#microsoft.graph.guestUser", "inviter": "u1"}]}"##,
    )
    .unwrap();
    let members = group.members.unwrap();
    assert_eq!(members[0].type_name(), "microsoft.graph.guestUser");
}
"###;

#[test]
fn the_generated_sdk_dispatches_on_odata_type() {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = generator.parent().unwrap();
    // Kept under the workspace's target dir so dependencies compile once.
    let target = workspace.join("target/polymorphism-test");
    let krate = target.join("crate");
    let mut config = doc2rs::Config::new();
    config
        .docs(fixtures())
        .out_dir(&krate)
        .crate_name("polymorphism-fixture");
    config.generate().unwrap();
    let examples = std::fs::read_to_string(krate.join("tests/examples.rs")).unwrap();
    let compact: String = examples.split_whitespace().collect();
    assert!(
        compact.contains(r#""microsoft.graph.guestUser","microsoft.graph.directoryObject""#),
        "the generated example test checks the types values are read as:\n{examples}"
    );
    std::fs::write(krate.join("tests/dispatch.rs"), DISPATCH_TEST).unwrap();
    // Its own workspace (it sits below this one's target dir).
    let manifest = krate.join("Cargo.toml");
    let toml = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{toml}\n[workspace]\n")).unwrap();
    std::fs::copy(workspace.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let out = Command::new(env!("CARGO"))
        .args([
            "test",
            "--offline",
            "--test",
            "examples",
            "--test",
            "dispatch",
        ])
        .env("CARGO_TARGET_DIR", target.join("target"))
        .current_dir(&krate)
        .output()
        .unwrap();
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the fixture SDK's tests fail:\n{log}");
    assert!(
        log.contains("derived_values_are_read_as_their_types ... ok"),
        "{log}"
    );
    // The example cases are rows of one test: it passes when every row does.
    assert!(
        examples.contains(r#"name: "directoryobject_getbyids_response_1""#),
        "{examples}"
    );
    assert!(log.contains("documented_examples ... ok"), "{log}");
}
