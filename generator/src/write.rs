//! Putting generated files on disk without ever leaving a half-written tree.
//!
//! 1. Files whose content is unchanged are not touched (mtimes stay, nothing rebuilds).
//! 2. Every changed file is first written in full to a temporary file beside its target.
//! 3. Only when all of them are written are they renamed into place (each rename atomic),
//!    then stale files are removed: only files that carry the `@generated` marker in their
//!    first line and sit inside the output folder.
//!
//! A run that fails or is killed before step 3 leaves the previous output as it was (the
//! next run sweeps up leftover temporary files).

use crate::emit::Files;
use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const TMP_SUFFIX: &str = ".doc2rs-tmp";

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub written: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

/// Whether a file's first line marks it as generated.
pub fn is_generated(path: &Path) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    text.lines()
        .next()
        .is_some_and(|l| l.contains("@generated"))
}

/// Every file below `root` (relative, `/`-separated), skipping `target/` and hidden folders.
pub fn existing_files(root: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    if !root.exists() {
        return Ok(out);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                if !(name.starts_with('.') || name == "target") {
                    stack.push(path);
                }
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(
                    rel.components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/"),
                );
            }
        }
    }
    out.sort();
    Ok(out)
}

fn tmp_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(TMP_SUFFIX);
    target.with_file_name(format!(".{}", name.to_string_lossy()))
}

/// Test hook: `DOC2RS_WRITE_DELAY_MS` slows staging down so a test can kill a run in the
/// middle of writing.
fn stage_delay() {
    if let Some(ms) = std::env::var("DOC2RS_WRITE_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

pub fn write_tree(root: &Path, files: &Files) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    let existing = existing_files(root)?;
    // Leftovers of an interrupted run.
    for rel in existing.iter().filter(|r| r.ends_with(TMP_SUFFIX)) {
        let _ = fs::remove_file(root.join(rel));
    }
    let mut staged: Vec<(PathBuf, PathBuf, &str)> = Vec::new();
    for (rel, content) in files {
        let target = root.join(rel);
        if fs::read(&target).is_ok_and(|old| old == content.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        let tmp = tmp_path(&target);
        let mut f = fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.sync_all()?;
        staged.push((tmp, target, rel));
        stage_delay();
    }
    for (tmp, target, rel) in staged {
        fs::rename(&tmp, &target)?;
        report.written.push(rel.to_string());
    }
    let wanted: BTreeSet<&str> = files.keys().map(String::as_str).collect();
    for rel in existing
        .iter()
        .filter(|r| !r.ends_with(TMP_SUFFIX) && !wanted.contains(r.as_str()))
    {
        let path = root.join(rel);
        if is_generated(&path) {
            fs::remove_file(&path)?;
            report.removed.push(rel.clone());
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> Files {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn writes_only_changes_and_removes_only_generated_strays() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let r = write_tree(
            root,
            &files(&[
                ("src/a.rs", "// @generated\na"),
                ("src/b.rs", "// @generated\nb"),
            ]),
        )
        .unwrap();
        assert_eq!(r.written.len(), 2);
        fs::write(root.join("src/hand.rs"), "// mine\n").unwrap();
        let mtime = fs::metadata(root.join("src/a.rs"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let r = write_tree(
            root,
            &files(&[
                ("src/a.rs", "// @generated\na"),
                ("src/c.rs", "// @generated\nc"),
            ]),
        )
        .unwrap();
        assert_eq!(r.written, vec!["src/c.rs".to_string()]);
        assert_eq!(r.unchanged, 1);
        assert_eq!(r.removed, vec!["src/b.rs".to_string()]);
        assert_eq!(
            fs::metadata(root.join("src/a.rs"))
                .unwrap()
                .modified()
                .unwrap(),
            mtime
        );
        assert!(
            root.join("src/hand.rs").exists(),
            "hand-written files are never removed"
        );
        assert!(
            existing_files(root)
                .unwrap()
                .iter()
                .all(|f| !f.ends_with(TMP_SUFFIX))
        );
    }
}
