//! The whole real corpus (7,949 beta pages): generation finishes with no panic and no
//! error, the run matches the checked-in summary (`tests/corpus-summary.json`; refresh it
//! with `DOC2RS_UPDATE_SUMMARY=1 cargo test -p doc2rs --test corpus`), and the output is
//! byte-identical whatever the thread count.
//!
//! The corpus lives at `../shared/corpus/graph-docs-beta-2021-07` from the workspace root.
//! Missing corpus: the test fails in CI (`CI` set) and is skipped with a notice elsewhere.

mod common;

use common::corpus;
use doc2rs::Config;
use doc2rs::test_door::summary::Summary;
use std::path::Path;
use std::process::Command;

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

/// The SDK generated from the whole corpus is a complete crate, and product areas compile
/// alone: `cargo check --no-default-features --features AREA` over a sample of areas
/// (`bench/areas.sh` checks all of them; `.ci/run` checks the whole crate).
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
    user_program(&out, &workspace.join("target/corpus-sdk-test"));
}

/// A user's program against the corpus SDK with only the `users` and `sharepoint` areas
/// (`tests/fixtures/user-program`): lists users with `select`, `filter` and `top`, updates one
/// answered `204`, downloads and uploads bytes, addresses an item by path, all against a
/// local server it starts on 127.0.0.1.
fn user_program(sdk: &Path, target: &Path) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/user-program");
    let dir = sdk.with_file_name("doc2rs-user-program");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = std::fs::read_to_string(fixture.join("Cargo.toml.in")).unwrap();
    let manifest = manifest.replace(
        "../doc2rs-corpus-sdk-test",
        &sdk.display().to_string().replace('\\', "/"),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(fixture.join("src/main.rs"), dir.join("src/main.rs")).unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["run", "--offline", "-q"])
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the user program failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("user program: list, 204 update, download, upload, colon path: ok"));
    assert!(stdout.contains("user program: user stream, delta round, streamed download, 10 MB upload session, batch of 20, retry: ok"));
}
