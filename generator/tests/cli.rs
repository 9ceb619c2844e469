//! The `doc2rs` command line: exit codes and output of `check`, `diff`, `lint` and
//! `generate` on real docs.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn doc2rs(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_doc2rs"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn check_clean_and_stale() {
    let out = doc2rs(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&root().join("generated"), tmp.path());
    let graph = tmp.path().join("src/graph.rs");
    let text = std::fs::read_to_string(&graph)
        .unwrap()
        .replace("pub struct KeyValuePair", "pub struct KeyValuePairEdited");
    std::fs::write(&graph, text).unwrap();
    let out = doc2rs(&["check", "--out", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("-pub struct KeyValuePairEdited")
            && stdout.contains("+pub struct KeyValuePair"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("cargo run -p doc2rs -- generate"));
}

#[test]
fn diff_reports_breaking_changes_and_fails_on_them() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&root().join("docs"), tmp.path());
    // Real edits: a new property on synchronizationJob (compatible) and the pause
    // operation's page removed (breaking).
    let page = tmp
        .path()
        .join("resources/synchronization-synchronizationjob.md");
    let text = std::fs::read_to_string(&page).unwrap().replace(
        "|templateId     |String    |",
        "|runAsUser|String|Hypothetical new property.|\n|templateId     |String    |",
    );
    std::fs::write(&page, text).unwrap();
    std::fs::remove_file(
        tmp.path()
            .join("api/synchronization-synchronizationjob-pause.md"),
    )
    .unwrap();
    let new = tmp.path().to_str().unwrap();
    let out = doc2rs(&["diff", "docs", new]);
    assert!(out.status.success());
    let md = String::from_utf8_lossy(&out.stdout);
    let breaking = md.find("### Breaking changes").expect("breaking section");
    let compatible = md
        .find("### Compatible changes")
        .expect("compatible section");
    assert!(breaking < compatible, "{md}");
    assert!(
        md[breaking..compatible].contains("PostServicePrincipalsSynchronizationJobsPause"),
        "{md}"
    );
    assert!(md[compatible..].contains("runAsUser"), "{md}");
    assert!(
        md.contains("Generated code"),
        "the generated-code diff stat is printed: {md}"
    );
    assert!(md.contains("Semver: **major**"), "{md}");
    // `--full FILE` writes the itemised report beside the summary.
    let full = tmp.path().join("review-full.md");
    let out = doc2rs(&["diff", "docs", new, "--full", full.to_str().unwrap()]);
    assert!(out.status.success());
    let report = std::fs::read_to_string(&full).unwrap();
    assert!(
        report.contains("runAsUser") && report.contains("`applications` · "),
        "{report}"
    );
    let out = doc2rs(&["diff", "docs", new, "--fail-on", "breaking"]);
    assert_eq!(out.status.code(), Some(1));
    let out = doc2rs(&["diff", "docs", new, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["changes"].as_array().is_some_and(|c| !c.is_empty()));
    // git revisions work as one side
    let out = doc2rs(&["diff", "HEAD:docs", "docs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn lint_formats_and_usage_errors() {
    let out = doc2rs(&["lint", "--format", "github"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::warning file=docs/api/create-synchronizationjob.md,line=")),
        "{text}"
    );
    let out = doc2rs(&["lint", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["summary"]["types"].as_u64().unwrap() >= 40);
    assert_eq!(
        doc2rs(&["generate", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(
        doc2rs(&["generate", "--docs", "/nonexistent", "--out", "/tmp/x"])
            .status
            .code(),
        Some(1)
    );
}

/// A run killed in the middle of writing leaves the previous output intact; the next run
/// completes it and sweeps up the temporary files.
#[test]
fn killed_write_leaves_previous_output_intact() {
    let out = tempfile::tempdir().unwrap();
    let out_s = out.path().to_str().unwrap();
    assert!(doc2rs(&["generate", "--out", out_s]).status.success());
    let before: Vec<(String, Vec<u8>)> = doc2rs::test_door::write::existing_files(out.path())
        .unwrap()
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(out.path().join(&f)).unwrap();
            (f, bytes)
        })
        .collect();

    // New docs: one operation fewer, so several files change.
    let docs = tempfile::tempdir().unwrap();
    copy_tree(&root().join("docs"), docs.path());
    std::fs::remove_file(
        docs.path()
            .join("api/synchronization-synchronizationjob-pause.md"),
    )
    .unwrap();
    let docs_s = docs.path().to_str().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_doc2rs"))
        .args(["generate", "--docs", docs_s, "--out", out_s])
        .env("DOC2RS_WRITE_DELAY_MS", "300")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until staging has begun, then kill.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let staging = doc2rs::test_door::write::staging_dir(out.path()).exists();
        if staging {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "staging never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    for (file, bytes) in &before {
        assert_eq!(
            &std::fs::read(out.path().join(file)).unwrap(),
            bytes,
            "{file} changed by the killed run"
        );
    }

    assert!(
        doc2rs(&["generate", "--docs", docs_s, "--out", out_s])
            .status
            .success()
    );
    let after = doc2rs::test_door::write::existing_files(out.path()).unwrap();
    assert!(
        after.iter().all(|f| !f.ends_with(".doc2rs-tmp")),
        "temporary files left: {after:?}"
    );
    let check = doc2rs(&["check", "--docs", docs_s, "--out", out_s]);
    assert!(check.status.success(), "the completed run is up to date");
}
