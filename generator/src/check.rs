//! Comparing generated files with what is on disk: the up-to-date check (`doc2rs check`)
//! and the generated-code diff stat (`doc2rs diff`).

use crate::emit::Files;
use crate::write::{existing_files, is_generated};
use similar::{ChangeTag, TextDiff};
use std::path::Path;

/// How one file differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// Generated now, absent on disk.
    Missing(String),
    /// Content differs; the unified diff (disk → generated).
    Changed(String, String),
    /// A file with the `@generated` marker that is no longer generated.
    Stale(String),
}

/// Differences between `files` and the folder `out`.
pub fn compare(files: &Files, out: &Path) -> std::io::Result<Vec<FileChange>> {
    let mut changes = Vec::new();
    for (rel, content) in files {
        match std::fs::read_to_string(out.join(rel)) {
            Ok(on_disk) if on_disk == *content => {}
            Ok(on_disk) => {
                let diff = TextDiff::from_lines(&on_disk, content);
                let text = diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{rel}"), &format!("b/{rel}"))
                    .to_string();
                changes.push(FileChange::Changed(rel.clone(), text));
            }
            Err(_) => changes.push(FileChange::Missing(rel.clone())),
        }
    }
    for rel in existing_files(out)? {
        if !files.contains_key(&rel) && is_generated(&out.join(&rel)) {
            changes.push(FileChange::Stale(rel));
        }
    }
    Ok(changes)
}

/// `(file, lines added, lines removed)` between two generations, like `git diff --stat`.
pub(crate) fn stat(old: &Files, new: &Files) -> Vec<(String, usize, usize)> {
    let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|p| {
            let a = old.get(p).map(String::as_str).unwrap_or("");
            let b = new.get(p).map(String::as_str).unwrap_or("");
            if a == b {
                return None;
            }
            let diff = TextDiff::from_lines(a, b);
            let (mut added, mut removed) = (0, 0);
            for c in diff.iter_all_changes() {
                match c.tag() {
                    ChangeTag::Insert => added += 1,
                    ChangeTag::Delete => removed += 1,
                    ChangeTag::Equal => {}
                }
            }
            Some((p.clone(), added, removed))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_counts_lines() {
        let old: Files = [("a.rs".to_string(), "x\ny\n".to_string())].into();
        let new: Files = [
            ("a.rs".to_string(), "x\nz\nw\n".to_string()),
            ("b.rs".to_string(), "n\n".to_string()),
        ]
        .into();
        assert_eq!(
            stat(&old, &new),
            vec![("a.rs".to_string(), 2, 1), ("b.rs".to_string(), 1, 0)]
        );
    }
}
