//! The SDK generated from the whole corpus is a complete crate, and product areas compile
//! alone: `cargo check --no-default-features --features AREA` over a sample of areas
//! (`bench/areas.sh` checks all of them; `.ci/run` checks the whole crate).

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/graph-docs-beta-2021-07");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "the corpus is missing at {}: CI must have it",
            dir.display()
        );
    }
    eprintln!(
        "notice: corpus not found at {}; corpus SDK test skipped",
        dir.display()
    );
    None
}

#[test]
fn corpus_sdk_areas_compile_alone() {
    let Some(dir) = corpus() else { return };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    // Outside the workspace folder, as a user's crate would be.
    let out = std::env::temp_dir().join("doc2rs-corpus-sdk-test");
    let mut config = doc2rs::Config::new();
    config.docs(&dir).out_dir(&out).crate_name("graph-beta-sdk");
    let (g, _) = config.generate().expect("the corpus generates");
    assert!(out.join("Cargo.toml").exists() && out.join("src/lib.rs").exists());
    let areas: Vec<String> = g.ir.types.values().map(|t| t.area.clone()).collect();
    for area in ["bookings", "planner", "microsoft-teams"] {
        assert!(areas.iter().any(|a| a == area), "area {area} exists");
        let status = Command::new(env!("CARGO"))
            .args([
                "check",
                "--offline",
                "-q",
                "--no-default-features",
                "--features",
                area,
            ])
            .env("CARGO_TARGET_DIR", workspace.join("target/corpus-sdk-test"))
            .current_dir(&out)
            .status()
            .unwrap();
        assert!(status.success(), "area {area} does not compile alone");
    }
}
