//! The write path under stress (issue 11): `doc2rs generate` leaves the output folder
//! holding either the old output or the new one — never a mix — when two runs write it at
//! once or a run is killed at any point, and never follows a symlink inside the output
//! folder out of it. Runs the built binary on the repository's docs/.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn spawn(docs: &Path, out: &Path, delay_ms: u32) -> Child {
    Command::new(env!("CARGO_BIN_EXE_doc2rs"))
        .args(["generate", "--docs"])
        .arg(docs)
        .arg("--out")
        .arg(out)
        .env("DOC2RS_WRITE_DELAY_MS", delay_ms.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn generate(docs: &Path, out: &Path) {
    let status = spawn(docs, out, 0).wait().unwrap();
    assert!(status.success(), "generate into {}", out.display());
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    doc2rs::test_door::write::existing_files(dir)
        .unwrap()
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Two docs folders whose outputs differ in several files: docs/ and docs/ less one
/// operation page.
struct Versions {
    _tmp: tempfile::TempDir,
    old_docs: PathBuf,
    new_docs: PathBuf,
    old: BTreeMap<String, Vec<u8>>,
    new: BTreeMap<String, Vec<u8>>,
}

fn versions() -> Versions {
    let tmp = tempfile::tempdir().unwrap();
    let old_docs = tmp.path().join("old-docs");
    copy_tree(&root().join("docs"), &old_docs);
    std::fs::remove_file(old_docs.join("api/synchronization-synchronizationjob-pause.md")).unwrap();
    let new_docs = root().join("docs");
    let (a, b) = (tmp.path().join("ref-old"), tmp.path().join("ref-new"));
    generate(&old_docs, &a);
    generate(&new_docs, &b);
    let (old, new) = (snapshot(&a), snapshot(&b));
    assert_ne!(old, new, "the two versions must differ");
    let changed = new.iter().filter(|(k, v)| old.get(*k) != Some(v)).count();
    assert!(changed >= 2, "several files must change, not {changed}");
    Versions {
        _tmp: tmp,
        old_docs,
        new_docs,
        old,
        new,
    }
}

fn no_leftovers(out: &Path) {
    let staging = doc2rs::test_door::write::staging_dir(out);
    assert!(!staging.exists(), "staging left at {}", staging.display());
}

#[test]
fn two_runs_at_once_leave_one_full_output() {
    let v = versions();
    for (round, start_from_old) in [(0, false), (1, true)] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        if start_from_old {
            generate(&v.old_docs, &out);
        }
        // Slow staging so the two runs overlap.
        let mut a = spawn(&v.new_docs, &out, 3);
        let mut b = spawn(&v.new_docs, &out, 3 + round);
        assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
        assert_eq!(snapshot(&out), v.new, "round {round}: not one full output");
        no_leftovers(&out);
        // Two runs with different docs at once: one of the two outputs, whole.
        let mut a = spawn(&v.old_docs, &out, 2);
        let mut b = spawn(&v.new_docs, &out, 2);
        assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
        let s = snapshot(&out);
        assert!(s == v.old || s == v.new, "round {round}: a mix of two runs");
        no_leftovers(&out);
    }
}

#[test]
fn a_killed_run_leaves_old_or_new() {
    let v = versions();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    generate(&v.old_docs, &out);
    let (mut saw_old, mut saw_new) = (0, 0);
    // Kill at several points: from the spawn (while reading and resolving) and from the
    // moment staging begins (while writing, swapping, clearing up).
    let from_spawn = [5u64, 300];
    let from_staging = [0u64, 1, 3, 6, 12, 25, 50, 150];
    let plans = from_spawn
        .iter()
        .map(|&d| (false, d))
        .chain(from_staging.iter().map(|&d| (true, d)));
    for (after_staging, delay) in plans {
        let mut child = spawn(&v.new_docs, &out, 2);
        if after_staging {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !doc2rs::test_door::write::staging_dir(&out).exists()
                && child.try_wait().unwrap().is_none()
            {
                assert!(Instant::now() < deadline, "staging never began");
                std::thread::sleep(Duration::from_micros(200));
            }
        }
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        child.wait().unwrap();
        let s = snapshot(&out);
        if s == v.old || s == v.new {
            if s == v.old {
                saw_old += 1;
            } else {
                saw_new += 1;
            }
            // Back to the old output; this run also clears what the killed one left.
            if s == v.new || doc2rs::test_door::write::staging_dir(&out).exists() {
                generate(&v.old_docs, &out);
                assert_eq!(snapshot(&out), v.old);
                no_leftovers(&out);
            }
        } else {
            let mixed: Vec<_> = s
                .keys()
                .filter(|k| v.old.get(*k) != s.get(*k) && v.new.get(*k) != s.get(*k))
                .collect();
            panic!(
                "killed {delay} ms after {}: a mix of old and new ({mixed:?})",
                if after_staging {
                    "staging began"
                } else {
                    "spawn"
                }
            );
        }
    }
    println!("killed runs left the old output {saw_old} times, the new one {saw_new} times");
    // The next run completes and clears what the killed ones left.
    generate(&v.new_docs, &out);
    assert_eq!(snapshot(&out), v.new);
    no_leftovers(&out);
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_output_are_never_followed_out() {
    use std::os::unix::fs::symlink;
    let v = versions();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(outside.join("dir")).unwrap();
    std::fs::write(outside.join("victim.rs"), "precious").unwrap();
    std::fs::write(outside.join("dir/keep.txt"), "precious too").unwrap();
    let before_outside = snapshot(&outside);
    generate(&v.old_docs, &out);

    // A generated file replaced by a link out, a generated folder replaced by a link out,
    // a stray link out, and a hand-written file and build folder that must survive.
    let file = v
        .new
        .keys()
        .find(|k| k.starts_with("src/"))
        .unwrap()
        .clone();
    std::fs::remove_file(out.join(&file)).unwrap();
    symlink(outside.join("victim.rs"), out.join(&file)).unwrap();
    std::fs::remove_dir_all(out.join("tests")).unwrap();
    symlink(outside.join("dir"), out.join("tests")).unwrap();
    symlink(outside.join("victim.rs"), out.join("stray-link.rs")).unwrap();
    std::fs::write(out.join("HAND.md"), "mine").unwrap();
    std::fs::create_dir_all(out.join("target/debug")).unwrap();
    std::fs::write(out.join("target/debug/cache"), "build").unwrap();

    generate(&v.new_docs, &out);
    assert_eq!(
        snapshot(&outside),
        before_outside,
        "a file outside was touched"
    );
    let meta = std::fs::symlink_metadata(out.join(&file)).unwrap();
    assert!(meta.is_file(), "{file} is a regular file again");
    assert!(
        std::fs::symlink_metadata(out.join("tests"))
            .unwrap()
            .is_dir()
    );
    for (k, bytes) in &v.new {
        assert_eq!(&std::fs::read(out.join(k)).unwrap(), bytes, "{k}");
    }
    assert!(
        std::fs::symlink_metadata(out.join("stray-link.rs"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "a stray link is kept as a link"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("HAND.md")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("target/debug/cache")).unwrap(),
        "build"
    );
    no_leftovers(&out);

    // Nothing changed: the folder is not touched (a link planted now stays as it is).
    let mtime = std::fs::metadata(&out).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    generate(&v.new_docs, &out);
    assert_eq!(std::fs::metadata(&out).unwrap().modified().unwrap(), mtime);
    assert_eq!(snapshot(&outside), before_outside);
}
