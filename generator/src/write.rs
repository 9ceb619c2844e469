//! Putting generated files on disk so that the output folder always holds either the
//! previous output or the new one, never a mix — whatever else runs or however a run ends.
//!
//! 1. An exclusive lock (`File::lock` on the folder that holds the output) serialises runs
//!    on one folder: a second `generate` waits for the first. The OS drops the lock when a
//!    process dies, and no lock file is left behind.
//! 2. The new tree is built in a staging folder beside the output (`.NAME.doc2rs-new`):
//!    changed files written and synced, unchanged files and hand-written files hard-linked
//!    (so mtimes stay and nothing rebuilds), symlinks recreated as links, `target/` and
//!    hidden folders moved across last. Stale files that carry the `@generated` marker are
//!    left behind; nothing else is removed.
//! 3. One atomic step swaps the staging folder and the output folder (`renameat2` with
//!    `RENAME_EXCHANGE` on Linux); then the old tree, now in the staging place, is deleted.
//!    A run killed before the swap leaves the old output; after it, the new one. The next
//!    run first clears what a killed run left in the staging place (moving back any
//!    `target/` or hidden folder it holds). Elsewhere than Linux the swap is two renames.
//! 4. Nothing is written through a path inside the output folder: every file is created
//!    fresh in the staging folder, so a symlink planted inside the output (to a file or a
//!    folder) is never followed out of it. A symlink where the output needs a file or a
//!    folder is dropped; other symlinks are carried over as links.
//!
//! When nothing changed, the folder is not touched at all.

use crate::emit::Files;
use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Temporary files of the per-file scheme older versions used; swept, never carried over.
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

/// Folders below the output that are not ours to rewrite: build output and hidden folders.
fn is_kept_dir(name: &str) -> bool {
    name.starts_with('.') || name == "target"
}

fn rel_of(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Every file below `root` (relative, `/`-separated), skipping `target/` and hidden folders.
/// Symlinks are listed as files, never followed.
pub fn existing_files(root: &Path) -> io::Result<Vec<String>> {
    Ok(scan(root)?.0)
}

/// The files and the kept folders (`target/`, hidden) below `root`.
fn scan(root: &Path) -> io::Result<(Vec<String>, Vec<String>)> {
    let (mut files, mut kept) = (Vec::new(), Vec::new());
    if !root.is_dir() {
        return Ok((files, kept));
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            let Some(rel) = rel_of(root, &path) else {
                continue;
            };
            if entry.file_type()?.is_dir() {
                if is_kept_dir(&name) {
                    kept.push(rel);
                } else {
                    stack.push(path);
                }
            } else {
                files.push(rel);
            }
        }
    }
    files.sort();
    kept.sort();
    Ok((files, kept))
}

/// Where a run builds the new tree: `.NAME.doc2rs-new` beside the output folder.
pub fn staging_dir(root: &Path) -> PathBuf {
    sibling(root, "doc2rs-new")
}

fn sibling(root: &Path, suffix: &str) -> PathBuf {
    let name = root.file_name().unwrap_or_default().to_string_lossy();
    root.with_file_name(format!(".{name}.{suffix}"))
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

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

/// A generated path must stay inside the output folder.
fn check_rel(rel: &str) -> io::Result<()> {
    let ok = !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "generated path `{rel}` leaves the output folder"
        )))
    }
}

/// The output folder itself: a symlink naming it is resolved (it is the caller's choice);
/// only what is inside is guarded.
fn resolve_root(root: &Path) -> io::Result<PathBuf> {
    let root = if root.is_absolute() {
        root.to_path_buf()
    } else {
        std::env::current_dir()?.join(root)
    };
    if fs::symlink_metadata(&root).is_ok_and(|m| m.file_type().is_symlink()) {
        return fs::canonicalize(&root);
    }
    if root.file_name().is_none() {
        return fs::canonicalize(&root);
    }
    if let Some(parent) = root.parent() {
        fs::create_dir_all(parent)?;
    }
    Ok(root)
}

/// A regular file (not a symlink) with exactly this content.
fn same_file(path: &Path, content: &[u8]) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == content.len() as u64)
        && fs::read(path).is_ok_and(|old| old == content)
}

/// `to` gets `from`'s file (a hard link; a copy with its mtime where links fail) or, for a
/// symlink, a link with the same target.
fn carry(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir)?;
    }
    let meta = fs::symlink_metadata(from)?;
    if meta.file_type().is_symlink() {
        #[cfg(unix)]
        return std::os::unix::fs::symlink(fs::read_link(from)?, to);
        #[cfg(not(unix))]
        return Ok(());
    }
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to)?;
    let f = fs::File::options().write(true).open(to)?;
    f.set_modified(meta.modified()?)?;
    Ok(())
}

