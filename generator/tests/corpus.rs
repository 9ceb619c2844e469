//! The whole real corpus (7,949 beta pages): generation finishes with no panic and no
//! error, the run matches the checked-in summary (`tests/corpus-summary.json`; refresh it
//! with `DOC2RS_UPDATE_SUMMARY=1 cargo test -p doc2rs --test corpus`), and the output is
//! byte-identical whatever the thread count.
//!
//! The corpus lives at `../shared/corpus/graph-docs-beta-2021-07` from the workspace root.
//! Missing corpus: the test fails in CI (`CI` set) and is skipped with a notice elsewhere.

use doc2rs::Config;
use doc2rs::summary::Summary;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
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

fn run(dir: &Path, threads: usize) -> doc2rs::Generated {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut config = Config::new();
    config.docs(dir).crate_name("graph-beta-sdk");
    pool.install(|| config.run()).expect("the corpus generates")
}

#[test]
fn corpus_generates_matches_summary_and_is_thread_count_independent() {
    let Some(dir) = corpus() else { return };
    let g = run(&dir, 2);
    assert_eq!(g.errors(), 0, "errors on the corpus");
    let summary = Summary::of(&g);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-summary.json");
    let current = serde_json::to_string_pretty(&summary).unwrap() + "\n";
    if std::env::var_os("DOC2RS_UPDATE_SUMMARY").is_some() {
        std::fs::write(&path, &current).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != current {
        let diff = similar::TextDiff::from_lines(&expected, &current);
        panic!(
            "the corpus summary changed (review, then refresh with DOC2RS_UPDATE_SUMMARY=1 cargo test -p doc2rs --test corpus):\n{}",
            diff.unified_diff().context_radius(2)
        );
    }
    // Every page is classified, and the numbers are the corpus's own.
    // 7,949 files: 7,948 `.md` pages and `translationlanguageoverride.md.txt` (reported, not read).
    assert_eq!(summary.pages.values().sum::<usize>(), 7948);
    assert_eq!(summary.diagnostics.get("D2R003 file-skipped"), Some(&1));
    assert!(
        summary.types > 2000 && summary.operations > 3500,
        "{summary:?}"
    );

    let single = run(&dir, 1);
    assert!(
        single.files == g.files,
        "output differs between 1 and 2 threads"
    );
    assert_eq!(single.diagnostics, g.diagnostics);
}
