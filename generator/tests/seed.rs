//! The seed page (a template stub) is taken as it is: its TODO placeholders and its
//! `microsoft.synchronization.*` names are reported with file:line:col and resolved.

use doc2rs::{Code, Config};
use std::path::Path;

#[test]
fn seed_placeholders_and_namespace_mismatch_are_reported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut config = Config::new();
    config.docs(root.join("docs"));
    let g = config.run().unwrap();
    let seed: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.loc.file == "api/create-synchronizationjob.md")
        .collect();
    let at = |code: Code| {
        seed.iter()
            .filter(|d| d.code == code)
            .map(|d| (d.loc.line, d.loc.col))
            .collect::<Vec<_>>()
    };
    // front matter author (line 4) and ms.prod (line 6), the permissions table, the body table
    let todos = at(Code::Placeholder);
    assert!(
        todos.contains(&(4, 12)) && todos.contains(&(6, 13)) && todos.contains(&(22, 39)),
        "{todos:?}"
    );
    assert!(todos.len() >= 9, "{todos:?}");
    // the request-body table's types and the response annotation's @odata.type
    let ns = at(Code::NamespaceMismatch);
    assert_eq!(ns, vec![(49, 11), (50, 9), (52, 29), (93, 6)], "{ns:?}");
    // ... and still resolved: no unresolved type anywhere in docs/
    assert!(
        g.diagnostics.iter().all(|d| d.code != Code::TypeUnresolved),
        "unresolved types remain"
    );
}

#[test]
fn required_types_are_generated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut config = Config::new();
    config.docs(root.join("docs"));
    let g = config.run().unwrap();
    for t in [
        "synchronizationJob",
        "synchronizationSchedule",
        "synchronizationStatus",
        "synchronizationSchema",
        "synchronizationTemplate",
        "keyValuePair",
    ] {
        assert!(
            g.ir.types.contains_key(&format!("microsoft.graph.{t}")),
            "{t} missing"
        );
    }
    // every enum a synchronization type uses is defined (resolved, not opaque)
    for t in g.ir.types.values() {
        for p in t.properties.iter().chain(&t.navigation) {
            assert!(
                !matches!(p.ty, doc2rs::ir::TypeRef::Opaque { .. }),
                "{}.{} is unresolved",
                t.name,
                p.name
            );
        }
    }
}