fn write_new(path: &Path, content: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut f = fs::File::options()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(content)?;
    f.sync_all()
}

/// Swap two folders in one step (Linux); elsewhere, two renames.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let ca = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
        let cb = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
        // SAFETY: two valid NUL-terminated paths; the call only reads them.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        // Filesystems without RENAME_EXCHANGE fall back to two renames.
        if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
            return Err(e);
        }
    }
    let aside = sibling(b, "doc2rs-old");
    let _ = fs::remove_dir_all(&aside);
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}

/// An exclusive lock for writing `root`: on the folder that holds it (Unix; a lock file
/// beside it elsewhere), so no lock file is left behind. Blocks while another run holds it;
/// the OS releases it when the returned handle drops or the process dies.
fn lock(root: &Path) -> io::Result<fs::File> {
    #[cfg(unix)]
    let f = fs::File::open(root.parent().unwrap_or(Path::new("/")))?;
    #[cfg(not(unix))]
    let f = fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(sibling(root, "doc2rs-lock"))?;
    f.lock()?;
    Ok(f)
}

/// What a killed run left in the staging place: kept folders it had moved are moved back
/// (where the output lacks them), the rest deleted.
fn recover(root: &Path) -> io::Result<()> {
    let staging = staging_dir(root);
    if fs::symlink_metadata(&staging).is_err() {
        return Ok(());
    }
    if fs::symlink_metadata(&staging).is_ok_and(|m| m.is_dir()) {
        let (_, kept) = scan(&staging)?;
        for rel in kept {
            let back = root.join(&rel);
            if root.is_dir() && fs::symlink_metadata(&back).is_err() {
                if let Some(dir) = back.parent() {
                    fs::create_dir_all(dir)?;
                }
                fs::rename(staging.join(&rel), &back)?;
            }
        }
        fs::remove_dir_all(&staging)
    } else {
        fs::remove_file(&staging)
    }
}

pub fn write_tree(root: &Path, files: &Files) -> io::Result<WriteReport> {
    for rel in files.keys() {
        check_rel(rel)?;
    }
    let root = resolve_root(root)?;
    let _lock = lock(&root)?;
    recover(&root)?;
    let (existing, kept_dirs) = scan(&root)?;

    let mut report = WriteReport::default();
    let mut changed: BTreeSet<&str> = BTreeSet::new();
    for (rel, content) in files {
        if same_file(&root.join(rel), content.as_bytes()) {
            report.unchanged += 1;
        } else {
            changed.insert(rel);
        }
    }
    // Paths the output occupies (files and the folders holding them): an old entry there
    // that is not the output file itself is replaced, never carried.
    let mut occupied: BTreeSet<String> = BTreeSet::new();
    for rel in files.keys() {
        let mut prefix = String::new();
        for part in rel.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            occupied.insert(prefix.clone());
        }
    }
    let mut carried = Vec::new();
    for rel in &existing {
        if files.contains_key(rel) || rel.ends_with(TMP_SUFFIX) {
            continue;
        }
        let path = root.join(rel);
        let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        let blocked = occupied.contains(rel)
            || rel
                .char_indices()
                .filter(|&(_, c)| c == '/')
                .any(|(i, _)| files.contains_key(&rel[..i]));
        if !is_link && is_generated(&path) {
            report.removed.push(rel.clone());
        } else if !blocked {
            carried.push(rel.clone());
        }
    }
    let sweep = existing.iter().any(|r| r.ends_with(TMP_SUFFIX));
    if changed.is_empty() && report.removed.is_empty() && !sweep {
        return Ok(report);
    }

    let staging = staging_dir(&root);
    fs::create_dir(&staging)?;
    for (rel, content) in files {
        let to = staging.join(rel);
        if changed.contains(rel.as_str()) {
            write_new(&to, content.as_bytes())?;
            report.written.push(rel.clone());
            stage_delay();
        } else {
            carry(&root.join(rel), &to)?;
        }
    }
    for rel in &carried {
        carry(&root.join(rel), &staging.join(rel))?;
    }
    if !root.exists() {
        fs::rename(&staging, &root)?;
        return Ok(report);
    }
    // Kept folders move last, just before the swap (and back if it fails).
    let mut moved = Vec::new();
    for rel in kept_dirs.iter().filter(|r| !occupied.contains(*r)) {
        let to = staging.join(rel);
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::rename(root.join(rel), &to)?;
        moved.push(rel);
    }
    if let Err(e) = exchange(&staging, &root) {
        for rel in moved {
            let _ = fs::rename(staging.join(rel), root.join(rel));
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    // The old tree, now in the staging place. The new output is in; what fails to go here
    // is cleared by the next run.
    let _ = fs::remove_dir_all(&staging);
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
