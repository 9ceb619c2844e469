//! Helpers shared by the integration tests that read the corpus or generated files.
#![allow(dead_code)] // each test crate uses what it needs

use std::path::{Path, PathBuf};

/// The 2021-07 beta corpus beside the workspace. Missing: a panic in CI (`CI` set), else
/// `None` with a notice (the caller skips).
pub fn corpus() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = root.join("../shared/corpus/graph-docs-beta-2021-07");
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
        "notice: corpus not found at {}; corpus tests skipped",
        dir.display()
    );
    None
}

/// The text of the generated file whose path ends with `name` (`requests.rs`).
pub fn generated_file<'g>(g: &'g doc2rs::Generated, name: &str) -> &'g str {
    g.files
        .iter()
        .find(|(p, _)| p.ends_with(name))
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("no generated {name}"))
}
