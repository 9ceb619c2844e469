//! The checked-in `generated/` crate is exactly what `docs/` produces (rust-analyzer style:
//! a stale checkout fails here with the command that fixes it).

use doc2rs::Config;
use std::path::Path;

#[test]
fn generated_crate_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut config = Config::new();
    config
        .docs(root.join("docs"))
        .out_dir(root.join("generated"));
    let g = config.run().expect("docs generate");
    let changes = doc2rs::test_door::check::compare(&g.files, &root.join("generated")).unwrap();
    assert!(
        changes.is_empty(),
        "generated/ is stale; run `cargo run -p doc2rs -- generate`:\n{changes:#?}"
    );
}

#[test]
fn output_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut config = Config::new();
    config.docs(root.join("docs"));
    let a = config.run().unwrap();
    let b = config.run().unwrap();
    assert_eq!(a.files, b.files);
    assert_eq!(a.diagnostics, b.diagnostics);
}

#[test]
fn root_package_declares_the_area_features() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let generated = std::fs::read_to_string(root.join("generated/Cargo.toml")).unwrap();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let start = generated.find("[features]").unwrap();
    let end = generated.find("# A Transport").unwrap();
    let missing: Vec<&str> = generated[start..end]
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty() && !manifest.contains(l))
        .collect();
    assert!(
        missing.is_empty(),
        "copy the [features] of generated/Cargo.toml into Cargo.toml: {missing:?}"
    );
}
